// The NormStore on PostgreSQL (schema: migrations/*.sql). Every statement
// is prepared on each pooled connection and run with parameters only;
// libpqxx exceptions are translated by db::InTransaction, never caught
// here.
#ifndef HPEDU_SERVICES_STAFFING_NORM_STORE_PG_H_
#define HPEDU_SERVICES_STAFFING_NORM_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/staffing/norm_store.h"

namespace hpedu::staffing {

// The statements the store runs; the pool prepares them on every
// connection it opens.
const std::vector<db::PreparedStatement>& NormStatements();

// Thread-safe. `pool` must outlive the store and prepare NormStatements().
std::unique_ptr<NormStore> NewPostgresNormStore(db::Pool& pool);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_NORM_STORE_PG_H_
