// The LateMarkStore on PostgreSQL (schema: migrations/). Its statement is
// prepared on each pooled connection (LateMarkStatements()) and run with
// parameters only; libpqxx exceptions are translated by db::InTransaction,
// never caught here.
#ifndef HPEDU_SERVICES_PLANS_LATE_MARK_STORE_PG_H_
#define HPEDU_SERVICES_PLANS_LATE_MARK_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/plans/late_mark_store.h"

namespace hpedu::plans {

// The statements the store runs; the pool prepares them on every
// connection it opens (see PlanStatements() in plans_definition.h).
const std::vector<db::PreparedStatement>& LateMarkStatements();

// Thread-safe. `pool` must outlive the store and prepare PlanStatements().
std::unique_ptr<LateMarkStore> NewPostgresLateMarkStore(db::Pool& pool);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_LATE_MARK_STORE_PG_H_
