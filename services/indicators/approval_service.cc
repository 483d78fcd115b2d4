#include "services/indicators/approval_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/page_token.h"
#include "libs/api/request_id.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::indicators {
namespace {

using ::google::protobuf::util::TimeUtil;
using server::CallContext;

// The cursor of a one-key page token; INVALID_ARGUMENT if it is not one.
absl::StatusOr<std::vector<std::string>> Cursor(const std::string& token,
                                                uint64_t fingerprint,
                                                size_t keys) {
  if (token.empty()) return std::vector<std::string>();
  ASSIGN_OR_RETURN(const api::PageCursor cursor,
                   api::DecodePageToken(token, fingerprint));
  if (cursor.keys.size() != keys) {
    return InvalidField("page_token", "không hợp lệ (invalid)");
  }
  return cursor.keys;
}

}  // namespace

ApprovalServiceImpl::ApprovalServiceImpl(
    std::unique_ptr<ApprovalStore> store,
    std::unique_ptr<registry::client::UnitScopes> scopes,
    server::UnaryCalls& calls)
    : store_(std::move(store)), scopes_(std::move(scopes)), calls_(calls) {}

grpc::ServerUnaryReactor* ApprovalServiceImpl::CreateApprovalWorkflow(
    grpc::CallbackServerContext* context,
    const v1::CreateApprovalWorkflowRequest* request,
    v1::ApprovalWorkflow* response) {
  return calls_.Run<v1::ApprovalWorkflow>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ApprovalWorkflow> {
        RETURN_IF_ERROR(ValidateCreateWorkflowRequest(*request));
        // A city-level write: leadership (and hpedu services) only.
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), auth::Scope{}));
        ASSIGN_OR_RETURN(const int64_t first_ordinal,
                         FirstOrdinal(request->workflow()));
        return store_->CreateWorkflow(call, request->workflow_id(),
                                      request->workflow(), first_ordinal,
                                      request->request_id());
      });
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::GetApprovalWorkflow(
    grpc::CallbackServerContext* context,
    const v1::GetApprovalWorkflowRequest* request,
    v1::ApprovalWorkflow* response) {
  return calls_.Run<v1::ApprovalWorkflow>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ApprovalWorkflow> {
        ASSIGN_OR_RETURN(const std::string id,
                         ParseWorkflowName(request->name(), "name"));
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        return store_->GetWorkflow(call, id);
      });
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::ListApprovalWorkflows(
    grpc::CallbackServerContext* context,
    const v1::ListApprovalWorkflowsRequest* request,
    v1::ListApprovalWorkflowsResponse* response) {
  return calls_.Run<v1::ListApprovalWorkflowsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListApprovalWorkflowsResponse> {
        ASSIGN_OR_RETURN(const int page_size,
                         api::EffectivePageSize(request->page_size()));
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        ASSIGN_OR_RETURN(const std::vector<std::string> after,
                         Cursor(request->page_token(), fingerprint, 1));
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(auto page,
                         store_->ListWorkflows(call, page_size,
                                               after.empty() ? "" : after[0]));
        v1::ListApprovalWorkflowsResponse result;
        for (v1::ApprovalWorkflow& workflow : page.first) {
          *result.add_approval_workflows() = std::move(workflow);
        }
        if (page.second) {
          const std::string& last = result.approval_workflows().rbegin()->name();
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{last.substr(sizeof("approvalWorkflows/") - 1)}},
              fingerprint));
        }
        return result;
      });
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::GetSubmission(
    grpc::CallbackServerContext* context,
    const v1::GetSubmissionRequest* request, v1::Submission* response) {
  return calls_.Run<v1::Submission>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Submission> {
        ASSIGN_OR_RETURN(const SubmissionKey key,
                         ParseSubmissionName(request->name(), "name"));
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const v1::ApprovalWorkflow workflow,
                         store_->GetWorkflow(call, key.workflow_id));
        if (auth::Authorizer::ScopeMatters(call.caller())) {
          ASSIGN_OR_RETURN(const auth::Scope scope,
                           scopes_->Of(call, "units/" + key.org_unit_id));
          RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), scope));
        }
        return store_->GetSubmission(call, key);
      });
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::ListSubmissions(
    grpc::CallbackServerContext* context,
    const v1::ListSubmissionsRequest* request,
    v1::ListSubmissionsResponse* response) {
  return calls_.Run<v1::ListSubmissionsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListSubmissionsResponse> {
        FieldViolations violations;
        absl::StatusOr<std::string> workflow_id =
            ParseWorkflowName(request->parent(), "parent");
        if (!workflow_id.ok()) violations.Add("parent", "cần approvalWorkflows/{id}");
        if (request->period().empty()) violations.Add("period", "bắt buộc (required)");
        if (request->state() == v1::Submission::DRAFT) {
          violations.Add("state", "báo cáo đang nhập không được lưu (DRAFT is "
                                  "never listed)");
        }
        absl::StatusOr<int> page_size = api::EffectivePageSize(request->page_size());
        if (!page_size.ok()) violations.Add("page_size", "không được âm (negative)");
        RETURN_IF_ERROR(violations.ToStatus());
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        ASSIGN_OR_RETURN(const std::vector<std::string> after,
                         Cursor(request->page_token(), fingerprint, 2));
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        SubmissionQuery query;
        query.workflow_id = *workflow_id;
        query.period = request->period();
        query.state = request->state();
        query.page_size = *page_size;
        if (!after.empty()) query.after = {after[0], after[1]};
        // Officers see their own unit's, and a commune officer its schools'.
        const std::string unit =
            call.caller().unit.substr(std::min(call.caller().unit.size(),
                                               sizeof("units/") - 1));
        if (call.caller().role == auth::Role::kCommuneOfficer) {
          query.commune_id = unit;
        } else if (call.caller().role == auth::Role::kSchoolOfficer) {
          query.org_unit_id = unit;
        }
        ASSIGN_OR_RETURN(SubmissionPage page, store_->ListSubmissions(call, query));
        v1::ListSubmissionsResponse result;
        for (v1::Submission& submission : page.submissions) {
          *result.add_submissions() = std::move(submission);
        }
        if (page.more) {
          const v1::Submission& last = *result.submissions().rbegin();
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{
                  {std::to_string(TimeUtil::TimestampToMicroseconds(last.update_time())),
                   last.org_unit().substr(sizeof("units/") - 1)}},
              fingerprint));
        }
        return result;
      });
}

absl::StatusOr<v1::Submission> ApprovalServiceImpl::Change(
    const CallContext& call, Transition transition, const std::string& name,
    const std::string& reason, const std::string& etag,
    const std::string& request_id) {
  FieldViolations violations;
  absl::StatusOr<SubmissionKey> key = ParseSubmissionName(name, "name");
  if (!key.ok()) {
    violations.Add("name",
                   "cần approvalWorkflows/{workflow}/submissions/{unit}~{period}");
  }
  if ((transition == Transition::kReturn ||
       transition == Transition::kUnapprove) &&
      reason.empty()) {
    violations.Add("reason", "bắt buộc: điều cần sửa (required)");
  }
  if (!request_id.empty() && !api::IsUuid(request_id)) {
    violations.Add("request_id", "cần một UUID (AIP-155)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(const v1::ApprovalWorkflow workflow,
                   store_->GetWorkflow(call, key->workflow_id));
  RETURN_IF_ERROR(GatedPeriod(workflow, key->period, "name").status());
  const std::string unit = "units/" + key->org_unit_id;
  absl::StatusOr<auth::Scope> scope = scopes_->Of(call, unit);
  if (absl::IsNotFound(scope.status())) {
    return InvalidField("name", "đơn vị không có trong sổ đăng ký (unknown unit)");
  }
  RETURN_IF_ERROR(scope.status());
  ASSIGN_OR_RETURN(const v1::ReportingLevel level_of_unit,
                   LevelOf(*scope, unit, "name"));
  ASSIGN_OR_RETURN(const v1::ApprovalLevel level,
                   FindLevel(workflow, level_of_unit));
  if (transition == Transition::kSubmit) {
    // The unit's writers submit; divisions do not write for units.
    RETURN_IF_ERROR(authorizer_.CanWrite(
        call.caller(), {.commune = scope->commune, .school = scope->school}));
  } else {
    RETURN_IF_ERROR(CanReview(call.caller(), workflow, level, *scope));
  }
  SubmissionChange change;
  change.key = *key;
  change.transition = transition;
  change.commune_id = scope->commune.substr(sizeof("units/") - 1);
  change.reason = reason;
  change.etag = etag;
  change.request_id = request_id;
  change.top_level =
      workflow.levels().rbegin()->reporting_level() == level_of_unit;
  return store_->Change(call, change);
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::SubmitValues(
    grpc::CallbackServerContext* context, const v1::SubmitValuesRequest* request,
    v1::Submission* response) {
  return calls_.Run<v1::Submission>(
      context, response, [this, request](const CallContext& call) {
        return Change(call, Transition::kSubmit, request->name(), "",
                      request->etag(), request->request_id());
      });
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::ApproveSubmission(
    grpc::CallbackServerContext* context,
    const v1::ApproveSubmissionRequest* request, v1::Submission* response) {
  return calls_.Run<v1::Submission>(
      context, response, [this, request](const CallContext& call) {
        return Change(call, Transition::kApprove, request->name(), "",
                      request->etag(), request->request_id());
      });
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::ReturnSubmission(
    grpc::CallbackServerContext* context,
    const v1::ReturnSubmissionRequest* request, v1::Submission* response) {
  return calls_.Run<v1::Submission>(
      context, response, [this, request](const CallContext& call) {
        return Change(call, Transition::kReturn, request->name(),
                      request->reason(), request->etag(), request->request_id());
      });
}

grpc::ServerUnaryReactor* ApprovalServiceImpl::UnapproveSubmission(
    grpc::CallbackServerContext* context,
    const v1::UnapproveSubmissionRequest* request, v1::Submission* response) {
  return calls_.Run<v1::Submission>(
      context, response, [this, request](const CallContext& call) {
        return Change(call, Transition::kUnapprove, request->name(),
                      request->reason(), request->etag(), request->request_id());
      });
}

}  // namespace hpedu::indicators
