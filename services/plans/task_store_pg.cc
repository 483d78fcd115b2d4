#include "services/plans/task_store_pg.h"

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/csv/line_errors.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/plans/internal/pg_rows.h"
#include "services/plans/task_changes.h"

namespace hpedu::plans {
namespace {

using internal::DocumentName;
using internal::DocumentNotFound;
using internal::kRead;
using internal::kReadSnapshot;
using internal::kWrite;
using internal::LoadDocument;
using internal::LoadTask;
using internal::Statement;
using internal::TaskFromRow;
using internal::TaskName;
using internal::TaskNotFound;
using internal::UnitId;
using internal::UnitName;

class PostgresTaskStore final : public TaskStore {
 public:
  explicit PostgresTaskStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::Task> CreateTask(const server::CallContext& call,
                                      const TaskRow& row,
                                      const std::string& request_id) override;
  absl::StatusOr<v1::Task> GetTask(const server::CallContext& call,
                                   const std::string& document_id,
                                   const std::string& id) override;
  absl::StatusOr<TaskPage> ListTasks(const server::CallContext& call,
                                     const TaskListQuery& query) override;
  absl::StatusOr<v1::Task> UpdateTask(const server::CallContext& call,
                                      const TaskUpdate& update) override;
  absl::StatusOr<CascadeResult> CascadeTask(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id,
      const std::vector<std::string>& commune_names) override;
  absl::StatusOr<std::vector<ChasingCandidate>> ListChasingCandidates(
      const server::CallContext& call, absl::CivilDay last_due,
      const std::string& document_id) override;
  absl::StatusOr<ImportCounts> ImportTasks(const server::CallContext& call,
                                           const std::string& document_id,
                                           const std::vector<TaskRow>& rows,
                                           bool validate_only) override;

 private:
  db::Pool& pool_;
};

// --- Shared by the writes below.

// The time columns: time_text, time_form, due_date, start_year, end_year,
// recurring_month, recurring_day.
void AddTime(db::Params& params, const std::string& text,
             const ParsedTime& time) {
  params.Add(text).Add(v1::TimeForm_Name(time.form));
  if (time.due) {
    params.Add(api::FormatIsoDate(*time.due));
  } else {
    params.AddNull();
  }
  params.Add(std::to_string(time.start_year))
      .Add(std::to_string(time.end_year));
  if (time.form == v1::RECURRING_YEARLY) {
    params.Add(std::to_string(time.recurring.month))
        .Add(std::to_string(time.recurring.day));
  } else {
    params.AddNull().AddNull();
  }
}

constexpr Statement kInsertTask = {
    "plans_insert_task",
    "INSERT INTO tasks (document_id, id, group_name, number, ordinal, "
    "  content, lead_agency_id, lead_agency_text, coordinating, product, "
    "  approving_level, time_text, time_form, due_date, start_year, "
    "  end_year, recurring_month, recurring_day, parent_task_id, "
    "  commune_id, generated, request_id) "
    "VALUES ($1, $2, $3, $4, $5::int, $6, $7, $8, $9, $10, $11, $12, $13, "
    "  $14::date, $15::int, $16::int, $17::int, $18::int, $19, $20, "
    "  $21::boolean, $22)"};

void InsertTask(pqxx::transaction_base& tx, const TaskRow& row,
                const std::string& parent_id, const std::string& commune_id,
                const std::string& request_id) {
  const v1::Task& task = row.task;
  db::Params params;
  params.Add(row.document_id)
      .Add(row.id)
      .Add(task.group())
      .Add(task.number())
      .Add(std::to_string(OrdinalOf(task.number())))
      .Add(task.content())
      .Add(UnitId(task.lead_agency()))
      .Add(task.lead_agency_text())
      .Add(task.coordinating())
      .Add(task.product())
      .Add(task.approving_level());
  AddTime(params, task.time().text(), row.time);
  params.AddOrNull(parent_id)
      .AddOrNull(commune_id)
      .Add(task.generated() ? "true" : "false")
      .AddOrNull(request_id);
  params.Exec(tx, kInsertTask.name);
}

constexpr Statement kUpdateTask = {
    "plans_update_task",
    "UPDATE tasks SET group_name = $3, number = $4, ordinal = $5::int, "
    "  content = $6, coordinating = $7, product = $8, "
    "  approving_level = $9, time_text = $10, time_form = $11, "
    "  due_date = $12::date, start_year = $13::int, end_year = $14::int, "
    "  recurring_month = $15::int, recurring_day = $16::int, "
    "  lead_agency_id = $17, lead_agency_text = $18, "
    "  revision = revision + 1, update_time = now() "
    "WHERE document_id = $1 AND id = $2"};

// Writes every field of `next` (a stored task with changes applied).
void WriteTask(pqxx::transaction_base& tx, const std::string& document_id,
               const std::string& id, const v1::Task& next,
               const ParsedTime& time) {
  db::Params params;
  params.Add(document_id)
      .Add(id)
      .Add(next.group())
      .Add(next.number())
      .Add(std::to_string(OrdinalOf(next.number())))
      .Add(next.content())
      .Add(next.coordinating())
      .Add(next.product())
      .Add(next.approving_level());
  AddTime(params, next.time().text(), time);
  params.Add(UnitId(next.lead_agency())).Add(next.lead_agency_text());
  params.Exec(tx, kUpdateTask.name);
}

// --- CreateTask

constexpr Statement kGetTaskByRequest = {
    "plans_get_task_by_request",
    "SELECT " HPEDU_PLANS_TASK_COLUMNS "FROM tasks t WHERE t.request_id = $1"};

absl::StatusOr<v1::Task> PostgresTaskStore::CreateTask(
    const server::CallContext& call, const TaskRow& row,
    const std::string& request_id) {
  return db::InTransaction<v1::Task>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Task> {
        if (!request_id.empty()) {
          const pqxx::result earlier =
              db::Params().Add(request_id).Exec(tx, kGetTaskByRequest.name);
          if (!earlier.empty()) return TaskFromRow(earlier[0]);
        }
        if (!LoadDocument(tx, row.document_id)) {
          return DocumentNotFound(row.document_id);
        }
        if (LoadTask(tx, row.document_id, row.id)) {
          const std::string name = TaskName(row.document_id, row.id);
          return WithErrorInfo(
              absl::AlreadyExistsError(absl::StrCat(
                  "nhiệm vụ ", name, " đã có (task already exists)")),
              "TASK_ALREADY_EXISTS", {{"name", name}});
        }
        InsertTask(tx, row, "", "", request_id);
        v1::Task created = *LoadTask(tx, row.document_id, row.id);
        audit::Record(tx, call, created.name(), audit::ChangeOf(created));
        feed::Record(
            tx, call,
            {feed::Created(created.name(), created, created.commune())});
        return created;
      });
}

// --- GetTask (internal::LoadTask runs the statement)

absl::StatusOr<v1::Task> PostgresTaskStore::GetTask(
    const server::CallContext& call, const std::string& document_id,
    const std::string& id) {
  return db::InTransaction<v1::Task>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Task> {
        std::optional<v1::Task> task = LoadTask(tx, document_id, id);
        if (!task) return TaskNotFound(document_id, id);
        return *std::move(task);
      });
}

// --- ListTasks

constexpr Statement kListTasks = {
    "plans_list_tasks",
    "SELECT " HPEDU_PLANS_TASK_COLUMNS "FROM tasks t "
    "WHERE t.document_id = $1 "
    "  AND ($2::boolean OR t.parent_task_id IS NULL) "
    "  AND ($3::text IS NULL OR (t.group_name, t.ordinal, t.id) > "
    "       ($3::text, $4::int, $5::text)) "
    "ORDER BY t.group_name, t.ordinal, t.id LIMIT $6::int"};

absl::StatusOr<TaskPage> PostgresTaskStore::ListTasks(
    const server::CallContext& call, const TaskListQuery& query) {
  db::Params params;
  params.Add(query.document_id).Add(query.include_cascaded ? "true" : "false");
  if (query.after) {
    params.Add(query.after->group)
        .Add(std::to_string(query.after->ordinal))
        .Add(query.after->id);
  } else {
    params.AddNull().AddNull().AddNull();
  }
  params.Add(std::to_string(query.page_size + 1));
  return db::InTransaction<TaskPage>(
      pool_, call.deadline(), kReadSnapshot,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<TaskPage> {
        if (!LoadDocument(tx, query.document_id)) {
          return DocumentNotFound(query.document_id);
        }
        TaskPage page;
        for (const pqxx::row& row : params.Exec(tx, kListTasks.name)) {
          if (static_cast<int>(page.tasks.size()) == query.page_size) {
            page.more = true;
            break;
          }
          page.tasks.push_back(TaskFromRow(row));
        }
        return page;
      });
}

// --- UpdateTask (kUpdateTask above)

absl::StatusOr<v1::Task> PostgresTaskStore::UpdateTask(
    const server::CallContext& call, const TaskUpdate& update) {
  return db::InTransaction<v1::Task>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Task> {
        std::optional<v1::Task> current =
            LoadTask(tx, update.document_id, update.id, /*for_update=*/true);
        if (!current) return TaskNotFound(update.document_id, update.id);
        RETURN_IF_ERROR(api::CheckEtag(update.etag, current->etag()));
        const TaskChange change = ApplyTaskUpdate(*current, update);
        WriteTask(tx, update.document_id, update.id, change.task, change.time);
        v1::Task updated = *LoadTask(tx, update.document_id, update.id);
        audit::Record(tx, call, updated.name(), audit::ChangeOf(updated));
        feed::Record(
            tx, call,
            {feed::Updated(updated.name(), updated, updated.commune())});
        return updated;
      });
}

// --- CascadeTask

constexpr Statement kChildCommunes = {
    "plans_child_communes",
    "SELECT commune_id FROM tasks "
    "WHERE document_id = $1 AND parent_task_id = $2"};

absl::StatusOr<CascadeResult> PostgresTaskStore::CascadeTask(
    const server::CallContext& call, const std::string& document_id,
    const std::string& id, const std::vector<std::string>& commune_names) {
  return db::InTransaction<CascadeResult>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<CascadeResult> {
        std::optional<v1::Task> parent =
            LoadTask(tx, document_id, id, /*for_update=*/true);
        if (!parent) return TaskNotFound(document_id, id);
        if (!parent->parent_task().empty()) {
          return absl::FailedPreconditionError(
              "nhiệm vụ đã giao cho xã không giao tiếp được (a task "
              "cascaded to a commune cannot be cascaded again)");
        }
        std::set<std::string> existing;
        for (const pqxx::row& row : db::Params().Add(document_id).Add(id).Exec(
                 tx, kChildCommunes.name)) {
          existing.insert(row["commune_id"].c_str());
        }
        CascadeResult result;
        std::vector<std::string> created;
        for (const std::string& commune : commune_names) {
          if (existing.count(UnitId(commune))) {
            ++result.existing;
            continue;
          }
          ASSIGN_OR_RETURN(const TaskRow child,
                           CascadedChild(*parent, document_id, id, commune));
          InsertTask(tx, child, id, UnitId(commune), "");
          created.push_back(child.id);
          ++result.created;
        }
        result.parent = *LoadTask(tx, document_id, id);
        if (result.created > 0) {
          audit::Record(tx, call, result.parent.name(),
                        {{"cascaded_to_communes", result.created}});
          std::vector<feed::Written> changes;
          for (const std::string& child : created) {
            const v1::Task task = *LoadTask(tx, document_id, child);
            changes.push_back(feed::Created(task.name(), task, task.commune()));
          }
          feed::Record(tx, call, changes);
        }
        return result;
      });
}

// --- ListChasingCandidates

// Open dated tasks due by $1, open free-text ones (to count), and every
// yearly task not cancelled.
constexpr Statement kChasingCandidates = {
    "plans_chasing_candidates",
    "SELECT t.document_id, t.id, t.content, t.lead_agency_id, "
    "  t.commune_id, t.state, t.progress_percent, t.time_form, "
    "  to_char(t.due_date, 'YYYY-MM-DD') AS due_date, t.start_year, "
    "  t.end_year, t.recurring_month, t.recurring_day, "
    "  to_char(t.last_done_date, 'YYYY-MM-DD') AS last_done_date, "
    "  to_char(d.issue_date, 'YYYY-MM-DD') AS issue_date "
    "FROM tasks t JOIN documents d ON d.id = t.document_id "
    "WHERE ($2::text IS NULL OR t.document_id = $2) AND ("
    "  (t.state NOT IN ('DONE', 'DONE_LATE', 'CANCELLED') AND "
    "   (t.due_date <= $1::date OR t.time_form = 'FREE_TEXT')) OR "
    "  (t.time_form = 'RECURRING_YEARLY' AND t.state <> 'CANCELLED'))"};

ChasingCandidate CandidateFromRow(const pqxx::row& row) {
  ChasingCandidate candidate;
  candidate.task = TaskName(row["document_id"].c_str(), row["id"].c_str());
  candidate.content = row["content"].c_str();
  candidate.lead_agency = UnitName(row["lead_agency_id"].c_str());
  if (!row["commune_id"].is_null()) {
    candidate.commune = UnitName(row["commune_id"].c_str());
  }
  v1::TaskState state = v1::TASK_STATE_UNSPECIFIED;
  v1::TaskState_Parse(row["state"].c_str(), &state);
  candidate.facts.state = state;
  candidate.progress_percent = row["progress_percent"].as<int>();
  candidate.facts.time = internal::TimeFromRow(row);
  candidate.facts.last_done = internal::DayOf(row["last_done_date"]);
  candidate.facts.start = internal::DayOf(row["issue_date"]);
  return candidate;
}

absl::StatusOr<std::vector<ChasingCandidate>>
PostgresTaskStore::ListChasingCandidates(const server::CallContext& call,
                                         absl::CivilDay last_due,
                                         const std::string& document_id) {
  return db::InTransaction<std::vector<ChasingCandidate>>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::vector<ChasingCandidate>> {
        const pqxx::result rows = db::Params()
                                      .Add(api::FormatIsoDate(last_due))
                                      .AddOrNull(document_id)
                                      .Exec(tx, kChasingCandidates.name);
        std::vector<ChasingCandidate> candidates;
        candidates.reserve(rows.size());
        for (const pqxx::row& row : rows) {
          candidates.push_back(CandidateFromRow(row));
        }
        return candidates;
      });
}

// --- ImportTasks

constexpr Statement kGetTasks = {
    "plans_get_tasks", "SELECT " HPEDU_PLANS_TASK_COLUMNS
                       "FROM tasks t WHERE t.document_id = $1 "
                       "  AND t.id = ANY ($2::text[])"};

absl::StatusOr<ImportCounts> PostgresTaskStore::ImportTasks(
    const server::CallContext& call, const std::string& document_id,
    const std::vector<TaskRow>& rows, bool validate_only) {
  db::TransactionOptions options = kWrite;
  options.read_only = validate_only;
  std::vector<std::string> ids;
  for (const TaskRow& row : rows) ids.push_back(row.id);
  return db::InTransaction<ImportCounts>(
      pool_, call.deadline(), options,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<ImportCounts> {
        if (!LoadDocument(tx, document_id)) return DocumentNotFound(document_id);
        std::map<std::string, v1::Task> stored;
        for (const pqxx::row& row : db::Params()
                                        .Add(document_id)
                                        .Add(db::TextArrayLiteral(ids))
                                        .Exec(tx, kGetTasks.name)) {
          stored.emplace(row["id"].c_str(), TaskFromRow(row));
        }
        csv::LineErrors errors;
        ImportCounts counts;
        std::vector<std::pair<const TaskRow*, const v1::Task*>> changes;
        for (const TaskRow& row : rows) {
          auto it = stored.find(row.id);
          if (it == stored.end()) {
            ++counts.created;
            changes.emplace_back(&row, nullptr);
          } else if (!it->second.parent_task().empty()) {
            errors.Add(row.line, "no",
                       "trùng mã một nhiệm vụ đã giao cho xã (the id of a "
                       "cascaded task)");
          } else if (SameImportedTask(it->second, row.task)) {
            ++counts.unchanged;
          } else {
            ++counts.updated;
            changes.emplace_back(&row, &it->second);
          }
        }
        RETURN_IF_ERROR(errors.ToStatus());
        if (validate_only) return counts;
        for (const auto& [row, current] : changes) {
          if (current == nullptr) {
            InsertTask(tx, *row, "", "", "");
          } else {
            WriteTask(tx, document_id, row->id,
                      ApplyImportedTask(*current, row->task), row->time);
          }
        }
        audit::Record(tx, call, DocumentName(document_id),
                      {{"tasks_created", counts.created},
                       {"tasks_updated", counts.updated},
                       {"tasks_unchanged", counts.unchanged}});
        std::vector<feed::Written> written;
        for (const auto& [row, current] : changes) {
          const v1::Task task = *LoadTask(tx, document_id, row->id);
          written.push_back(
              current == nullptr
                  ? feed::Created(task.name(), task, task.commune())
                  : feed::Updated(task.name(), task, task.commune()));
        }
        feed::Record(tx, call, written);
        return counts;
      });
}

}  // namespace

const std::vector<db::PreparedStatement>& TaskStatements() {
  static const auto* const kStatements =
      new std::vector<db::PreparedStatement>(internal::ToPrepared(
          {kInsertTask, kUpdateTask, kGetTaskByRequest, kListTasks,
           kChildCommunes, kChasingCandidates, kGetTasks}));
  return *kStatements;
}

std::unique_ptr<TaskStore> NewPostgresTaskStore(db::Pool& pool) {
  return std::make_unique<PostgresTaskStore>(pool);
}

}  // namespace hpedu::plans
