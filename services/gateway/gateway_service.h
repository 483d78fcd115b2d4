// The gRPC handlers of hpedu.gateway.v1.GatewayService. A handler never
// waits: it validates the request, authorizes, starts every backend call at
// once through Backends (asynchronous, cached, coalesced) and returns; the
// view is composed and the call finished when the last answer arrives or the
// view's deadline comes, whichever first (a section not answered by then is
// unavailable, the view is not an error).
#ifndef HPEDU_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
#define HPEDU_SERVICES_GATEWAY_GATEWAY_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hpedu/gateway/v1/gateway_service.grpc.pb.h"
#include "libs/auth/authorize.h"
#include "libs/server/unary.h"
#include "services/gateway/backends.h"

namespace hpedu::gateway {

struct ViewOptions {
  // The city unit (the overview's unit and the communes' parent).
  std::string city = "units/hai-phong";
  // Documents whose cascade the overview shows by default.
  std::vector<std::string> main_documents = {"documents/d-71-nq-tw"};
  // The gateway keeps this share of the caller's remaining time (at least
  // min_margin, at most max_margin) to compose and answer after the
  // backends' deadline.
  double margin_fraction = 0.1;
  absl::Duration min_margin = absl::Milliseconds(5);
  absl::Duration max_margin = absl::Milliseconds(250);
};

// The backends' deadline for a call whose caller must have the answer by
// `caller_deadline`.
absl::Time BackendDeadline(absl::Time caller_deadline, absl::Time now,
                           const ViewOptions& options);

// Thread-safe.
class GatewayServiceImpl final : public v1::GatewayService::CallbackService {
 public:
  // `contexts` and `backends` must outlive the service.
  GatewayServiceImpl(const server::CallContextFactory* contexts,
                     Backends* backends, ViewOptions options);

  grpc::ServerUnaryReactor* GetCityOverview(
      grpc::CallbackServerContext* context,
      const v1::GetCityOverviewRequest* request,
      v1::Overview* response) override;
  grpc::ServerUnaryReactor* GetCommuneProfile(
      grpc::CallbackServerContext* context,
      const v1::GetCommuneProfileRequest* request,
      v1::Overview* response) override;
  grpc::ServerUnaryReactor* RankCommunes(
      grpc::CallbackServerContext* context,
      const v1::RankCommunesRequest* request,
      v1::CommuneRanking* response) override;
  grpc::ServerUnaryReactor* GetPlanCascade(
      grpc::CallbackServerContext* context,
      const v1::GetPlanCascadeRequest* request,
      v1::PlanCascade* response) override;
  grpc::ServerUnaryReactor* GetChasingList(
      grpc::CallbackServerContext* context,
      const v1::GetChasingListRequest* request,
      v1::ChasingView* response) override;

 private:
  // Who calls and until when: authenticates, then authorizes reading
  // `commune` (empty: city-wide aggregates), then the outgoing calls'
  // metadata and deadline.
  absl::StatusOr<Outgoing> Begin(grpc::CallbackServerContext* context,
                                 const std::string& commune) const;

  const server::CallContextFactory* contexts_;
  const auth::Authorizer authorizer_{"gateway"};
  Backends* backends_;
  const ViewOptions options_;
};

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_GATEWAY_SERVICE_H_
