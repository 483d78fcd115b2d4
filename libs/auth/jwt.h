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

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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
//
// Verifying a signature costs far more than the rest of a call (OpenSSL 3
// decodes the PEM key on every libjwt call: about 0.8 ms of CPU, measured
// with perf in tests/bench/interceptors_bench), so tokens that verified are
// remembered, by their exact text, until they expire. A remembered token is
// still checked against `now` on every use (expiry and not-before, with the
// leeway); a token that failed is never remembered. The keys are fixed for
// the verifier's life, so a rotated-out key takes its tokens with it when
// the service restarts with the new key set. At most kMaxRemembered tokens
// are kept; when full, the expired ones go, and if none has, all do.
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

  static constexpr size_t kMaxRemembered = 16384;

 private:
  struct Verified {
    TokenClaims claims;
    absl::Time not_before = absl::InfinitePast();
  };

  explicit JwtVerifier(JwtVerifierOptions options)
      : options_(std::move(options)) {}

  // The full check: header, signature and claims.
  absl::StatusOr<Verified> VerifySignature(std::string_view token) const;
  // Expiry and not-before at `now`.
  absl::Status CheckTime(const Verified& verified, absl::Time now) const;

  JwtVerifierOptions options_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Verified> verified_
      ABSL_GUARDED_BY(mu_);
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
