#include "services/plans/internal/pg_rows.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/db/params.h"
#include "libs/status/errors.h"

namespace hpedu::plans::internal {
namespace {

using ::google::protobuf::util::TimeUtil;

// LoadDocument and LoadTask.
constexpr Statement kGetDocument = {
    "plans_get_document",
    "SELECT " HPEDU_PLANS_DOCUMENT_COLUMNS "FROM documents d WHERE d.id = $1"};
constexpr Statement kGetDocumentForUpdate = {
    "plans_get_document_for_update",
    "SELECT " HPEDU_PLANS_DOCUMENT_COLUMNS
    "FROM documents d WHERE d.id = $1 FOR UPDATE"};
constexpr Statement kGetTask = {
    "plans_get_task", "SELECT " HPEDU_PLANS_TASK_COLUMNS
                      "FROM tasks t WHERE t.document_id = $1 AND t.id = $2"};
constexpr Statement kGetTaskForUpdate = {
    "plans_get_task_for_update",
    "SELECT " HPEDU_PLANS_TASK_COLUMNS
    "FROM tasks t WHERE t.document_id = $1 AND t.id = $2 FOR UPDATE OF t"};

template <typename Enum, typename Parse>
Enum EnumOf(const pqxx::field& field, Enum fallback, Parse parse) {
  Enum value = fallback;
  if (!field.is_null()) parse(field.c_str(), &value);
  return value;
}

}  // namespace

std::vector<db::PreparedStatement> ToPrepared(
    std::initializer_list<Statement> statements) {
  std::vector<db::PreparedStatement> prepared;
  prepared.reserve(statements.size());
  for (const Statement& statement : statements) {
    prepared.push_back({statement.name, statement.sql});
  }
  return prepared;
}

const std::vector<db::PreparedStatement>& CommonStatements() {
  static const auto* const kStatements =
      new std::vector<db::PreparedStatement>(ToPrepared(
          {kGetDocument, kGetDocumentForUpdate, kGetTask, kGetTaskForUpdate}));
  return *kStatements;
}

std::string DocumentName(std::string_view id) {
  return api::ResourceName("documents", id);
}
std::string TaskName(std::string_view document_id, std::string_view id) {
  return absl::StrCat(DocumentName(document_id), "/tasks/", ToAbsl(id));
}
std::string UnitName(std::string_view id) {
  return api::ResourceName("units", id);
}
std::string UnitId(std::string_view name) {
  return std::string(name.substr(name.find('/') + 1));
}

std::optional<absl::CivilDay> DayOf(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(field.c_str());
  // The column is a date and to_char formats it ISO: cannot fail.
  return day.ok() ? std::optional<absl::CivilDay>(*day) : std::nullopt;
}

std::vector<std::string> SplitList(const pqxx::field& field) {
  if (field.is_null()) return {};
  return absl::StrSplit(field.c_str(), ';', absl::SkipEmpty());
}

google::protobuf::Timestamp TimestampOf(const pqxx::field& field) {
  return TimeUtil::MicrosecondsToTimestamp(field.as<int64_t>());
}

absl::CivilDay DayOfProto(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

v1::Document DocumentFromRow(const pqxx::row& row) {
  v1::Document document;
  document.set_name(DocumentName(row["id"].c_str()));
  document.set_number(row["number"].c_str());
  document.set_kind(EnumOf(row["kind"], v1::DOCUMENT_KIND_UNSPECIFIED,
                           v1::DocumentKind_Parse));
  document.set_issuer(UnitName(row["issuer_id"].c_str()));
  document.set_issuer_text(row["issuer_text"].c_str());
  document.set_level(EnumOf(row["level"], v1::DOCUMENT_LEVEL_UNSPECIFIED,
                            v1::DocumentLevel_Parse));
  if (std::optional<absl::CivilDay> day = DayOf(row["issue_date"])) {
    *document.mutable_issue_date() = api::ToProtoDate(*day);
  }
  document.set_title(row["title"].c_str());
  if (!row["commune_id"].is_null()) {
    document.set_commune(UnitName(row["commune_id"].c_str()));
  }
  document.set_etag(api::EtagFromRevision(row["revision"].as<int64_t>()));
  *document.mutable_create_time() = TimestampOf(row["create_us"]);
  *document.mutable_update_time() = TimestampOf(row["update_us"]);
  for (const std::string& id : SplitList(row["implements"])) {
    document.add_implements(DocumentName(id));
  }
  for (const std::string& target : SplitList(row["targets"])) {
    document.add_targets(target);
  }
  return document;
}

ParsedTime TimeFromRow(const pqxx::row& row) {
  ParsedTime time;
  time.form = EnumOf(row["time_form"], v1::FREE_TEXT, v1::TimeForm_Parse);
  time.due = DayOf(row["due_date"]);
  time.start_year = row["start_year"].as<int>(0);
  time.end_year = row["end_year"].as<int>(0);
  if (!row["recurring_month"].is_null()) {
    time.recurring = {row["recurring_month"].as<int>(),
                      row["recurring_day"].as<int>()};
  }
  return time;
}

v1::Task TaskFromRow(const pqxx::row& row) {
  v1::Task task;
  const std::string document_id = row["document_id"].c_str();
  task.set_name(TaskName(document_id, row["id"].c_str()));
  task.set_group(row["group_name"].c_str());
  task.set_number(row["number"].c_str());
  task.set_content(row["content"].c_str());
  task.set_lead_agency(UnitName(row["lead_agency_id"].c_str()));
  task.set_lead_agency_text(row["lead_agency_text"].c_str());
  task.set_coordinating(row["coordinating"].c_str());
  task.set_product(row["product"].c_str());
  task.set_approving_level(row["approving_level"].c_str());
  *task.mutable_time() = ToProto(row["time_text"].c_str(), TimeFromRow(row));
  if (!row["parent_task_id"].is_null()) {
    task.set_parent_task(TaskName(document_id, row["parent_task_id"].c_str()));
  }
  if (!row["commune_id"].is_null()) {
    task.set_commune(UnitName(row["commune_id"].c_str()));
  }
  task.set_state(
      EnumOf(row["state"], v1::TASK_STATE_UNSPECIFIED, v1::TaskState_Parse));
  task.set_progress_percent(row["progress_percent"].as<int>());
  task.set_generated(row["generated"].as<bool>());
  task.set_etag(api::EtagFromRevision(row["revision"].as<int64_t>()));
  *task.mutable_create_time() = TimestampOf(row["create_us"]);
  *task.mutable_update_time() = TimestampOf(row["update_us"]);
  task.set_children_total(row["children_total"].as<int>());
  task.set_children_done(row["children_done"].as<int>());
  return task;
}

absl::Status DocumentNotFound(std::string_view id) {
  const std::string name = DocumentName(id);
  return WithErrorInfo(
      absl::NotFoundError(
          absl::StrCat("không có văn bản ", name, " (document not found)")),
      "DOCUMENT_NOT_FOUND", {{"name", name}});
}

absl::Status TaskNotFound(std::string_view document_id, std::string_view id) {
  const std::string name = TaskName(document_id, id);
  return WithErrorInfo(absl::NotFoundError(absl::StrCat(
                           "không có nhiệm vụ ", name, " (task not found)")),
                       "TASK_NOT_FOUND", {{"name", name}});
}

std::optional<v1::Document> LoadDocument(pqxx::transaction_base& tx,
                                         const std::string& id,
                                         bool for_update) {
  const pqxx::result result = db::Params().Add(id).Exec(
      tx, for_update ? kGetDocumentForUpdate.name : kGetDocument.name);
  if (result.empty()) return std::nullopt;
  return DocumentFromRow(result[0]);
}

std::optional<v1::Task> LoadTask(pqxx::transaction_base& tx,
                                 const std::string& document_id,
                                 const std::string& id, bool for_update) {
  const pqxx::result result = db::Params().Add(document_id).Add(id).Exec(
      tx, for_update ? kGetTaskForUpdate.name : kGetTask.name);
  if (result.empty()) return std::nullopt;
  return TaskFromRow(result[0]);
}

}  // namespace hpedu::plans::internal
