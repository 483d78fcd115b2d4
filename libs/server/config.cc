#include "libs/server/config.h"

#include "libs/base/string_view.h"

#include "absl/strings/string_view.h"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/status/errors.h"

namespace hpedu::server {
namespace {

// One option: its flag name, help text and how to store a parsed value.
struct Option {
  std::string name;
  std::string help;
  std::function<bool(absl::string_view, ServerConfig&)> set;
};

bool ParseInt(absl::string_view text, int min, int& out) {
  int value;
  if (!absl::SimpleAtoi(text, &value) || value < min) return false;
  out = value;
  return true;
}

bool ReadPemFiles(absl::string_view list, std::vector<std::string>& out) {
  out.clear();
  for (absl::string_view path : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    std::ifstream in{std::string(path)};
    if (!in) return false;
    std::stringstream pem;
    pem << in.rdbuf();
    out.push_back(pem.str());
  }
  return !out.empty();
}

const std::vector<Option>& Options() {
  static const auto* const kOptions = new std::vector<Option>{
      {"listen", "address to serve gRPC on, host:port",
       [](absl::string_view v, ServerConfig& c) {
         if (v.find(':') == absl::string_view::npos) return false;
         c.listen_address = std::string(v);
         return true;
       }},
      {"db", "libpq connection string of the service's role",
       [](absl::string_view v, ServerConfig& c) {
         c.db = std::string(v);
         return !v.empty();
       }},
      {"db_pool_size", "most database connections open at once",
       [](absl::string_view v, ServerConfig& c) {
         return ParseInt(v, 1, c.db_pool_size);
       }},
      {"workers", "threads running handlers (they may block on the database)",
       [](absl::string_view v, ServerConfig& c) {
         return ParseInt(v, 1, c.workers);
       }},
      {"max_queue", "calls waiting for a worker before new ones are refused",
       [](absl::string_view v, ServerConfig& c) {
         return ParseInt(v, 1, c.max_queue);
       }},
      {"default_deadline", "deadline of a call that brings none, e.g. 10s",
       [](absl::string_view v, ServerConfig& c) {
         return ParsePositiveDuration(ToStd(v), c.default_deadline);
       }},
      {"change_retention",
       "how long the service's change feed keeps changes, e.g. 168h",
       [](absl::string_view v, ServerConfig& c) {
         return ParsePositiveDuration(ToStd(v), c.change_retention);
       }},
      {"run_jobs",
       "run the service's scheduled jobs (true/false); with several "
       "replicas each slot still runs once",
       [](absl::string_view v, ServerConfig& c) {
         return absl::SimpleAtob(v, &c.run_jobs);
       }},
      {"job_check_interval",
       "how often the scheduler looks for a job slot to run, e.g. 30s",
       [](absl::string_view v, ServerConfig& c) {
         return ParsePositiveDuration(ToStd(v), c.job_check_interval);
       }},
      {"shutdown_grace", "time calls in flight get to finish at shutdown",
       [](absl::string_view v, ServerConfig& c) {
         return ParsePositiveDuration(ToStd(v), c.shutdown_grace);
       }},
      {"health_interval", "how often the database is probed for health",
       [](absl::string_view v, ServerConfig& c) {
         return ParsePositiveDuration(ToStd(v), c.health_interval);
       }},
      {"max_message_bytes", "largest request or response message",
       [](absl::string_view v, ServerConfig& c) {
         return ParseInt(v, 1024, c.max_message_bytes);
       }},
      {"tls_cert", "PEM certificate of this service (enables mutual TLS)",
       [](absl::string_view v, ServerConfig& c) {
         c.tls.cert = std::string(v);
         return !v.empty();
       }},
      {"tls_key", "PEM private key of that certificate",
       [](absl::string_view v, ServerConfig& c) {
         c.tls.key = std::string(v);
         return !v.empty();
       }},
      {"tls_ca", "PEM certificate of the CA that signs every hpedu peer",
       [](absl::string_view v, ServerConfig& c) {
         c.tls.ca = std::string(v);
         return !v.empty();
       }},
      {"jwt_issuer", "issuer (iss) of accepted bearer tokens",
       [](absl::string_view v, ServerConfig& c) {
         c.jwt.issuer = std::string(v);
         return !v.empty();
       }},
      {"jwt_audience", "audience (aud) bearer tokens must name",
       [](absl::string_view v, ServerConfig& c) {
         c.jwt.audience = std::string(v);
         return !v.empty();
       }},
      {"jwt_keys",
       "PEM public keys of the identity provider, comma-separated "
       "files",
       [](absl::string_view v, ServerConfig& c) {
         return ReadPemFiles(v, c.jwt.public_keys_pem);
       }},
      {"mtls_callers",
       "roles of client certificates: subject=role[@unit]"
       "[:service+service],...",
       [](absl::string_view v, ServerConfig& c) {
         absl::StatusOr<std::map<std::string, auth::Caller>> callers =
             ParseMtlsCallers(ToStd(v));
         if (!callers.ok()) return false;
         c.mtls_callers = *std::move(callers);
         return true;
       }},
      {"log_requests", "log one JSON line per call (true/false)",
       [](absl::string_view v, ServerConfig& c) {
         return absl::SimpleAtob(v, &c.log_requests);
       }},
      {"otlp_endpoint",
       "OTLP/HTTP traces endpoint, "
       "http://host:4318/v1/traces (off if empty)",
       [](absl::string_view v, ServerConfig& c) {
         c.otlp_endpoint = std::string(v);
         return v.empty() || absl::StartsWith(v, "http://");
       }},
      {"metrics_listen",
       "host:port serving Prometheus GET /metrics (off if "
       "empty)",
       [](absl::string_view v, ServerConfig& c) {
         c.metrics_listen = std::string(v);
         return v.empty() || v.rfind(':') != absl::string_view::npos;
       }},
  };
  return *kOptions;
}

// The --<service>_addr options, one per peer service.
const std::vector<Option>& PeerOptions() {
  static const auto* const kOptions = [] {
    auto* options = new std::vector<Option>;
    for (std::string_view peer : kPeerServices) {
      std::string key(peer);
      options->push_back(Option{
          absl::StrCat(key, "_addr"), "address of that service, host:port",
          [key](absl::string_view v, ServerConfig& c) {
            if (v.find(':') == absl::string_view::npos) return false;
            c.peer_addresses[key] = std::string(v);
            return true;
          }});
    }
    return options;
  }();
  return *kOptions;
}

// A service's own flags as options (they store outside ServerConfig).
std::vector<Option> ServiceOptions(const ConfigSpec& spec) {
  std::vector<Option> options;
  for (const ServiceFlag& flag : spec.flags) {
    options.push_back(Option{flag.name, flag.help,
                             [set = flag.set](absl::string_view v, ServerConfig&) {
                               return set(ToStd(v));
                             }});
  }
  return options;
}

// Every option: the server's own, then the peers', then the service's.
std::vector<const Option*> AllOptions(const std::vector<Option>& service) {
  std::vector<const Option*> all;
  for (const Option& option : Options()) all.push_back(&option);
  for (const Option& option : PeerOptions()) all.push_back(&option);
  for (const Option& option : service) all.push_back(&option);
  return all;
}

const Option* FindOption(const std::vector<const Option*>& all,
                         absl::string_view name) {
  for (const Option* option : all) {
    if (option->name == name) return option;
  }
  return nullptr;
}

std::string EnvName(absl::string_view service, absl::string_view option) {
  if (service.empty()) return absl::AsciiStrToUpper(absl::StrCat("HPEDU_", option));
  return absl::AsciiStrToUpper(absl::StrCat("HPEDU_", service, "_", option));
}

}  // namespace

bool ParsePositiveDuration(std::string_view text, absl::Duration& out) {
  absl::Duration value;
  if (!absl::ParseDuration(ToAbsl(text), &value) ||
      value <= absl::ZeroDuration()) {
    return false;
  }
  out = value;
  return true;
}

absl::StatusOr<std::map<std::string, auth::Caller>> ParseMtlsCallers(
    std::string_view spec) {
  std::map<std::string, auth::Caller> callers;
  for (absl::string_view entry :
       absl::StrSplit(ToAbsl(spec), ',', absl::SkipWhitespace())) {
    auto bad = [&](absl::string_view why) {
      return InvalidField("mtls_callers",
                          absl::StrCat("mục \"", entry, "\": ", why));
    };
    std::pair<absl::string_view, absl::string_view> subject_rest =
        absl::StrSplit(absl::StripAsciiWhitespace(entry),
                       absl::MaxSplits('=', 1));
    if (subject_rest.first.empty() || subject_rest.second.empty()) {
      return bad("cần subject=role / expected subject=role");
    }
    std::pair<absl::string_view, absl::string_view> role_grants =
        absl::StrSplit(subject_rest.second, absl::MaxSplits(':', 1));
    std::pair<absl::string_view, absl::string_view> role_unit =
        absl::StrSplit(role_grants.first, absl::MaxSplits('@', 1));
    std::optional<auth::Role> role = auth::ParseRole(ToStd(role_unit.first));
    if (!role.has_value()) return bad("vai trò không rõ / unknown role");
    auth::Caller caller;
    caller.id = std::string(subject_rest.first);
    caller.authenticated = true;
    caller.role = *role;
    caller.unit = std::string(role_unit.second);
    for (absl::string_view service :
         absl::StrSplit(role_grants.second, '+', absl::SkipEmpty())) {
      caller.granted_services.emplace_back(service);
    }
    bool needs_unit = *role == auth::Role::kDivision ||
                      *role == auth::Role::kCommuneOfficer ||
                      *role == auth::Role::kSchoolOfficer;
    if (needs_unit && !absl::StartsWith(caller.unit, "units/")) {
      return bad("vai trò này cần @units/{id} / this role needs @units/{id}");
    }
    callers[caller.id] = std::move(caller);
  }
  return callers;
}

absl::StatusOr<ServerConfig> LoadServerConfig(std::string_view service_name,
                                              int argc, char** argv) {
  return LoadServerConfig(service_name, argc, argv, ConfigSpec{});
}

absl::StatusOr<ServerConfig> LoadServerConfig(std::string_view service_name,
                                              int argc, char** argv,
                                              const ConfigSpec& spec) {
  absl::string_view service = ToAbsl(service_name);
  ServerConfig config;
  config.service = std::string(service);
  FieldViolations violations;
  const std::vector<Option> service_options = ServiceOptions(spec);
  const std::vector<const Option*> all = AllOptions(service_options);

  // Environment first (generic, then service-specific), flags last.
  for (const Option* option : all) {
    for (const std::string& env :
         {EnvName("", option->name), EnvName(service, option->name)}) {
      const char* value = std::getenv(env.c_str());
      if (value == nullptr) continue;
      if (!option->set(value, config)) {
        violations.Add(env, absl::StrCat("giá trị không hợp lệ / invalid "
                                         "value: ", option->help));
      }
    }
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::ConsumePrefix(&arg, "--")) {
      violations.Add(argv[i], "không phải cờ / not a flag (--name=value)");
      continue;
    }
    absl::string_view name = arg;
    absl::string_view value = "true";  // a bare --flag is a true boolean
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const Option* option = FindOption(all, name);
    if (option == nullptr) {
      violations.Add(absl::StrCat("--", name),
                     "cờ không xác định / unknown flag");
    } else if (!option->set(value, config)) {
      violations.Add(absl::StrCat("--", name),
                     absl::StrCat("giá trị không hợp lệ / invalid value: ",
                                  option->help));
    }
  }
  if (spec.requires_database && config.db.empty()) {
    violations.Add("--db", absl::StrCat("bắt buộc / required (or ",
                                        EnvName(service, "db"), ")"));
  }
  if (!violations.empty()) return violations.ToStatus();
  return config;
}

std::string ServerConfigUsage(std::string_view service_name) {
  return ServerConfigUsage(service_name, ConfigSpec{});
}

std::string ServerConfigUsage(std::string_view service_name,
                              const ConfigSpec& spec) {
  absl::string_view service = ToAbsl(service_name);
  std::string usage = absl::StrCat("Cách dùng / usage: hpedu_", service,
                                   " [--name=value]...\n");
  const std::vector<Option> service_options = ServiceOptions(spec);
  for (const Option* option : AllOptions(service_options)) {
    absl::StrAppend(&usage, "  --", option->name, "  (",
                    EnvName(service, option->name), " or ",
                    EnvName("", option->name), ")\n      ", option->help, "\n");
  }
  return usage;
}

}  // namespace hpedu::server
