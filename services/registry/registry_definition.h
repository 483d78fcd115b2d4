// What makes the registry a service for ServiceHost: its name, schema,
// prepared statements and gRPC services. main.cc and the in-process tests
// start the same definition.
#ifndef HPEDU_SERVICES_REGISTRY_REGISTRY_DEFINITION_H_
#define HPEDU_SERVICES_REGISTRY_REGISTRY_DEFINITION_H_

#include <vector>

#include "libs/db/migrations.h"
#include "libs/server/service_host.h"

namespace hpedu::registry {

// The schema migrations, embedded from migrations/*.sql at build time.
const std::vector<db::Migration>& Migrations();

// The registry service: name "registry", its migrations and statements, and
// RegistryServiceImpl on a PostgreSQL store.
server::ServiceDefinition Definition();

}  // namespace hpedu::registry

#endif  // HPEDU_SERVICES_REGISTRY_REGISTRY_DEFINITION_H_
