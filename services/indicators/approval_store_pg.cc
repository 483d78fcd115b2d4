#include "services/indicators/approval_store_pg.h"

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/base/string_view.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/indicators/indicator_store_pg.h"

namespace hpedu::indicators {
namespace {

using ::google::protobuf::util::TimeUtil;
using State = v1::Submission::State;

constexpr char kGetWorkflow[] = "approvals_get_workflow";
constexpr char kGetWorkflowByRequest[] = "approvals_get_workflow_by_request";
constexpr char kListWorkflows[] = "approvals_list_workflows";
constexpr char kCheckIndicators[] = "approvals_check_indicators";
constexpr char kGateValues[] = "approvals_gate_values";
constexpr char kWorkflowIndicators[] = "approvals_workflow_indicators";
constexpr char kApprovedSchools[] = "approvals_approved_schools";
constexpr char kMarkApproved[] = "approvals_mark_approved";
constexpr char kInsertWorkflow[] = "approvals_insert_workflow";
constexpr char kInsertWorkflowIndicators[] = "approvals_insert_workflow_indicators";
constexpr char kInsertLevels[] = "approvals_insert_levels";
constexpr char kGetSubmission[] = "approvals_get_submission";
constexpr char kListSubmissions[] = "approvals_list_submissions";
constexpr char kSchoolWaiting[] = "approvals_school_waiting";
constexpr char kUpsertSubmission[] = "approvals_upsert_submission";

const db::TransactionOptions kRead = {.isolation = db::Isolation::kReadCommitted,
                                      .read_only = true};
const db::TransactionOptions kWrite = {.isolation = db::Isolation::kSerializable,
                                       .read_only = false};

#define HPEDU_WORKFLOW_COLUMNS                                                \
  "w.id, w.display_name, w.period_type, w.lead_agency, "                     \
  "(extract(epoch FROM w.create_time) * 1000000)::bigint, "                  \
  "(SELECT coalesce(string_agg(i.indicator_id, ',' ORDER BY i.indicator_id), "\
  "  '') FROM approval_workflow_indicators i WHERE i.workflow_id = w.id), "  \
  "(SELECT coalesce(string_agg(l.reporting_level || ':' || "                 \
  "  array_to_string(l.approver_roles, '+'), ',' ORDER BY l.position), '') " \
  "  FROM approval_levels l WHERE l.workflow_id = w.id), w.first_period "

#define HPEDU_SUBMISSION_COLUMNS                                              \
  "s.workflow_id, s.org_unit, s.period, s.commune, s.state, s.reason, "      \
  "s.update_actor, (extract(epoch FROM s.update_time) * 1000000)::bigint, "  \
  "s.revision, coalesce(s.request_id, '') "

std::string Text(const pqxx::field& field) {
  return field.is_null() ? std::string() : std::string(field.c_str());
}

v1::ApprovalWorkflow WorkflowFromRow(const pqxx::row& row) {
  v1::ApprovalWorkflow workflow;
  workflow.set_name("approvalWorkflows/" + Text(row[0]));
  workflow.set_display_name(Text(row[1]));
  v1::PeriodType type = v1::PERIOD_TYPE_UNSPECIFIED;
  v1::PeriodType_Parse(Text(row[2]), &type);
  workflow.set_period_type(type);
  workflow.set_lead_agency("units/" + Text(row[3]));
  *workflow.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[4].as<int64_t>());
  workflow.set_first_period(Text(row[7]));
  for (absl::string_view id :
       absl::StrSplit(Text(row[5]), ',', absl::SkipEmpty())) {
    workflow.add_indicators(absl::StrCat("indicators/", id));
  }
  for (absl::string_view level :
       absl::StrSplit(Text(row[6]), ',', absl::SkipEmpty())) {
    const std::vector<std::string> parts = absl::StrSplit(level, ':');
    v1::ApprovalLevel* added = workflow.add_levels();
    v1::ReportingLevel reporting = v1::REPORTING_LEVEL_UNSPECIFIED;
    v1::ReportingLevel_Parse(parts[0], &reporting);
    added->set_reporting_level(reporting);
    if (parts.size() > 1) {
      for (absl::string_view role :
           absl::StrSplit(parts[1], '+', absl::SkipEmpty())) {
        added->add_approver_roles(std::string(role));
      }
    }
  }
  return workflow;
}

struct StoredSubmission {
  v1::Submission submission;
  std::string request_id;
};

StoredSubmission SubmissionFromRow(const pqxx::row& row) {
  StoredSubmission stored;
  v1::Submission& s = stored.submission;
  s.set_name(SubmissionName({Text(row[0]), Text(row[1]), Text(row[2])}));
  s.set_org_unit("units/" + Text(row[1]));
  s.set_period(Text(row[2]));
  s.set_commune("units/" + Text(row[3]));
  State state = v1::Submission::STATE_UNSPECIFIED;
  v1::Submission::State_Parse(Text(row[4]), &state);
  s.set_state(state);
  s.set_reason(Text(row[5]));
  s.set_update_actor(Text(row[6]));
  *s.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
  s.set_etag(api::EtagFromRevision(row[8].as<int64_t>()));
  stored.request_id = Text(row[9]);
  return stored;
}

v1::Submission Draft(const SubmissionKey& key) {
  v1::Submission draft;
  draft.set_name(SubmissionName(key));
  draft.set_org_unit("units/" + key.org_unit_id);
  draft.set_period(key.period);
  draft.set_state(v1::Submission::DRAFT);
  return draft;
}

absl::Status WorkflowNotFound(const std::string& id) {
  const std::string name = "approvalWorkflows/" + id;
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có quy trình ", name,
                                       " (workflow not found)")),
      "WORKFLOW_NOT_FOUND", {{"name", name}});
}

// The other submission a change waits on, as FAILED_PRECONDITION.
absl::Status Blocked(const std::string& other, std::string_view why_vi,
                     std::string_view why_en) {
  return WithErrorInfo(
      absl::FailedPreconditionError(
          absl::StrCat(ToAbsl(why_vi), ": ", other, " (", ToAbsl(why_en), ")")),
      "SUBMISSION_BLOCKED", {{"submission", other}});
}

class PostgresApprovalStore final : public ApprovalStore {
 public:
  explicit PostgresApprovalStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::ApprovalWorkflow> CreateWorkflow(
      const server::CallContext& call, const std::string& id,
      const v1::ApprovalWorkflow& workflow, int64_t first_ordinal,
      const std::string& request_id) override {
    std::vector<std::string> indicators;
    for (const std::string& name : workflow.indicators()) {
      indicators.push_back(name.substr(sizeof("indicators/") - 1));
    }
    std::vector<std::string> levels, roles;
    for (const v1::ApprovalLevel& level : workflow.levels()) {
      levels.push_back(v1::ReportingLevel_Name(level.reporting_level()));
      roles.push_back(absl::StrJoin(level.approver_roles(), "+"));
    }
    return db::InTransaction<v1::ApprovalWorkflow>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ApprovalWorkflow> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kGetWorkflowByRequest);
            if (!earlier.empty()) return WorkflowFromRow(earlier[0]);
          }
          // An id taken is ALREADY_EXISTS (AIP-133), before its indicators
          // would be found "in another workflow": the same one.
          if (!db::Params().Add(id).Exec(tx, kGetWorkflow).empty()) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "quy trình ", id, " đã có (workflow already exists)")),
                "WORKFLOW_ALREADY_EXISTS",
                {{"name", "approvalWorkflows/" + id}});
          }
          FieldViolations bad;
          for (const pqxx::row& row :
               db::Params()
                   .Add(db::TextArrayLiteral(indicators))
                   .Add(v1::PeriodType_Name(workflow.period_type()))
                   .Exec(tx, kCheckIndicators)) {
            const std::string field = absl::StrCat(
                "workflow.indicators[", row[0].as<int64_t>() - 1, "]");
            const std::string problem = Text(row[1]);
            if (problem == "unknown") {
              bad.Add(field, "không có chỉ tiêu này (unknown indicator)");
            } else if (problem == "computed") {
              bad.Add(field, "chỉ tiêu do dịch vụ khác tính, không cần duyệt "
                             "(computed by another service)");
            } else if (problem == "period_type") {
              bad.Add(field, "khác loại kỳ của quy trình (another period type)");
            } else {
              bad.Add(field, absl::StrCat("đã thuộc quy trình approvalWorkflows/",
                                          problem, " (in another workflow)"));
            }
          }
          if (!bad.empty()) return bad.ToStatus();
          db::Params()
              .Add(id)
              .Add(workflow.display_name())
              .Add(v1::PeriodType_Name(workflow.period_type()))
              .Add(workflow.lead_agency().substr(sizeof("units/") - 1))
              .AddOrNull(request_id)
              .Add(workflow.first_period())
              .Add(std::to_string(first_ordinal))
              .Exec(tx, kInsertWorkflow);
          db::Params()
              .Add(id)
              .Add(db::TextArrayLiteral(indicators))
              .Exec(tx, kInsertWorkflowIndicators);
          db::Params()
              .Add(id)
              .Add(db::TextArrayLiteral(levels))
              .Add(db::TextArrayLiteral(roles))
              .Exec(tx, kInsertLevels);
          // Their values from the first period on now wait for approval.
          db::Params()
              .Add(db::TextArrayLiteral(indicators))
              .Add(std::to_string(first_ordinal))
              .Exec(tx, kGateValues);
          v1::ApprovalWorkflow created =
              WorkflowFromRow(db::Params().Add(id).Exec(tx, kGetWorkflow)[0]);
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          feed::Record(tx, call, {feed::Created(created.name(), created)});
          return created;
        });
  }

  absl::StatusOr<v1::ApprovalWorkflow> GetWorkflow(
      const server::CallContext& call, const std::string& id) override {
    return db::InTransaction<v1::ApprovalWorkflow>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ApprovalWorkflow> {
          const pqxx::result rows = db::Params().Add(id).Exec(tx, kGetWorkflow);
          if (rows.empty()) return WorkflowNotFound(id);
          return WorkflowFromRow(rows[0]);
        });
  }

  absl::StatusOr<std::pair<std::vector<v1::ApprovalWorkflow>, bool>>
  ListWorkflows(const server::CallContext& call, int page_size,
                const std::string& after_id) override {
    using Page = std::pair<std::vector<v1::ApprovalWorkflow>, bool>;
    return db::InTransaction<Page>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Page> {
          Page page;
          for (const pqxx::row& row : db::Params()
                                          .AddOrNull(after_id)
                                          .Add(std::to_string(page_size + 1))
                                          .Exec(tx, kListWorkflows)) {
            if (static_cast<int>(page.first.size()) == page_size) {
              page.second = true;
              break;
            }
            page.first.push_back(WorkflowFromRow(row));
          }
          return page;
        });
  }

  absl::StatusOr<v1::Submission> GetSubmission(
      const server::CallContext& call, const SubmissionKey& key) override {
    return db::InTransaction<v1::Submission>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Submission> {
          const pqxx::result rows = KeyParams(key).Exec(tx, kGetSubmission);
          if (rows.empty()) return Draft(key);
          return SubmissionFromRow(rows[0]).submission;
        });
  }

  absl::StatusOr<SubmissionPage> ListSubmissions(
      const server::CallContext& call, const SubmissionQuery& query) override {
    db::Params params;
    params.Add(query.workflow_id)
        .Add(query.period)
        .AddOrNull(query.state == v1::Submission::STATE_UNSPECIFIED
                       ? std::string()
                       : v1::Submission::State_Name(query.state))
        .AddOrNull(query.commune_id)
        .AddOrNull(query.org_unit_id);
    if (query.after) {
      params.Add(query.after->first).Add(query.after->second);
    } else {
      params.AddNull().AddNull();
    }
    params.Add(std::to_string(query.page_size + 1));
    return db::InTransaction<SubmissionPage>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<SubmissionPage> {
          SubmissionPage page;
          for (const pqxx::row& row : params.Exec(tx, kListSubmissions)) {
            if (static_cast<int>(page.submissions.size()) == query.page_size) {
              page.more = true;
              break;
            }
            page.submissions.push_back(SubmissionFromRow(row).submission);
          }
          return page;
        });
  }

  absl::StatusOr<v1::Submission> Change(
      const server::CallContext& call, const SubmissionChange& change) override {
    return db::InTransaction<v1::Submission>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Submission> {
          const pqxx::result rows =
              KeyParams(change.key).Exec(tx, kGetSubmission);
          std::optional<StoredSubmission> current;
          if (!rows.empty()) current = SubmissionFromRow(rows[0]);
          if (current && !change.request_id.empty() &&
              current->request_id == change.request_id) {
            return current->submission;  // a retry of the last change
          }
          const v1::Submission before =
              current ? current->submission : Draft(change.key);
          if (!change.etag.empty()) {
            RETURN_IF_ERROR(api::CheckEtag(change.etag, before.etag()));
          }
          ASSIGN_OR_RETURN(const State after,
                           NextState(before.state(), change.transition));
          const std::string commune =
              current ? current->submission.commune().substr(sizeof("units/") - 1)
                      : change.commune_id;
          const bool is_commune = commune == change.key.org_unit_id;
          if (change.transition == Transition::kSubmit && is_commune) {
            const pqxx::result waiting =
                db::Params()
                    .Add(change.key.workflow_id)
                    .Add(change.key.period)
                    .Add(commune)
                    .Exec(tx, kSchoolWaiting);
            if (!waiting.empty()) {
              return Blocked(SubmissionName({change.key.workflow_id,
                                             Text(waiting[0][0]),
                                             change.key.period}),
                             "còn trường chờ xã duyệt",
                             "a school waits for the commune's review");
            }
          }
          if (!is_commune) {
            const SubmissionKey above{change.key.workflow_id, commune,
                                      change.key.period};
            const pqxx::result parent = KeyParams(above).Exec(tx, kGetSubmission);
            if (!parent.empty()) {
              const State state = SubmissionFromRow(parent[0]).submission.state();
              if (state == v1::Submission::SUBMITTED ||
                  state == v1::Submission::APPROVED) {
                return Blocked(SubmissionName(above),
                               "xã đã nộp báo cáo của mình, báo cáo của "
                               "trường bị khóa theo",
                               "the commune has submitted, which locks its "
                               "schools' submissions");
              }
            }
          }
          const std::string reason =
              after == v1::Submission::RETURNED ? change.reason : std::string();
          const v1::Submission changed =
              SubmissionFromRow(KeyParams(change.key)
                                    .Add(commune)
                                    .Add(v1::Submission::State_Name(after))
                                    .Add(reason)
                                    .Add(call.caller().id)
                                    .AddOrNull(change.request_id)
                                    .Exec(tx, kUpsertSubmission)[0])
                  .submission;
          if (change.top_level && (change.transition == Transition::kApprove ||
                                   change.transition == Transition::kUnapprove)) {
            Recount(tx, change, is_commune,
                    change.transition == Transition::kApprove);
          }
          audit::Record(
              tx, call, changed.name(),
              {{"transition", std::string(TransitionName(change.transition))},
               {"from", v1::Submission::State_Name(before.state())},
               {"to", v1::Submission::State_Name(after)},
               {"reason", reason}});
          feed::Record(tx, call,
                       {current ? feed::Updated(changed.name(), changed,
                                                changed.org_unit())
                                : feed::Created(changed.name(), changed,
                                                changed.org_unit())});
          return changed;
        });
  }

 private:
  // Counts (or no longer counts) the values a top-level approval covers in
  // approved roll-ups: the unit's own, and under a commune those of its
  // approved schools (their submissions cannot change meanwhile).
  static void Recount(pqxx::transaction_base& tx,
                      const SubmissionChange& change, bool is_commune,
                      bool approved) {
    std::vector<std::string> units = {change.key.org_unit_id};
    if (is_commune) {
      for (const pqxx::row& row : db::Params()
                                      .Add(change.key.workflow_id)
                                      .Add(change.key.period)
                                      .Add(change.key.org_unit_id)
                                      .Exec(tx, kApprovedSchools)) {
        units.push_back(Text(row[0]));
      }
    }
    db::Params()
        .Add(change.key.workflow_id)
        .Add(change.key.period)
        .Add(db::TextArrayLiteral(units))
        .Add(approved ? "true" : "false")
        .Exec(tx, kMarkApproved);
    std::vector<std::string> indicators;
    for (const pqxx::row& row : db::Params()
                                    .Add(change.key.workflow_id)
                                    .Exec(tx, kWorkflowIndicators)) {
      indicators.push_back(Text(row[0]));
    }
    RecountApprovedTotals(tx, indicators, change.key.period);
  }

  static db::Params KeyParams(const SubmissionKey& key) {
    db::Params params;
    params.Add(key.workflow_id).Add(key.org_unit_id).Add(key.period);
    return params;
  }

  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& ApprovalStatements() {
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {kGetWorkflow, "SELECT " HPEDU_WORKFLOW_COLUMNS
                     "FROM approval_workflows w WHERE w.id = $1"},
      {kGetWorkflowByRequest, "SELECT " HPEDU_WORKFLOW_COLUMNS
                              "FROM approval_workflows w WHERE w.request_id = $1"},
      {kListWorkflows, "SELECT " HPEDU_WORKFLOW_COLUMNS
                       "FROM approval_workflows w "
                       "WHERE $1::text IS NULL OR w.id > $1 "
                       "ORDER BY w.id LIMIT $2::integer"},
      // Per requested indicator that cannot join: unknown, computed,
      // period_type, or the id of the workflow it is in.
      {kCheckIndicators,
       "SELECT t.n, CASE WHEN i.id IS NULL THEN 'unknown' "
       "  WHEN i.source <> 'REPORTED' THEN 'computed' "
       "  WHEN i.period_type <> $2 THEN 'period_type' "
       "  ELSE wi.workflow_id END "
       "FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n) "
       "  LEFT JOIN indicators i ON i.id = t.id "
       "  LEFT JOIN approval_workflow_indicators wi ON wi.indicator_id = t.id "
       "WHERE i.id IS NULL OR i.source <> 'REPORTED' OR i.period_type <> $2 "
       "  OR wi.workflow_id IS NOT NULL "
       "ORDER BY t.n"},
      {kGateValues,
       "UPDATE reported_values SET approved = false "
       "WHERE indicator_id = ANY ($1::text[]) "
       "  AND period_ordinal >= $2::bigint AND approved"},
      {kWorkflowIndicators,
       "SELECT indicator_id FROM approval_workflow_indicators "
       "WHERE workflow_id = $1 ORDER BY indicator_id"},
      {kApprovedSchools,
       "SELECT s.org_unit FROM submissions s WHERE s.workflow_id = $1 "
       "AND s.period = $2 AND s.commune = $3 AND s.org_unit <> $3 "
       "AND s.state = 'APPROVED'"},
      {kMarkApproved,
       "UPDATE reported_values v SET approved = $4::boolean "
       "FROM approval_workflow_indicators wi "
       "WHERE wi.workflow_id = $1 AND v.indicator_id = wi.indicator_id "
       "  AND v.period = $2 AND v.org_unit = ANY ($3::text[]) "
       "  AND v.approved <> $4::boolean"},
      {kInsertWorkflow,
       "INSERT INTO approval_workflows (id, display_name, period_type, "
       "  lead_agency, request_id, first_period, first_ordinal) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7::bigint)"},
      {kInsertWorkflowIndicators,
       "INSERT INTO approval_workflow_indicators (workflow_id, indicator_id) "
       "SELECT $1, unnest($2::text[])"},
      {kInsertLevels,
       "INSERT INTO approval_levels (workflow_id, position, reporting_level, "
       "  approver_roles) "
       "SELECT $1, t.n, t.level, string_to_array(t.roles, '+') "
       "FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(level, roles, n)"},
      {kGetSubmission, "SELECT " HPEDU_SUBMISSION_COLUMNS
                       "FROM submissions s WHERE s.workflow_id = $1 "
                       "AND s.org_unit = $2 AND s.period = $3"},
      {kListSubmissions,
       "SELECT " HPEDU_SUBMISSION_COLUMNS
       "FROM submissions s WHERE s.workflow_id = $1 AND s.period = $2 "
       "AND ($3::text IS NULL OR s.state = $3) "
       "AND ($4::text IS NULL OR s.commune = $4) "
       "AND ($5::text IS NULL OR s.org_unit = $5) "
       "AND ($6::bigint IS NULL OR (s.update_time, s.org_unit) > "
       "  (timestamptz 'epoch' + $6::bigint * interval '1 microsecond', $7)) "
       "ORDER BY s.update_time, s.org_unit LIMIT $8::integer"},
      {kSchoolWaiting,
       "SELECT s.org_unit FROM submissions s WHERE s.workflow_id = $1 "
       "AND s.period = $2 AND s.commune = $3 AND s.org_unit <> $3 "
       "AND s.state = 'SUBMITTED' ORDER BY s.org_unit LIMIT 1"},
      {kUpsertSubmission,
       "INSERT INTO submissions AS s (workflow_id, org_unit, period, commune, "
       "  state, reason, update_actor, request_id) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
       "ON CONFLICT (workflow_id, org_unit, period) DO UPDATE SET "
       "  state = EXCLUDED.state, reason = EXCLUDED.reason, "
       "  update_actor = EXCLUDED.update_actor, update_time = now(), "
       "  revision = s.revision + 1, request_id = EXCLUDED.request_id "
       "RETURNING " HPEDU_SUBMISSION_COLUMNS},
  };
  return *kStatements;
}

std::unique_ptr<ApprovalStore> NewPostgresApprovalStore(db::Pool& pool) {
  return std::make_unique<PostgresApprovalStore>(pool);
}

}  // namespace hpedu::indicators
