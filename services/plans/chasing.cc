#include "services/plans/chasing.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "libs/api/dates.h"

namespace hpedu::plans {
namespace {

struct Group {
  std::vector<v1::ChasingEntry> entries;
  int overdue = 0;
  int due_soon = 0;
};

bool EntryBefore(const v1::ChasingEntry& a, const v1::ChasingEntry& b) {
  return std::make_tuple(-a.days_overdue(), a.task()) <
         std::make_tuple(-b.days_overdue(), b.task());
}

void AddGroups(std::map<std::string, Group>& groups, int max_entries,
               google::protobuf::RepeatedPtrField<v1::ChasingGroup>* out) {
  std::vector<std::pair<std::string, Group*>> ordered;
  for (auto& [unit, group] : groups) {
    std::sort(group.entries.begin(), group.entries.end(), EntryBefore);
    ordered.emplace_back(unit, &group);
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(-a.second->entries.front().days_overdue(), a.first) <
           std::make_tuple(-b.second->entries.front().days_overdue(), b.first);
  });
  for (auto& [unit, group] : ordered) {
    v1::ChasingGroup* result = out->Add();
    result->set_unit(unit);
    result->set_overdue(group->overdue);
    result->set_due_soon(group->due_soon);
    const int keep =
        std::min<int>(max_entries, static_cast<int>(group->entries.size()));
    for (int i = 0; i < keep; ++i) {
      *result->add_entries() = std::move(group->entries[i]);
    }
  }
}

}  // namespace

v1::ChasingList BuildChasingList(const std::vector<ChasingCandidate>& candidates,
                                 absl::CivilDay as_of, int due_within_days,
                                 int max_entries_per_group) {
  v1::ChasingList list;
  *list.mutable_as_of() = api::ToProtoDate(as_of);
  std::map<std::string, Group> by_lead;
  std::map<std::string, Group> by_commune;
  for (const ChasingCandidate& candidate : candidates) {
    const Deadline deadline =
        EvaluateDeadline(candidate.facts, as_of, due_within_days);
    if (deadline.status == DeadlineStatus::kNoDeadline) {
      list.set_without_deadline(list.without_deadline() + 1);
      continue;
    }
    if (deadline.status != DeadlineStatus::kOverdue &&
        deadline.status != DeadlineStatus::kDueSoon) {
      continue;
    }
    const bool overdue = deadline.status == DeadlineStatus::kOverdue;
    v1::ChasingEntry entry;
    entry.set_task(candidate.task);
    entry.set_content(candidate.content);
    entry.set_lead_agency(candidate.lead_agency);
    entry.set_commune(candidate.commune);
    *entry.mutable_due_date() = api::ToProtoDate(*deadline.due);
    entry.set_days_overdue(deadline.days_overdue);
    entry.set_state(candidate.facts.state);
    entry.set_progress_percent(candidate.progress_percent);
    (overdue ? list.set_overdue(list.overdue() + 1)
             : list.set_due_soon(list.due_soon() + 1));
    const auto add = [&](Group& group) {
      (overdue ? group.overdue : group.due_soon) += 1;
      group.entries.push_back(entry);
    };
    add(by_lead[candidate.lead_agency]);
    if (!candidate.commune.empty()) add(by_commune[candidate.commune]);
  }
  AddGroups(by_lead, max_entries_per_group, list.mutable_by_lead_agency());
  AddGroups(by_commune, max_entries_per_group, list.mutable_by_commune());
  return list;
}

}  // namespace hpedu::plans
