// Whether a task is overdue or due soon as of a day in Asia/Ho_Chi_Minh.
// Computed on demand from the task's time, state and last completion, never
// stored as a status (a stored "overdue" would go stale the next morning).
// Pure; unit-tested without a database.
#ifndef HPEDU_SERVICES_PLANS_DEADLINES_H_
#define HPEDU_SERVICES_PLANS_DEADLINES_H_

#include <optional>

#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "services/plans/task_time.h"

namespace hpedu::plans {

enum class DeadlineStatus {
  kNoDeadline,  // FREE_TEXT: nothing to compute, nothing guessed
  kClosed,      // done, done late or cancelled (for a yearly task: cancelled)
  kNotDue,      // due later than the window
  kDueSoon,     // due today or within the window
  kOverdue,     // the deadline has passed
};

// What is known about a task for deadline purposes.
struct DeadlineFacts {
  ParsedTime time;
  v1::TaskState state = v1::NOT_STARTED;
  // The report_date of the latest DONE or DONE_LATE report, if any. For a
  // yearly task it settles the occurrence of its cycle.
  std::optional<absl::CivilDay> last_done;
  // A yearly task's occurrences before this day do not count (the task did
  // not exist yet). nullopt: every occurrence counts.
  std::optional<absl::CivilDay> start;
};

struct Deadline {
  DeadlineStatus status = DeadlineStatus::kNoDeadline;
  // The deadline in question: for a yearly task, the occurrence overdue or
  // next pending. Unset for kNoDeadline and non-yearly kClosed.
  std::optional<absl::CivilDay> due;
  // as_of - due in days: positive when overdue, zero on the day, negative
  // before. 0 when `due` is unset.
  int days_overdue = 0;
};

// Evaluates `facts` as of `as_of`. `due_within_days` (>= 0) is the window
// of kDueSoon: a task due on as_of + due_within_days is due soon, one due
// the day after is not. A deadline is met on its day: overdue starts the
// day after.
//
// A yearly ("Hằng năm") task is due every year on its due point. Its cycle
// for the occurrence in year Y runs from the day after the occurrence in
// Y-1 to the occurrence in Y; a DONE report dated in or after that cycle
// settles the occurrence. If the latest occurrence before as_of (and on or
// after `start`) is unsettled, it is overdue; otherwise the next unsettled
// one is pending and may be due soon. Across a year boundary this
// means: on 5 January, last year's 31 December occurrence is 5 days overdue
// unless it was done.
Deadline EvaluateDeadline(const DeadlineFacts& facts, absl::CivilDay as_of,
                          int due_within_days);

// DONE reported on `report_date` for a task due on `due` becomes DONE_LATE
// when report_date is after due; any other state is returned unchanged.
v1::TaskState StateForReport(v1::TaskState reported,
                             absl::CivilDay report_date,
                             const ParsedTime& time);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_DEADLINES_H_
