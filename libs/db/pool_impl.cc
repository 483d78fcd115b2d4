// PoolImpl: waits on an absl::Condition with the caller's deadline; opens
// connections outside the lock; drops connections that come back broken.
#include "libs/db/pool_impl.h"

#include <cassert>
#include <utility>

#include <pqxx/connection>
#include <pqxx/except>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/db/errors.h"

namespace hpedu::db {

absl::StatusOr<std::unique_ptr<Pool>> Pool::Create(PoolOptions options) {
  if (options.size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("pool size must be at least 1, not ", options.size));
  }
  if (options.conninfo.empty()) {
    return absl::InvalidArgumentError("pool conninfo is empty");
  }
  for (const PreparedStatement& statement : options.statements) {
    if (statement.name.empty() || statement.sql.empty()) {
      return absl::InvalidArgumentError(
          "prepared statements need a name and SQL");
    }
  }
  return std::make_unique<PoolImpl>(std::move(options));
}

PoolImpl::PoolImpl(PoolOptions options) : options_(std::move(options)) {}

PoolImpl::~PoolImpl() {
  Close();
  absl::MutexLock lock(&mu_);
  // A Lease outliving its pool would call Return on a destroyed object.
  assert(leased_ == 0 && "db::Pool destroyed while connections are leased");
}

bool PoolImpl::CanAcquire() const {
  return closed_ || !idle_.empty() || open_ < options_.size;
}

absl::StatusOr<Lease> PoolImpl::Acquire(absl::Time deadline) {
  std::unique_ptr<pqxx::connection> connection;
  {
    absl::MutexLock lock(&mu_);
    ++waiting_;
    const bool ready = mu_.AwaitWithDeadline(
        absl::Condition(this, &PoolImpl::CanAcquire), deadline);
    --waiting_;
    if (closed_) return absl::FailedPreconditionError("pool is closed");
    if (!ready) {
      return absl::DeadlineExceededError(
          absl::StrCat("no database connection became free before the "
                       "deadline (all ",
                       options_.size, " leased)"));
    }
    ++leased_;
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
      return MakeLease(std::move(connection));
    }
    ++open_;  // Reserve the slot, then connect without the lock.
  }
  absl::StatusOr<std::unique_ptr<pqxx::connection>> opened = Open();
  absl::MutexLock lock(&mu_);
  if (!opened.ok()) {
    --open_;
    --leased_;
    return opened.status();
  }
  ++opened_total_;
  return MakeLease(*std::move(opened));
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PoolImpl::Open() const {
  std::unique_ptr<pqxx::connection> connection;
  try {
    connection = std::make_unique<pqxx::connection>(options_.conninfo);
  } catch (const std::exception& e) {
    // libpq's message names host and port, never the password.
    return absl::UnavailableError(absl::StrCat(
        "cannot connect to PostgreSQL: ", TranslateException(e).message()));
  }
  // A broken connection must stay broken so that it is dropped: libpqxx 6
  // would otherwise reconnect silently, losing the session's state.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  for (const PreparedStatement& statement : options_.statements) {
    try {
      connection->prepare(statement.name, statement.sql);
      // Prepare now, not on first use, so that bad SQL or a missing table
      // shows at once rather than in the middle of some request.
      connection->prepare_now(statement.name);
    } catch (const std::exception& e) {
      return absl::UnavailableError(
          absl::StrCat("cannot prepare statement ", statement.name, ": ",
                       TranslateException(e).message()));
    }
  }
  return connection;
}

void PoolImpl::Return(std::unique_ptr<pqxx::connection> connection,
                      bool discard) {
  const bool broken = discard || !connection->is_open();
  {
    absl::MutexLock lock(&mu_);
    --leased_;
    if (broken) ++discarded_total_;
    if (broken || closed_) {
      --open_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  // A dropped connection is closed here, after the lock is released.
}

void PoolImpl::Close() {
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    open_ -= static_cast<int>(idle_.size());
    idle.swap(idle_);
  }
  // Closing sends a Terminate message; do it without the lock.
  idle.clear();
}

PoolStats PoolImpl::Stats() const {
  absl::MutexLock lock(&mu_);
  PoolStats stats;
  stats.size = options_.size;
  stats.open = open_;
  stats.leased = leased_;
  stats.waiting = waiting_;
  stats.opened_total = opened_total_;
  stats.discarded_total = discarded_total_;
  return stats;
}

}  // namespace hpedu::db
