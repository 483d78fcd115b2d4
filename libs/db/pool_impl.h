// The Pool behind Pool::Create: a mutex-guarded free list of libpqxx
// connections, opened lazily up to the bound.
#ifndef HPEDU_LIBS_DB_POOL_IMPL_H_
#define HPEDU_LIBS_DB_POOL_IMPL_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/db/pool.h"

namespace hpedu::db {

class PoolImpl final : public Pool {
 public:
  // `options` must be valid (see Pool::Create).
  explicit PoolImpl(PoolOptions options);
  ~PoolImpl() override;

  absl::StatusOr<Lease> Acquire(absl::Time deadline) override;
  void Close() override;
  PoolStats Stats() const override;

 protected:
  void Return(std::unique_ptr<pqxx::connection> connection,
              bool discard) override;

 private:
  // Opens one connection and prepares the statements on it. Called without
  // mu_ held: connecting takes a network round trip or more.
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Open() const;

  // Acquire can proceed: an idle connection, room to open one, or closed.
  bool CanAcquire() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PoolOptions options_;

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  // Connections that exist or are being opened (a slot is reserved before
  // connecting so that concurrent Acquires never exceed the bound).
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  long opened_total_ ABSL_GUARDED_BY(mu_) = 0;
  long discarded_total_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_POOL_IMPL_H_
