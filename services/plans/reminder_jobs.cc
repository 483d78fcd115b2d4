#include "services/plans/reminder_jobs.h"

#include <algorithm>
#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "libs/api/dates.h"
#include "libs/metrics/metrics.h"
#include "libs/status/status_macros.h"
#include "services/plans/reminders.h"

namespace hpedu::plans {
namespace {

// Each run sends at most this many reminders per channel; the rest wait
// for the next run.
constexpr int kBatch = 200;
// A send is not started with less time than this left to the run.
constexpr absl::Duration kSendReserve = absl::Seconds(40);
constexpr absl::Duration kMaxRetryPause = absl::Hours(6);

// What operators watch: hpedu_reminder_attempts_total{channel, outcome}.
void CountAttempt(v1::ReminderChannel channel, std::string_view outcome) {
  static metrics::Counter& attempts = metrics::Registry::Default().AddCounter(
      std::string(kAttemptsMetric),
      "Reminder deliveries this replica attempted, by channel and outcome "
      "(sent, retry, failed)",
      {"channel", "outcome"});
  attempts
      .With(
          {channel == v1::WEBHOOK ? "webhook" : "email", std::string(outcome)})
      .Increment();
}

// Failures a later attempt cannot cure.
bool IsPermanent(const absl::Status& status) {
  return status.code() == absl::StatusCode::kInvalidArgument ||
         status.code() == absl::StatusCode::kFailedPrecondition;
}

}  // namespace

ReminderJobs::ReminderJobs(TaskStore& tasks, ReportCycleStore& cycles,
                           ReminderStore& reminders, ReminderChannels channels,
                           ReminderOptions options,
                           std::function<absl::CivilDay()> today)
    : tasks_(tasks),
      cycles_(cycles),
      reminders_(reminders),
      channels_(std::move(channels)),
      options_(std::move(options)),
      today_(std::move(today)) {}

std::vector<jobs::Job> ReminderJobs::Jobs() {
  return {
      jobs::Job{.id = "queue-reminders",
                .title = "Soạn thư nhắc việc cho các đơn vị (queue the "
                         "units' reminder digests)",
                .every = absl::Hours(24),
                .run = [this](const server::CallContext& call,
                              absl::Time /*slot*/) { return Queue(call); }},
      jobs::Job{.id = "send-reminders",
                .title = "Gửi thư nhắc việc qua email và webhook (send the "
                         "reminders by email and webhook)",
                .every = options_.send_interval,
                .retry_pause = options_.send_interval,
                .run = [this](const server::CallContext& call,
                              absl::Time /*slot*/) { return Send(call); }},
  };
}

absl::StatusOr<std::string> ReminderJobs::Queue(
    const server::CallContext& call) {
  const absl::CivilDay today = today_();
  ASSIGN_OR_RETURN(const std::vector<v1::ReminderSettings> settings,
                   reminders_.ListSettings(call));
  ASSIGN_OR_RETURN(
      const std::vector<ChasingCandidate> candidates,
      tasks_.ListChasingCandidates(call, today + kDigestWindowDays, ""));
  ASSIGN_OR_RETURN(const std::vector<CycleReports> cycles,
                   ListAllCycleReports(call, cycles_));
  const std::map<std::string, Digest> digests =
      BuildDigests(candidates, cycles, today);

  std::vector<QueuedReminder> queued;
  int units = 0;
  for (const v1::ReminderSettings& unit_settings : settings) {
    const std::string unit(
        absl::StripSuffix(unit_settings.name(), "/reminderSettings"));
    const auto digest = digests.find(unit);
    if (digest == digests.end() || !ShouldRemind(digest->second, today)) {
      continue;
    }
    const std::string& title = unit_settings.unit_display_name().empty()
                                   ? unit
                                   : unit_settings.unit_display_name();
    ++units;
    for (const auto& [channel, address] :
         {std::pair{v1::EMAIL, unit_settings.email()},
          std::pair{v1::WEBHOOK, unit_settings.webhook_uri()}}) {
      if (address.empty()) continue;
      RenderedDigest rendered =
          RenderDigest(digest->second, ReminderName(unit, today, channel),
                       title, options_.dashboard_url, today);
      queued.push_back(QueuedReminder{.unit = unit,
                                      .schedule_date = today,
                                      .channel = channel,
                                      .address = address,
                                      .subject = std::move(rendered.subject),
                                      .text = std::move(rendered.text),
                                      .json = std::move(rendered.json)});
    }
  }
  ASSIGN_OR_RETURN(const int fresh, reminders_.Queue(call, queued));
  return absl::StrCat("ngày ", api::FormatIsoDate(today), ": ", fresh,
                      " nhắc việc mới cho ", units, " đơn vị (", fresh,
                      " new reminders for ", units, " units)");
}

absl::StatusOr<ReminderJobs::Sent> ReminderJobs::SendChannel(
    const server::CallContext& call, v1::ReminderChannel channel,
    notify::Channel& out) {
  ASSIGN_OR_RETURN(const std::vector<OutgoingReminder> due,
                   reminders_.ListDue(call, channel, absl::Now(), kBatch));
  Sent counts;
  for (const OutgoingReminder& outgoing : due) {
    if (call.deadline() - absl::Now() < kSendReserve) break;
    const v1::Reminder& reminder = outgoing.reminder;
    // units.31.reminders.2026-12-08.email: the name, as a message id.
    const absl::Status sent =
        out.Send(reminder.address(),
                 notify::Message{.id = absl::StrReplaceAll(
                                     reminder.name(), {{"/", "."}, {"~", "."}}),
                                 .subject = reminder.subject(),
                                 .text = reminder.text(),
                                 .json = outgoing.json});
    std::optional<absl::Time> retry_at;
    const int attempts = reminder.attempts() + 1;
    if (sent.ok()) {
      ++counts.sent;
      CountAttempt(channel, "sent");
    } else if (IsPermanent(sent) || attempts >= kMaxReminderAttempts) {
      ++counts.failed;
      CountAttempt(channel, "failed");
    } else {
      ++counts.retrying;
      CountAttempt(channel, "retry");
      retry_at =
          absl::Now() +
          std::min(options_.retry_base * (1 << (attempts - 1)), kMaxRetryPause);
    }
    RETURN_IF_ERROR(
        reminders_.RecordAttempt(call, reminder.name(), sent, retry_at));
  }
  return counts;
}

absl::StatusOr<std::string> ReminderJobs::Send(
    const server::CallContext& call) {
  // Webhooks on a thread of their own, email on this one.
  std::future<absl::StatusOr<Sent>> webhooks =
      std::async(std::launch::async, [this, &call] {
        return SendChannel(call, v1::WEBHOOK, *channels_.webhook);
      });
  const absl::StatusOr<Sent> emails =
      SendChannel(call, v1::EMAIL, *channels_.email);
  const absl::StatusOr<Sent> posts = webhooks.get();
  RETURN_IF_ERROR(emails.status());
  RETURN_IF_ERROR(posts.status());
  const Sent total{.sent = emails->sent + posts->sent,
                   .retrying = emails->retrying + posts->retrying,
                   .failed = emails->failed + posts->failed};
  return absl::StrCat("đã gửi ", total.sent, " (email ", emails->sent,
                      ", webhook ", posts->sent, "), ", total.retrying,
                      " sẽ thử lại, ", total.failed, " thất bại (", total.sent,
                      " sent, ", total.retrying, " to retry, ", total.failed,
                      " failed)");
}

}  // namespace hpedu::plans
