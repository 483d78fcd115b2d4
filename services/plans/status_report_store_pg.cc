#include "services/plans/status_report_store_pg.h"

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "services/plans/deadlines.h"
#include "services/plans/internal/pg_rows.h"
#include "services/plans/task_changes.h"

namespace hpedu::plans {
namespace {

using internal::kRead;
using internal::kWrite;
using internal::LoadTask;
using internal::Statement;
using internal::TaskName;
using internal::TaskNotFound;

class PostgresStatusReportStore final : public StatusReportStore {
 public:
  explicit PostgresStatusReportStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::StatusReport> CreateStatusReport(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, const v1::StatusReport& report) override;
  absl::StatusOr<ReportPage> ListStatusReports(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, int page_size, int64_t before_id) override;

 private:
  db::Pool& pool_;
};

// The columns ReportFromRow reads, by name.
#define HPEDU_PLANS_REPORT_COLUMNS                                            \
  "r.document_id, r.task_id, r.id, r.state, r.progress_percent, r.evidence, " \
  "to_char(r.report_date, 'YYYY-MM-DD') AS report_date, r.generated, "        \
  "(extract(epoch FROM r.create_time) * 1000000)::bigint AS create_us "

v1::StatusReport ReportFromRow(const pqxx::row& row) {
  v1::StatusReport report;
  report.set_name(
      absl::StrCat(TaskName(row["document_id"].c_str(), row["task_id"].c_str()),
                   "/reports/", row["id"].c_str()));
  v1::TaskState state = v1::TASK_STATE_UNSPECIFIED;
  v1::TaskState_Parse(row["state"].c_str(), &state);
  report.set_state(state);
  report.set_progress_percent(row["progress_percent"].as<int>());
  report.set_evidence(row["evidence"].c_str());
  if (std::optional<absl::CivilDay> day = internal::DayOf(row["report_date"])) {
    *report.mutable_report_date() = api::ToProtoDate(*day);
  }
  report.set_generated(row["generated"].as<bool>());
  *report.mutable_create_time() = internal::TimestampOf(row["create_us"]);
  return report;
}

// --- CreateStatusReport

constexpr Statement kInsertReport = {
    "plans_insert_report",
    "INSERT INTO status_reports AS r (document_id, task_id, state, "
    "  progress_percent, evidence, report_date, generated) "
    "VALUES ($1, $2, $3, $4::int, $5, $6::date, $7::boolean) "
    "RETURNING " HPEDU_PLANS_REPORT_COLUMNS};
constexpr Statement kSetTaskState = {
    "plans_set_task_state",
    "UPDATE tasks SET state = $3, progress_percent = $4::int, "
    "  last_done_date = CASE WHEN $3 IN ('DONE', 'DONE_LATE') "
    "    THEN $5::date ELSE last_done_date END, "
    "  revision = revision + 1, update_time = now() "
    "WHERE document_id = $1 AND id = $2"};

absl::StatusOr<v1::StatusReport> PostgresStatusReportStore::CreateStatusReport(
    const server::CallContext& call, const std::string& document_id,
    const std::string& task_id, const v1::StatusReport& report) {
  return db::InTransaction<v1::StatusReport>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::StatusReport> {
        std::optional<v1::Task> task =
            LoadTask(tx, document_id, task_id, /*for_update=*/true);
        if (!task) return TaskNotFound(document_id, task_id);
        const absl::CivilDay day = internal::DayOfProto(report.report_date());
        const v1::TaskState state =
            StateForReport(report.state(), day, TimeOfTask(*task));
        const std::string progress =
            std::to_string(ReportedProgress(state, report.progress_percent()));
        const std::string state_name = v1::TaskState_Name(state);
        const pqxx::result inserted =
            db::Params()
                .Add(document_id)
                .Add(task_id)
                .Add(state_name)
                .Add(progress)
                .Add(report.evidence())
                .Add(api::FormatIsoDate(day))
                .Add(report.generated() ? "true" : "false")
                .Exec(tx, kInsertReport.name);
        db::Params()
            .Add(document_id)
            .Add(task_id)
            .Add(state_name)
            .Add(progress)
            .Add(api::FormatIsoDate(day))
            .Exec(tx, kSetTaskState.name);
        v1::StatusReport created = ReportFromRow(inserted[0]);
        audit::Record(tx, call, created.name(), audit::ChangeOf(created));
        // The report, and the task whose state it set.
        const v1::Task reported = *LoadTask(tx, document_id, task_id);
        feed::Record(
            tx, call,
            {feed::Created(created.name(), created, reported.commune()),
             feed::Updated(reported.name(), reported, reported.commune())});
        return created;
      });
}

// --- ListStatusReports

constexpr Statement kListReports = {
    "plans_list_reports",
    "SELECT " HPEDU_PLANS_REPORT_COLUMNS "FROM status_reports r "
    "WHERE r.document_id = $1 AND r.task_id = $2 "
    "  AND ($3::bigint IS NULL OR r.id < $3::bigint) "
    "ORDER BY r.id DESC LIMIT $4::int"};

absl::StatusOr<ReportPage> PostgresStatusReportStore::ListStatusReports(
    const server::CallContext& call, const std::string& document_id,
    const std::string& task_id, int page_size, int64_t before_id) {
  return db::InTransaction<ReportPage>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<ReportPage> {
        if (!LoadTask(tx, document_id, task_id)) {
          return TaskNotFound(document_id, task_id);
        }
        ReportPage page;
        for (const pqxx::row& row :
             db::Params()
                 .Add(document_id)
                 .Add(task_id)
                 .AddOrNull(before_id > 0 ? std::to_string(before_id) : "")
                 .Add(std::to_string(page_size + 1))
                 .Exec(tx, kListReports.name)) {
          if (static_cast<int>(page.reports.size()) == page_size) {
            page.more = true;
            break;
          }
          page.reports.push_back(ReportFromRow(row));
        }
        return page;
      });
}

}  // namespace

const std::vector<db::PreparedStatement>& StatusReportStatements() {
  static const auto* const kStatements =
      new std::vector<db::PreparedStatement>(
          internal::ToPrepared({kInsertReport, kSetTaskState, kListReports}));
  return *kStatements;
}

std::unique_ptr<StatusReportStore> NewPostgresStatusReportStore(
    db::Pool& pool) {
  return std::make_unique<PostgresStatusReportStore>(pool);
}

}  // namespace hpedu::plans
