#include "services/gateway/testing/backend_suite.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/indicators_definition.h"
#include "services/indicators/value_import.h"
#include "services/plans/demo/demo_plans.h"
#include "services/plans/plans_definition.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::gateway::testing {
namespace {

namespace iv1 = ::hpedu::indicators::v1;
namespace pv1 = ::hpedu::plans::v1;
namespace rv1 = ::hpedu::registry::v1;

server::ServerConfig Config(const std::string& service, const std::string& db,
                            const std::string& listen = "127.0.0.1:0") {
  server::ServerConfig config = hpedu::testing::TestServerConfig(service, db);
  config.listen_address = listen;
  config.workers = 4;
  return config;
}

template <typename T>
T OrDie(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "gateway test suite: %s: %s\n", what,
                 value.status().ToString().c_str());
    std::abort();
  }
  return *std::move(value);
}

void Check(const grpc::Status& status, const std::string& what) {
  if (!status.ok()) {
    std::fprintf(stderr, "gateway test suite: %s: %s\n", what.c_str(),
                 status.error_message().c_str());
    std::abort();
  }
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(120));
  return context;
}

// As the Sở's leadership, who may load everything.
std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  return hpedu::testing::TestIdentity::Channel(
      address, hpedu::testing::TestIdentity::Token(auth::Role::kLeadership));
}

absl::CivilDay DemoToday() { return absl::CivilDay(2026, 6, 15); }

}  // namespace

BackendSuite& BackendSuite::Shared() {
  static BackendSuite* suite = [] {
    auto* s = new BackendSuite;
    s->Start();
    return s;
  }();
  return *suite;
}

void BackendSuite::Start() {
  hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
  const std::string database = OrDie(pg.CreateDatabase(), "database");

  const registry::testing::DemoRegistry& registry =
      registry::testing::SharedDemoRegistry();
  addresses_["registry"] = registry.address;
  const std::vector<rv1::Unit>& units = registry.units;

  server::ServerConfig plans_config =
      Config("plans", OrDie(pg.ProvisionService(database, "plans"), "role"));
  plans_config.peer_addresses["registry"] = addresses_["registry"];
  plans_ = OrDie(server::ServiceHost::Start(plans_config, plans::Definition()),
                 "plans");
  addresses_["plans"] = absl::StrCat("127.0.0.1:", plans_->port());
  {
    auto stub = pv1::PlansService::NewStub(Channel(addresses_["plans"]));
    pv1::ImportDocumentsRequest documents;
    documents.set_csv_content(std::string(plans::demo::EmbeddedDocumentsCsv()));
    pv1::ImportDocumentsResponse imported;
    Check(stub->ImportDocuments(Context().get(), documents, &imported),
          "ImportDocuments");
    pv1::ImportTasksRequest tasks;
    tasks.set_parent(plans::demo::kNq51PlanDocument);
    tasks.set_csv_content(std::string(plans::demo::EmbeddedTasksCsv()));
    pv1::ImportTasksResponse tasks_imported;
    Check(stub->ImportTasks(Context().get(), tasks, &tasks_imported),
          "ImportTasks");
  }

  indicators_db_ = OrDie(pg.ProvisionService(database, "indicators"), "role");
  server::ServerConfig indicators_config = Config("indicators", indicators_db_);
  indicators_config.peer_addresses["registry"] = addresses_["registry"];
  indicators_ = OrDie(server::ServiceHost::Start(
                          indicators_config, indicators::Definition(&DemoToday)),
                      "indicators");
  indicators_port_ = indicators_->port();
  addresses_["indicators"] = absl::StrCat("127.0.0.1:", indicators_port_);
  {
    auto stub = iv1::IndicatorsService::NewStub(Channel(addresses_["indicators"]));
    const indicators::demo::DemoCatalogue catalogue = OrDie(
        indicators::demo::DemoIndicators(
            indicators::demo::EmbeddedIndicatorsCsv(),
            indicators::demo::EmbeddedTargetsCsv()),
        "catalogue");
    for (const iv1::CreateIndicatorRequest& request : catalogue.indicators) {
      iv1::Indicator created;
      Check(stub->CreateIndicator(Context().get(), request, &created),
            "CreateIndicator " + request.indicator_id());
    }
    for (const iv1::CreateTargetRequest& request : catalogue.targets) {
      iv1::Target created;
      Check(stub->CreateTarget(Context().get(), request, &created),
            "CreateTarget " + request.target_id());
    }
    std::vector<indicators::ValueLine> values;
    for (indicators::ValueLine& line : indicators::demo::DemoValues(units)) {
      if (line.period == kPeriod) values.push_back(std::move(line));
    }
    iv1::ImportReportedValuesRequest request;
    request.set_csv_content(indicators::FormatValuesCsv(values));
    request.set_override_reason("dữ liệu mẫu sinh tự động (generated demo data)");
    iv1::ImportReportedValuesResponse response;
    Check(stub->ImportReportedValues(Context().get(), request, &response),
          "ImportReportedValues");
  }
}

void BackendSuite::StopIndicators() {
  if (indicators_ == nullptr) return;
  indicators_->Shutdown(absl::ZeroDuration());
  indicators_->Wait();
  indicators_.reset();
}

absl::Status BackendSuite::RestartIndicators() {
  server::ServerConfig config = Config(
      "indicators", indicators_db_, absl::StrCat("127.0.0.1:", indicators_port_));
  config.peer_addresses["registry"] = addresses_["registry"];
  absl::StatusOr<std::unique_ptr<server::ServiceHost>> host =
      server::ServiceHost::Start(config, indicators::Definition(&DemoToday));
  if (!host.ok()) return host.status();
  indicators_ = *std::move(host);
  return absl::OkStatus();
}

FakeIndicators::FakeIndicators() {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(this);
  server_ = builder.BuildAndStart();
  address_ = absl::StrCat("127.0.0.1:", port);
}

FakeIndicators::~FakeIndicators() {
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
}

void FakeIndicators::set_delay(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  delay_ = delay;
}

void FakeIndicators::set_failure(grpc::Status failure) {
  absl::MutexLock lock(&mu_);
  failure_ = std::move(failure);
}

void FakeIndicators::set_roll_up(iv1::RollUpResponse response) {
  absl::MutexLock lock(&mu_);
  roll_up_ = std::move(response);
}

std::vector<SeenCall> FakeIndicators::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

int FakeIndicators::calls_of(const std::string& method) const {
  absl::MutexLock lock(&mu_);
  int n = 0;
  for (const SeenCall& call : calls_) n += call.method == method;
  return n;
}

template <typename Response>
grpc::ServerUnaryReactor* FakeIndicators::Answer(
    grpc::CallbackServerContext* context, const std::string& method,
    Response* response, Response canned) {
  SeenCall seen;
  seen.method = method;
  seen.deadline = absl::FromChrono(context->deadline());
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    seen.authorization = std::string(it->second.data(), it->second.size());
  }
  if (auto it = metadata.find("traceparent"); it != metadata.end()) {
    seen.traceparent = std::string(it->second.data(), it->second.size());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  calls_.push_back(seen);
  grpc::Status status = failure_;
  auto finish = [reactor, response, status,
                 canned = std::move(canned)](bool) mutable {
    if (status.ok()) *response = std::move(canned);
    reactor->Finish(status);
  };
  if (delay_ <= absl::ZeroDuration()) {
    finish(true);
  } else {
    alarms_.push_back(std::make_unique<grpc::Alarm>());
    alarms_.back()->Set(absl::ToChronoTime(absl::Now() + delay_),
                        std::move(finish));
  }
  return reactor;
}

grpc::ServerUnaryReactor* FakeIndicators::RollUp(
    grpc::CallbackServerContext* context, const iv1::RollUpRequest* request,
    iv1::RollUpResponse* response) {
  iv1::RollUpResponse canned;
  {
    absl::MutexLock lock(&mu_);
    canned = roll_up_;
  }
  return Answer(context, "RollUp", response, std::move(canned));
}

grpc::ServerUnaryReactor* FakeIndicators::ListIndicators(
    grpc::CallbackServerContext* context,
    const iv1::ListIndicatorsRequest* request,
    iv1::ListIndicatorsResponse* response) {
  return Answer(context, "ListIndicators", response,
                iv1::ListIndicatorsResponse());
}

}  // namespace hpedu::gateway::testing
