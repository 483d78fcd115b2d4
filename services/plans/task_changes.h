// How a task changes: an update applied to the stored task, an imported
// row compared with and applied to it, a child cascaded to a commune, and
// the ordinal its number sorts by. Pure functions, no I/O: the store runs
// them inside its transaction.
#ifndef HPEDU_SERVICES_PLANS_TASK_CHANGES_H_
#define HPEDU_SERVICES_PLANS_TASK_CHANGES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "services/plans/task_store.h"
#include "services/plans/task_time.h"

namespace hpedu::plans {

// The longest task id (AIP-122 ids: 63 characters).
inline constexpr size_t kMaxTaskIdChars = 63;

// The number a task sorts by within its group: "12" is 12, anything not a
// number is 0.
int OrdinalOf(std::string_view number);

// The parsed time of a stored task, re-derived from its fields.
ParsedTime TimeOfTask(const v1::Task& task);

// A task as it is to be written, with its parsed time.
struct TaskChange {
  v1::Task task;
  ParsedTime time;
};

// `current` with the fields `update` sets replaced; the time is the
// update's if it has one, else the stored one.
TaskChange ApplyTaskUpdate(const v1::Task& current, const TaskUpdate& update);

// True if an imported `next` would not change `current`: the same group,
// number, content, lead agency (name and text), coordinating, approving
// level and time text.
bool SameImportedTask(const v1::Task& current, const v1::Task& next);

// `current` with the fields an import writes taken from `imported`.
v1::Task ApplyImportedTask(const v1::Task& current, const v1::Task& imported);

// The child of `parent` (`parent_id` in `document_id`) led by the commune
// `commune_name` (units/{id}): id "{parent_id}-{commune id}", the parent's
// fields and time, no lead agency text. FAILED_PRECONDITION if that id is
// longer than kMaxTaskIdChars.
absl::StatusOr<TaskRow> CascadedChild(const v1::Task& parent,
                                      const std::string& document_id,
                                      const std::string& parent_id,
                                      std::string_view commune_name);

// The progress a report in `state` records: 100 once done (DONE or
// DONE_LATE), else what was reported.
int ReportedProgress(v1::TaskState state, int reported_percent);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_TASK_CHANGES_H_
