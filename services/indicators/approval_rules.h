// The reporting loop's rules, pure: submission names, request validation,
// the state machine, and who reviews which unit. The store applies them in
// the transaction that changes a submission; the handlers validate with
// them before anything is read.
#ifndef HPEDU_SERVICES_INDICATORS_APPROVAL_RULES_H_
#define HPEDU_SERVICES_INDICATORS_APPROVAL_RULES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hpedu/indicators/v1/approvals.pb.h"
#include "libs/auth/authorize.h"
#include "libs/auth/caller.h"
#include "services/indicators/rollup.h"

namespace hpedu::indicators {

// approvalWorkflows/{workflow}/submissions/{unit}~{period}, ids bare.
struct SubmissionKey {
  std::string workflow_id;
  std::string org_unit_id;
  std::string period;
  friend bool operator==(const SubmissionKey&, const SubmissionKey&) = default;
};

std::string SubmissionName(const SubmissionKey& key);
// INVALID_ARGUMENT on `field` unless `name` has the form above.
absl::StatusOr<SubmissionKey> ParseSubmissionName(std::string_view name,
                                                  std::string_view field);
// approvalWorkflows/{id} -> id; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> ParseWorkflowName(std::string_view name,
                                              std::string_view field);

enum class Transition { kSubmit, kApprove, kReturn, kUnapprove };

// "submit", "approve", "return", "unapprove": the audit's verb.
std::string_view TransitionName(Transition transition);

// The state `transition` leads to from `from`; FAILED_PRECONDITION (reason
// SUBMISSION_STATE, naming both) when it does not start there.
absl::StatusOr<v1::Submission::State> NextState(v1::Submission::State from,
                                                Transition transition);

// A CreateApprovalWorkflow request checked alone (indicators' existence is
// the store's): every bad field at once, INVALID_ARGUMENT.
absl::Status ValidateCreateWorkflowRequest(
    const v1::CreateApprovalWorkflowRequest& request);

// The ordinal of the workflow's first gated period (0: every period); the
// workflow must be valid (ValidateCreateWorkflowRequest).
absl::StatusOr<int64_t> FirstOrdinal(const v1::ApprovalWorkflow& workflow);

// `period`, parsed by the workflow's period type; INVALID_ARGUMENT on
// `field` if it is not one or comes before the workflow's first period.
absl::StatusOr<Period> GatedPeriod(const v1::ApprovalWorkflow& workflow,
                                   std::string_view period,
                                   std::string_view field);

// The level a unit in `scope` submits at: SCHOOL for a school, COMMUNE for
// the commune itself (`unit` is "units/{id}"); INVALID_ARGUMENT on `field`
// for any other unit (the Sở, an agency).
absl::StatusOr<v1::ReportingLevel> LevelOf(const auth::Scope& scope,
                                           std::string_view unit,
                                           std::string_view field);

// The workflow's level for `level`; FAILED_PRECONDITION (reason
// LEVEL_NOT_IN_WORKFLOW) if it has none.
absl::StatusOr<v1::ApprovalLevel> FindLevel(
    const v1::ApprovalWorkflow& workflow, v1::ReportingLevel level);

// Whether `caller` approves, returns and unapproves the submissions of a
// unit in `scope` at `level`: hpedu services always; otherwise the caller's
// role must be one of the level's approver roles, a commune officer's unit
// the school's commune, a division's unit the workflow's lead agency. A
// unit never reviews itself. PERMISSION_DENIED (ROLE_DENIED or
// SCOPE_DENIED) otherwise.
absl::Status CanReview(const auth::Caller& caller,
                       const v1::ApprovalWorkflow& workflow,
                       const v1::ApprovalLevel& level,
                       const auth::Scope& scope);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_APPROVAL_RULES_H_
