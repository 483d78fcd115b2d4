// A local identity provider for tests: a fixed, test-only key pair, tokens
// for any role and scope, and channels whose calls present them. The same
// verification code as production checks these tokens; only the key differs.
//
//   server::ServerConfig config = ...;
//   testing::TestIdentity::Configure(config);
//   auto stub = v1::PlansService::NewStub(testing::TestIdentity::Channel(
//       address, testing::TestIdentity::Token(auth::Role::kLeadership)));
#ifndef HPEDU_LIBS_TESTING_IDENTITY_H_
#define HPEDU_LIBS_TESTING_IDENTITY_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/auth/caller.h"
#include "libs/server/config.h"
#include "libs/server/service_host.h"

namespace hpedu::testing {

class TestIdentity {
 public:
  static constexpr std::string_view kIssuer = "https://id.test.hpedu.vn";
  static constexpr std::string_view kAudience = "hpedu";

  // Makes `config` accept this provider's tokens.
  static void Configure(server::ServerConfig& config);

  // A token for a person with `role` scoped to `unit` ("units/{id}"), valid
  // for an hour. Aborts the test binary if signing fails (it cannot with
  // the built-in key).
  static std::string Token(auth::Role role, std::string_view unit = "",
                           std::string_view subject = "tester");

  // The private key, for tests that sign tokens of their own.
  static std::string_view PrivateKeyPem();
  static std::string_view PublicKeyPem();

  // An insecure channel to `address` whose calls carry `token` as
  // `authorization: Bearer`, or no identity at all if `token` is empty.
  static std::shared_ptr<grpc::Channel> Channel(
      const std::string& address, std::string token,
      const grpc::ChannelArguments& arguments = grpc::ChannelArguments());
};

// A server configuration for in-process tests of `service`: port 0, a small
// pool, quiet logs, a generous deadline, no scheduled jobs (run_jobs), and
// the test identity accepted.
server::ServerConfig TestServerConfig(std::string service, std::string db);

// A service started in-process on its own database of the shared test
// PostgreSQL.
struct TestService {
  std::unique_ptr<server::ServiceHost> host;
  std::string db;       // the service role's conninfo
  std::string address;  // "127.0.0.1:port"
};

// Provisions `definition.name` in a new database and starts it with
// TestServerConfig, which `configure` may adjust (peer addresses, say).
absl::StatusOr<TestService> StartTestService(
    server::ServiceDefinition definition,
    const std::function<void(server::ServerConfig&)>& configure = {});

}  // namespace hpedu::testing

#endif  // HPEDU_LIBS_TESTING_IDENTITY_H_
