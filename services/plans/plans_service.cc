#include "services/plans/plans_service.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/page_token.h"
#include "libs/base/string_view.h"
#include "libs/csv/line_errors.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/plans/chasing.h"
#include "services/plans/document_import.h"
#include "services/plans/plan_validation.h"
#include "services/plans/report_cycles.h"
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
// Unknown or ambiguous agencies become a violation on `name_field` or
// `text_field`; other registry errors are returned as they are.
absl::StatusOr<DirectoryUnit> ResolveAgency(
    AgencyDirectory& directory, const CallContext& call,
    const std::string& name, const std::string& text,
    std::optional<absl::CivilDay> as_of, const std::string& name_field,
    const std::string& text_field) {
  absl::StatusOr<DirectoryUnit> unit =
      name.empty() ? directory.Resolve(call, text, as_of)
                   : directory.Get(call, name);
  if (unit.ok()) return unit;
  if (!IsUnknownAgency(unit.status())) return unit.status();
  return InvalidField(
      name.empty() ? text_field : name_field,
      absl::StrCat("cơ quan không có trong sổ đăng ký (unknown agency): ",
                   name.empty() ? text : name, " — ",
                   unit.status().message()));
}

std::string UnitId(std::string_view name) {
  return std::string(name.substr(name.find('/') + 1));
}

}  // namespace

PlansServiceImpl::PlansServiceImpl(std::unique_ptr<PlanStore> store,
                                   std::unique_ptr<AgencyDirectory> directory,
                                   audit::AuditLog audit_log, server::UnaryCalls& calls,
                                   std::function<absl::CivilDay()> today)
    : store_(std::move(store)),
      directory_(std::move(directory)),
      audit_log_(std::move(audit_log)),
      calls_(calls),
      today_(std::move(today)),
      authorizer_("plans") {}

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
                   store_->GetDocument(call, document_id));
  ASSIGN_OR_RETURN(const v1::Task task,
                   store_->GetTask(call, document_id, task_id));
  return ScopeOf(task, document);
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
        std::optional<absl::CivilDay> as_of;
        if (document.has_issue_date()) {
          as_of = absl::CivilDay(document.issue_date().year(),
                                 document.issue_date().month(),
                                 document.issue_date().day());
        }
        ASSIGN_OR_RETURN(
            const DirectoryUnit issuer,
            ResolveAgency(*directory_, call, document.issuer(),
                          document.issuer_text(), as_of, "document.issuer",
                          "document.issuer_text"));
        document.set_issuer(issuer.name);
        if (document.issuer_text().empty()) {
          document.set_issuer_text(issuer.display_name);
        }
        document.set_commune(issuer.commune);
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), ScopeOf(document)));
        return store_->CreateDocument(call, command.row, command.request_id);
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
        ASSIGN_OR_RETURN(v1::Document document, store_->GetDocument(call, id));
        RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), ScopeOf(document)));
        return document;
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
                         store_->ListDocuments(call, query.page_size,
                                               query.after_id));
        v1::ListDocumentsResponse result;
        if (page.more) {
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{UnitId(page.documents.back().name())}},
              api::QueryFingerprint(*request)));
        }
        // Another commune's documents are not shown (a page may come out
        // shorter than asked, as AIP-158 allows).
        for (v1::Document& document : page.documents) {
          if (!authorizer_.CanRead(call.caller(), ScopeOf(document)).ok()) {
            continue;
          }
          *result.add_documents() = std::move(document);
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
        ASSIGN_OR_RETURN(const v1::Document document,
                         store_->GetDocument(call, update.id));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), ScopeOf(document)));
        return store_->UpdateDocument(call, update);
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
        ASSIGN_OR_RETURN(const v1::Document document,
                         store_->GetDocument(call, command.row.document_id));
        RETURN_IF_ERROR(
            authorizer_.CanWrite(call.caller(), ScopeOf(task, document)));
        return store_->CreateTask(call, command.row, command.request_id);
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
                         store_->GetDocument(call, key.document_id));
        ASSIGN_OR_RETURN(v1::Task task,
                         store_->GetTask(call, key.document_id, key.id));
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
        ASSIGN_OR_RETURN(const v1::Document document,
                         store_->GetDocument(call, query.document_id));
        RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), ScopeOf(document)));
        ASSIGN_OR_RETURN(TaskPage page, store_->ListTasks(call, query));
        v1::ListTasksResponse result;
        if (page.more) {
          const v1::Task& last = page.tasks.back();
          ASSIGN_OR_RETURN(const TaskKey key, ParseTaskName(last.name(), "name"));
          int ordinal = 0;
          if (!absl::SimpleAtoi(ToAbsl(last.number()), &ordinal)) ordinal = 0;
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{last.group(), std::to_string(ordinal), key.id}},
              api::QueryFingerprint(*request)));
        }
        // Other communes' cascaded tasks are not shown.
        for (v1::Task& task : page.tasks) {
          if (!authorizer_.CanRead(call.caller(), ScopeOf(task, document))
                   .ok()) {
            continue;
          }
          *result.add_tasks() = std::move(task);
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
        return store_->UpdateTask(call, update);
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
        ASSIGN_OR_RETURN(const std::vector<DirectoryUnit> communes,
                         directory_->ListCommunes(call));
        std::vector<std::string> names;
        for (const DirectoryUnit& commune : communes) {
          names.push_back(commune.name);
        }
        ASSIGN_OR_RETURN(CascadeResult cascade,
                         store_->CascadeTask(call, key.document_id, key.id,
                                             names));
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
        return store_->CreateStatusReport(call, command.task.document_id,
                                          command.task.id, command.report);
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
            store_->ListStatusReports(call, query.task.document_id,
                                      query.task.id, query.page_size,
                                      query.before_id));
        v1::ListStatusReportsResponse result;
        if (page.more) {
          const std::string& name = page.reports.back().name();
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{name.substr(name.rfind('/') + 1)}},
              api::QueryFingerprint(*request)));
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
            store_->ListChasingCandidates(
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
                         store_->CoverageTree(call, id));
        ASSIGN_OR_RETURN(const std::vector<DirectoryUnit> communes,
                         directory_->ListCommunes(call));
        // The tree, built from the implements links inside the set; a
        // document implementing two documents of the tree appears under
        // both.
        std::map<std::string, const CoverageDocument*> by_id;
        std::map<std::string, std::vector<std::string>> implementers;
        std::set<std::string> covered_ids;
        for (const CoverageDocument& document : documents) {
          by_id[document.id] = &document;
          for (const std::string& implemented : document.implemented_ids) {
            implementers[implemented].push_back(document.id);
          }
          if (document.id != id && !document.commune_id.empty()) {
            covered_ids.insert(document.commune_id);
          }
        }
        std::function<void(const std::string&, v1::CoverageNode*, int)> build =
            [&](const std::string& node_id, v1::CoverageNode* node, int depth) {
              const CoverageDocument& document = *by_id.at(node_id);
              node->set_document(absl::StrCat("documents/", document.id));
              node->set_number(document.number);
              if (!document.commune_id.empty()) {
                node->set_commune(absl::StrCat("units/", document.commune_id));
              }
              // The links are acyclic; the depth bound only guards a
              // corrupted graph.
              if (depth > 64) return;
              for (const std::string& child : implementers[node_id]) {
                build(child, node->add_implemented_by(), depth + 1);
              }
            };
        v1::CascadeCoverage result;
        build(id, result.mutable_tree(), 0);
        for (const DirectoryUnit& commune : communes) {
          if (covered_ids.count(UnitId(commune.name))) {
            result.add_covered(commune.name);
          } else {
            result.add_missing(commune.name);
          }
        }
        return result;
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
        ASSIGN_OR_RETURN(const v1::Document document,
                         store_->GetDocument(call, document_id));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), ScopeOf(document)));
        ASSIGN_OR_RETURN(std::vector<TaskRow> rows,
                         ParseTasksCsv(request->csv_content(), document_id));
        // Resolve each distinct agency once; report every unknown one with
        // its line.
        std::map<std::string, absl::StatusOr<DirectoryUnit>> resolved;
        csv::LineErrors errors;
        for (TaskRow& row : rows) {
          const std::string& text = row.task.lead_agency_text();
          auto it = resolved.find(text);
          if (it == resolved.end()) {
            it = resolved
                     .emplace(text, directory_->Resolve(call, text, std::nullopt))
                     .first;
          }
          if (it->second.ok()) {
            row.task.set_lead_agency(it->second->name);
          } else if (IsUnknownAgency(it->second.status())) {
            errors.Add(row.line, "lead_agency",
                       absl::StrCat("cơ quan không có trong sổ đăng ký "
                                    "(unknown agency): ",
                                    text));
          } else {
            return it->second.status();
          }
        }
        RETURN_IF_ERROR(errors.ToStatus());
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         store_->ImportTasks(call, document_id, rows,
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
        // Resolve each issuer on its issue date (names before July 2025
        // included), once per distinct name and date.
        std::map<std::pair<std::string, std::string>,
                 absl::StatusOr<DirectoryUnit>>
            resolved;
        csv::LineErrors errors;
        for (DocumentRow& row : rows) {
          v1::Document& document = row.document;
          std::optional<absl::CivilDay> as_of;
          if (document.has_issue_date()) {
            as_of = absl::CivilDay(document.issue_date().year(),
                                   document.issue_date().month(),
                                   document.issue_date().day());
          }
          const auto key = std::make_pair(
              document.issuer_text(), as_of ? api::FormatIsoDate(*as_of) : "");
          auto it = resolved.find(key);
          if (it == resolved.end()) {
            it = resolved
                     .emplace(key, directory_->Resolve(
                                       call, document.issuer_text(), as_of))
                     .first;
          }
          if (it->second.ok()) {
            document.set_issuer(it->second->name);
            document.set_commune(it->second->commune);
          } else if (IsUnknownAgency(it->second.status())) {
            errors.Add(row.line, "issuer",
                       absl::StrCat("cơ quan không có trong sổ đăng ký "
                                    "(unknown agency): ",
                                    document.issuer_text()));
          } else {
            return it->second.status();
          }
        }
        RETURN_IF_ERROR(errors.ToStatus());
        // All or nothing: one document outside the caller's scope refuses
        // the file.
        for (const DocumentRow& row : rows) {
          RETURN_IF_ERROR(
              authorizer_.CanWrite(call.caller(), ScopeOf(row.document)));
        }
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         store_->ImportDocuments(call, rows,
                                                 request->validate_only()));
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
        ASSIGN_OR_RETURN(const v1::Document document,
                         store_->GetDocument(call, command.key.document_id));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), ScopeOf(document)));
        v1::ReportCycle& cycle = command.cycle;
        FieldViolations violations;
        for (int i = 0; i < cycle.reporting_units_size(); ++i) {
          absl::StatusOr<DirectoryUnit> unit =
              directory_->Get(call, cycle.reporting_units(i));
          if (!unit.ok() && !IsUnknownAgency(unit.status())) {
            return unit.status();
          }
          if (!unit.ok()) {
            violations.Add(absl::StrCat("report_cycle.reporting_units[", i, "]"),
                           "không có trong sổ đăng ký (unknown unit)");
          }
        }
        RETURN_IF_ERROR(violations.ToStatus());
        if (command.all_communes) {
          ASSIGN_OR_RETURN(const std::vector<DirectoryUnit> communes,
                           directory_->ListCommunes(call));
          std::set<std::string> present(cycle.reporting_units().begin(),
                                        cycle.reporting_units().end());
          for (const DirectoryUnit& commune : communes) {
            if (present.insert(commune.name).second) {
              cycle.add_reporting_units(commune.name);
            }
          }
        }
        return store_->CreateReportCycle(call, command.key.document_id,
                                         command.key.id, cycle);
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
        // A unit's report is its commune's to submit.
        absl::StatusOr<DirectoryUnit> unit =
            directory_->Get(call, command.submission.unit());
        if (IsUnknownAgency(unit.status())) {
          return InvalidField("submission.unit",
                              "không có trong sổ đăng ký (unknown unit)");
        }
        if (!unit.ok()) return unit.status();
        RETURN_IF_ERROR(authorizer_.CanWrite(
            call.caller(),
            auth::Scope{.commune = unit->commune,
                        .school = unit->name == unit->commune ? ""
                                                               : unit->name}));
        ASSIGN_OR_RETURN(const StoredCycle stored,
                         store_->GetReportCycle(call, command.cycle.document_id,
                                                command.cycle.id));
        FieldViolations violations;
        const v1::Submission& submission = command.submission;
        if (std::find(stored.cycle.reporting_units().begin(),
                      stored.cycle.reporting_units().end(),
                      submission.unit()) == stored.cycle.reporting_units().end()) {
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
        RETURN_IF_ERROR(violations.ToStatus());
        return store_->CreateSubmission(call, command.cycle.document_id,
                                        command.cycle.id, submission);
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
        ASSIGN_OR_RETURN(const v1::Document document,
                         store_->GetDocument(call, query.cycle.document_id));
        RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), ScopeOf(document)));
        ASSIGN_OR_RETURN(const StoredCycle stored,
                         store_->GetReportCycle(call, query.cycle.document_id,
                                                query.cycle.id));
        ASSIGN_OR_RETURN(const SubmissionDays submitted,
                         store_->ListSubmissions(call, query.cycle.document_id,
                                                 query.cycle.id));
        const std::vector<std::string> units(
            stored.cycle.reporting_units().begin(),
            stored.cycle.reporting_units().end());
        v1::SubmissionStatus result;
        *result.mutable_as_of() = api::ToProtoDate(query.as_of);
        for (const UnitSubmission& entry :
             TrackSubmissions(stored.spec, units, submitted, query.as_of,
                              query.horizon_days)) {
          v1::UnitSubmissionStatus* out = result.add_entries();
          out->set_unit(entry.unit);
          *out->mutable_due_date() = api::ToProtoDate(entry.due);
          if (entry.submitted) {
            *out->mutable_submitted_date() = api::ToProtoDate(*entry.submitted);
          }
          switch (entry.state) {
            case SubmissionState::kOnTime:
              out->set_state(v1::ON_TIME);
              result.set_on_time(result.on_time() + 1);
              break;
            case SubmissionState::kLate:
              out->set_state(v1::LATE);
              result.set_late(result.late() + 1);
              break;
            case SubmissionState::kMissing:
              out->set_state(v1::MISSING);
              result.set_missing(result.missing() + 1);
              break;
            case SubmissionState::kPending:
              out->set_state(v1::PENDING);
              result.set_pending(result.pending() + 1);
              break;
          }
        }
        return result;
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

}  // namespace hpedu::plans
