// The plans service's status reports: a task's history of reported state
// and progress. An abstract interface; the implementation is
// status_report_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe. Inputs have been
// validated (plan_validation.h).
#ifndef HPEDU_SERVICES_PLANS_STATUS_REPORT_STORE_H_
#define HPEDU_SERVICES_PLANS_STATUS_REPORT_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/server/call_context.h"

namespace hpedu::plans {

struct ReportPage {
  std::vector<v1::StatusReport> reports;  // newest first
  bool more = false;
};

class StatusReportStore {
 public:
  virtual ~StatusReportStore() = default;

  // Appends `report` (state, progress, evidence, report_date set) to the
  // task's history and makes it the task's state; DONE after the deadline
  // is stored as DONE_LATE (StateForReport), with progress 100
  // (ReportedProgress). NOT_FOUND if the task is missing.
  virtual absl::StatusOr<v1::StatusReport> CreateStatusReport(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, const v1::StatusReport& report) = 0;

  // Reports with an id below `before_id` (0: from the newest). NOT_FOUND if
  // the task is missing.
  virtual absl::StatusOr<ReportPage> ListStatusReports(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, int page_size, int64_t before_id) = 0;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_STATUS_REPORT_STORE_H_
