// Request validation for the plans service, before anything touches the
// store or the registry: every bad field of a request is reported at once,
// as INVALID_ARGUMENT with one BadRequest violation per field (AIP-193), and
// nothing is written. Pure functions; each returns what the store needs,
// already normalized. Agencies are resolved afterwards (plans_service.cc).
#ifndef HPEDU_SERVICES_PLANS_PLAN_VALIDATION_H_
#define HPEDU_SERVICES_PLANS_PLAN_VALIDATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans_service.pb.h"
#include "services/plans/document_store.h"
#include "services/plans/reminder_store.h"
#include "services/plans/report_cycle_store.h"
#include "services/plans/status_report_store.h"
#include "services/plans/task_store.h"

namespace hpedu::plans {

inline constexpr int kMaxTitleChars = 1000;
inline constexpr int kMaxContentChars = 4000;
inline constexpr int kMaxTextChars = 1000;
inline constexpr int kMaxImplements = 50;
inline constexpr int kMaxDueWithinDays = 366;
inline constexpr size_t kMaxCsvBytes = 8 << 20;

// documents/{document}/tasks/{task}.
struct TaskKey {
  std::string document_id;
  std::string id;
};

// The key of a task name; INVALID_ARGUMENT on `field` if malformed.
absl::StatusOr<TaskKey> ParseTaskName(std::string_view name,
                                      std::string_view field);

struct CreateDocumentCommand {
  // row.document has issuer/issuer_text as sent; the service resolves them.
  DocumentRow row;
  std::string request_id;
};
absl::StatusOr<CreateDocumentCommand> ValidateCreateDocumentRequest(
    const v1::CreateDocumentRequest& request);

absl::StatusOr<std::string> ValidateGetDocumentRequest(
    const v1::GetDocumentRequest& request);

struct DocumentListQuery {
  int page_size = 50;
  std::string after_id;
};
absl::StatusOr<DocumentListQuery> ValidateListDocumentsRequest(
    const v1::ListDocumentsRequest& request);

absl::StatusOr<DocumentUpdate> ValidateUpdateDocumentRequest(
    const v1::UpdateDocumentRequest& request);

struct CreateTaskCommand {
  // row.task has lead_agency/lead_agency_text as sent.
  TaskRow row;
  std::string request_id;
};
absl::StatusOr<CreateTaskCommand> ValidateCreateTaskRequest(
    const v1::CreateTaskRequest& request);

absl::StatusOr<TaskKey> ValidateGetTaskRequest(const v1::GetTaskRequest& request);

absl::StatusOr<TaskListQuery> ValidateListTasksRequest(
    const v1::ListTasksRequest& request);

absl::StatusOr<TaskUpdate> ValidateUpdateTaskRequest(
    const v1::UpdateTaskRequest& request);

absl::StatusOr<TaskKey> ValidateCascadeTaskRequest(
    const v1::CascadeTaskRequest& request);

struct CreateReportCommand {
  TaskKey task;
  // state, progress_percent, evidence, report_date (today if unset).
  v1::StatusReport report;
};
absl::StatusOr<CreateReportCommand> ValidateCreateStatusReportRequest(
    const v1::CreateStatusReportRequest& request, absl::CivilDay today);

struct ReportListQuery {
  TaskKey task;
  int page_size = 50;
  int64_t before_id = 0;
};
absl::StatusOr<ReportListQuery> ValidateListStatusReportsRequest(
    const v1::ListStatusReportsRequest& request);

struct ChasingQuery {
  absl::CivilDay as_of;
  int due_within_days = 0;
  std::string document_id;  // empty: all
  int max_entries_per_group = 100;
};
absl::StatusOr<ChasingQuery> ValidateGetChasingListRequest(
    const v1::GetChasingListRequest& request, absl::CivilDay today);

absl::StatusOr<std::string> ValidateGetCascadeCoverageRequest(
    const v1::GetCascadeCoverageRequest& request);

// Returns the document id; the file is checked by ParseTasksCsv.
absl::StatusOr<std::string> ValidateImportTasksRequest(
    const v1::ImportTasksRequest& request);

// Checks the request itself; the file is checked by ParseDocumentsCsv.
absl::Status ValidateImportDocumentsRequest(
    const v1::ImportDocumentsRequest& request);

// documents/{document}/reportCycles/{report_cycle}.
struct CycleKey {
  std::string document_id;
  std::string id;
};

struct CreateReportCycleCommand {
  CycleKey key;
  // Normalized; reporting_units as sent (checked names).
  v1::ReportCycle cycle;
  bool all_communes = false;
};
absl::StatusOr<CreateReportCycleCommand> ValidateCreateReportCycleRequest(
    const v1::CreateReportCycleRequest& request);

struct ReportCycleListQuery {
  // Empty: every document's.
  std::string document_id;
  int page_size = 50;
  // The last (document, cycle) of the previous page; empty: from the start.
  CycleKey after;
};
absl::StatusOr<ReportCycleListQuery> ValidateListReportCyclesRequest(
    const v1::ListReportCyclesRequest& request);

struct SubmitReportCommand {
  CycleKey cycle;
  // submitted_date set (today if unset).
  v1::Submission submission;
};
absl::StatusOr<SubmitReportCommand> ValidateSubmitReportRequest(
    const v1::SubmitReportRequest& request, absl::CivilDay today);

struct SubmissionStatusQuery {
  CycleKey cycle;
  absl::CivilDay as_of;
  int horizon_days = 0;
};
absl::StatusOr<SubmissionStatusQuery> ValidateGetSubmissionStatusRequest(
    const v1::GetSubmissionStatusRequest& request, absl::CivilDay today);

// units/{unit}/reminderSettings: the unit.
absl::StatusOr<std::string> ValidateGetReminderSettingsRequest(
    const v1::GetReminderSettingsRequest& request);
// The addresses are checked as the channels would send to them
// (libs/notify/address.h); an empty one turns its channel off.
absl::StatusOr<ReminderSettingsUpdate> ValidateUpdateReminderSettingsRequest(
    const v1::UpdateReminderSettingsRequest& request);

struct ReminderListQuery {
  std::string unit;  // units/{unit}; empty: every unit's (units/-)
  v1::Reminder::State state = v1::Reminder::STATE_UNSPECIFIED;
  int page_size = 50;
  std::string after;  // the last reminder of the previous page, by name
};
absl::StatusOr<ReminderListQuery> ValidateListRemindersRequest(
    const v1::ListRemindersRequest& request);

// The registry does not know `agency`, named in `field`: INVALID_ARGUMENT
// with one violation on `field`; `detail` is the registry's message.
absl::Status UnknownAgencyError(std::string_view field, std::string_view agency,
                                std::string_view detail);

// The registry does not know the units at `indexes` of the repeated `field`
// (e.g. "report_cycle.reporting_units"): one violation on each
// "field[i]". OK if `indexes` is empty.
absl::Status UnknownUnitsError(std::string_view field,
                               const std::vector<int>& indexes);

// The registry does not know the unit named in `field`.
absl::Status UnknownUnitError(std::string_view field);

// A validated submission checked against its stored cycle: the unit must
// be one of the cycle's reporting units and the due date one of its due
// dates. INVALID_ARGUMENT with every violation at once.
absl::Status ValidateSubmissionForCycle(const v1::Submission& submission,
                                        const StoredCycle& stored);

// An import file's agencies the registry does not know: one line error on
// "csv_content" per entry, in `column` of its line. OK if there are none.
struct UnknownAgencyLine {
  int line = 0;
  std::string agency;  // as written in the file
};
absl::Status UnknownAgencyLinesError(std::string_view column,
                                     const std::vector<UnknownAgencyLine>& lines);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_PLAN_VALIDATION_H_
