#include "services/plans/demo/demo_plans.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/csv/csv_reader.h"
#include "libs/status/status_macros.h"
#include "services/plans/task_import.h"
#include "services/plans/task_time.h"

namespace hpedu::plans::demo {

absl::StatusOr<std::string> ReportDeadlinesAsTasksCsv(
    std::string_view deadlines_csv) {
  ASSIGN_OR_RETURN(const csv::CsvTable table,
                   csv::CsvTable::Parse(deadlines_csv));
  RETURN_IF_ERROR(table.RequireColumns({"report", "due_before", "owner"}));
  const int report = table.ColumnIndex("report");
  const int due = table.ColumnIndex("due_before");
  const int owner = table.ColumnIndex("owner");
  std::string out = csv::CsvLine({"group", "no", "content", "lead_agency",
                                  "coordinating", "approval_level",
                                  "submission_time"});
  int number = 0;
  for (const csv::CsvRecord& record : table.records()) {
    out += csv::CsvLine({"Báo cáo định kỳ", std::to_string(++number),
                         absl::StrCat("Báo cáo: ", record.fields[report]),
                         record.fields[owner], "", "", record.fields[due]});
  }
  return out;
}

absl::StatusOr<std::vector<v1::CreateStatusReportRequest>> GeneratedProgress(
    std::string_view tasks_csv, uint32_t seed) {
  ASSIGN_OR_RETURN(const std::vector<TaskRow> rows,
                   ParseTasksCsv(tasks_csv, "d-kh-ubnd-hp-nq51"));
  std::mt19937 random(seed);
  std::vector<v1::CreateStatusReportRequest> reports;
  for (const TaskRow& row : rows) {
    // Raw engine output with our own modulo: the standard distributions
    // differ between standard libraries.
    const uint32_t draw = random() % 10;
    if (draw < 3 || !row.time.due) continue;  // no report yet
    v1::CreateStatusReportRequest request;
    request.set_parent(absl::StrCat(kNq51PlanDocument, "/tasks/", row.id));
    v1::StatusReport* report = request.mutable_status_report();
    report->set_generated(true);
    report->set_evidence(
        "Dữ liệu sinh tự động cho bản demo (generated demo data)");
    // Done on time, done up to 30 days late, or in progress a month before
    // the deadline.
    absl::CivilDay day = *row.time.due;
    if (draw < 6) {
      report->set_state(v1::DONE);
      day -= static_cast<int>(random() % 20);
    } else if (draw < 8) {
      report->set_state(v1::DONE);
      day += 1 + static_cast<int>(random() % 30);
    } else {
      report->set_state(v1::IN_PROGRESS);
      report->set_progress_percent(static_cast<int>(10 + random() % 80));
      day -= 30;
    }
    *report->mutable_report_date() = api::ToProtoDate(day);
    reports.push_back(std::move(request));
  }
  return reports;
}

}  // namespace hpedu::plans::demo
