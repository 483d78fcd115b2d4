// The chasing list (đôn đốc) an official opens every Monday: open tasks
// overdue or due soon as of a day, grouped by lead agency and by commune,
// most overdue first. Pure: the store supplies the candidate tasks.
#ifndef HPEDU_SERVICES_PLANS_CHASING_H_
#define HPEDU_SERVICES_PLANS_CHASING_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans_service.pb.h"
#include "services/plans/deadlines.h"

namespace hpedu::plans {

// One open task that may need chasing.
struct ChasingCandidate {
  std::string task;         // documents/{d}/tasks/{t}
  std::string content;
  std::string lead_agency;  // units/{u}
  std::string commune;      // units/{u}; empty for tasks not cascaded
  int progress_percent = 0;
  DeadlineFacts facts;
};

// Evaluates every candidate as of `as_of` and keeps the overdue and due
// soon ones. Groups are ordered by their most overdue entry (then by unit
// name), entries by days overdue (most first, then task name); each group
// keeps at most `max_entries_per_group` entries but counts all. Tasks
// without a computable deadline are counted in without_deadline.
v1::ChasingList BuildChasingList(const std::vector<ChasingCandidate>& candidates,
                                 absl::CivilDay as_of, int due_within_days,
                                 int max_entries_per_group);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_CHASING_H_
