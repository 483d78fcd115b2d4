// The two reminder jobs of the plans service (issue 16):
//
//   queue-reminders  daily: each unit with a channel that needs reminding
//                    today (ShouldRemind) gets its digest queued in the
//                    outbox, once per day and channel;
//   send-reminders   every --reminder_send_interval: sends what is due,
//                    email and webhooks side by side so that one channel
//                    failing never holds the other back; a failed attempt
//                    is retried after --reminder_retry_base, doubling each
//                    time (at most 6 h), until kMaxReminderAttempts.
//
// A reminder is marked SENT in its own transaction right after its
// receiver accepted it. A replica that stops between the two sends it again
// after a restart: the email's Message-ID and the webhook's
// Idempotency-Key are the reminder's name, so a receiver can drop it.
#ifndef HPEDU_SERVICES_PLANS_REMINDER_JOBS_H_
#define HPEDU_SERVICES_PLANS_REMINDER_JOBS_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/jobs/jobs.h"
#include "libs/notify/notify.h"
#include "libs/server/call_context.h"
#include "services/plans/reminder_store.h"
#include "services/plans/report_cycle_store.h"
#include "services/plans/task_store.h"

namespace hpedu::plans {

// Each attempt is counted in this metric, by channel ("email", "webhook")
// and outcome ("sent", "retry", "failed").
inline constexpr std::string_view kAttemptsMetric =
    "hpedu_reminder_attempts_total";

// After this many failed attempts a reminder is FAILED.
inline constexpr int kMaxReminderAttempts = 8;

struct ReminderOptions {
  // Where the digests' links point (--dashboard_url).
  std::string dashboard_url = "http://127.0.0.1:8080/";
  // How often send-reminders runs (--reminder_send_interval).
  absl::Duration send_interval = absl::Minutes(1);
  // The pause after a first failed attempt (--reminder_retry_base).
  absl::Duration retry_base = absl::Minutes(1);
};

// How reminders leave: one channel per ReminderChannel.
struct ReminderChannels {
  std::unique_ptr<notify::Channel> email;
  std::unique_ptr<notify::Channel> webhook;
};

// Thread-safe. What it is given must outlive it. The jobs call no other
// service: a digest addresses its unit by the name kept with its settings.
class ReminderJobs {
 public:
  ReminderJobs(TaskStore& tasks, ReportCycleStore& cycles,
               ReminderStore& reminders, ReminderChannels channels,
               ReminderOptions options, std::function<absl::CivilDay()> today);

  // queue-reminders and send-reminders, for the service's scheduler.
  std::vector<jobs::Job> Jobs();

 private:
  absl::StatusOr<std::string> Queue(const server::CallContext& call);
  absl::StatusOr<std::string> Send(const server::CallContext& call);

  struct Sent {
    int sent = 0;
    int retrying = 0;
    int failed = 0;
  };
  // Sends the reminders of `channel` due now, until the call's deadline
  // is near.
  absl::StatusOr<Sent> SendChannel(const server::CallContext& call,
                                   v1::ReminderChannel channel,
                                   notify::Channel& out);

  TaskStore& tasks_;
  ReportCycleStore& cycles_;
  ReminderStore& reminders_;
  const ReminderChannels channels_;
  const ReminderOptions options_;
  const std::function<absl::CivilDay()> today_;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_REMINDER_JOBS_H_
