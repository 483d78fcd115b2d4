#include "services/plans/report_cycle_store.h"

#include <utility>

#include "absl/strings/str_split.h"
#include "libs/status/status_macros.h"

namespace hpedu::plans {

absl::StatusOr<std::vector<CycleReports>> ListAllCycleReports(
    const server::CallContext& call, ReportCycleStore& store) {
  std::vector<CycleReports> all;
  ReportCycleStore::CyclePage page{.more = true};
  std::string after_document, after_id;
  while (page.more) {
    ASSIGN_OR_RETURN(
        page, store.ListReportCycles(call, "", after_document, after_id, 100));
    for (StoredCycle& listed : page.cycles) {
      // documents/{document}/reportCycles/{cycle}
      const std::vector<std::string> parts =
          absl::StrSplit(listed.cycle.name(), '/');
      after_document = parts[1];
      after_id = parts[3];
      CycleReports& reports = all.emplace_back();
      reports.stored = std::move(listed);
      ASSIGN_OR_RETURN(reports.submitted,
                       store.ListSubmissions(call, after_document, after_id));
    }
  }
  return all;
}

}  // namespace hpedu::plans
