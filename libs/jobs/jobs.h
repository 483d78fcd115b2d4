// Scheduled work (issue 16): jobs a service runs by itself, each once per
// slot of its schedule however many replicas of the service run. A job's
// runs are kept in `<service>_audit.job_runs` (libs/db/provision.h), served
// by the service's ListJobs (hpedu/jobs/v1/jobs.proto) and counted in its
// metrics.
//
//   // The service's constructor, once what the jobs use exists:
//   scheduler_->Start({jobs::Job{
//       .id = "mark-late", .title = "Đánh dấu việc quá hạn",
//       .every = absl::Hours(24),
//       .run = [this](const server::CallContext& call, absl::Time slot) {
//         return MarkLate(call, slot); }}});
//
//   // Its ListJobs handler:
//   return scheduler_->List(call, *request);
//
// One run per slot: every --job_check_interval each replica looks for a
// job whose current slot has not run. To run it, a replica takes the job's
// PostgreSQL advisory lock (session-level, on the scheduler's own
// connection, not a pooled one), claims the slot's row in job_runs, runs
// the job, and records how it ended; then it unlocks. Jobs run one at a
// time, on the scheduler's thread. Another replica finds the lock
// taken or the slot done. A replica that stops during a run loses the lock
// with its connection, and the next to look runs the slot again (attempt
// 2). A failed run is retried in its slot after the job's retry_pause. A
// slot missed altogether (no replica running)
// is not caught up: the next run is the current slot's.
// A replica remembers the slots it has seen done and does not look at them
// again; only a replica started later would see a run row deleted by hand.
#ifndef HPEDU_LIBS_JOBS_JOBS_H_
#define HPEDU_LIBS_JOBS_JOBS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hpedu/jobs/v1/jobs.pb.h"
#include "libs/server/call_context.h"
#include "libs/server/service_host.h"

namespace hpedu::jobs {

struct Job {
  // "mark-late": [a-z][a-z0-9-]*, unique in the service.
  std::string id;
  // What it does, in Vietnamese (shown by ListJobs).
  std::string title;
  // The length of a slot: a whole number of seconds, at least one (slots
  // are kept to the second). Slots start at midnight in
  // Asia/Ho_Chi_Minh and follow each other without gaps (SlotStart).
  absl::Duration every = absl::Hours(24);
  // How long a run may take: its call's deadline.
  absl::Duration timeout = absl::Minutes(10);
  // How long after a failed run the slot is run again.
  absl::Duration retry_pause = absl::Minutes(5);
  // One run, for the slot starting at `slot`, as the service itself (role
  // service, id "<service>-scheduler", method "jobs/<id>", a request id
  // naming the job, slot and attempt), on the scheduler's thread. Returns
  // what it did, in Vietnamese, kept with the run; an error fails the run.
  // Must be safe to run again for a slot: a replica may stop after the
  // job's writes committed and before its run was recorded as ended.
  std::function<absl::StatusOr<std::string>(const server::CallContext& call,
                                            absl::Time slot)>
      run;
};

// The start of the slot of length `every` that contains `time`: midnight
// Asia/Ho_Chi_Minh (UTC+7, no daylight saving) plus a whole number of
// `every`, counted from 1970-01-01.
absl::Time SlotStart(absl::Time time, absl::Duration every);

// Runs a service's jobs and serves ListJobs. Thread-safe.
class Scheduler {
 public:
  // Stops: waits for a run in progress to end.
  virtual ~Scheduler() = default;

  // A scheduler for the service of `env`, running nothing until Start. It
  // stops when the service's shutdown begins (env.on_shutdown), after the
  // run in progress.
  static std::unique_ptr<Scheduler> Create(server::ServiceEnv& env);

  // Starts running `jobs` on a thread of the scheduler's own, unless the
  // replica runs no jobs (--run_jobs=false): ListJobs serves them either
  // way. Call once; what the jobs use must outlive the scheduler. A job
  // with a bad id or schedule is a bug: it aborts.
  virtual void Start(std::vector<Job> jobs) = 0;

  // Every job, by id, with its newest runs. PERMISSION_DENIED unless the
  // caller is the Sở's leadership or a division, or an hpedu service.
  virtual absl::StatusOr<v1::ListJobsResponse> List(
      const server::CallContext& call,
      const v1::ListJobsRequest& request) const = 0;
};

}  // namespace hpedu::jobs

#endif  // HPEDU_LIBS_JOBS_JOBS_H_
