// A short cache of backend answers with request coalescing: identical
// requests made while one is in flight share its answer (one backend call),
// and an answer is reused for `ttl` after it came. Failures are never cached:
// the next request asks again, so a recovered backend is used at once.
//
// Nothing blocks: Get either answers at once (fresh entry), queues the
// callback behind the call in flight, or starts the call. Callbacks run on
// the thread that completes the call (a gRPC thread), never under the lock.
#ifndef HPEDU_SERVICES_GATEWAY_RESPONSE_CACHE_H_
#define HPEDU_SERVICES_GATEWAY_RESPONSE_CACHE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hpedu::gateway {

// An answer and how fresh it is.
template <typename V>
struct Fetched {
  absl::StatusOr<std::shared_ptr<const V>> value;
  // When the backend answered (or failed).
  absl::Time fetched_time;
  // Served from the cache rather than by a call made for this request.
  bool cached = false;
  // Shared a call another request started.
  bool coalesced = false;
};

struct CacheStats {
  long calls = 0;       // backend calls started
  long hits = 0;        // answered from a fresh entry
  long coalesced = 0;   // waited for a call in flight
};

// Thread-safe.
template <typename V>
class CoalescingCache {
 public:
  using Done = std::function<void(Fetched<V>)>;
  // Starts the backend call; calls its argument exactly once, on any thread
  // (possibly before returning).
  using Fetch = std::function<void(std::function<void(absl::StatusOr<V>)>)>;

  // ttl 0: no reuse after the answer, coalescing only.
  explicit CoalescingCache(absl::Duration ttl, size_t max_entries = 512)
      : ttl_(ttl), max_entries_(max_entries) {}

  void Get(const std::string& key, const Fetch& fetch, Done done) {
    Fetched<V> hit;
    {
      absl::MutexLock lock(&mu_);
      auto it = entries_.find(key);
      if (it != entries_.end()) {
        Entry& entry = it->second;
        if (entry.in_flight) {
          ++stats_.coalesced;
          entry.waiters.push_back(std::move(done));
          return;
        }
        if (absl::Now() - entry.fetched_time < ttl_) {
          ++stats_.hits;
          hit.value = entry.value;
          hit.fetched_time = entry.fetched_time;
          hit.cached = true;
        } else {
          entries_.erase(it);
        }
      }
      if (hit.cached) {
        // fall through to answer outside the lock
      } else {
        if (entries_.size() >= max_entries_) EvictExpired();
        Entry& entry = entries_[key];
        entry.in_flight = true;
        entry.waiters.push_back(std::move(done));
        ++stats_.calls;
      }
    }
    if (hit.cached) {
      done(std::move(hit));
      return;
    }
    fetch([this, key](absl::StatusOr<V> result) { Complete(key, std::move(result)); });
  }

  CacheStats stats() const {
    absl::MutexLock lock(&mu_);
    return stats_;
  }

 private:
  struct Entry {
    bool in_flight = false;
    std::vector<Done> waiters;
    std::shared_ptr<const V> value;
    absl::Time fetched_time;
  };

  void Complete(const std::string& key, absl::StatusOr<V> result) {
    std::vector<Done> waiters;
    Fetched<V> fetched;
    fetched.fetched_time = absl::Now();
    if (result.ok()) {
      fetched.value = std::make_shared<const V>(*std::move(result));
    } else {
      fetched.value = result.status();
    }
    {
      absl::MutexLock lock(&mu_);
      auto it = entries_.find(key);
      if (it == entries_.end()) return;  // cannot happen: only we erase
      waiters.swap(it->second.waiters);
      if (fetched.value.ok() && ttl_ > absl::ZeroDuration()) {
        it->second.in_flight = false;
        it->second.value = *fetched.value;
        it->second.fetched_time = fetched.fetched_time;
      } else {
        entries_.erase(it);
      }
    }
    for (size_t i = 0; i < waiters.size(); ++i) {
      Fetched<V> copy = fetched;
      copy.coalesced = i > 0;
      waiters[i](std::move(copy));
    }
  }

  void EvictExpired() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const absl::Time now = absl::Now();
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (!it->second.in_flight && now - it->second.fetched_time >= ttl_) {
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }

  const absl::Duration ttl_;
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  CacheStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_RESPONSE_CACHE_H_
