// Scheduled jobs against a real PostgreSQL provisioned as deploy does, with
// two replicas of a service (two schedulers, each with its own pool)
// looking for slots every few milliseconds.
#include "libs/jobs/jobs.h"

#include <atomic>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/metrics/metrics.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::jobs {
namespace {

using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

absl::Time At(const char* text) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &time, &error))
      << error;
  return time;
}

server::CallContext As(auth::Role role) {
  server::Caller caller;
  caller.id = std::string(auth::RoleName(role));
  caller.authenticated = true;
  caller.role = role;
  if (role == auth::Role::kCommuneOfficer) caller.unit = "units/31";
  return server::CallContext(nullptr, caller, server::TraceContext{}, "req",
                             absl::Now() + absl::Seconds(30));
}

TEST(SlotStartTest, SlotsStartAtMidnightInVietnam) {
  // 2026-12-07 23:30 in Hà Nội is 16:30 UTC; the day began at 17:00 UTC
  // the day before.
  EXPECT_EQ(SlotStart(At("2026-12-07T16:30:00Z"), absl::Hours(24)),
            At("2026-12-06T17:00:00Z"));
  EXPECT_EQ(SlotStart(At("2026-12-07T17:00:00Z"), absl::Hours(24)),
            At("2026-12-07T17:00:00Z"));
  EXPECT_EQ(SlotStart(At("2026-12-07T16:59:59Z"), absl::Hours(1)),
            At("2026-12-07T16:00:00Z"));
  EXPECT_EQ(SlotStart(At("2026-12-07T16:59:59Z"), absl::Minutes(15)),
            At("2026-12-07T16:45:00Z"));
}

// One replica of the service "timed": its own pool and shutdown hooks.
struct Replica {
  server::ServerConfig config;
  std::unique_ptr<db::Pool> pool;
  std::vector<std::function<void()>> on_shutdown;
  std::unique_ptr<Scheduler> scheduler;
};

class JobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(const std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(db_, pg.ProvisionService(database, "timed"));
    pqxx::connection connection(db_);
    pqxx::work tx(connection);
    tx.exec("CREATE TABLE effects (replica text NOT NULL, slot bigint)");
    tx.commit();
    ASSERT_OK_AND_ASSIGN(contexts_,
                         server::CallContextFactory::Create(Config()));
    calls_ = std::make_unique<server::UnaryCalls>(&executor_, contexts_.get());
  }

  void TearDown() override {
    for (auto& replica : replicas_) replica->scheduler.reset();
  }

  server::ServerConfig Config() const {
    server::ServerConfig config;
    config.service = "timed";
    config.db = db_;
    config.job_check_interval = absl::Milliseconds(20);
    return config;
  }

  // A replica whose scheduler runs `jobs`.
  Replica& Start(std::vector<Job> jobs, bool run_jobs = true) {
    auto replica = std::make_unique<Replica>();
    replica->config = Config();
    replica->config.run_jobs = run_jobs;
    replica->pool = *db::Pool::Create(db::PoolOptions{db_, 3});
    server::ServiceEnv env{replica->config, *replica->pool, *calls_, peers_,
                           replica->on_shutdown};
    replica->scheduler = Scheduler::Create(env);
    replica->scheduler->Start(std::move(jobs));
    replicas_.push_back(std::move(replica));
    return *replicas_.back();
  }

  // A job that records its run in `effects` (so its effect can be counted),
  // taking `takes` to do it, and fails while `fail` is set.
  Job Effect(absl::Duration takes = absl::Milliseconds(100),
             std::atomic<bool>* fail = nullptr) {
    return Job{
        .id = "effect",
        .title = "Ghi lại một lần chạy",
        .every = absl::Hours(24),
        .retry_pause = absl::Milliseconds(50),
        .run = [this, takes, fail](const server::CallContext& call,
                                   absl::Time slot)
            -> absl::StatusOr<std::string> {
          absl::SleepFor(takes);
          if (fail != nullptr && fail->load()) {
            return absl::UnavailableError("nguồn chưa sẵn sàng");
          }
          pqxx::connection connection(db_);
          pqxx::work tx(connection);
          tx.exec_params("INSERT INTO effects VALUES ($1, $2)",
                         call.request_id(), absl::ToUnixSeconds(slot));
          tx.commit();
          return std::string("đã ghi 1 dòng");
        }};
  }

  int64_t Count(const std::string& sql) {
    pqxx::connection connection(db_);
    pqxx::read_transaction tx(connection);
    return tx.exec(sql)[0][0].as<int64_t>();
  }

  // Waits up to 10 s for `sql` to count `want`.
  bool WaitForCount(const std::string& sql, int64_t want) {
    for (int i = 0; i < 500; ++i) {
      if (Count(sql) == want) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  std::string db_;
  std::atomic<bool> fail_{false};
  std::unique_ptr<server::CallContextFactory> contexts_;
  server::Executor executor_{2, 16};
  std::unique_ptr<server::UnaryCalls> calls_;
  server::PeerChannels peers_{{}, 1 << 20, grpc::InsecureChannelCredentials()};
  std::vector<std::unique_ptr<Replica>> replicas_;
};

TEST_F(JobsTest, TwoReplicasRunEachSlotOnce) {
  Replica& a = Start({Effect()});
  Replica& b = Start({Effect()});
  ASSERT_TRUE(WaitForCount(
      "SELECT count(*) FROM job_runs WHERE end_time IS NOT NULL", 1));
  // Both keep looking, some fifty times more each.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM job_runs"), 1);
  const int64_t slot = absl::ToUnixSeconds(SlotStart(absl::Now(),
                                                     absl::Hours(24)));
  EXPECT_EQ(Count("SELECT slot FROM effects"), slot);

  // Either replica lists the run, with who ran it and how it ended.
  for (Replica* replica : {&a, &b}) {
    ASSERT_OK_AND_ASSIGN(
        const v1::ListJobsResponse jobs,
        replica->scheduler->List(As(auth::Role::kLeadership), {}));
    ASSERT_THAT(jobs.jobs(), SizeIs(1));
    const v1::Job& job = jobs.jobs(0);
    EXPECT_EQ(job.name(), "jobs/effect");
    EXPECT_EQ(job.title(), "Ghi lại một lần chạy");
    EXPECT_EQ(job.every().seconds(), 24 * 3600);
    ASSERT_THAT(job.runs(), SizeIs(1));
    EXPECT_EQ(job.runs(0).slot_time().seconds(), slot);
    EXPECT_EQ(job.runs(0).attempt(), 1);
    EXPECT_EQ(job.runs(0).code(), 0);
    EXPECT_EQ(job.runs(0).message(), "đã ghi 1 dòng");
    EXPECT_TRUE(job.runs(0).has_end_time());
    EXPECT_THAT(job.runs(0).replica(), HasSubstr(":"));
  }
  // The run counts in the runner's metrics.
  EXPECT_THAT(metrics::Registry::Default().Render(),
              HasSubstr("hpedu_job_runs_total{code=\"OK\",job=\"effect\","
                        "service=\"timed\"} 1"));
}

TEST_F(JobsTest, AFailedRunIsRecordedAndRunAgainAfterThePause) {
  fail_ = true;
  Replica& replica = Start({Effect(absl::Milliseconds(1), &fail_)});
  ASSERT_TRUE(WaitForCount(
      "SELECT count(*) FROM job_runs WHERE code = 14 AND attempt >= 2", 1));
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), 0);
  ASSERT_OK_AND_ASSIGN(
      v1::ListJobsResponse jobs,
      replica.scheduler->List(As(auth::Role::kService), {}));
  ASSERT_THAT(jobs.jobs(0).runs(), SizeIs(1));  // one slot, run again
  EXPECT_EQ(jobs.jobs(0).runs(0).code(), 14);    // UNAVAILABLE
  EXPECT_EQ(jobs.jobs(0).runs(0).message(), "nguồn chưa sẵn sàng");

  fail_ = false;
  ASSERT_TRUE(WaitForCount("SELECT count(*) FROM job_runs WHERE code = 0", 1));
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), 1);
}

TEST_F(JobsTest, ARunWhoseReplicaStoppedIsRunAgain) {
  // A replica claimed today's slot and stopped before it ended the run:
  // its lock went with its connection, its row stayed.
  {
    pqxx::connection connection(db_);
    pqxx::work tx(connection);
    tx.exec_params(
        "INSERT INTO job_runs (job, slot_time, replica, attempt, start_time)"
        " VALUES ('effect', to_timestamp($1), 'gone:1', 1, now())",
        absl::ToUnixSeconds(SlotStart(absl::Now(), absl::Hours(24))));
    tx.commit();
  }
  Start({Effect()});
  ASSERT_TRUE(WaitForCount(
      "SELECT count(*) FROM job_runs WHERE attempt = 2 AND code = 0", 1));
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), 1);
}

TEST_F(JobsTest, AReplicaWithoutJobsListsThemAndRunsNothing) {
  Replica& replica = Start({Effect()}, /*run_jobs=*/false);
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(Count("SELECT count(*) FROM job_runs"), 0);
  ASSERT_OK_AND_ASSIGN(
      const v1::ListJobsResponse jobs,
      replica.scheduler->List(As(auth::Role::kDivision), {}));
  ASSERT_THAT(jobs.jobs(), SizeIs(1));
  EXPECT_THAT(jobs.jobs(0).runs(), SizeIs(0));
}

TEST_F(JobsTest, OnlyTheSoAndServicesListJobs) {
  Replica& replica = Start({Effect()}, /*run_jobs=*/false);
  EXPECT_THAT(replica.scheduler->List(As(auth::Role::kCommuneOfficer), {}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(replica.scheduler->List(As(auth::Role::kOperator), {}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::ListJobsRequest request;
  request.set_runs_per_job(101);
  EXPECT_THAT(replica.scheduler->List(As(auth::Role::kLeadership), request),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace hpedu::jobs
