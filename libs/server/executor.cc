#include "libs/server/executor.h"

#include <utility>

namespace hpedu::server {

Executor::Executor(int threads, int max_queue) : max_queue_(max_queue) {
  workers_.reserve(threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

Executor::~Executor() { Shutdown(); }

bool Executor::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (shutting_down_ || static_cast<int>(queue_.size()) >= max_queue_) {
    return false;
  }
  queue_.push_back(std::move(task));
  return true;
}

void Executor::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shutting_down_) return;
    shutting_down_ = true;
  }
  for (std::thread& worker : workers_) worker.join();
}

void Executor::Work() {
  while (true) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Executor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->shutting_down_ || !self->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // shutting down and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace hpedu::server
