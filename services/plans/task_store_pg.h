// The TaskStore on PostgreSQL (schema: migrations/). Every statement sits
// next to the method that runs it, is prepared on each pooled connection
// (TaskStatements()) and run with parameters only; libpqxx exceptions are
// translated by db::InTransaction, never caught here.
#ifndef HPEDU_SERVICES_PLANS_TASK_STORE_PG_H_
#define HPEDU_SERVICES_PLANS_TASK_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/plans/task_store.h"

namespace hpedu::plans {

// The statements the store runs; the pool prepares them on every
// connection it opens (with internal::CommonStatements(), see
// PlanStatements() in plans_definition.h).
const std::vector<db::PreparedStatement>& TaskStatements();

// Thread-safe. `pool` must outlive the store and prepare PlanStatements().
std::unique_ptr<TaskStore> NewPostgresTaskStore(db::Pool& pool);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_TASK_STORE_PG_H_
