// Joins the parallel backend calls of one view without blocking a thread.
//
//   auto join = Join::Create(deadline, [=] { Compose(*parts); Finish(); });
//   backends.RollUp(call, request, join->Part<Fetched<RollUpResponse>>(
//       [parts](Fetched<RollUpResponse> r) { parts->rollup = std::move(r); }));
//   ...
//   join->Start();
//
// `finish` runs exactly once: when every part has arrived, or when the
// deadline comes first (a timer, not a waiting thread). A part arriving after
// that is dropped, so `finish` sees the parts that made it and nothing else
// touches them afterwards: parts are applied under the join's lock.
#ifndef HPEDU_SERVICES_GATEWAY_FANOUT_H_
#define HPEDU_SERVICES_GATEWAY_FANOUT_H_

#include <functional>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/alarm.h"

namespace hpedu::gateway {

class Join : public std::enable_shared_from_this<Join> {
 public:
  static std::shared_ptr<Join> Create(absl::Time deadline,
                                      std::function<void()> finish);

  // A callback for one part. Must be called before Start.
  template <typename T>
  std::function<void(T)> Part(std::function<void(T)> apply) {
    {
      absl::MutexLock lock(&mu_);
      ++pending_;
    }
    return [self = shared_from_this(), apply = std::move(apply)](T value) {
      self->Arrive([&] { apply(std::move(value)); });
    };
  }

  // Arms the deadline; finishes at once if no part is pending.
  void Start();

  // Parts still missing when finish ran (for tests and logs).
  int missing() const;

 private:
  Join(absl::Time deadline, std::function<void()> finish)
      : deadline_(deadline), finish_(std::move(finish)) {}

  void Arrive(const std::function<void()>& apply);
  void Expire();
  // Runs finish_ outside the lock; disarms the timer.
  void Finish();

  const absl::Time deadline_;
  std::function<void()> finish_;
  grpc::Alarm alarm_;
  mutable absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool armed_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_FANOUT_H_
