#include "services/indicators/approval_rules.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/api/request_id.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/status/status_macros.h"
#include "libs/status/errors.h"
#include "services/indicators/indicator_validation.h"

namespace hpedu::indicators {
namespace {

constexpr char kWorkflows[] = "approvalWorkflows";
constexpr std::string_view kSubmissions = "/submissions/";

// The roles a level may name, and the levels each may review.
bool IsApproverRole(std::string_view role) {
  return role == "commune_officer" || role == "division" ||
         role == "leadership";
}

// Vietnamese, for messages.
std::string_view VerbOf(Transition transition) {
  switch (transition) {
    case Transition::kSubmit: return "nộp";
    case Transition::kApprove: return "duyệt";
    case Transition::kReturn: return "trả lại";
    case Transition::kUnapprove: return "hủy duyệt";
  }
  return "";
}

std::string_view LabelOf(v1::Submission::State state) {
  switch (state) {
    case v1::Submission::DRAFT: return "đang nhập";
    case v1::Submission::SUBMITTED: return "đã nộp";
    case v1::Submission::APPROVED: return "đã duyệt";
    case v1::Submission::RETURNED: return "bị trả lại";
    default: return "không rõ";
  }
}

}  // namespace

std::string SubmissionName(const SubmissionKey& key) {
  return absl::StrCat(kWorkflows, "/", key.workflow_id, ToAbsl(kSubmissions),
                      key.org_unit_id, "~", key.period);
}

absl::StatusOr<SubmissionKey> ParseSubmissionName(std::string_view name,
                                                  std::string_view field) {
  const auto bad = [&] {
    return InvalidField(field,
                        "cần approvalWorkflows/{workflow}/submissions/"
                        "{unit}~{period} (a submission name)");
  };
  const size_t at = name.find(kSubmissions);
  if (at == std::string_view::npos) return bad();
  absl::StatusOr<std::string> workflow =
      ParseWorkflowName(name.substr(0, at), field);
  if (!workflow.ok()) return bad();
  const std::vector<std::string> parts =
      absl::StrSplit(ToAbsl(name.substr(at + kSubmissions.size())), '~');
  if (parts.size() != 2 || !api::IsValidResourceId(parts[0]) ||
      parts[1].empty()) {
    return bad();
  }
  return SubmissionKey{*workflow, parts[0], parts[1]};
}

absl::StatusOr<std::string> ParseWorkflowName(std::string_view name,
                                              std::string_view field) {
  return api::ParseResourceId(name, kWorkflows, field);
}

std::string_view TransitionName(Transition transition) {
  switch (transition) {
    case Transition::kSubmit: return "submit";
    case Transition::kApprove: return "approve";
    case Transition::kReturn: return "return";
    case Transition::kUnapprove: return "unapprove";
  }
  return "";
}

absl::StatusOr<v1::Submission::State> NextState(v1::Submission::State from,
                                                Transition transition) {
  using State = v1::Submission;
  switch (transition) {
    case Transition::kSubmit:
      if (from == State::DRAFT || from == State::RETURNED) {
        return State::SUBMITTED;
      }
      break;
    case Transition::kApprove:
      if (from == State::SUBMITTED) return State::APPROVED;
      break;
    case Transition::kReturn:
      if (from == State::SUBMITTED) return State::RETURNED;
      break;
    case Transition::kUnapprove:
      if (from == State::APPROVED) return State::RETURNED;
      break;
  }
  const std::string state = v1::Submission::State_Name(from);
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "không thể ", ToAbsl(VerbOf(transition)), " báo cáo ",
          ToAbsl(LabelOf(from)), " (cannot ",
          ToAbsl(TransitionName(transition)), " a submission in ", state, ")")),
      "SUBMISSION_STATE",
      {{"state", state}, {"transition", std::string(TransitionName(transition))}});
}

absl::Status ValidateCreateWorkflowRequest(
    const v1::CreateApprovalWorkflowRequest& request) {
  FieldViolations violations;
  if (!api::IsValidResourceId(request.workflow_id())) {
    violations.Add("workflow_id",
                   "1-63 ký tự a-z, 0-9, '-', bắt đầu bằng chữ (AIP-122 id)");
  }
  if (!request.request_id().empty() && !api::IsUuid(request.request_id())) {
    violations.Add("request_id", "cần một UUID (AIP-155)");
  }
  const v1::ApprovalWorkflow& workflow = request.workflow();
  if (workflow.display_name().empty()) {
    violations.Add("workflow.display_name", "bắt buộc (required)");
  }
  if (workflow.period_type() == v1::PERIOD_TYPE_UNSPECIFIED ||
      !v1::PeriodType_IsValid(workflow.period_type())) {
    violations.Add("workflow.period_type", "bắt buộc (required)");
  }
  if (!workflow.first_period().empty() &&
      v1::PeriodType_IsValid(workflow.period_type()) &&
      workflow.period_type() != v1::PERIOD_TYPE_UNSPECIFIED &&
      !ParsePeriod(workflow.period_type(), workflow.first_period(),
                   "workflow.first_period")
           .ok()) {
    violations.Add("workflow.first_period",
                   "không phải một kỳ của loại kỳ này (not a period of the "
                   "workflow's period_type)");
  }
  if (workflow.indicators().empty()) {
    violations.Add("workflow.indicators", "cần ít nhất một chỉ tiêu (required)");
  }
  std::set<std::string> indicators;
  for (int i = 0; i < workflow.indicators_size(); ++i) {
    const std::string field = absl::StrCat("workflow.indicators[", i, "]");
    if (!ParseIndicatorName(workflow.indicators(i), field).ok()) {
      violations.Add(field, "cần indicators/{id}");
    } else if (!indicators.insert(workflow.indicators(i)).second) {
      violations.Add(field, "trùng lặp (duplicate)");
    }
  }
  if (!ParseUnitName(workflow.lead_agency(), "workflow.lead_agency").ok()) {
    violations.Add("workflow.lead_agency",
                   "cần units/{id} của phòng dẫn đầu (the lead division)");
  }
  if (workflow.levels().empty()) {
    violations.Add("workflow.levels", "cần ít nhất một cấp (required)");
  }
  std::set<int> levels;
  for (int i = 0; i < workflow.levels_size(); ++i) {
    const v1::ApprovalLevel& level = workflow.levels(i);
    const std::string prefix = absl::StrCat("workflow.levels[", i, "]");
    if (level.reporting_level() != v1::SCHOOL &&
        level.reporting_level() != v1::COMMUNE) {
      violations.Add(prefix + ".reporting_level",
                     "cần SCHOOL hoặc COMMUNE (a submitting level)");
    } else if (!levels.insert(level.reporting_level()).second) {
      violations.Add(prefix + ".reporting_level", "trùng lặp (duplicate)");
    } else if (i > 0 && level.reporting_level() <=
                            workflow.levels(i - 1).reporting_level()) {
      violations.Add(prefix + ".reporting_level",
                     "các cấp xếp từ dưới lên (levels go bottom up)");
    }
    if (level.approver_roles().empty()) {
      violations.Add(prefix + ".approver_roles", "bắt buộc (required)");
    }
    for (int j = 0; j < level.approver_roles_size(); ++j) {
      const std::string& role = level.approver_roles(j);
      const std::string field = absl::StrCat(prefix, ".approver_roles[", j, "]");
      if (!IsApproverRole(role)) {
        violations.Add(field,
                       "cần commune_officer, division hoặc leadership");
      } else if (role == "commune_officer" &&
                 level.reporting_level() != v1::SCHOOL) {
        violations.Add(field,
                       "cán bộ xã chỉ duyệt trường (a commune officer reviews "
                       "schools only)");
      }
    }
  }
  return violations.ToStatus();
}

absl::StatusOr<int64_t> FirstOrdinal(const v1::ApprovalWorkflow& workflow) {
  if (workflow.first_period().empty()) return 0;
  ASSIGN_OR_RETURN(const Period first,
                   ParsePeriod(workflow.period_type(), workflow.first_period(),
                               "workflow.first_period"));
  return first.ordinal;
}

absl::StatusOr<Period> GatedPeriod(const v1::ApprovalWorkflow& workflow,
                                   std::string_view period,
                                   std::string_view field) {
  ASSIGN_OR_RETURN(Period parsed,
                   ParsePeriod(workflow.period_type(), period, field));
  ASSIGN_OR_RETURN(const int64_t first, FirstOrdinal(workflow));
  if (parsed.ordinal < first) {
    return InvalidField(field, absl::StrCat("kỳ trước kỳ đầu tiên cần duyệt ",
                                            workflow.first_period(),
                                            " (before the workflow's first "
                                            "period)"));
  }
  return parsed;
}

absl::StatusOr<v1::ReportingLevel> LevelOf(const auth::Scope& scope,
                                           std::string_view unit,
                                           std::string_view field) {
  if (!scope.school.empty() && scope.school == unit) return v1::SCHOOL;
  if (scope.school.empty() && !scope.commune.empty() && scope.commune == unit) {
    return v1::COMMUNE;
  }
  return InvalidField(field,
                      "chỉ trường và xã, phường nộp báo cáo (only schools and "
                      "communes submit)");
}

absl::StatusOr<v1::ApprovalLevel> FindLevel(
    const v1::ApprovalWorkflow& workflow, v1::ReportingLevel level) {
  for (const v1::ApprovalLevel& candidate : workflow.levels()) {
    if (candidate.reporting_level() == level) return candidate;
  }
  const std::string name = v1::ReportingLevel_Name(level);
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "quy trình ", workflow.name(), " không có cấp ", name,
          " (the workflow has no ", name, " level)")),
      "LEVEL_NOT_IN_WORKFLOW", {{"workflow", workflow.name()}, {"level", name}});
}

absl::Status CanReview(const auth::Caller& caller,
                       const v1::ApprovalWorkflow& workflow,
                       const v1::ApprovalLevel& level,
                       const auth::Scope& scope) {
  if (!caller.authenticated || caller.role == auth::Role::kUnspecified) {
    return WithErrorInfo(
        absl::UnauthenticatedError(
            "Chưa xác thực / the call carries no accepted identity"),
        "UNAUTHENTICATED");
  }
  if (caller.role == auth::Role::kService) return absl::OkStatus();
  const std::string_view role = auth::RoleName(caller.role);
  if (std::find(level.approver_roles().begin(), level.approver_roles().end(),
                role) == level.approver_roles().end()) {
    return auth::RoleDenied(caller, "duyệt báo cáo cấp này / review this level");
  }
  const std::string& unit =
      level.reporting_level() == v1::SCHOOL ? scope.school : scope.commune;
  if (caller.unit == unit) {
    return auth::ScopeDenied(caller, "tự duyệt", unit);  // never itself
  }
  switch (caller.role) {
    case auth::Role::kCommuneOfficer:
      if (caller.unit != scope.commune) {
        return auth::ScopeDenied(caller, "duyệt", unit);
      }
      return absl::OkStatus();
    case auth::Role::kDivision:
      if (caller.unit != workflow.lead_agency()) {
        return auth::ScopeDenied(caller, "duyệt", workflow.lead_agency());
      }
      return absl::OkStatus();
    case auth::Role::kLeadership:
      return absl::OkStatus();
    default:
      return auth::RoleDenied(caller, "duyệt báo cáo / review");
  }
}

}  // namespace hpedu::indicators
