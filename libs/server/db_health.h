// Keeps gRPC health truthful: probes the database through the service's own
// pool and reports NOT_SERVING while it cannot be reached, SERVING again when
// it can. A probe that only times out waiting for a busy pool changes
// nothing: a loaded service is not a broken one.
#ifndef HPEDU_LIBS_SERVER_DB_HEALTH_H_
#define HPEDU_LIBS_SERVER_DB_HEALTH_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/db/pool.h"

namespace hpedu::server {

// Runs one probe: a read-only `SELECT 1` through `pool`, waiting at most
// `timeout`. UNAVAILABLE if the database cannot be reached.
absl::Status ProbeDatabase(db::Pool& pool, absl::Duration timeout);

// Probes every `interval` on its own thread and calls `on_change(serving)`
// when the answer changes (and once with the first answer). Thread-safe.
class DbHealthMonitor {
 public:
  DbHealthMonitor(db::Pool* pool, absl::Duration interval,
                  std::function<void(bool serving)> on_change);
  // Stops the thread.
  ~DbHealthMonitor();

  // Probes once now, on the caller's thread, and reports the result.
  bool ProbeNow();

 private:
  void Loop();

  db::Pool* pool_;
  absl::Duration interval_;
  std::function<void(bool)> on_change_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int serving_ ABSL_GUARDED_BY(mu_) = -1;  // -1 unknown, 0 no, 1 yes
  std::thread thread_;
};

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_DB_HEALTH_H_
