// Demo data for the plans service, from the seed extracts committed in this
// folder (see README.md): the documents of plan_documents.csv, the 38 tasks
// of the city's plan for Resolution 51/NQ-CP, the Sở's three report
// deadlines as dated tasks, and generated progress (marked generated).
#ifndef HPEDU_SERVICES_PLANS_DEMO_DEMO_PLANS_H_
#define HPEDU_SERVICES_PLANS_DEMO_DEMO_PLANS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans_service.pb.h"

namespace hpedu::plans::demo {

inline constexpr uint32_t kDefaultSeed = 20251020;
// The documents the demo tasks belong to (ids from DocumentIdFor).
inline constexpr char kNq51PlanDocument[] = "documents/d-kh-ubnd-hp-nq51";
inline constexpr char kSoPlanDocument[] = "documents/d-kh-sgddt-2025-2026";

// plan_documents.csv, tasks_kh_51nqcp_appendix.csv and
// sgddt_report_deadlines_2025_2026.csv as committed.
std::string_view EmbeddedDocumentsCsv();
std::string_view EmbeddedTasksCsv();
std::string_view EmbeddedReportDeadlinesCsv();

// The report deadlines (header report,due_before,owner) as a task import
// file for kSoPlanDocument: group "Báo cáo định kỳ", numbered in file
// order, lead agency the owner, time the due date.
absl::StatusOr<std::string> ReportDeadlinesAsTasksCsv(
    std::string_view deadlines_csv);

// Generated status reports for the tasks of kNq51PlanDocument (ids i-1 ...
// from the appendix), drawn with `seed`: each task is left alone, in
// progress or done on a date near its deadline. Every report has
// generated = true and says so in its evidence.
absl::StatusOr<std::vector<v1::CreateStatusReportRequest>> GeneratedProgress(
    std::string_view tasks_csv, uint32_t seed = kDefaultSeed);

// The Sở's deadlines as one report cycle of kSoPlanDocument every commune
// answers ("han-bao-cao-2025-2026": fixed dates, from 1 August 2025).
absl::StatusOr<v1::CreateReportCycleRequest> DemoReportCycle(
    std::string_view deadlines_csv);

// The communes' reports to DemoReportCycle(), for the commune-level units
// among `units_csv` (the registry's import format, header id,kind,...;
// the demo's lists only today's communes), in file order, each in one of four patterns by position: every
// report two days early; the first early and the second a week late; the
// first late and nothing since; nothing at all. Only due dates before
// `today` are answered.
absl::StatusOr<std::vector<v1::SubmitReportRequest>> DemoReportSubmissions(
    std::string_view deadlines_csv, std::string_view units_csv,
    absl::CivilDay today);

}  // namespace hpedu::plans::demo

#endif  // HPEDU_SERVICES_PLANS_DEMO_DEMO_PLANS_H_
