// The gRPC handlers of hpedu.indicators.v1.ApprovalService, served by the
// indicators process beside IndicatorsService. Each runs on the worker pool:
// it validates the request (approval_rules.h), resolves the unit's scope at
// the registry, checks who may act, then asks the store.
#ifndef HPEDU_SERVICES_INDICATORS_APPROVAL_SERVICE_H_
#define HPEDU_SERVICES_INDICATORS_APPROVAL_SERVICE_H_

#include <memory>

#include "hpedu/indicators/v1/approvals.grpc.pb.h"
#include "libs/auth/authorize.h"
#include "libs/server/unary.h"
#include "services/indicators/approval_store.h"
#include "services/registry/client/unit_scopes.h"

namespace hpedu::indicators {

// Thread-safe.
class ApprovalServiceImpl final : public v1::ApprovalService::CallbackService {
 public:
  // `calls` must outlive the service.
  ApprovalServiceImpl(std::unique_ptr<ApprovalStore> store,
                      std::unique_ptr<registry::client::UnitScopes> scopes,
                      server::UnaryCalls& calls);

  grpc::ServerUnaryReactor* CreateApprovalWorkflow(
      grpc::CallbackServerContext* context,
      const v1::CreateApprovalWorkflowRequest* request,
      v1::ApprovalWorkflow* response) override;
  grpc::ServerUnaryReactor* GetApprovalWorkflow(
      grpc::CallbackServerContext* context,
      const v1::GetApprovalWorkflowRequest* request,
      v1::ApprovalWorkflow* response) override;
  grpc::ServerUnaryReactor* ListApprovalWorkflows(
      grpc::CallbackServerContext* context,
      const v1::ListApprovalWorkflowsRequest* request,
      v1::ListApprovalWorkflowsResponse* response) override;
  grpc::ServerUnaryReactor* GetSubmission(
      grpc::CallbackServerContext* context,
      const v1::GetSubmissionRequest* request,
      v1::Submission* response) override;
  grpc::ServerUnaryReactor* ListSubmissions(
      grpc::CallbackServerContext* context,
      const v1::ListSubmissionsRequest* request,
      v1::ListSubmissionsResponse* response) override;
  grpc::ServerUnaryReactor* SubmitValues(
      grpc::CallbackServerContext* context,
      const v1::SubmitValuesRequest* request,
      v1::Submission* response) override;
  grpc::ServerUnaryReactor* ApproveSubmission(
      grpc::CallbackServerContext* context,
      const v1::ApproveSubmissionRequest* request,
      v1::Submission* response) override;
  grpc::ServerUnaryReactor* ReturnSubmission(
      grpc::CallbackServerContext* context,
      const v1::ReturnSubmissionRequest* request,
      v1::Submission* response) override;
  grpc::ServerUnaryReactor* UnapproveSubmission(
      grpc::CallbackServerContext* context,
      const v1::UnapproveSubmissionRequest* request,
      v1::Submission* response) override;

 private:
  // Every transition: parse and check the request, find the unit's level in
  // the workflow, check the caller (a writer of the unit to submit, a
  // reviewer of its level otherwise), then change.
  absl::StatusOr<v1::Submission> Change(const server::CallContext& call,
                                        Transition transition,
                                        const std::string& name,
                                        const std::string& reason,
                                        const std::string& etag,
                                        const std::string& request_id);

  std::unique_ptr<ApprovalStore> store_;
  std::unique_ptr<registry::client::UnitScopes> scopes_;
  server::UnaryCalls& calls_;
  const auth::Authorizer authorizer_{"indicators"};
};

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_APPROVAL_SERVICE_H_
