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
  definition.service_names = {"hpedu.staffing.v1.StaffingService"};
  definition.make_services = [today](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<StaffingServiceImpl>(
        NewPostgresStaffStore(env.pool), NewRegistrySchoolDirectory(env.peers),
        audit::AuditLog(env.pool, auth::Authorizer("staffing")), env.calls,
        today));
    return services;
  };
  return definition;
}

}  // namespace hpedu::staffing
