// The authorization matrices of the indicators process (IndicatorsService
// and ApprovalService): every RPC × {no identity, wrong role, wrong
// commune, right caller}; refused calls write nothing.
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hpedu/indicators/v1/approvals.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/indicators/indicators_definition.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::indicators {
namespace {

using ::hpedu::testing::CallAs;
using ::hpedu::testing::RpcCase;
using ::hpedu::testing::TestIdentity;
using Stub = v1::IndicatorsService::Stub;
using auth::Role;

constexpr char kHeader[] =
    "indicator,org_unit,period,disaggregation,numerator,denominator,value,"
    "generated\n";

v1::CreateIndicatorRequest Percentage(const std::string& id) {
  v1::CreateIndicatorRequest request;
  request.set_indicator_id(id);
  v1::Indicator* indicator = request.mutable_indicator();
  indicator->set_code(absl::AsciiStrToUpper(id));
  indicator->set_display_name("Tỷ lệ huy động trẻ mẫu giáo");
  indicator->set_unit_label("%");
  indicator->set_kind(v1::RATIO);
  indicator->set_factor(100);
  indicator->set_direction(v1::HIGHER_IS_BETTER);
  indicator->set_reporting_level(v1::COMMUNE);
  indicator->set_period_type(v1::SCHOOL_YEAR);
  indicator->set_lock_after_days(60);
  indicator->set_lead_agency("units/so-gddt-qlcl");
  return request;
}

v1::ReportValueRequest Value(const std::string& unit, int64_t numerator) {
  v1::ReportValueRequest request;
  request.set_parent("indicators/hp-02");
  request.mutable_value()->set_org_unit(unit);
  request.mutable_value()->set_period("2025-2026");
  request.mutable_value()->set_numerator(numerator);
  request.mutable_value()->set_denominator(100);
  return request;
}

// The service over the demo registry on 15 June 2026 with hp-02 defined,
// and a token for each caller the matrices try.
class IndicatorsAuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        service_, hpedu::testing::StartTestService(
                      Definition([] { return absl::CivilDay(2026, 6, 15); }),
                      [](server::ServerConfig& config) {
                        config.peer_addresses["registry"] =
                            registry::testing::SharedDemoRegistry().address;
                      }));
    ASSERT_TRUE(CallAs(address_, leadership_, &Stub::CreateIndicator,
                       Percentage("hp-02"))
                    .ok());
  }

  hpedu::testing::TestService service_;
  const std::string& address_ = service_.address;
  const std::string leadership_ = TestIdentity::Token(Role::kLeadership);
  const std::string do_son_ =
      TestIdentity::Token(Role::kCommuneOfficer, "units/phuong-do-son");
  const std::string duong_kinh_ =
      TestIdentity::Token(Role::kCommuneOfficer, "units/phuong-duong-kinh");
  const std::string operator_token_ = TestIdentity::Token(Role::kOperator);
  const std::string integration_ = TestIdentity::Token(Role::kIntegration);
  const std::string quality_ =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-qlcl");
  const std::string staffing_division_ =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-tccb");
};

TEST_F(IndicatorsAuthorizationTest, EveryRpcChecksRoleAndScope) {
  ASSERT_TRUE(CallAs(address_, leadership_, &Stub::ReportValue,
                     Value("units/phuong-do-son", 80))
                  .ok());
  // A computed indicator, led by the staffing division.
  v1::CreateIndicatorRequest computed = Percentage("hp-10");
  computed.mutable_indicator()->set_source(v1::STAFFING_SERVICE);
  computed.mutable_indicator()->set_lead_agency("units/so-gddt-tccb");
  ASSERT_TRUE(CallAs(address_, leadership_, &Stub::CreateIndicator, computed).ok());
  v1::RefreshComputedValuesRequest refresh;
  refresh.set_indicator("indicators/hp-10");
  refresh.set_period("2025-2026");

  v1::GetIndicatorRequest get;
  get.set_name("indicators/hp-02");
  v1::UpdateIndicatorRequest update;
  update.mutable_indicator()->set_name("indicators/hp-02");
  update.mutable_indicator()->set_display_name("Tỷ lệ huy động (sửa)");
  update.mutable_update_mask()->add_paths("display_name");
  v1::CreateTargetRequest target;
  target.set_parent("indicators/hp-02");
  target.set_target_id("do-son-2030");
  target.mutable_target()->set_org_unit("units/phuong-do-son");
  target.mutable_target()->set_issuer("UBND phường Đồ Sơn");
  target.mutable_target()->set_horizon("2030");
  target.mutable_target()->set_comparator(v1::GREATER_OR_EQUAL);
  target.mutable_target()->set_value("88");
  target.mutable_target()->set_plan_document("KH thực hiện NQ 71");
  v1::ListReportedValuesRequest list_values;
  list_values.set_parent("indicators/hp-02");
  list_values.set_org_unit("units/phuong-do-son");
  v1::ListValueRevisionsRequest revisions;
  revisions.set_name("indicators/hp-02/values/phuong-do-son~2025-2026");
  v1::ImportReportedValuesRequest import;
  import.set_csv_content(
      absl::StrCat(kHeader, "HP-02,phuong-do-son,2025-2026,,85,100,,\n"));
  v1::RollUpRequest rollup;
  rollup.set_indicator("indicators/hp-02");
  rollup.set_period("2025-2026");
  rollup.set_org_unit("units/phuong-do-son");

  auto call = [&](auto method, const auto& request) {
    return [this, method, request](const std::string& token) {
      return CallAs(address_, token, method, request);
    };
  };
  auto stream_import = [&](const std::string& token) {
    Stub stub(TestIdentity::Channel(address_, token));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    v1::ImportReportedValuesResponse response;
    auto writer = stub.StreamImportReportedValues(&context, &response);
    v1::ImportReportedValuesRequest chunk;
    chunk.set_csv_content(
        absl::StrCat(kHeader, "HP-02,phuong-do-son,2025-2026,,86,100,,\n"));
    writer->Write(chunk);
    writer->WritesDone();
    return writer->Finish();
  };
  std::vector<RpcCase> cases = {
      {"GetIndicator", call(&Stub::GetIndicator, get), do_son_, operator_token_,
       ""},
      {"ListIndicators",
       call(&Stub::ListIndicators, v1::ListIndicatorsRequest()), do_son_,
       operator_token_, ""},
      // Definitions belong to the division that leads them.
      {"CreateIndicator", call(&Stub::CreateIndicator, Percentage("hp-03")),
       quality_, do_son_, staffing_division_, true},
      {"UpdateIndicator", call(&Stub::UpdateIndicator, update), quality_,
       do_son_, staffing_division_, true},
      // A ward sets its own targets.
      {"CreateTarget", call(&Stub::CreateTarget, target), do_son_, integration_,
       duong_kinh_, true},
      {"ListTargets",
       call(&Stub::ListTargets,
            [] {
              v1::ListTargetsRequest r;
              r.set_parent("indicators/-");
              return r;
            }()),
       do_son_, operator_token_, ""},
      {"ReportValue",
       call(&Stub::ReportValue, Value("units/phuong-do-son", 90)), do_son_,
       integration_, duong_kinh_, true},
      {"ListReportedValues", call(&Stub::ListReportedValues, list_values),
       do_son_, operator_token_, duong_kinh_},
      {"ListValueRevisions", call(&Stub::ListValueRevisions, revisions),
       do_son_, operator_token_, duong_kinh_},
      {"ImportReportedValues", call(&Stub::ImportReportedValues, import),
       do_son_, integration_, duong_kinh_, true},
      {"StreamImportReportedValues", stream_import, do_son_, integration_,
       duong_kinh_, true},
      {"RollUp", call(&Stub::RollUp, rollup), do_son_, operator_token_,
       duong_kinh_},
      // The audit trail is the Sở's.
      {"ListAuditEvents",
       call(&Stub::ListAuditEvents, audit::v1::ListAuditEventsRequest()),
       leadership_, do_son_, ""},
      // A write of the indicator's lead division. No staffing service runs
      // here, so the allowed call stores nothing (the write and its audit
      // event: computed_values_test).
      {"RefreshComputedValues", call(&Stub::RefreshComputedValues, refresh),
       staffing_division_, do_son_, quality_},
      {"ListJobs", call(&Stub::ListJobs, jobs::v1::ListJobsRequest()),
       leadership_, do_son_, ""},
  };
  for (hpedu::testing::RpcCase& feed :
       hpedu::testing::FeedCases<Stub>(address_, leadership_, do_son_)) {
    cases.push_back(std::move(feed));
  }
  hpedu::testing::RunAuthorizationMatrix(
      v1::IndicatorsService::service_full_name(), cases,
      hpedu::testing::DatabaseProbes(service_.db, "indicators"));

  // A write naming a unit the registry does not know is refused as such.
  grpc::Status unknown = CallAs(address_, do_son_, &Stub::ReportValue,
                                Value("units/khong-co", 50));
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// The reporting loop: a ward submits its own figures and no other's; the
// quality_ division reviews, the staffing division (not the workflow's lead
// agency), integrations and operators cannot; nobody approves itself.
TEST_F(IndicatorsAuthorizationTest, EveryApprovalRpcChecksRoleAndScope) {
  using Approvals = v1::ApprovalService::Stub;
  ASSERT_TRUE(CallAs(address_, leadership_, &Stub::CreateIndicator,
                     Percentage("hp-03"))
                  .ok());

  auto workflow = [](const std::string& id, const std::string& indicator) {
    v1::CreateApprovalWorkflowRequest request;
    request.set_workflow_id(id);
    v1::ApprovalWorkflow* w = request.mutable_workflow();
    w->set_display_name("Báo cáo năm học");
    w->set_period_type(v1::SCHOOL_YEAR);
    w->add_indicators(indicator);
    w->set_lead_agency("units/so-gddt-qlcl");
    v1::ApprovalLevel* level = w->add_levels();
    level->set_reporting_level(v1::COMMUNE);
    level->add_approver_roles("division");
    return request;
  };
  ASSERT_TRUE(CallAs(address_, leadership_, &Approvals::CreateApprovalWorkflow,
                     workflow("nam-hoc", "indicators/hp-02"))
                  .ok());
  auto name_of = [](const std::string& unit) {
    return absl::StrCat("approvalWorkflows/nam-hoc/submissions/", unit,
                        "~2025-2026");
  };
  // Đương Kinh waits for review (for ReturnSubmission).
  v1::SubmitValuesRequest waiting;
  waiting.set_name(name_of("phuong-duong-kinh"));
  ASSERT_TRUE(
      CallAs(address_, duong_kinh_, &Approvals::SubmitValues, waiting).ok());

  v1::GetApprovalWorkflowRequest get;
  get.set_name("approvalWorkflows/nam-hoc");
  v1::GetSubmissionRequest get_submission;
  get_submission.set_name(name_of("phuong-do-son"));
  v1::ListSubmissionsRequest list;
  list.set_parent("approvalWorkflows/nam-hoc");
  list.set_period("2025-2026");
  v1::SubmitValuesRequest submit;
  submit.set_name(name_of("phuong-do-son"));
  v1::ApproveSubmissionRequest approve;
  approve.set_name(name_of("phuong-do-son"));
  v1::UnapproveSubmissionRequest unapprove;
  unapprove.set_name(name_of("phuong-do-son"));
  unapprove.set_reason("Cần đối chiếu với số liệu dân số");
  v1::ReturnSubmissionRequest give_back;
  give_back.set_name(name_of("phuong-duong-kinh"));
  give_back.set_reason("Thiếu minh chứng");

  auto call = [&](auto method, const auto& request) {
    return [this, method, request](const std::string& token) {
      return CallAs(address_, token, method, request);
    };
  };
  // In order: the allowed submit precedes the approval, which precedes the
  // unapproval.
  std::vector<RpcCase> cases = {
      {"CreateApprovalWorkflow",
       call(&Approvals::CreateApprovalWorkflow,
            workflow("nam-hoc-2", "indicators/hp-03")),
       leadership_, do_son_, "", true},
      {"GetApprovalWorkflow", call(&Approvals::GetApprovalWorkflow, get),
       do_son_, operator_token_, ""},
      {"ListApprovalWorkflows",
       call(&Approvals::ListApprovalWorkflows,
            v1::ListApprovalWorkflowsRequest()),
       do_son_, operator_token_, ""},
      {"GetSubmission", call(&Approvals::GetSubmission, get_submission),
       do_son_, operator_token_, duong_kinh_},
      // Each officer's list holds its own unit's only.
      {"ListSubmissions", call(&Approvals::ListSubmissions, list), do_son_,
       operator_token_, ""},
      {"SubmitValues", call(&Approvals::SubmitValues, submit), do_son_,
       integration_, duong_kinh_, true},
      {"ApproveSubmission", call(&Approvals::ApproveSubmission, approve),
       quality_, do_son_, staffing_division_, true},
      {"UnapproveSubmission", call(&Approvals::UnapproveSubmission, unapprove),
       quality_, operator_token_, staffing_division_, true},
      {"ReturnSubmission", call(&Approvals::ReturnSubmission, give_back),
       quality_, integration_, staffing_division_, true},
  };
  hpedu::testing::RunAuthorizationMatrix(
      v1::ApprovalService::service_full_name(), cases,
      hpedu::testing::DatabaseProbes(service_.db, "indicators"));
}

}  // namespace
}  // namespace hpedu::indicators
