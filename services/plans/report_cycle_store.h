// The plans service's report cycles (kỳ báo cáo) and the units'
// submissions. An abstract interface; the implementation is
// report_cycle_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe. Inputs have been
// validated (plan_validation.h) and units resolved by the caller.
#ifndef HPEDU_SERVICES_PLANS_REPORT_CYCLE_STORE_H_
#define HPEDU_SERVICES_PLANS_REPORT_CYCLE_STORE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/server/call_context.h"
#include "services/plans/report_cycles.h"

namespace hpedu::plans {

// A report cycle as stored, and its schedule.
struct StoredCycle {
  v1::ReportCycle cycle;
  CycleSpec spec;
};

// (unit name, due date) -> the day the unit's first submission came.
using SubmissionDays =
    std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay>;

class ReportCycleStore {
 public:
  virtual ~ReportCycleStore() = default;

  // Creates a report cycle (validated; reporting_units resolved).
  // NOT_FOUND if the document is missing, ALREADY_EXISTS if the id is
  // taken.
  virtual absl::StatusOr<v1::ReportCycle> CreateReportCycle(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id, const v1::ReportCycle& cycle) = 0;

  // NOT_FOUND if absent.
  virtual absl::StatusOr<StoredCycle> GetReportCycle(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id) = 0;

  // Up to `page_size` cycles after (after_document, after_id) in (document,
  // id) order, with their schedules, of `document_id` or, if empty, of
  // every document; `more` if there are others after them.
  struct CyclePage {
    std::vector<StoredCycle> cycles;
    bool more = false;
  };
  virtual absl::StatusOr<CyclePage> ListReportCycles(
      const server::CallContext& call, const std::string& document_id,
      const std::string& after_document, const std::string& after_id,
      int page_size) = 0;

  // Records `submission` (validated against the cycle) unless the unit
  // already submitted for that due date; returns the submission that
  // counts.
  virtual absl::StatusOr<v1::Submission> CreateSubmission(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id, const v1::Submission& submission) = 0;

  // Every submission of the cycle, first ones only.
  virtual absl::StatusOr<SubmissionDays> ListSubmissions(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id) = 0;
};

// A report cycle with its schedule and what was submitted.
struct CycleReports {
  StoredCycle stored;
  SubmissionDays submitted;
};

// Every cycle of every document, with its submissions, read from `store`
// a page at a time: what the scheduled jobs (mark-late, queue-reminders)
// look at.
absl::StatusOr<std::vector<CycleReports>> ListAllCycleReports(
    const server::CallContext& call, ReportCycleStore& store);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_REPORT_CYCLE_STORE_H_
