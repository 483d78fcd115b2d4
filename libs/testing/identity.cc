#include "libs/testing/identity.h"

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/client_interceptor.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/jwt.h"
#include "libs/status/status_macros.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::testing {
namespace {

// Generated for these tests only; it signs nothing anywhere else.
constexpr std::string_view kPrivateKey = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgUkTcdsekz8PWbCkh
WsaMVjMyFmmJBU5Hx0t9rBQxdouhRANCAAS+dsL6mQAc36bU3yanRx+nRxYHODkT
wITSuU2ca5uiiWmkf/nPQvCrdO32smbTQuGGmMgdLH7ssAVWLFHapfMX
-----END PRIVATE KEY-----
)";
constexpr std::string_view kPublicKey = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEvnbC+pkAHN+m1N8mp0cfp0cWBzg5
E8CE0rlNnGuboolppH/5z0Lwq3Tt9rJm00LhhpjIHSx+7LAFVixR2qXzFw==
-----END PUBLIC KEY-----
)";

class BearerInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit BearerInterceptor(const std::string& token) : token_(token) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("authorization",
                                                 "Bearer " + token_);
    }
    methods->Proceed();
  }

 private:
  const std::string& token_;
};

class BearerInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit BearerInterceptorFactory(std::string token)
      : token_(std::move(token)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new BearerInterceptor(token_);
  }

 private:
  std::string token_;
};

}  // namespace

void TestIdentity::Configure(server::ServerConfig& config) {
  config.jwt.issuer = std::string(kIssuer);
  config.jwt.audience = std::string(kAudience);
  config.jwt.public_keys_pem = {std::string(kPublicKey)};
}

std::string TestIdentity::Token(auth::Role role, std::string_view unit,
                                std::string_view subject) {
  auth::TokenClaims claims;
  claims.subject = std::string(subject);
  claims.name = "Người kiểm thử";
  claims.role = std::string(auth::RoleName(role));
  claims.unit = std::string(unit);
  claims.expiry = absl::Now() + absl::Hours(1);
  absl::StatusOr<std::string> token = auth::SignToken(
      claims, kIssuer, kAudience, "ES256", kPrivateKey, absl::Now());
  if (!token.ok()) {
    std::fprintf(stderr, "TestIdentity: %s\n",
                 std::string(token.status().message()).c_str());
    std::abort();
  }
  return *std::move(token);
}

std::string_view TestIdentity::PrivateKeyPem() { return kPrivateKey; }
std::string_view TestIdentity::PublicKeyPem() { return kPublicKey; }

std::shared_ptr<grpc::Channel> TestIdentity::Channel(
    const std::string& address, std::string token,
    const grpc::ChannelArguments& arguments) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>>
      interceptors;
  if (!token.empty()) {
    interceptors.push_back(
        std::make_unique<BearerInterceptorFactory>(std::move(token)));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, grpc::InsecureChannelCredentials(), arguments,
      std::move(interceptors));
}

server::ServerConfig TestServerConfig(std::string service, std::string db) {
  server::ServerConfig config;
  config.service = std::move(service);
  config.db = std::move(db);
  config.listen_address = "127.0.0.1:0";
  config.db_pool_size = 2;
  config.workers = 2;
  config.default_deadline = absl::Seconds(120);
  config.log_requests = false;
  // A test that wants the scheduled jobs turns them on.
  config.run_jobs = false;
  TestIdentity::Configure(config);
  return config;
}

absl::StatusOr<TestService> StartTestService(
    server::ServiceDefinition definition,
    const std::function<void(server::ServerConfig&)>& configure) {
  PostgresServer& pg = SharedPostgresServer();
  TestService service;
  ASSIGN_OR_RETURN(const std::string database, pg.CreateDatabase());
  ASSIGN_OR_RETURN(service.db, pg.ProvisionService(database, definition.name));
  server::ServerConfig config = TestServerConfig(definition.name, service.db);
  if (configure) configure(config);
  ASSIGN_OR_RETURN(service.host,
                   server::ServiceHost::Start(config, std::move(definition)));
  service.address = absl::StrCat("127.0.0.1:", service.host->port());
  return service;
}

}  // namespace hpedu::testing
