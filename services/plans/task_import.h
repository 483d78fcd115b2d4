// The task import file, in the shape of the seeds' appendices
// (tasks_kh_51nqcp_appendix.csv):
//   group,no,content,lead_agency,coordinating,approval_level,submission_time
// Pure parsing: every bad line is reported at once; agencies are resolved
// afterwards by the service through the registry.
#ifndef HPEDU_SERVICES_PLANS_TASK_IMPORT_H_
#define HPEDU_SERVICES_PLANS_TASK_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/plans/task_store.h"

namespace hpedu::plans {

inline constexpr std::string_view kTaskCsvColumns[] = {
    "group", "no", "content", "lead_agency", "coordinating", "approval_level",
    "submission_time"};

// The id of the task numbered `number` in `group`: the group's leading
// Roman numeral, lower-cased, and the number ("II. NGHỊ ĐỊNH", "10" ->
// "ii-10"); without a numeral, "t-" and the number. Empty if `number` is
// not 1-6 digits.
std::string TaskIdFor(std::string_view group, std::string_view number);

// Parses an import file for `document_id`. Each row's task has group,
// number, content, lead_agency_text (to resolve), coordinating,
// approving_level and time set (NFC), and its id from TaskIdFor.
// INVALID_ARGUMENT with one violation on "csv_content" per error
// ("dòng L, cột C: ..."): missing columns, empty content, empty agency,
// bad number, impossible time, duplicate ids.
absl::StatusOr<std::vector<TaskRow>> ParseTasksCsv(std::string_view content,
                                                   const std::string& document_id);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_TASK_IMPORT_H_
