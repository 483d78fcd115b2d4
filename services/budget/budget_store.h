// The budget service's repository: budget versions and their lines,
// investment projects with plan and payments, and the salary base. An
// abstract interface so the service is written against the contract; the
// PostgreSQL implementation is budget_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe. Each write is one
// transaction.
#ifndef HPEDU_SERVICES_BUDGET_BUDGET_STORE_H_
#define HPEDU_SERVICES_BUDGET_BUDGET_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/budget/v1/budget.pb.h"
#include "libs/server/call_context.h"
#include "services/budget/allowance.h"
#include "services/budget/compliance.h"
#include "services/budget/line_import.h"

namespace hpedu::budget {

struct WriteVersionsOptions {
  // Recorded as each version's creator.
  std::string creator;
  // CreateBudgetVersion's request_id: a retry returns what the first call
  // returned. Only with one draft.
  std::string request_id;
  // Count only, write nothing.
  bool validate_only = false;
};

struct WriteVersionsResult {
  int created = 0;
  int unchanged = 0;
  // Per draft, in order: the version made, or the current one it equals
  // (without lines). Empty with validate_only.
  std::vector<v1::BudgetVersion> versions;
};

// Where a version listing page ends.
struct VersionPosition {
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  int32_t version = 0;
};

struct VersionQuery {
  BudgetKey budget;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;  // unspecified: every stage
  int page_size = 50;
  std::optional<VersionPosition> after;
};

struct SummaryQuery {
  int32_t first_year = 0;
  int32_t last_year = 0;
  // Unspecified: every stage.
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  // Only these budget units; empty: all.
  std::vector<std::string> unit_ids;
};

// A project with its payments, oldest first.
struct ProjectRecord {
  v1::Project project;
  std::vector<v1::Disbursement> disbursements;
};

class BudgetStore {
 public:
  virtual ~BudgetStore() = default;

  // Writes each draft as the next version of its budget and stage unless
  // its lines and note equal the current version's; all in one
  // transaction, all or nothing, with an audit event per version made.
  virtual absl::StatusOr<WriteVersionsResult> WriteVersions(
      const server::CallContext& call, const std::vector<VersionDraft>& drafts,
      const WriteVersionsOptions& options) = 0;
  // The version (version 0: the current one), with its lines if
  // `with_lines`. NOT_FOUND if there is none.
  virtual absl::StatusOr<v1::BudgetVersion> GetVersion(
      const server::CallContext& call, const VersionKey& key,
      bool with_lines) = 0;
  // One page of versions (without lines) by stage then version; and
  // whether more follow.
  virtual absl::StatusOr<std::pair<std::vector<v1::BudgetVersion>, bool>>
  ListVersions(const server::CallContext& call, const VersionQuery& query) = 0;
  // The current version of every budget, year and stage matching `query`.
  virtual absl::StatusOr<std::vector<VersionSummary>> CurrentVersions(
      const server::CallContext& call, const SummaryQuery& query) = 0;

  // ALREADY_EXISTS if the id is taken; a `request_id` that created one
  // before returns it. Audited.
  virtual absl::StatusOr<v1::Project> CreateProject(
      const server::CallContext& call, const std::string& id,
      const v1::Project& project, const std::string& request_id) = 0;
  // NOT_FOUND if there is none.
  virtual absl::StatusOr<ProjectRecord> GetProject(
      const server::CallContext& call, const std::string& id) = 0;
  // Projects (with plan, without payments) of `budget_unit_id` (all when
  // empty) after `after_id`, by id; and whether more follow.
  virtual absl::StatusOr<std::pair<std::vector<v1::Project>, bool>>
  ListProjects(const server::CallContext& call,
               const std::string& budget_unit_id, const std::string& after_id,
               int page_size) = 0;
  // Every project of `budget_unit_id` (all when empty) with its payments.
  virtual absl::StatusOr<std::vector<ProjectRecord>> ProjectRecords(
      const server::CallContext& call, const std::string& budget_unit_id) = 0;
  // Appends a payment. NOT_FOUND for an unknown project;
  // FAILED_PRECONDITION (OVER_APPROVED_TOTAL) if payments would exceed the
  // approved total. A `request_id` that recorded one before returns it.
  // Audited.
  virtual absl::StatusOr<v1::Disbursement> RecordDisbursement(
      const server::CallContext& call, const std::string& project_id,
      const v1::Disbursement& disbursement, const std::string& creator,
      const std::string& request_id) = 0;

  // The salary base in force on `day`, if one is configured.
  virtual absl::StatusOr<std::optional<SalaryBase>> SalaryBaseOn(
      const server::CallContext& call, absl::CivilDay day) = 0;
};

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_BUDGET_STORE_H_
