#include "services/plans/late_marks.h"

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "services/plans/deadlines.h"

namespace hpedu::plans {
namespace {

v1::LateMark Mark(std::string name, const std::string& subject,
                  const std::string& title, const std::string& unit,
                  absl::CivilDay due, absl::CivilDay as_of) {
  v1::LateMark mark;
  mark.set_name(std::move(name));
  mark.set_subject(subject);
  mark.set_title(title);
  mark.set_unit(unit);
  *mark.mutable_due_date() = api::ToProtoDate(due);
  *mark.mutable_mark_date() = api::ToProtoDate(as_of);
  return mark;
}

}  // namespace

std::vector<v1::LateMark> LateTasks(
    const std::vector<ChasingCandidate>& candidates, absl::CivilDay as_of) {
  std::vector<v1::LateMark> marks;
  for (const ChasingCandidate& candidate : candidates) {
    const Deadline deadline =
        EvaluateDeadline(candidate.facts, as_of, /*due_within_days=*/0);
    if (deadline.status != DeadlineStatus::kOverdue || !deadline.due) continue;
    marks.push_back(Mark(
        absl::StrCat(candidate.task, "/lateMarks/",
                     api::FormatIsoDate(*deadline.due)),
        candidate.task, candidate.content,
        candidate.commune.empty() ? candidate.lead_agency : candidate.commune,
        *deadline.due, as_of));
  }
  return marks;
}

std::vector<v1::LateMark> MissingReports(
    const v1::ReportCycle& cycle, const CycleSpec& spec,
    const std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay>&
        submitted,
    absl::CivilDay as_of) {
  const std::vector<std::string> units(cycle.reporting_units().begin(),
                                       cycle.reporting_units().end());
  std::vector<v1::LateMark> marks;
  for (const UnitSubmission& entry :
       TrackSubmissions(spec, units, submitted, as_of)) {
    if (entry.state != SubmissionState::kMissing) continue;
    const std::string unit_id = entry.unit.substr(entry.unit.find('/') + 1);
    marks.push_back(Mark(absl::StrCat(cycle.name(), "/lateMarks/", unit_id,
                                      "~", api::FormatIsoDate(entry.due)),
                         cycle.name(), cycle.title(), entry.unit, entry.due,
                         as_of));
  }
  return marks;
}

}  // namespace hpedu::plans
