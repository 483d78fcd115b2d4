// The gRPC handlers of hpedu.registry.v1.RegistryService. Each handler runs
// on the service's worker pool (UnaryCalls), never on a gRPC thread: it
// validates the request (every bad field at once, nothing written), then
// asks the store.
#ifndef HPEDU_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define HPEDU_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include <functional>
#include <memory>

#include "absl/time/civil_time.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/audit/audit.h"
#include "libs/auth/authorize.h"
#include "libs/feed/feed.h"
#include "libs/server/unary.h"
#include "services/registry/unit_store.h"

namespace hpedu::registry {

// Thread-safe.
class RegistryServiceImpl final
    : public v1::RegistryService::CallbackService {
 public:
  // `today` gives the as_of of requests without one; `calls` must outlive
  // the service.
  RegistryServiceImpl(std::unique_ptr<UnitStore> store,
                      audit::AuditLog audit_log,
                      std::unique_ptr<feed::ChangeFeed> changes,
                      server::UnaryCalls& calls,
                      std::function<absl::CivilDay()> today);

  grpc::ServerUnaryReactor* GetUnit(grpc::CallbackServerContext* context,
                                    const v1::GetUnitRequest* request,
                                    v1::Unit* response) override;
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const v1::ListUnitsRequest* request,
                                      v1::ListUnitsResponse* response) override;
  grpc::ServerUnaryReactor* BatchGetUnits(
      grpc::CallbackServerContext* context,
      const v1::BatchGetUnitsRequest* request,
      v1::BatchGetUnitsResponse* response) override;
  grpc::ServerUnaryReactor* CreateUnit(grpc::CallbackServerContext* context,
                                       const v1::CreateUnitRequest* request,
                                       v1::Unit* response) override;
  grpc::ServerUnaryReactor* UpdateUnit(grpc::CallbackServerContext* context,
                                       const v1::UpdateUnitRequest* request,
                                       v1::Unit* response) override;
  grpc::ServerUnaryReactor* ResolveUnit(
      grpc::CallbackServerContext* context,
      const v1::ResolveUnitRequest* request,
      v1::ResolveUnitResponse* response) override;
  grpc::ServerUnaryReactor* ImportUnits(
      grpc::CallbackServerContext* context,
      const v1::ImportUnitsRequest* request,
      v1::ImportUnitsResponse* response) override;

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

 private:
  // What `unit` belongs to, from its own kind and its parent's.
  absl::StatusOr<auth::Scope> ScopeOf(const server::CallContext& call,
                                      const v1::Unit& unit);

  std::unique_ptr<UnitStore> store_;
  const audit::AuditLog audit_log_;
  const std::unique_ptr<feed::ChangeFeed> changes_;
  server::UnaryCalls& calls_;
  std::function<absl::CivilDay()> today_;
  const auth::Authorizer authorizer_;
};

}  // namespace hpedu::registry

#endif  // HPEDU_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
