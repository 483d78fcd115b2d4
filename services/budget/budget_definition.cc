#include "services/budget/budget_definition.h"

#include <memory>
#include <utility>

#include "libs/api/dates.h"
#include "services/budget/budget_service.h"
#include "services/budget/budget_store_pg.h"
#include "services/budget/unit_directory.h"

namespace hpedu::budget {

server::ServiceDefinition Definition(std::function<absl::CivilDay()> today) {
  if (!today) today = &api::TodayInVietnam;
  server::ServiceDefinition definition;
  definition.name = "budget";
  definition.migrations = &Migrations();
  definition.statements = BudgetStatements();
  definition.service_names = {"hpedu.budget.v1.BudgetService",
                              "hpedu.indicators.v1.IndicatorSourceService"};
  definition.make_services = [today](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    std::shared_ptr<BudgetStore> store = NewPostgresBudgetStore(env.pool);
    std::shared_ptr<UnitDirectory> directory =
        NewRegistryUnitDirectory(env.peers);
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<BudgetServiceImpl>(
        store, directory, audit::AuditLog(env.pool, auth::Authorizer("budget")),
        feed::ChangeFeed::Create(env, auth::Authorizer("budget")), env.calls,
        env.peers, today));
    services.push_back(
        std::make_unique<IndicatorSourceServiceImpl>(store, directory, env.calls));
    return services;
  };
  return definition;
}

}  // namespace hpedu::budget
