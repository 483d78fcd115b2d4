// What makes the budget service a service for ServiceHost: its name,
// schema, prepared statements and gRPC services. main.cc and the in-process
// tests start the same definition.
#ifndef HPEDU_SERVICES_BUDGET_BUDGET_DEFINITION_H_
#define HPEDU_SERVICES_BUDGET_BUDGET_DEFINITION_H_

#include <functional>
#include <vector>

#include "absl/time/civil_time.h"
#include "libs/db/migrations.h"
#include "libs/server/service_host.h"

namespace hpedu::budget {

// The schema migrations, embedded from migrations/*.sql at build time.
const std::vector<db::Migration>& Migrations();

// The budget service: name "budget", its migrations and statements,
// BudgetServiceImpl and IndicatorSourceServiceImpl on one PostgreSQL store,
// the registry (--registry_addr) for units. `today` dates exports and picks
// the salary base (tests pass a fixed day).
server::ServiceDefinition Definition(
    std::function<absl::CivilDay()> today = nullptr);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_BUDGET_DEFINITION_H_
