#include "services/plans/plans_definition.h"

#include <memory>
#include <utility>

#include "libs/api/dates.h"
#include "services/plans/agency_directory.h"
#include "services/plans/document_store_pg.h"
#include "services/plans/internal/pg_rows.h"
#include "services/plans/late_mark_store_pg.h"
#include "services/plans/plans_service.h"
#include "services/plans/report_cycle_store_pg.h"
#include "services/plans/status_report_store_pg.h"
#include "services/plans/task_store_pg.h"

namespace hpedu::plans {

const std::vector<db::PreparedStatement>& PlanStatements() {
  static const auto* const kStatements = [] {
    auto* statements = new std::vector<db::PreparedStatement>();
    for (const auto* part :
         {&internal::CommonStatements(), &DocumentStatements(),
          &TaskStatements(), &StatusReportStatements(),
          &ReportCycleStatements(), &LateMarkStatements()}) {
      statements->insert(statements->end(), part->begin(), part->end());
    }
    return statements;
  }();
  return *kStatements;
}

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
        PlanStores{.documents = NewPostgresDocumentStore(env.pool),
                   .tasks = NewPostgresTaskStore(env.pool),
                   .reports = NewPostgresStatusReportStore(env.pool),
                   .cycles = NewPostgresReportCycleStore(env.pool),
                   .late_marks = NewPostgresLateMarkStore(env.pool)},
        NewRegistryAgencyDirectory(env.peers),
        audit::AuditLog(env.pool, auth::Authorizer("plans")),
        feed::ChangeFeed::Create(env, auth::Authorizer("plans")),
        jobs::Scheduler::Create(env), env.calls, &api::TodayInVietnam));
    return services;
  };
  return definition;
}

}  // namespace hpedu::plans
