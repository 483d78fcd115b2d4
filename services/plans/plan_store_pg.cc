#include "services/plans/plan_store_pg.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/base/string_view.h"
#include "libs/csv/line_errors.h"
#include "libs/db/params.h"
#include "libs/audit/audit.h"
#include "libs/db/transaction.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/plans/deadlines.h"

namespace hpedu::plans {

using ::google::protobuf::util::TimeUtil;
namespace {

// The columns DocumentFromRow reads, in order.
#define HPEDU_DOCUMENT_COLUMNS                                              \
  "d.id, d.number, d.kind, d.issuer_id, d.issuer_text, d.level, "           \
  "to_char(d.issue_date, 'YYYY-MM-DD'), d.title, d.commune_id, d.revision, " \
  "(extract(epoch FROM d.create_time) * 1000000)::bigint, "                 \
  "(extract(epoch FROM d.update_time) * 1000000)::bigint, "                 \
  "(SELECT string_agg(l.implemented_id, ';' ORDER BY l.implemented_id) "    \
  "   FROM document_links l WHERE l.document_id = d.id), "                     \
  "array_to_string(d.targets, ';') "

// The columns TaskFromRow reads, in order.
#define HPEDU_TASK_COLUMNS                                                    \
  "t.document_id, t.id, t.group_name, t.number, t.content, "                  \
  "t.lead_agency_id, t.lead_agency_text, t.coordinating, t.product, "         \
  "t.approving_level, t.time_text, t.time_form, "                             \
  "to_char(t.due_date, 'YYYY-MM-DD'), t.start_year, t.end_year, "             \
  "t.recurring_month, t.recurring_day, t.parent_task_id, t.commune_id, "      \
  "t.state, t.progress_percent, t.generated, t.revision, "                    \
  "(extract(epoch FROM t.create_time) * 1000000)::bigint, "                   \
  "(extract(epoch FROM t.update_time) * 1000000)::bigint, "                   \
  "(SELECT count(*) FROM tasks c WHERE c.document_id = t.document_id "        \
  "   AND c.parent_task_id = t.id), "                                         \
  "(SELECT count(*) FROM tasks c WHERE c.document_id = t.document_id "        \
  "   AND c.parent_task_id = t.id AND c.state IN ('DONE', 'DONE_LATE')) "

#define HPEDU_REPORT_COLUMNS                                                  \
  "r.document_id, r.task_id, r.id, r.state, r.progress_percent, r.evidence, " \
  "to_char(r.report_date, 'YYYY-MM-DD'), r.generated, "                       \
  "(extract(epoch FROM r.create_time) * 1000000)::bigint "

constexpr char kGetDocument[] = "plans_get_document";
constexpr char kGetDocumentForUpdate[] = "plans_get_document_for_update";
constexpr char kGetDocumentByRequest[] = "plans_get_document_by_request";
constexpr char kDocumentIdByNumber[] = "plans_document_id_by_number";
constexpr char kListDocuments[] = "plans_list_documents";
constexpr char kExistingDocuments[] = "plans_existing_documents";
constexpr char kInsertDocument[] = "plans_insert_document";
constexpr char kInsertLink[] = "plans_insert_link";
constexpr char kDeleteLinks[] = "plans_delete_links";
constexpr char kReaches[] = "plans_reaches";
constexpr char kUpdateDocument[] = "plans_update_document";
constexpr char kGetTask[] = "plans_get_task";
constexpr char kGetTaskForUpdate[] = "plans_get_task_for_update";
constexpr char kGetTaskByRequest[] = "plans_get_task_by_request";
constexpr char kGetTasks[] = "plans_get_tasks";
constexpr char kListTasks[] = "plans_list_tasks";
constexpr char kInsertTask[] = "plans_insert_task";
constexpr char kUpdateTask[] = "plans_update_task";
constexpr char kChildCommunes[] = "plans_child_communes";
constexpr char kInsertReport[] = "plans_insert_report";
constexpr char kSetTaskState[] = "plans_set_task_state";
constexpr char kListReports[] = "plans_list_reports";
constexpr char kChasingCandidates[] = "plans_chasing_candidates";
constexpr char kCoverageTree[] = "plans_coverage_tree";
constexpr char kInsertCycle[] = "plans_insert_cycle";
constexpr char kGetCycle[] = "plans_get_cycle";
constexpr char kInsertSubmission[] = "plans_insert_submission";
constexpr char kGetSubmission[] = "plans_get_submission";
constexpr char kListSubmissions[] = "plans_list_submissions";

std::string DocumentName(const std::string& id) { return "documents/" + id; }
std::string TaskName(const std::string& document_id, const std::string& id) {
  return absl::StrCat("documents/", document_id, "/tasks/", id);
}
std::string UnitName(const std::string& id) { return "units/" + id; }
// The id of a validated `units/{id}`.
std::string UnitId(std::string_view name) {
  return std::string(name.substr(name.find('/') + 1));
}

std::optional<absl::CivilDay> DayOf(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(field.c_str());
  // The column is a date and to_char formats it ISO: cannot fail.
  return day.ok() ? std::optional<absl::CivilDay>(*day) : std::nullopt;
}

std::vector<std::string> SplitIds(const pqxx::field& field) {
  if (field.is_null()) return {};
  return absl::StrSplit(field.c_str(), ';', absl::SkipEmpty());
}

v1::Document DocumentFromRow(const pqxx::row& row) {
  v1::Document document;
  document.set_name(DocumentName(row[0].c_str()));
  document.set_number(row[1].c_str());
  v1::DocumentKind kind = v1::DOCUMENT_KIND_UNSPECIFIED;
  v1::DocumentKind_Parse(row[2].c_str(), &kind);
  document.set_kind(kind);
  document.set_issuer(UnitName(row[3].c_str()));
  document.set_issuer_text(row[4].c_str());
  v1::DocumentLevel level = v1::DOCUMENT_LEVEL_UNSPECIFIED;
  v1::DocumentLevel_Parse(row[5].c_str(), &level);
  document.set_level(level);
  if (std::optional<absl::CivilDay> day = DayOf(row[6])) {
    *document.mutable_issue_date() = api::ToProtoDate(*day);
  }
  document.set_title(row[7].c_str());
  if (!row[8].is_null()) document.set_commune(UnitName(row[8].c_str()));
  document.set_etag(api::EtagFromRevision(row[9].as<int64_t>()));
  *document.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[10].as<int64_t>());
  *document.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[11].as<int64_t>());
  for (const std::string& id : SplitIds(row[12])) {
    document.add_implements(DocumentName(id));
  }
  for (const std::string& target : SplitIds(row[13])) {
    document.add_targets(target);
  }
  return document;
}

// The parsed time of a stored task (columns time_form .. recurring_day).
ParsedTime TimeFromRow(const pqxx::row& row, int form, int due, int start,
                       int end, int month, int day) {
  ParsedTime time;
  v1::TimeForm parsed_form = v1::FREE_TEXT;
  v1::TimeForm_Parse(row[form].c_str(), &parsed_form);
  time.form = parsed_form;
  time.due = DayOf(row[due]);
  if (start >= 0) time.start_year = row[start].as<int>();
  if (end >= 0) time.end_year = row[end].as<int>();
  if (!row[month].is_null()) {
    time.recurring = {row[month].as<int>(), row[day].as<int>()};
  }
  return time;
}

v1::Task TaskFromRow(const pqxx::row& row) {
  v1::Task task;
  const std::string document_id = row[0].c_str();
  task.set_name(TaskName(document_id, row[1].c_str()));
  task.set_group(row[2].c_str());
  task.set_number(row[3].c_str());
  task.set_content(row[4].c_str());
  task.set_lead_agency(UnitName(row[5].c_str()));
  task.set_lead_agency_text(row[6].c_str());
  task.set_coordinating(row[7].c_str());
  task.set_product(row[8].c_str());
  task.set_approving_level(row[9].c_str());
  *task.mutable_time() =
      ToProto(row[10].c_str(), TimeFromRow(row, 11, 12, 13, 14, 15, 16));
  if (!row[17].is_null()) {
    task.set_parent_task(TaskName(document_id, row[17].c_str()));
  }
  if (!row[18].is_null()) task.set_commune(UnitName(row[18].c_str()));
  v1::TaskState state = v1::TASK_STATE_UNSPECIFIED;
  v1::TaskState_Parse(row[19].c_str(), &state);
  task.set_state(state);
  task.set_progress_percent(row[20].as<int>());
  task.set_generated(row[21].as<bool>());
  task.set_etag(api::EtagFromRevision(row[22].as<int64_t>()));
  *task.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[23].as<int64_t>());
  *task.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[24].as<int64_t>());
  task.set_children_total(row[25].as<int>());
  task.set_children_done(row[26].as<int>());
  return task;
}

v1::StatusReport ReportFromRow(const pqxx::row& row) {
  v1::StatusReport report;
  report.set_name(absl::StrCat(TaskName(row[0].c_str(), row[1].c_str()),
                               "/reports/", row[2].c_str()));
  v1::TaskState state = v1::TASK_STATE_UNSPECIFIED;
  v1::TaskState_Parse(row[3].c_str(), &state);
  report.set_state(state);
  report.set_progress_percent(row[4].as<int>());
  report.set_evidence(row[5].c_str());
  if (std::optional<absl::CivilDay> day = DayOf(row[6])) {
    *report.mutable_report_date() = api::ToProtoDate(*day);
  }
  report.set_generated(row[7].as<bool>());
  *report.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
  return report;
}

absl::Status DocumentNotFound(const std::string& id) {
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có văn bản ", DocumentName(id),
                                       " (document not found)")),
      "DOCUMENT_NOT_FOUND", {{"name", DocumentName(id)}});
}

absl::Status TaskNotFound(const std::string& document_id,
                          const std::string& id) {
  const std::string name = TaskName(document_id, id);
  return WithErrorInfo(absl::NotFoundError(absl::StrCat(
                           "không có nhiệm vụ ", name, " (task not found)")),
                       "TASK_NOT_FOUND", {{"name", name}});
}

std::optional<v1::Document> LoadDocument(pqxx::transaction_base& tx,
                                         const std::string& statement,
                                         const std::string& key) {
  const pqxx::result result = db::Params().Add(key).Exec(tx, statement);
  if (result.empty()) return std::nullopt;
  return DocumentFromRow(result[0]);
}

std::optional<v1::Task> LoadTask(pqxx::transaction_base& tx,
                                 const std::string& statement,
                                 const std::string& document_id,
                                 const std::string& id) {
  const pqxx::result result =
      db::Params().Add(document_id).Add(id).Exec(tx, statement);
  if (result.empty()) return std::nullopt;
  return TaskFromRow(result[0]);
}

// Violations on `field`[i] for each of `ids` that is not a stored document.
void CheckDocumentsExist(pqxx::transaction_base& tx,
                         const std::vector<std::string>& ids,
                         const std::string& field,
                         FieldViolations& violations) {
  if (ids.empty()) return;
  std::set<std::string> found;
  for (const pqxx::row& row :
       db::Params().Add(db::TextArrayLiteral(ids)).Exec(tx,
                                                        kExistingDocuments)) {
    found.insert(row[0].c_str());
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!found.count(ids[i])) {
      violations.Add(absl::StrCat(field, "[", i, "]"),
                     absl::StrCat("không có văn bản ", DocumentName(ids[i]),
                                  " (no such document)"));
    }
  }
}

int OrdinalOf(std::string_view number) {
  int ordinal = 0;
  return absl::SimpleAtoi(ToAbsl(number), &ordinal) ? ordinal : 0;
}

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
  params.Exec(tx, kInsertTask);
}

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
  params.Exec(tx, kUpdateTask);
}

// The parsed time of a stored task message (re-derived from its fields).
ParsedTime TimeOfTask(const v1::Task& task) {
  ParsedTime time;
  time.form = task.time().form();
  if (task.time().has_due_date()) {
    time.due = absl::CivilDay(task.time().due_date().year(),
                              task.time().due_date().month(),
                              task.time().due_date().day());
  }
  time.start_year = task.time().start_year();
  time.end_year = task.time().end_year();
  if (task.time().has_recurring_due()) {
    time.recurring = {task.time().recurring_due().month(),
                      task.time().recurring_due().day()};
  }
  return time;
}

void InsertDocument(pqxx::transaction_base& tx, const DocumentRow& row,
                    const std::string& request_id) {
  const v1::Document& document = row.document;
  db::Params params;
  params.Add(row.id)
      .Add(document.number())
      .Add(v1::DocumentKind_Name(document.kind()))
      .Add(UnitId(document.issuer()))
      .Add(document.issuer_text())
      .Add(v1::DocumentLevel_Name(document.level()));
  if (document.has_issue_date()) {
    params.Add(api::FormatIsoDate(absl::CivilDay(document.issue_date().year(),
                                                 document.issue_date().month(),
                                                 document.issue_date().day())));
  } else {
    params.AddNull();
  }
  params.Add(document.title())
      .AddOrNull(document.commune().empty() ? "" : UnitId(document.commune()))
      .AddOrNull(request_id)
      .Add(db::TextArrayLiteral(std::vector<std::string>(
          document.targets().begin(), document.targets().end())));
  params.Exec(tx, kInsertDocument);
  for (const std::string& implemented : row.implements_ids) {
    db::Params().Add(row.id).Add(implemented).Exec(tx, kInsertLink);
  }
}

absl::CivilDay DayOfProto(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

std::vector<absl::CivilDay> DaysOf(const pqxx::field& field) {
  std::vector<absl::CivilDay> days;
  for (const std::string& text : SplitIds(field)) {
    absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(text);
    if (day.ok()) days.push_back(*day);  // a date column: always ISO
  }
  return days;
}

StoredCycle CycleFromRow(const pqxx::row& row) {
  StoredCycle stored;
  v1::ReportCycle& cycle = stored.cycle;
  cycle.set_name(absl::StrCat("documents/", row[0].c_str(), "/reportCycles/",
                              row[1].c_str()));
  cycle.set_title(row[2].c_str());
  v1::ReportFrequency frequency = v1::REPORT_FREQUENCY_UNSPECIFIED;
  v1::ReportFrequency_Parse(row[3].c_str(), &frequency);
  cycle.set_frequency(frequency);
  cycle.set_due_days_after_period(row[4].as<int>());
  stored.spec.frequency = frequency;
  stored.spec.due_days_after_period = row[4].as<int>();
  stored.spec.fixed_dates = DaysOf(row[5]);
  for (absl::CivilDay day : stored.spec.fixed_dates) {
    *cycle.add_fixed_dates() = api::ToProtoDate(day);
  }
  stored.spec.first_day = *DayOf(row[6]);
  *cycle.mutable_first_day() = api::ToProtoDate(stored.spec.first_day);
  stored.spec.last_day = DayOf(row[7]);
  if (stored.spec.last_day) {
    *cycle.mutable_last_day() = api::ToProtoDate(*stored.spec.last_day);
  }
  for (const std::string& unit : SplitIds(row[8])) {
    cycle.add_reporting_units(UnitName(unit));
  }
  cycle.set_etag(api::EtagFromRevision(row[9].as<int64_t>()));
  *cycle.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[10].as<int64_t>());
  return stored;
}

v1::Submission SubmissionFromRow(const pqxx::row& row) {
  v1::Submission submission;
  submission.set_unit(UnitName(row[0].c_str()));
  *submission.mutable_due_date() = api::ToProtoDate(*DayOf(row[1]));
  *submission.mutable_submitted_date() = api::ToProtoDate(*DayOf(row[2]));
  submission.set_evidence(row[3].c_str());
  return submission;
}

std::optional<StoredCycle> LoadCycle(pqxx::transaction_base& tx,
                                     const std::string& document_id,
                                     const std::string& id) {
  const pqxx::result result =
      db::Params().Add(document_id).Add(id).Exec(tx, kGetCycle);
  if (result.empty()) return std::nullopt;
  return CycleFromRow(result[0]);
}

const db::TransactionOptions kRead = {.isolation = db::Isolation::kReadCommitted,
                                      .read_only = true};
const db::TransactionOptions kReadSnapshot = {
    .isolation = db::Isolation::kRepeatableRead, .read_only = true};
const db::TransactionOptions kWrite = {.isolation = db::Isolation::kSerializable,
                                       .read_only = false};

class PostgresPlanStore final : public PlanStore {
 public:
  explicit PostgresPlanStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::Document> CreateDocument(
      const server::CallContext& call, const DocumentRow& row,
      const std::string& request_id) override {
    return db::InTransaction<v1::Document>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Document> {
          if (!request_id.empty()) {
            std::optional<v1::Document> earlier =
                LoadDocument(tx, kGetDocumentByRequest, request_id);
            if (earlier) return *std::move(earlier);
          }
          const v1::Document& document = row.document;
          if (LoadDocument(tx, kGetDocument, row.id) ||
              !db::Params().Add(document.number()).Exec(tx, kDocumentIdByNumber).empty()) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "văn bản ", DocumentName(row.id), " hoặc số ",
                    document.number(), " đã có (document already exists)")),
                "DOCUMENT_ALREADY_EXISTS", {{"name", DocumentName(row.id)}});
          }
          FieldViolations violations;
          CheckDocumentsExist(tx, row.implements_ids, "document.implements",
                              violations);
          RETURN_IF_ERROR(violations.ToStatus());
          InsertDocument(tx, row, request_id);
          v1::Document created = *LoadDocument(tx, kGetDocument, row.id);
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          return created;
        });
  }

  absl::StatusOr<v1::Document> GetDocument(const server::CallContext& call,
                                           const std::string& id) override {
    return db::InTransaction<v1::Document>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Document> {
          std::optional<v1::Document> document =
              LoadDocument(tx, kGetDocument, id);
          if (!document) return DocumentNotFound(id);
          return *std::move(document);
        });
  }

  absl::StatusOr<DocumentPage> ListDocuments(
      const server::CallContext& call, int page_size,
      const std::string& after_id) override {
    return db::InTransaction<DocumentPage>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<DocumentPage> {
          DocumentPage page;
          for (const pqxx::row& row :
               db::Params()
                   .AddOrNull(after_id)
                   .Add(std::to_string(page_size + 1))
                   .Exec(tx, kListDocuments)) {
            if (static_cast<int>(page.documents.size()) == page_size) {
              page.more = true;
              break;
            }
            page.documents.push_back(DocumentFromRow(row));
          }
          return page;
        });
  }

  absl::StatusOr<v1::Document> UpdateDocument(
      const server::CallContext& call, const DocumentUpdate& update) override {
    return db::InTransaction<v1::Document>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Document> {
          std::optional<v1::Document> current =
              LoadDocument(tx, kGetDocumentForUpdate, update.id);
          if (!current) return DocumentNotFound(update.id);
          RETURN_IF_ERROR(api::CheckEtag(update.etag, current->etag()));
          if (update.implements_ids) {
            FieldViolations violations;
            CheckDocumentsExist(tx, *update.implements_ids,
                                "document.implements", violations);
            RETURN_IF_ERROR(violations.ToStatus());
            // A cycle: this document is reachable from what it would
            // implement.
            if (db::Params()
                    .Add(db::TextArrayLiteral(*update.implements_ids))
                    .Add(update.id)
                    .Exec(tx, kReaches)[0][0]
                    .as<bool>()) {
              return InvalidField(
                  "document.implements",
                  "tạo thành vòng lặp: văn bản sẽ tự thực hiện chính nó "
                  "(would make a cycle)");
            }
            db::Params().Add(update.id).Exec(tx, kDeleteLinks);
            for (const std::string& implemented : *update.implements_ids) {
              db::Params().Add(update.id).Add(implemented).Exec(tx, kInsertLink);
            }
          }
          const std::vector<std::string> targets =
              update.targets.value_or(std::vector<std::string>(
                  current->targets().begin(), current->targets().end()));
          db::Params()
              .Add(update.id)
              .Add(update.title.value_or(current->title()))
              .Add(db::TextArrayLiteral(targets))
              .Exec(tx, kUpdateDocument);
          v1::Document updated = *LoadDocument(tx, kGetDocument, update.id);
          audit::Record(tx, call, updated.name(), audit::ChangeOf(updated));
          return updated;
        });
  }

  absl::StatusOr<v1::Task> CreateTask(const server::CallContext& call,
                                      const TaskRow& row,
                                      const std::string& request_id) override {
    return db::InTransaction<v1::Task>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Task> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kGetTaskByRequest);
            if (!earlier.empty()) return TaskFromRow(earlier[0]);
          }
          if (!LoadDocument(tx, kGetDocument, row.document_id)) {
            return DocumentNotFound(row.document_id);
          }
          if (LoadTask(tx, kGetTask, row.document_id, row.id)) {
            const std::string name = TaskName(row.document_id, row.id);
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "nhiệm vụ ", name, " đã có (task already exists)")),
                "TASK_ALREADY_EXISTS", {{"name", name}});
          }
          InsertTask(tx, row, "", "", request_id);
          v1::Task created = *LoadTask(tx, kGetTask, row.document_id, row.id);
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          return created;
        });
  }

  absl::StatusOr<v1::Task> GetTask(const server::CallContext& call,
                                   const std::string& document_id,
                                   const std::string& id) override {
    return db::InTransaction<v1::Task>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Task> {
          std::optional<v1::Task> task = LoadTask(tx, kGetTask, document_id, id);
          if (!task) return TaskNotFound(document_id, id);
          return *std::move(task);
        });
  }

  absl::StatusOr<TaskPage> ListTasks(const server::CallContext& call,
                                     const TaskListQuery& query) override {
    db::Params params;
    params.Add(query.document_id)
        .Add(query.include_cascaded ? "true" : "false");
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
          if (!LoadDocument(tx, kGetDocument, query.document_id)) {
            return DocumentNotFound(query.document_id);
          }
          TaskPage page;
          for (const pqxx::row& row : params.Exec(tx, kListTasks)) {
            if (static_cast<int>(page.tasks.size()) == query.page_size) {
              page.more = true;
              break;
            }
            page.tasks.push_back(TaskFromRow(row));
          }
          return page;
        });
  }

  absl::StatusOr<v1::Task> UpdateTask(const server::CallContext& call,
                                      const TaskUpdate& update) override {
    return db::InTransaction<v1::Task>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Task> {
          std::optional<v1::Task> current = LoadTask(
              tx, kGetTaskForUpdate, update.document_id, update.id);
          if (!current) return TaskNotFound(update.document_id, update.id);
          RETURN_IF_ERROR(api::CheckEtag(update.etag, current->etag()));
          v1::Task next = *current;
          if (update.group) next.set_group(*update.group);
          if (update.number) next.set_number(*update.number);
          if (update.content) next.set_content(*update.content);
          if (update.coordinating) next.set_coordinating(*update.coordinating);
          if (update.product) next.set_product(*update.product);
          if (update.approving_level) {
            next.set_approving_level(*update.approving_level);
          }
          ParsedTime time = TimeOfTask(*current);
          if (update.time) {
            time = *update.time;
            *next.mutable_time() = ToProto(*update.time_text, time);
          }
          WriteTask(tx, update.document_id, update.id, next, time);
          v1::Task updated =
              *LoadTask(tx, kGetTask, update.document_id, update.id);
          audit::Record(tx, call, updated.name(), audit::ChangeOf(updated));
          return updated;
        });
  }

  absl::StatusOr<CascadeResult> CascadeTask(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id,
      const std::vector<std::string>& commune_names) override {
    return db::InTransaction<CascadeResult>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<CascadeResult> {
          std::optional<v1::Task> parent =
              LoadTask(tx, kGetTaskForUpdate, document_id, id);
          if (!parent) return TaskNotFound(document_id, id);
          if (!parent->parent_task().empty()) {
            return absl::FailedPreconditionError(
                "nhiệm vụ đã giao cho xã không giao tiếp được (a task "
                "cascaded to a commune cannot be cascaded again)");
          }
          std::set<std::string> existing;
          for (const pqxx::row& row :
               db::Params().Add(document_id).Add(id).Exec(tx, kChildCommunes)) {
            existing.insert(row[0].c_str());
          }
          CascadeResult result;
          const ParsedTime time = TimeOfTask(*parent);
          for (const std::string& commune : commune_names) {
            const std::string commune_id = UnitId(commune);
            if (existing.count(commune_id)) {
              ++result.existing;
              continue;
            }
            TaskRow child;
            child.document_id = document_id;
            child.id = absl::StrCat(id, "-", commune_id);
            if (child.id.size() > 63) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "mã nhiệm vụ con quá dài (child task id longer than 63): ",
                  child.id));
            }
            child.task = *parent;
            child.task.set_lead_agency(commune);
            child.task.set_lead_agency_text("");
            child.task.set_generated(parent->generated());
            child.time = time;
            InsertTask(tx, child, id, commune_id, "");
            ++result.created;
          }
          result.parent = *LoadTask(tx, kGetTask, document_id, id);
          if (result.created > 0) {
            audit::Record(tx, call, result.parent.name(),
                          {{"cascaded_to_communes", result.created}});
          }
          return result;
        });
  }

  absl::StatusOr<v1::StatusReport> CreateStatusReport(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, const v1::StatusReport& report) override {
    return db::InTransaction<v1::StatusReport>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::StatusReport> {
          std::optional<v1::Task> task =
              LoadTask(tx, kGetTaskForUpdate, document_id, task_id);
          if (!task) return TaskNotFound(document_id, task_id);
          const absl::CivilDay day(report.report_date().year(),
                                   report.report_date().month(),
                                   report.report_date().day());
          const v1::TaskState state =
              StateForReport(report.state(), day, TimeOfTask(*task));
          const int progress =
              (state == v1::DONE || state == v1::DONE_LATE)
                  ? 100
                  : report.progress_percent();
          const std::string state_name = v1::TaskState_Name(state);
          const pqxx::result inserted =
              db::Params()
                  .Add(document_id)
                  .Add(task_id)
                  .Add(state_name)
                  .Add(std::to_string(progress))
                  .Add(report.evidence())
                  .Add(api::FormatIsoDate(day))
                  .Add(report.generated() ? "true" : "false")
                  .Exec(tx, kInsertReport);
          db::Params()
              .Add(document_id)
              .Add(task_id)
              .Add(state_name)
              .Add(std::to_string(progress))
              .Add(api::FormatIsoDate(day))
              .Exec(tx, kSetTaskState);
          v1::StatusReport created = ReportFromRow(inserted[0]);
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          return created;
        });
  }

  absl::StatusOr<ReportPage> ListStatusReports(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, int page_size, int64_t before_id) override {
    return db::InTransaction<ReportPage>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<ReportPage> {
          if (!LoadTask(tx, kGetTask, document_id, task_id)) {
            return TaskNotFound(document_id, task_id);
          }
          ReportPage page;
          for (const pqxx::row& row :
               db::Params()
                   .Add(document_id)
                   .Add(task_id)
                   .AddOrNull(before_id > 0 ? std::to_string(before_id) : "")
                   .Add(std::to_string(page_size + 1))
                   .Exec(tx, kListReports)) {
            if (static_cast<int>(page.reports.size()) == page_size) {
              page.more = true;
              break;
            }
            page.reports.push_back(ReportFromRow(row));
          }
          return page;
        });
  }

  absl::StatusOr<std::vector<ChasingCandidate>> ListChasingCandidates(
      const server::CallContext& call, absl::CivilDay last_due,
      const std::string& document_id) override {
    return db::InTransaction<std::vector<ChasingCandidate>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<ChasingCandidate>> {
          std::vector<ChasingCandidate> candidates;
          const pqxx::result rows = db::Params()
                                        .Add(api::FormatIsoDate(last_due))
                                        .AddOrNull(document_id)
                                        .Exec(tx, kChasingCandidates);
          candidates.reserve(rows.size());
          for (const pqxx::row& row : rows) {
            ChasingCandidate candidate;
            candidate.task = TaskName(row[0].c_str(), row[1].c_str());
            candidate.content = row[2].c_str();
            candidate.lead_agency = UnitName(row[3].c_str());
            if (!row[4].is_null()) candidate.commune = UnitName(row[4].c_str());
            v1::TaskState state = v1::TASK_STATE_UNSPECIFIED;
            v1::TaskState_Parse(row[5].c_str(), &state);
            candidate.facts.state = state;
            candidate.progress_percent = row[6].as<int>();
            candidate.facts.time = TimeFromRow(row, 7, 8, -1, -1, 9, 10);
            candidate.facts.last_done = DayOf(row[11]);
            candidate.facts.start = DayOf(row[12]);
            candidates.push_back(std::move(candidate));
          }
          return candidates;
        });
  }

  absl::StatusOr<std::vector<CoverageDocument>> CoverageTree(
      const server::CallContext& call, const std::string& document_id) override {
    return db::InTransaction<std::vector<CoverageDocument>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<CoverageDocument>> {
          if (!LoadDocument(tx, kGetDocument, document_id)) {
            return DocumentNotFound(document_id);
          }
          std::vector<CoverageDocument> tree;
          for (const pqxx::row& row :
               db::Params().Add(document_id).Exec(tx, kCoverageTree)) {
            CoverageDocument document;
            document.id = row[0].c_str();
            document.number = row[1].c_str();
            if (!row[2].is_null()) document.commune_id = row[2].c_str();
            document.implemented_ids = SplitIds(row[3]);
            tree.push_back(std::move(document));
          }
          return tree;
        });
  }

  absl::StatusOr<ImportCounts> ImportDocuments(
      const server::CallContext& call, const std::vector<DocumentRow>& rows,
      bool validate_only) override {
    db::TransactionOptions options = kWrite;
    options.read_only = validate_only;
    return db::InTransaction<ImportCounts>(
        pool_, call.deadline(), options,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<ImportCounts> {
          csv::LineErrors errors;
          ImportCounts counts;
          std::set<std::string> known;  // stored, or created earlier here
          std::vector<const DocumentRow*> to_create;
          for (const DocumentRow& row : rows) {
            const v1::Document& next = row.document;
            if (std::optional<v1::Document> stored =
                    LoadDocument(tx, kGetDocument, row.id)) {
              if (stored->number() != next.number() ||
                  stored->kind() != next.kind() ||
                  stored->level() != next.level() ||
                  stored->issuer() != next.issuer() ||
                  stored->title() != next.title()) {
                errors.Add(row.line, "number",
                           "khác văn bản đã có cùng số (differs from the "
                           "stored document; change it with UpdateDocument)");
              } else {
                ++counts.unchanged;
              }
              known.insert(row.id);
              continue;
            }
            if (!db::Params().Add(next.number()).Exec(tx, kDocumentIdByNumber).empty()) {
              errors.Add(row.line, "number",
                         "số đã dùng cho văn bản khác (number taken)");
              continue;
            }
            for (const std::string& implemented : row.implements_ids) {
              if (known.count(implemented)) continue;
              if (LoadDocument(tx, kGetDocument, implemented)) {
                known.insert(implemented);
              } else {
                errors.Add(row.line, "implements",
                           absl::StrCat("không có văn bản ",
                                        DocumentName(implemented),
                                        " (no such document)"));
              }
            }
            known.insert(row.id);
            ++counts.created;
            to_create.push_back(&row);
          }
          RETURN_IF_ERROR(errors.ToStatus());
          if (!validate_only) {
            for (const DocumentRow* row : to_create) InsertDocument(tx, *row, "");
            audit::Record(tx, call, "documents",
                          {{"created", counts.created},
                           {"unchanged", counts.unchanged}});
          }
          return counts;
        });
  }

  absl::StatusOr<v1::ReportCycle> CreateReportCycle(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id, const v1::ReportCycle& cycle) override {
    std::vector<std::string> fixed_dates;
    for (const google::type::Date& date : cycle.fixed_dates()) {
      fixed_dates.push_back(api::FormatIsoDate(DayOfProto(date)));
    }
    std::vector<std::string> units;
    for (const std::string& unit : cycle.reporting_units()) {
      units.push_back(UnitId(unit));
    }
    return db::InTransaction<v1::ReportCycle>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ReportCycle> {
          if (!LoadDocument(tx, kGetDocument, document_id)) {
            return DocumentNotFound(document_id);
          }
          if (LoadCycle(tx, document_id, id)) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "kỳ báo cáo ", id, " đã có (report cycle already exists)")),
                "REPORT_CYCLE_ALREADY_EXISTS", {{"id", id}});
          }
          db::Params params;
          params.Add(document_id)
              .Add(id)
              .Add(cycle.title())
              .Add(v1::ReportFrequency_Name(cycle.frequency()))
              .Add(std::to_string(cycle.due_days_after_period()))
              .Add(db::TextArrayLiteral(fixed_dates))
              .Add(api::FormatIsoDate(DayOfProto(cycle.first_day())));
          if (cycle.has_last_day()) {
            params.Add(api::FormatIsoDate(DayOfProto(cycle.last_day())));
          } else {
            params.AddNull();
          }
          params.Add(db::TextArrayLiteral(units)).Exec(tx, kInsertCycle);
          v1::ReportCycle created = LoadCycle(tx, document_id, id)->cycle;
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          return created;
        });
  }

  absl::StatusOr<StoredCycle> GetReportCycle(const server::CallContext& call,
                                             const std::string& document_id,
                                             const std::string& id) override {
    return db::InTransaction<StoredCycle>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<StoredCycle> {
          std::optional<StoredCycle> cycle = LoadCycle(tx, document_id, id);
          if (!cycle) {
            return absl::NotFoundError(absl::StrCat(
                "không có kỳ báo cáo documents/", document_id,
                "/reportCycles/", id, " (report cycle not found)"));
          }
          return *std::move(cycle);
        });
  }

  absl::StatusOr<v1::Submission> CreateSubmission(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id, const v1::Submission& submission) override {
    return db::InTransaction<v1::Submission>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Submission> {
          db::Params key;
          key.Add(document_id)
              .Add(cycle_id)
              .Add(UnitId(submission.unit()))
              .Add(api::FormatIsoDate(DayOfProto(submission.due_date())));
          db::Params insert = key;
          insert
              .Add(api::FormatIsoDate(DayOfProto(submission.submitted_date())))
              .Add(submission.evidence())
              .Exec(tx, kInsertSubmission);
          v1::Submission created =
              SubmissionFromRow(key.Exec(tx, kGetSubmission)[0]);
          audit::Record(tx, call,
                        absl::StrCat(DocumentName(document_id), "/reportCycles/",
                                     cycle_id),
                        audit::ChangeOf(created));
          return created;
        });
  }

  absl::StatusOr<SubmissionDays> ListSubmissions(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id) override {
    return db::InTransaction<SubmissionDays>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<SubmissionDays> {
          SubmissionDays days;
          for (const pqxx::row& row : db::Params()
                                          .Add(document_id)
                                          .Add(cycle_id)
                                          .Exec(tx, kListSubmissions)) {
            const v1::Submission submission = SubmissionFromRow(row);
            days[{submission.unit(), DayOfProto(submission.due_date())}] =
                DayOfProto(submission.submitted_date());
          }
          return days;
        });
  }

  absl::StatusOr<ImportCounts> ImportTasks(const server::CallContext& call,
                                           const std::string& document_id,
                                           const std::vector<TaskRow>& rows,
                                           bool validate_only) override {
    db::TransactionOptions options = kWrite;
    options.read_only = validate_only;
    std::vector<std::string> ids;
    for (const TaskRow& row : rows) ids.push_back(row.id);
    return db::InTransaction<ImportCounts>(
        pool_, call.deadline(), options,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<ImportCounts> {
          if (!LoadDocument(tx, kGetDocument, document_id)) {
            return DocumentNotFound(document_id);
          }
          std::map<std::string, v1::Task> stored;
          for (const pqxx::row& row : db::Params()
                                          .Add(document_id)
                                          .Add(db::TextArrayLiteral(ids))
                                          .Exec(tx, kGetTasks)) {
            v1::Task task = TaskFromRow(row);
            stored.emplace(row[1].c_str(), std::move(task));
          }
          csv::LineErrors errors;
          ImportCounts counts;
          std::vector<std::pair<const TaskRow*, const v1::Task*>> changes;
          for (const TaskRow& row : rows) {
            auto it = stored.find(row.id);
            if (it == stored.end()) {
              ++counts.created;
              changes.emplace_back(&row, nullptr);
              continue;
            }
            const v1::Task& current = it->second;
            if (!current.parent_task().empty()) {
              errors.Add(row.line, "no",
                         "trùng mã một nhiệm vụ đã giao cho xã (the id of a "
                         "cascaded task)");
              continue;
            }
            const v1::Task& next = row.task;
            const bool same =
                current.group() == next.group() &&
                current.number() == next.number() &&
                current.content() == next.content() &&
                current.lead_agency() == next.lead_agency() &&
                current.lead_agency_text() == next.lead_agency_text() &&
                current.coordinating() == next.coordinating() &&
                current.approving_level() == next.approving_level() &&
                current.time().text() == next.time().text();
            if (same) {
              ++counts.unchanged;
            } else {
              ++counts.updated;
              changes.emplace_back(&row, &current);
            }
          }
          RETURN_IF_ERROR(errors.ToStatus());
          if (validate_only) return counts;
          for (const auto& [row, current] : changes) {
            if (current == nullptr) {
              InsertTask(tx, *row, "", "", "");
            } else {
              v1::Task next = *current;
              next.set_group(row->task.group());
              next.set_number(row->task.number());
              next.set_content(row->task.content());
              next.set_lead_agency(row->task.lead_agency());
              next.set_lead_agency_text(row->task.lead_agency_text());
              next.set_coordinating(row->task.coordinating());
              next.set_approving_level(row->task.approving_level());
              *next.mutable_time() = row->task.time();
              WriteTask(tx, document_id, row->id, next, row->time);
            }
          }
          audit::Record(tx, call, DocumentName(document_id),
                        {{"tasks_created", counts.created},
                         {"tasks_updated", counts.updated},
                         {"tasks_unchanged", counts.unchanged}});
          return counts;
        });
  }

 private:
  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& PlanStatements() {
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {kGetDocument,
       "SELECT " HPEDU_DOCUMENT_COLUMNS "FROM documents d WHERE d.id = $1"},
      {kGetDocumentForUpdate, "SELECT " HPEDU_DOCUMENT_COLUMNS
                              "FROM documents d WHERE d.id = $1 FOR UPDATE"},
      {kGetDocumentByRequest, "SELECT " HPEDU_DOCUMENT_COLUMNS
                              "FROM documents d WHERE d.request_id = $1"},
      {kDocumentIdByNumber, "SELECT id FROM documents WHERE number = $1"},
      {kListDocuments,
       "SELECT " HPEDU_DOCUMENT_COLUMNS "FROM documents d "
       "WHERE ($1::text IS NULL OR d.id > $1) ORDER BY d.id LIMIT $2::int"},
      {kExistingDocuments,
       "SELECT id FROM documents WHERE id = ANY ($1::text[])"},
      {kInsertDocument,
       "INSERT INTO documents (id, number, kind, issuer_id, issuer_text, "
       "  level, issue_date, title, commune_id, request_id, targets) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10, $11::text[])"},
      {kInsertLink,
       "INSERT INTO document_links (document_id, implemented_id) "
       "VALUES ($1, $2)"},
      {kDeleteLinks, "DELETE FROM document_links WHERE document_id = $1"},
      // Is document $2 among $1 or what they implement, transitively?
      {kReaches,
       "WITH RECURSIVE up (id) AS ("
       "  SELECT unnest($1::text[])"
       "  UNION SELECT l.implemented_id FROM document_links l"
       "        JOIN up ON l.document_id = up.id) "
       "SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)"},
      {kUpdateDocument,
       "UPDATE documents SET title = $2, targets = $3::text[], "
       "  revision = revision + 1, update_time = now() WHERE id = $1"},
      {kGetTask, "SELECT " HPEDU_TASK_COLUMNS
                 "FROM tasks t WHERE t.document_id = $1 AND t.id = $2"},
      {kGetTaskForUpdate,
       "SELECT " HPEDU_TASK_COLUMNS
       "FROM tasks t WHERE t.document_id = $1 AND t.id = $2 FOR UPDATE OF t"},
      {kGetTaskByRequest,
       "SELECT " HPEDU_TASK_COLUMNS "FROM tasks t WHERE t.request_id = $1"},
      {kGetTasks, "SELECT " HPEDU_TASK_COLUMNS
                  "FROM tasks t WHERE t.document_id = $1 "
                  "  AND t.id = ANY ($2::text[])"},
      {kListTasks,
       "SELECT " HPEDU_TASK_COLUMNS "FROM tasks t "
       "WHERE t.document_id = $1 "
       "  AND ($2::boolean OR t.parent_task_id IS NULL) "
       "  AND ($3::text IS NULL OR (t.group_name, t.ordinal, t.id) > "
       "       ($3::text, $4::int, $5::text)) "
       "ORDER BY t.group_name, t.ordinal, t.id LIMIT $6::int"},
      {kInsertTask,
       "INSERT INTO tasks (document_id, id, group_name, number, ordinal, "
       "  content, lead_agency_id, lead_agency_text, coordinating, product, "
       "  approving_level, time_text, time_form, due_date, start_year, "
       "  end_year, recurring_month, recurring_day, parent_task_id, "
       "  commune_id, generated, request_id) "
       "VALUES ($1, $2, $3, $4, $5::int, $6, $7, $8, $9, $10, $11, $12, $13, "
       "  $14::date, $15::int, $16::int, $17::int, $18::int, $19, $20, "
       "  $21::boolean, $22)"},
      {kUpdateTask,
       "UPDATE tasks SET group_name = $3, number = $4, ordinal = $5::int, "
       "  content = $6, coordinating = $7, product = $8, "
       "  approving_level = $9, time_text = $10, time_form = $11, "
       "  due_date = $12::date, start_year = $13::int, end_year = $14::int, "
       "  recurring_month = $15::int, recurring_day = $16::int, "
       "  lead_agency_id = $17, lead_agency_text = $18, "
       "  revision = revision + 1, update_time = now() "
       "WHERE document_id = $1 AND id = $2"},
      {kChildCommunes,
       "SELECT commune_id FROM tasks "
       "WHERE document_id = $1 AND parent_task_id = $2"},
      {kInsertReport,
       "INSERT INTO status_reports AS r (document_id, task_id, state, "
       "  progress_percent, evidence, report_date, generated) "
       "VALUES ($1, $2, $3, $4::int, $5, $6::date, $7::boolean) "
       "RETURNING " HPEDU_REPORT_COLUMNS},
      {kSetTaskState,
       "UPDATE tasks SET state = $3, progress_percent = $4::int, "
       "  last_done_date = CASE WHEN $3 IN ('DONE', 'DONE_LATE') "
       "    THEN $5::date ELSE last_done_date END, "
       "  revision = revision + 1, update_time = now() "
       "WHERE document_id = $1 AND id = $2"},
      {kListReports,
       "SELECT " HPEDU_REPORT_COLUMNS "FROM status_reports r "
       "WHERE r.document_id = $1 AND r.task_id = $2 "
       "  AND ($3::bigint IS NULL OR r.id < $3::bigint) "
       "ORDER BY r.id DESC LIMIT $4::int"},
      // Open dated tasks due by $1, open free-text ones (to count), and
      // every yearly task not cancelled.
      {kChasingCandidates,
       "SELECT t.document_id, t.id, t.content, t.lead_agency_id, "
       "  t.commune_id, t.state, t.progress_percent, t.time_form, "
       "  to_char(t.due_date, 'YYYY-MM-DD'), t.recurring_month, "
       "  t.recurring_day, to_char(t.last_done_date, 'YYYY-MM-DD'), "
       "  to_char(d.issue_date, 'YYYY-MM-DD') "
       "FROM tasks t JOIN documents d ON d.id = t.document_id "
       "WHERE ($2::text IS NULL OR t.document_id = $2) AND ("
       "  (t.state NOT IN ('DONE', 'DONE_LATE', 'CANCELLED') AND "
       "   (t.due_date <= $1::date OR t.time_form = 'FREE_TEXT')) OR "
       "  (t.time_form = 'RECURRING_YEARLY' AND t.state <> 'CANCELLED'))"},
      // The document and every document implementing it, with the links
      // inside that set.
      {kCoverageTree,
       "WITH RECURSIVE tree (id) AS ("
       "  SELECT $1::text"
       "  UNION SELECT l.document_id FROM document_links l"
       "        JOIN tree ON l.implemented_id = tree.id) "
       "SELECT d.id, d.number, d.commune_id, "
       "  (SELECT string_agg(l.implemented_id, ';' ORDER BY l.implemented_id)"
       "     FROM document_links l WHERE l.document_id = d.id"
       "      AND l.implemented_id IN (SELECT id FROM tree)) "
       "FROM documents d WHERE d.id IN (SELECT id FROM tree) ORDER BY d.id"},
      {kInsertCycle,
       "INSERT INTO report_cycles (document_id, id, title, frequency, "
       "  due_days_after_period, fixed_dates, first_day, last_day, "
       "  reporting_units) "
       "VALUES ($1, $2, $3, $4, $5::int, $6::date[], $7::date, $8::date, "
       "  $9::text[])"},
      {kGetCycle,
       "SELECT c.document_id, c.id, c.title, c.frequency, "
       "  c.due_days_after_period, "
       "  (SELECT string_agg(to_char(f, 'YYYY-MM-DD'), ';' ORDER BY f) "
       "     FROM unnest(c.fixed_dates) f), "
       "  to_char(c.first_day, 'YYYY-MM-DD'), to_char(c.last_day, 'YYYY-MM-DD'), "
       "  array_to_string(c.reporting_units, ';'), c.revision, "
       "  (extract(epoch FROM c.create_time) * 1000000)::bigint "
       "FROM report_cycles c WHERE c.document_id = $1 AND c.id = $2"},
      // The first submission for a due date counts.
      {kInsertSubmission,
       "INSERT INTO submissions (document_id, cycle_id, unit_id, due_date, "
       "  submitted_date, evidence) "
       "VALUES ($1, $2, $3, $4::date, $5::date, $6) ON CONFLICT DO NOTHING"},
      {kGetSubmission,
       "SELECT unit_id, to_char(due_date, 'YYYY-MM-DD'), "
       "  to_char(submitted_date, 'YYYY-MM-DD'), evidence FROM submissions "
       "WHERE document_id = $1 AND cycle_id = $2 AND unit_id = $3 "
       "  AND due_date = $4::date"},
      {kListSubmissions,
       "SELECT unit_id, to_char(due_date, 'YYYY-MM-DD'), "
       "  to_char(submitted_date, 'YYYY-MM-DD'), evidence FROM submissions "
       "WHERE document_id = $1 AND cycle_id = $2"},
  };
  return *kStatements;
}

std::unique_ptr<PlanStore> NewPostgresPlanStore(db::Pool& pool) {
  return std::make_unique<PostgresPlanStore>(pool);
}

}  // namespace hpedu::plans
