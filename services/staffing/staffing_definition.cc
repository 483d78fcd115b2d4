#include "services/staffing/staffing_definition.h"

#include <memory>
#include <utility>

#include "libs/api/dates.h"
#include "services/staffing/school_directory.h"
#include "services/staffing/staff_store_pg.h"
#include "services/staffing/staffing_service.h"

namespace hpedu::staffing {

server::ServiceDefinition Definition(std::function<absl::CivilDay()> today) {
  if (!today) today = &api::TodayInVietnam;
  server::ServiceDefinition definition;
  definition.name = "staffing";
  definition.migrations = &Migrations();
  definition.statements = StaffStatements();
  definition.service_names = {"hpedu.staffing.v1.StaffingService",
                              "hpedu.indicators.v1.IndicatorSourceService"};
  definition.make_services = [today](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    std::shared_ptr<StaffStore> store = NewPostgresStaffStore(env.pool);
    std::shared_ptr<SchoolDirectory> directory =
        NewRegistrySchoolDirectory(env.peers);
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<StaffingServiceImpl>(
        store, directory,
        audit::AuditLog(env.pool, auth::Authorizer("staffing")), env.calls,
        today));
    services.push_back(
        std::make_unique<IndicatorSourceServiceImpl>(store, directory, env.calls));
    return services;
  };
  return definition;
}

}  // namespace hpedu::staffing
