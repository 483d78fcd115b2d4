// Periodic reporting (báo cáo định kỳ): when each report of a cycle is due,
// and which reporting units submitted it on time, late or not at all, as
// of a day. Pure; unit-tested without a database.
#ifndef HPEDU_SERVICES_PLANS_REPORT_CYCLES_H_
#define HPEDU_SERVICES_PLANS_REPORT_CYCLES_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "hpedu/plans/v1/plans_service.pb.h"

namespace hpedu::plans {

// A cycle as stored.
struct CycleSpec {
  v1::ReportFrequency frequency = v1::MONTHLY;
  // MONTHLY .. YEARLY: a period's report is due this many days after the
  // period's last day (0: on the last day).
  int due_days_after_period = 0;
  // FIXED_DATES: the due dates (the Sở's three deadlines).
  std::vector<absl::CivilDay> fixed_dates;
  // Periods starting before `first_day` do not count; nor periods
  // starting after `last_day` when set.
  absl::CivilDay first_day;
  std::optional<absl::CivilDay> last_day;
};

// The due dates of the cycle's reports, in order, up to and including
// `through`. Periods are calendar months, quarters (Jan-Mar...), halves
// (Jan-Jun, Jul-Dec) and years; the first period is the one containing
// first_day.
std::vector<absl::CivilDay> DueDates(const CycleSpec& cycle,
                                     absl::CivilDay through);

enum class SubmissionState { kOnTime, kLate, kMissing, kPending };

struct UnitSubmission {
  std::string unit;                      // units/{u}
  absl::CivilDay due;
  SubmissionState state = SubmissionState::kPending;
  std::optional<absl::CivilDay> submitted;
};

// For every due date of `cycle` up to as_of + `horizon_days` and every unit
// of `units`: ON_TIME if submitted on or before the due date, LATE if
// after, MISSING if not submitted and the due date has passed (before
// as_of), PENDING if not submitted and not yet due. `submitted` maps
// (unit, due date) to the submission day; a unit's first submission for a
// period counts.
std::vector<UnitSubmission> TrackSubmissions(
    const CycleSpec& cycle, const std::vector<std::string>& units,
    const std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay>&
        submitted,
    absl::CivilDay as_of, int horizon_days = 0);

// The SubmissionStatus answer for `entries` (from TrackSubmissions) as of
// `as_of`: one entry each, in order, and the count of each state.
v1::SubmissionStatus SubmissionStatusOf(
    const std::vector<UnitSubmission>& entries, absl::CivilDay as_of);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_REPORT_CYCLES_H_
