#include "services/staffing/staffing_definition.h"

#include <memory>
#include <utility>

#include "libs/api/dates.h"
#include "services/staffing/class_store_pg.h"
#include "services/staffing/norm_store_pg.h"
#include "services/staffing/quota_store_pg.h"
#include "services/staffing/school_directory.h"
#include "services/staffing/staff_store_pg.h"
#include "services/staffing/staffing_service.h"

namespace hpedu::staffing {

server::ServiceDefinition Definition(std::function<absl::CivilDay()> today) {
  if (!today) today = &api::TodayInVietnam;
  server::ServiceDefinition definition;
  definition.name = "staffing";
  definition.migrations = &Migrations();
  for (const auto* statements :
       {&StaffStatements(), &ClassStatements(), &NormStatements(),
        &QuotaStatements()}) {
    definition.statements.insert(definition.statements.end(),
                                 statements->begin(), statements->end());
  }
  definition.service_names = {"hpedu.staffing.v1.StaffingService",
                              "hpedu.indicators.v1.IndicatorSourceService"};
  definition.make_services = [today](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    StaffingStores stores;
    stores.staff = NewPostgresStaffStore(env.pool);
    stores.classes = NewPostgresClassStore(env.pool);
    stores.norms = NewPostgresNormStore(env.pool);
    stores.quotas = NewPostgresQuotaStore(env.pool);
    std::shared_ptr<SchoolDirectory> directory =
        NewRegistrySchoolDirectory(env.peers);
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<StaffingServiceImpl>(
        stores, directory,
        audit::AuditLog(env.pool, auth::Authorizer("staffing")),
        feed::ChangeFeed::Create(env, auth::Authorizer("staffing")), env.calls,
        today));
    services.push_back(
        std::make_unique<IndicatorSourceServiceImpl>(stores, directory, env.calls));
    return services;
  };
  return definition;
}

}  // namespace hpedu::staffing
