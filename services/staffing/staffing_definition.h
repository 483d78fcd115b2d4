// What makes the staffing service a service for ServiceHost: its name,
// schema, prepared statements and gRPC services. main.cc and the
// in-process tests start the same definition.
#ifndef HPEDU_SERVICES_STAFFING_STAFFING_DEFINITION_H_
#define HPEDU_SERVICES_STAFFING_STAFFING_DEFINITION_H_

#include <functional>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/db/migrations.h"
#include "libs/server/service_host.h"

namespace hpedu::staffing {

// The schema migrations, embedded from migrations/*.sql at build time.
const std::vector<db::Migration>& Migrations();

// The staffing service: name "staffing", its migrations and statements,
// StaffingServiceImpl and IndicatorSourceServiceImpl (indicators 10-13 for
// the indicators service) on one PostgreSQL store, the registry
// (--registry_addr) for schools and communes. `today` is the default day
// of as-of queries (tests pass a fixed day).
server::ServiceDefinition Definition(
    std::function<absl::CivilDay()> today = nullptr);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_STAFFING_DEFINITION_H_
