#include "services/plans/plans_definition.h"

#include <memory>
#include <utility>

#include "libs/api/dates.h"
#include "services/plans/agency_directory.h"
#include "services/plans/plan_store_pg.h"
#include "services/plans/plans_service.h"

namespace hpedu::plans {

server::ServiceDefinition Definition() {
  server::ServiceDefinition definition;
  definition.name = "plans";
  definition.migrations = &Migrations();
  definition.statements = PlanStatements();
  definition.service_names = {"hpedu.plans.v1.PlansService"};
  definition.make_services = [](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<PlansServiceImpl>(
        NewPostgresPlanStore(env.pool), NewRegistryAgencyDirectory(env.peers),
        audit::AuditLog(env.pool, auth::Authorizer("plans")), env.calls,
        &api::TodayInVietnam));
    return services;
  };
  return definition;
}

}  // namespace hpedu::plans
