#include "services/indicators/indicators_definition.h"

#include <memory>
#include <utility>

#include "libs/api/dates.h"
#include "services/indicators/approval_service.h"
#include "services/indicators/approval_store_pg.h"
#include "services/indicators/indicator_store_pg.h"
#include "services/indicators/indicators_service.h"
#include "services/indicators/source_client.h"
#include "services/registry/client/unit_scopes.h"
#include "services/indicators/unit_directory.h"

namespace hpedu::indicators {

server::ServiceDefinition Definition(std::function<absl::CivilDay()> today) {
  if (!today) today = &api::TodayInVietnam;
  server::ServiceDefinition definition;
  definition.name = "indicators";
  definition.migrations = &Migrations();
  definition.statements = IndicatorStatements();
  definition.statements.insert(definition.statements.end(),
                               ApprovalStatements().begin(),
                               ApprovalStatements().end());
  definition.service_names = {"hpedu.indicators.v1.IndicatorsService",
                              "hpedu.indicators.v1.ApprovalService"};
  definition.make_services = [today](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<IndicatorsServiceImpl>(
        NewPostgresIndicatorStore(env.pool),
        NewRegistryUnitDirectory(env.peers),
        registry::client::NewRegistryUnitScopes(env.peers),
        NewGrpcIndicatorSources(env.peers),
        audit::AuditLog(env.pool, auth::Authorizer("indicators")),
        feed::ChangeFeed::Create(env, auth::Authorizer("indicators")),
        jobs::Scheduler::Create(env), env.calls, today));
    services.push_back(std::make_unique<ApprovalServiceImpl>(
        NewPostgresApprovalStore(env.pool),
        registry::client::NewRegistryUnitScopes(env.peers), env.calls));
    return services;
  };
  return definition;
}

}  // namespace hpedu::indicators
