// The UnitStore on PostgreSQL (schema: migrations/0001_units.sql). Every
// statement is prepared on each pooled connection (Statements()) and run with
// parameters only; libpqxx exceptions are translated by db::InTransaction,
// never caught here.
#ifndef HPEDU_SERVICES_REGISTRY_UNIT_STORE_PG_H_
#define HPEDU_SERVICES_REGISTRY_UNIT_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/registry/unit_store.h"

namespace hpedu::registry {

// The statements UnitStorePg runs; the pool prepares them on every
// connection it opens.
const std::vector<db::PreparedStatement>& UnitStatements();

// Thread-safe. `pool` must outlive the store and prepare UnitStatements().
std::unique_ptr<UnitStore> NewPostgresUnitStore(db::Pool& pool);

}  // namespace hpedu::registry

#endif  // HPEDU_SERVICES_REGISTRY_UNIT_STORE_PG_H_
