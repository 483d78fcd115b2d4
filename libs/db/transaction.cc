// RunInTransaction: the only place where database work's exceptions are
// caught. One attempt leases a connection, opens a transaction at the chosen
// isolation, bounds every statement by the time left, runs the work and
// commits; ABORTED attempts are retried after a short jittered pause.
#include "libs/db/transaction.h"

#include <algorithm>
#include <cstdint>
#include <pqxx/connection>
#include <pqxx/transaction>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/db/errors.h"
#include "libs/db/internal/journal.h"
#include "libs/metrics/metrics.h"
#include "libs/trace/trace.h"

namespace hpedu::db {
namespace {

using Work = std::function<absl::Status(pqxx::transaction_base&)>;

// The transaction RunOnce is running on this thread, and what AfterCommit
// asked to run after it commits.
struct Running {
  pqxx::transaction_base* tx = nullptr;
  // What its writes add to the audit trail and the feed (journal.h).
  internal::Journal journal;
  std::vector<std::function<void()>> after_commit;
};
thread_local Running* running = nullptr;

// Runs one attempt in a pqxx::transaction<Level, Policy>. Throws whatever
// libpqxx or `work` throws; returns the status `work` returns.
template <pqxx::isolation_level Level, pqxx::readwrite_policy Policy>
absl::Status RunOnce(pqxx::connection& connection, absl::Time deadline,
                     const Work& work) {
  pqxx::transaction<Level, Policy> tx(connection);
  Running current{.tx = &tx};
  Running* const outer = std::exchange(running, &current);
  struct Restore {
    Running* outer;
    ~Restore() { running = outer; }
  } restore{outer};
  if (deadline != absl::InfiniteFuture()) {
    // Local to the transaction, so a pooled connection keeps no timeout.
    const int64_t timeout_ms = std::max<int64_t>(
        1, absl::ToInt64Milliseconds(deadline - absl::Now()));
    tx.exec_params("SELECT set_config('statement_timeout', $1, true)",
                   std::to_string(timeout_ms));
  }
  absl::Status status = work(tx);
  if (!status.ok()) {
    tx.abort();
    return status;
  }
  if (!current.journal.empty()) internal::WriteJournal(tx, current.journal);
  tx.commit();
  running = outer;
  for (const std::function<void()>& callback : current.after_commit) {
    callback();
  }
  return absl::OkStatus();
}

template <pqxx::readwrite_policy Policy>
absl::Status RunOnceWithPolicy(Isolation isolation,
                               pqxx::connection& connection,
                               absl::Time deadline, const Work& work) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return RunOnce<pqxx::read_committed, Policy>(connection, deadline, work);
    case Isolation::kRepeatableRead:
      return RunOnce<pqxx::repeatable_read, Policy>(connection, deadline,
                                                    work);
    case Isolation::kSerializable:
      return RunOnce<pqxx::serializable, Policy>(connection, deadline, work);
  }
  return absl::InvalidArgumentError("unknown isolation level");
}

struct Attempt {
  absl::Status status;
  // The failure was a serialization failure or deadlock raised by the
  // database, not a status `work` returned: running again may succeed.
  bool retryable = false;
};

struct TransactionMetrics {
  prometheus::Histogram& pool_wait;
  metrics::Histogram& seconds;
};

TransactionMetrics& Metrics() {
  static auto* const kMetrics = [] {
    auto& registry = metrics::Registry::Default();
    return new TransactionMetrics{
        registry
            .AddHistogram("hpedu_db_pool_wait_seconds",
                          "Time waited to lease a pooled connection")
            .Get(),
        registry.AddHistogram("hpedu_db_transaction_seconds",
                              "Transaction attempt latency by outcome code",
                              {"code"}),
    };
  }();
  return *kMetrics;
}

Attempt RunAttempt(Pool& pool, absl::Time deadline,
                   const TransactionOptions& options, const Work& work) {
  const absl::Time wait_start = absl::Now();
  absl::StatusOr<Lease> lease = pool.Acquire(deadline);
  const absl::Time start = absl::Now();
  Metrics().pool_wait.Observe(absl::ToDoubleSeconds(start - wait_start));
  if (!lease.ok()) return {lease.status()};
  if (absl::Now() >= deadline) {
    return {absl::DeadlineExceededError(
        "deadline passed before the transaction began")};
  }
  pqxx::connection& connection = lease->connection();
  try {
    return {options.read_only
                ? RunOnceWithPolicy<pqxx::read_only>(options.isolation,
                                                     connection, deadline, work)
                : RunOnceWithPolicy<pqxx::read_write>(
                      options.isolation, connection, deadline, work)};
  } catch (const std::exception& e) {
    if (IsConnectionError(e) || !connection.is_open()) lease->Discard();
    absl::Status status = TranslateException(e);
    const bool retryable = status.code() == absl::StatusCode::kAborted;
    return {std::move(status), retryable};
  }
}

// Exponential from 5 ms, capped at 100 ms, each pause drawn from [50%, 150%]
// so that the transactions that collided do not collide again.
absl::Duration Backoff(int attempt, absl::BitGen& random) {
  const absl::Duration base =
      std::min(absl::Milliseconds(5) * (1 << std::min(attempt, 5)),
               absl::Milliseconds(100));
  return base * absl::Uniform(random, 0.5, 1.5);
}

}  // namespace

namespace internal {

Journal* PendingJournal(pqxx::transaction_base& tx) {
  return running != nullptr && running->tx == &tx ? &running->journal : nullptr;
}

}  // namespace internal

void AfterCommit(pqxx::transaction_base& tx, std::function<void()> callback) {
  if (running != nullptr && running->tx == &tx) {
    running->after_commit.push_back(std::move(callback));
  }
}

absl::Status RunInTransaction(Pool& pool, absl::Time deadline,
                              const TransactionOptions& options,
                              const Work& work) {
  const int max_attempts = std::max(1, options.max_attempts);
  absl::BitGen random;
  for (int attempt = 1;; ++attempt) {
    const absl::Time start = absl::Now();
    trace::ScopedSpan span("db.transaction", trace::SpanKind::kClient);
    span.SetAttribute("db.system", "postgresql");
    Attempt result = RunAttempt(pool, deadline, options, work);
    if (!result.status.ok()) {
      span.SetError(std::string(absl::StatusCodeToString(result.status.code())));
    }
    Metrics()
        .seconds.With({absl::StatusCodeToString(result.status.code())})
        .Observe(absl::ToDoubleSeconds(absl::Now() - start));
    if (!result.retryable) return std::move(result.status);
    const absl::Duration pause = Backoff(attempt - 1, random);
    if (attempt >= max_attempts || absl::Now() + pause >= deadline) {
      return absl::AbortedError(absl::StrCat(result.status.message(),
                                             "; gave up after ", attempt,
                                             " attempt(s)"));
    }
    absl::SleepFor(pause);
  }
}

}  // namespace hpedu::db
