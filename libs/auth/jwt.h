// Bearer tokens for people: JSON Web Tokens signed by the city's identity
// provider, verified the way RFC 8725 asks — pinned algorithms (never
// "none", never an HMAC keyed with a public key), issuer, audience, expiry
// and not-before, each checked. libjwt (Debian) does the cryptography.
//
//   ASSIGN_OR_RETURN(auto verifier, JwtVerifier::Create(options));
//   ASSIGN_OR_RETURN(TokenClaims claims, verifier->Verify(token, absl::Now()));
#ifndef HPEDU_LIBS_AUTH_JWT_H_
#define HPEDU_LIBS_AUTH_JWT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hpedu::auth {

// What a verified token says about the person.
struct TokenClaims {
  std::string subject;  // "sub": a stable person id
  std::string name;     // "name": for audit and display, optional
  std::string role;     // "role": e.g. "commune_officer"
  std::string unit;     // "unit": the scope, e.g. "units/phuong-do-son"
  absl::Time expiry = absl::InfinitePast();
};

struct JwtVerifierOptions {
  std::string issuer;    // required "iss"
  std::string audience;  // required in "aud"
  // PEM public keys (EC P-256 for ES256, RSA for RS256); a token verifies if
  // any key does, so keys can be rotated.
  std::vector<std::string> public_keys_pem;
  // Accepted "alg" values; only ES256 and RS256 may be listed.
  std::vector<std::string> algorithms = {"ES256"};
  // Clock skew tolerated on exp and nbf.
  absl::Duration leeway = absl::Seconds(30);
};

// Thread-safe after Create.
class JwtVerifier {
 public:
  // INVALID_ARGUMENT if options are unusable (no key, no issuer or
  // audience, an algorithm other than ES256/RS256).
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(
      JwtVerifierOptions options);

  // UNAUTHENTICATED, with ErrorInfo reason TOKEN_MALFORMED,
  // TOKEN_ALGORITHM, TOKEN_SIGNATURE, TOKEN_ISSUER, TOKEN_AUDIENCE,
  // TOKEN_EXPIRED, TOKEN_NOT_YET_VALID or TOKEN_CLAIMS, unless the token is
  // good at `now`.
  absl::StatusOr<TokenClaims> Verify(std::string_view token,
                                     absl::Time now) const;

 private:
  explicit JwtVerifier(JwtVerifierOptions options)
      : options_(std::move(options)) {}
  JwtVerifierOptions options_;
};

// Signs a token (ES256 or RS256) for local use: `hpedu token` and tests.
// The real identity provider signs production tokens.
absl::StatusOr<std::string> SignToken(const TokenClaims& claims,
                                      std::string_view issuer,
                                      std::string_view audience,
                                      std::string_view algorithm,
                                      std::string_view private_key_pem,
                                      absl::Time now);

}  // namespace hpedu::auth

#endif  // HPEDU_LIBS_AUTH_JWT_H_
