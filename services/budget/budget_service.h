// The gRPC handlers of hpedu.budget.v1.BudgetService, and of
// hpedu.indicators.v1.IndicatorSourceService for the budget shares. Each
// handler runs on the service's worker pool (UnaryCalls), never on a gRPC
// thread: it validates the request (every bad field at once, nothing
// written), authorizes the caller for the budget it touches, then asks the
// store, for units the registry, and for headcounts the staffing service.
#ifndef HPEDU_SERVICES_BUDGET_BUDGET_SERVICE_H_
#define HPEDU_SERVICES_BUDGET_BUDGET_SERVICE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "libs/audit/audit.h"
#include "libs/feed/feed.h"
#include "libs/server/peers.h"
#include "libs/server/unary.h"
#include "services/budget/budget_store.h"
#include "services/budget/unit_directory.h"

namespace hpedu::budget {

// Thread-safe.
class BudgetServiceImpl final : public v1::BudgetService::CallbackService {
 public:
  // `today` dates reports, picks the salary base and the headcount day;
  // `calls` and `peers` (staffing) must outlive the service.
  // Store and directory are shared with the source service.
  BudgetServiceImpl(std::shared_ptr<BudgetStore> store,
                    std::shared_ptr<UnitDirectory> directory,
                    audit::AuditLog audit_log,
                    std::unique_ptr<feed::ChangeFeed> changes,
                    server::UnaryCalls& calls, server::PeerChannels& peers,
                    std::function<absl::CivilDay()> today);

  grpc::ServerUnaryReactor* CreateBudgetVersion(
      grpc::CallbackServerContext* context,
      const v1::CreateBudgetVersionRequest* request,
      v1::BudgetVersion* response) override;
  grpc::ServerUnaryReactor* GetBudgetVersion(
      grpc::CallbackServerContext* context,
      const v1::GetBudgetVersionRequest* request,
      v1::BudgetVersion* response) override;
  grpc::ServerUnaryReactor* ListBudgetVersions(
      grpc::CallbackServerContext* context,
      const v1::ListBudgetVersionsRequest* request,
      v1::ListBudgetVersionsResponse* response) override;
  grpc::ServerUnaryReactor* ImportBudgetLines(
      grpc::CallbackServerContext* context,
      const v1::ImportBudgetLinesRequest* request,
      v1::ImportBudgetLinesResponse* response) override;
  grpc::ServerUnaryReactor* GetComplianceReport(
      grpc::CallbackServerContext* context,
      const v1::GetComplianceReportRequest* request,
      v1::ComplianceReport* response) override;
  grpc::ServerUnaryReactor* ExportComplianceReport(
      grpc::CallbackServerContext* context,
      const v1::GetComplianceReportRequest* request,
      v1::ExportResponse* response) override;
  grpc::ServerUnaryReactor* GetExecutionTable(
      grpc::CallbackServerContext* context,
      const v1::GetExecutionTableRequest* request,
      v1::ExecutionTable* response) override;
  grpc::ServerUnaryReactor* ExportExecutionTable(
      grpc::CallbackServerContext* context,
      const v1::GetExecutionTableRequest* request,
      v1::ExportResponse* response) override;
  grpc::ServerUnaryReactor* GetBudgetShares(
      grpc::CallbackServerContext* context,
      const v1::GetBudgetSharesRequest* request,
      v1::GetBudgetSharesResponse* response) override;
  grpc::ServerUnaryReactor* EstimateAllowanceCost(
      grpc::CallbackServerContext* context,
      const v1::EstimateAllowanceCostRequest* request,
      v1::AllowanceCostEstimate* response) override;
  grpc::ServerUnaryReactor* CreateProject(
      grpc::CallbackServerContext* context,
      const v1::CreateProjectRequest* request, v1::Project* response) override;
  grpc::ServerUnaryReactor* GetProject(grpc::CallbackServerContext* context,
                                       const v1::GetProjectRequest* request,
                                       v1::Project* response) override;
  grpc::ServerUnaryReactor* ListProjects(
      grpc::CallbackServerContext* context,
      const v1::ListProjectsRequest* request,
      v1::ListProjectsResponse* response) override;
  grpc::ServerUnaryReactor* RecordDisbursement(
      grpc::CallbackServerContext* context,
      const v1::RecordDisbursementRequest* request,
      v1::Disbursement* response) override;
  grpc::ServerUnaryReactor* ListProjectProgress(
      grpc::CallbackServerContext* context,
      const v1::ListProjectProgressRequest* request,
      v1::ListProjectProgressResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const hpedu::audit::v1::ListAuditEventsRequest* request,
      hpedu::audit::v1::ListAuditEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListChanges(
      grpc::CallbackServerContext* context,
      const feed::v1::ListChangesRequest* request,
      feed::v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<feed::v1::Change>* WatchChanges(
      grpc::CallbackServerContext* context,
      const feed::v1::WatchChangesRequest* request) override;

 private:
  // The budget owner a request's optional budget_unit filter names; nullopt
  // without a filter. INVALID_ARGUMENT on "budget_unit" if it owns no budget.
  absl::StatusOr<std::optional<UnitInfo>> OwnerFilter(
      const server::CallContext& call, const std::string& budget_unit);
  absl::StatusOr<v1::ComplianceReport> Compliance(
      const server::CallContext& call,
      const v1::GetComplianceReportRequest& request);
  absl::StatusOr<v1::ExecutionTable> Execution(
      const server::CallContext& call,
      const v1::GetExecutionTableRequest& request);

  std::shared_ptr<BudgetStore> store_;
  std::shared_ptr<UnitDirectory> directory_;
  const audit::AuditLog audit_log_;
  const std::unique_ptr<feed::ChangeFeed> changes_;
  server::UnaryCalls& calls_;
  server::PeerChannels& peers_;
  std::function<absl::CivilDay()> today_;
};

// The budget shares as the indicators service's source contract: codes
// R71-15 (education share of the local budget) and R71-16 (investment in
// schools), calendar-year periods ("2026"). Thread-safe.
class IndicatorSourceServiceImpl final
    : public hpedu::indicators::v1::IndicatorSourceService::CallbackService {
 public:
  IndicatorSourceServiceImpl(std::shared_ptr<BudgetStore> store,
                             std::shared_ptr<UnitDirectory> directory,
                             server::UnaryCalls& calls);

  grpc::ServerUnaryReactor* ComputeIndicatorValues(
      grpc::CallbackServerContext* context,
      const hpedu::indicators::v1::ComputeIndicatorValuesRequest* request,
      hpedu::indicators::v1::ComputeIndicatorValuesResponse* response)
      override;

 private:
  std::shared_ptr<BudgetStore> store_;
  std::shared_ptr<UnitDirectory> directory_;
  server::UnaryCalls& calls_;
};

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_BUDGET_SERVICE_H_
