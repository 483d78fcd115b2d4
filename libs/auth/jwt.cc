#include "libs/auth/jwt.h"

#include <jwt.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "nlohmann/json.hpp"

namespace hpedu::auth {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

absl::Status Refuse(std::string_view reason, std::string_view message) {
  return WithErrorInfo(
      absl::UnauthenticatedError(absl::StrCat(
          "bearer token refused: ", ToAbsl(message))),
      reason);
}

bool IsAllowedAlgorithm(std::string_view algorithm) {
  return algorithm == "ES256" || algorithm == "RS256";
}

std::string GrantString(jwt_t* jwt, const char* grant) {
  const char* value = jwt_get_grant(jwt, grant);
  return value == nullptr ? "" : value;
}

// "aud" may be a string or an array of strings (RFC 7519 §4.1.3).
bool HasAudience(jwt_t* jwt, const std::string& audience) {
  if (GrantString(jwt, "aud") == audience) return true;
  char* json = jwt_get_grants_json(jwt, "aud");
  if (json == nullptr) return false;
  nlohmann::json value = nlohmann::json::parse(json, nullptr, false);
  std::free(json);
  if (!value.is_array()) return false;
  return std::any_of(value.begin(), value.end(), [&](const auto& item) {
    return item.is_string() && item.template get<std::string>() == audience;
  });
}

// The "alg" of a token's header, read before any key is used: a token whose
// algorithm is not pinned never reaches the signature check.
absl::StatusOr<std::string> HeaderAlgorithm(std::string_view token) {
  std::vector<absl::string_view> parts = absl::StrSplit(ToAbsl(token), '.');
  if (parts.size() != 3) return Refuse("TOKEN_MALFORMED", "not a JWS");
  std::string header_json;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_json)) {
    return Refuse("TOKEN_MALFORMED", "header is not base64url");
  }
  nlohmann::json header = nlohmann::json::parse(header_json, nullptr, false);
  if (!header.is_object() || !header.contains("alg") ||
      !header["alg"].is_string()) {
    return Refuse("TOKEN_MALFORMED", "header has no alg");
  }
  return header["alg"].get<std::string>();
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    JwtVerifierOptions options) {
  FieldViolations violations;
  if (options.issuer.empty()) violations.Add("issuer", "required");
  if (options.audience.empty()) violations.Add("audience", "required");
  if (options.public_keys_pem.empty()) {
    violations.Add("public_keys_pem", "at least one key");
  }
  if (options.algorithms.empty()) violations.Add("algorithms", "required");
  for (const std::string& algorithm : options.algorithms) {
    if (!IsAllowedAlgorithm(algorithm)) {
      violations.Add("algorithms",
                     absl::StrCat(algorithm, " is not allowed (ES256, RS256)"));
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return std::unique_ptr<JwtVerifier>(new JwtVerifier(std::move(options)));
}

absl::StatusOr<TokenClaims> JwtVerifier::Verify(std::string_view token,
                                                absl::Time now) const {
  if (token.empty() || token.size() > 16 * 1024) {
    return Refuse("TOKEN_MALFORMED", "empty or oversized token");
  }
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto it = verified_.find(ToAbsl(token)); it != verified_.end()) {
      RETURN_IF_ERROR(CheckTime(it->second, now));
      return it->second.claims;
    }
  }
  ASSIGN_OR_RETURN(Verified verified, VerifySignature(token));
  RETURN_IF_ERROR(CheckTime(verified, now));
  absl::MutexLock lock(&mu_);
  if (verified_.size() >= kMaxRemembered) {
    absl::erase_if(verified_, [&](const auto& entry) {
      return now > entry.second.claims.expiry + options_.leeway;
    });
    if (verified_.size() >= kMaxRemembered) verified_.clear();
  }
  verified_.emplace(token, verified);
  return std::move(verified.claims);
}

absl::Status JwtVerifier::CheckTime(const Verified& verified,
                                    absl::Time now) const {
  if (now > verified.claims.expiry + options_.leeway) {
    return Refuse("TOKEN_EXPIRED", "token expired");
  }
  if (now + options_.leeway < verified.not_before) {
    return Refuse("TOKEN_NOT_YET_VALID", "token not yet valid");
  }
  return absl::OkStatus();
}

absl::StatusOr<JwtVerifier::Verified> JwtVerifier::VerifySignature(
    std::string_view token) const {
  ASSIGN_OR_RETURN(const std::string algorithm, HeaderAlgorithm(token));
  if (std::find(options_.algorithms.begin(), options_.algorithms.end(),
                algorithm) == options_.algorithms.end()) {
    return Refuse("TOKEN_ALGORITHM",
                  absl::StrCat("algorithm ", algorithm, " is not accepted"));
  }
  const std::string token_string(token);
  JwtPtr jwt;
  for (const std::string& key : options_.public_keys_pem) {
    jwt_t* decoded = nullptr;
    if (jwt_decode(&decoded, token_string.c_str(),
                   reinterpret_cast<const unsigned char*>(key.data()),
                   static_cast<int>(key.size())) == 0) {
      jwt.reset(decoded);
      break;
    }
  }
  if (jwt == nullptr) {
    return Refuse("TOKEN_SIGNATURE", "signature does not verify");
  }
  // Belt and braces: the algorithm libjwt verified with is the pinned one.
  if (jwt_alg_str(jwt_get_alg(jwt.get())) != algorithm) {
    return Refuse("TOKEN_ALGORITHM", "algorithm changed during decoding");
  }
  if (GrantString(jwt.get(), "iss") != options_.issuer) {
    return Refuse("TOKEN_ISSUER", "wrong issuer");
  }
  if (!HasAudience(jwt.get(), options_.audience)) {
    return Refuse("TOKEN_AUDIENCE", "wrong audience");
  }
  errno = 0;
  const long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0 || exp <= 0) {
    return Refuse("TOKEN_CLAIMS", "no exp claim");
  }
  Verified verified;
  errno = 0;
  const long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (errno == 0) verified.not_before = absl::FromUnixSeconds(nbf);
  TokenClaims& claims = verified.claims;
  claims.subject = GrantString(jwt.get(), "sub");
  claims.name = GrantString(jwt.get(), "name");
  claims.role = GrantString(jwt.get(), "role");
  claims.unit = GrantString(jwt.get(), "unit");
  claims.expiry = absl::FromUnixSeconds(exp);
  if (claims.subject.empty() || claims.role.empty()) {
    return Refuse("TOKEN_CLAIMS", "sub and role are required");
  }
  return verified;
}

absl::StatusOr<std::string> SignToken(const TokenClaims& claims,
                                      std::string_view issuer,
                                      std::string_view audience,
                                      std::string_view algorithm,
                                      std::string_view private_key_pem,
                                      absl::Time now) {
  if (!IsAllowedAlgorithm(algorithm)) {
    return InvalidField("algorithm", "ES256 or RS256");
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::ResourceExhaustedError("jwt_new");
  JwtPtr jwt(raw);
  const std::string alg(algorithm);
  if (jwt_set_alg(jwt.get(), jwt_str_alg(alg.c_str()),
                  reinterpret_cast<const unsigned char*>(private_key_pem.data()),
                  static_cast<int>(private_key_pem.size())) != 0) {
    return InvalidField("private_key_pem", "not a usable key");
  }
  jwt_add_grant(jwt.get(), "iss", std::string(issuer).c_str());
  jwt_add_grant(jwt.get(), "aud", std::string(audience).c_str());
  jwt_add_grant(jwt.get(), "sub", claims.subject.c_str());
  if (!claims.name.empty()) jwt_add_grant(jwt.get(), "name", claims.name.c_str());
  jwt_add_grant(jwt.get(), "role", claims.role.c_str());
  if (!claims.unit.empty()) jwt_add_grant(jwt.get(), "unit", claims.unit.c_str());
  jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(now));
  jwt_add_grant_int(jwt.get(), "nbf", absl::ToUnixSeconds(now));
  jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(claims.expiry));
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return InvalidField("private_key_pem", "signing failed");
  std::string token(encoded);
  std::free(encoded);
  return token;
}

}  // namespace hpedu::auth
