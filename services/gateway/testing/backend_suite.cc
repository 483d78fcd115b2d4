#include "services/gateway/testing/backend_suite.h"

#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/budget/budget_definition.h"
#include "services/budget/demo/demo_budget.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/indicators_definition.h"
#include "services/indicators/value_import.h"
#include "services/plans/demo/demo_plans.h"
#include "services/plans/plans_definition.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu::gateway::testing {
namespace {

namespace iv1 = ::hpedu::indicators::v1;
namespace bv1 = ::hpedu::budget::v1;
namespace pv1 = ::hpedu::plans::v1;
namespace rv1 = ::hpedu::registry::v1;
namespace sv1 = ::hpedu::staffing::v1;

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

// Two primary-only schools of kDataCommune (by id), still open.
std::vector<std::string> PrimarySchools(const std::vector<rv1::Unit>& units) {
  std::vector<std::string> schools;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() != rv1::SCHOOL || unit.has_valid_until() ||
        unit.parent() != kDataCommune || unit.school().levels_size() != 1 ||
        unit.school().levels(0) != rv1::TH) {
      continue;
    }
    schools.push_back(unit.name());
    if (schools.size() == 2) break;
  }
  if (schools.size() < 2) {
    std::fprintf(stderr, "gateway test suite: no two primary schools in %s\n",
                 kDataCommune);
    std::abort();
  }
  return schools;
}

// Teachers of `school`: `count` permanent primary teachers.
std::string Roster(const std::string& school, const std::string& prefix,
                   int count) {
  std::string csv;
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&csv, prefix, "-", i, ",", school,
                    ",Nguyễn Thị Lan,1985,FEMALE,TEACHER,TH,,PERMANENT,"
                    "BACHELOR,2010-06-01,2020-09-01,true\n");
  }
  return csv;
}

bv1::BudgetLine BudgetLine(const std::string& unit, bv1::Function function,
                           bv1::SubSector sub_sector, bv1::EconomicType type,
                           int64_t amount_dong) {
  bv1::BudgetLine line;
  line.set_unit(unit);
  line.set_function(function);
  line.set_sub_sector(sub_sector);
  if (function == bv1::OTHER_SECTOR) line.set_sector("Y tế");
  line.set_economic_type(type);
  line.set_source(bv1::STATE_BUDGET);
  line.set_approving_document("Nghị quyết dự toán ngân sách (thử nghiệm)");
  line.set_amount_dong(amount_dong);
  return line;
}

// A budget's 2026 estimate: education recurrent and investment, and another
// sector, in đồng.
bv1::CreateBudgetVersionRequest Estimate(int year, const std::string& unit,
                                         int64_t education, int64_t investment,
                                         int64_t other) {
  bv1::CreateBudgetVersionRequest request;
  request.set_parent(absl::StrCat("budgets/", unit.substr(6), "~", year));
  request.set_stage(bv1::ESTIMATE);
  bv1::BudgetVersion* version = request.mutable_budget_version();
  version->set_generated(true);
  *version->add_lines() = BudgetLine(unit, bv1::EDUCATION_TRAINING,
                                     bv1::PRIMARY, bv1::RECURRENT, education);
  *version->add_lines() =
      BudgetLine(unit, bv1::EDUCATION_TRAINING, bv1::PRIMARY,
                 bv1::DEVELOPMENT_INVESTMENT, investment);
  *version->add_lines() = BudgetLine(unit, bv1::OTHER_SECTOR,
                                     bv1::SUB_SECTOR_UNSPECIFIED,
                                     bv1::RECURRENT, other);
  return request;
}

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

  server::ServerConfig staffing_config = Config(
      "staffing", OrDie(pg.ProvisionService(database, "staffing"), "role"));
  staffing_config.peer_addresses["registry"] = addresses_["registry"];
  staffing_ = OrDie(server::ServiceHost::Start(staffing_config,
                                               staffing::Definition(&DemoToday)),
                    "staffing");
  addresses_["staffing"] = absl::StrCat("127.0.0.1:", staffing_->port());
  {
    // One school short of teachers, the other over the norm.
    auto stub = sv1::StaffingService::NewStub(Channel(addresses_["staffing"]));
    const std::vector<std::string> schools = PrimarySchools(units);
    sv1::ImportSchoolClassesRequest classes;
    classes.set_csv_content(absl::StrCat(
        "school,school_year,grade,sessions_per_day,classes,pupils,generated\n",
        schools[0], ",", kPeriod, ",1,2,10,350,true\n", schools[0], ",",
        kPeriod, ",2,2,8,280,true\n", schools[1], ",", kPeriod,
        ",1,2,4,140,true\n"));
    sv1::ImportResponse imported;
    Check(stub->ImportSchoolClasses(Context().get(), classes, &imported),
          "ImportSchoolClasses");
    sv1::ImportRosterRequest roster;
    roster.set_csv_content(absl::StrCat(
        "staff_id,school,display_name,birth_year,sex,position,level,subject,"
        "employment,qualification,qualification_date,start_date,generated\n",
        Roster(schools[0], "gv-a", 12), Roster(schools[1], "gv-b", 9)));
    Check(stub->ImportRoster(Context().get(), roster, &imported),
          "ImportRoster");
  }

  server::ServerConfig budget_config = Config(
      "budget", OrDie(pg.ProvisionService(database, "budget"), "role"));
  budget_config.peer_addresses["registry"] = addresses_["registry"];
  budget_config.peer_addresses["staffing"] = addresses_["staffing"];
  budget_ = OrDie(
      server::ServiceHost::Start(budget_config, budget::Definition(&DemoToday)),
      "budget");
  addresses_["budget"] = absl::StrCat("127.0.0.1:", budget_->port());
  {
    // The city meets both rules; Phường Đồ Sơn meets the 20% rule only.
    // Also this year's, for views without as_of (the browser test).
    auto stub = bv1::BudgetService::NewStub(Channel(addresses_["budget"]));
    const int this_year = static_cast<int>(
        absl::ToCivilYear(absl::Now(), absl::FixedTimeZone(7 * 3600)).year());
    for (int year : std::set<int>{kFiscalYear, this_year}) {
      bv1::BudgetVersion created;
      Check(stub->CreateBudgetVersion(
                Context().get(),
                Estimate(year, "units/hai-phong", 21'000'000'000'000,
                         6'000'000'000'000, 73'000'000'000'000),
                &created),
            "CreateBudgetVersion hai-phong");
      Check(stub->CreateBudgetVersion(
                Context().get(),
                Estimate(year, kDataCommune, 30'000'000'000, 2'000'000'000,
                         68'000'000'000),
                &created),
            "CreateBudgetVersion phuong-do-son");
    }
    // The demo's school investment projects, planned and paid monthly to
    // October 2026, about a third lagging their plan (the chasing list).
    for (const budget::demo::DemoProject& project :
         budget::demo::DemoProjects(units)) {
      bv1::Project created;
      Check(stub->CreateProject(Context().get(), project.create, &created),
            "CreateProject " + project.create.project_id());
      for (const bv1::RecordDisbursementRequest& payment : project.payments) {
        bv1::Disbursement paid;
        Check(stub->RecordDisbursement(Context().get(), payment, &paid),
              "RecordDisbursement " + payment.request_id());
      }
    }
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
