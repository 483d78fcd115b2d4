// The gRPC handlers of hpedu.plans.v1.PlansService. Each handler runs on the
// service's worker pool (UnaryCalls), never on a gRPC thread: it validates
// the request (every bad field at once, nothing written), resolves agencies
// through the registry, then asks the stores. Field violations come from
// plan_validation.h, domain rules from the pure modules.
#ifndef HPEDU_SERVICES_PLANS_PLANS_SERVICE_H_
#define HPEDU_SERVICES_PLANS_PLANS_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "libs/audit/audit.h"
#include "libs/auth/authorize.h"
#include "libs/feed/feed.h"
#include "libs/jobs/jobs.h"
#include "libs/server/unary.h"
#include "services/plans/agency_directory.h"
#include "services/plans/document_store.h"
#include "services/plans/late_mark_store.h"
#include "services/plans/reminder_jobs.h"
#include "services/plans/reminder_store.h"
#include "services/plans/report_cycle_store.h"
#include "services/plans/status_report_store.h"
#include "services/plans/task_store.h"

namespace hpedu::plans {

// The service's stores, one per aggregate.
struct PlanStores {
  std::unique_ptr<DocumentStore> documents;
  std::unique_ptr<TaskStore> tasks;
  std::unique_ptr<StatusReportStore> reports;
  std::unique_ptr<ReportCycleStore> cycles;
  std::unique_ptr<LateMarkStore> late_marks;
  std::unique_ptr<ReminderStore> reminders;
};

// Thread-safe.
class PlansServiceImpl final : public v1::PlansService::CallbackService {
 public:
  // `today` gives the date of requests without one (Asia/Ho_Chi_Minh);
  // `calls` must outlive the service. Starts the service's jobs on
  // `scheduler`: mark-late and queue-reminders daily, send-reminders every
  // reminder_options.send_interval through `reminder_channels`.
  PlansServiceImpl(PlanStores stores,
                   std::unique_ptr<AgencyDirectory> directory,
                   audit::AuditLog audit_log,
                   std::unique_ptr<feed::ChangeFeed> changes,
                   std::unique_ptr<jobs::Scheduler> scheduler,
                   ReminderChannels reminder_channels,
                   ReminderOptions reminder_options, server::UnaryCalls& calls,
                   std::function<absl::CivilDay()> today);

  grpc::ServerUnaryReactor* CreateDocument(
      grpc::CallbackServerContext* context,
      const v1::CreateDocumentRequest* request,
      v1::Document* response) override;
  grpc::ServerUnaryReactor* GetDocument(grpc::CallbackServerContext* context,
                                        const v1::GetDocumentRequest* request,
                                        v1::Document* response) override;
  grpc::ServerUnaryReactor* ListDocuments(
      grpc::CallbackServerContext* context,
      const v1::ListDocumentsRequest* request,
      v1::ListDocumentsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateDocument(
      grpc::CallbackServerContext* context,
      const v1::UpdateDocumentRequest* request,
      v1::Document* response) override;
  grpc::ServerUnaryReactor* CreateTask(grpc::CallbackServerContext* context,
                                       const v1::CreateTaskRequest* request,
                                       v1::Task* response) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* context,
                                    const v1::GetTaskRequest* request,
                                    v1::Task* response) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* context,
                                      const v1::ListTasksRequest* request,
                                      v1::ListTasksResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTask(grpc::CallbackServerContext* context,
                                       const v1::UpdateTaskRequest* request,
                                       v1::Task* response) override;
  grpc::ServerUnaryReactor* CascadeTask(
      grpc::CallbackServerContext* context,
      const v1::CascadeTaskRequest* request,
      v1::CascadeTaskResponse* response) override;
  grpc::ServerUnaryReactor* CreateStatusReport(
      grpc::CallbackServerContext* context,
      const v1::CreateStatusReportRequest* request,
      v1::StatusReport* response) override;
  grpc::ServerUnaryReactor* ListStatusReports(
      grpc::CallbackServerContext* context,
      const v1::ListStatusReportsRequest* request,
      v1::ListStatusReportsResponse* response) override;
  grpc::ServerUnaryReactor* GetChasingList(
      grpc::CallbackServerContext* context,
      const v1::GetChasingListRequest* request,
      v1::ChasingList* response) override;
  grpc::ServerUnaryReactor* GetCascadeCoverage(
      grpc::CallbackServerContext* context,
      const v1::GetCascadeCoverageRequest* request,
      v1::CascadeCoverage* response) override;
  grpc::ServerUnaryReactor* ImportTasks(
      grpc::CallbackServerContext* context,
      const v1::ImportTasksRequest* request,
      v1::ImportTasksResponse* response) override;
  grpc::ServerUnaryReactor* ImportDocuments(
      grpc::CallbackServerContext* context,
      const v1::ImportDocumentsRequest* request,
      v1::ImportDocumentsResponse* response) override;
  grpc::ServerUnaryReactor* CreateReportCycle(
      grpc::CallbackServerContext* context,
      const v1::CreateReportCycleRequest* request,
      v1::ReportCycle* response) override;
  grpc::ServerUnaryReactor* ListReportCycles(
      grpc::CallbackServerContext* context,
      const v1::ListReportCyclesRequest* request,
      v1::ListReportCyclesResponse* response) override;
  grpc::ServerUnaryReactor* SubmitReport(
      grpc::CallbackServerContext* context,
      const v1::SubmitReportRequest* request,
      v1::Submission* response) override;
  grpc::ServerUnaryReactor* GetSubmissionStatus(
      grpc::CallbackServerContext* context,
      const v1::GetSubmissionStatusRequest* request,
      v1::SubmissionStatus* response) override;

  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const audit::v1::ListAuditEventsRequest* request,
      audit::v1::ListAuditEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListChanges(
      grpc::CallbackServerContext* context,
      const feed::v1::ListChangesRequest* request,
      feed::v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<feed::v1::Change>* WatchChanges(
      grpc::CallbackServerContext* context,
      const feed::v1::WatchChangesRequest* request) override;
  grpc::ServerUnaryReactor* ListJobs(
      grpc::CallbackServerContext* context,
      const jobs::v1::ListJobsRequest* request,
      jobs::v1::ListJobsResponse* response) override;
  grpc::ServerUnaryReactor* GetReminderSettings(
      grpc::CallbackServerContext* context,
      const v1::GetReminderSettingsRequest* request,
      v1::ReminderSettings* response) override;
  grpc::ServerUnaryReactor* UpdateReminderSettings(
      grpc::CallbackServerContext* context,
      const v1::UpdateReminderSettingsRequest* request,
      v1::ReminderSettings* response) override;
  grpc::ServerUnaryReactor* ListReminders(
      grpc::CallbackServerContext* context,
      const v1::ListRemindersRequest* request,
      v1::ListRemindersResponse* response) override;

 private:
  // The job mark-late: records each task overdue and each periodic report
  // missing as of today (LateMark), once; says how many were new.
  absl::StatusOr<std::string> MarkLate(const server::CallContext& call);

  // What a document or a task belongs to, for authorization.
  static auth::Scope ScopeOf(const v1::Document& document);
  static auth::Scope ScopeOf(const v1::Task& task,
                             const v1::Document& document);
  absl::StatusOr<auth::Scope> TaskScope(const server::CallContext& call,
                                        const std::string& document_id,
                                        const std::string& task_id);
  // The document `id` if the caller may read it (or, with `write`, write
  // its tasks and cycles); NOT_FOUND or PERMISSION_DENIED otherwise.
  absl::StatusOr<v1::Document> AuthorizedDocument(
      const server::CallContext& call, const std::string& id, bool write);
  // The names (units/{id}) of the communes the registry lists.
  absl::StatusOr<std::vector<std::string>> CommuneNames(
      const server::CallContext& call);
  // Checks the cycle's reporting units against the registry (violations on
  // report_cycle.reporting_units[i]) and adds every commune with
  // `all_communes`.
  absl::Status ResolveReportingUnits(const server::CallContext& call,
                                     bool all_communes,
                                     v1::ReportCycle& cycle);
  // Checks that the caller may submit for `unit` (a commune, or one of its
  // schools); INVALID_ARGUMENT if the registry does not know it.
  absl::Status AuthorizeSubmitter(const server::CallContext& call,
                                  const std::string& unit);
  // The registry unit `name`; INVALID_ARGUMENT on `field` if the registry
  // does not know it.
  absl::StatusOr<DirectoryUnit> KnownUnit(const server::CallContext& call,
                                          const std::string& name,
                                          const std::string& field);
  // What a unit's own data belongs to: a commune-level unit or one of its
  // schools by its commune, an agency as lead agency.
  static auth::Scope ScopeOf(const DirectoryUnit& unit);

  PlanStores stores_;
  std::unique_ptr<AgencyDirectory> directory_;
  const audit::AuditLog audit_log_;
  const std::unique_ptr<feed::ChangeFeed> changes_;
  server::UnaryCalls& calls_;
  std::function<absl::CivilDay()> today_;
  const auth::Authorizer authorizer_;
  ReminderJobs reminder_jobs_;
  // Last: its jobs use the members above, and it stops first.
  const std::unique_ptr<jobs::Scheduler> scheduler_;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_PLANS_SERVICE_H_
