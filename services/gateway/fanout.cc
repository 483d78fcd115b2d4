#include "services/gateway/fanout.h"

namespace hpedu::gateway {

std::shared_ptr<Join> Join::Create(absl::Time deadline,
                                   std::function<void()> finish) {
  return std::shared_ptr<Join>(new Join(deadline, std::move(finish)));
}

void Join::Start() {
  {
    absl::MutexLock lock(&mu_);
    started_ = true;
    if (pending_ > 0) {
      armed_ = true;
      // The timer holds the join until it fires or is cancelled; the
      // callback drops that reference itself (the callback object lives as
      // long as the alarm, which the join owns: no cycle left behind).
      alarm_.Set(absl::ToChronoTime(deadline_),
                 [self = shared_from_this()](bool fired) mutable {
                   std::shared_ptr<Join> join = std::move(self);
                   if (fired) join->Expire();
                 });
      return;
    }
    finished_ = true;
  }
  finish_();
}

void Join::Arrive(const std::function<void()>& apply) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    apply();
    --pending_;
    if (pending_ > 0 || !started_) return;
    finished_ = true;
  }
  Finish();
}

void Join::Expire() {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    finished_ = true;
  }
  Finish();
}

void Join::Finish() {
  bool armed;
  {
    absl::MutexLock lock(&mu_);
    armed = armed_;
  }
  if (armed) alarm_.Cancel();
  finish_();
}

int Join::missing() const {
  absl::MutexLock lock(&mu_);
  return pending_;
}

}  // namespace hpedu::gateway
