// The daily marking of deadlines that passed unmet (job mark-late): the
// tasks overdue and the periodic reports missing as of a day, as LateMarks.
// Pure; unit-tested without a database. Which marks are new is the store's
// to say (LateMarkStore).
#ifndef HPEDU_SERVICES_PLANS_LATE_MARKS_H_
#define HPEDU_SERVICES_PLANS_LATE_MARKS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "services/plans/chasing.h"
#include "services/plans/report_cycles.h"

namespace hpedu::plans {

// A mark for each candidate overdue as of `as_of` (EvaluateDeadline with
// no window): for a yearly task, its overdue occurrence. Its unit is the
// commune the task was cascaded to, else its lead agency.
std::vector<v1::LateMark> LateTasks(
    const std::vector<ChasingCandidate>& candidates, absl::CivilDay as_of);

// A mark for each report of `cycle` missing as of `as_of`: due before it
// and not submitted (TrackSubmissions' MISSING), one per unit and due date.
std::vector<v1::LateMark> MissingReports(
    const v1::ReportCycle& cycle, const CycleSpec& spec,
    const std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay>&
        submitted,
    absl::CivilDay as_of);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_LATE_MARKS_H_
