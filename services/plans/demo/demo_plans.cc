#include "services/plans/demo/demo_plans.h"

#include <optional>
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

namespace {

constexpr char kReportCycleId[] = "han-bao-cao-2025-2026";

absl::StatusOr<std::vector<absl::CivilDay>> Deadlines(
    std::string_view deadlines_csv) {
  ASSIGN_OR_RETURN(const csv::CsvTable table,
                   csv::CsvTable::Parse(deadlines_csv));
  RETURN_IF_ERROR(table.RequireColumns({"due_before"}));
  const int due = table.ColumnIndex("due_before");
  std::vector<absl::CivilDay> days;
  for (const csv::CsvRecord& record : table.records()) {
    ASSIGN_OR_RETURN(const absl::CivilDay day,
                     api::ParseIsoDate(record.fields[due]));
    days.push_back(day);
  }
  return days;
}

}  // namespace

absl::StatusOr<v1::CreateReportCycleRequest> DemoReportCycle(
    std::string_view deadlines_csv) {
  ASSIGN_OR_RETURN(const std::vector<absl::CivilDay> days,
                   Deadlines(deadlines_csv));
  v1::CreateReportCycleRequest request;
  request.set_parent(kSoPlanDocument);
  request.set_report_cycle_id(kReportCycleId);
  request.set_all_communes(true);
  v1::ReportCycle& cycle = *request.mutable_report_cycle();
  cycle.set_title("Báo cáo theo hạn của Sở, năm học 2025-2026");
  cycle.set_frequency(v1::FIXED_DATES);
  for (const absl::CivilDay day : days) {
    *cycle.add_fixed_dates() = api::ToProtoDate(day);
  }
  *cycle.mutable_first_day() = api::ToProtoDate(absl::CivilDay(2025, 8, 1));
  return request;
}

absl::StatusOr<std::vector<v1::SubmitReportRequest>> DemoReportSubmissions(
    std::string_view deadlines_csv, std::string_view units_csv,
    absl::CivilDay today) {
  ASSIGN_OR_RETURN(const std::vector<absl::CivilDay> days,
                   Deadlines(deadlines_csv));
  ASSIGN_OR_RETURN(const csv::CsvTable units, csv::CsvTable::Parse(units_csv));
  RETURN_IF_ERROR(units.RequireColumns({"id", "kind"}));
  const int id = units.ColumnIndex("id");
  const int kind = units.ColumnIndex("kind");
  const std::string cycle =
      absl::StrCat(kSoPlanDocument, "/reportCycles/", kReportCycleId);
  std::vector<v1::SubmitReportRequest> requests;
  int position = 0;
  for (const csv::CsvRecord& record : units.records()) {
    const std::string& unit_kind = record.fields[kind];
    if (unit_kind != "COMMUNE" && unit_kind != "WARD" &&
        unit_kind != "SPECIAL_ZONE") {
      continue;
    }
    const int pattern = position++ % 4;
    for (size_t i = 0; i < days.size(); ++i) {
      // How many days after the due date the report came; none: skipped.
      std::optional<int> after;
      if (pattern == 0) after = -2;
      if (pattern == 1) after = i == 0 ? -2 : (i == 1 ? 7 : std::optional<int>());
      if (pattern == 2 && i == 0) after = 5;
      if (!after) continue;
      const absl::CivilDay submitted = days[i] + *after;
      if (days[i] >= today || submitted > today) continue;
      v1::SubmitReportRequest request;
      request.set_report_cycle(cycle);
      v1::Submission& submission = *request.mutable_submission();
      submission.set_unit(absl::StrCat("units/", record.fields[id]));
      *submission.mutable_due_date() = api::ToProtoDate(days[i]);
      *submission.mutable_submitted_date() = api::ToProtoDate(submitted);
      submission.set_evidence("Báo cáo mẫu sinh tự động (generated demo report)");
      requests.push_back(std::move(request));
    }
  }
  return requests;
}

}  // namespace hpedu::plans::demo
