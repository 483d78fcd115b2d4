// The ReminderStore on PostgreSQL (schema: migrations/0005_reminders.sql).
// Its statements are prepared on each pooled connection
// (ReminderStatements()) and run with parameters only; libpqxx exceptions
// are translated by db::InTransaction, never caught here.
#ifndef HPEDU_SERVICES_PLANS_REMINDER_STORE_PG_H_
#define HPEDU_SERVICES_PLANS_REMINDER_STORE_PG_H_

#include <memory>
#include <string>
#include <vector>

#include "libs/db/pool.h"
#include "services/plans/reminder_store.h"

namespace hpedu::plans {

// The statements the store runs; the pool prepares them on every
// connection it opens (see PlanStatements() in plans_definition.h).
const std::vector<db::PreparedStatement>& ReminderStatements();

// Thread-safe. `pool` must outlive the store and prepare PlanStatements().
std::unique_ptr<ReminderStore> NewPostgresReminderStore(db::Pool& pool);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_REMINDER_STORE_PG_H_
