// What makes the indicators service a service for ServiceHost: its name,
// schema, prepared statements and gRPC services. main.cc and the in-process
// tests start the same definition.
#ifndef HPEDU_SERVICES_INDICATORS_INDICATORS_DEFINITION_H_
#define HPEDU_SERVICES_INDICATORS_INDICATORS_DEFINITION_H_

#include <functional>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/db/migrations.h"
#include "libs/server/service_host.h"

namespace hpedu::indicators {

// The schema migrations, embedded from migrations/*.sql at build time.
const std::vector<db::Migration>& Migrations();

// The indicators service: name "indicators", its migrations and
// statements, IndicatorsServiceImpl on a PostgreSQL store, the registry
// (--registry_addr) for who reports, staffing and budget (--staffing_addr,
// --budget_addr) for the indicators they compute. `today` decides which periods are
// closed (tests pass a fixed day).
server::ServiceDefinition Definition(
    std::function<absl::CivilDay()> today = nullptr);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_INDICATORS_DEFINITION_H_
