// A fixed set of worker threads with a bounded queue. gRPC callback handlers
// must never block on the database (grpc/grpc#36609): they hand the work to
// an Executor, whose threads may block, and Finish the call from there.
#ifndef HPEDU_LIBS_SERVER_EXECUTOR_H_
#define HPEDU_LIBS_SERVER_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace hpedu::server {

// Thread-safe.
class Executor {
 public:
  // Starts `threads` workers; at most `max_queue` tasks wait for one.
  Executor(int threads, int max_queue);
  // Runs the queued tasks, then joins the workers.
  ~Executor();

  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task`. Returns false, without running it, if the queue is full or
  // the executor is shutting down: the caller sheds the load
  // (RESOURCE_EXHAUSTED) instead of queueing without bound.
  bool Submit(std::function<void()> task);

  // Stops accepting tasks, runs those queued, joins the workers. Idempotent.
  void Shutdown();

  int threads() const { return static_cast<int>(workers_.size()); }

 private:
  void Work();

  const int max_queue_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_EXECUTOR_H_
