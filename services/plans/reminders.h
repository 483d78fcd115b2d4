// Reminders (nhắc việc, issue 16): the digest each unit gets of its open
// tasks and periodic reports due within a week or late, on the days it
// needs one, rendered for email and for a webhook. Pure; unit-tested
// without a database. The outbox the digests are sent from is the
// ReminderStore's.
#ifndef HPEDU_SERVICES_PLANS_REMINDERS_H_
#define HPEDU_SERVICES_PLANS_REMINDERS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "services/plans/chasing.h"
#include "services/plans/report_cycle_store.h"

namespace hpedu::plans {

// A digest lists what falls due within this many days.
inline constexpr int kDigestWindowDays = 7;

// One task or report in a digest.
struct DigestItem {
  // documents/{d}/tasks/{t} or documents/{d}/reportCycles/{c}.
  std::string subject;
  // The task's content or the cycle's title.
  std::string title;
  absl::CivilDay due;
  // as_of - due: positive when late, zero on the day, negative before.
  int days_overdue = 0;
  // Tasks: the latest reported progress.
  int progress_percent = 0;
};

// What one unit has due or late as of a day. Each list is ordered most
// late first, then by due date and subject.
struct Digest {
  std::string unit;  // units/{u}
  std::vector<DigestItem> late_tasks;
  std::vector<DigestItem> due_tasks;
  std::vector<DigestItem> missing_reports;
  std::vector<DigestItem> due_reports;
};

// The digest of every unit with something due or late as of `as_of`, by
// unit. A task is its commune's if it was cascaded, else its lead
// agency's (as in LateTasks); it is late or due by EvaluateDeadline with a
// window of kDigestWindowDays. A report is each reporting unit's own: late
// if MISSING, due if PENDING within the window (TrackSubmissions).
std::map<std::string, Digest> BuildDigests(
    const std::vector<ChasingCandidate>& candidates,
    const std::vector<CycleReports>& cycles, absl::CivilDay as_of);

// Whether the unit is reminded on `as_of`: something falls due in 7 days,
// tomorrow or today, or became late yesterday; and on Mondays, the day the
// Sở chases, whenever something is late.
bool ShouldRemind(const Digest& digest, absl::CivilDay as_of);

// The reminder of `unit` (units/{u}) for `day` on `channel`:
// units/{u}/reminders/{yyyy-mm-dd}~{email|webhook}.
std::string ReminderName(std::string_view unit, absl::CivilDay day,
                         v1::ReminderChannel channel);

// A digest as sent.
struct RenderedDigest {
  // "Nhắc việc: 2 nhiệm vụ quá hạn, 1 báo cáo sắp đến hạn".
  std::string subject;
  // Plain text in Vietnamese, each item with its dashboard link.
  std::string text;
  // The webhook's body: {"reminder", "unit", "unitTitle", "date",
  // "subject", "text", "link", "lateTasks", "dueTasks", "missingReports",
  // "dueReports"}, each item {"name", "title", "dueDate", "daysOverdue",
  // "link"} (tasks also "progressPercent").
  std::string json;
};

// Renders `digest` for the reminder named `reminder` (its webhook's and
// email's identity). `unit_title` is the unit's display name;
// `dashboard_url` the dashboard's address, links are made under it.
RenderedDigest RenderDigest(const Digest& digest, std::string_view reminder,
                            std::string_view unit_title,
                            std::string_view dashboard_url,
                            absl::CivilDay as_of);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_REMINDERS_H_
