// The change feed (libs/feed): what recording a change adds to a write, and
// how fast and how soon a follower sees changes.
//
// A real PostgreSQL (throwaway) and the plans service in-process. The
// writes are the shape of the services' own: a row updated and its audit
// event, in one transaction, with and without feed::Record, alternating in
// the same run (one writer, then four at once). The followers are
// WatchChanges streams of the plans service, reading the changes those
// writes recorded in its schema's feed, over gRPC on loopback.
//
//   cmake --build build/release --target feed_bench
//   build/release/tests/bench/feed_bench [--writes=2000] [--seconds=5]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "libs/audit/audit.h"
#include "libs/db/pool.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/server/service_host.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/plans/plans_definition.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/ratio.h"

namespace hpedu::bench {
namespace {

constexpr int kRows = 1000;
constexpr int kWriters = 4;

std::string Resource(int row) { return absl::StrCat("benchRows/", row); }

// One write: a row's new title and its audit event; with `feed`, the
// change recorded too, as the stores record theirs (last).
void WriteRow(db::Pool& pool, int row, int revision, bool feed) {
  const server::CallContext call = server::CallContext::ForTesting();
  google::protobuf::Value value;
  value.set_string_value(absl::StrCat("Tiêu đề ", row, " lần ", revision));
  const absl::Status status = db::RunInTransaction(
      pool, call.deadline(), {}, [&](pqxx::transaction_base& tx) {
        tx.exec_params("UPDATE bench_rows SET title = $2, revision = $3"
                       " WHERE id = $1",
                       row, value.string_value(), revision);
        audit::Record(tx, call, Resource(row), {{"title", value.string_value()}});
        if (feed) feed::Record(tx, call, {feed::Updated(Resource(row), value)});
        return absl::OkStatus();
      });
  if (!status.ok()) Die(absl::StrCat("write: ", status.ToString()));
}

// Follows the plans service's feed from `after` on a thread, noting when
// each change arrived.
class Follower {
 public:
  Follower(const std::string& address, int64_t after) {
    stub_ = plans::v1::PlansService::NewStub(LeadershipChannel(address));
    thread_ = std::thread([this, after] {
      feed::v1::WatchChangesRequest request;
      request.set_after_sequence(after);
      stream_ = stub_->WatchChanges(&context_, request);
      feed::v1::Change change;
      while (stream_->Read(&change)) {
        const absl::Time now = absl::Now();
        absl::MutexLock lock(&mu_);
        seen_.emplace_back(change.sequence(), now);
      }
      (void)stream_->Finish();
    });
  }
  ~Follower() {
    context_.TryCancel();
    thread_.join();
  }

  // Waits until the change `sequence` has arrived; its arrival time.
  absl::Time WaitFor(int64_t sequence) {
    absl::MutexLock lock(&mu_);
    auto arrived = [&] {
      mu_.AssertHeld();
      return !seen_.empty() && seen_.back().first >= sequence;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&arrived), absl::Minutes(2))) {
      Die(absl::StrCat("the follower never saw change ", sequence));
    }
    for (const auto& [seen, at] : seen_) {
      if (seen == sequence) return at;
    }
    Die(absl::StrCat("change ", sequence, " was skipped"));
  }

  std::vector<std::pair<int64_t, absl::Time>> seen() {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  std::unique_ptr<plans::v1::PlansService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<feed::v1::Change>> stream_;
  absl::Mutex mu_;
  std::vector<std::pair<int64_t, absl::Time>> seen_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// The feed's last sequence once every change committed so far is numbered
// (the sequencer numbers them after their commits, on its own thread).
int64_t Head(db::Pool& pool) {
  for (const absl::Time end = absl::Now() + absl::Seconds(30);
       absl::Now() < end; absl::SleepFor(absl::Microseconds(200))) {
    const auto [last, waiting] =
        Must(db::InTransaction<std::pair<int64_t, bool>>(
                 pool, absl::Now() + absl::Seconds(10), {},
                 [](pqxx::transaction_base& tx)
                     -> absl::StatusOr<std::pair<int64_t, bool>> {
                   const pqxx::row row = tx.exec1(
                       "SELECT (SELECT last FROM change_sequence),"
                       " EXISTS (SELECT FROM recorded_changes)");
                   return std::pair{row[0].as<int64_t>(), row[1].as<bool>()};
                 }),
             "head");
    if (!waiting) return last;
  }
  Die("changes were never numbered");
}

double Quantile(std::vector<double> samples, double q) {
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1,
                          static_cast<size_t>(q * samples.size()))];
}

// Writes per second by `writers` threads for `duration`, each on its own
// rows; with `feed` the changes are recorded.
double Throughput(db::Pool& pool, int writers, absl::Duration duration,
                  bool feed) {
  std::atomic<int64_t> writes{0};
  const absl::Time end = absl::Now() + duration;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; absl::Now() < end; ++i) {
        WriteRow(pool, w * (kRows / writers) + i % (kRows / writers), i, feed);
        ++writes;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return writes.load() / absl::ToDoubleSeconds(duration);
}

int Main(int argc, char** argv) {
  int writes = 2000;
  int seconds = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--writes=", 0) == 0) {
      if (!absl::SimpleAtoi(arg.substr(9), &writes)) Die("--writes=N");
    } else if (arg.rfind("--seconds=", 0) == 0) {
      if (!absl::SimpleAtoi(arg.substr(10), &seconds)) Die("--seconds=N");
    } else {
      Die("usage: feed_bench [--writes=N] [--seconds=N]");
    }
  }
  auto pg = Must(testing::PostgresServer::Start(), "postgres");
  const std::string database = Must(pg->CreateDatabase(), "database");
  const std::string conninfo =
      Must(pg->ProvisionService(database, "plans"), "provision");
  std::unique_ptr<server::ServiceHost> plans =
      Must(server::ServiceHost::Start(Config("plans", conninfo),
                                      plans::Definition()),
           "plans");
  const std::string address = absl::StrCat("127.0.0.1:", plans->port());
  std::unique_ptr<db::Pool> pool =
      Must(db::Pool::Create(db::PoolOptions{conninfo, kWriters + 1}), "pool");
  {
    pqxx::connection connection(conninfo);
    pqxx::work tx(connection);
    tx.exec("CREATE TABLE bench_rows (id int PRIMARY KEY, title text,"
            " revision int)");
    tx.exec_params("INSERT INTO bench_rows SELECT g, '', 0"
                   " FROM generate_series(0, $1) g",
                   kRows - 1);
    tx.commit();
  }
  std::printf("feed_bench: %d writes a side, %ds of concurrent writes, %s\n",
              writes, seconds, absl::FormatTime("%Y-%m-%d", absl::Now(),
                                                absl::UTCTimeZone())
                                   .c_str());

  // One writer: with and without the feed, alternating.
  std::vector<double> with, without;
  for (int i = 0; i < 200; ++i) WriteRow(*pool, i % kRows, -1, i % 2 == 0);
  for (int i = 0; i < 2 * writes; ++i) {
    const bool feed = i % 2 == 0;
    const absl::Time start = absl::Now();
    WriteRow(*pool, (i / 2) % kRows, i, feed);
    (feed ? with : without)
        .push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  const double with_p50 = Quantile(with, 0.5), without_p50 = Quantile(without, 0.5);
  std::printf("one writer   without the feed  p50 %.3f ms  p99 %.3f ms\n",
              without_p50, Quantile(without, 0.99));
  std::printf("one writer   with the feed     p50 %.3f ms  p99 %.3f ms\n",
              with_p50, Quantile(with, 0.99));
  ReportRatioAtMost("feed_write_cost_one_writer", with_p50 / without_p50, 1.10);

  // Four writers at once: the counter orders their commits.
  const absl::Duration duration = absl::Seconds(seconds);
  const double plain = Throughput(*pool, kWriters, duration / 2, false);
  const double fed = Throughput(*pool, kWriters, duration / 2, true);
  std::printf("%d writers    without the feed  %.0f writes/s\n", kWriters, plain);
  std::printf("%d writers    with the feed     %.0f writes/s\n", kWriters, fed);
  ReportRatioAtLeast("feed_write_throughput_four_writers", fed / plain, 0.90);

  // Live: one writer at a time, each change timed from its commit to its
  // arrival at a follower.
  {
    Follower follower(address, Head(*pool));
    std::vector<double> delays;
    for (int i = 0; i < std::min(writes, 500); ++i) {
      WriteRow(*pool, i % kRows, i, true);
      const absl::Time committed = absl::Now();
      const int64_t sequence = Head(*pool);
      delays.push_back(
          absl::ToDoubleMilliseconds(follower.WaitFor(sequence) - committed));
    }
    std::printf("commit to follower  p50 %.2f ms  p99 %.2f ms (%zu changes)\n",
                Quantile(delays, 0.5), Quantile(delays, 0.99), delays.size());
  }

  // Live under load: four writers for the duration, one follower keeping
  // up.
  {
    const int64_t from = Head(*pool);
    Follower follower(address, from);
    const absl::Time start = absl::Now();
    const double rate = Throughput(*pool, kWriters, duration, true);
    const int64_t head = Head(*pool);
    const absl::Time caught_up = follower.WaitFor(head);
    std::printf(
        "followed live       %.0f changes/s written, all %lld seen %.0f ms "
        "after the last commit\n",
        rate, static_cast<long long>(head - from),
        absl::ToDoubleMilliseconds(caught_up - start - duration));
  }

  // Catching up: a follower from the first change reads the whole feed.
  {
    const int64_t head = Head(*pool);
    const absl::Time start = absl::Now();
    Follower follower(address, 0);
    const absl::Time done = follower.WaitFor(head);
    std::printf("catching up         %.0f changes/s (%lld changes)\n",
                head / absl::ToDoubleSeconds(done - start),
                static_cast<long long>(head));
  }
  plans->Shutdown(absl::Seconds(5));
  plans->Wait();
  return 0;
}

}  // namespace
}  // namespace hpedu::bench

int main(int argc, char** argv) { return hpedu::bench::Main(argc, argv); }
