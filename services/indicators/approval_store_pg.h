// The ApprovalStore on PostgreSQL (schema: migrations/0003_approvals.sql),
// in the indicators schema: a submission locks the values of the same
// service. Statements are prepared on every pooled connection and run with
// parameters only; libpqxx exceptions are translated by db::InTransaction.
#ifndef HPEDU_SERVICES_INDICATORS_APPROVAL_STORE_PG_H_
#define HPEDU_SERVICES_INDICATORS_APPROVAL_STORE_PG_H_

#include <memory>
#include <vector>

#include "libs/db/pool.h"
#include "services/indicators/approval_store.h"

namespace hpedu::indicators {

const std::vector<db::PreparedStatement>& ApprovalStatements();

// Thread-safe. `pool` must outlive the store and prepare
// ApprovalStatements().
std::unique_ptr<ApprovalStore> NewPostgresApprovalStore(db::Pool& pool);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_APPROVAL_STORE_PG_H_
