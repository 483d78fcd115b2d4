// What makes the plans service a service for ServiceHost: its name, schema,
// prepared statements and gRPC services. main.cc and the in-process tests
// start the same definition.
#ifndef HPEDU_SERVICES_PLANS_PLANS_DEFINITION_H_
#define HPEDU_SERVICES_PLANS_PLANS_DEFINITION_H_

#include <vector>

#include "libs/db/migrations.h"
#include "libs/server/service_host.h"

namespace hpedu::plans {

// The schema migrations, embedded from migrations/*.sql at build time.
const std::vector<db::Migration>& Migrations();

// The plans service: name "plans", its migrations and statements, and
// PlansServiceImpl on a PostgreSQL store, calling the registry at
// --registry_addr.
server::ServiceDefinition Definition();

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_PLANS_DEFINITION_H_
