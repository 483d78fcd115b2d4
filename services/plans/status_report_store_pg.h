// The StatusReportStore on PostgreSQL (schema: migrations/). Every statement sits
// next to the method that runs it, is prepared on each pooled connection
// (StatusReportStatements()) and run with parameters only; libpqxx exceptions are
// translated by db::InTransaction, never caught here.
#ifndef HPEDU_SERVICES_PLANS_STATUS_REPORT_STORE_PG_H_
#define HPEDU_SERVICES_PLANS_STATUS_REPORT_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/plans/status_report_store.h"

namespace hpedu::plans {

// The statements the store runs; the pool prepares them on every
// connection it opens (with internal::CommonStatements(), see
// PlanStatements() in plans_definition.h).
const std::vector<db::PreparedStatement>& StatusReportStatements();

// Thread-safe. `pool` must outlive the store and prepare PlanStatements().
std::unique_ptr<StatusReportStore> NewPostgresStatusReportStore(db::Pool& pool);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_STATUS_REPORT_STORE_PG_H_
