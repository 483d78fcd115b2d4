// The IndicatorStore on PostgreSQL (schema: migrations/0001_indicators.sql).
// Every statement is prepared on each pooled connection and run with
// parameters only; libpqxx exceptions are translated by db::InTransaction,
// never caught here.
#ifndef HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_PG_H_
#define HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_PG_H_

#include <memory>
#include <string>
#include <vector>

#include "libs/db/pool.h"
#include "services/indicators/indicator_store.h"

namespace pqxx {
class transaction_base;
}

namespace hpedu::indicators {

// The statements the store runs; the pool prepares them on every
// connection it opens.
const std::vector<db::PreparedStatement>& IndicatorStatements();

// Thread-safe. `pool` must outlive the store and prepare
// IndicatorStatements().
std::unique_ptr<IndicatorStore> NewPostgresIndicatorStore(db::Pool& pool);

// Counts approved_totals of `indicator_ids` anew from their approved values
// of the periods their workflow gates: every such period, or `period` only.
// Runs on `tx`, a transaction of a pool that prepares IndicatorStatements();
// the approval store calls it when a workflow's top level approves or
// unapproves a unit. Throws what libpqxx throws.
void RecountApprovedTotals(pqxx::transaction_base& tx,
                           const std::vector<std::string>& indicator_ids,
                           const std::string& period);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_PG_H_
