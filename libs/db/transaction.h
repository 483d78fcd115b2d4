// One transaction per request: lease a connection, run the work, commit,
// translate libpqxx exceptions into absl::Status, retry serialization
// failures and deadlocks a bounded number of times.
//
//   absl::StatusOr<Unit> unit = db::InTransaction<Unit>(
//       pool, call.deadline(), {},
//       [&](pqxx::transaction_base& tx) -> absl::StatusOr<Unit> { ... });
#ifndef HPEDU_LIBS_DB_TRANSACTION_H_
#define HPEDU_LIBS_DB_TRANSACTION_H_

#include <functional>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/db/pool.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace hpedu::db {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct TransactionOptions {
  Isolation isolation = Isolation::kReadCommitted;
  // A read-only transaction (SET TRANSACTION READ ONLY).
  bool read_only = false;
  // Attempts in all, for serialization failures and deadlocks (ABORTED).
  int max_attempts = 3;
};

// Runs `work` in a transaction on a connection from `pool`. Commits if `work`
// returns OK, rolls back otherwise. The statement timeout is the time left to
// `deadline`. libpqxx exceptions thrown by `work` become statuses (see
// TranslateException); ABORTED ones are retried with a fresh transaction
// until max_attempts, so `work` must have no effect outside the transaction.
// A status `work` returns itself is never retried.
absl::Status RunInTransaction(
    Pool& pool, absl::Time deadline, const TransactionOptions& options,
    const std::function<absl::Status(pqxx::transaction_base&)>& work);

// Runs `callback` on this thread once `tx`, the transaction a
// RunInTransaction on this thread is running, has committed; never if it
// rolls back or fails to commit. Outside RunInTransaction nothing runs.
// For effects outside the database that must follow the commit, such as
// waking whoever waits for what it wrote. `callback` must not throw.
void AfterCommit(pqxx::transaction_base& tx, std::function<void()> callback);

// As RunInTransaction, for work that produces a value.
template <typename T>
absl::StatusOr<T> InTransaction(
    Pool& pool, absl::Time deadline, const TransactionOptions& options,
    const std::function<absl::StatusOr<T>(pqxx::transaction_base&)>& work) {
  std::optional<T> result;
  absl::Status status = RunInTransaction(
      pool, deadline, options, [&](pqxx::transaction_base& tx) {
        absl::StatusOr<T> value = work(tx);
        if (!value.ok()) return value.status();
        result = *std::move(value);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return *std::move(result);
}

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_TRANSACTION_H_
