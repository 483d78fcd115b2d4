#include "services/plans/plan_validation.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/api/dates.h"
#include "libs/api/field_mask.h"
#include "libs/api/page_token.h"
#include "libs/api/request_id.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/csv/line_errors.h"
#include "libs/notify/address.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"
#include "services/plans/report_cycles.h"

namespace hpedu::plans {
namespace {

constexpr std::string_view kDocuments = "documents";

// Moves the violations a helper reported into `violations`; a failure
// without violations is reported on `field`.
void Absorb(const absl::Status& status, const std::string& field,
            FieldViolations& violations) {
  if (status.ok()) return;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  if (bad_request.field_violations().empty()) {
    violations.Add(field, ToStd(status.message()));
    return;
  }
  for (const auto& violation : bad_request.field_violations()) {
    violations.Add(violation.field(), violation.description());
  }
}

int CountCodePoints(std::string_view utf8) {
  int count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// Checks free text and returns it NFC-normalized ("" if bad or empty).
std::string CheckText(std::string_view text, const std::string& field,
                      int max_chars, bool required,
                      FieldViolations& violations) {
  if (text.empty()) {
    if (required) violations.Add(field, "bắt buộc (required)");
    return "";
  }
  if (!hpedu::text::IsValidUtf8(text)) {
    violations.Add(field, "không phải UTF-8 hợp lệ (not valid UTF-8)");
    return "";
  }
  const std::string normalized = hpedu::text::NormalizeNfc(text);
  if (normalized.empty()) {
    if (required) violations.Add(field, "chỉ có khoảng trắng (blank)");
  } else if (CountCodePoints(normalized) > max_chars) {
    violations.Add(field, absl::StrCat("dài quá ", max_chars,
                                       " ký tự (longer than ", max_chars,
                                       " characters)"));
  }
  return normalized;
}

std::string CheckDocumentName(std::string_view name, const std::string& field,
                              FieldViolations& violations) {
  if (name.empty()) {
    violations.Add(field, "bắt buộc (required)");
    return "";
  }
  absl::StatusOr<std::string> id = api::ParseResourceId(name, kDocuments, field);
  Absorb(id.status(), field, violations);
  return id.ok() ? *id : "";
}

void CheckUnitName(std::string_view name, const std::string& field,
                   FieldViolations& violations) {
  Absorb(api::ParseResourceId(name, "units", field).status(), field,
         violations);
}

void CheckId(std::string_view id, const std::string& field,
             FieldViolations& violations) {
  if (id.empty()) {
    violations.Add(field, "bắt buộc (required)");
  } else if (!api::IsValidResourceId(id)) {
    violations.Add(field, "1-63 ký tự [a-z0-9-], bắt đầu bằng chữ (1-63 of "
                          "[a-z0-9-] starting with a letter)");
  }
}

void CheckRequestId(std::string_view request_id, FieldViolations& violations) {
  if (!request_id.empty() && !api::IsUuid(request_id)) {
    violations.Add("request_id", "phải là UUID (must be a UUID)");
  }
}

int CheckPageSize(int requested, FieldViolations& violations) {
  absl::StatusOr<int> size = api::EffectivePageSize(requested);
  Absorb(size.status(), "page_size", violations);
  return size.ok() ? *size : 0;
}

// The cursor of a page token, if any; violations on "page_token".
std::optional<api::PageCursor> CheckPageToken(
    const google::protobuf::Message& request, const std::string& token,
    size_t keys, FieldViolations& violations) {
  if (token.empty()) return std::nullopt;
  absl::StatusOr<api::PageCursor> cursor =
      api::DecodePageToken(token, api::QueryFingerprint(request));
  if (cursor.ok() && cursor->keys.size() != keys) {
    violations.Add("page_token", "không hợp lệ (invalid)");
    return std::nullopt;
  }
  Absorb(cursor.status(), "page_token", violations);
  if (!cursor.ok()) return std::nullopt;
  return *cursor;
}

// The task's client-writable fields under `prefix` ("task."); lead agency
// is required (as a name or as text) when `require_lead`.
void CheckTaskFields(v1::Task& task, const std::string& prefix,
                     bool require_lead, ParsedTime* time,
                     FieldViolations& violations) {
  task.set_content(CheckText(task.content(), prefix + "content",
                             kMaxContentChars, true, violations));
  task.set_group(CheckText(task.group(), prefix + "group", kMaxTextChars,
                           false, violations));
  task.set_number(CheckText(task.number(), prefix + "number", 20, false,
                            violations));
  task.set_coordinating(CheckText(task.coordinating(), prefix + "coordinating",
                                  kMaxTextChars, false, violations));
  task.set_product(CheckText(task.product(), prefix + "product",
                             kMaxTextChars, false, violations));
  task.set_approving_level(CheckText(task.approving_level(),
                                     prefix + "approving_level", kMaxTextChars,
                                     false, violations));
  task.set_lead_agency_text(CheckText(task.lead_agency_text(),
                                      prefix + "lead_agency_text",
                                      kMaxTextChars, false, violations));
  if (!task.lead_agency().empty()) {
    CheckUnitName(task.lead_agency(), prefix + "lead_agency", violations);
  } else if (require_lead && task.lead_agency_text().empty()) {
    violations.Add(prefix + "lead_agency",
                   "bắt buộc: lead_agency hoặc lead_agency_text (required)");
  }
  const std::string time_field = prefix + "time.text";
  const std::string text = CheckText(task.time().text(), time_field,
                                     kMaxTextChars, true, violations);
  RecurringDue due;
  if (task.time().has_recurring_due()) {
    due = {task.time().recurring_due().month(), task.time().recurring_due().day()};
  }
  if (!text.empty()) {
    absl::StatusOr<ParsedTime> parsed = ParseTaskTime(text, time_field, due);
    Absorb(parsed.status(), time_field, violations);
    if (parsed.ok()) {
      *time = *parsed;
      *task.mutable_time() = ToProto(text, *parsed);
    }
  }
}

void CheckTargets(const google::protobuf::RepeatedPtrField<std::string>& targets,
                  const std::string& field, FieldViolations& violations) {
  if (targets.size() > kMaxImplements) violations.Add(field, "quá nhiều (too many)");
  std::set<std::string> seen;
  for (int i = 0; i < targets.size(); ++i) {
    const std::vector<std::string> parts = absl::StrSplit(targets[i], '/');
    const std::string item = absl::StrCat(field, "[", i, "]");
    if (parts.size() != 4 || parts[0] != "indicators" ||
        parts[2] != "targets" || !api::IsValidResourceId(parts[1]) ||
        !api::IsValidResourceId(parts[3])) {
      violations.Add(item, "phải có dạng indicators/{id}/targets/{id}");
    } else if (!seen.insert(targets[i]).second) {
      violations.Add(item, "trùng lặp (duplicate)");
    }
  }
}

absl::StatusOr<TaskKey> TaskKeyOf(std::string_view name,
                                  const std::string& field) {
  FieldViolations violations;
  if (name.empty()) violations.Add(field, "bắt buộc (required)");
  RETURN_IF_ERROR(violations.ToStatus());
  return ParseTaskName(name, field);
}

}  // namespace

absl::StatusOr<TaskKey> ParseTaskName(std::string_view name,
                                      std::string_view field) {
  const std::vector<std::string> parts = absl::StrSplit(ToAbsl(name), '/');
  if (parts.size() != 4 || parts[0] != "documents" || parts[2] != "tasks" ||
      !api::IsValidResourceId(parts[1]) || !api::IsValidResourceId(parts[3])) {
    return InvalidField(field,
                        "phải có dạng documents/{id}/tasks/{id} (must be "
                        "documents/{document}/tasks/{task})");
  }
  return TaskKey{parts[1], parts[3]};
}

absl::StatusOr<CreateDocumentCommand> ValidateCreateDocumentRequest(
    const v1::CreateDocumentRequest& request) {
  FieldViolations violations;
  CreateDocumentCommand command;
  CheckId(request.document_id(), "document_id", violations);
  command.row.id = request.document_id();
  CheckRequestId(request.request_id(), violations);
  command.request_id = request.request_id();
  v1::Document& document = command.row.document;
  document = request.document();
  document.set_name(absl::StrCat("documents/", request.document_id()));
  document.set_number(CheckText(document.number(), "document.number", 100,
                                true, violations));
  if (document.kind() == v1::DOCUMENT_KIND_UNSPECIFIED ||
      !v1::DocumentKind_IsValid(document.kind())) {
    violations.Add("document.kind", "bắt buộc, phải hợp lệ (required, valid)");
  }
  if (document.level() == v1::DOCUMENT_LEVEL_UNSPECIFIED ||
      !v1::DocumentLevel_IsValid(document.level())) {
    violations.Add("document.level", "bắt buộc, phải hợp lệ (required, valid)");
  }
  document.set_title(CheckText(document.title(), "document.title",
                               kMaxTitleChars, true, violations));
  document.set_issuer_text(CheckText(document.issuer_text(),
                                     "document.issuer_text", kMaxTextChars,
                                     false, violations));
  if (!document.issuer().empty()) {
    CheckUnitName(document.issuer(), "document.issuer", violations);
  } else if (document.issuer_text().empty()) {
    violations.Add("document.issuer",
                   "bắt buộc: issuer hoặc issuer_text (required)");
  }
  if (document.has_issue_date()) {
    Absorb(api::FromProtoDate(document.issue_date(), "document.issue_date")
               .status(),
           "document.issue_date", violations);
  }
  if (document.implements_size() > kMaxImplements) {
    violations.Add("document.implements", "quá nhiều (too many)");
  }
  std::set<std::string> seen;
  for (int i = 0; i < document.implements_size(); ++i) {
    const std::string field = absl::StrCat("document.implements[", i, "]");
    const std::string id =
        CheckDocumentName(document.implements(i), field, violations);
    if (id.empty()) continue;
    if (id == request.document_id()) {
      violations.Add(field, "không thể tự thực hiện chính nó (a document "
                            "cannot implement itself)");
    } else if (!seen.insert(id).second) {
      violations.Add(field, "trùng lặp (duplicate)");
    } else {
      command.row.implements_ids.push_back(id);
    }
  }
  CheckTargets(document.targets(), "document.targets", violations);
  document.clear_commune();
  document.clear_etag();
  document.clear_create_time();
  document.clear_update_time();
  RETURN_IF_ERROR(violations.ToStatus());
  return command;
}

absl::StatusOr<std::string> ValidateGetDocumentRequest(
    const v1::GetDocumentRequest& request) {
  FieldViolations violations;
  std::string id = CheckDocumentName(request.name(), "name", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return id;
}

absl::StatusOr<DocumentListQuery> ValidateListDocumentsRequest(
    const v1::ListDocumentsRequest& request) {
  FieldViolations violations;
  DocumentListQuery query;
  query.page_size = CheckPageSize(request.page_size(), violations);
  if (auto cursor =
          CheckPageToken(request, request.page_token(), 1, violations)) {
    query.after_id = cursor->keys[0];
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::StatusOr<DocumentUpdate> ValidateUpdateDocumentRequest(
    const v1::UpdateDocumentRequest& request) {
  FieldViolations violations;
  DocumentUpdate update;
  update.id =
      CheckDocumentName(request.document().name(), "document.name", violations);
  update.etag = request.document().etag();
  Absorb(api::ValidateFieldMask(request.update_mask(),
                                {"title", "implements", "targets"}),
         "update_mask", violations);
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "title") {
      update.title = CheckText(request.document().title(), "document.title",
                               kMaxTitleChars, true, violations);
    } else if (path == "implements") {
      std::vector<std::string> ids;
      std::set<std::string> seen;
      for (int i = 0; i < request.document().implements_size(); ++i) {
        const std::string field = absl::StrCat("document.implements[", i, "]");
        const std::string id = CheckDocumentName(
            request.document().implements(i), field, violations);
        if (id.empty()) continue;
        if (id == update.id) {
          violations.Add(field, "không thể tự thực hiện chính nó (a document "
                                "cannot implement itself)");
        } else if (seen.insert(id).second) {
          ids.push_back(id);
        }
      }
      update.implements_ids = std::move(ids);
    } else if (path == "targets") {
      CheckTargets(request.document().targets(), "document.targets",
                   violations);
      update.targets = std::vector<std::string>(
          request.document().targets().begin(),
          request.document().targets().end());
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return update;
}

absl::StatusOr<CreateTaskCommand> ValidateCreateTaskRequest(
    const v1::CreateTaskRequest& request) {
  FieldViolations violations;
  CreateTaskCommand command;
  command.row.document_id =
      CheckDocumentName(request.parent(), "parent", violations);
  CheckId(request.task_id(), "task_id", violations);
  command.row.id = request.task_id();
  CheckRequestId(request.request_id(), violations);
  command.request_id = request.request_id();
  v1::Task& task = command.row.task;
  task = request.task();
  task.set_name(absl::StrCat(request.parent(), "/tasks/", request.task_id()));
  CheckTaskFields(task, "task.", /*require_lead=*/true, &command.row.time,
                  violations);
  task.clear_parent_task();
  task.clear_commune();
  task.clear_state();
  task.clear_progress_percent();
  task.clear_children_total();
  task.clear_children_done();
  task.clear_etag();
  RETURN_IF_ERROR(violations.ToStatus());
  return command;
}

absl::StatusOr<TaskKey> ValidateGetTaskRequest(const v1::GetTaskRequest& request) {
  return TaskKeyOf(request.name(), "name");
}

absl::StatusOr<TaskListQuery> ValidateListTasksRequest(
    const v1::ListTasksRequest& request) {
  FieldViolations violations;
  TaskListQuery query;
  query.document_id = CheckDocumentName(request.parent(), "parent", violations);
  query.include_cascaded = request.include_cascaded();
  query.page_size = CheckPageSize(request.page_size(), violations);
  if (auto cursor =
          CheckPageToken(request, request.page_token(), 3, violations)) {
    int ordinal = 0;
    if (!absl::SimpleAtoi(cursor->keys[1], &ordinal)) {
      violations.Add("page_token", "không hợp lệ (invalid)");
    }
    query.after = TaskListPosition{cursor->keys[0], ordinal, cursor->keys[2]};
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::StatusOr<TaskUpdate> ValidateUpdateTaskRequest(
    const v1::UpdateTaskRequest& request) {
  FieldViolations violations;
  TaskUpdate update;
  absl::StatusOr<TaskKey> key = TaskKeyOf(request.task().name(), "task.name");
  Absorb(key.status(), "task.name", violations);
  if (key.ok()) {
    update.document_id = key->document_id;
    update.id = key->id;
  }
  update.etag = request.task().etag();
  Absorb(api::ValidateFieldMask(request.update_mask(),
                                {"group", "number", "content", "coordinating",
                                 "product", "approving_level", "time"}),
         "update_mask", violations);
  v1::Task task = request.task();
  ParsedTime time;
  FieldViolations field_violations;
  CheckTaskFields(task, "task.", /*require_lead=*/false, &time,
                  field_violations);
  // Only the masked fields' violations count.
  for (const auto& violation : field_violations.bad_request().field_violations()) {
    for (const std::string& path : request.update_mask().paths()) {
      if (absl::StartsWith(violation.field(), absl::StrCat("task.", path))) {
        violations.Add(violation.field(), violation.description());
      }
    }
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "group") update.group = task.group();
    if (path == "number") update.number = task.number();
    if (path == "content") update.content = task.content();
    if (path == "coordinating") update.coordinating = task.coordinating();
    if (path == "product") update.product = task.product();
    if (path == "approving_level") update.approving_level = task.approving_level();
    if (path == "time") {
      update.time_text = task.time().text();
      update.time = time;
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return update;
}

absl::StatusOr<TaskKey> ValidateCascadeTaskRequest(
    const v1::CascadeTaskRequest& request) {
  return TaskKeyOf(request.name(), "name");
}

absl::StatusOr<CreateReportCommand> ValidateCreateStatusReportRequest(
    const v1::CreateStatusReportRequest& request, absl::CivilDay today) {
  FieldViolations violations;
  CreateReportCommand command;
  absl::StatusOr<TaskKey> key = TaskKeyOf(request.parent(), "parent");
  Absorb(key.status(), "parent", violations);
  if (key.ok()) command.task = *key;
  const v1::StatusReport& report = request.status_report();
  v1::StatusReport& out = command.report;
  const v1::TaskState state = report.state();
  if (state != v1::NOT_STARTED && state != v1::IN_PROGRESS &&
      state != v1::DONE && state != v1::CANCELLED) {
    violations.Add("status_report.state",
                   "NOT_STARTED, IN_PROGRESS, DONE hoặc CANCELLED (DONE_LATE "
                   "is decided by the service)");
  }
  out.set_state(state);
  if (report.progress_percent() < 0 || report.progress_percent() > 100) {
    violations.Add("status_report.progress_percent",
                   "từ 0 đến 100 (0..100)");
  }
  out.set_progress_percent(report.progress_percent());
  out.set_evidence(CheckText(report.evidence(), "status_report.evidence",
                             kMaxTextChars, false, violations));
  out.set_generated(report.generated());
  if (report.has_report_date()) {
    absl::StatusOr<absl::CivilDay> day = api::FromProtoDate(
        report.report_date(), "status_report.report_date");
    Absorb(day.status(), "status_report.report_date", violations);
    if (day.ok()) *out.mutable_report_date() = api::ToProtoDate(*day);
  } else {
    *out.mutable_report_date() = api::ToProtoDate(today);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return command;
}

absl::StatusOr<ReportListQuery> ValidateListStatusReportsRequest(
    const v1::ListStatusReportsRequest& request) {
  FieldViolations violations;
  ReportListQuery query;
  absl::StatusOr<TaskKey> key = TaskKeyOf(request.parent(), "parent");
  Absorb(key.status(), "parent", violations);
  if (key.ok()) query.task = *key;
  query.page_size = CheckPageSize(request.page_size(), violations);
  if (auto cursor =
          CheckPageToken(request, request.page_token(), 1, violations)) {
    if (!absl::SimpleAtoi(cursor->keys[0], &query.before_id)) {
      violations.Add("page_token", "không hợp lệ (invalid)");
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::StatusOr<ChasingQuery> ValidateGetChasingListRequest(
    const v1::GetChasingListRequest& request, absl::CivilDay today) {
  FieldViolations violations;
  ChasingQuery query;
  query.as_of = today;
  if (request.has_as_of()) {
    absl::StatusOr<absl::CivilDay> day =
        api::FromProtoDate(request.as_of(), "as_of");
    Absorb(day.status(), "as_of", violations);
    if (day.ok()) query.as_of = *day;
  }
  if (request.due_within_days() < 0 ||
      request.due_within_days() > kMaxDueWithinDays) {
    violations.Add("due_within_days", "0..366");
  }
  query.due_within_days = request.due_within_days();
  if (!request.document().empty()) {
    query.document_id =
        CheckDocumentName(request.document(), "document", violations);
  }
  if (request.max_entries_per_group() < 0) {
    violations.Add("max_entries_per_group", "không âm (not negative)");
  }
  query.max_entries_per_group =
      request.max_entries_per_group() == 0
          ? 100
          : std::min(request.max_entries_per_group(), 10000);
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::StatusOr<std::string> ValidateGetCascadeCoverageRequest(
    const v1::GetCascadeCoverageRequest& request) {
  FieldViolations violations;
  std::string id = CheckDocumentName(request.document(), "document", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return id;
}

absl::StatusOr<std::string> ValidateImportTasksRequest(
    const v1::ImportTasksRequest& request) {
  FieldViolations violations;
  std::string id = CheckDocumentName(request.parent(), "parent", violations);
  if (request.csv_content().empty()) {
    violations.Add("csv_content", "bắt buộc (required)");
  } else if (request.csv_content().size() > kMaxCsvBytes) {
    violations.Add("csv_content", "lớn quá 8 MiB (larger than 8 MiB)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return id;
}

absl::Status ValidateImportDocumentsRequest(
    const v1::ImportDocumentsRequest& request) {
  FieldViolations violations;
  if (request.csv_content().empty()) {
    violations.Add("csv_content", "bắt buộc (required)");
  } else if (request.csv_content().size() > kMaxCsvBytes) {
    violations.Add("csv_content", "lớn quá 8 MiB (larger than 8 MiB)");
  }
  return violations.ToStatus();
}

namespace {

CycleKey CheckCycleName(std::string_view name, const std::string& field,
                        FieldViolations& violations) {
  const std::vector<std::string> parts = absl::StrSplit(ToAbsl(name), '/');
  if (name.empty()) {
    violations.Add(field, "bắt buộc (required)");
  } else if (parts.size() != 4 || parts[0] != "documents" ||
             parts[2] != "reportCycles" || !api::IsValidResourceId(parts[1]) ||
             !api::IsValidResourceId(parts[3])) {
    violations.Add(field, "phải có dạng documents/{id}/reportCycles/{id}");
  } else {
    return CycleKey{parts[1], parts[3]};
  }
  return {};
}

std::optional<absl::CivilDay> CheckDate(const google::type::Date& date,
                                        const std::string& field,
                                        FieldViolations& violations) {
  absl::StatusOr<absl::CivilDay> day = api::FromProtoDate(date, field);
  Absorb(day.status(), field, violations);
  if (!day.ok()) return std::nullopt;
  return *day;
}

}  // namespace

absl::StatusOr<CreateReportCycleCommand> ValidateCreateReportCycleRequest(
    const v1::CreateReportCycleRequest& request) {
  FieldViolations violations;
  CreateReportCycleCommand command;
  command.key.document_id =
      CheckDocumentName(request.parent(), "parent", violations);
  CheckId(request.report_cycle_id(), "report_cycle_id", violations);
  command.key.id = request.report_cycle_id();
  command.all_communes = request.all_communes();
  v1::ReportCycle& cycle = command.cycle;
  cycle = request.report_cycle();
  cycle.set_name(absl::StrCat(request.parent(), "/reportCycles/",
                              request.report_cycle_id()));
  cycle.set_title(CheckText(cycle.title(), "report_cycle.title",
                            kMaxTitleChars, true, violations));
  if (cycle.frequency() == v1::REPORT_FREQUENCY_UNSPECIFIED ||
      !v1::ReportFrequency_IsValid(cycle.frequency())) {
    violations.Add("report_cycle.frequency", "bắt buộc (required)");
  }
  if (cycle.due_days_after_period() < 0 || cycle.due_days_after_period() > 366) {
    violations.Add("report_cycle.due_days_after_period", "0..366");
  }
  if ((cycle.frequency() == v1::FIXED_DATES) != (cycle.fixed_dates_size() > 0)) {
    violations.Add("report_cycle.fixed_dates",
                   "bắt buộc với FIXED_DATES và chỉ với nó (required with "
                   "FIXED_DATES, only with it)");
  }
  for (int i = 0; i < cycle.fixed_dates_size(); ++i) {
    CheckDate(cycle.fixed_dates(i),
              absl::StrCat("report_cycle.fixed_dates[", i, "]"), violations);
  }
  std::optional<absl::CivilDay> first;
  if (!cycle.has_first_day()) {
    violations.Add("report_cycle.first_day", "bắt buộc (required)");
  } else {
    first = CheckDate(cycle.first_day(), "report_cycle.first_day", violations);
  }
  if (cycle.has_last_day()) {
    std::optional<absl::CivilDay> last =
        CheckDate(cycle.last_day(), "report_cycle.last_day", violations);
    if (first && last && *last < *first) {
      violations.Add("report_cycle.last_day", "trước first_day (before)");
    }
  }
  std::set<std::string> seen;
  for (int i = 0; i < cycle.reporting_units_size(); ++i) {
    const std::string field = absl::StrCat("report_cycle.reporting_units[", i, "]");
    CheckUnitName(cycle.reporting_units(i), field, violations);
    if (!seen.insert(cycle.reporting_units(i)).second) {
      violations.Add(field, "trùng lặp (duplicate)");
    }
  }
  if (cycle.reporting_units().empty() && !request.all_communes()) {
    violations.Add("report_cycle.reporting_units",
                   "bắt buộc, hoặc all_communes (required, or all_communes)");
  }
  cycle.clear_etag();
  cycle.clear_create_time();
  RETURN_IF_ERROR(violations.ToStatus());
  return command;
}

absl::StatusOr<SubmitReportCommand> ValidateSubmitReportRequest(
    const v1::SubmitReportRequest& request, absl::CivilDay today) {
  FieldViolations violations;
  SubmitReportCommand command;
  command.cycle =
      CheckCycleName(request.report_cycle(), "report_cycle", violations);
  v1::Submission& submission = command.submission;
  submission = request.submission();
  CheckUnitName(submission.unit(), "submission.unit", violations);
  if (!submission.has_due_date()) {
    violations.Add("submission.due_date", "bắt buộc (required)");
  } else {
    CheckDate(submission.due_date(), "submission.due_date", violations);
  }
  if (submission.has_submitted_date()) {
    CheckDate(submission.submitted_date(), "submission.submitted_date",
              violations);
  } else {
    *submission.mutable_submitted_date() = api::ToProtoDate(today);
  }
  submission.set_evidence(CheckText(submission.evidence(), "submission.evidence",
                                    kMaxTextChars, false, violations));
  RETURN_IF_ERROR(violations.ToStatus());
  return command;
}

absl::StatusOr<ReportCycleListQuery> ValidateListReportCyclesRequest(
    const v1::ListReportCyclesRequest& request) {
  FieldViolations violations;
  ReportCycleListQuery query;
  if (request.parent() != "documents/-") {
    query.document_id = CheckDocumentName(request.parent(), "parent", violations);
  }
  query.page_size = CheckPageSize(request.page_size(), violations);
  if (auto cursor =
          CheckPageToken(request, request.page_token(), 2, violations)) {
    query.after = CycleKey{cursor->keys[0], cursor->keys[1]};
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::StatusOr<SubmissionStatusQuery> ValidateGetSubmissionStatusRequest(
    const v1::GetSubmissionStatusRequest& request, absl::CivilDay today) {
  FieldViolations violations;
  SubmissionStatusQuery query;
  query.cycle = CheckCycleName(request.report_cycle(), "report_cycle", violations);
  query.as_of = today;
  if (request.has_as_of()) {
    if (auto day = CheckDate(request.as_of(), "as_of", violations)) {
      query.as_of = *day;
    }
  }
  if (request.horizon_days() < 0 || request.horizon_days() > kMaxDueWithinDays) {
    violations.Add("horizon_days", "0..366");
  }
  query.horizon_days = request.horizon_days();
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

namespace {

// The unit of `units/{unit}/reminderSettings`; violations on `field`.
std::string CheckReminderSettingsName(std::string_view settings,
                                      const std::string& field,
                                      FieldViolations& violations) {
  absl::string_view name = ToAbsl(settings);
  if (!absl::ConsumeSuffix(&name, "/reminderSettings") ||
      !api::ParseResourceId(ToStd(name), "units", field).ok()) {
    violations.Add(field,
                   "phải là units/{đơn vị}/reminderSettings (must be "
                   "units/{unit}/reminderSettings)");
    return "";
  }
  return std::string(name);
}

}  // namespace

absl::StatusOr<std::string> ValidateGetReminderSettingsRequest(
    const v1::GetReminderSettingsRequest& request) {
  FieldViolations violations;
  std::string unit =
      CheckReminderSettingsName(request.name(), "name", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return unit;
}

absl::StatusOr<ReminderSettingsUpdate> ValidateUpdateReminderSettingsRequest(
    const v1::UpdateReminderSettingsRequest& request) {
  FieldViolations violations;
  const v1::ReminderSettings& settings = request.reminder_settings();
  ReminderSettingsUpdate update;
  update.unit = CheckReminderSettingsName(settings.name(),
                                          "reminder_settings.name", violations);
  update.etag = settings.etag();
  Absorb(
      api::ValidateFieldMask(request.update_mask(), {"email", "webhook_uri"}),
      "update_mask", violations);
  auto in_mask = [&request](std::string_view path) {
    return absl::c_linear_search(request.update_mask().paths(), path);
  };
  if (in_mask("email")) {
    if (!settings.email().empty()) {
      Absorb(notify::CheckEmailAddress(settings.email()),
             "reminder_settings.email", violations);
    }
    update.email = settings.email();
  }
  if (in_mask("webhook_uri")) {
    if (!settings.webhook_uri().empty()) {
      Absorb(notify::CheckWebhookUri(settings.webhook_uri()),
             "reminder_settings.webhook_uri", violations);
    }
    update.webhook_uri = settings.webhook_uri();
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return update;
}

absl::StatusOr<ReminderListQuery> ValidateListRemindersRequest(
    const v1::ListRemindersRequest& request) {
  FieldViolations violations;
  ReminderListQuery query;
  if (request.parent() != "units/-") {
    CheckUnitName(request.parent(), "parent", violations);
    query.unit = request.parent();
  }
  if (!v1::Reminder::State_IsValid(request.state())) {
    violations.Add("state", "không hợp lệ (invalid)");
  }
  query.state = request.state();
  query.page_size = CheckPageSize(request.page_size(), violations);
  if (auto cursor =
          CheckPageToken(request, request.page_token(), 1, violations)) {
    query.after = cursor->keys[0];
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::Status UnknownAgencyError(std::string_view field,
                                std::string_view agency,
                                std::string_view detail) {
  return InvalidField(
      std::string(field),
      absl::StrCat("cơ quan không có trong sổ đăng ký (unknown agency): ",
                   ToAbsl(agency), " — ", ToAbsl(detail)));
}

absl::Status UnknownUnitsError(std::string_view field,
                               const std::vector<int>& indexes) {
  FieldViolations violations;
  for (int i : indexes) {
    violations.Add(absl::StrCat(ToAbsl(field), "[", i, "]"),
                   "không có trong sổ đăng ký (unknown unit)");
  }
  return violations.ToStatus();
}

absl::Status UnknownUnitError(std::string_view field) {
  return InvalidField(std::string(field),
                      "không có trong sổ đăng ký (unknown unit)");
}

absl::Status ValidateSubmissionForCycle(const v1::Submission& submission,
                                        const StoredCycle& stored) {
  FieldViolations violations;
  const auto& units = stored.cycle.reporting_units();
  if (std::find(units.begin(), units.end(), submission.unit()) == units.end()) {
    violations.Add("submission.unit",
                   "không phải đơn vị báo cáo của kỳ này (not a "
                   "reporting unit of this cycle)");
  }
  const absl::CivilDay due(submission.due_date().year(),
                           submission.due_date().month(),
                           submission.due_date().day());
  const std::vector<absl::CivilDay> dates = DueDates(stored.spec, due);
  if (dates.empty() || dates.back() != due) {
    violations.Add("submission.due_date",
                   "không phải hạn báo cáo của kỳ này (not a due date "
                   "of this cycle)");
  }
  return violations.ToStatus();
}

absl::Status UnknownAgencyLinesError(
    std::string_view column, const std::vector<UnknownAgencyLine>& lines) {
  csv::LineErrors errors;
  for (const UnknownAgencyLine& entry : lines) {
    errors.Add(entry.line, column,
               absl::StrCat("cơ quan không có trong sổ đăng ký "
                            "(unknown agency): ",
                            entry.agency));
  }
  return errors.ToStatus();
}

}  // namespace hpedu::plans
