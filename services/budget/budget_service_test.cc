// The budget service end to end: the real registry and budget services
// (ServiceHost, as main.cc starts them) on port 0 over a real PostgreSQL,
// the registry loaded with the demo units, called through the generated
// stubs as the Sở's leadership; for the allowance what-if also the real
// staffing service with a small roster. "Today" is fixed at 25 November
// 2026.
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"
#include "services/budget/budget_definition.h"
#include "services/budget/demo/demo_budget.h"
#include "services/budget/line_import.h"
#include "libs/testing/identity.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu::budget {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using Stub = v1::BudgetService::Stub;
using ::hpedu::testing::TestIdentity;
namespace rv1 = ::hpedu::registry::v1;
namespace iv1 = ::hpedu::indicators::v1;
namespace sv1 = ::hpedu::staffing::v1;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

class BudgetServiceTest : public ::testing::Test {
 protected:
  static const std::vector<rv1::Unit>& Units() {
    return registry::testing::SharedDemoRegistry().units;
  }

  void SetUp() override { StartBudget(""); }

  // Starts the budget service; its staffing peer is at `staffing` if given.
  void StartBudget(const std::string& staffing) {
    hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(std::string conninfo,
                         pg.ProvisionService(database, "budget"));
    server::ServerConfig config =
        hpedu::testing::TestServerConfig("budget", conninfo);
    config.peer_addresses["registry"] =
        registry::testing::SharedDemoRegistry().address;
    if (!staffing.empty()) config.peer_addresses["staffing"] = staffing;
    ASSERT_OK_AND_ASSIGN(
        host_, server::ServiceHost::Start(
                   config, Definition([] { return absl::CivilDay(2026, 11, 25); })));
    address_ = absl::StrCat("127.0.0.1:", host_->port());
    conninfo_ = conninfo;
    channel_ = TestIdentity::Channel(
        address_, TestIdentity::Token(auth::Role::kLeadership));
    stub_ = v1::BudgetService::NewStub(channel_);
  }

  void TearDown() override {
    if (host_) {
      host_->Shutdown(absl::Seconds(5));
      host_->Wait();
    }
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    Response response;
    const grpc::Status status =
        (stub_.get()->*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  static v1::BudgetLine Line(const std::string& unit, v1::SubSector sector,
                             v1::EconomicType type, int64_t amount) {
    v1::BudgetLine line;
    line.set_unit(unit);
    line.set_function(sector == v1::SUB_SECTOR_UNSPECIFIED
                          ? v1::OTHER_SECTOR
                          : v1::EDUCATION_TRAINING);
    line.set_sub_sector(sector);
    line.set_economic_type(type);
    line.set_source(v1::STATE_BUDGET);
    line.set_approving_document("Nghị quyết 30/NQ-HĐND");
    line.set_amount_dong(amount);
    return line;
  }

  static v1::CreateBudgetVersionRequest Version(
      const std::string& parent, v1::Stage stage,
      std::vector<v1::BudgetLine> lines) {
    v1::CreateBudgetVersionRequest request;
    request.set_parent(parent);
    request.set_stage(stage);
    for (v1::BudgetLine& line : lines) {
      *request.mutable_budget_version()->add_lines() = std::move(line);
    }
    return request;
  }

  // The first commune in Vietnamese order and one of its schools.
  static std::pair<std::string, std::string> CommuneAndSchool() {
    for (const rv1::Unit& unit : Units()) {
      if (unit.kind() == rv1::SCHOOL && unit.parent() == "units/phuong-do-son") {
        return {"phuong-do-son", unit.name()};
      }
    }
    return {"phuong-do-son", "units/phuong-do-son"};
  }

  // Imports the demo budgets, one request per year.
  void ImportDemo(const demo::DemoOptions& options) {
    std::map<int, std::vector<VersionDraft>> by_year;
    for (VersionDraft& draft : demo::DemoBudgets(Units(), options)) {
      by_year[draft.budget.year].push_back(std::move(draft));
    }
    for (const auto& [year, drafts] : by_year) {
      v1::ImportBudgetLinesRequest request;
      request.set_csv_content(FormatBudgetLinesCsv(drafts));
      ASSERT_OK(Call(&Stub::ImportBudgetLines, request).status());
    }
  }

  std::unique_ptr<server::ServiceHost> host_;
  std::string address_;
  std::string conninfo_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};


TEST_F(BudgetServiceTest, StagesAreSeparateImmutableVersions) {
  const auto [commune, school] = CommuneAndSchool();
  const std::string parent = absl::StrCat("budgets/", commune, "~2026");
  ASSERT_OK_AND_ASSIGN(
      const v1::BudgetVersion v1_estimate,
      Call(&Stub::CreateBudgetVersion,
           Version(parent, v1::ESTIMATE,
                   {Line(school, v1::PRIMARY, v1::RECURRENT, 30'000'000'000),
                    Line("units/" + commune, v1::SUB_SECTOR_UNSPECIFIED,
                         v1::RECURRENT, 70'000'000'000)})));
  EXPECT_EQ(v1_estimate.name(), parent + "/stages/estimate/versions/1");
  EXPECT_EQ(v1_estimate.level(), v1::COMMUNE);
  EXPECT_EQ(v1_estimate.totals().state_total_dong(), 100'000'000'000);
  ASSERT_THAT(v1_estimate.lines(), SizeIs(2));
  EXPECT_EQ(v1_estimate.lines(0).name(), v1_estimate.name() + "/lines/1");

  // A second estimate is version 2; version 1 is still there, unchanged.
  v1::CreateBudgetVersionRequest second =
      Version(parent, v1::ESTIMATE,
              {Line(school, v1::PRIMARY, v1::RECURRENT, 32'000'000'000),
               Line("units/" + commune, v1::SUB_SECTOR_UNSPECIFIED,
                    v1::RECURRENT, 70'000'000'000)});
  second.mutable_budget_version()->set_note("Điều chỉnh theo NQ 41");
  second.set_request_id("6f1b7c1e-2a55-4d52-9a3c-3b1f0e2d9a10");
  ASSERT_OK_AND_ASSIGN(const v1::BudgetVersion v2,
                       Call(&Stub::CreateBudgetVersion, second));
  EXPECT_EQ(v2.version(), 2);
  // The same request again: the same version, not a third.
  ASSERT_OK_AND_ASSIGN(const v1::BudgetVersion again,
                       Call(&Stub::CreateBudgetVersion, second));
  EXPECT_EQ(again.name(), v2.name());
  // Equal content without a request id: the current version, not a new one.
  second.clear_request_id();
  ASSERT_OK_AND_ASSIGN(const v1::BudgetVersion same,
                       Call(&Stub::CreateBudgetVersion, second));
  EXPECT_EQ(same.version(), 2);
  // Execution is its own stage.
  ASSERT_OK_AND_ASSIGN(
      const v1::BudgetVersion execution,
      Call(&Stub::CreateBudgetVersion,
           Version(parent, v1::EXECUTION,
                   {Line(school, v1::PRIMARY, v1::RECURRENT, 29'000'000'000)})));
  EXPECT_EQ(execution.name(), parent + "/stages/execution/versions/1");

  v1::GetBudgetVersionRequest get;
  get.set_name(v1_estimate.name());
  ASSERT_OK_AND_ASSIGN(const v1::BudgetVersion old,
                       Call(&Stub::GetBudgetVersion, get));
  EXPECT_EQ(old.lines(0).amount_dong(), 30'000'000'000);
  get.set_name(parent + "/stages/estimate/versions/-");
  ASSERT_OK_AND_ASSIGN(const v1::BudgetVersion current,
                       Call(&Stub::GetBudgetVersion, get));
  EXPECT_EQ(current.version(), 2);
  EXPECT_EQ(current.note(), "Điều chỉnh theo NQ 41");
  EXPECT_EQ(current.lines(0).amount_dong(), 32'000'000'000);

  v1::ListBudgetVersionsRequest list;
  list.set_parent(parent);
  list.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(v1::ListBudgetVersionsResponse page,
                       Call(&Stub::ListBudgetVersions, list));
  ASSERT_THAT(page.budget_versions(), SizeIs(2));
  EXPECT_EQ(page.budget_versions(1).version(), 2);
  EXPECT_TRUE(page.budget_versions(0).lines().empty());
  list.set_page_token(page.next_page_token());
  ASSERT_OK_AND_ASSIGN(page, Call(&Stub::ListBudgetVersions, list));
  ASSERT_THAT(page.budget_versions(), SizeIs(1));
  EXPECT_EQ(page.budget_versions(0).stage(), v1::EXECUTION);
  EXPECT_TRUE(page.next_page_token().empty());

  // The execution table of the budget: estimate 102 bn (current version),
  // execution 29 bn.
  v1::GetExecutionTableRequest table_request;
  table_request.set_budget(parent);
  ASSERT_OK_AND_ASSIGN(const v1::ExecutionTable table,
                       Call(&Stub::GetExecutionTable, table_request));
  EXPECT_EQ(table.rows(0).estimate_dong(), 102'000'000'000);
  EXPECT_EQ(table.rows(0).execution_dong(), 29'000'000'000);
  EXPECT_EQ(table.rows(0).execution_percent(), "28.43");
  ASSERT_OK_AND_ASSIGN(const v1::ExportResponse xlsx,
                       Call(&Stub::ExportExecutionTable, table_request));
  EXPECT_EQ(xlsx.xlsx_content().substr(0, 2), "PK");
  EXPECT_EQ(xlsx.filename(), "du-toan-thuc-hien-phuong-do-son-2026.xlsx");

  // Every version made is in the audit trail, with who made it; the
  // repeated and equal requests made nothing and left no event.
  hpedu::audit::v1::ListAuditEventsRequest audit;
  ASSERT_OK_AND_ASSIGN(const hpedu::audit::v1::ListAuditEventsResponse trail,
                       Call(&Stub::ListAuditEvents, audit));
  ASSERT_THAT(trail.audit_events(), SizeIs(3));
  EXPECT_EQ(trail.audit_events(0).resource(), execution.name());
  EXPECT_EQ(trail.audit_events(2).resource(), v1_estimate.name());
  EXPECT_EQ(trail.audit_events(2).caller_role(), "leadership");
  EXPECT_EQ(trail.audit_events(2).method(),
            "/hpedu.budget.v1.BudgetService/CreateBudgetVersion");
}

TEST_F(BudgetServiceTest, BadInputWritesNothing) {
  const auto [commune, school] = CommuneAndSchool();
  const std::string parent = absl::StrCat("budgets/", commune, "~2026");
  v1::BudgetLine bad = Line("units/so-gddt", v1::PRIMARY, v1::RECURRENT, -5);
  bad.clear_approving_document();
  const auto result = Call(&Stub::CreateBudgetVersion,
                           Version(parent, v1::ESTIMATE,
                                   {Line(school, v1::PRIMARY, v1::RECURRENT, 1),
                                    bad}));
  EXPECT_THAT(result, HasFieldViolation("budget_version.lines[1].unit"));
  EXPECT_THAT(result, HasFieldViolation("budget_version.lines[1].amount_dong"));
  EXPECT_THAT(result,
              HasFieldViolation("budget_version.lines[1].approving_document"));
  EXPECT_THAT(Call(&Stub::CreateBudgetVersion,
                   Version("budgets/so-gddt~2026", v1::ESTIMATE,
                           {Line(school, v1::PRIMARY, v1::RECURRENT, 1)})),
              HasFieldViolation("parent"));
  EXPECT_THAT(Call(&Stub::CreateBudgetVersion,
                   Version(parent, v1::STAGE_UNSPECIFIED,
                           {Line(school, v1::PRIMARY, v1::RECURRENT, 1)})),
              HasFieldViolation("stage"));
  v1::ListBudgetVersionsRequest list;
  list.set_parent(parent);
  ASSERT_OK_AND_ASSIGN(const v1::ListBudgetVersionsResponse page,
                       Call(&Stub::ListBudgetVersions, list));
  EXPECT_TRUE(page.budget_versions().empty());
  v1::GetComplianceReportRequest report;
  report.set_first_year(2026);
  report.set_last_year(2050);
  EXPECT_THAT(Call(&Stub::GetComplianceReport, report),
              HasFieldViolation("last_year"));
  EXPECT_THAT(Call(&Stub::GetComplianceReport, report),
              HasFieldViolation("stage"));
}

TEST_F(BudgetServiceTest, IntegerMoneyEndToEndAndOverflowRefused) {
  const std::string parent = "budgets/hai-phong~2030";
  // int64's largest amount goes in and comes out to the đồng.
  ASSERT_OK_AND_ASSIGN(
      const v1::BudgetVersion city,
      Call(&Stub::CreateBudgetVersion,
           Version(parent, v1::ESTIMATE,
                   {Line("units/so-gddt", v1::UPPER_SECONDARY, v1::RECURRENT,
                         kMax)})));
  EXPECT_EQ(city.lines(0).amount_dong(), kMax);
  EXPECT_EQ(city.totals().state_education_dong(), kMax);
  // Two lines whose sum leaves int64 are refused, on the line that
  // overflows, and nothing is written.
  const auto overflow = Call(
      &Stub::CreateBudgetVersion,
      Version("budgets/hai-phong~2031", v1::ESTIMATE,
              {Line("units/so-gddt", v1::UPPER_SECONDARY, v1::RECURRENT, kMax),
               Line("units/so-gddt", v1::UPPER_SECONDARY, v1::RECURRENT, 1)}));
  EXPECT_THAT(overflow, HasFieldViolation("budget_version.lines[1].amount_dong"));
  v1::ListBudgetVersionsRequest list;
  list.set_parent("budgets/hai-phong~2031");
  EXPECT_TRUE(Call(&Stub::ListBudgetVersions, list)->budget_versions().empty());
  // A commune's budget on top of the city's overflows the local total: the
  // report is refused rather than wrong.
  const auto [commune, school] = CommuneAndSchool();
  ASSERT_OK(Call(&Stub::CreateBudgetVersion,
                 Version(absl::StrCat("budgets/", commune, "~2030"),
                         v1::ESTIMATE,
                         {Line(school, v1::PRIMARY, v1::RECURRENT, 1)}))
                .status());
  v1::GetComplianceReportRequest report;
  report.set_first_year(2030);
  report.set_stage(v1::ESTIMATE);
  EXPECT_THAT(Call(&Stub::GetComplianceReport, report),
              StatusIs(absl::StatusCode::kOutOfRange));
  // The commune alone is fine: 100% education.
  report.set_org_unit("units/" + commune);
  ASSERT_OK_AND_ASSIGN(const v1::ComplianceReport alone,
                       Call(&Stub::GetComplianceReport, report));
  EXPECT_EQ(alone.rows(0).education().percent(), "100.00");
}

TEST_F(BudgetServiceTest, ImportDryRunAtomicityIdempotence) {
  const auto [commune, school] = CommuneAndSchool();
  const std::string school_id = school.substr(6);
  const std::string header =
      "budget_unit,fiscal_year,stage,unit,function,sub_sector,economic_type,"
      "source,approving_document,amount_dong,description,generated\n";
  const std::string good = absl::StrCat(
      header, commune, ",2027,dự toán,", school_id,
      ",giáo dục,TH,thường xuyên,ngân sách,NQ 9/NQ-HĐND,25000000000,,\n",
      commune, ",2027,dự toán,", commune,
      ",khác:Y tế,,thường xuyên,ngân sách,NQ 9/NQ-HĐND,75000000000,,\n",
      "hai-phong,2027,dự toán,so-gddt,giáo dục,THPT,đầu tư phát triển,ngân "
      "sách,NQ 50/NQ-HĐND,1000000000000,,\n");
  v1::ImportBudgetLinesRequest request;
  request.set_csv_content(good);
  request.set_validate_only(true);
  ASSERT_OK_AND_ASSIGN(v1::ImportBudgetLinesResponse dry,
                       Call(&Stub::ImportBudgetLines, request));
  EXPECT_EQ(dry.versions_created(), 2);
  EXPECT_EQ(dry.lines(), 3);
  v1::ListBudgetVersionsRequest list;
  list.set_parent(absl::StrCat("budgets/", commune, "~2027"));
  EXPECT_TRUE(Call(&Stub::ListBudgetVersions, list)->budget_versions().empty());

  // One bad line (line 5) rejects the whole file.
  request.set_validate_only(false);
  request.set_csv_content(absl::StrCat(
      good, commune, ",2027,thực hiện,", school_id,
      ",giáo dục,TH,thường xuyên,ngân sách,NQ 9,12.5,,\n"));
  const auto rejected = Call(&Stub::ImportBudgetLines, request);
  ASSERT_THAT(rejected, HasFieldViolation("csv_content"));
  EXPECT_THAT(std::string(rejected.status().message()), HasSubstr("dòng 5"));
  EXPECT_TRUE(Call(&Stub::ListBudgetVersions, list)->budget_versions().empty());

  request.set_csv_content(good);
  ASSERT_OK_AND_ASSIGN(const v1::ImportBudgetLinesResponse first,
                       Call(&Stub::ImportBudgetLines, request));
  EXPECT_EQ(first.versions_created(), 2);
  EXPECT_THAT(first.budget_versions(),
              ::testing::Contains(absl::StrCat(
                  "budgets/", commune, "~2027/stages/estimate/versions/1")));
  ASSERT_OK_AND_ASSIGN(const v1::ImportBudgetLinesResponse second,
                       Call(&Stub::ImportBudgetLines, request));
  EXPECT_EQ(second.versions_created(), 0);
  EXPECT_EQ(second.versions_unchanged(), 2);
  EXPECT_THAT(Call(&Stub::ListBudgetVersions, list)->budget_versions(),
              SizeIs(1));
}

TEST_F(BudgetServiceTest, DemoComplianceSharesAndExport) {
  demo::DemoOptions options;
  options.first_year = 2025;
  options.last_year = 2026;
  ImportDemo(options);
  v1::GetComplianceReportRequest request;
  request.set_first_year(2025);
  request.set_last_year(2026);
  request.set_stage(v1::ESTIMATE);
  ASSERT_OK_AND_ASSIGN(const v1::ComplianceReport report,
                       Call(&Stub::GetComplianceReport, request));
  // Per year: the local total, the city level and 114 communes.
  ASSERT_THAT(report.rows(), SizeIs(2 * 116));
  EXPECT_EQ(report.rows(0).kind(), v1::LOCAL_TOTAL);
  EXPECT_EQ(report.rows(0).missing_communes(), 0);

  // Each commune row against the sums of its generated lines; the
  // communes drawn below a rule are the ones reported below.
  std::map<std::string, v1::BudgetTotals> expected;
  v1::BudgetTotals local;
  for (const VersionDraft& draft : demo::DemoBudgets(Units(), options)) {
    if (draft.budget.year != 2026 || draft.stage != v1::ESTIMATE) continue;
    expected[draft.budget.unit_id] = draft.totals;
    local.set_state_total_dong(local.state_total_dong() +
                               draft.totals.state_total_dong());
    local.set_state_education_dong(local.state_education_dong() +
                                   draft.totals.state_education_dong());
  }
  const std::set<std::string> below =
      demo::CommunesBelowThreshold(Units(), options);
  EXPECT_THAT(below, SizeIs(4));
  int checked = 0;
  std::set<std::string> reported_below;
  for (const v1::ComplianceRow& row : report.rows()) {
    if (row.fiscal_year() != 2026) continue;
    const std::string id = row.org_unit().substr(6);
    if (row.kind() == v1::LOCAL_TOTAL) {
      EXPECT_EQ(row.totals().state_total_dong(), local.state_total_dong());
      EXPECT_EQ(row.education().amount_dong(), local.state_education_dong());
      continue;
    }
    ASSERT_TRUE(row.has_data()) << id;
    EXPECT_EQ(row.totals().state_total_dong(),
              expected[id].state_total_dong()) << id;
    EXPECT_EQ(row.investment().amount_dong(),
              expected[id].state_education_investment_dong()) << id;
    if (row.kind() == v1::COMMUNE_BUDGET &&
        (!row.education().meets() || !row.investment().meets())) {
      reported_below.insert(id);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 115);
  EXPECT_EQ(reported_below, below);

  // The shares for the indicators service, through its source contract.
  auto source = iv1::IndicatorSourceService::NewStub(channel_);
  iv1::ComputeIndicatorValuesRequest compute;
  compute.set_indicator_code("R71-15");
  compute.set_period("2026");
  compute.add_org_units("units/" + *below.begin());
  iv1::ComputeIndicatorValuesResponse values;
  grpc::ClientContext context;
  ASSERT_TRUE(source->ComputeIndicatorValues(&context, compute, &values).ok());
  ASSERT_THAT(values.values(), SizeIs(1));
  // The most advanced stage of 2026 is execution; its figures, not the
  // estimate's.
  v1::GetBudgetSharesRequest shares;
  shares.set_fiscal_year(2026);
  shares.add_org_units("units/" + *below.begin());
  ASSERT_OK_AND_ASSIGN(const v1::GetBudgetSharesResponse got,
                       Call(&Stub::GetBudgetShares, shares));
  ASSERT_THAT(got.shares(), SizeIs(1));
  EXPECT_EQ(got.shares(0).stage(), v1::EXECUTION);
  EXPECT_EQ(values.values(0).numerator(), got.shares(0).education_dong());
  EXPECT_EQ(values.values(0).denominator(), got.shares(0).state_total_dong());

  ASSERT_OK_AND_ASSIGN(const v1::ExportResponse xlsx,
                       Call(&Stub::ExportComplianceReport, request));
  EXPECT_EQ(xlsx.xlsx_content().substr(0, 2), "PK");
  EXPECT_EQ(xlsx.filename(), "bao-cao-tuan-thu-nq71-2025-2026-estimate.xlsx");
}

TEST_F(BudgetServiceTest, ProjectsProgressAndLag) {
  const auto [commune, school] = CommuneAndSchool();
  v1::CreateProjectRequest create;
  create.set_project_id("th-do-son-nha-hoc");
  create.set_request_id("4b0c6a1e-0d7f-4b57-8f0e-1c2d3e4f5a6b");
  v1::Project& project = *create.mutable_project();
  project.set_display_name("Xây nhà học 3 tầng");
  project.set_budget_unit("units/" + commune);
  project.set_unit(school);
  project.set_approved_total_dong(10'000'000'000);
  project.set_approving_document("Quyết định 77/QĐ-UBND");
  for (int month = 1; month <= 4; ++month) {
    v1::PlannedDisbursement* plan = project.add_planned();
    plan->set_year(2026);
    plan->set_month(month);
    plan->set_amount_dong(2'500'000'000);
  }
  ASSERT_OK(Call(&Stub::CreateProject, create).status());
  ASSERT_OK(Call(&Stub::CreateProject, create).status());  // same request
  create.clear_request_id();
  EXPECT_THAT(Call(&Stub::CreateProject, create),
              StatusIs(absl::StatusCode::kAlreadyExists));

  v1::RecordDisbursementRequest pay;
  pay.set_parent("projects/th-do-son-nha-hoc");
  pay.mutable_disbursement()->set_year(2026);
  pay.mutable_disbursement()->set_month(2);
  pay.mutable_disbursement()->set_amount_dong(3'000'000'000);
  pay.set_request_id("0e9f6c2a-1111-4c4c-8888-123456789abc");
  ASSERT_OK(Call(&Stub::RecordDisbursement, pay).status());
  ASSERT_OK(Call(&Stub::RecordDisbursement, pay).status());  // recorded once
  pay.clear_request_id();
  pay.mutable_disbursement()->set_amount_dong(7'000'000'001);
  EXPECT_THAT(Call(&Stub::RecordDisbursement, pay),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  v1::ListProjectProgressRequest progress;
  progress.set_as_of_year(2026);
  progress.set_as_of_month(3);
  ASSERT_OK_AND_ASSIGN(const v1::ListProjectProgressResponse got,
                       Call(&Stub::ListProjectProgress, progress));
  ASSERT_THAT(got.projects(), SizeIs(1));
  // Planned 7.5 bn to March, paid 3 bn: 40% of plan, 30% of total.
  EXPECT_EQ(got.projects(0).planned_to_date_dong(), 7'500'000'000);
  EXPECT_EQ(got.projects(0).actual_to_date_dong(), 3'000'000'000);
  EXPECT_EQ(got.projects(0).lag_dong(), 4'500'000'000);
  EXPECT_EQ(got.projects(0).progress_percent(), "30.00");
  EXPECT_TRUE(got.projects(0).lagging());
  EXPECT_EQ(got.lagging_count(), 1);
  v1::GetProjectRequest get;
  get.set_name("projects/th-do-son-nha-hoc");
  EXPECT_EQ(Call(&Stub::GetProject, get)->disbursed_dong(), 3'000'000'000);
}

// The what-if with headcounts from a real staffing service: Đồ Sơn has a
// primary school P (3 teachers, 1 principal, 2 staff, and a teacher who
// starts on 1 December 2026) and a preschool M (2 teachers, 1 staff);
// another commune's primary school Q has 4 teachers.
class BudgetAllowanceTest : public BudgetServiceTest {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        staffing_,
        hpedu::testing::StartTestService(
            staffing::Definition([] { return absl::CivilDay(2026, 11, 25); }),
            [](server::ServerConfig& config) {
              config.peer_addresses["registry"] =
                  registry::testing::SharedDemoRegistry().address;
            }));
    std::string p, m, q;
    for (const rv1::Unit& unit : Units()) {
      if (unit.kind() != rv1::SCHOOL || unit.has_valid_until()) continue;
      const bool do_son = unit.parent() == "units/phuong-do-son";
      const std::string id = unit.name().substr(6);
      for (int level : unit.school().levels()) {
        if (level == rv1::TH && do_son && p.empty()) p = id;
        if (level == rv1::TH && !do_son && q.empty()) q = id;
        if (level == rv1::MN && do_son && m.empty()) m = id;
      }
    }
    ASSERT_FALSE(p.empty() || m.empty() || q.empty());
    auto line = [](const std::string& id, const std::string& school,
                   const std::string& position, const std::string& level,
                   const std::string& start = "2020-09-01") {
      return absl::StrCat(id, ",", school, ",Nguyễn Thị Lan,1985,FEMALE,",
                          position, ",", level, ",,PERMANENT,BACHELOR,",
                          "2015-06-01,", start, ",\n");
    };
    sv1::ImportRosterRequest roster;
    roster.set_csv_content(absl::StrCat(
        "staff_id,school,display_name,birth_year,sex,position,level,subject,"
        "employment,qualification,qualification_date,start_date,generated\n",
        line("gv-p1", p, "TEACHER", "TH"), line("gv-p2", p, "TEACHER", "TH"),
        line("gv-p3", p, "TEACHER", "TH"), line("ql-p1", p, "MANAGER", "TH"),
        line("nv-p1", p, "STAFF", "TH"), line("nv-p2", p, "STAFF", "TH"),
        line("gv-p4", p, "TEACHER", "TH", "2026-12-01"),
        line("gv-m1", m, "TEACHER", "MN"), line("gv-m2", m, "TEACHER", "MN"),
        line("nv-m1", m, "STAFF", "MN"), line("gv-q1", q, "TEACHER", "TH"),
        line("gv-q2", q, "TEACHER", "TH"), line("gv-q3", q, "TEACHER", "TH"),
        line("gv-q4", q, "TEACHER", "TH")));
    auto stub = sv1::StaffingService::NewStub(TestIdentity::Channel(
        staffing_.address, TestIdentity::Token(auth::Role::kLeadership)));
    grpc::ClientContext context;
    sv1::ImportResponse imported;
    const grpc::Status status =
        stub->ImportRoster(&context, roster, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
    StartBudget(staffing_.address);
  }

  void TearDown() override {
    BudgetServiceTest::TearDown();
    StopStaffing();
  }

  void StopStaffing() {
    if (staffing_.host) {
      staffing_.host->Shutdown(absl::Seconds(5));
      staffing_.host->Wait();
      staffing_.host.reset();
    }
  }

  static v1::AllowanceGroup Group(const std::string& label,
                                  v1::StaffCategory category,
                                  v1::SubSector level,
                                  const std::string& coefficient,
                                  int32_t current) {
    v1::AllowanceGroup group;
    group.set_label(label);
    group.set_category(category);
    group.set_sub_sector(level);
    group.set_average_coefficient(coefficient);
    group.set_current_rate_percent(current);
    return group;
  }

  hpedu::testing::TestService staffing_;
};

TEST_F(BudgetAllowanceTest, HeadcountsComeFromStaffing) {
  v1::EstimateAllowanceCostRequest request;
  request.set_fiscal_year(2026);
  request.set_org_unit("units/phuong-do-son");
  // 3 teachers + 1 principal on 25 November: 4 x 4 x 2,340,000 x 35% x 12
  // = 157,248,000.
  *request.add_groups() =
      Group("Giáo viên tiểu học", v1::TEACHER, v1::PRIMARY, "4.00", 35);
  // 2 teachers + 1 planned hire: 3 x 3 x 2,340,000 x 35% x 12 =
  // 88,452,000.
  *request.add_groups() =
      Group("Giáo viên mầm non", v1::TEACHER, v1::PRESCHOOL, "3", 35);
  request.mutable_groups(1)->set_additional_headcount(1);
  // 3 staff of both schools: 3 x 2 x 2,340,000 x 30% x 12 = 50,544,000.
  *request.add_groups() =
      Group("Nhân viên", v1::SCHOOL_STAFF, v1::SUB_SECTOR_UNSPECIFIED, "2", 0);
  ASSERT_OK_AND_ASSIGN(v1::AllowanceCostEstimate estimate,
                       Call(&Stub::EstimateAllowanceCost, request));
  EXPECT_EQ(estimate.salary_base_dong(), 2'340'000);
  EXPECT_THAT(estimate.salary_base_source(), HasSubstr("73/2024/NĐ-CP"));
  EXPECT_EQ(estimate.org_unit(), "units/phuong-do-son");
  EXPECT_EQ(api::FromProtoDate(estimate.headcount_as_of(), "").value(),
            absl::CivilDay(2026, 11, 25));
  EXPECT_THAT(estimate.headcount_source(),
              HasSubstr("Dịch vụ đội ngũ (staffing, GetHeadcount): Phường Đồ "
                        "Sơn, ngày 25/11/2026"));
  ASSERT_THAT(estimate.groups(), SizeIs(3));
  EXPECT_EQ(estimate.groups(0).staffing_headcount(), 4);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 157'248'000);
  EXPECT_EQ(estimate.groups(1).staffing_headcount(), 2);
  EXPECT_EQ(estimate.groups(1).headcount(), 3);
  EXPECT_EQ(estimate.groups(1).yearly_increase_dong(), 88'452'000);
  EXPECT_EQ(estimate.groups(2).headcount(), 3);
  EXPECT_EQ(estimate.groups(2).yearly_increase_dong(), 50'544'000);
  EXPECT_EQ(estimate.total_yearly_increase_dong(), 296'244'000);

  // On 1 December the fourth teacher of P has started: 5 x 4 x 2,340,000
  // x 35% x 12 = 196,560,000.
  *request.mutable_headcount_as_of() = api::ToProtoDate(absl::CivilDay(2026, 12, 1));
  ASSERT_OK_AND_ASSIGN(estimate, Call(&Stub::EstimateAllowanceCost, request));
  EXPECT_EQ(estimate.groups(0).headcount(), 5);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 196'560'000);

  // The city (the default): Q's 4 teachers too, 8 x 4 x 2,340,000 x 35% x
  // 12 = 314,496,000. In 2024 the base on 1 January was 1,800,000.
  request.clear_org_unit();
  request.clear_headcount_as_of();
  ASSERT_OK_AND_ASSIGN(estimate, Call(&Stub::EstimateAllowanceCost, request));
  EXPECT_EQ(estimate.org_unit(), "units/hai-phong");
  EXPECT_EQ(estimate.groups(0).headcount(), 8);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 314'496'000);
  request.set_fiscal_year(2024);
  EXPECT_EQ(Call(&Stub::EstimateAllowanceCost, request)->salary_base_dong(),
            1'800'000);

  // Only the city or a commune has people to cost.
  request.set_org_unit("units/khong-co");
  EXPECT_THAT(Call(&Stub::EstimateAllowanceCost, request),
              HasFieldViolation("org_unit"));
}

TEST_F(BudgetAllowanceTest, StaffingDownIsUnavailableNotAGuess) {
  v1::EstimateAllowanceCostRequest request;
  *request.add_groups() =
      Group("Giáo viên", v1::TEACHER, v1::SUB_SECTOR_UNSPECIFIED, "4", 35);
  ASSERT_OK(Call(&Stub::EstimateAllowanceCost, request).status());
  StopStaffing();
  const absl::StatusOr<v1::AllowanceCostEstimate> down =
      Call(&Stub::EstimateAllowanceCost, request);
  EXPECT_THAT(down, StatusIs(absl::StatusCode::kUnavailable,
                             HasSubstr("Dịch vụ đội ngũ (staffing)")));
  EXPECT_EQ(GetErrorInfo(down.status()).reason(), "STAFFING_UNAVAILABLE");
  // Bad input is still reported without asking anyone.
  request.mutable_groups(0)->set_average_coefficient("bốn");
  EXPECT_THAT(Call(&Stub::EstimateAllowanceCost, request),
              HasFieldViolation("groups[0].average_coefficient"));
}

}  // namespace
}  // namespace hpedu::budget
