// `hpedu token`: mints a bearer token for local use, signed with a local key
// (deploy/local/up.sh makes one and configures the services to trust it).
// Production tokens come from the city's identity provider.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/auth/caller.h"
#include "libs/auth/jwt.h"
#include "services/cli/commands.h"

namespace hpedu::cli {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

int RunToken(const Invocation& invocation) {
  std::map<std::string, std::string> flags(invocation.field_flags.begin(),
                                           invocation.field_flags.end());
  auto flag_or_env = [&](const std::string& flag, const char* env) {
    return flags.count(flag) != 0 ? flags[flag] : Env(env);
  };
  const std::string key_file = flag_or_env("key", "HPEDU_TOKEN_KEY");
  const std::string issuer = flag_or_env("issuer", "HPEDU_JWT_ISSUER");
  const std::string audience = flag_or_env("audience", "HPEDU_JWT_AUDIENCE");
  std::optional<auth::Role> role = auth::ParseRole(flags["role"]);
  if (!role.has_value() || *role == auth::Role::kService || key_file.empty() ||
      issuer.empty() || audience.empty() || !invocation.args.empty()) {
    std::cerr << "hpedu token: cách dùng (usage): hpedu token --role=<vai trò> "
                 "[--unit=units/<id>] [--sub=<mã người dùng>] [--name=<họ tên>] "
                 "[--ttl=8h]\n"
                 "  vai trò (roles): leadership, division, commune_officer, "
                 "school_officer, integration, operator\n"
                 "  khoá và bên cấp (key, issuer, audience): --key, --issuer, "
                 "--audience or HPEDU_TOKEN_KEY, HPEDU_JWT_ISSUER, "
                 "HPEDU_JWT_AUDIENCE\n";
    return kExitUsage;
  }
  absl::Duration ttl = absl::Hours(8);
  if (flags.count("ttl") != 0 &&
      (!absl::ParseDuration(flags["ttl"], &ttl) || ttl <= absl::ZeroDuration())) {
    std::cerr << "hpedu token: --ttl không hợp lệ (invalid), ví dụ 8h\n";
    return kExitUsage;
  }
  std::ifstream in(key_file);
  if (!in) {
    std::cerr << "hpedu token: không đọc được khoá (cannot read key) "
              << key_file << "\n";
    return kExitFailed;
  }
  std::stringstream pem;
  pem << in.rdbuf();

  auth::TokenClaims claims;
  claims.role = flags["role"];
  claims.unit = flags["unit"];
  claims.subject = flags["sub"].empty() ? claims.role : flags["sub"];
  claims.name = flags["name"];
  const absl::Time now = absl::Now();
  claims.expiry = now + ttl;
  absl::StatusOr<std::string> token =
      auth::SignToken(claims, issuer, audience, "ES256", pem.str(), now);
  if (!token.ok()) {
    std::cerr << "hpedu token: " << token.status() << "\n";
    return kExitFailed;
  }
  std::cout << *token << "\n";
  return kExitOk;
}

}  // namespace hpedu::cli
