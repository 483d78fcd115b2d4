// PostgresServer: initdb + pg_ctl in a temporary directory, as the
// `postgres` user when running as root.
#include "libs/testing/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/db/errors.h"
#include "libs/db/provision.h"
#include "libs/status/status_macros.h"

#ifndef HPEDU_PG_BINDIR
#error "HPEDU_PG_BINDIR must name the PostgreSQL binaries"
#endif

namespace hpedu::testing {
namespace {

constexpr char kBinDir[] = HPEDU_PG_BINDIR;

// Whom the server runs as: ourselves, or `postgres` when we are root.
struct ServerUser {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

absl::StatusOr<ServerUser> FindServerUser() {
  if (geteuid() != 0) return ServerUser{};
  const passwd* entry = getpwnam("postgres");
  if (entry == nullptr) {
    return absl::FailedPreconditionError(
        "running as root, and there is no `postgres` user to run PostgreSQL "
        "as (it refuses to run as root)");
  }
  return ServerUser{true, entry->pw_uid, entry->pw_gid};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Tail(const std::string& text, size_t bytes = 4000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

// Runs `argv` with stdout and stderr in `output_path`, in `cwd`, as `user`.
// UNAVAILABLE with the output if it does not exit with 0.
absl::Status RunCommand(const ServerUser& user, const std::string& cwd,
                        const std::vector<std::string>& argv,
                        const std::string& output_path) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int output = open(output_path.c_str(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int input = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (output < 0 || input < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", output_path, ": ",
                                            std::strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    if (dup2(input, 0) < 0 || dup2(output, 1) < 0 || dup2(output, 2) < 0) {
      _exit(126);
    }
    if (user.switch_user &&
        (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 ||
         setuid(user.uid) != 0)) {
      _exit(126);
    }
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execv(args[0], args.data());
    _exit(127);
  }
  close(output);
  close(input);
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitpid: ", std::strerror(errno)));
    }
  }
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(
      absl::StrJoin(argv, " "), " failed (wait status ", wait_status,
      "):\n", Tail(ReadFile(output_path))));
}

// A TCP port on 127.0.0.1 that was free a moment ago.
absl::StatusOr<int> FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return absl::InternalError(absl::StrCat("binding 127.0.0.1:0: ",
                                            std::strerror(errno)));
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::string QuoteConninfoValue(absl::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

absl::Status WithContext(const absl::Status& status, absl::string_view what) {
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  ASSIGN_OR_RETURN(const ServerUser user, FindServerUser());
  char pattern[] = "/tmp/hpedu-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  // Owned from here on: the destructor removes the directory.
  std::unique_ptr<PostgresServer> server(new PostgresServer(pattern, 0));
  if (user.switch_user && chown(pattern, user.uid, user.gid) != 0) {
    return absl::InternalError(absl::StrCat("chown ", pattern, ": ",
                                            std::strerror(errno)));
  }
  RETURN_IF_ERROR(RunCommand(
      user, server->dir_,
      {absl::StrCat(kBinDir, "/initdb"), "-D", server->DataDir(), "-A",
       "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
       "--no-sync"},
      server->dir_ + "/initdb.out"));

  // The port was free when we looked; another process may take it before
  // the server binds it, so try a few.
  absl::Status started;
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSIGN_OR_RETURN(server->port_, FreePort());
    started = server->RunPgCtl("start");
    if (started.ok()) break;
  }
  RETURN_IF_ERROR(started);
  server->running_ = true;

  // libs/text and the services sort Vietnamese with ICU.
  try {
    pqxx::connection connection(server->SuperuserConninfo());
    pqxx::nontransaction tx(connection);
    if (tx.exec_params("SELECT 1 FROM pg_collation WHERE collname = $1",
                       "vi-x-icu")
            .empty()) {
      return absl::FailedPreconditionError(
          "PostgreSQL has no ICU collation vi-x-icu (built without ICU?)");
    }
  } catch (const std::exception& e) {
    return WithContext(db::TranslateException(e),
                       absl::StrCat("connecting to the new server; log:\n",
                                    Tail(ReadFile(server->LogPath()))));
  }
  return server;
}

PostgresServer::~PostgresServer() {
  if (running_ && !Stop().ok()) {
    if (absl::StatusOr<ServerUser> user = FindServerUser(); user.ok()) {
      RunCommand(*user, dir_,
                 {absl::StrCat(kBinDir, "/pg_ctl"), "-D", DataDir(), "-m",
                  "immediate", "-w", "stop"},
                 dir_ + "/pg_ctl.out")
          .IgnoreError();
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

absl::Status PostgresServer::RunPgCtl(std::string_view action) {
  ASSIGN_OR_RETURN(const ServerUser user, FindServerUser());
  std::vector<std::string> argv = {absl::StrCat(kBinDir, "/pg_ctl"), "-D",
                                   DataDir(), "-w", "-t", "60"};
  if (action == "start") {
    argv.insert(argv.end(),
                {"-l", LogPath(), "-o",
                 absl::StrCat("-p ", port_, " -k ", dir_,
                              " -c listen_addresses=127.0.0.1 -c fsync=off"
                              " -c synchronous_commit=off"
                              " -c full_page_writes=off"
                              " -c max_connections=200")});
  } else {
    argv.insert(argv.end(), {"-m", "fast"});
  }
  argv.emplace_back(action);
  absl::Status status = RunCommand(user, dir_, argv, dir_ + "/pg_ctl.out");
  if (!status.ok()) {
    return WithContext(status, absl::StrCat("server log:\n",
                                            Tail(ReadFile(LogPath()))));
  }
  return absl::OkStatus();
}

std::string PostgresServer::SuperuserConninfo(std::string_view database) const {
  return absl::StrCat("host=", QuoteConninfoValue(dir_), " port=", port_,
                      " user=postgres dbname=",
                      QuoteConninfoValue({database.data(), database.size()}));
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase() {
  std::string name =
      absl::StrCat("test_", static_cast<long>(getpid()), "_", next_database_++);
  try {
    pqxx::connection connection(SuperuserConninfo());
    pqxx::nontransaction tx(connection);
    tx.exec(absl::StrCat("CREATE DATABASE ", connection.quote_name(name)));
  } catch (const std::exception& e) {
    return WithContext(db::TranslateException(e), "CREATE DATABASE");
  }
  return name;
}

absl::StatusOr<std::string> PostgresServer::ProvisionService(
    std::string_view database, std::string_view service) {
  absl::BitGen random;
  std::string password = "test-";
  for (int i = 0; i < 16; ++i) {
    password += "0123456789abcdef"[absl::Uniform(random, 0, 16)];
  }
  return db::ProvisionServiceSchema(SuperuserConninfo(database), service,
                                    password);
}

absl::Status PostgresServer::Stop() {
  RETURN_IF_ERROR(RunPgCtl("stop"));
  running_ = false;
  return absl::OkStatus();
}

absl::Status PostgresServer::Restart() {
  RETURN_IF_ERROR(RunPgCtl("start"));
  running_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::string> SchemaFingerprint(const std::string& conninfo,
                                              std::string_view schema) {
  // Dynamic only in identifiers, quoted by format(%I); the schema is a
  // parameter. Each table's rows are digested in their text form, sorted.
  static constexpr char kSql[] = R"sql(
    SELECT coalesce(md5(string_agg(
             t.table_name || ':' ||
             md5(query_to_xml(format(
               'SELECT md5(coalesce(string_agg(x::text, '','' ORDER BY x::text), '''')) FROM %I.%I x',
               t.table_schema, t.table_name), false, false, '')::text),
             ',' ORDER BY t.table_name)), '')
      FROM information_schema.tables t
     WHERE t.table_schema = $1 AND t.table_type = 'BASE TABLE')sql";
  try {
    pqxx::connection connection(conninfo);
    pqxx::nontransaction tx(connection);
    pqxx::row row = tx.exec_params1(kSql, std::string(schema));
    return row[0].as<std::string>();
  } catch (const std::exception& e) {
    return WithContext(db::TranslateException(e), "schema fingerprint");
  }
}

absl::StatusOr<int64_t> AuditEventCount(const std::string& conninfo) {
  try {
    pqxx::connection connection(conninfo);
    pqxx::nontransaction tx(connection);
    return tx.exec1("SELECT count(*) FROM audit_events")[0].as<int64_t>();
  } catch (const std::exception& e) {
    return WithContext(db::TranslateException(e), "audit event count");
  }
}

PostgresServer& SharedPostgresServer() {
  // A function-local static: started on first use, stopped and removed when
  // the process exits normally.
  static const std::unique_ptr<PostgresServer> server = [] {
    absl::StatusOr<std::unique_ptr<PostgresServer>> started =
        PostgresServer::Start();
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start PostgreSQL for tests: %s\n",
                   started.status().ToString().c_str());
      std::abort();
    }
    return *std::move(started);
  }();
  return *server;
}

}  // namespace hpedu::testing

// LeakSanitizer: libpqxx 6.4 leaks the PGresult of a query that fails
// because the server went away (tests that stop the server or kill a backend
// do that on purpose). Suppressed by libpq's allocation function only, so a
// leak of our own objects is still reported.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:PQmakeEmptyPGresult\n";
}
