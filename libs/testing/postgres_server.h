// A throwaway PostgreSQL server for a test binary: initdb in a temporary
// directory, a free port on 127.0.0.1, run as an unprivileged user when the
// tests run as root (PostgreSQL refuses root). Stopped and deleted on
// destruction. No mock database: tests talk to a real PostgreSQL 15.
//
//   PostgresServer& pg = SharedPostgresServer();   // one per test binary
//   ASSERT_OK_AND_ASSIGN(std::string db, pg.CreateDatabase());
//   ASSERT_OK_AND_ASSIGN(std::string conninfo,
//                        pg.ProvisionService(db, "registry"));
#ifndef HPEDU_LIBS_TESTING_POSTGRES_SERVER_H_
#define HPEDU_LIBS_TESTING_POSTGRES_SERVER_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace hpedu::testing {

// Thread-compatible: one thread drives the server.
class PostgresServer {
 public:
  // initdb and start. The binaries come from HPEDU_PG_BINDIR
  // (/usr/lib/postgresql/15/bin). UNAVAILABLE with initdb's or the server's
  // output if either fails.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start();

  // Stops the server (fast mode) and removes its directory.
  ~PostgresServer();

  int port() const { return port_; }
  // The temporary directory: data, Unix socket and server.log.
  const std::string& directory() const { return dir_; }

  // conninfo of the superuser, for `database`.
  std::string SuperuserConninfo(std::string_view database = "postgres") const;

  // Creates a database with a new unique name and returns the name.
  absl::StatusOr<std::string> CreateDatabase();

  // Provisions `service` (role and schema, as deploy does) in `database` and
  // returns the role's conninfo.
  absl::StatusOr<std::string> ProvisionService(std::string_view database,
                                               std::string_view service);

  // Stops the server, keeping its data: clients see the database go away.
  absl::Status Stop();
  // Starts it again on the same port and data.
  absl::Status Restart();

 private:
  PostgresServer(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}
  // Runs `pg_ctl <action>` (start or stop) as the server's user.
  absl::Status RunPgCtl(std::string_view action);
  std::string DataDir() const { return dir_ + "/data"; }
  std::string LogPath() const { return dir_ + "/server.log"; }

  std::string dir_;  // socket directory, data/ and server.log
  int port_;
  int next_database_ = 0;
  bool running_ = false;
};

// A digest of every row of every table in `schema`, read through
// `conninfo`: equal before and after a call means the call wrote nothing
// there. For authorization and validation tests.
absl::StatusOr<std::string> SchemaFingerprint(const std::string& conninfo,
                                              std::string_view schema);

// The number of events in the audit trail of the service whose role
// `conninfo` connects as (libs/audit).
absl::StatusOr<int64_t> AuditEventCount(const std::string& conninfo);

// The process-wide server, started on first use and stopped at exit. Aborts
// the test binary with the server's output if it cannot start.
PostgresServer& SharedPostgresServer();

}  // namespace hpedu::testing

#endif  // HPEDU_LIBS_TESTING_POSTGRES_SERVER_H_
