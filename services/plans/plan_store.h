// The plans service's repository: documents, their tasks, and status
// reports. An abstract interface so the service is written against the
// contract; the implementation is plan_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe. Inputs have been
// validated (plan_validation.h) and agencies resolved by the caller.
#ifndef HPEDU_SERVICES_PLANS_PLAN_STORE_H_
#define HPEDU_SERVICES_PLANS_PLAN_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/server/call_context.h"
#include "services/plans/chasing.h"
#include "services/plans/report_cycles.h"
#include "services/plans/task_time.h"

namespace hpedu::plans {

// A document to create: `document` is normalized, with issuer and commune
// resolved; `implements_ids` are the ids of document.implements.
struct DocumentRow {
  int line = 0;  // the CSV line; 0 for CreateDocument
  std::string id;
  v1::Document document;
  std::vector<std::string> implements_ids;
};

struct DocumentPage {
  std::vector<v1::Document> documents;  // by id
  bool more = false;
};

// A validated UpdateDocument: each field left as it is when nullopt.
struct DocumentUpdate {
  std::string id;
  std::string etag;
  std::optional<std::string> title;
  std::optional<std::vector<std::string>> implements_ids;
  std::optional<std::vector<std::string>> targets;
};

// A task to create or import. `task` is normalized with lead_agency
// resolved; `time` is what task.time.text parsed to.
struct TaskRow {
  int line = 0;  // the CSV line; 0 for CreateTask
  std::string document_id;
  std::string id;
  v1::Task task;
  ParsedTime time;
};

struct TaskListPosition {
  std::string group;
  int ordinal = 0;
  std::string id;
};

struct TaskListQuery {
  std::string document_id;
  bool include_cascaded = false;
  int page_size = 50;
  std::optional<TaskListPosition> after;
};

struct TaskPage {
  std::vector<v1::Task> tasks;  // by group, number, id
  bool more = false;
};

// A validated UpdateTask: each field left as it is when nullopt.
struct TaskUpdate {
  std::string document_id;
  std::string id;
  std::string etag;
  std::optional<std::string> group;
  std::optional<std::string> number;
  std::optional<std::string> content;
  std::optional<std::string> coordinating;
  std::optional<std::string> product;
  std::optional<std::string> approving_level;
  std::optional<std::string> time_text;
  std::optional<ParsedTime> time;
};

struct CascadeResult {
  int created = 0;
  int existing = 0;
  v1::Task parent;
};

struct ReportPage {
  std::vector<v1::StatusReport> reports;  // newest first
  bool more = false;
};

// One document of a coverage tree.
struct CoverageDocument {
  std::string id;
  std::string number;
  std::string commune_id;                   // empty if not a commune's
  std::vector<std::string> implemented_ids; // the links inside the tree
};

struct ImportCounts {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
};

// A report cycle as stored, and its schedule.
struct StoredCycle {
  v1::ReportCycle cycle;
  CycleSpec spec;
};

// (unit name, due date) -> the day the unit's first submission came.
using SubmissionDays =
    std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay>;

class PlanStore {
 public:
  virtual ~PlanStore() = default;

  // Creates a document and its links in one transaction. With a request_id
  // that created a document before, returns that one. ALREADY_EXISTS if the
  // id or number is taken; INVALID_ARGUMENT on "document.implements[i]" for
  // a document that does not exist.
  virtual absl::StatusOr<v1::Document> CreateDocument(
      const server::CallContext& call, const DocumentRow& row,
      const std::string& request_id) = 0;

  // NOT_FOUND if absent.
  virtual absl::StatusOr<v1::Document> GetDocument(
      const server::CallContext& call, const std::string& id) = 0;

  // Documents after `after_id` (empty: from the first), by id.
  virtual absl::StatusOr<DocumentPage> ListDocuments(
      const server::CallContext& call, int page_size,
      const std::string& after_id) = 0;

  // NOT_FOUND, ABORTED on a stale etag, INVALID_ARGUMENT on
  // "document.implements" if an implemented document is missing or the new
  // links would make a cycle (the document would implement itself through
  // others).
  virtual absl::StatusOr<v1::Document> UpdateDocument(
      const server::CallContext& call, const DocumentUpdate& update) = 0;

  // Creates a task. Idempotent by request_id; NOT_FOUND if the document is
  // missing, ALREADY_EXISTS if the id is taken.
  virtual absl::StatusOr<v1::Task> CreateTask(const server::CallContext& call,
                                              const TaskRow& row,
                                              const std::string& request_id) = 0;

  virtual absl::StatusOr<v1::Task> GetTask(const server::CallContext& call,
                                           const std::string& document_id,
                                           const std::string& id) = 0;

  // NOT_FOUND if the document is missing.
  virtual absl::StatusOr<TaskPage> ListTasks(const server::CallContext& call,
                                             const TaskListQuery& query) = 0;

  // NOT_FOUND, ABORTED on a stale etag.
  virtual absl::StatusOr<v1::Task> UpdateTask(const server::CallContext& call,
                                              const TaskUpdate& update) = 0;

  // Creates one child of the task per commune in `commune_names` that has
  // none yet, in one transaction. FAILED_PRECONDITION if the task is itself
  // a cascaded child; NOT_FOUND if it is missing.
  virtual absl::StatusOr<CascadeResult> CascadeTask(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id, const std::vector<std::string>& commune_names) = 0;

  // Appends `report` (state, progress, evidence, report_date set) to the
  // task's history and makes it the task's state; DONE after the deadline
  // is stored as DONE_LATE. NOT_FOUND if the task is missing.
  virtual absl::StatusOr<v1::StatusReport> CreateStatusReport(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, const v1::StatusReport& report) = 0;

  // Reports with an id below `before_id` (0: from the newest).
  virtual absl::StatusOr<ReportPage> ListStatusReports(
      const server::CallContext& call, const std::string& document_id,
      const std::string& task_id, int page_size, int64_t before_id) = 0;

  // The open tasks that may be overdue or due by `last_due` (as_of + the
  // window): dated ones with due_date <= last_due, every yearly one, and
  // (counted only) those without a deadline. `document_id` empty: all.
  virtual absl::StatusOr<std::vector<ChasingCandidate>> ListChasingCandidates(
      const server::CallContext& call, absl::CivilDay last_due,
      const std::string& document_id) = 0;

  // The document and every document implementing it, directly or not.
  // NOT_FOUND if the document is missing.
  virtual absl::StatusOr<std::vector<CoverageDocument>> CoverageTree(
      const server::CallContext& call, const std::string& document_id) = 0;

  // Creates or updates the document's tasks from `rows`, all or nothing;
  // with validate_only, only counts. NOT_FOUND if the document is missing;
  // INVALID_ARGUMENT (line-numbered) if a row's id is a cascaded child.
  // Creates the documents of `rows` (in dependency order) that are not
  // stored yet, all or nothing; with validate_only, only counts. A stored
  // document (same id) must agree on number, kind, level, issuer and title
  // and counts as unchanged. INVALID_ARGUMENT (line-numbered) if it does
  // not, or if an implemented document is neither stored nor earlier in
  // `rows`.
  virtual absl::StatusOr<ImportCounts> ImportDocuments(
      const server::CallContext& call, const std::vector<DocumentRow>& rows,
      bool validate_only) = 0;

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

  // Records `submission` (validated against the cycle) unless the unit
  // already submitted for that due date; returns the submission that
  // counts.
  virtual absl::StatusOr<v1::Submission> CreateSubmission(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id, const v1::Submission& submission) = 0;

  virtual absl::StatusOr<SubmissionDays> ListSubmissions(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id) = 0;

  virtual absl::StatusOr<ImportCounts> ImportTasks(
      const server::CallContext& call, const std::string& document_id,
      const std::vector<TaskRow>& rows, bool validate_only) = 0;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_PLAN_STORE_H_
