// The dashboard in a real browser: the services with the demo data and the
// gateway serving the built dashboard, then web/tests/dashboard.test.mjs
// (playwright-core driving Debian's /usr/bin/chromium, headless) signs in,
// opens the overview, drills down to a commune and a school, and checks the
// numbers on screen against the gRPC API's, read here. Screenshots are saved
// in the build tree (services/gateway/browser_test_artifacts/).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/gateway/v1/gateway_service.grpc.pb.h"
#include "hpedu/indicators/v1/approvals.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/testing/identity.h"
#include "nlohmann/json.hpp"
#include "services/gateway/gateway_definition.h"
#include "services/plans/demo/demo_plans.h"
#include "services/gateway/testing/backend_suite.h"

namespace hpedu::gateway {
namespace {

using ::hpedu::testing::TestIdentity;

constexpr char kCommune[] = "phuong-do-son";

nlohmann::json Figures(const v1::Overview& overview) {
  nlohmann::json figures = nlohmann::json::object();
  for (const v1::IndicatorLine& line : overview.indicators().indicators()) {
    figures[line.indicator()] = line.figure().value();
  }
  return figures;
}

// The staffing table's rows as the API gives them.
nlohmann::json Staffing(const v1::Overview& overview) {
  nlohmann::json lines = nlohmann::json::array();
  for (const v1::StaffingLine& line : overview.staffing().lines()) {
    lines.push_back({{"level", line.level()},
                     {"required", line.required()},
                     {"actual", line.actual()},
                     {"shortage", line.shortage()},
                     {"surplus", line.surplus()}});
  }
  return lines;
}

nlohmann::json Budget(const v1::Overview& overview) {
  nlohmann::json shares = nlohmann::json::array();
  for (const v1::BudgetShare& share : overview.budget().shares()) {
    shares.push_back({{"rule", share.rule()},
                      {"sharePercent", share.share_percent()},
                      {"thresholdPercent", share.threshold_percent()}});
  }
  return shares;
}

// The chasing list's lagging projects as the table shows them.
nlohmann::json LaggingProjects(const v1::ChasingView& view) {
  nlohmann::json items = nlohmann::json::array();
  for (const v1::ChasingItem& item : view.budget().items()) {
    items.push_back({{"content", item.content()},
                     {"lead", item.lead().display_name()},
                     {"commune", item.commune().display_name()}});
  }
  return items;
}

const std::string& WebBuild() {
  static const std::string* dir = new std::string(HPEDU_GATEWAY_WEB_BUILD_DIR);
  return *dir;
}

// The gateway over the shared suite, serving the built dashboard.
std::unique_ptr<Gateway> StartGateway() {
  EXPECT_TRUE(std::filesystem::exists(WebBuild() + "/dist/index.html"))
      << "dashboard not built (target gateway_web)";
  EXPECT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "Debian's chromium is needed (deploy/local/deps.sh installs it)";
  GatewayConfig config;
  config.server = hpedu::testing::TestServerConfig("gateway", "");
  config.server.peer_addresses = testing::BackendSuite::Shared().addresses();
  config.http_listen = "127.0.0.1:0";
  config.web_dir = WebBuild() + "/dist";
  config.backends.cache_ttl = absl::ZeroDuration();  // figures as they change
  auto gateway = Gateway::Start(config);
  EXPECT_TRUE(gateway.ok()) << gateway.status();
  return gateway.ok() ? *std::move(gateway) : nullptr;
}

// Runs web/tests/{script} with `env` (NAME=value, quoted here) and the
// artifacts directory; its output is printed and returned with the exit
// status.
int RunBrowser(const std::string& script,
               const std::vector<std::pair<std::string, std::string>>& env,
               const std::string& artifacts, const std::string& log_name) {
  std::string command = absl::StrCat("cd '", WebBuild(), "' &&");
  for (const auto& [name, value] : env) {
    absl::StrAppend(&command, " ", name, "='", value, "'");
  }
  absl::StrAppend(&command, " HPEDU_SCREENSHOT_DIR='", artifacts,
                  "' node tests/", script, " > '", artifacts, "/", log_name,
                  "' 2>&1");
  const int status = std::system(command.c_str());
  std::ifstream log(artifacts + "/" + log_name);
  const std::string output((std::istreambuf_iterator<char>(log)),
                           std::istreambuf_iterator<char>());
  std::printf("%s", output.c_str());
  return status;
}

std::string Artifacts() {
  const std::string artifacts =
      std::filesystem::current_path().string() + "/browser_test_artifacts";
  std::filesystem::create_directories(artifacts);
  return artifacts;
}

TEST(DashboardBrowserTest, SignInOverviewDrillDownNumbersEqualGrpc) {
  std::unique_ptr<Gateway> gateway = StartGateway();
  ASSERT_NE(gateway, nullptr);

  // The figures, from the gRPC API, as the same person.
  const std::string token = TestIdentity::Token(auth::Role::kLeadership);
  auto stub = v1::GatewayService::NewStub(TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", gateway->grpc_port()), token));
  v1::GetCityOverviewRequest city_request;
  city_request.set_period(testing::kPeriod);
  city_request.set_due_within_days(14);
  v1::Overview city;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetCityOverview(&context, city_request, &city).ok());
  }
  v1::GetCommuneProfileRequest commune_request;
  commune_request.set_commune(absl::StrCat("units/", kCommune));
  commune_request.set_period(testing::kPeriod);
  commune_request.set_due_within_days(14);
  v1::Overview commune;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetCommuneProfile(&context, commune_request, &commune).ok());
  }
  // The chasing list as the dashboard asks for it (today, 14 days).
  v1::GetChasingListRequest chasing_request;
  chasing_request.set_due_within_days(14);
  v1::ChasingView chasing;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetChasingList(&context, chasing_request, &chasing).ok());
  }
  ASSERT_TRUE(chasing.budget().status().available())
      << chasing.budget().status().reason();
  ASSERT_TRUE(city.indicators().status().available());
  ASSERT_TRUE(commune.indicators().status().available());
  ASSERT_TRUE(city.staffing().status().available());
  ASSERT_TRUE(commune.staffing().status().available());
  ASSERT_TRUE(city.budget().status().available());
  ASSERT_TRUE(commune.budget().status().available());

  const std::string artifacts = Artifacts();
  nlohmann::json expected = {
      {"period", testing::kPeriod},
      {"city",
       {{"indicators", Figures(city)},
        {"overdue", city.plans().overdue()},
        {"dueSoon", city.plans().due_soon()},
        {"communes", city.indicators().children_size()},
        {"staffing", Staffing(city)},
        {"budget", Budget(city)}}},
      {"commune",
       {{"id", kCommune},
        {"displayName", commune.unit().display_name()},
        {"indicators", Figures(commune)},
        {"staffing", Staffing(commune)},
        {"budget", Budget(commune)}}},
      {"chasing",
       {{"lagging", chasing.budget().lagging()},
        {"budget", LaggingProjects(chasing)}}}};
  const std::string expected_path = artifacts + "/expected.json";
  std::ofstream(expected_path) << expected.dump(2);

  EXPECT_EQ(RunBrowser("dashboard.test.mjs",
                       {{"HPEDU_DASHBOARD_URL",
                         absl::StrCat("http://127.0.0.1:", gateway->http_port(), "/")},
                        {"HPEDU_TOKEN", token},
                        {"HPEDU_EXPECTED", expected_path}},
                       artifacts, "browser.log"),
            0);
  EXPECT_TRUE(std::filesystem::exists(artifacts + "/dashboard-city.png"));
  gateway->Shutdown(absl::Seconds(1));
}

// The reporting loop, played in the browser by the people who play it: a
// school officer enters and submits, the commune returns it, the school
// corrects and resubmits, the commune approves it and submits the commune,
// the Sở's division approves; the city's figure moves only then, and
// unapproving takes it back. Runs after the test above: the workflow it
// creates gates HP-18 of 2025-2026 for the rest of this process.
TEST(DashboardBrowserTest, ReportingLoopFromEntryToTheCityFigure) {
  std::unique_ptr<Gateway> gateway = StartGateway();
  ASSERT_NE(gateway, nullptr);
  testing::BackendSuite& suite = testing::BackendSuite::Shared();
  const std::string leadership = TestIdentity::Token(auth::Role::kLeadership);

  // A primary school of the commune (HP-18 is reported by primary schools).
  auto registry = registry::v1::RegistryService::NewStub(
      TestIdentity::Channel(suite.addresses().at("registry"), leadership));
  registry::v1::ListUnitsRequest schools_request;
  schools_request.set_parent(absl::StrCat("units/", kCommune));
  schools_request.set_level(registry::v1::TH);
  schools_request.set_page_size(1);
  registry::v1::ListUnitsResponse schools;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(registry->ListUnits(&context, schools_request, &schools).ok());
  }
  ASSERT_GT(schools.units_size(), 0);
  const registry::v1::Unit& school = schools.units(0);
  registry::v1::GetUnitRequest commune_request;
  commune_request.set_name(absl::StrCat("units/", kCommune));
  registry::v1::Unit commune;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(registry->GetUnit(&context, commune_request, &commune).ok());
  }

  // HP-18 needs approval from 2025-2026: school by commune, commune by the
  // quality division.
  auto approvals = indicators::v1::ApprovalService::NewStub(
      TestIdentity::Channel(suite.addresses().at("indicators"), leadership));
  indicators::v1::CreateApprovalWorkflowRequest create;
  create.set_workflow_id("bao-cao-hp18");
  indicators::v1::ApprovalWorkflow& workflow = *create.mutable_workflow();
  workflow.set_display_name("Báo cáo HP-18 năm học");
  workflow.set_period_type(indicators::v1::SCHOOL_YEAR);
  workflow.add_indicators("indicators/hp-18");
  workflow.set_lead_agency("units/so-gddt-qlcl");
  workflow.set_first_period(testing::kPeriod);
  indicators::v1::ApprovalLevel* schools_level = workflow.add_levels();
  schools_level->set_reporting_level(indicators::v1::SCHOOL);
  schools_level->add_approver_roles("commune_officer");
  indicators::v1::ApprovalLevel* communes_level = workflow.add_levels();
  communes_level->set_reporting_level(indicators::v1::COMMUNE);
  communes_level->add_approver_roles("division");
  {
    indicators::v1::ApprovalWorkflow created;
    grpc::ClientContext context;
    const grpc::Status status = approvals->CreateApprovalWorkflow(&context, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The school's history: HP-19 as this year's demo value and HP-23 at 60%
  // in each of the three years before (closed periods, hence the override
  // reason).
  auto indicators = indicators::v1::IndicatorsService::NewStub(
      TestIdentity::Channel(suite.addresses().at("indicators"), leadership));
  indicators::v1::ListReportedValuesRequest this_year;
  this_year.set_parent("indicators/hp-19");
  this_year.set_org_unit(school.name());
  this_year.set_period(testing::kPeriod);
  indicators::v1::ListReportedValuesResponse hp19;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(indicators->ListReportedValues(&context, this_year, &hp19).ok());
  }
  ASSERT_EQ(hp19.values_size(), 1);
  const int64_t usual = hp19.values(0).numerator();
  indicators::v1::ImportReportedValuesRequest history;
  std::string csv =
      "indicator,org_unit,period,disaggregation,numerator,denominator,value,"
      "generated\n";
  for (const char* period : {"2022-2023", "2023-2024", "2024-2025"}) {
    absl::StrAppend(&csv, "HP-19,", school.name().substr(6), ",", period, ",,",
                    usual, ",1,,true\n", "HP-23,", school.name().substr(6), ",",
                    period, ",,12,20,,true\n");
  }
  history.set_csv_content(csv);
  history.set_override_reason("lịch sử cho kiểm thử (test history)");
  {
    indicators::v1::ImportReportedValuesResponse imported;
    grpc::ClientContext context;
    const grpc::Status status =
        indicators->ImportReportedValues(&context, history, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(imported.created(), 6);
  }

  // A task of the 51/NQ-CP plan cascaded to every commune: Đồ Sơn's officer
  // reports on its share.
  auto plans = plans::v1::PlansService::NewStub(
      TestIdentity::Channel(suite.addresses().at("plans"), leadership));
  plans::v1::ListTasksRequest tasks_request;
  tasks_request.set_parent(plans::demo::kNq51PlanDocument);
  tasks_request.set_page_size(1);
  plans::v1::ListTasksResponse tasks;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(plans->ListTasks(&context, tasks_request, &tasks).ok());
  }
  ASSERT_GT(tasks.tasks_size(), 0);
  plans::v1::CascadeTaskRequest cascade;
  cascade.set_name(tasks.tasks(0).name());
  plans::v1::CascadeTaskResponse cascaded;
  {
    grpc::ClientContext context;
    const grpc::Status status = plans->CascadeTask(&context, cascade, &cascaded);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_GT(cascaded.created(), 0);

  // Three report deadlines as a cycle every commune answers (as up.sh
  // loads the Sở's), around today (the plans service's clock): two passed,
  // one within a month. Đồ Sơn reported the first on time.
  plans::v1::CreateReportCycleRequest create_cycle;
  create_cycle.set_parent("documents/d-kh-sgddt-2025-2026");
  create_cycle.set_report_cycle_id("han-bao-cao-2025-2026");
  create_cycle.set_all_communes(true);
  plans::v1::ReportCycle* cycle = create_cycle.mutable_report_cycle();
  cycle->set_title("Báo cáo theo hạn của Sở, năm học 2025-2026");
  cycle->set_frequency(plans::v1::FIXED_DATES);
  const absl::CivilDay today = absl::ToCivilDay(
      absl::Now(), absl::FixedTimeZone(7 * 60 * 60));  // Asia/Ho_Chi_Minh
  auto day = [](absl::CivilDay d) {
    google::type::Date date;
    date.set_year(static_cast<int>(d.year()));
    date.set_month(d.month());
    date.set_day(d.day());
    return date;
  };
  auto iso = [](absl::CivilDay d) { return absl::FormatCivilTime(d); };
  const absl::CivilDay on_time = today - 90, missed = today - 30,
                       coming = today + 10;
  *cycle->add_fixed_dates() = day(on_time);
  *cycle->add_fixed_dates() = day(missed);
  *cycle->add_fixed_dates() = day(coming);
  *cycle->mutable_first_day() = day(today - 120);
  {
    plans::v1::ReportCycle created;
    grpc::ClientContext context;
    const grpc::Status status = plans->CreateReportCycle(&context, create_cycle, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  plans::v1::SubmitReportRequest first_report;
  first_report.set_report_cycle(
      "documents/d-kh-sgddt-2025-2026/reportCycles/han-bao-cao-2025-2026");
  first_report.mutable_submission()->set_unit(absl::StrCat("units/", kCommune));
  *first_report.mutable_submission()->mutable_due_date() = day(on_time);
  *first_report.mutable_submission()->mutable_submitted_date() = day(on_time - 2);
  {
    plans::v1::Submission submitted;
    grpc::ClientContext context;
    const grpc::Status status = plans->SubmitReport(&context, first_report, &submitted);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  const nlohmann::json tokens = {
      {"school", TestIdentity::Token(auth::Role::kSchoolOfficer, school.name(),
                                     "gv.nguyen-thi-lan")},
      {"commune", TestIdentity::Token(auth::Role::kCommuneOfficer,
                                      absl::StrCat("units/", kCommune),
                                      "cb.tran-van-minh")},
      {"division", TestIdentity::Token(auth::Role::kDivision,
                                       "units/so-gddt-qlcl", "qlcl.le-thu-ha")},
      {"leadership", leadership}};
  const nlohmann::json loop = {
      {"school", school.name().substr(6)},
      {"schoolName", school.display_name()},
      {"commune", kCommune},
      {"communeName", commune.display_name()},
      {"indicator", "indicators/hp-18"},
      {"period", testing::kPeriod},
      {"usualHp19", usual},
      {"deadlines", {iso(on_time), iso(missed), iso(coming)}}};
  const std::string artifacts = Artifacts();
  EXPECT_EQ(RunBrowser("loop.test.mjs",
                       {{"HPEDU_DASHBOARD_URL",
                         absl::StrCat("http://127.0.0.1:", gateway->http_port(), "/")},
                        {"HPEDU_TOKENS", tokens.dump()},
                        {"HPEDU_LOOP", loop.dump()}},
                       artifacts, "loop.log"),
            0);
  EXPECT_TRUE(std::filesystem::exists(artifacts + "/entry-form.png"));
  EXPECT_TRUE(std::filesystem::exists(artifacts + "/review-queue.png"));
  gateway->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace hpedu::gateway
