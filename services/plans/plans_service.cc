#include "services/plans/plans_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "libs/api/dates.h"
#include "libs/api/page_token.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/status/status_macros.h"
#include "services/plans/chasing.h"
#include "services/plans/coverage.h"
#include "services/plans/document_import.h"
#include "services/plans/late_marks.h"
#include "services/plans/plan_validation.h"
#include "services/plans/report_cycles.h"
#include "services/plans/task_changes.h"
#include "services/plans/task_import.h"

namespace hpedu::plans {
namespace {

using server::CallContext;

// True for the registry's answers that mean "the name is bad", as opposed
// to the registry being unreachable.
bool IsUnknownAgency(const absl::Status& status) {
  return status.code() == absl::StatusCode::kNotFound ||
         status.code() == absl::StatusCode::kFailedPrecondition;
}

// The unit a request names, as `name` (units/{id}) or as free `text`.
// Unknown or ambiguous agencies are INVALID_ARGUMENT on `name_field` or
// `text_field`; other registry errors are returned as they are.
absl::StatusOr<DirectoryUnit> ResolveAgency(
    AgencyDirectory& directory, const CallContext& call,
    const std::string& name, const std::string& text,
    std::optional<absl::CivilDay> as_of, const std::string& name_field,
    const std::string& text_field) {
  absl::StatusOr<DirectoryUnit> unit =
      name.empty() ? directory.Resolve(call, text, as_of)
                   : directory.Get(call, name);
  if (unit.ok() || !IsUnknownAgency(unit.status())) return unit;
  return UnknownAgencyError(name.empty() ? text_field : name_field,
                            name.empty() ? text : name,
                            ToStd(unit.status().message()));
}

// Resolves the agency of every row of an import file, asking
// `resolve(row)` once per distinct `key_of(row)`, and hands each answer to
// `apply(row, unit)`. Agencies the registry does not know are reported
// together, by line, in `column`; any other registry error is returned.
template <typename Row, typename KeyOf, typename TextOf, typename Resolve,
          typename Apply>
absl::Status ResolveRows(std::vector<Row>& rows, std::string_view column,
                         KeyOf key_of, TextOf text_of, Resolve resolve,
                         Apply apply) {
  std::map<decltype(key_of(rows.front())), absl::StatusOr<DirectoryUnit>>
      resolved;
  std::vector<UnknownAgencyLine> unknown;
  for (Row& row : rows) {
    auto key = key_of(row);
    auto it = resolved.find(key);
    if (it == resolved.end()) it = resolved.emplace(key, resolve(row)).first;
    if (it->second.ok()) {
      apply(row, *it->second);
    } else if (IsUnknownAgency(it->second.status())) {
      unknown.push_back({.line = row.line, .agency = text_of(row)});
    } else {
      return it->second.status();
    }
  }
  return UnknownAgencyLinesError(column, unknown);
}

// The issue date of a document, the day its issuer's name is resolved on.
std::optional<absl::CivilDay> IssueDayOf(const v1::Document& document) {
  if (!document.has_issue_date()) return std::nullopt;
  return absl::CivilDay(document.issue_date().year(),
                        document.issue_date().month(),
                        document.issue_date().day());
}

// The AIP-158 token of the page after the one ending at `keys`.
std::string NextPageToken(const google::protobuf::Message& request,
                          std::vector<std::string> keys) {
  return api::EncodePageToken(api::PageCursor{std::move(keys)},
                              api::QueryFingerprint(request));
}

}  // namespace

PlansServiceImpl::PlansServiceImpl(
    PlanStores stores, std::unique_ptr<AgencyDirectory> directory,
    audit::AuditLog audit_log, std::unique_ptr<feed::ChangeFeed> changes,
    std::unique_ptr<jobs::Scheduler> scheduler,
    ReminderChannels reminder_channels, ReminderOptions reminder_options,
    server::UnaryCalls& calls, std::function<absl::CivilDay()> today)
    : stores_(std::move(stores)),
      directory_(std::move(directory)),
      audit_log_(std::move(audit_log)),
      changes_(std::move(changes)),
      calls_(calls),
      today_(std::move(today)),
      authorizer_("plans"),
      reminder_jobs_(*stores_.tasks, *stores_.cycles, *stores_.reminders,
                     std::move(reminder_channels), std::move(reminder_options),
                     today_),
      scheduler_(std::move(scheduler)) {
  std::vector<jobs::Job> jobs = reminder_jobs_.Jobs();
  jobs.insert(
      jobs.begin(),
      jobs::Job{.id = "mark-late",
                .title = "Đánh dấu nhiệm vụ quá hạn và báo cáo định "
                         "kỳ chưa nộp (mark overdue tasks and "
                         "missing reports)",
                .every = absl::Hours(24),
                .run = [this](const CallContext& call, absl::Time /*slot*/) {
                  return MarkLate(call);
                }});
  scheduler_->Start(std::move(jobs));
}

absl::StatusOr<std::string> PlansServiceImpl::MarkLate(
    const CallContext& call) {
  const absl::CivilDay today = today_();
  ASSIGN_OR_RETURN(const std::vector<ChasingCandidate> candidates,
                   stores_.tasks->ListChasingCandidates(call, today, ""));
  std::vector<v1::LateMark> marks = LateTasks(candidates, today);
  ASSIGN_OR_RETURN(const std::vector<CycleReports> cycles,
                   ListAllCycleReports(call, *stores_.cycles));
  for (const CycleReports& reports : cycles) {
    for (v1::LateMark& mark :
         MissingReports(reports.stored.cycle, reports.stored.spec,
                        reports.submitted, today)) {
      marks.push_back(std::move(mark));
    }
  }
  ASSIGN_OR_RETURN(const std::vector<v1::LateMark> recorded,
                   stores_.late_marks->RecordLateMarks(call, marks));
  const auto tasks = std::count_if(
      recorded.begin(), recorded.end(), [](const v1::LateMark& mark) {
        return absl::StrContains(mark.subject(), "/tasks/");
      });
  return absl::StrCat("ngày ", api::FormatIsoDate(today), ": ", tasks,
                      " nhiệm vụ quá hạn mới, ", recorded.size() - tasks,
                      " báo cáo chưa nộp mới; ", marks.size(),
                      " hạn đã qua chưa đạt (", tasks, " new overdue tasks, ",
                      recorded.size() - tasks, " new missing reports)");
}

auth::Scope PlansServiceImpl::ScopeOf(const v1::Document& document) {
  return auth::Scope{.commune = document.commune(),
                     .lead_agency = document.issuer()};
}

auth::Scope PlansServiceImpl::ScopeOf(const v1::Task& task,
                                      const v1::Document& document) {
  // A cascaded task is its commune's; another task belongs to its
  // document's commune, if any, and is led by its lead agency.
  return auth::Scope{
      .commune = task.commune().empty() ? document.commune() : task.commune(),
      .lead_agency = task.lead_agency()};
}

absl::StatusOr<auth::Scope> PlansServiceImpl::TaskScope(
    const CallContext& call, const std::string& document_id,
    const std::string& task_id) {
  ASSIGN_OR_RETURN(const v1::Document document,
                   stores_.documents->GetDocument(call, document_id));
  ASSIGN_OR_RETURN(const v1::Task task,
                   stores_.tasks->GetTask(call, document_id, task_id));
  return ScopeOf(task, document);
}

absl::StatusOr<v1::Document> PlansServiceImpl::AuthorizedDocument(
    const CallContext& call, const std::string& id, bool write) {
  ASSIGN_OR_RETURN(v1::Document document,
                   stores_.documents->GetDocument(call, id));
  RETURN_IF_ERROR(write ? authorizer_.CanWrite(call.caller(), ScopeOf(document))
                        : authorizer_.CanRead(call.caller(), ScopeOf(document)));
  return document;
}

absl::StatusOr<std::vector<std::string>> PlansServiceImpl::CommuneNames(
    const CallContext& call) {
  ASSIGN_OR_RETURN(const std::vector<DirectoryUnit> communes,
                   directory_->ListCommunes(call));
  std::vector<std::string> names;
  names.reserve(communes.size());
  for (const DirectoryUnit& commune : communes) names.push_back(commune.name);
  return names;
}

absl::Status PlansServiceImpl::ResolveReportingUnits(const CallContext& call,
                                                     bool all_communes,
                                                     v1::ReportCycle& cycle) {
  std::vector<int> unknown;
  for (int i = 0; i < cycle.reporting_units_size(); ++i) {
    absl::StatusOr<DirectoryUnit> unit =
        directory_->Get(call, cycle.reporting_units(i));
    if (!unit.ok() && !IsUnknownAgency(unit.status())) return unit.status();
    if (!unit.ok()) unknown.push_back(i);
  }
  RETURN_IF_ERROR(UnknownUnitsError("report_cycle.reporting_units", unknown));
  if (!all_communes) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::vector<std::string> communes, CommuneNames(call));
  std::set<std::string> present(cycle.reporting_units().begin(),
                                cycle.reporting_units().end());
  for (const std::string& commune : communes) {
    if (present.insert(commune).second) cycle.add_reporting_units(commune);
  }
  return absl::OkStatus();
}

absl::Status PlansServiceImpl::AuthorizeSubmitter(const CallContext& call,
                                                  const std::string& name) {
  // A unit's report is its commune's to submit.
  ASSIGN_OR_RETURN(const DirectoryUnit unit,
                   KnownUnit(call, name, "submission.unit"));
  return authorizer_.CanWrite(
      call.caller(),
      auth::Scope{.commune = unit.commune,
                  .school = unit.name == unit.commune ? "" : unit.name});
}

absl::StatusOr<DirectoryUnit> PlansServiceImpl::KnownUnit(
    const CallContext& call, const std::string& name,
    const std::string& field) {
  absl::StatusOr<DirectoryUnit> unit = directory_->Get(call, name);
  if (IsUnknownAgency(unit.status())) return UnknownUnitError(field);
  return unit;
}

auth::Scope PlansServiceImpl::ScopeOf(const DirectoryUnit& unit) {
  if (unit.commune.empty()) return auth::Scope{.lead_agency = unit.name};
  return auth::Scope{.commune = unit.commune,
                     .school = unit.name == unit.commune ? "" : unit.name};
}

grpc::ServerUnaryReactor* PlansServiceImpl::CreateDocument(
    grpc::CallbackServerContext* context,
    const v1::CreateDocumentRequest* request, v1::Document* response) {
  return calls_.Run<v1::Document>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Document> {
        ASSIGN_OR_RETURN(CreateDocumentCommand command,
                         ValidateCreateDocumentRequest(*request));
        v1::Document& document = command.row.document;
        ASSIGN_OR_RETURN(
            const DirectoryUnit issuer,
            ResolveAgency(*directory_, call, document.issuer(),
                          document.issuer_text(), IssueDayOf(document),
                          "document.issuer", "document.issuer_text"));
        document.set_issuer(issuer.name);
        if (document.issuer_text().empty()) {
          document.set_issuer_text(issuer.display_name);
        }
        document.set_commune(issuer.commune);
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), ScopeOf(document)));
        return stores_.documents->CreateDocument(call, command.row,
                                                 command.request_id);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetDocument(
    grpc::CallbackServerContext* context, const v1::GetDocumentRequest* request,
    v1::Document* response) {
  return calls_.Run<v1::Document>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Document> {
        ASSIGN_OR_RETURN(const std::string id,
                         ValidateGetDocumentRequest(*request));
        return AuthorizedDocument(call, id, /*write=*/false);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListDocuments(
    grpc::CallbackServerContext* context,
    const v1::ListDocumentsRequest* request,
    v1::ListDocumentsResponse* response) {
  return calls_.Run<v1::ListDocumentsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListDocumentsResponse> {
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const DocumentListQuery query,
                         ValidateListDocumentsRequest(*request));
        ASSIGN_OR_RETURN(DocumentPage page,
                         stores_.documents->ListDocuments(call, query.page_size,
                                                          query.after_id));
        v1::ListDocumentsResponse result;
        if (page.more) {
          ASSIGN_OR_RETURN(const std::string last_id,
                           api::ParseResourceId(page.documents.back().name(),
                                                "documents", "name"));
          result.set_next_page_token(NextPageToken(*request, {last_id}));
        }
        // Another commune's documents are not shown (a page may come out
        // shorter than asked, as AIP-158 allows).
        for (v1::Document& document : page.documents) {
          if (authorizer_.CanRead(call.caller(), ScopeOf(document)).ok()) {
            *result.add_documents() = std::move(document);
          }
        }
        return result;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::UpdateDocument(
    grpc::CallbackServerContext* context,
    const v1::UpdateDocumentRequest* request, v1::Document* response) {
  return calls_.Run<v1::Document>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Document> {
        ASSIGN_OR_RETURN(const DocumentUpdate update,
                         ValidateUpdateDocumentRequest(*request));
        RETURN_IF_ERROR(
            AuthorizedDocument(call, update.id, /*write=*/true).status());
        return stores_.documents->UpdateDocument(call, update);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::CreateTask(
    grpc::CallbackServerContext* context, const v1::CreateTaskRequest* request,
    v1::Task* response) {
  return calls_.Run<v1::Task>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Task> {
        ASSIGN_OR_RETURN(CreateTaskCommand command,
                         ValidateCreateTaskRequest(*request));
        v1::Task& task = command.row.task;
        ASSIGN_OR_RETURN(
            const DirectoryUnit lead,
            ResolveAgency(*directory_, call, task.lead_agency(),
                          task.lead_agency_text(), std::nullopt,
                          "task.lead_agency", "task.lead_agency_text"));
        task.set_lead_agency(lead.name);
        ASSIGN_OR_RETURN(
            const v1::Document document,
            stores_.documents->GetDocument(call, command.row.document_id));
        RETURN_IF_ERROR(
            authorizer_.CanWrite(call.caller(), ScopeOf(task, document)));
        return stores_.tasks->CreateTask(call, command.row, command.request_id);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetTask(
    grpc::CallbackServerContext* context, const v1::GetTaskRequest* request,
    v1::Task* response) {
  return calls_.Run<v1::Task>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Task> {
        ASSIGN_OR_RETURN(const TaskKey key, ValidateGetTaskRequest(*request));
        ASSIGN_OR_RETURN(const v1::Document document,
                         stores_.documents->GetDocument(call, key.document_id));
        ASSIGN_OR_RETURN(v1::Task task,
                         stores_.tasks->GetTask(call, key.document_id, key.id));
        RETURN_IF_ERROR(
            authorizer_.CanRead(call.caller(), ScopeOf(task, document)));
        return task;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListTasks(
    grpc::CallbackServerContext* context, const v1::ListTasksRequest* request,
    v1::ListTasksResponse* response) {
  return calls_.Run<v1::ListTasksResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ListTasksResponse> {
        ASSIGN_OR_RETURN(const TaskListQuery query,
                         ValidateListTasksRequest(*request));
        ASSIGN_OR_RETURN(
            const v1::Document document,
            AuthorizedDocument(call, query.document_id, /*write=*/false));
        ASSIGN_OR_RETURN(TaskPage page, stores_.tasks->ListTasks(call, query));
        v1::ListTasksResponse result;
        if (page.more) {
          const v1::Task& last = page.tasks.back();
          ASSIGN_OR_RETURN(const TaskKey key, ParseTaskName(last.name(), "name"));
          result.set_next_page_token(NextPageToken(
              *request, {last.group(), std::to_string(OrdinalOf(last.number())),
                         key.id}));
        }
        // Other communes' cascaded tasks are not shown.
        for (v1::Task& task : page.tasks) {
          if (authorizer_.CanRead(call.caller(), ScopeOf(task, document)).ok()) {
            *result.add_tasks() = std::move(task);
          }
        }
        return result;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::UpdateTask(
    grpc::CallbackServerContext* context, const v1::UpdateTaskRequest* request,
    v1::Task* response) {
  return calls_.Run<v1::Task>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Task> {
        ASSIGN_OR_RETURN(const TaskUpdate update,
                         ValidateUpdateTaskRequest(*request));
        ASSIGN_OR_RETURN(const auth::Scope scope,
                         TaskScope(call, update.document_id, update.id));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        return stores_.tasks->UpdateTask(call, update);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::CascadeTask(
    grpc::CallbackServerContext* context, const v1::CascadeTaskRequest* request,
    v1::CascadeTaskResponse* response) {
  return calls_.Run<v1::CascadeTaskResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::CascadeTaskResponse> {
        ASSIGN_OR_RETURN(const TaskKey key,
                         ValidateCascadeTaskRequest(*request));
        // Check the task before asking the registry.
        ASSIGN_OR_RETURN(const auth::Scope scope,
                         TaskScope(call, key.document_id, key.id));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        ASSIGN_OR_RETURN(const std::vector<std::string> communes,
                         CommuneNames(call));
        ASSIGN_OR_RETURN(CascadeResult cascade,
                         stores_.tasks->CascadeTask(call, key.document_id,
                                                    key.id, communes));
        v1::CascadeTaskResponse result;
        result.set_created(cascade.created);
        result.set_existing(cascade.existing);
        *result.mutable_task() = std::move(cascade.parent);
        return result;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::CreateStatusReport(
    grpc::CallbackServerContext* context,
    const v1::CreateStatusReportRequest* request, v1::StatusReport* response) {
  return calls_.Run<v1::StatusReport>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::StatusReport> {
        ASSIGN_OR_RETURN(const CreateReportCommand command,
                         ValidateCreateStatusReportRequest(*request, today_()));
        ASSIGN_OR_RETURN(
            const auth::Scope scope,
            TaskScope(call, command.task.document_id, command.task.id));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        return stores_.reports->CreateStatusReport(
            call, command.task.document_id, command.task.id, command.report);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListStatusReports(
    grpc::CallbackServerContext* context,
    const v1::ListStatusReportsRequest* request,
    v1::ListStatusReportsResponse* response) {
  return calls_.Run<v1::ListStatusReportsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListStatusReportsResponse> {
        ASSIGN_OR_RETURN(const ReportListQuery query,
                         ValidateListStatusReportsRequest(*request));
        ASSIGN_OR_RETURN(
            const auth::Scope scope,
            TaskScope(call, query.task.document_id, query.task.id));
        RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), scope));
        ASSIGN_OR_RETURN(
            ReportPage page,
            stores_.reports->ListStatusReports(call, query.task.document_id,
                                               query.task.id, query.page_size,
                                               query.before_id));
        v1::ListStatusReportsResponse result;
        if (page.more) {
          const std::string& name = page.reports.back().name();
          result.set_next_page_token(
              NextPageToken(*request, {name.substr(name.rfind('/') + 1)}));
        }
        for (v1::StatusReport& report : page.reports) {
          *result.add_status_reports() = std::move(report);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetChasingList(
    grpc::CallbackServerContext* context,
    const v1::GetChasingListRequest* request, v1::ChasingList* response) {
  return calls_.Run<v1::ChasingList>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ChasingList> {
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const ChasingQuery query,
                         ValidateGetChasingListRequest(*request, today_()));
        ASSIGN_OR_RETURN(
            std::vector<ChasingCandidate> candidates,
            stores_.tasks->ListChasingCandidates(
                call, query.as_of + query.due_within_days, query.document_id));
        // Other communes' cascaded tasks are left out of the list.
        std::erase_if(candidates, [&](const ChasingCandidate& candidate) {
          return !authorizer_
                      .CanRead(call.caller(),
                               auth::Scope{.commune = candidate.commune})
                      .ok();
        });
        return BuildChasingList(candidates, query.as_of, query.due_within_days,
                                query.max_entries_per_group);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetCascadeCoverage(
    grpc::CallbackServerContext* context,
    const v1::GetCascadeCoverageRequest* request,
    v1::CascadeCoverage* response) {
  return calls_.Run<v1::CascadeCoverage>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::CascadeCoverage> {
        // Which communes implemented a document: a city-wide aggregate.
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const std::string id,
                         ValidateGetCascadeCoverageRequest(*request));
        ASSIGN_OR_RETURN(const std::vector<CoverageDocument> documents,
                         stores_.documents->CoverageTree(call, id));
        ASSIGN_OR_RETURN(const std::vector<std::string> communes,
                         CommuneNames(call));
        return BuildCascadeCoverage(id, documents, communes);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ImportTasks(
    grpc::CallbackServerContext* context, const v1::ImportTasksRequest* request,
    v1::ImportTasksResponse* response) {
  return calls_.Run<v1::ImportTasksResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ImportTasksResponse> {
        ASSIGN_OR_RETURN(const std::string document_id,
                         ValidateImportTasksRequest(*request));
        RETURN_IF_ERROR(
            AuthorizedDocument(call, document_id, /*write=*/true).status());
        ASSIGN_OR_RETURN(std::vector<TaskRow> rows,
                         ParseTasksCsv(request->csv_content(), document_id));
        const auto text_of = [](const TaskRow& row) {
          return row.task.lead_agency_text();
        };
        RETURN_IF_ERROR(ResolveRows(
            rows, "lead_agency", text_of, text_of,
            [&](const TaskRow& row) {
              return directory_->Resolve(call, text_of(row), std::nullopt);
            },
            [](TaskRow& row, const DirectoryUnit& unit) {
              row.task.set_lead_agency(unit.name);
            }));
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         stores_.tasks->ImportTasks(call, document_id, rows,
                                                    request->validate_only()));
        v1::ImportTasksResponse result;
        result.set_created(counts.created);
        result.set_updated(counts.updated);
        result.set_unchanged(counts.unchanged);
        return result;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ImportDocuments(
    grpc::CallbackServerContext* context,
    const v1::ImportDocumentsRequest* request,
    v1::ImportDocumentsResponse* response) {
  return calls_.Run<v1::ImportDocumentsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ImportDocumentsResponse> {
        RETURN_IF_ERROR(ValidateImportDocumentsRequest(*request));
        ASSIGN_OR_RETURN(std::vector<DocumentRow> rows,
                         ParseDocumentsCsv(request->csv_content()));
        // Each issuer on its issue date (names before July 2025 included).
        RETURN_IF_ERROR(ResolveRows(
            rows, "issuer",
            [](const DocumentRow& row) {
              const std::optional<absl::CivilDay> day = IssueDayOf(row.document);
              return std::make_pair(row.document.issuer_text(),
                                    day ? api::FormatIsoDate(*day) : "");
            },
            [](const DocumentRow& row) { return row.document.issuer_text(); },
            [&](const DocumentRow& row) {
              return directory_->Resolve(call, row.document.issuer_text(),
                                         IssueDayOf(row.document));
            },
            [](DocumentRow& row, const DirectoryUnit& unit) {
              row.document.set_issuer(unit.name);
              row.document.set_commune(unit.commune);
            }));
        // All or nothing: one document outside the caller's scope refuses
        // the file.
        for (const DocumentRow& row : rows) {
          RETURN_IF_ERROR(
              authorizer_.CanWrite(call.caller(), ScopeOf(row.document)));
        }
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         stores_.documents->ImportDocuments(
                             call, rows, request->validate_only()));
        v1::ImportDocumentsResponse result;
        result.set_created(counts.created);
        result.set_unchanged(counts.unchanged);
        return result;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::CreateReportCycle(
    grpc::CallbackServerContext* context,
    const v1::CreateReportCycleRequest* request, v1::ReportCycle* response) {
  return calls_.Run<v1::ReportCycle>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ReportCycle> {
        ASSIGN_OR_RETURN(CreateReportCycleCommand command,
                         ValidateCreateReportCycleRequest(*request));
        RETURN_IF_ERROR(
            AuthorizedDocument(call, command.key.document_id, /*write=*/true)
                .status());
        RETURN_IF_ERROR(
            ResolveReportingUnits(call, command.all_communes, command.cycle));
        return stores_.cycles->CreateReportCycle(call, command.key.document_id,
                                                 command.key.id, command.cycle);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListReportCycles(
    grpc::CallbackServerContext* context,
    const v1::ListReportCyclesRequest* request,
    v1::ListReportCyclesResponse* response) {
  return calls_.Run<v1::ListReportCyclesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListReportCyclesResponse> {
        ASSIGN_OR_RETURN(const ReportCycleListQuery query,
                         ValidateListReportCyclesRequest(*request));
        if (query.document_id.empty()) {
          RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        } else {
          RETURN_IF_ERROR(
              AuthorizedDocument(call, query.document_id, /*write=*/false)
                  .status());
        }
        ASSIGN_OR_RETURN(ReportCycleStore::CyclePage page,
                         stores_.cycles->ListReportCycles(
                             call, query.document_id, query.after.document_id,
                             query.after.id, query.page_size));
        // documents/{document}/reportCycles/{cycle}: {document, cycle}.
        auto key_of = [](const v1::ReportCycle& cycle) {
          const std::vector<std::string> parts = absl::StrSplit(cycle.name(), '/');
          return std::pair<std::string, std::string>(parts[1], parts[3]);
        };
        v1::ListReportCyclesResponse result;
        if (page.more) {
          const auto [document_id, id] = key_of(page.cycles.back().cycle);
          result.set_next_page_token(NextPageToken(*request, {document_id, id}));
        }
        // With documents/-, the cycles of documents the caller may not read
        // (another commune's) are left out: a page may come out shorter.
        std::map<std::string, bool> readable;
        for (StoredCycle& stored : page.cycles) {
          v1::ReportCycle& cycle = stored.cycle;
          const std::string document_id = key_of(cycle).first;
          auto [it, fresh] = readable.try_emplace(document_id, true);
          if (fresh && query.document_id.empty()) {
            it->second =
                AuthorizedDocument(call, document_id, /*write=*/false).ok();
          }
          if (it->second) *result.add_report_cycles() = std::move(cycle);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::SubmitReport(
    grpc::CallbackServerContext* context, const v1::SubmitReportRequest* request,
    v1::Submission* response) {
  return calls_.Run<v1::Submission>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Submission> {
        ASSIGN_OR_RETURN(const SubmitReportCommand command,
                         ValidateSubmitReportRequest(*request, today_()));
        RETURN_IF_ERROR(AuthorizeSubmitter(call, command.submission.unit()));
        ASSIGN_OR_RETURN(
            const StoredCycle stored,
            stores_.cycles->GetReportCycle(call, command.cycle.document_id,
                                           command.cycle.id));
        RETURN_IF_ERROR(ValidateSubmissionForCycle(command.submission, stored));
        return stores_.cycles->CreateSubmission(call, command.cycle.document_id,
                                                command.cycle.id,
                                                command.submission);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetSubmissionStatus(
    grpc::CallbackServerContext* context,
    const v1::GetSubmissionStatusRequest* request,
    v1::SubmissionStatus* response) {
  return calls_.Run<v1::SubmissionStatus>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::SubmissionStatus> {
        ASSIGN_OR_RETURN(const SubmissionStatusQuery query,
                         ValidateGetSubmissionStatusRequest(*request, today_()));
        const CycleKey& key = query.cycle;
        RETURN_IF_ERROR(
            AuthorizedDocument(call, key.document_id, /*write=*/false)
                .status());
        ASSIGN_OR_RETURN(const StoredCycle stored,
                         stores_.cycles->GetReportCycle(call, key.document_id,
                                                        key.id));
        ASSIGN_OR_RETURN(const SubmissionDays submitted,
                         stores_.cycles->ListSubmissions(call, key.document_id,
                                                         key.id));
        const std::vector<std::string> units(
            stored.cycle.reporting_units().begin(),
            stored.cycle.reporting_units().end());
        return SubmissionStatusOf(
            TrackSubmissions(stored.spec, units, submitted, query.as_of,
                             query.horizon_days),
            query.as_of);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const audit::v1::ListAuditEventsRequest* request,
    audit::v1::ListAuditEventsResponse* response) {
  return calls_.Run<audit::v1::ListAuditEventsResponse>(
      context, response, [this, request](const CallContext& call) {
        return audit_log_.List(call, *request);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::ListChangesRequest* request,
    feed::v1::ListChangesResponse* response) {
  return calls_.Run<feed::v1::ListChangesResponse>(
      context, response, [this, request](const CallContext& call) {
        return changes_->List(call, *request);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListJobs(
    grpc::CallbackServerContext* context,
    const jobs::v1::ListJobsRequest* request,
    jobs::v1::ListJobsResponse* response) {
  return calls_.Run<jobs::v1::ListJobsResponse>(
      context, response, [this, request](const CallContext& call) {
        return scheduler_->List(call, *request);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetReminderSettings(
    grpc::CallbackServerContext* context,
    const v1::GetReminderSettingsRequest* request,
    v1::ReminderSettings* response) {
  return calls_.Run<v1::ReminderSettings>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ReminderSettings> {
        ASSIGN_OR_RETURN(const std::string unit,
                         ValidateGetReminderSettingsRequest(*request));
        ASSIGN_OR_RETURN(const DirectoryUnit known,
                         KnownUnit(call, unit, "name"));
        RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), ScopeOf(known)));
        return stores_.reminders->GetSettings(call, unit);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::UpdateReminderSettings(
    grpc::CallbackServerContext* context,
    const v1::UpdateReminderSettingsRequest* request,
    v1::ReminderSettings* response) {
  return calls_.Run<v1::ReminderSettings>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ReminderSettings> {
        ASSIGN_OR_RETURN(ReminderSettingsUpdate update,
                         ValidateUpdateReminderSettingsRequest(*request));
        ASSIGN_OR_RETURN(
            const DirectoryUnit known,
            KnownUnit(call, update.unit, "reminder_settings.name"));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), ScopeOf(known)));
        update.unit_title = known.display_name;
        return stores_.reminders->UpdateSettings(call, update);
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListReminders(
    grpc::CallbackServerContext* context,
    const v1::ListRemindersRequest* request,
    v1::ListRemindersResponse* response) {
  return calls_.Run<v1::ListRemindersResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListRemindersResponse> {
        ASSIGN_OR_RETURN(const ReminderListQuery query,
                         ValidateListRemindersRequest(*request));
        if (query.unit.empty()) {
          RETURN_IF_ERROR(authorizer_.CanReadOperations(
              call.caller(),
              "xem thư nhắc việc của mọi đơn vị / read every unit's "
              "reminders"));
        } else {
          ASSIGN_OR_RETURN(const DirectoryUnit known,
                           KnownUnit(call, query.unit, "parent"));
          RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), ScopeOf(known)));
        }
        ASSIGN_OR_RETURN(
            ReminderStore::ReminderPage page,
            stores_.reminders->ListReminders(call, query.unit, query.state,
                                             query.after, query.page_size));
        v1::ListRemindersResponse result;
        if (page.more) {
          result.set_next_page_token(
              NextPageToken(*request, {page.reminders.back().name()}));
        }
        for (v1::Reminder& reminder : page.reminders) {
          *result.add_reminders() = std::move(reminder);
        }
        return result;
      });
}

grpc::ServerWriteReactor<feed::v1::Change>* PlansServiceImpl::WatchChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::WatchChangesRequest* request) {
  return changes_->Watch(context, request);
}

}  // namespace hpedu::plans
