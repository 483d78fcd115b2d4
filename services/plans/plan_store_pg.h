// The PlanStore on PostgreSQL (schema: migrations/0001_plans.sql). Every
// statement is prepared on each pooled connection (PlanStatements()) and run
// with parameters only; libpqxx exceptions are translated by
// db::InTransaction, never caught here.
#ifndef HPEDU_SERVICES_PLANS_PLAN_STORE_PG_H_
#define HPEDU_SERVICES_PLANS_PLAN_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/plans/plan_store.h"

namespace hpedu::plans {

// The statements the PostgreSQL store runs; the pool prepares them on every
// connection it opens.
const std::vector<db::PreparedStatement>& PlanStatements();

// Thread-safe. `pool` must outlive the store and prepare PlanStatements().
std::unique_ptr<PlanStore> NewPostgresPlanStore(db::Pool& pool);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_PLAN_STORE_PG_H_
