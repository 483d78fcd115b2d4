// The reporting loop's repository: approval workflows and submissions. An
// abstract interface; the PostgreSQL implementation is approval_store_pg.h.
// Every method takes the call for its deadline and audit record, returns
// absl::Status values (never throws) and is thread-safe.
#ifndef HPEDU_SERVICES_INDICATORS_APPROVAL_STORE_H_
#define HPEDU_SERVICES_INDICATORS_APPROVAL_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/indicators/v1/approvals.pb.h"
#include "libs/server/call_context.h"
#include "services/indicators/approval_rules.h"

namespace hpedu::indicators {

// Who a listing is for: empty fields do not filter.
struct SubmissionQuery {
  std::string workflow_id;
  std::string period;
  // Unspecified: every stored state (DRAFT is never stored).
  v1::Submission::State state = v1::Submission::STATE_UNSPECIFIED;
  // A commune officer's: the commune and its schools.
  std::string commune_id;
  // A school officer's: that unit alone.
  std::string org_unit_id;
  int page_size = 50;
  // The sort keys (update time in microseconds, unit id) of the last item
  // of the previous page.
  std::optional<std::pair<std::string, std::string>> after;
};

struct SubmissionPage {
  std::vector<v1::Submission> submissions;
  bool more = false;
};

// A validated, authorized change of one submission.
struct SubmissionChange {
  SubmissionKey key;
  Transition transition = Transition::kSubmit;
  // The unit's commune id (the unit itself for a commune), kept with the
  // submission.
  std::string commune_id;
  std::string reason;
  // Empty: no check.
  std::string etag;
  std::string request_id;
  // The unit submits at the workflow's top level: approving it counts its
  // values, and under a commune its approved schools' values, in approved
  // roll-ups; unapproving it takes them out again.
  bool top_level = false;
};

class ApprovalStore {
 public:
  virtual ~ApprovalStore() = default;

  // INVALID_ARGUMENT naming workflow.indicators[i] for an indicator that
  // is unknown, computed by another service, of another period type, or in
  // another workflow; ALREADY_EXISTS if the id is taken; a request_id that
  // created one before returns it. The indicators' values from
  // `first_ordinal` (that of workflow.first_period, 0 for every period) on
  // wait for approval from then on.
  virtual absl::StatusOr<v1::ApprovalWorkflow> CreateWorkflow(
      const server::CallContext& call, const std::string& id,
      const v1::ApprovalWorkflow& workflow, int64_t first_ordinal,
      const std::string& request_id) = 0;
  // NOT_FOUND if there is none.
  virtual absl::StatusOr<v1::ApprovalWorkflow> GetWorkflow(
      const server::CallContext& call, const std::string& id) = 0;
  // By id, after `after_id`; and whether more follow.
  virtual absl::StatusOr<std::pair<std::vector<v1::ApprovalWorkflow>, bool>>
  ListWorkflows(const server::CallContext& call, int page_size,
                const std::string& after_id) = 0;

  // The unit's submission; DRAFT (no etag) if it never submitted.
  virtual absl::StatusOr<v1::Submission> GetSubmission(
      const server::CallContext& call, const SubmissionKey& key) = 0;
  // Oldest change first, then by unit.
  virtual absl::StatusOr<SubmissionPage> ListSubmissions(
      const server::CallContext& call, const SubmissionQuery& query) = 0;

  // Applies `change` in one transaction with its audit event: the state it
  // starts from (FAILED_PRECONDITION, SUBMISSION_STATE), the etag (ABORTED),
  // and the rules between levels (FAILED_PRECONDITION naming the other
  // submission: a commune submits with none of its schools waiting; a
  // school's submission does not change while its commune's is submitted
  // or approved). A top-level approval or unapproval recounts the approved
  // totals in the same transaction.
  // A retry with the request_id of the last change returns its result.
  virtual absl::StatusOr<v1::Submission> Change(
      const server::CallContext& call, const SubmissionChange& change) = 0;
};

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_APPROVAL_STORE_H_
