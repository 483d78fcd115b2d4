#include "services/plans/deadlines.h"

namespace hpedu::plans {
namespace {

Deadline Pending(absl::CivilDay due, absl::CivilDay as_of, int window) {
  Deadline deadline;
  deadline.due = due;
  deadline.days_overdue = static_cast<int>(as_of - due);
  if (deadline.days_overdue > 0) {
    deadline.status = DeadlineStatus::kOverdue;
  } else if (-deadline.days_overdue <= window) {
    deadline.status = DeadlineStatus::kDueSoon;
  } else {
    deadline.status = DeadlineStatus::kNotDue;
  }
  return deadline;
}

Deadline WithStatus(DeadlineStatus status) {
  Deadline deadline;
  deadline.status = status;
  return deadline;
}

bool IsDone(v1::TaskState state) {
  return state == v1::DONE || state == v1::DONE_LATE;
}

Deadline EvaluateYearly(const DeadlineFacts& facts, absl::CivilDay as_of,
                        int window) {
  const RecurringDue point = facts.time.recurring;
  // An occurrence is settled by a completion after the previous one.
  const auto settled = [&](int year) {
    return facts.last_done.has_value() &&
           *facts.last_done > OccurrenceIn(year - 1, point);
  };
  const auto counts = [&](int year) {
    return !facts.start.has_value() || OccurrenceIn(year, point) >= *facts.start;
  };
  // The latest occurrence already past (strictly before as_of).
  int past_year = static_cast<int>(as_of.year());
  if (OccurrenceIn(past_year, point) >= as_of) --past_year;
  if (counts(past_year) && !settled(past_year)) {
    return Pending(OccurrenceIn(past_year, point), as_of, window);
  }
  int next_year = past_year + 1;
  while (settled(next_year) || !counts(next_year)) ++next_year;
  return Pending(OccurrenceIn(next_year, point), as_of, window);
}

}  // namespace

Deadline EvaluateDeadline(const DeadlineFacts& facts, absl::CivilDay as_of,
                          int due_within_days) {
  if (facts.state == v1::CANCELLED) return WithStatus(DeadlineStatus::kClosed);
  switch (facts.time.form) {
    case v1::RECURRING_YEARLY:
      return EvaluateYearly(facts, as_of, due_within_days);
    case v1::MONTH:
    case v1::DATE:
    case v1::YEAR:
    case v1::YEAR_RANGE:
      if (IsDone(facts.state)) return WithStatus(DeadlineStatus::kClosed);
      if (facts.time.due) return Pending(*facts.time.due, as_of, due_within_days);
      return {};  // a parsed dated form always has `due`
    default:
      return WithStatus(IsDone(facts.state) ? DeadlineStatus::kClosed
                                            : DeadlineStatus::kNoDeadline);
  }
}

v1::TaskState StateForReport(v1::TaskState reported,
                             absl::CivilDay report_date,
                             const ParsedTime& time) {
  if (reported != v1::DONE) return reported;
  if (time.form == v1::RECURRING_YEARLY || !time.due) return reported;
  return report_date > *time.due ? v1::DONE_LATE : v1::DONE;
}

}  // namespace hpedu::plans
