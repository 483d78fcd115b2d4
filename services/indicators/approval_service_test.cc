// The reporting loop over gRPC, against the real service, PostgreSQL and the
// demo registry: a school submits, its commune returns it and later
// approves it, the commune submits, the lead division approves; who may not
// review is refused, and a refused call changes nothing.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hpedu/indicators/v1/approvals.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/indicators/indicators_definition.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::indicators {
namespace {

using ::hpedu::testing::CallFor;
using ::hpedu::testing::TestIdentity;
using ::hpedu::testing::StatusIs;
using auth::Role;
using Approvals = v1::ApprovalService::Stub;
namespace rv1 = ::hpedu::registry::v1;

class ApprovalLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        service_, hpedu::testing::StartTestService(
                      Definition([] { return absl::CivilDay(2026, 6, 15); }),
                      [](server::ServerConfig& config) {
                        config.peer_addresses["registry"] =
                            registry::testing::SharedDemoRegistry().address;
                      }));
    // A current school and its commune from the demo city.
    for (const rv1::Unit& unit : registry::testing::SharedDemoRegistry().units) {
      if (unit.kind() == rv1::SCHOOL && !unit.has_valid_until() &&
          !unit.parent().empty()) {
        school_ = unit.name().substr(sizeof("units/") - 1);
        commune_ = unit.parent().substr(sizeof("units/") - 1);
        break;
      }
    }
    ASSERT_FALSE(school_.empty());
    for (const rv1::Unit& unit : registry::testing::SharedDemoRegistry().units) {
      if ((unit.kind() == rv1::COMMUNE || unit.kind() == rv1::WARD) &&
          !unit.has_valid_until() && unit.name() != "units/" + commune_) {
        other_commune_ = unit.name().substr(sizeof("units/") - 1);
        break;
      }
    }
    ASSERT_FALSE(other_commune_.empty());

    v1::CreateIndicatorRequest indicator;
    indicator.set_indicator_id("hp-05");
    v1::Indicator* i = indicator.mutable_indicator();
    i->set_code("HP-05");
    i->set_display_name("Số trường đạt chuẩn quốc gia");
    i->set_unit_label("trường");
    i->set_kind(v1::PLAIN_VALUE);
    i->set_direction(v1::HIGHER_IS_BETTER);
    i->set_reporting_level(v1::SCHOOL);
    i->set_period_type(v1::SCHOOL_YEAR);
    i->set_lead_agency("units/so-gddt-qlcl");
    ASSERT_OK(CallFor(address(), leadership_, &v1::IndicatorsService::Stub::CreateIndicator,
                 indicator)
                  .status());

    v1::CreateApprovalWorkflowRequest workflow;
    workflow.set_workflow_id("bao-cao-nam-hoc");
    v1::ApprovalWorkflow* w = workflow.mutable_workflow();
    w->set_display_name("Báo cáo năm học");
    w->set_period_type(v1::SCHOOL_YEAR);
    w->add_indicators("indicators/hp-05");
    w->set_lead_agency("units/so-gddt-qlcl");
    v1::ApprovalLevel* schools = w->add_levels();
    schools->set_reporting_level(v1::SCHOOL);
    schools->add_approver_roles("commune_officer");
    v1::ApprovalLevel* communes = w->add_levels();
    communes->set_reporting_level(v1::COMMUNE);
    communes->add_approver_roles("division");
    communes->add_approver_roles("leadership");
    ASSERT_OK(CallFor(address(), leadership_, &Approvals::CreateApprovalWorkflow,
                 workflow)
                  .status());
  }

  const std::string& address() const { return service_.address; }
  std::string SubmissionOf(const std::string& unit) const {
    return absl::StrCat("approvalWorkflows/bao-cao-nam-hoc/submissions/", unit,
                        "~2025-2026");
  }
  absl::StatusOr<v1::Submission> Submit(const std::string& token,
                                        const std::string& unit) {
    v1::SubmitValuesRequest request;
    request.set_name(SubmissionOf(unit));
    return CallFor(address(), token, &Approvals::SubmitValues, request);
  }
  absl::StatusOr<v1::Submission> Approve(const std::string& token,
                                         const std::string& unit) {
    v1::ApproveSubmissionRequest request;
    request.set_name(SubmissionOf(unit));
    return CallFor(address(), token, &Approvals::ApproveSubmission, request);
  }
  absl::StatusOr<v1::Submission> Return(const std::string& token,
                                        const std::string& unit,
                                        const std::string& reason) {
    v1::ReturnSubmissionRequest request;
    request.set_name(SubmissionOf(unit));
    request.set_reason(reason);
    return CallFor(address(), token, &Approvals::ReturnSubmission, request);
  }
  absl::StatusOr<v1::Submission> Unapprove(const std::string& token,
                                           const std::string& unit,
                                           const std::string& reason) {
    v1::UnapproveSubmissionRequest request;
    request.set_name(SubmissionOf(unit));
    request.set_reason(reason);
    return CallFor(address(), token, &Approvals::UnapproveSubmission, request);
  }
  v1::Submission::State StateOf(const std::string& unit) {
    v1::GetSubmissionRequest request;
    request.set_name(SubmissionOf(unit));
    absl::StatusOr<v1::Submission> got =
        CallFor(address(), leadership_, &Approvals::GetSubmission, request);
    EXPECT_OK(got.status());
    return got.ok() ? got->state() : v1::Submission::STATE_UNSPECIFIED;
  }

  // The city's hp-05 for 2025-2026: from the kept totals, or with
  // drill_down summed per commune (the figure of `commune_` then).
  v1::Figure CityFigure(bool include_unapproved, bool drill_down = false) {
    v1::RollUpRequest request;
    request.set_indicator("indicators/hp-05");
    request.set_period("2025-2026");
    request.set_include_unapproved(include_unapproved);
    request.set_drill_down(drill_down);
    absl::StatusOr<v1::RollUpResponse> got =
        CallFor(address(), leadership_, &v1::IndicatorsService::Stub::RollUp,
                request);
    EXPECT_OK(got.status());
    if (!got.ok() || got->roll_ups_size() != 1) return v1::Figure();
    if (!drill_down) return got->roll_ups(0).total();
    for (const v1::Figure& child : got->roll_ups(0).children()) {
      if (child.org_unit() == "units/" + commune_) return child;
    }
    ADD_FAILURE() << "no figure for " << commune_;
    return v1::Figure();
  }

  hpedu::testing::TestService service_;
  std::string school_, commune_, other_commune_;
  const std::string leadership_ = TestIdentity::Token(Role::kLeadership);
};

TEST_F(ApprovalLoopTest, SchoolToCommuneToDivision) {
  const std::string school = TestIdentity::Token(Role::kSchoolOfficer,
                                                 "units/" + school_);
  const std::string commune = TestIdentity::Token(Role::kCommuneOfficer,
                                                  "units/" + commune_);
  const std::string division =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-qlcl");

  EXPECT_EQ(StateOf(school_), v1::Submission::DRAFT);
  ASSERT_OK_AND_ASSIGN(v1::Submission submitted, Submit(school, school_));
  EXPECT_EQ(submitted.state(), v1::Submission::SUBMITTED);
  EXPECT_EQ(submitted.commune(), "units/" + commune_);
  // Submitted twice: the state machine refuses.
  EXPECT_THAT(Submit(school, school_).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // A school does not approve itself.
  EXPECT_THAT(Approve(school, school_).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // While its school waits, the commune cannot submit.
  EXPECT_THAT(Submit(commune, commune_).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  ASSERT_OK_AND_ASSIGN(v1::Submission returned,
                       Return(commune, school_, "Thiếu minh chứng"));
  EXPECT_EQ(returned.state(), v1::Submission::RETURNED);
  EXPECT_EQ(returned.reason(), "Thiếu minh chứng");
  EXPECT_THAT(Return(commune, school_, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));

  // Open again: the school writes its figure, then resubmits; submitted,
  // the figure is locked.
  v1::ReportValueRequest value;
  value.set_parent("indicators/hp-05");
  value.mutable_value()->set_org_unit("units/" + school_);
  value.mutable_value()->set_period("2025-2026");
  value.mutable_value()->set_value("1");
  ASSERT_OK(CallFor(address(), school, &v1::IndicatorsService::Stub::ReportValue, value)
                .status());
  ASSERT_OK(Submit(school, school_).status());
  value.mutable_value()->set_value("2");
  const absl::Status locked =
      CallFor(address(), school, &v1::IndicatorsService::Stub::ReportValue, value)
          .status();
  EXPECT_THAT(locked, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(GetErrorInfo(locked).reason(), "SUBMISSION_LOCKED");
  // The same figure again changes nothing, so it is not refused: a retried
  // or repeated import of what was submitted succeeds, writing nothing.
  value.mutable_value()->set_value("1");
  ASSERT_OK_AND_ASSIGN(
      const v1::ReportedValue same,
      CallFor(address(), school, &v1::IndicatorsService::Stub::ReportValue, value));
  EXPECT_EQ(same.value(), "1");
  v1::ImportReportedValuesRequest again;
  again.set_csv_content(absl::StrCat(
      "indicator,org_unit,period,disaggregation,numerator,denominator,value,"
      "generated\nHP-05,",
      school_, ",2025-2026,,,,1,false\n"));
  ASSERT_OK_AND_ASSIGN(
      const v1::ImportReportedValuesResponse unchanged,
      CallFor(address(), school,
              &v1::IndicatorsService::Stub::ImportReportedValues, again));
  EXPECT_EQ(unchanged.unchanged(), 1);
  EXPECT_EQ(unchanged.corrected() + unchanged.created(), 0);
  ASSERT_OK_AND_ASSIGN(v1::Submission approved, Approve(commune, school_));
  EXPECT_EQ(approved.state(), v1::Submission::APPROVED);
  EXPECT_TRUE(approved.reason().empty());

  ASSERT_OK(Submit(commune, commune_).status());
  // The commune does not approve its own submission.
  EXPECT_THAT(Approve(commune, commune_).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Once the commune has submitted, its school stays approved.
  EXPECT_THAT(Unapprove(commune, school_, "Sai số liệu").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_OK_AND_ASSIGN(v1::Submission city, Approve(division, commune_));
  EXPECT_EQ(city.state(), v1::Submission::APPROVED);

  // The division unapproves the commune; then the commune may reopen its
  // school.
  ASSERT_OK(Unapprove(division, commune_, "Cần đối chiếu").status());
  EXPECT_EQ(StateOf(commune_), v1::Submission::RETURNED);
  ASSERT_OK(Unapprove(commune, school_, "Sai số liệu").status());
  EXPECT_EQ(StateOf(school_), v1::Submission::RETURNED);

  // The commune's queue lists its own and its school's.
  v1::ListSubmissionsRequest list;
  list.set_parent("approvalWorkflows/bao-cao-nam-hoc");
  list.set_period("2025-2026");
  ASSERT_OK_AND_ASSIGN(v1::ListSubmissionsResponse queue,
                       CallFor(address(), commune, &Approvals::ListSubmissions, list));
  EXPECT_EQ(queue.submissions_size(), 2);
}

TEST_F(ApprovalLoopTest, CityCountsWhatTheTopLevelApproved) {
  const std::string school = TestIdentity::Token(Role::kSchoolOfficer,
                                                 "units/" + school_);
  const std::string commune = TestIdentity::Token(Role::kCommuneOfficer,
                                                  "units/" + commune_);
  const std::string division =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-qlcl");
  v1::ReportValueRequest value;
  value.set_parent("indicators/hp-05");
  value.mutable_value()->set_org_unit("units/" + school_);
  value.mutable_value()->set_period("2025-2026");
  value.mutable_value()->set_value("3");
  ASSERT_OK(CallFor(address(), school, &v1::IndicatorsService::Stub::ReportValue,
                    value)
                .status());

  // Entered, submitted, approved by the commune: not yet the city's.
  for (int step = 0; step < 3; ++step) {
    if (step == 1) {
      ASSERT_OK(Submit(school, school_).status());
    } else if (step == 2) {
      ASSERT_OK(Approve(commune, school_).status());
    }
    for (bool drill_down : {false, true}) {
      SCOPED_TRACE(absl::StrCat("step ", step, " drill_down ", drill_down));
      const v1::Figure approved = CityFigure(false, drill_down);
      EXPECT_EQ(approved.state(), v1::NO_REPORTS);
      EXPECT_EQ(approved.reporters(), 0);
      EXPECT_EQ(approved.unapproved_reporters(), 1);
      const v1::Figure all = CityFigure(true, drill_down);
      EXPECT_EQ(all.value(), "3");
      EXPECT_EQ(all.reporters(), 1);
      EXPECT_EQ(all.unapproved_reporters(), 1);
    }
  }
  // A submitted commune locks its schools' submissions.
  ASSERT_OK(Submit(commune, commune_).status());
  EXPECT_THAT(Return(commune, school_, "Sai").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(CityFigure(false).reporters(), 0);

  // The division approves the commune: its approved school now counts.
  ASSERT_OK(Approve(division, commune_).status());
  for (bool drill_down : {false, true}) {
    SCOPED_TRACE(absl::StrCat("approved, drill_down ", drill_down));
    const v1::Figure approved = CityFigure(false, drill_down);
    EXPECT_EQ(approved.state(), v1::COMPUTED);
    EXPECT_EQ(approved.value(), "3");
    EXPECT_EQ(approved.reporters(), 1);
    EXPECT_EQ(approved.unapproved_reporters(), 0);
    EXPECT_EQ(CityFigure(true, drill_down).value(), "3");
  }

  // Unapproved: out of the approved figure again, still in the other.
  ASSERT_OK(Unapprove(division, commune_, "Cần đối chiếu").status());
  for (bool drill_down : {false, true}) {
    SCOPED_TRACE(absl::StrCat("unapproved, drill_down ", drill_down));
    EXPECT_EQ(CityFigure(false, drill_down).reporters(), 0);
    EXPECT_EQ(CityFigure(false, drill_down).unapproved_reporters(), 1);
    EXPECT_EQ(CityFigure(true, drill_down).value(), "3");
  }
}

TEST_F(ApprovalLoopTest, AnIndicatorJoinsOneWorkflowOfItsPeriodType) {
  v1::CreateApprovalWorkflowRequest workflow;
  workflow.set_workflow_id("bao-cao-khac");
  v1::ApprovalWorkflow* w = workflow.mutable_workflow();
  w->set_display_name("Báo cáo khác");
  w->set_period_type(v1::SCHOOL_YEAR);
  w->set_first_period("2026-2027");
  w->add_indicators("indicators/hp-05");
  w->set_lead_agency("units/so-gddt-qlcl");
  v1::ApprovalLevel* level = w->add_levels();
  level->set_reporting_level(v1::COMMUNE);
  level->add_approver_roles("division");
  const absl::Status taken =
      CallFor(address(), leadership_, &Approvals::CreateApprovalWorkflow, workflow)
          .status();
  EXPECT_THAT(taken, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(taken.message()), ::testing::HasSubstr("bao-cao-nam-hoc"));
  w->set_first_period("2026");
  EXPECT_THAT(
      CallFor(address(), leadership_, &Approvals::CreateApprovalWorkflow, workflow)
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
  // The existing workflow again (its own indicators): ALREADY_EXISTS, not
  // "in another workflow".
  workflow.set_workflow_id("bao-cao-nam-hoc");
  w->set_first_period("2026-2027");
  EXPECT_THAT(
      CallFor(address(), leadership_, &Approvals::CreateApprovalWorkflow, workflow)
          .status(),
      StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(ApprovalLoopTest, WhoMayNotReviewIsRefusedAndNothingChanges) {
  const std::string school = TestIdentity::Token(Role::kSchoolOfficer,
                                                 "units/" + school_);
  ASSERT_OK(Submit(school, school_).status());
  const std::string other = TestIdentity::Token(Role::kCommuneOfficer,
                                                "units/" + other_commune_);
  const std::string other_division =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-tccb");
  for (const std::string& token :
       {other, other_division, TestIdentity::Token(Role::kIntegration),
        TestIdentity::Token(Role::kOperator)}) {
    EXPECT_THAT(Approve(token, school_).status(),
                StatusIs(absl::StatusCode::kPermissionDenied));
    EXPECT_THAT(Return(token, school_, "không").status(),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  // Commune B writes nothing for commune A's school.
  EXPECT_THAT(Submit(other, commune_).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(StateOf(school_), v1::Submission::SUBMITTED);
  EXPECT_EQ(StateOf(commune_), v1::Submission::DRAFT);
}

}  // namespace
}  // namespace hpedu::indicators
