#include "services/plans/task_import.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/base/string_view.h"
#include "libs/csv/csv_reader.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"

namespace hpedu::plans {

std::string TaskIdFor(std::string_view group, std::string_view number) {
  const std::string digits(ToStd(absl::StripAsciiWhitespace(ToAbsl(number))));
  if (digits.empty() || digits.size() > 6) return "";
  for (char c : digits) {
    if (!absl::ascii_isdigit(c)) return "";
  }
  std::string numeral;
  for (char c : group) {
    const char lower = absl::ascii_tolower(c);
    if (lower == 'i' || lower == 'v' || lower == 'x' || lower == 'l') {
      numeral.push_back(lower);
    } else {
      break;
    }
  }
  // "I. LUẬT": a numeral followed by a dot or a space; "Luật" alone is not.
  if (numeral.empty() || numeral.size() >= group.size() ||
      (group[numeral.size()] != '.' && group[numeral.size()] != ' ')) {
    numeral = "t";
  }
  return absl::StrCat(numeral, "-", digits);
}

absl::StatusOr<std::vector<TaskRow>> ParseTasksCsv(
    std::string_view content, const std::string& document_id) {
  ASSIGN_OR_RETURN(const csv::CsvTable table, csv::CsvTable::Parse(content));
  RETURN_IF_ERROR(table.RequireColumns({"group", "no", "content", "lead_agency",
                                        "coordinating", "approval_level",
                                        "submission_time"}));
  const int group = table.ColumnIndex("group");
  const int no = table.ColumnIndex("no");
  const int text = table.ColumnIndex("content");
  const int lead = table.ColumnIndex("lead_agency");
  const int coordinating = table.ColumnIndex("coordinating");
  const int approval = table.ColumnIndex("approval_level");
  const int time = table.ColumnIndex("submission_time");

  csv::LineErrors errors;
  std::vector<TaskRow> rows;
  std::map<std::string, int> line_of_id;
  for (const csv::CsvRecord& record : table.records()) {
    const auto field = [&](int index) {
      return hpedu::text::NormalizeNfc(record.fields[index]);
    };
    TaskRow row;
    row.line = record.line;
    row.document_id = document_id;
    v1::Task& task = row.task;
    task.set_group(field(group));
    task.set_number(field(no));
    task.set_content(field(text));
    task.set_lead_agency_text(field(lead));
    task.set_coordinating(field(coordinating));
    task.set_approving_level(field(approval));
    row.id = TaskIdFor(task.group(), task.number());
    if (row.id.empty()) {
      errors.Add(record.line, "no", "phải là số 1-6 chữ số (must be a number)");
    } else if (auto [it, fresh] = line_of_id.emplace(row.id, record.line);
               !fresh) {
      errors.Add(record.line, "no",
                 absl::StrCat("trùng nhiệm vụ ở dòng ", it->second,
                              " (duplicate of line ", it->second, ")"));
    }
    if (task.content().empty()) {
      errors.Add(record.line, "content", "bắt buộc (required)");
    }
    if (task.lead_agency_text().empty()) {
      errors.Add(record.line, "lead_agency", "bắt buộc (required)");
    }
    const std::string time_text = field(time);
    absl::StatusOr<ParsedTime> parsed = ParseTaskTime(time_text, "time");
    if (!parsed.ok()) {
      errors.Add(record.line, "submission_time", ToStd(parsed.status().message()));
    } else {
      row.time = *parsed;
      *task.mutable_time() = ToProto(time_text, row.time);
    }
    rows.push_back(std::move(row));
  }
  RETURN_IF_ERROR(errors.ToStatus());
  return rows;
}

}  // namespace hpedu::plans
