// The authorization matrix of the budget service: every RPC × {no identity,
// wrong role, an officer of another commune, the right caller}; refused
// calls write nothing. Budgets and projects belong to their commune (none
// for the city's) and are led by the Sở's finance division.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/budget/budget_definition.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu::budget {
namespace {

using ::hpedu::testing::CallAs;
using ::hpedu::testing::RpcCase;
using ::hpedu::testing::TestIdentity;
using Stub = v1::BudgetService::Stub;
using SourceStub = hpedu::indicators::v1::IndicatorSourceService::Stub;
using auth::Role;

constexpr char kCommune[] = "phuong-do-son";

v1::BudgetLine Line(const std::string& unit, int64_t amount) {
  v1::BudgetLine line;
  line.set_unit(unit);
  line.set_function(v1::EDUCATION_TRAINING);
  line.set_sub_sector(v1::PRIMARY);
  line.set_economic_type(v1::RECURRENT);
  line.set_source(v1::STATE_BUDGET);
  line.set_approving_document("NQ 1/NQ-HĐND");
  line.set_amount_dong(amount);
  return line;
}

class BudgetAuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The what-if asks a real staffing service (with nobody on its roster)
    // as the caller.
    ASSERT_OK_AND_ASSIGN(
        staffing_, hpedu::testing::StartTestService(
                       staffing::Definition(), [](server::ServerConfig& config) {
                         config.peer_addresses["registry"] =
                             registry::testing::SharedDemoRegistry().address;
                       }));
    ASSERT_OK_AND_ASSIGN(
        service_, hpedu::testing::StartTestService(
                      Definition(), [this](server::ServerConfig& config) {
                        config.peer_addresses["registry"] =
                            registry::testing::SharedDemoRegistry().address;
                        config.peer_addresses["staffing"] = staffing_.address;
                      }));
    db_ = service_.db;
    address_ = service_.address;
  }

  void TearDown() override {
    for (hpedu::testing::TestService* service : {&service_, &staffing_}) {
      if (service->host) {
        service->host->Shutdown(absl::Seconds(5));
        service->host->Wait();
      }
    }
  }

  hpedu::testing::TestService staffing_;
  hpedu::testing::TestService service_;
  std::string db_;
  std::string address_;
};

TEST_F(BudgetAuthorizationTest, EveryRpcChecksRoleAndScope) {
  const std::string commune = absl::StrCat("units/", kCommune);
  const std::string budget = absl::StrCat("budgets/", kCommune, "~2026");
  const std::string leadership = TestIdentity::Token(Role::kLeadership);
  const std::string do_son = TestIdentity::Token(Role::kCommuneOfficer, commune);
  const std::string duong_kinh =
      TestIdentity::Token(Role::kCommuneOfficer, "units/phuong-duong-kinh");
  const std::string operator_token = TestIdentity::Token(Role::kOperator);
  const std::string integration = TestIdentity::Token(Role::kIntegration);

  // What the reads read: a budget version and a project of Đồ Sơn.
  v1::CreateBudgetVersionRequest create;
  create.set_parent(budget);
  create.set_stage(v1::ESTIMATE);
  *create.mutable_budget_version()->add_lines() = Line(commune, 1'000'000);
  ASSERT_TRUE(CallAs(address_, leadership, &Stub::CreateBudgetVersion, create).ok());
  v1::CreateProjectRequest project;
  project.set_project_id("du-an-do-son");
  project.mutable_project()->set_display_name("Sửa chữa trường");
  project.mutable_project()->set_budget_unit(commune);
  project.mutable_project()->set_unit(commune);
  project.mutable_project()->set_approved_total_dong(1'000'000'000);
  project.mutable_project()->set_approving_document("QĐ 5/QĐ-UBND");
  ASSERT_TRUE(CallAs(address_, leadership, &Stub::CreateProject, project).ok());

  // The calls the matrix makes (writes by the right caller succeed).
  v1::CreateBudgetVersionRequest next = create;
  next.mutable_budget_version()->mutable_lines(0)->set_amount_dong(2'000'000);
  v1::GetBudgetVersionRequest get;
  get.set_name(budget + "/stages/estimate/versions/1");
  v1::ListBudgetVersionsRequest list;
  list.set_parent(budget);
  v1::ImportBudgetLinesRequest import;
  import.set_csv_content(absl::StrCat(
      "budget_unit,fiscal_year,stage,unit,function,sub_sector,economic_type,"
      "source,approving_document,amount_dong\n",
      kCommune, ",2026,execution,", kCommune,
      ",education,TH,recurrent,state,BC 1,900000\n"));
  v1::GetComplianceReportRequest report;
  report.set_first_year(2026);
  report.set_stage(v1::ESTIMATE);
  v1::GetExecutionTableRequest table;
  table.set_budget(budget);
  v1::GetBudgetSharesRequest shares;
  shares.set_fiscal_year(2026);
  v1::EstimateAllowanceCostRequest allowance;
  allowance.set_org_unit(commune);
  v1::AllowanceGroup* group = allowance.add_groups();
  group->set_label("Giáo viên");
  group->set_category(v1::TEACHER);
  group->set_additional_headcount(10);
  group->set_average_coefficient("4");
  v1::CreateProjectRequest another = project;
  another.set_project_id("du-an-do-son-2");
  v1::GetProjectRequest get_project;
  get_project.set_name("projects/du-an-do-son");
  v1::ListProjectsRequest projects;
  projects.set_budget_unit(commune);
  v1::RecordDisbursementRequest pay;
  pay.set_parent("projects/du-an-do-son");
  pay.mutable_disbursement()->set_year(2026);
  pay.mutable_disbursement()->set_month(3);
  pay.mutable_disbursement()->set_amount_dong(5'000'000);
  v1::ListProjectProgressRequest progress;
  progress.set_as_of_year(2026);
  progress.set_as_of_month(6);
  progress.set_budget_unit(commune);

  auto call = [this](auto method, const auto& request) {
    return [this, method, request](const std::string& token) {
      return CallAs(address_, token, method, request);
    };
  };
  std::vector<RpcCase> cases = {
      {"CreateBudgetVersion", call(&Stub::CreateBudgetVersion, next), do_son,
       integration, duong_kinh, /*writes=*/true},
      {"GetBudgetVersion", call(&Stub::GetBudgetVersion, get), do_son,
       operator_token, duong_kinh},
      {"ListBudgetVersions", call(&Stub::ListBudgetVersions, list), do_son,
       operator_token, duong_kinh},
      {"ImportBudgetLines", call(&Stub::ImportBudgetLines, import), do_son,
       integration, duong_kinh, /*writes=*/true},
      // The city-wide report is the published aggregate every role reads.
      {"GetComplianceReport", call(&Stub::GetComplianceReport, report), do_son,
       operator_token, ""},
      {"ExportComplianceReport", call(&Stub::ExportComplianceReport, report),
       do_son, operator_token, ""},
      {"GetExecutionTable", call(&Stub::GetExecutionTable, table), do_son,
       operator_token, duong_kinh},
      {"ExportExecutionTable", call(&Stub::ExportExecutionTable, table), do_son,
       operator_token, duong_kinh},
      {"GetBudgetShares", call(&Stub::GetBudgetShares, shares), do_son,
       operator_token, ""},
      // A commune's people are the commune's (staffing says the same).
      {"EstimateAllowanceCost", call(&Stub::EstimateAllowanceCost, allowance),
       do_son, operator_token, duong_kinh},
      {"CreateProject", call(&Stub::CreateProject, another), do_son,
       integration, duong_kinh, /*writes=*/true},
      {"GetProject", call(&Stub::GetProject, get_project), do_son,
       operator_token, duong_kinh},
      {"ListProjects", call(&Stub::ListProjects, projects), do_son,
       operator_token, duong_kinh},
      {"RecordDisbursement", call(&Stub::RecordDisbursement, pay), do_son,
       integration, duong_kinh, /*writes=*/true},
      {"ListProjectProgress", call(&Stub::ListProjectProgress, progress),
       do_son, operator_token, duong_kinh},
      // The trail is the Sở's: a commune officer may not read it.
      {"ListAuditEvents",
       call(&Stub::ListAuditEvents, hpedu::audit::v1::ListAuditEventsRequest()),
       leadership, do_son, ""},
  };
  for (hpedu::testing::RpcCase& feed :
       hpedu::testing::FeedCases<Stub>(address_, leadership, do_son)) {
    cases.push_back(std::move(feed));
  }
  hpedu::testing::RunAuthorizationMatrix(
      v1::BudgetService::service_full_name(), cases,
      hpedu::testing::DatabaseProbes(db_, "budget"));

  hpedu::indicators::v1::ComputeIndicatorValuesRequest compute;
  compute.set_indicator_code("R71-15");
  compute.set_period("2026");
  compute.add_org_units(commune);
  hpedu::testing::RunAuthorizationMatrix(
      hpedu::indicators::v1::IndicatorSourceService::service_full_name(),
      {{"ComputeIndicatorValues",
        call(&SourceStub::ComputeIndicatorValues, compute), do_son,
        operator_token, ""}},
      hpedu::testing::DatabaseProbes(db_, "budget"));
}

TEST_F(BudgetAuthorizationTest, TheFinanceDivisionWritesTheCityBudget) {
  v1::CreateBudgetVersionRequest create;
  create.set_parent("budgets/hai-phong~2026");
  create.set_stage(v1::ESTIMATE);
  *create.mutable_budget_version()->add_lines() = Line("units/so-gddt", 5);
  EXPECT_EQ(CallAs(address_,
                   TestIdentity::Token(Role::kDivision, "units/so-gddt-tccb"),
                   &Stub::CreateBudgetVersion, create)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CallAs(address_,
                   TestIdentity::Token(Role::kCommuneOfficer,
                                       "units/phuong-do-son"),
                   &Stub::CreateBudgetVersion, create)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(CallAs(address_,
                     TestIdentity::Token(Role::kDivision, "units/so-gddt-khtc"),
                     &Stub::CreateBudgetVersion, create)
                  .ok());
}

}  // namespace
}  // namespace hpedu::budget
