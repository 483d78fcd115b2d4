// Token verification against RFC 8725's list of attacks, with real keys
// made by openssl.
#include "libs/auth/jwt.h"

#include <jwt.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::auth {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;

constexpr char kIssuer[] = "https://sso.haiphong.gov.vn";
constexpr char kAudience[] = "hpedu";

std::string Shell(const std::string& command) {
  EXPECT_EQ(std::system((command + " 2>/dev/null").c_str()), 0) << command;
  return command;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(::testing::TempDir() + "/jwt_" +
                           std::to_string(getpid()));
    Shell("mkdir -p " + *dir_);
    for (const char* name : {"idp", "other"}) {
      std::string key = absl::StrCat(*dir_, "/", name, ".key");
      Shell("openssl ecparam -name prime256v1 -genkey -noout -out " + key);
      Shell(absl::StrCat("openssl ec -in ", key, " -pubout -out ", *dir_, "/",
                       name, ".pub"));
    }
    Shell("openssl genrsa -out " + *dir_ + "/rsa.key 2048");
    Shell("openssl rsa -in " + *dir_ + "/rsa.key -pubout -out " + *dir_ +
        "/rsa.pub");
  }
  static std::string Key(const std::string& file) {
    return ReadFile(*dir_ + "/" + file);
  }

  std::unique_ptr<JwtVerifier> Verifier(std::vector<std::string> algorithms = {
                                            "ES256"}) {
    JwtVerifierOptions options;
    options.issuer = kIssuer;
    options.audience = kAudience;
    options.public_keys_pem = {Key("idp.pub"), Key("rsa.pub")};
    options.algorithms = std::move(algorithms);
    return JwtVerifier::Create(options).value();
  }

  TokenClaims Officer() {
    TokenClaims claims;
    claims.subject = "cb-0042";
    claims.name = "Nguyễn Thị Lan";
    claims.role = "commune_officer";
    claims.unit = "units/phuong-do-son";
    claims.expiry = now_ + absl::Hours(1);
    return claims;
  }

  std::string Sign(const TokenClaims& claims, std::string issuer = kIssuer,
                   std::string audience = kAudience,
                   const std::string& key = "idp.key",
                   std::string algorithm = "ES256") {
    return SignToken(claims, issuer, audience, algorithm, Key(key), now_)
        .value();
  }

  static absl::Status Reason(absl::StatusOr<TokenClaims> result,
                             std::string* reason) {
    *reason = GetErrorInfo(result.status()).reason();
    return result.status();
  }

  absl::Time now_ = absl::FromUnixSeconds(1'790'000'000);
  static std::string* dir_;
};

std::string* JwtTest::dir_ = nullptr;

TEST_F(JwtTest, AcceptsAGoodTokenAndReadsItsClaims) {
  absl::StatusOr<TokenClaims> claims =
      Verifier()->Verify(Sign(Officer()), now_);
  ASSERT_THAT(claims, IsOk());
  EXPECT_EQ(claims->subject, "cb-0042");
  EXPECT_EQ(claims->name, "Nguyễn Thị Lan");
  EXPECT_EQ(claims->role, "commune_officer");
  EXPECT_EQ(claims->unit, "units/phuong-do-son");
  EXPECT_EQ(claims->expiry, now_ + absl::Hours(1));
}

TEST_F(JwtTest, RefusesExpiredAndNotYetValidTokens) {
  std::string reason;
  std::string token = Sign(Officer());
  EXPECT_THAT(Reason(Verifier()->Verify(token, now_ + absl::Hours(2)), &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_EXPIRED");
  // Within the leeway it still counts; beyond it, not yet.
  EXPECT_THAT(Verifier()->Verify(token, now_ - absl::Seconds(10)), IsOk());
  EXPECT_THAT(Reason(Verifier()->Verify(token, now_ - absl::Minutes(5)),
                     &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_NOT_YET_VALID");
}

// A verifier remembers the tokens that verified; it still applies expiry and
// not-before to each use, and remembers nothing about a token that failed.
TEST_F(JwtTest, ARememberedTokenStillExpiresAndOthersAreStillChecked) {
  std::unique_ptr<JwtVerifier> verifier = Verifier();
  const std::string token = Sign(Officer());
  ASSERT_THAT(verifier->Verify(token, now_), IsOk());
  ASSERT_THAT(verifier->Verify(token, now_ + absl::Minutes(30)), IsOk());
  std::string reason;
  EXPECT_THAT(Reason(verifier->Verify(token, now_ + absl::Hours(2)), &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_EXPIRED");
  EXPECT_THAT(Reason(verifier->Verify(token, now_ - absl::Minutes(5)),
                     &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_NOT_YET_VALID");

  // The same claims with one character of the signature altered (not the
  // last, whose low bits are padding).
  std::string forged = token;
  char& altered = forged[forged.size() - 10];
  altered = altered == 'A' ? 'B' : 'A';
  EXPECT_THAT(Reason(verifier->Verify(forged, now_), &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_SIGNATURE");
  // Refused twice: a failure is not remembered as a success either way.
  EXPECT_THAT(verifier->Verify(forged, now_),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(verifier->Verify(token, now_), IsOk());
}

TEST_F(JwtTest, RefusesWrongIssuerAndAudience) {
  std::string reason;
  EXPECT_THAT(Reason(Verifier()->Verify(
                         Sign(Officer(), "https://evil.example"), now_),
                     &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_ISSUER");
  EXPECT_THAT(Reason(Verifier()->Verify(
                         Sign(Officer(), kIssuer, "another-app"), now_),
                     &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_AUDIENCE");
}

TEST_F(JwtTest, RefusesATokenSignedWithAnotherKey) {
  std::string reason;
  EXPECT_THAT(Reason(Verifier()->Verify(
                         Sign(Officer(), kIssuer, kAudience, "other.key"), now_),
                     &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_SIGNATURE");
}

TEST_F(JwtTest, RefusesAlgNone) {
  std::string header, payload;
  absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})", &header);
  absl::WebSafeBase64Escape(
      absl::StrCat(R"({"iss":")", kIssuer, R"(","aud":")", kAudience,
                   R"(","sub":"x","role":"so_leadership","exp":)",
                   absl::ToUnixSeconds(now_ + absl::Hours(1)), "}"),
      &payload);
  std::string reason;
  EXPECT_THAT(Reason(Verifier()->Verify(header + "." + payload + ".", now_),
                     &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_EQ(reason, "TOKEN_ALGORITHM");
}

TEST_F(JwtTest, RefusesHmacKeyedWithThePublicKey) {
  // The classic confusion: HS256 with the verifier's public key as secret.
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  std::string public_key = Key("idp.pub");
  ASSERT_EQ(jwt_set_alg(jwt, JWT_ALG_HS256,
                        reinterpret_cast<const unsigned char*>(public_key.data()),
                        static_cast<int>(public_key.size())),
            0);
  jwt_add_grant(jwt, "iss", kIssuer);
  jwt_add_grant(jwt, "aud", kAudience);
  jwt_add_grant(jwt, "sub", "x");
  jwt_add_grant(jwt, "role", "so_leadership");
  jwt_add_grant_int(jwt, "exp", absl::ToUnixSeconds(now_ + absl::Hours(1)));
  char* token = jwt_encode_str(jwt);
  jwt_free(jwt);
  std::string reason;
  EXPECT_THAT(Reason(Verifier()->Verify(token, now_), &reason),
              StatusIs(absl::StatusCode::kUnauthenticated));
  std::free(token);
  EXPECT_EQ(reason, "TOKEN_ALGORITHM");
}

TEST_F(JwtTest, AlgorithmsArePinned) {
  std::string rs256 =
      Sign(Officer(), kIssuer, kAudience, "rsa.key", "RS256");
  EXPECT_THAT(Verifier({"ES256"})->Verify(rs256, now_),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(Verifier({"ES256", "RS256"})->Verify(rs256, now_), IsOk());
  JwtVerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.public_keys_pem = {Key("idp.pub")};
  options.algorithms = {"HS256"};
  EXPECT_THAT(JwtVerifier::Create(options),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(JwtTest, RefusesGarbageAndMissingClaims) {
  for (const char* garbage : {"", "abc", "a.b.c", "...."}) {
    EXPECT_THAT(Verifier()->Verify(garbage, now_),
                StatusIs(absl::StatusCode::kUnauthenticated))
        << garbage;
  }
  TokenClaims no_role = Officer();
  no_role.role.clear();
  EXPECT_THAT(Verifier()->Verify(Sign(no_role), now_),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace hpedu::auth
