#include "services/plans/report_cycles.h"

#include <algorithm>

#include "libs/api/dates.h"

namespace hpedu::plans {
namespace {

int MonthsPerPeriod(v1::ReportFrequency frequency) {
  switch (frequency) {
    case v1::MONTHLY:
      return 1;
    case v1::QUARTERLY:
      return 3;
    case v1::HALF_YEARLY:
      return 6;
    case v1::YEARLY:
      return 12;
    default:
      return 0;
  }
}

}  // namespace

std::vector<absl::CivilDay> DueDates(const CycleSpec& cycle,
                                     absl::CivilDay through) {
  std::vector<absl::CivilDay> dates;
  if (cycle.frequency == v1::FIXED_DATES) {
    for (absl::CivilDay day : cycle.fixed_dates) {
      if (day >= cycle.first_day && day <= through &&
          (!cycle.last_day || day <= *cycle.last_day)) {
        dates.push_back(day);
      }
    }
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    return dates;
  }
  const int months = MonthsPerPeriod(cycle.frequency);
  if (months == 0) return dates;
  // The period containing first_day: aligned on January.
  const absl::CivilMonth first(cycle.first_day);
  const int offset = static_cast<int>((first.month() - 1) % months);
  for (absl::CivilMonth start = first - offset;; start += months) {
    if (cycle.last_day && absl::CivilDay(start) > *cycle.last_day) break;
    const absl::CivilDay last_day_of_period = absl::CivilDay(start + months) - 1;
    const absl::CivilDay due = last_day_of_period + cycle.due_days_after_period;
    if (due > through) break;
    dates.push_back(due);
  }
  return dates;
}

std::vector<UnitSubmission> TrackSubmissions(
    const CycleSpec& cycle, const std::vector<std::string>& units,
    const std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay>&
        submitted,
    absl::CivilDay as_of, int horizon_days) {
  std::vector<UnitSubmission> result;
  for (absl::CivilDay due : DueDates(cycle, as_of + horizon_days)) {
    for (const std::string& unit : units) {
      UnitSubmission entry;
      entry.unit = unit;
      entry.due = due;
      auto it = submitted.find({unit, due});
      if (it != submitted.end()) {
        entry.submitted = it->second;
        entry.state = it->second <= due ? SubmissionState::kOnTime
                                        : SubmissionState::kLate;
      } else {
        entry.state = due < as_of ? SubmissionState::kMissing
                                  : SubmissionState::kPending;
      }
      result.push_back(std::move(entry));
    }
  }
  return result;
}

v1::SubmissionStatus SubmissionStatusOf(
    const std::vector<UnitSubmission>& entries, absl::CivilDay as_of) {
  v1::SubmissionStatus status;
  *status.mutable_as_of() = api::ToProtoDate(as_of);
  for (const UnitSubmission& entry : entries) {
    v1::UnitSubmissionStatus* out = status.add_entries();
    out->set_unit(entry.unit);
    *out->mutable_due_date() = api::ToProtoDate(entry.due);
    if (entry.submitted) {
      *out->mutable_submitted_date() = api::ToProtoDate(*entry.submitted);
    }
    switch (entry.state) {
      case SubmissionState::kOnTime:
        out->set_state(v1::ON_TIME);
        status.set_on_time(status.on_time() + 1);
        break;
      case SubmissionState::kLate:
        out->set_state(v1::LATE);
        status.set_late(status.late() + 1);
        break;
      case SubmissionState::kMissing:
        out->set_state(v1::MISSING);
        status.set_missing(status.missing() + 1);
        break;
      case SubmissionState::kPending:
        out->set_state(v1::PENDING);
        status.set_pending(status.pending() + 1);
        break;
    }
  }
  return status;
}

}  // namespace hpedu::plans
