// What makes the plans service a service for ServiceHost: its name, schema,
// prepared statements and gRPC services. main.cc and the in-process tests
// start the same definition.
#ifndef HPEDU_SERVICES_PLANS_PLANS_DEFINITION_H_
#define HPEDU_SERVICES_PLANS_PLANS_DEFINITION_H_

#include <vector>

#include "libs/db/migrations.h"
#include "libs/db/pool.h"
#include "libs/notify/notify.h"
#include "libs/server/service_host.h"
#include "services/plans/reminder_jobs.h"

namespace hpedu::plans {

// The schema migrations, embedded from migrations/*.sql at build time.
const std::vector<db::Migration>& Migrations();

// Every statement of the plans stores (documents, tasks, status reports,
// report cycles, and what they share), for the pool to prepare.
const std::vector<db::PreparedStatement>& PlanStatements();

// The plans service's own flags (HPEDU_PLANS_<NAME> too).
struct PlansOptions {
  // --smtp_url (smtp:// or smtps://), --smtp_from: where reminder emails
  // are sent from.
  notify::SmtpOptions smtp;
  // --dashboard_url, --reminder_send_interval, --reminder_retry_base.
  ReminderOptions reminders;
};

// The plans service: name "plans", its migrations and statements, and
// PlansServiceImpl on its PostgreSQL stores, calling the registry at
// --registry_addr. Its flags change `options`.
server::ServiceDefinition Definition(PlansOptions options = {});

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_PLANS_DEFINITION_H_
