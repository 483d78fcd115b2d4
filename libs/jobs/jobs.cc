#include "libs/jobs/jobs.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/util/time_util.h"
#include "libs/auth/authorize.h"
#include "libs/db/errors.h"
#include "libs/metrics/metrics.h"
#include "libs/server/log.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::jobs {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::Duration kVietnamOffset = absl::Hours(7);
constexpr int kDefaultRunsPerJob = 5;
constexpr int kMaxRunsPerJob = 100;
// Runs are kept this long.
constexpr char kRunRetention[] = "90 days";

// Claims a slot for a run, with the job's lock held: a slot never run, one
// whose run stopped without ending (its replica lost the lock), or one whose
// run failed at least $4 seconds ago. No row: the slot is done.
constexpr char kClaim[] = R"sql(
INSERT INTO job_runs AS r (job, slot_time, replica, attempt, start_time)
VALUES ($1, to_timestamp($2), $3, 1, now())
ON CONFLICT (job, slot_time) DO UPDATE
  SET replica = EXCLUDED.replica, attempt = r.attempt + 1,
      start_time = now(), end_time = NULL, code = NULL, message = ''
  WHERE r.end_time IS NULL
     OR (r.code <> 0 AND r.end_time <= now() - make_interval(secs => $4))
RETURNING attempt)sql";

constexpr char kFinish[] = R"sql(
UPDATE job_runs SET end_time = now(), code = $3, message = $4
WHERE job = $1 AND slot_time = to_timestamp($2))sql";

constexpr char kPrune[] = R"sql(
DELETE FROM job_runs WHERE job = $1 AND slot_time < now() - $2::interval)sql";

constexpr char kList[] = R"sql(
SELECT job, (extract(epoch FROM slot_time) * 1000000)::bigint, replica,
       attempt, (extract(epoch FROM start_time) * 1000000)::bigint,
       (extract(epoch FROM end_time) * 1000000)::bigint, code, message
FROM (SELECT *, row_number() OVER (PARTITION BY job ORDER BY slot_time DESC)
      FROM job_runs) runs
WHERE row_number <= $1
ORDER BY job, slot_time DESC)sql";

struct JobMetrics {
  metrics::Counter& runs;
  metrics::Histogram& duration;
  metrics::Gauge& last_success;
};

JobMetrics& Metrics() {
  static auto* const kMetrics = [] {
    auto& registry = metrics::Registry::Default();
    return new JobMetrics{
        registry.AddCounter("hpedu_job_runs_total",
                            "Scheduled job runs this replica made, by outcome",
                            {"service", "job", "code"}),
        registry.AddHistogram(
            "hpedu_job_duration_seconds",
            "How long this replica's scheduled job runs took",
            {"service", "job"},
            {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600}),
        registry.AddGauge("hpedu_job_last_success_timestamp_seconds",
                          "When this replica's last successful run of a job "
                          "ended (Unix time)",
                          {"service", "job"}),
    };
  }();
  return *kMetrics;
}

// "host:pid", and "/n" after it for the n-th scheduler of a process (tests
// run two replicas in one).
std::string ReplicaName() {
  static std::atomic<int> schedulers{0};
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  const int n = ++schedulers;
  std::string name = absl::StrCat(host, ":", getpid());
  if (n > 1) absl::StrAppend(&name, "/", n);
  return name;
}

// [a-z][a-z0-9-]*
bool IsJobId(std::string_view id) {
  return !id.empty() && id[0] >= 'a' && id[0] <= 'z' &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

google::protobuf::Timestamp FromMicros(int64_t micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

class SchedulerImpl final : public Scheduler {
 public:
  explicit SchedulerImpl(server::ServiceEnv& env)
      : pool_(env.pool),
        conninfo_(env.config.db),
        service_(env.config.service),
        enabled_(env.config.run_jobs),
        check_interval_(env.config.job_check_interval),
        replica_(ReplicaName()) {
    env.on_shutdown.push_back([this] { Stop(); });
  }

  ~SchedulerImpl() override { Stop(); }

  void Start(std::vector<Job> jobs) override {
    for (const Job& job : jobs) {
      if (!IsJobId(job.id) || job.every < absl::Seconds(1) ||
          job.every % absl::Seconds(1) != absl::ZeroDuration() ||
          job.timeout <= absl::ZeroDuration() ||
          job.retry_pause < absl::ZeroDuration() || !job.run) {
        server::Log(server::LogLevel::kError, service_, "bad job",
                    {{"job", job.id}});
        std::abort();
      }
    }
    std::sort(jobs.begin(), jobs.end(),
              [](const Job& a, const Job& b) { return a.id < b.id; });
    absl::MutexLock lock(&mu_);
    jobs_ = std::move(jobs);
    if (enabled_ && !jobs_.empty() && !thread_.joinable()) {
      thread_ = std::thread([this] { Loop(); });
    }
  }

  absl::StatusOr<v1::ListJobsResponse> List(
      const server::CallContext& call,
      const v1::ListJobsRequest& request) const override {
    RETURN_IF_ERROR(auth::Authorizer(service_).CanReadOperations(
        call.caller(), "xem việc chạy theo lịch / read scheduled jobs"));
    if (request.runs_per_job() < 0 || request.runs_per_job() > kMaxRunsPerJob) {
      return InvalidField("runs_per_job",
                          absl::StrCat("từ 0 đến ", kMaxRunsPerJob,
                                       " (0..", kMaxRunsPerJob, ")"));
    }
    const int runs_per_job = request.runs_per_job() == 0
                                 ? kDefaultRunsPerJob
                                 : request.runs_per_job();
    v1::ListJobsResponse response;
    std::map<std::string, v1::Job*, std::less<>> by_id;
    {
      absl::MutexLock lock(&mu_);
      for (const Job& job : jobs_) {
        v1::Job& out = *response.add_jobs();
        out.set_name("jobs/" + job.id);
        out.set_title(job.title);
        *out.mutable_every() = TimeUtil::MicrosecondsToDuration(
            absl::ToInt64Microseconds(job.every));
        by_id[job.id] = &out;
      }
    }
    ASSIGN_OR_RETURN(db::Lease lease, pool_.Acquire(call.deadline()));
    try {
      pqxx::read_transaction tx(lease.connection());
      for (const pqxx::row& row : tx.exec_params(kList, runs_per_job)) {
        const auto job = by_id.find(row[0].as<std::string>());
        if (job == by_id.end()) continue;  // a job this version no longer has
        v1::JobRun& run = *job->second->add_runs();
        *run.mutable_slot_time() = FromMicros(row[1].as<int64_t>());
        run.set_replica(row[2].as<std::string>());
        run.set_attempt(row[3].as<int32_t>());
        *run.mutable_start_time() = FromMicros(row[4].as<int64_t>());
        if (!row[5].is_null()) {
          *run.mutable_end_time() = FromMicros(row[5].as<int64_t>());
          run.set_code(row[6].as<int32_t>());
        }
        run.set_message(row[7].as<std::string>());
      }
    } catch (const std::exception& e) {
      if (db::IsConnectionError(e)) lease.Discard();
      return db::TranslateException(e);
    }
    return response;
  }

 private:
  // What the scheduler thread knows of a job; only it reads and writes.
  struct State {
    absl::Time done_slot = absl::InfinitePast();  // ran (or found run) OK
    absl::Time retry_at = absl::InfinitePast();   // after a failure
  };

  void Stop() {
    absl::MutexLock lock(&stop_mu_);
    if (!stopping_.HasBeenNotified()) stopping_.Notify();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
      thread_.join();
    }
  }

  void Loop() {
    std::vector<const Job*> jobs;
    {
      absl::MutexLock lock(&mu_);
      for (const Job& job : jobs_) jobs.push_back(&job);
    }
    std::map<std::string, State> states;
    std::unique_ptr<pqxx::connection> connection;
    // Replicas started together do not look at the same moments.
    absl::BitGen random;
    stopping_.WaitForNotificationWithTimeout(
        check_interval_ * absl::Uniform(random, 0.0, 0.2));
    do {
      for (const Job* job : jobs) {
        if (stopping_.HasBeenNotified()) return;
        MaybeRun(*job, states[job->id], connection);
      }
    } while (!stopping_.WaitForNotificationWithTimeout(check_interval_));
  }

  // Runs `job` if its current slot is due here and no other replica has
  // run it or is running it. The lock and the run's row are taken on the
  // scheduler's own connection, so that a run never waits for the pool it
  // uses.
  void MaybeRun(const Job& job, State& state,
                std::unique_ptr<pqxx::connection>& connection) {
    const absl::Time now = absl::Now();
    const absl::Time slot = SlotStart(now, job.every);
    if (state.done_slot == slot || now < state.retry_at) return;
    const std::string lock_key =
        absl::StrCat("hpedu.jobs/", service_, "/", job.id);
    const int64_t slot_seconds = absl::ToUnixSeconds(slot);
    try {
      if (connection == nullptr) {
        connection = std::make_unique<pqxx::connection>(conninfo_);
      }
      {
        pqxx::nontransaction tx(*connection);
        if (!tx.exec_params("SELECT pg_try_advisory_lock(hashtext($1))",
                            lock_key)[0][0]
                 .as<bool>()) {
          return;  // another replica is running it
        }
      }
      int attempt = 0;
      {
        pqxx::work tx(*connection);
        const pqxx::result claimed =
            tx.exec_params(kClaim, job.id, slot_seconds, replica_,
                           absl::ToDoubleSeconds(job.retry_pause));
        tx.commit();
        if (!claimed.empty()) attempt = claimed[0][0].as<int>();
      }
      if (attempt == 0) {
        state.done_slot = slot;  // run already, here or elsewhere
      } else if (Run(job, slot, attempt, *connection).ok()) {
        state.done_slot = slot;
      } else {
        state.retry_at = absl::Now() + job.retry_pause;
      }
      pqxx::nontransaction tx(*connection);
      tx.exec_params("SELECT pg_advisory_unlock(hashtext($1))", lock_key);
    } catch (const std::exception& e) {
      // The lock goes with the connection: a run claimed and not ended is
      // run again by whoever looks next.
      connection.reset();
      server::Log(server::LogLevel::kWarning, service_, "job check failed",
                  {{"job", job.id}, {"error", e.what()}});
    }
  }

  // One run, with the slot claimed on `connection`; records its end there.
  absl::Status Run(const Job& job, absl::Time slot, int attempt,
                   pqxx::connection& connection) {
    server::Caller caller;
    caller.id = service_ + "-scheduler";
    caller.authenticated = true;
    caller.role = auth::Role::kService;
    const absl::Time start = absl::Now();
    const server::CallContext call(
        nullptr, std::move(caller), server::TraceContext{},
        absl::StrCat("job-", job.id, "-", absl::ToUnixSeconds(slot), "-",
                     attempt),
        start + job.timeout, "jobs/" + job.id);
    absl::StatusOr<std::string> done;
    try {
      done = job.run(call, slot);
    } catch (const std::exception& e) {
      done = absl::InternalError(e.what());
    }
    const absl::Duration took = absl::Now() - start;
    const absl::Status status = done.status();
    const std::string message =
        done.ok() ? *done : std::string(status.message());
    {
      pqxx::work tx(connection);
      tx.exec_params(kFinish, job.id, absl::ToUnixSeconds(slot),
                     static_cast<int>(status.code()), message);
      tx.exec_params(kPrune, job.id, kRunRetention);
      tx.commit();
    }
    JobMetrics& metrics = Metrics();
    metrics.runs
        .With({service_, job.id,
               absl::StatusCodeToString(status.code())})
        .Increment();
    metrics.duration.With({service_, job.id})
        .Observe(absl::ToDoubleSeconds(took));
    if (status.ok()) {
      metrics.last_success.With({service_, job.id})
          .Set(absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
    }
    server::Log(status.ok() ? server::LogLevel::kInfo
                            : server::LogLevel::kWarning,
                service_, "job ran",
                {{"job", job.id},
                 {"slot", absl::FormatTime(absl::RFC3339_sec, slot,
                                           absl::UTCTimeZone())},
                 {"attempt", attempt},
                 {"code", absl::StatusCodeToString(status.code())},
                 {"message", message},
                 {"seconds", absl::ToDoubleSeconds(took)}});
    return status;
  }

  db::Pool& pool_;  // for ListJobs
  const std::string conninfo_;
  const std::string service_;
  const bool enabled_;
  const absl::Duration check_interval_;
  const std::string replica_;

  mutable absl::Mutex mu_;
  // Set once by Start; the thread reads it after.
  std::vector<Job> jobs_ ABSL_GUARDED_BY(mu_);

  absl::Mutex stop_mu_;  // Stop from shutdown and from the destructor
  absl::Notification stopping_;
  std::thread thread_;
};

}  // namespace

absl::Time SlotStart(absl::Time time, absl::Duration every) {
  const absl::Duration since = time - (absl::UnixEpoch() - kVietnamOffset);
  return time - (since - absl::Floor(since, every));
}

std::unique_ptr<Scheduler> Scheduler::Create(server::ServiceEnv& env) {
  return std::make_unique<SchedulerImpl>(env);
}

}  // namespace hpedu::jobs
