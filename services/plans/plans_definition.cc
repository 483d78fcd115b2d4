#include "services/plans/plans_definition.h"

#include <memory>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "libs/api/dates.h"
#include "libs/base/string_view.h"
#include "libs/notify/address.h"
#include "services/plans/agency_directory.h"
#include "services/plans/document_store_pg.h"
#include "services/plans/internal/pg_rows.h"
#include "services/plans/late_mark_store_pg.h"
#include "services/plans/plans_service.h"
#include "services/plans/reminder_store_pg.h"
#include "services/plans/report_cycle_store_pg.h"
#include "services/plans/status_report_store_pg.h"
#include "services/plans/task_store_pg.h"

namespace hpedu::plans {

const std::vector<db::PreparedStatement>& PlanStatements() {
  static const auto* const kStatements = [] {
    auto* statements = new std::vector<db::PreparedStatement>();
    for (const auto* part :
         {&internal::CommonStatements(), &DocumentStatements(),
          &TaskStatements(), &StatusReportStatements(),
          &ReportCycleStatements(), &LateMarkStatements(),
          &ReminderStatements()}) {
      statements->insert(statements->end(), part->begin(), part->end());
    }
    return statements;
  }();
  return *kStatements;
}

namespace {

struct PlansFlag {
  const char* name;
  const char* help;
  bool (*set)(std::string_view value, PlansOptions& options);
};

const PlansFlag kFlags[] = {
    {"smtp_url",
     "SMTP server for reminder emails, smtp://host:port or smtps://",
     [](std::string_view v, PlansOptions& o) {
       o.smtp.url = std::string(v);
       return absl::StartsWith(ToAbsl(v), "smtp://") ||
              absl::StartsWith(ToAbsl(v), "smtps://");
     }},
    {"smtp_from", "sender address of reminder emails",
     [](std::string_view v, PlansOptions& o) {
       o.smtp.from = std::string(v);
       return notify::CheckEmailAddress(v).ok();
     }},
    {"dashboard_url", "dashboard address the reminders link to",
     [](std::string_view v, PlansOptions& o) {
       o.reminders.dashboard_url = std::string(v);
       return absl::StartsWith(ToAbsl(v), "http://") ||
              absl::StartsWith(ToAbsl(v), "https://");
     }},
    {"reminder_send_interval",
     "how often reminders due are sent, whole seconds, e.g. 1m",
     [](std::string_view v, PlansOptions& o) {
       return server::ParsePositiveDuration(v, o.reminders.send_interval) &&
              o.reminders.send_interval >= absl::Seconds(1) &&
              o.reminders.send_interval % absl::Seconds(1) ==
                  absl::ZeroDuration();
     }},
    {"reminder_retry_base",
     "pause after a reminder's first failed attempt, doubled each time",
     [](std::string_view v, PlansOptions& o) {
       return server::ParsePositiveDuration(v, o.reminders.retry_base);
     }},
};

}  // namespace

server::ServiceDefinition Definition(PlansOptions options) {
  auto shared = std::make_shared<PlansOptions>(std::move(options));
  server::ServiceDefinition definition;
  definition.name = "plans";
  definition.migrations = &Migrations();
  definition.statements = PlanStatements();
  definition.service_names = {"hpedu.plans.v1.PlansService"};
  for (const PlansFlag& flag : kFlags) {
    definition.flags.push_back(server::ServiceFlag{
        flag.name, flag.help, [shared, set = flag.set](std::string_view value) {
          return set(value, *shared);
        }});
  }
  definition.make_services = [shared](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<PlansServiceImpl>(
        PlanStores{.documents = NewPostgresDocumentStore(env.pool),
                   .tasks = NewPostgresTaskStore(env.pool),
                   .reports = NewPostgresStatusReportStore(env.pool),
                   .cycles = NewPostgresReportCycleStore(env.pool),
                   .late_marks = NewPostgresLateMarkStore(env.pool),
                   .reminders = NewPostgresReminderStore(env.pool)},
        NewRegistryAgencyDirectory(env.peers),
        audit::AuditLog(env.pool, auth::Authorizer("plans")),
        feed::ChangeFeed::Create(env, auth::Authorizer("plans")),
        jobs::Scheduler::Create(env),
        ReminderChannels{.email = notify::NewSmtpChannel(shared->smtp),
                         .webhook = notify::NewWebhookChannel({})},
        shared->reminders, env.calls, &api::TodayInVietnam));
    return services;
  };
  return definition;
}

}  // namespace hpedu::plans
