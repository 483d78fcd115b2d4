// The IndicatorStore on PostgreSQL (schema: migrations/0001_indicators.sql).
// Every statement is prepared on each pooled connection and run with
// parameters only; libpqxx exceptions are translated by db::InTransaction,
// never caught here.
#ifndef HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_PG_H_
#define HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/indicators/indicator_store.h"

namespace hpedu::indicators {

// The statements the store runs; the pool prepares them on every
// connection it opens.
const std::vector<db::PreparedStatement>& IndicatorStatements();

// Thread-safe. `pool` must outlive the store and prepare
// IndicatorStatements().
std::unique_ptr<IndicatorStore> NewPostgresIndicatorStore(db::Pool& pool);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_PG_H_
