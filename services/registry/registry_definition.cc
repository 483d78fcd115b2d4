#include "services/registry/registry_definition.h"

#include <memory>
#include <utility>

#include "libs/api/dates.h"
#include "services/registry/registry_service.h"
#include "services/registry/unit_store_pg.h"

namespace hpedu::registry {

server::ServiceDefinition Definition() {
  server::ServiceDefinition definition;
  definition.name = "registry";
  definition.migrations = &Migrations();
  definition.statements = UnitStatements();
  definition.make_services = [](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<RegistryServiceImpl>(
        NewPostgresUnitStore(env.pool),
        audit::AuditLog(env.pool, auth::Authorizer("registry")),
        feed::ChangeFeed::Create(env, auth::Authorizer("registry")), env.calls,
        &api::TodayInVietnam));
    return services;
  };
  return definition;
}

}  // namespace hpedu::registry
