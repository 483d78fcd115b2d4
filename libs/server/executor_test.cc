#include "libs/server/executor.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::server {
namespace {

TEST(ExecutorTest, RunsEveryTaskBeforeShutdownReturns) {
  std::atomic<int> ran{0};
  Executor executor(3, 1000);
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(executor.Submit([&ran] { ran.fetch_add(1); }));
  }
  executor.Shutdown();
  EXPECT_EQ(ran.load(), 500);
}

TEST(ExecutorTest, RefusesWhenQueueIsFull) {
  Executor executor(1, 2);
  absl::Notification started, release;
  ASSERT_TRUE(executor.Submit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();  // the worker is busy; the queue is empty
  EXPECT_TRUE(executor.Submit([] {}));
  EXPECT_TRUE(executor.Submit([] {}));
  EXPECT_FALSE(executor.Submit([] {}));  // bounded: shed, do not queue
  release.Notify();
}

TEST(ExecutorTest, RefusesAfterShutdown) {
  Executor executor(1, 10);
  executor.Shutdown();
  EXPECT_FALSE(executor.Submit([] {}));
  executor.Shutdown();  // idempotent
}

}  // namespace
}  // namespace hpedu::server
