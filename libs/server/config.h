// A service's configuration, from flags and environment. Every option has a
// flag `--name=value` and a variable HPEDU_<NAME> (upper case); a flag wins
// over the environment, which wins over the default. A service-specific
// variable HPEDU_<SERVICE>_<NAME> wins over the generic one, so one
// environment can configure several services.
#ifndef HPEDU_LIBS_SERVER_CONFIG_H_
#define HPEDU_LIBS_SERVER_CONFIG_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/auth/caller.h"
#include "libs/auth/jwt.h"
#include "libs/server/tls.h"

namespace hpedu::server {

struct ServerConfig {
  std::string service;                            // "registry"
  std::string listen_address = "127.0.0.1:0";     // --listen
  std::string db;                                 // --db: libpq conninfo
  int db_pool_size = 8;                           // --db_pool_size
  int workers = 8;                                // --workers: executor threads
  int max_queue = 1024;                           // --max_queue
  absl::Duration default_deadline = absl::Seconds(10);  // --default_deadline
  absl::Duration shutdown_grace = absl::Seconds(10);    // --shutdown_grace
  absl::Duration health_interval = absl::Seconds(2);    // --health_interval
  // How long the change feed keeps a change (--change_retention).
  absl::Duration change_retention = absl::Hours(24 * 7);
  // Scheduled jobs (libs/jobs): whether this replica runs them
  // (--run_jobs), and how often it looks for a slot to run
  // (--job_check_interval).
  bool run_jobs = true;
  absl::Duration job_check_interval = absl::Seconds(30);
  int max_message_bytes = 16 << 20;               // --max_message_bytes
  bool log_requests = true;                       // --log_requests
  // Prometheus /metrics on its own port, e.g. "127.0.0.1:9451"; off if
  // empty (--metrics_listen).
  std::string metrics_listen;
  // OTLP/HTTP trace receiver, e.g. "http://127.0.0.1:4318/v1/traces"; no
  // spans are recorded if empty (--otlp_endpoint).
  std::string otlp_endpoint;
  // Addresses of the other services this one calls, by service name:
  // --registry_addr=host:port (HPEDU_REGISTRY_ADDR), --plans_addr...
  std::map<std::string, std::string> peer_addresses;
  // Mutual TLS (--tls_cert, --tls_key, --tls_ca); plaintext if unset.
  TlsFiles tls;
  // People's bearer tokens: --jwt_issuer, --jwt_audience and --jwt_keys
  // (comma-separated PEM public-key files, read when the config loads).
  // With no key, no token is accepted.
  auth::JwtVerifierOptions jwt;
  // Roles of TLS client certificates by subject, --mtls_callers=
  // "subject=role[@units/id][:service+service],...", e.g.
  // "thue-hp=integration:indicators+budget". The hpedu services and
  // "hpedu-cli" are callers with the service role unless listed; any other
  // certificate is an integration granted nothing.
  std::map<std::string, auth::Caller> mtls_callers;
};

// Parses a positive duration flag ("30s", "1m") into `out`; false, leaving
// `out` as it was, for anything else. For services' own flags too.
bool ParsePositiveDuration(std::string_view text, absl::Duration& out);

// Parses one --mtls_callers value. INVALID_ARGUMENT naming the bad entry.
absl::StatusOr<std::map<std::string, auth::Caller>> ParseMtlsCallers(
    std::string_view spec);

// The services a process may call, each configured by --<name>_addr.
inline constexpr std::string_view kPeerServices[] = {
    "registry", "plans", "indicators", "staffing", "budget", "gateway"};

// A flag of one service besides the common ones (the gateway's
// --http_listen), read like them: --name=value, HPEDU_<NAME> or
// HPEDU_<SERVICE>_<NAME>. `set` stores the value where the service keeps
// it; false for an invalid one.
struct ServiceFlag {
  std::string name;
  std::string help;
  std::function<bool(std::string_view value)> set;
};

// What a service changes in the common options.
struct ConfigSpec {
  // --db is required unless the service has no database (the gateway).
  bool requires_database = true;
  std::vector<ServiceFlag> flags;
};

// Parses argv (after argv[0]) and the environment for `service`.
// INVALID_ARGUMENT naming the flag for an unknown flag or a bad value.
absl::StatusOr<ServerConfig> LoadServerConfig(std::string_view service,
                                              int argc, char** argv);
// The same with the service's own flags, and --db optional if it has no
// database.
absl::StatusOr<ServerConfig> LoadServerConfig(std::string_view service,
                                              int argc, char** argv,
                                              const ConfigSpec& spec);

// The usage text listing every option.
std::string ServerConfigUsage(std::string_view service);
std::string ServerConfigUsage(std::string_view service,
                              const ConfigSpec& spec);

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_CONFIG_H_
