// The bootstrap against a real PostgreSQL: health follows the database,
// reflection lists the services, migrations guard the schema, shutdown drains.
#include "libs/server/service_host.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "libs/server/log.h"
#include "libs/status/status_matchers.h"
#include "nlohmann/json.hpp"
#include "libs/testing/postgres_server.h"
#include "grpc/health/v1/health.grpc.pb.h"

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

// Certificates from deploy/local/make-certs.sh, as up.sh makes them.
std::string MakeCerts(const std::string& dir, const std::string& names) {
  std::string command = absl::StrCat(HPEDU_SOURCE_DIR,
                                     "/deploy/local/make-certs.sh ", dir, " ",
                                     names, " >/dev/null 2>&1");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return dir;
}

TEST_F(ServiceHostTest, MutualTlsRefusesPlaintextAndUnknownCasAndNamesTheCaller) {
  std::string root = ::testing::TempDir() + "/pki_" + std::to_string(getpid());
  std::string good = MakeCerts(root + "/good", "hosttest indicators");
  std::string rogue = MakeCerts(root + "/rogue", "indicators");
  config_.tls = TlsFiles{good + "/hosttest.pem", good + "/hosttest.key",
                         good + "/ca.pem"};
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
  EXPECT_EQ(check(credentials(TlsFiles{rogue + "/indicators.pem",
                                       rogue + "/indicators.key",
                                       good + "/ca.pem"}),
                  ""),
            grpc::StatusCode::UNAVAILABLE);
  // No client certificate at all: refused too.
  grpc::SslCredentialsOptions no_cert;
  std::ifstream ca_file(good + "/ca.pem");
  no_cert.pem_root_certs.assign(std::istreambuf_iterator<char>(ca_file), {});
  EXPECT_EQ(check(grpc::SslCredentials(no_cert), ""),
            grpc::StatusCode::UNAVAILABLE);
  // The right CA: served, and the caller is the certificate's CN.
  TlsFiles client{good + "/indicators.pem", good + "/indicators.key",
                  good + "/ca.pem"};
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
