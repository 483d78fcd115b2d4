#include "services/plans/reminder_store_pg.h"

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/status_macros.h"
#include "services/plans/internal/pg_rows.h"
#include "services/plans/reminders.h"

namespace hpedu::plans {
namespace {

using internal::DayOf;
using internal::kRead;
using internal::kWrite;
using internal::Statement;
using internal::TimestampOf;
using internal::UnitId;
using internal::UnitName;

class PostgresReminderStore final : public ReminderStore {
 public:
  explicit PostgresReminderStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::ReminderSettings> GetSettings(
      const server::CallContext& call, const std::string& unit) override;
  absl::StatusOr<v1::ReminderSettings> UpdateSettings(
      const server::CallContext& call,
      const ReminderSettingsUpdate& update) override;
  absl::StatusOr<std::vector<v1::ReminderSettings>> ListSettings(
      const server::CallContext& call) override;
  absl::StatusOr<int> Queue(
      const server::CallContext& call,
      const std::vector<QueuedReminder>& reminders) override;
  absl::StatusOr<std::vector<OutgoingReminder>> ListDue(
      const server::CallContext& call, v1::ReminderChannel channel,
      absl::Time now, int limit) override;
  absl::Status RecordAttempt(const server::CallContext& call,
                             const std::string& name,
                             const absl::Status& result,
                             std::optional<absl::Time> retry_at) override;
  absl::StatusOr<ReminderPage> ListReminders(const server::CallContext& call,
                                             const std::string& unit,
                                             v1::Reminder::State state,
                                             const std::string& after,
                                             int page_size) override;

 private:
  db::Pool& pool_;
};

// A reminder's key: its unit, day and channel, as in its name
// units/{unit}/reminders/{yyyy-mm-dd}~{email|webhook}.
struct ReminderKey {
  std::string unit_id;
  std::string date;     // yyyy-mm-dd
  std::string channel;  // EMAIL, WEBHOOK
};

std::string ChannelColumn(v1::ReminderChannel channel) {
  return channel == v1::WEBHOOK ? "WEBHOOK" : "EMAIL";
}

// nullopt unless `name` is a reminder's name.
std::optional<ReminderKey> KeyOf(const std::string& name) {
  const std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "units" || parts[2] != "reminders") {
    return std::nullopt;
  }
  const std::vector<std::string> id = absl::StrSplit(parts[3], '~');
  if (id.size() != 2 || !api::ParseIsoDate(id[0]).ok() ||
      (id[1] != "email" && id[1] != "webhook")) {
    return std::nullopt;
  }
  return ReminderKey{.unit_id = parts[1],
                     .date = id[0],
                     .channel = id[1] == "webhook" ? "WEBHOOK" : "EMAIL"};
}

std::string Micros(absl::Time time) {
  return absl::StrCat(absl::ToUnixMicros(time));
}

// --- Settings

#define HPEDU_PLANS_SETTINGS_COLUMNS                    \
  "unit_id, email, webhook_uri, unit_title, revision, " \
  "(extract(epoch FROM update_time) * 1000000)::bigint AS update_us "

v1::ReminderSettings SettingsFromRow(const pqxx::row& row) {
  v1::ReminderSettings settings;
  settings.set_name(absl::StrCat(UnitName(row["unit_id"].as<std::string>()),
                                 "/reminderSettings"));
  settings.set_email(row["email"].as<std::string>());
  settings.set_webhook_uri(row["webhook_uri"].as<std::string>());
  settings.set_unit_display_name(row["unit_title"].as<std::string>());
  settings.set_etag(api::EtagFromRevision(row["revision"].as<int64_t>()));
  *settings.mutable_update_time() = TimestampOf(row["update_us"]);
  return settings;
}

v1::ReminderSettings NoSettings(const std::string& unit) {
  v1::ReminderSettings settings;
  settings.set_name(absl::StrCat(unit, "/reminderSettings"));
  settings.set_etag(api::EtagFromRevision(0));
  return settings;
}

constexpr Statement kGetSettings = {
    "plans_get_reminder_settings", "SELECT " HPEDU_PLANS_SETTINGS_COLUMNS
                                   "FROM reminder_settings WHERE unit_id = $1"};
constexpr Statement kLockSettings = {
    "plans_lock_reminder_settings",
    "SELECT " HPEDU_PLANS_SETTINGS_COLUMNS
    "FROM reminder_settings WHERE unit_id = $1 FOR UPDATE"};
constexpr Statement kPutSettings = {
    "plans_put_reminder_settings",
    "INSERT INTO reminder_settings (unit_id, email, webhook_uri, unit_title) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (unit_id) DO UPDATE SET "
    "  email = excluded.email, webhook_uri = excluded.webhook_uri, "
    "  unit_title = excluded.unit_title, "
    "  revision = reminder_settings.revision + 1, update_time = now() "
    "RETURNING " HPEDU_PLANS_SETTINGS_COLUMNS};
constexpr Statement kListSettings = {
    "plans_list_reminder_settings",
    "SELECT " HPEDU_PLANS_SETTINGS_COLUMNS
    "FROM reminder_settings WHERE email <> '' OR webhook_uri <> '' "
    "ORDER BY unit_id"};

absl::StatusOr<v1::ReminderSettings> PostgresReminderStore::GetSettings(
    const server::CallContext& call, const std::string& unit) {
  return db::InTransaction<v1::ReminderSettings>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ReminderSettings> {
        const pqxx::result rows =
            db::Params().Add(UnitId(unit)).Exec(tx, kGetSettings.name);
        return rows.empty() ? NoSettings(unit) : SettingsFromRow(rows[0]);
      });
}

absl::StatusOr<v1::ReminderSettings> PostgresReminderStore::UpdateSettings(
    const server::CallContext& call, const ReminderSettingsUpdate& update) {
  return db::InTransaction<v1::ReminderSettings>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ReminderSettings> {
        const pqxx::result rows =
            db::Params().Add(UnitId(update.unit)).Exec(tx, kLockSettings.name);
        const v1::ReminderSettings current =
            rows.empty() ? NoSettings(update.unit) : SettingsFromRow(rows[0]);
        RETURN_IF_ERROR(api::CheckEtag(update.etag, current.etag()));
        const v1::ReminderSettings updated = SettingsFromRow(
            db::Params()
                .Add(UnitId(update.unit))
                .Add(update.email.value_or(current.email()))
                .Add(update.webhook_uri.value_or(current.webhook_uri()))
                .Add(update.unit_title)
                .Exec(tx, kPutSettings.name)[0]);
        audit::Record(tx, call, updated.name(), audit::ChangeOf(updated));
        feed::Record(tx, call,
                     {feed::Updated(updated.name(), updated, update.unit)});
        return updated;
      });
}

absl::StatusOr<std::vector<v1::ReminderSettings>>
PostgresReminderStore::ListSettings(const server::CallContext& call) {
  return db::InTransaction<std::vector<v1::ReminderSettings>>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::vector<v1::ReminderSettings>> {
        std::vector<v1::ReminderSettings> settings;
        for (const pqxx::row& row : db::Params().Exec(tx, kListSettings.name)) {
          settings.push_back(SettingsFromRow(row));
        }
        return settings;
      });
}

// --- The outbox

#define HPEDU_PLANS_REMINDER_COLUMNS                                          \
  "unit_id, to_char(schedule_date, 'YYYY-MM-DD') AS schedule_date, channel, " \
  "address, subject, body, state, attempts, last_error, "                     \
  "(extract(epoch FROM create_time) * 1000000)::bigint AS create_us, "        \
  "(extract(epoch FROM next_attempt_time) * 1000000)::bigint AS next_us, "    \
  "(extract(epoch FROM send_time) * 1000000)::bigint AS send_us "

v1::Reminder ReminderFromRow(const pqxx::row& row) {
  v1::Reminder reminder;
  const v1::ReminderChannel channel =
      row["channel"].as<std::string>() == "WEBHOOK" ? v1::WEBHOOK : v1::EMAIL;
  const absl::CivilDay day = *DayOf(row["schedule_date"]);
  reminder.set_name(
      ReminderName(UnitName(row["unit_id"].as<std::string>()), day, channel));
  reminder.set_channel(channel);
  reminder.set_address(row["address"].as<std::string>());
  *reminder.mutable_schedule_date() = api::ToProtoDate(day);
  reminder.set_subject(row["subject"].as<std::string>());
  reminder.set_text(row["body"].as<std::string>());
  v1::Reminder::State state = v1::Reminder::STATE_UNSPECIFIED;
  v1::Reminder::State_Parse(row["state"].as<std::string>(), &state);
  reminder.set_state(state);
  reminder.set_attempts(row["attempts"].as<int>());
  reminder.set_last_error(row["last_error"].as<std::string>());
  *reminder.mutable_create_time() = TimestampOf(row["create_us"]);
  if (state == v1::Reminder::PENDING) {
    *reminder.mutable_next_attempt_time() = TimestampOf(row["next_us"]);
  }
  if (!row["send_us"].is_null()) {
    *reminder.mutable_send_time() = TimestampOf(row["send_us"]);
  }
  return reminder;
}

constexpr Statement kQueue = {
    "plans_queue_reminders",
    "INSERT INTO reminders (unit_id, schedule_date, channel, address, "
    "  subject, body, payload) "
    "SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], "
    "                     $5::text[], $6::text[], $7::text[]) "
    "ON CONFLICT DO NOTHING RETURNING 1"};
constexpr Statement kListDue = {
    "plans_list_due_reminders",
    "SELECT " HPEDU_PLANS_REMINDER_COLUMNS
    ", payload FROM reminders WHERE state = 'PENDING' AND channel = $1 "
    "  AND next_attempt_time <= to_timestamp($2::bigint / 1000000.0) "
    "ORDER BY next_attempt_time, unit_id LIMIT $3::int"};
constexpr Statement kRecordAttempt = {
    "plans_record_reminder_attempt",
    "UPDATE reminders SET attempts = attempts + 1, state = $4::text, "
    "  last_error = coalesce(nullif($5::text, ''), last_error), "
    "  next_attempt_time = coalesce(to_timestamp($6::bigint / 1000000.0), "
    "                               next_attempt_time), "
    "  send_time = CASE WHEN $4::text = 'SENT' THEN now() END "
    "WHERE unit_id = $1 AND schedule_date = $2::date AND channel = $3 "
    "  AND state = 'PENDING'"};
// Newest day first; within a day by unit, then channel. $3..$5: the key
// of the last reminder of the previous page, or NULL.
constexpr Statement kListReminders = {
    "plans_list_reminders",
    "SELECT " HPEDU_PLANS_REMINDER_COLUMNS
    "FROM reminders WHERE ($1::text = '' OR unit_id = $1::text) "
    "  AND ($2::text = '' OR state = $2::text) "
    "  AND ($3::date IS NULL OR schedule_date < $3::date "
    "       OR (schedule_date = $3::date AND (unit_id, channel) > ($4::text, "
    "$5::text))) "
    "ORDER BY schedule_date DESC, unit_id, channel LIMIT $6::int"};

absl::StatusOr<int> PostgresReminderStore::Queue(
    const server::CallContext& call,
    const std::vector<QueuedReminder>& reminders) {
  if (reminders.empty()) return 0;
  std::vector<std::string> units, days, channels, addresses, subjects, texts,
      payloads;
  for (const QueuedReminder& reminder : reminders) {
    units.push_back(UnitId(reminder.unit));
    days.push_back(api::FormatIsoDate(reminder.schedule_date));
    channels.push_back(ChannelColumn(reminder.channel));
    addresses.push_back(reminder.address);
    subjects.push_back(reminder.subject);
    texts.push_back(reminder.text);
    payloads.push_back(reminder.json);
  }
  return db::InTransaction<int>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<int> {
        return static_cast<int>(db::Params()
                                    .Add(db::TextArrayLiteral(units))
                                    .Add(db::TextArrayLiteral(days))
                                    .Add(db::TextArrayLiteral(channels))
                                    .Add(db::TextArrayLiteral(addresses))
                                    .Add(db::TextArrayLiteral(subjects))
                                    .Add(db::TextArrayLiteral(texts))
                                    .Add(db::TextArrayLiteral(payloads))
                                    .Exec(tx, kQueue.name)
                                    .size());
      });
}

absl::StatusOr<std::vector<OutgoingReminder>> PostgresReminderStore::ListDue(
    const server::CallContext& call, v1::ReminderChannel channel,
    absl::Time now, int limit) {
  return db::InTransaction<std::vector<OutgoingReminder>>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::vector<OutgoingReminder>> {
        std::vector<OutgoingReminder> due;
        for (const pqxx::row& row : db::Params()
                                        .Add(ChannelColumn(channel))
                                        .Add(Micros(now))
                                        .Add(absl::StrCat(limit))
                                        .Exec(tx, kListDue.name)) {
          due.push_back(
              OutgoingReminder{.reminder = ReminderFromRow(row),
                               .json = row["payload"].as<std::string>()});
        }
        return due;
      });
}

absl::Status PostgresReminderStore::RecordAttempt(
    const server::CallContext& call, const std::string& name,
    const absl::Status& result, std::optional<absl::Time> retry_at) {
  const std::optional<ReminderKey> key = KeyOf(name);
  if (!key) return absl::NotFoundError(absl::StrCat("no reminder ", name));
  const char* state = result.ok() ? "SENT" : retry_at ? "PENDING" : "FAILED";
  return db::RunInTransaction(
      pool_, call.deadline(), kWrite, [&](pqxx::transaction_base& tx) {
        db::Params()
            .Add(key->unit_id)
            .Add(key->date)
            .Add(key->channel)
            .Add(state)
            .Add(result.ok() ? "" : std::string(result.message()))
            .AddOrNull(retry_at ? Micros(*retry_at) : "")
            .Exec(tx, kRecordAttempt.name);
        return absl::OkStatus();
      });
}

absl::StatusOr<ReminderStore::ReminderPage>
PostgresReminderStore::ListReminders(const server::CallContext& call,
                                     const std::string& unit,
                                     v1::Reminder::State state,
                                     const std::string& after, int page_size) {
  const std::optional<ReminderKey> key = KeyOf(after);
  return db::InTransaction<ReminderPage>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<ReminderPage> {
        db::Params params;
        params.Add(unit.empty() ? "" : UnitId(unit))
            .Add(state == v1::Reminder::STATE_UNSPECIFIED
                     ? ""
                     : v1::Reminder::State_Name(state));
        if (key) {
          params.Add(key->date).Add(key->unit_id).Add(key->channel);
        } else {
          params.AddNull().AddNull().AddNull();
        }
        params.Add(absl::StrCat(page_size + 1));
        ReminderPage page;
        for (const pqxx::row& row : params.Exec(tx, kListReminders.name)) {
          page.reminders.push_back(ReminderFromRow(row));
        }
        if (static_cast<int>(page.reminders.size()) > page_size) {
          page.reminders.pop_back();
          page.more = true;
        }
        return page;
      });
}

}  // namespace

const std::vector<db::PreparedStatement>& ReminderStatements() {
  static const auto* const kStatements =
      new std::vector<db::PreparedStatement>(internal::ToPrepared(
          {kGetSettings, kLockSettings, kPutSettings, kListSettings, kQueue,
           kListDue, kRecordAttempt, kListReminders}));
  return *kStatements;
}

std::unique_ptr<ReminderStore> NewPostgresReminderStore(db::Pool& pool) {
  return std::make_unique<PostgresReminderStore>(pool);
}

}  // namespace hpedu::plans
