#include "libs/server/db_health.h"

#include <pqxx/pqxx>

#include "libs/db/transaction.h"
#include "libs/server/log.h"

namespace hpedu::server {

absl::Status ProbeDatabase(db::Pool& pool, absl::Duration timeout) {
  db::TransactionOptions options;
  options.read_only = true;
  options.max_attempts = 1;
  return db::RunInTransaction(pool, absl::Now() + timeout, options,
                              [](pqxx::transaction_base& tx) {
                                tx.exec("SELECT 1");
                                return absl::OkStatus();
                              });
}

DbHealthMonitor::DbHealthMonitor(db::Pool* pool, absl::Duration interval,
                                 std::function<void(bool)> on_change)
    : pool_(pool), interval_(interval), on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { Loop(); });
}

DbHealthMonitor::~DbHealthMonitor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

bool DbHealthMonitor::ProbeNow() {
  absl::Status status = ProbeDatabase(*pool_, std::max(interval_, absl::Seconds(1)));
  absl::MutexLock lock(&mu_);
  // Only an unreachable database makes us unhealthy; a pool too busy to lend
  // a connection in time (DEADLINE_EXCEEDED) keeps the last answer.
  int serving = serving_;
  if (status.ok()) {
    serving = 1;
  } else if (status.code() != absl::StatusCode::kDeadlineExceeded ||
             serving_ == -1) {
    serving = 0;
  }
  if (serving != serving_) {
    serving_ = serving;
    if (!status.ok()) {
      Log(LogLevel::kWarning, "health", "database unreachable",
          {{"error", std::string(status.message())}});
    }
    on_change_(serving == 1);
  }
  return serving_ == 1;
}

void DbHealthMonitor::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
    }
    ProbeNow();
  }
}

}  // namespace hpedu::server
