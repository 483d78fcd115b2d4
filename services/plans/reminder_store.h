// Where reminders are kept: each unit's channels (ReminderSettings) and the
// outbox of digests (Reminder), queued once per unit, day and channel and
// sent by the job send-reminders.
#ifndef HPEDU_SERVICES_PLANS_REMINDER_STORE_H_
#define HPEDU_SERVICES_PLANS_REMINDER_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/server/call_context.h"

namespace hpedu::plans {

// A validated UpdateReminderSettings: the fields in the mask, the etag.
struct ReminderSettingsUpdate {
  std::string unit;  // units/{u}
  // Its display name in the registry now.
  std::string unit_title;
  std::optional<std::string> email;
  std::optional<std::string> webhook_uri;
  std::string etag;
};

// A digest to queue.
struct QueuedReminder {
  std::string unit;  // units/{u}
  absl::CivilDay schedule_date;
  v1::ReminderChannel channel = v1::EMAIL;
  std::string address;
  std::string subject;
  std::string text;
  std::string json;
};

// A reminder due to be sent, with what to send.
struct OutgoingReminder {
  v1::Reminder reminder;
  std::string json;  // the webhook's body
};

// Thread-safe.
class ReminderStore {
 public:
  virtual ~ReminderStore() = default;

  // The unit's settings; both channels off (and etag "\"0\"") if it has
  // none.
  virtual absl::StatusOr<v1::ReminderSettings> GetSettings(
      const server::CallContext& call, const std::string& unit) = 0;

  // Changes the fields `update` names, creating the settings if the unit
  // had none, with an audit event and a change in the feed. ABORTED if the
  // etag is not the current one.
  virtual absl::StatusOr<v1::ReminderSettings> UpdateSettings(
      const server::CallContext& call,
      const ReminderSettingsUpdate& update) = 0;

  // Every unit's settings with a channel on.
  virtual absl::StatusOr<std::vector<v1::ReminderSettings>> ListSettings(
      const server::CallContext& call) = 0;

  // Queues the reminders of `reminders` whose unit, day and channel have
  // none yet; returns how many it queued. Queueing a day again queues
  // nothing.
  virtual absl::StatusOr<int> Queue(
      const server::CallContext& call,
      const std::vector<QueuedReminder>& reminders) = 0;

  // Up to `limit` PENDING reminders of `channel` whose next attempt is due
  // by `now`, the longest waiting first.
  virtual absl::StatusOr<std::vector<OutgoingReminder>> ListDue(
      const server::CallContext& call, v1::ReminderChannel channel,
      absl::Time now, int limit) = 0;

  // Records an attempt at the reminder `name`: SENT if `result` is OK;
  // otherwise its error, and PENDING until `retry_at` or, without one,
  // FAILED.
  virtual absl::Status RecordAttempt(const server::CallContext& call,
                                     const std::string& name,
                                     const absl::Status& result,
                                     std::optional<absl::Time> retry_at) = 0;

  struct ReminderPage {
    std::vector<v1::Reminder> reminders;
    bool more = false;
  };
  // Reminders of `unit` (all units if empty), in `state` (all if
  // unspecified), newest first, after the reminder `after` (a name; empty:
  // from the newest).
  virtual absl::StatusOr<ReminderPage> ListReminders(
      const server::CallContext& call, const std::string& unit,
      v1::Reminder::State state, const std::string& after, int page_size) = 0;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_REMINDER_STORE_H_
