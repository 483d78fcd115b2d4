// The subcommands of the `hpedu` command-line client. main.cc parses the
// command line into an Invocation and dispatches to one of these; each
// writes results to stdout, diagnostics to stderr, and returns the exit
// code: 0 success, 1 the call failed (or the service is not serving),
// 2 bad usage.
#ifndef HPEDU_SERVICES_CLI_COMMANDS_H_
#define HPEDU_SERVICES_CLI_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace hpedu::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// One run of the CLI, after option parsing.
struct Invocation {
  // Arguments after the subcommand that are not flags.
  std::vector<std::string> args;
  // --addr=host:port; empty: HPEDU_<SERVICE>_ADDR or the default port.
  std::string addr;
  // --timeout, else $HPEDU_TIMEOUT, else 10s: the deadline of each call.
  absl::Duration timeout = absl::Seconds(10);
  // --json: JSON lines instead of a table (list).
  bool json = false;
  // --limit=N: at most N items (list), N changes (follow).
  std::optional<int> limit;
  // --after=N: the changes after sequence N, 0 for the oldest kept (follow);
  // unset: from now.
  std::optional<int64_t> after;
  // --dry-run: validate only (import).
  bool dry_run = false;
  // --service=X: the health-checked service name (health).
  std::string health_service;
  // $HPEDU_TOKEN: a bearer token sent with every call (see `hpedu token`).
  std::string token;
  // Every other --name=value (a bare --name means "true"), in order: request
  // fields for call and list.
  std::vector<std::pair<std::string, std::string>> field_flags;
};

int RunCall(const Invocation& invocation);
int RunList(const Invocation& invocation);
int RunImport(const Invocation& invocation);
int RunHealth(const Invocation& invocation);
int RunMethods(const Invocation& invocation);
// `follow <service>`: the service's change feed (WatchChanges), one JSON line
// per change on stdout, flushed; reconnects on UNAVAILABLE after the last
// change printed. Returns only on another error, or after --limit changes.
int RunFollow(const Invocation& invocation);
int RunDescribe(const Invocation& invocation);
// `token`: a locally signed bearer token for a role and scope.
int RunToken(const Invocation& invocation);
// `db provision`: the database side of a service (see libs/db/provision.h).
int RunDb(const Invocation& invocation);

// "Units" for "units", "SchoolYears" for "school_years" or "school-years".
std::string CollectionToCamel(const std::string& collection);

}  // namespace hpedu::cli

#endif  // HPEDU_SERVICES_CLI_COMMANDS_H_
