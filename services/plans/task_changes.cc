#include "services/plans/task_changes.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/base/string_view.h"

namespace hpedu::plans {

int OrdinalOf(std::string_view number) {
  int ordinal = 0;
  return absl::SimpleAtoi(ToAbsl(number), &ordinal) ? ordinal : 0;
}

ParsedTime TimeOfTask(const v1::Task& task) {
  ParsedTime time;
  time.form = task.time().form();
  if (task.time().has_due_date()) {
    time.due = absl::CivilDay(task.time().due_date().year(),
                              task.time().due_date().month(),
                              task.time().due_date().day());
  }
  time.start_year = task.time().start_year();
  time.end_year = task.time().end_year();
  if (task.time().has_recurring_due()) {
    time.recurring = {task.time().recurring_due().month(),
                      task.time().recurring_due().day()};
  }
  return time;
}

TaskChange ApplyTaskUpdate(const v1::Task& current, const TaskUpdate& update) {
  TaskChange change{.task = current, .time = TimeOfTask(current)};
  v1::Task& next = change.task;
  if (update.group) next.set_group(*update.group);
  if (update.number) next.set_number(*update.number);
  if (update.content) next.set_content(*update.content);
  if (update.coordinating) next.set_coordinating(*update.coordinating);
  if (update.product) next.set_product(*update.product);
  if (update.approving_level) next.set_approving_level(*update.approving_level);
  if (update.time) {
    change.time = *update.time;
    *next.mutable_time() = ToProto(update.time_text.value_or(""), change.time);
  }
  return change;
}

bool SameImportedTask(const v1::Task& current, const v1::Task& next) {
  return current.group() == next.group() &&
         current.number() == next.number() &&
         current.content() == next.content() &&
         current.lead_agency() == next.lead_agency() &&
         current.lead_agency_text() == next.lead_agency_text() &&
         current.coordinating() == next.coordinating() &&
         current.approving_level() == next.approving_level() &&
         current.time().text() == next.time().text();
}

v1::Task ApplyImportedTask(const v1::Task& current, const v1::Task& imported) {
  v1::Task next = current;
  next.set_group(imported.group());
  next.set_number(imported.number());
  next.set_content(imported.content());
  next.set_lead_agency(imported.lead_agency());
  next.set_lead_agency_text(imported.lead_agency_text());
  next.set_coordinating(imported.coordinating());
  next.set_approving_level(imported.approving_level());
  *next.mutable_time() = imported.time();
  return next;
}

absl::StatusOr<TaskRow> CascadedChild(const v1::Task& parent,
                                      const std::string& document_id,
                                      const std::string& parent_id,
                                      std::string_view commune_name) {
  const std::string_view commune_id =
      commune_name.substr(commune_name.find('/') + 1);
  TaskRow child;
  child.document_id = document_id;
  child.id = absl::StrCat(parent_id, "-", ToAbsl(commune_id));
  if (child.id.size() > kMaxTaskIdChars) {
    return absl::FailedPreconditionError(absl::StrCat(
        "mã nhiệm vụ con quá dài (child task id longer than 63): ", child.id));
  }
  child.task = parent;
  child.task.set_lead_agency(std::string(commune_name));
  child.task.set_lead_agency_text("");
  child.task.set_generated(parent.generated());
  child.time = TimeOfTask(parent);
  return child;
}

int ReportedProgress(v1::TaskState state, int reported_percent) {
  return (state == v1::DONE || state == v1::DONE_LATE) ? 100
                                                        : reported_percent;
}

}  // namespace hpedu::plans
