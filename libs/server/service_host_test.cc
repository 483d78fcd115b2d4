// The bootstrap against a real PostgreSQL: health follows the database,
// reflection lists the services, migrations guard the schema, shutdown drains.
#include "libs/server/service_host.h"

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "hpedu/testing/v1/whoami_service.grpc.pb.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/server/log.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/identity.h"
#include "libs/testing/pki.h"
#include "libs/testing/postgres_server.h"
#include "libs/trace/trace.h"
#include "nlohmann/json.hpp"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace hpedu::server {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;
using HealthResponse = grpc::health::v1::HealthCheckResponse;

const std::vector<db::Migration>& TestMigrations() {
  static const auto* const kMigrations = new std::vector<db::Migration>{
      {1, "0001_things", "CREATE TABLE things (id int PRIMARY KEY);"},
  };
  return *kMigrations;
}

ServiceDefinition TestDefinition() {
  ServiceDefinition definition;
  definition.name = "hosttest";
  definition.migrations = &TestMigrations();
  definition.service_names = {"hpedu.hosttest.v1.HostTestService"};
  definition.make_services = [](ServiceEnv&) {
    return absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>>(
        std::vector<std::unique_ptr<grpc::Service>>{});
  };
  return definition;
}

using ::hpedu::testing::TestIdentity;
namespace tv1 = ::hpedu::testing::v1;

// Answers with the CallContext the host built for the call.
class WhoamiService final : public tv1::WhoamiService::CallbackService {
 public:
  // With a pool, each call also runs one prepared statement in a transaction.
  explicit WhoamiService(UnaryCalls& calls, db::Pool* pool = nullptr)
      : calls_(calls), pool_(pool) {}

  grpc::ServerUnaryReactor* Whoami(grpc::CallbackServerContext* context,
                                   const tv1::WhoamiRequest* request,
                                   tv1::WhoamiResponse* response) override {
    return calls_.Run<tv1::WhoamiResponse>(
        context, response,
        [this, request](const CallContext& call)
            -> absl::StatusOr<tv1::WhoamiResponse> {
          if (pool_ != nullptr) {
            absl::Status status = db::RunInTransaction(
                *pool_, call.deadline(), db::TransactionOptions{},
                [](pqxx::transaction_base& tx) {
                  db::Params().Add("7").Exec(tx, "hosttest_count_things");
                  return absl::OkStatus();
                });
            if (!status.ok()) return status;
          }
          tv1::WhoamiResponse out;
          out.set_caller_id(call.caller().id);
          out.set_role(std::string(auth::RoleName(call.caller().role)));
          out.set_unit(call.caller().unit);
          out.set_method(call.method());
          out.set_trace_id(call.trace().trace_id);
          if (!request->forward_to().empty()) {
            auto stub = tv1::WhoamiService::NewStub(grpc::CreateChannel(
                request->forward_to(), grpc::InsecureChannelCredentials()));
            std::unique_ptr<grpc::ClientContext> client =
                call.NewClientContext();
            grpc::Status status = stub->Whoami(
                client.get(), tv1::WhoamiRequest(), out.mutable_forwarded());
            if (!status.ok()) {
              return absl::Status(
                  static_cast<absl::StatusCode>(status.error_code()),
                  status.error_message());
            }
          }
          return out;
        });
  }

 private:
  UnaryCalls& calls_;
  db::Pool* pool_;
};

ServiceDefinition WhoamiDefinition() {
  ServiceDefinition definition;
  definition.name = "hosttest";
  definition.service_names = {"hpedu.testing.v1.WhoamiService"};
  definition.make_services = [](ServiceEnv& env) {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<WhoamiService>(env.calls));
    return absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>>(
        std::move(services));
  };
  return definition;
}

// Whoami over a schema with one prepared statement, run on every call.
ServiceDefinition WhoamiWithDatabaseDefinition() {
  ServiceDefinition definition;
  definition.name = "hosttest";
  definition.migrations = &TestMigrations();
  definition.statements = {
      {"hosttest_count_things", "SELECT count(*) FROM things WHERE id <> $1"}};
  definition.service_names = {"hpedu.testing.v1.WhoamiService"};
  definition.make_services = [](ServiceEnv& env) {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<WhoamiService>(env.calls, &env.pool));
    return absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>>(
        std::move(services));
  };
  return definition;
}

class ServiceHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& pg = hpedu::testing::SharedPostgresServer();
    absl::StatusOr<std::string> database = pg.CreateDatabase();
    ASSERT_THAT(database, IsOk());
    absl::StatusOr<std::string> conninfo =
        pg.ProvisionService(*database, "hosttest");
    ASSERT_THAT(conninfo, IsOk());
    config_.service = "hosttest";
    config_.db = *conninfo;
    config_.listen_address = "127.0.0.1:0";
    config_.health_interval = absl::Milliseconds(100);
    config_.db_pool_size = 2;
    config_.workers = 2;
  }

  std::string Address(const ServiceHost& host) {
    return absl::StrCat("127.0.0.1:", host.port());
  }

  HealthResponse::ServingStatus Health(const ServiceHost& host,
                                       const std::string& service = "") {
    auto channel = grpc::CreateChannel(Address(host),
                                       grpc::InsecureChannelCredentials());
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    if (!status.ok()) return HealthResponse::UNKNOWN;
    return response.status();
  }

  // Polls health until it reports `want` or `timeout` passes.
  bool WaitForHealth(const ServiceHost& host, HealthResponse::ServingStatus want,
                     absl::Duration timeout = absl::Seconds(10)) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (Health(host) == want) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  ServerConfig config_;
};

TEST_F(ServiceHostTest, ServesHealthForEveryNamedService) {
  absl::StatusOr<std::unique_ptr<ServiceHost>> host =
      ServiceHost::Start(config_, TestDefinition());
  ASSERT_THAT(host, IsOk());
  EXPECT_GT((*host)->port(), 0);
  EXPECT_EQ(Health(**host), HealthResponse::SERVING);
  EXPECT_EQ(Health(**host, "hpedu.hosttest.v1.HostTestService"),
            HealthResponse::SERVING);
  (*host)->Shutdown(absl::Seconds(1));
  (*host)->Wait();
}

TEST_F(ServiceHostTest, HealthFollowsTheDatabaseDownAndBackUp) {
  absl::StatusOr<std::unique_ptr<ServiceHost>> host =
      ServiceHost::Start(config_, TestDefinition());
  ASSERT_THAT(host, IsOk());
  ASSERT_TRUE(WaitForHealth(**host, HealthResponse::SERVING));

  auto& pg = hpedu::testing::SharedPostgresServer();
  ASSERT_THAT(pg.Stop(), IsOk());
  EXPECT_TRUE(WaitForHealth(**host, HealthResponse::NOT_SERVING));
  EXPECT_EQ(Health(**host, "hpedu.hosttest.v1.HostTestService"),
            HealthResponse::NOT_SERVING);

  ASSERT_THAT(pg.Restart(), IsOk());
  EXPECT_TRUE(WaitForHealth(**host, HealthResponse::SERVING));
  (*host)->Shutdown(absl::Seconds(1));
}

TEST_F(ServiceHostTest, ReflectionListsTheServices) {
  absl::StatusOr<std::unique_ptr<ServiceHost>> host =
      ServiceHost::Start(config_, TestDefinition());
  ASSERT_THAT(host, IsOk());

  // grpc.reflection.v1alpha is compiled into libgrpc++_reflection; talk to it
  // with dynamic messages so the test needs no second copy of the proto.
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const auto* request_type = pool->FindMessageTypeByName(
      "grpc.reflection.v1alpha.ServerReflectionRequest");
  const auto* response_type = pool->FindMessageTypeByName(
      "grpc.reflection.v1alpha.ServerReflectionResponse");
  ASSERT_NE(request_type, nullptr);
  ASSERT_NE(response_type, nullptr);
  google::protobuf::DynamicMessageFactory factory(pool);
  std::unique_ptr<google::protobuf::Message> request(
      factory.GetPrototype(request_type)->New());
  request->GetReflection()->SetString(
      request.get(), request_type->FindFieldByName("list_services"), "*");

  auto channel = grpc::CreateChannel(Address(**host),
                                     grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      &cq);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  call->Write(buffer, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(reply.Dump(&slices).ok());
  std::string reply_bytes;
  for (const auto& s : slices) reply_bytes.append(s.begin(), s.end());
  std::unique_ptr<google::protobuf::Message> response(
      factory.GetPrototype(response_type)->New());
  ASSERT_TRUE(response->ParseFromString(reply_bytes));
  EXPECT_THAT(response->DebugString(), HasSubstr("grpc.health.v1.Health"));
  context.TryCancel();
  grpc::Status finish_status;
  call->Finish(&finish_status, reinterpret_cast<void*>(4));
  while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  (*host)->Shutdown(absl::Seconds(1));
}

absl::Mutex g_log_mu;
std::vector<std::string>* g_log_lines ABSL_GUARDED_BY(g_log_mu) =
    new std::vector<std::string>;

TEST_F(ServiceHostTest, LogsOneJsonLinePerCallWithTheCallsFacts) {
  SetLogSinkForTesting(+[](std::string_view line) {
    absl::MutexLock lock(&g_log_mu);
    g_log_lines->emplace_back(line);
  });
  absl::StatusOr<std::unique_ptr<ServiceHost>> host =
      ServiceHost::Start(config_, TestDefinition());
  ASSERT_THAT(host, IsOk());
  // A failing health check is logged (a passing one would be noise).
  EXPECT_EQ(Health(**host, "no.such.Service"), HealthResponse::UNKNOWN);
  (*host)->Shutdown(absl::Seconds(1));
  SetLogSinkForTesting(nullptr);

  absl::MutexLock lock(&g_log_mu);
  const std::string* rpc_line = nullptr;
  for (const std::string& line : *g_log_lines) {
    if (absl::StrContains(line, "\"msg\":\"rpc\"")) rpc_line = &line;
  }
  ASSERT_NE(rpc_line, nullptr);
  nlohmann::json entry = nlohmann::json::parse(*rpc_line);
  EXPECT_EQ(entry["service"], "hosttest");
  EXPECT_EQ(entry["method"], "/grpc.health.v1.Health/Check");
  EXPECT_EQ(entry["code"], "NOT_FOUND");
  EXPECT_EQ(entry["caller"], "anonymous");
  EXPECT_TRUE(entry["duration_ms"].is_number());
  EXPECT_TRUE(entry.contains("trace_id"));
  EXPECT_TRUE(entry.contains("time"));
}

TEST_F(ServiceHostTest, MutualTlsRefusesPlaintextAndUnknownCasAndNamesTheCaller) {
  ASSERT_OK_AND_ASSIGN(
      const hpedu::testing::TestPki good,
      hpedu::testing::TestPki::Create({"hosttest", "indicators"}));
  ASSERT_OK_AND_ASSIGN(const hpedu::testing::TestPki rogue,
                       hpedu::testing::TestPki::Create({"indicators"}));
  config_.tls = good.Files("hosttest");
  SetLogSinkForTesting(+[](std::string_view line) {
    absl::MutexLock lock(&g_log_mu);
    g_log_lines->emplace_back(line);
  });
  absl::StatusOr<std::unique_ptr<ServiceHost>> host =
      ServiceHost::Start(config_, TestDefinition());
  ASSERT_THAT(host, IsOk());
  std::string address = Address(**host);

  auto check = [&](std::shared_ptr<grpc::ChannelCredentials> credentials,
                   const std::string& service) {
    auto stub = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(address, credentials));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    HealthResponse response;
    return stub->Check(&context, request, &response).error_code();
  };
  auto credentials = [](const TlsFiles& files) {
    return MakeChannelCredentials(files).value();
  };

  // Plaintext against a TLS server: no connection.
  EXPECT_EQ(check(grpc::InsecureChannelCredentials(), ""),
            grpc::StatusCode::UNAVAILABLE);
  // A client certificate from another CA: refused in the handshake.
  EXPECT_EQ(check(credentials(TlsFiles{rogue.Files("indicators").cert,
                                       rogue.Files("indicators").key,
                                       good.Files("indicators").ca}),
                  ""),
            grpc::StatusCode::UNAVAILABLE);
  // No client certificate at all: refused too.
  grpc::SslCredentialsOptions no_cert;
  std::ifstream ca_file(good.Files("hosttest").ca);
  no_cert.pem_root_certs.assign(std::istreambuf_iterator<char>(ca_file), {});
  EXPECT_EQ(check(grpc::SslCredentials(no_cert), ""),
            grpc::StatusCode::UNAVAILABLE);
  // The right CA: served, and the caller is the certificate's CN.
  const TlsFiles client = good.Files("indicators");
  EXPECT_EQ(check(credentials(client), ""), grpc::StatusCode::OK);
  EXPECT_EQ(check(credentials(client), "no.such.Service"),
            grpc::StatusCode::NOT_FOUND);
  (*host)->Shutdown(absl::Seconds(1));
  SetLogSinkForTesting(nullptr);

  absl::MutexLock lock(&g_log_mu);
  bool saw_caller = false;
  for (const std::string& line : *g_log_lines) {
    if (absl::StrContains(line, "no.such.Service") ||
        absl::StrContains(line, "\"code\":\"NOT_FOUND\"")) {
      saw_caller |= nlohmann::json::parse(line)["caller"] == "indicators";
    }
  }
  EXPECT_TRUE(saw_caller);
}

TEST_F(ServiceHostTest, IncompleteTlsConfigurationIsRefused) {
  config_.tls.cert = "/nonexistent/cert.pem";
  EXPECT_THAT(ServiceHost::Start(config_, TestDefinition()),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ServiceHostTest, ShutdownTurnsHealthOffAndStopsListening) {
  absl::StatusOr<std::unique_ptr<ServiceHost>> host =
      ServiceHost::Start(config_, TestDefinition());
  ASSERT_THAT(host, IsOk());
  std::string address = Address(**host);
  (*host)->Shutdown(absl::Seconds(1));
  (*host)->Wait();
  (*host)->Shutdown(absl::Seconds(1));  // idempotent
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  EXPECT_FALSE(channel->WaitForConnected(
      absl::ToChronoTime(absl::Now() + absl::Milliseconds(300))));
}

TEST_F(ServiceHostTest, RefusesToStartWithATamperedMigration) {
  {
    absl::StatusOr<std::unique_ptr<ServiceHost>> host =
        ServiceHost::Start(config_, TestDefinition());
    ASSERT_THAT(host, IsOk());
  }
  std::vector<db::Migration> tampered = TestMigrations();
  tampered[0].sql = "CREATE TABLE things (id bigint PRIMARY KEY);";
  ServiceDefinition definition = TestDefinition();
  definition.migrations = &tampered;
  EXPECT_THAT(ServiceHost::Start(config_, std::move(definition)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("0001_things")));
}

TEST_F(ServiceHostTest, RefusesAnAddressInUse) {
  absl::StatusOr<std::unique_ptr<ServiceHost>> first =
      ServiceHost::Start(config_, TestDefinition());
  ASSERT_THAT(first, IsOk());
  ServerConfig second = config_;
  second.listen_address = Address(**first);
  EXPECT_THAT(ServiceHost::Start(second, TestDefinition()),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace hpedu::server

namespace hpedu::server {
namespace {

grpc::Status CallWhoami(const std::string& address, const std::string& token,
                        tv1::WhoamiResponse* response,
                        const std::string& forward_to = "",
                        const std::string& spoofed_method = "") {
  auto stub =
      tv1::WhoamiService::NewStub(TestIdentity::Channel(address, token));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  if (!spoofed_method.empty()) {
    context.AddMetadata(std::string(kMethodMetadataKey), spoofed_method);
  }
  tv1::WhoamiRequest request;
  request.set_forward_to(forward_to);
  grpc::Status status = stub->Whoami(&context, request, response);
  // Internal metadata never reaches the client.
  EXPECT_EQ(context.GetServerTrailingMetadata().count(
                std::string(kCallerMetadataKey)),
            0u);
  return status;
}

TEST_F(ServiceHostTest, EveryRpcNeedsAnIdentityButHealthDoesNot) {
  TestIdentity::Configure(config_);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  tv1::WhoamiResponse response;
  grpc::Status status = CallWhoami(Address(*host), "", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("Chưa xác thực"));
  // Health and reflection stay open for probes and tools.
  EXPECT_EQ(Health(*host), HealthResponse::SERVING);
}

TEST_F(ServiceHostTest, ABearerTokenNamesThePersonRoleAndUnit) {
  TestIdentity::Configure(config_);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  tv1::WhoamiResponse response;
  grpc::Status status = CallWhoami(
      Address(*host),
      TestIdentity::Token(auth::Role::kCommuneOfficer, "units/do-son",
                          "can-bo-do-son"),
      &response, "", "/evil.Service/Spoof");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.caller_id(), "can-bo-do-son");
  EXPECT_EQ(response.role(), "commune_officer");
  EXPECT_EQ(response.unit(), "units/do-son");
  // The method is the server's, whatever the client claims.
  EXPECT_EQ(response.method(), "/hpedu.testing.v1.WhoamiService/Whoami");
}

TEST_F(ServiceHostTest, BadTokensAreRefusedAtTheServer) {
  TestIdentity::Configure(config_);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  auto sign = [](std::string_view issuer, std::string_view audience,
                 absl::Time expiry, absl::Time now, std::string role) {
    auth::TokenClaims claims;
    claims.subject = "x";
    claims.role = std::move(role);
    claims.expiry = expiry;
    return auth::SignToken(claims, issuer, audience, "ES256",
                           TestIdentity::PrivateKeyPem(), now)
        .value();
  };
  absl::Time now = absl::Now();
  const std::string iss(TestIdentity::kIssuer), aud(TestIdentity::kAudience);
  struct Case {
    std::string name;
    std::string token;
  } cases[] = {
      {"expired", sign(iss, aud, now - absl::Hours(1), now - absl::Hours(2),
                       "leadership")},
      {"wrong issuer", sign("https://evil.example", aud, now + absl::Hours(1),
                            now, "leadership")},
      {"wrong audience",
       sign(iss, "another-app", now + absl::Hours(1), now, "leadership")},
      {"claims the service role",
       sign(iss, aud, now + absl::Hours(1), now, "service")},
      {"unknown role", sign(iss, aud, now + absl::Hours(1), now, "admin")},
      {"garbage", "not.a.token"},
  };
  for (const Case& c : cases) {
    tv1::WhoamiResponse response;
    EXPECT_EQ(CallWhoami(Address(*host), c.token, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << c.name;
  }
}

TEST_F(ServiceHostTest, WithoutKeysNoTokenIsAccepted) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  tv1::WhoamiResponse response;
  grpc::Status status = CallWhoami(
      Address(*host), TestIdentity::Token(auth::Role::kLeadership), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ServiceHostTest, CallsMadeForAPersonCarryTheirTokenAndTrace) {
  TestIdentity::Configure(config_);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> front,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> back,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  tv1::WhoamiResponse response;
  grpc::Status status = CallWhoami(
      Address(*front),
      TestIdentity::Token(auth::Role::kSchoolOfficer, "units/thcs-1", "gv"),
      &response, Address(*back));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.forwarded().caller_id(), "gv");
  EXPECT_EQ(response.forwarded().role(), "school_officer");
  EXPECT_EQ(response.forwarded().unit(), "units/thcs-1");
  EXPECT_EQ(response.forwarded().trace_id(), response.trace_id());
}

// A free local TCP port (bound, read, released).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// A real Prometheus (the Debian package) scraping `target` every second,
// with its data in a temporary directory. Killed when destroyed.
class PrometheusServer {
 public:
  explicit PrometheusServer(const std::string& target) {
    char dir_template[] = "/tmp/hpedu-prometheus-XXXXXX";
    dir_ = mkdtemp(dir_template);
    std::ofstream(dir_ + "/prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
           "scrape_configs:\n  - job_name: hosttest\n"
           "    static_configs:\n      - targets: ['"
        << target << "']\n";
    port_ = FreePort();
    std::vector<std::string> args = {
        "/usr/bin/prometheus",
        "--config.file=" + dir_ + "/prometheus.yml",
        "--storage.tsdb.path=" + dir_ + "/data",
        absl::StrCat("--web.listen-address=127.0.0.1:", port_),
        "--log.level=warn"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) !=
        0) {
      pid_ = 0;
    }
  }
  ~PrometheusServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::system(("rm -rf '" + dir_ + "'").c_str());
  }
  bool started() const { return pid_ > 0; }

  // The value of the instant query's first sample, or -1 if none yet.
  double Query(const std::string& promql) {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(1);
    auto response = client.Get(
        "/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
    if (!response || response->status != 200) return -1;
    auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_discarded() || json["status"] != "success") return -1;
    const auto& result = json["data"]["result"];
    if (!result.is_array() || result.empty()) return -1;
    return std::stod(result[0]["value"][1].get<std::string>());
  }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = 0;
};

TEST_F(ServiceHostTest, PrometheusScrapesTheRequestCounter) {
  TestIdentity::Configure(config_);
  config_.metrics_listen = "127.0.0.1:0";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  ASSERT_GT(host->metrics_port(), 0);
  const std::string token =
      TestIdentity::Token(auth::Role::kLeadership, "", "lanh-dao");
  // The registry is process-wide: count from what earlier tests left.
  httplib::Client metrics("127.0.0.1", host->metrics_port());
  for (int i = 0; i < 3; ++i) {
    tv1::WhoamiResponse response;
    ASSERT_TRUE(CallWhoami(Address(*host), token, &response).ok());
  }
  tv1::WhoamiResponse refused;
  ASSERT_EQ(CallWhoami(Address(*host), "", &refused).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto page = metrics.Get("/metrics");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body, HasSubstr("hpedu_db_pool_size{service=\"hosttest\"} 2"));
  EXPECT_THAT(page->body,
              HasSubstr("hpedu_rpc_duration_seconds_bucket{method=\"/"
                        "hpedu.testing.v1.WhoamiService/Whoami\""));
  double expected_ok = -1;
  const std::vector<std::string> lines = absl::StrSplit(page->body, '\n');
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, "hpedu_rpc_requests_total{code=\"OK\","
                               "method=\"/hpedu.testing.v1.WhoamiService/"
                               "Whoami\"} ")) {
      expected_ok = std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  ASSERT_GE(expected_ok, 3);

  PrometheusServer prometheus(
      absl::StrCat("127.0.0.1:", host->metrics_port()));
  ASSERT_TRUE(prometheus.started());
  const std::string query =
      "hpedu_rpc_requests_total{job=\"hosttest\",method=\"/hpedu.testing.v1."
      "WhoamiService/Whoami\",code=\"OK\"}";
  double seen = -1;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    seen = prometheus.Query(query);
    if (seen >= expected_ok) break;
    absl::SleepFor(absl::Milliseconds(250));
  }
  EXPECT_EQ(seen, expected_ok);
  EXPECT_GE(prometheus.Query("hpedu_rpc_requests_total{job=\"hosttest\","
                             "code=\"UNAUTHENTICATED\"}"),
            1);
}

// A service without a database (the gateway): no --db, health SERVING
// without a probe, the same chain (metrics included), a Frontend stopped
// before gRPC drains.
TEST_F(ServiceHostTest, ServesWithoutADatabase) {
  TestIdentity::Configure(config_);
  config_.db.clear();
  config_.metrics_listen = "127.0.0.1:0";
  std::vector<std::string> args = {"hpedu_hosttest", "--listen=127.0.0.1:0"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  ASSERT_THAT(LoadServerConfig("hosttest", static_cast<int>(argv.size()),
                               argv.data(), ConfigSpec{false, {}}),
              IsOk());

  struct Stopped : Frontend {
    explicit Stopped(bool* flag) : stopped(flag) {}
    void Stop() override { *stopped = true; }
    bool* stopped;
  };
  bool frontend_stopped = false;
  bool pool_refused = false;
  ServiceDefinition definition = WhoamiDefinition();
  definition.has_database = false;
  definition.start_frontend = [&](ServiceEnv& env, grpc::Server& server)
      -> absl::StatusOr<std::unique_ptr<Frontend>> {
    pool_refused = env.pool.Acquire(absl::Now()).status().code() ==
                   absl::StatusCode::kFailedPrecondition;
    EXPECT_NE(server.InProcessChannel(grpc::ChannelArguments()), nullptr);
    return std::make_unique<Stopped>(&frontend_stopped);
  };
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Start(config_, std::move(definition)));
  EXPECT_TRUE(pool_refused);
  EXPECT_EQ(Health(*host), HealthResponse::SERVING);
  EXPECT_EQ(Health(*host, "hpedu.testing.v1.WhoamiService"),
            HealthResponse::SERVING);

  tv1::WhoamiResponse response;
  ASSERT_TRUE(CallWhoami(Address(*host),
                         TestIdentity::Token(auth::Role::kLeadership), &response)
                  .ok());
  ASSERT_GT(host->metrics_port(), 0);
  httplib::Client metrics("127.0.0.1", host->metrics_port());
  auto page = metrics.Get("/metrics");
  ASSERT_TRUE(page);
  EXPECT_THAT(page->body,
              HasSubstr("hpedu_rpc_requests_total{code=\"OK\",method=\"/"
                        "hpedu.testing.v1.WhoamiService/Whoami\"}"));

  host->Shutdown(absl::Seconds(1));
  EXPECT_TRUE(frontend_stopped);
  EXPECT_EQ(Health(*host), HealthResponse::UNKNOWN);  // no longer listening
}

// An in-process OTLP/HTTP receiver: collects the spans POSTed to /v1/traces.
class OtlpReceiver {
 public:
  OtlpReceiver() {
    server_.Post("/v1/traces", [this](const httplib::Request& request,
                                      httplib::Response& response) {
      opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest
          export_request;
      if (request.get_header_value("Content-Type") !=
              "application/x-protobuf" ||
          !export_request.ParseFromString(request.body)) {
        response.status = 400;
        return;
      }
      absl::MutexLock lock(&mu_);
      for (const auto& resource : export_request.resource_spans()) {
        for (const auto& scope : resource.scope_spans()) {
          for (const auto& span : scope.spans()) spans_.push_back(span);
        }
      }
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~OtlpReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string endpoint() const {
    return absl::StrCat("http://127.0.0.1:", port_, "/v1/traces");
  }
  std::vector<opentelemetry::proto::trace::v1::Span> Spans(
      const std::string& trace_id_bytes) {
    absl::MutexLock lock(&mu_);
    std::vector<opentelemetry::proto::trace::v1::Span> out;
    for (const auto& span : spans_) {
      if (span.trace_id() == trace_id_bytes) out.push_back(span);
    }
    return out;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  absl::Mutex mu_;
  std::vector<opentelemetry::proto::trace::v1::Span> spans_
      ABSL_GUARDED_BY(mu_);
};

TEST_F(ServiceHostTest, OneCallThroughTwoServicesIsOneConnectedTrace) {
  OtlpReceiver receiver;
  TestIdentity::Configure(config_);
  config_.otlp_endpoint = receiver.endpoint();
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServiceHost> front,
      ServiceHost::Start(config_, WhoamiWithDatabaseDefinition()));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServiceHost> back,
      ServiceHost::Start(config_, WhoamiWithDatabaseDefinition()));
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::string caller_span = "00f067aa0ba902b7";
  auto stub = tv1::WhoamiService::NewStub(TestIdentity::Channel(
      Address(*front), TestIdentity::Token(auth::Role::kLeadership)));
  grpc::ClientContext context;
  context.AddMetadata("traceparent",
                      absl::StrCat("00-", trace_id, "-", caller_span, "-01"));
  tv1::WhoamiRequest request;
  request.set_forward_to(Address(*back));
  tv1::WhoamiResponse response;
  grpc::Status status = stub->Whoami(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  front->Shutdown(absl::Seconds(1));  // flushes the spans
  back->Shutdown(absl::Seconds(1));
  trace::Tracer::Default().Flush();

  using Span = opentelemetry::proto::trace::v1::Span;
  std::vector<Span> spans = receiver.Spans(absl::HexStringToBytes(trace_id));
  // front server, its transaction and statement, the client call, back
  // server, its transaction and statement.
  ASSERT_EQ(spans.size(), 7u);
  std::map<std::string, const Span*> by_id;
  for (const Span& span : spans) by_id[span.span_id()] = &span;
  auto parent_of = [&](const Span& span) -> const Span* {
    auto it = by_id.find(span.parent_span_id());
    return it == by_id.end() ? nullptr : it->second;
  };
  const std::string method = "/hpedu.testing.v1.WhoamiService/Whoami";
  std::vector<const Span*> servers, clients, transactions, statements;
  for (const Span& span : spans) {
    if (span.name() == "db.transaction") transactions.push_back(&span);
    else if (span.name() == "hosttest_count_things") statements.push_back(&span);
    else if (span.kind() == Span::SPAN_KIND_SERVER) servers.push_back(&span);
    else if (span.kind() == Span::SPAN_KIND_CLIENT) clients.push_back(&span);
  }
  ASSERT_EQ(servers.size(), 2u);
  ASSERT_EQ(clients.size(), 1u);
  ASSERT_EQ(transactions.size(), 2u);
  ASSERT_EQ(statements.size(), 2u);
  // The front server span is the caller's child; the client span its child;
  // the back server span the client span's child.
  const Span* front_span =
      parent_of(*servers[0]) == nullptr ? servers[0] : servers[1];
  const Span* back_span = front_span == servers[0] ? servers[1] : servers[0];
  EXPECT_EQ(front_span->parent_span_id(), absl::HexStringToBytes(caller_span));
  EXPECT_EQ(front_span->name(), method);
  EXPECT_EQ(parent_of(*clients[0]), front_span);
  EXPECT_EQ(clients[0]->name(), method);
  EXPECT_EQ(parent_of(*back_span), clients[0]);
  for (const Span* tx : transactions) {
    EXPECT_TRUE(parent_of(*tx) == front_span || parent_of(*tx) == back_span);
  }
  EXPECT_NE(parent_of(*transactions[0]), parent_of(*transactions[1]));
  for (const Span* statement : statements) {
    ASSERT_NE(parent_of(*statement), nullptr);
    EXPECT_EQ(parent_of(*statement)->name(), "db.transaction");
    // The statement's name, never its parameters.
    for (const auto& attribute : statement->attributes()) {
      EXPECT_NE(attribute.value().string_value(), "7");
    }
  }
  trace::Tracer::Default().SetExporter(nullptr);
}

TEST_F(ServiceHostTest, CertificatesMapToConfiguredRoles) {
  ASSERT_OK_AND_ASSIGN(const hpedu::testing::TestPki pki,
                       hpedu::testing::TestPki::Create(
                           {"hosttest", "plans", "thue-hp", "unknown-system"}));
  config_.tls = pki.Files("hosttest");
  ASSERT_OK_AND_ASSIGN(config_.mtls_callers,
                       ParseMtlsCallers("thue-hp=integration:budget+indicators"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServiceHost> host,
                       ServiceHost::Start(config_, WhoamiDefinition()));
  auto whoami = [&](const std::string& name) {
    auto stub = tv1::WhoamiService::NewStub(pki.Channel(Address(*host), name));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    tv1::WhoamiResponse response;
    grpc::Status status =
        stub->Whoami(&context, tv1::WhoamiRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  EXPECT_EQ(whoami("plans").role(), "service");
  EXPECT_EQ(whoami("thue-hp").role(), "integration");
  // Signed by our CA but configured nowhere: an integration granted nothing.
  tv1::WhoamiResponse unknown = whoami("unknown-system");
  EXPECT_EQ(unknown.caller_id(), "unknown-system");
  EXPECT_EQ(unknown.role(), "integration");
}

TEST(MtlsCallersTest, ParsesRolesUnitsAndGrantsAndNamesBadEntries) {
  ASSERT_OK_AND_ASSIGN(
      auto callers,
      ParseMtlsCallers("thue=integration:budget+indicators, "
                       "ubnd-do-son=commune_officer@units/do-son"));
  EXPECT_EQ(callers.at("thue").granted_services,
            (std::vector<std::string>{"budget", "indicators"}));
  EXPECT_EQ(callers.at("ubnd-do-son").unit, "units/do-son");
  EXPECT_THAT(ParseMtlsCallers("x=admin"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("x=admin")));
  EXPECT_THAT(ParseMtlsCallers("x=commune_officer"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace hpedu::server
