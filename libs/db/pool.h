// A bounded pool of PostgreSQL connections.
//
// libpqxx connections are not thread-safe and libpqxx 6 has no pool. A Pool
// hands out at most `size` connections, each to one holder at a time, as an
// RAII Lease. Connections are opened lazily; every new connection gets the
// service's prepared statements before it is leased. A connection found
// broken is dropped, and the next Acquire opens a fresh one.
//
//   ASSIGN_OR_RETURN(db::Lease lease, pool.Acquire(call.deadline()));
//   pqxx::work tx(lease.connection());
#ifndef HPEDU_LIBS_DB_POOL_H_
#define HPEDU_LIBS_DB_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// pqxx::connection is an alias of a template in libpqxx 6.4 and cannot be
// forward-declared, hence the include above.

namespace hpedu::db {

// A statement prepared on every connection, run with exec_prepared(name).
struct PreparedStatement {
  std::string name;
  std::string sql;
};

struct PoolOptions {
  // libpq connection string, e.g. "host=/run/pg port=5432 dbname=hpedu
  // user=registry". The role's search_path selects the service's schema.
  std::string conninfo;
  // Most connections open at once. Sized to the service's worker threads.
  int size = 8;
  std::vector<PreparedStatement> statements;
};

// Counters for metrics and tests. A snapshot; values may change at once.
struct PoolStats {
  int size = 0;           // the bound
  int open = 0;           // connections open (or opening), leased or idle
  int leased = 0;         // connections leased (or opening for a lease)
  int waiting = 0;        // callers waiting in Acquire
  long opened_total = 0;  // connections ever opened
  long discarded_total = 0;  // connections dropped as broken
};

class Pool;

// Exclusive use of one connection until destroyed or moved from. Must not
// outlive its Pool. Not thread-safe: one thread uses a lease at a time.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  // The leased connection. Must not be called on a moved-from Lease.
  pqxx::connection& connection() const { return *connection_; }

  // Marks the connection as unusable; the pool closes it on return instead of
  // reusing it. Call after a broken_connection error.
  void Discard() { discard_ = true; }

 private:
  friend class Pool;  // Pool::MakeLease, for every Pool implementation.
  Lease(Pool* pool, std::unique_ptr<pqxx::connection> connection);
  // Gives the connection back to the pool, if this lease still holds one.
  void Release() noexcept;

  Pool* pool_ = nullptr;
  std::unique_ptr<pqxx::connection> connection_;
  bool discard_ = false;
};

// Thread-safe. Destroying a Pool while any Lease is outstanding is a bug
// (checked in debug builds).
class Pool {
 public:
  virtual ~Pool() = default;

  // Creates a pool. Does not connect: a database that is down now does not
  // stop a service from starting (health reports it instead).
  // INVALID_ARGUMENT if options are unusable (size < 1, empty conninfo).
  static absl::StatusOr<std::unique_ptr<Pool>> Create(PoolOptions options);

  // Leases a connection, waiting until `deadline` at most for one to be
  // returned when all `size` are leased. DEADLINE_EXCEEDED if none came in
  // time; UNAVAILABLE if a new connection could not be opened or prepared;
  // FAILED_PRECONDITION after Close().
  virtual absl::StatusOr<Lease> Acquire(absl::Time deadline) = 0;

  // Closes idle connections and refuses further Acquire calls. Leased
  // connections are closed when they come back.
  virtual void Close() = 0;

  virtual PoolStats Stats() const = 0;

 protected:
  friend class Lease;
  // Wraps `connection` in a Lease that gives it back to this pool.
  Lease MakeLease(std::unique_ptr<pqxx::connection> connection);

  // Takes a connection back from a Lease; `discard` drops it. Called once per
  // leased connection, possibly from another thread than Acquire's.
  virtual void Return(std::unique_ptr<pqxx::connection> connection,
                      bool discard) = 0;
};

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_POOL_H_
