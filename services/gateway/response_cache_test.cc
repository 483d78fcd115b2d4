#include "services/gateway/response_cache.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::gateway {
namespace {

using Cache = CoalescingCache<std::string>;

// A fetch whose completion the test triggers by hand.
struct PendingFetches {
  std::vector<std::function<void(absl::StatusOr<std::string>)>> pending;
  Cache::Fetch fetch() {
    return [this](std::function<void(absl::StatusOr<std::string>)> done) {
      pending.push_back(std::move(done));
    };
  }
};

TEST(CoalescingCacheTest, IdenticalRequestsInFlightShareOneCall) {
  Cache cache(absl::Seconds(60));
  PendingFetches fetches;
  std::vector<Fetched<std::string>> answers;
  for (int i = 0; i < 3; ++i) {
    cache.Get("k", fetches.fetch(),
              [&](Fetched<std::string> f) { answers.push_back(std::move(f)); });
  }
  ASSERT_EQ(fetches.pending.size(), 1u);
  EXPECT_TRUE(answers.empty());
  fetches.pending[0]("answer");
  ASSERT_EQ(answers.size(), 3u);
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.value.ok());
    EXPECT_EQ(**answer.value, "answer");
    EXPECT_FALSE(answer.cached);
  }
  EXPECT_FALSE(answers[0].coalesced);
  EXPECT_TRUE(answers[1].coalesced);
  EXPECT_EQ(cache.stats().calls, 1);
  EXPECT_EQ(cache.stats().coalesced, 2);
}

TEST(CoalescingCacheTest, FreshAnswersAreReusedOtherKeysAreNot) {
  Cache cache(absl::Seconds(60));
  PendingFetches fetches;
  std::vector<Fetched<std::string>> answers;
  auto keep = [&](Fetched<std::string> f) { answers.push_back(std::move(f)); };
  cache.Get("k", fetches.fetch(), keep);
  fetches.pending[0]("v1");
  cache.Get("k", fetches.fetch(), keep);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_TRUE(answers[1].cached);
  EXPECT_EQ(answers[1].fetched_time, answers[0].fetched_time);
  EXPECT_EQ(fetches.pending.size(), 1u);
  cache.Get("other", fetches.fetch(), keep);
  EXPECT_EQ(fetches.pending.size(), 2u);
  EXPECT_EQ(cache.stats().hits, 1);
}

TEST(CoalescingCacheTest, FailuresAreNotCached) {
  Cache cache(absl::Seconds(60));
  PendingFetches fetches;
  std::vector<Fetched<std::string>> answers;
  auto keep = [&](Fetched<std::string> f) { answers.push_back(std::move(f)); };
  cache.Get("k", fetches.fetch(), keep);
  cache.Get("k", fetches.fetch(), keep);
  fetches.pending[0](absl::UnavailableError("down"));
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].value.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(answers[1].value.status().code(), absl::StatusCode::kUnavailable);
  cache.Get("k", fetches.fetch(), keep);
  EXPECT_EQ(fetches.pending.size(), 2u);  // asked again
}

TEST(CoalescingCacheTest, ZeroTtlOnlyCoalescesAndExpiredEntriesAreRefetched) {
  Cache cache(absl::ZeroDuration());
  PendingFetches fetches;
  int answered = 0;
  auto count = [&](Fetched<std::string>) { ++answered; };
  cache.Get("k", fetches.fetch(), count);
  fetches.pending[0]("v");
  cache.Get("k", fetches.fetch(), count);
  EXPECT_EQ(fetches.pending.size(), 2u);

  Cache short_lived(absl::Milliseconds(1));
  PendingFetches more;
  short_lived.Get("k", more.fetch(), count);
  more.pending[0]("v");
  absl::SleepFor(absl::Milliseconds(5));
  short_lived.Get("k", more.fetch(), count);
  EXPECT_EQ(more.pending.size(), 2u);
}

TEST(CoalescingCacheTest, SynchronousFetchIsAnsweredOnce) {
  Cache cache(absl::Seconds(60));
  int answered = 0;
  cache.Get("k",
            [](std::function<void(absl::StatusOr<std::string>)> done) {
              done(absl::FailedPreconditionError("no address"));
            },
            [&](Fetched<std::string> f) {
              ++answered;
              EXPECT_FALSE(f.value.ok());
            });
  EXPECT_EQ(answered, 1);
}

}  // namespace
}  // namespace hpedu::gateway
