// The BudgetStore on PostgreSQL (schema: migrations/0001_budget.sql). Every
// statement is prepared on each pooled connection and run with parameters
// only; libpqxx exceptions are translated by db::InTransaction, never
// caught here.
#ifndef HPEDU_SERVICES_BUDGET_BUDGET_STORE_PG_H_
#define HPEDU_SERVICES_BUDGET_BUDGET_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/budget/budget_store.h"

namespace hpedu::budget {

// The statements the store runs; the pool prepares them on every
// connection it opens.
const std::vector<db::PreparedStatement>& BudgetStatements();

// Thread-safe. `pool` must outlive the store and prepare
// BudgetStatements().
std::unique_ptr<BudgetStore> NewPostgresBudgetStore(db::Pool& pool);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_BUDGET_STORE_PG_H_
