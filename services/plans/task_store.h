// The plans service's tasks "6 rõ": a document's tasks, their cascade to
// the communes, the chasing candidates and the import of a tasks file. An
// abstract interface; the implementation is task_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe. Inputs have been
// validated (plan_validation.h) and agencies resolved by the caller.
#ifndef HPEDU_SERVICES_PLANS_TASK_STORE_H_
#define HPEDU_SERVICES_PLANS_TASK_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/server/call_context.h"
#include "services/plans/chasing.h"
#include "services/plans/document_store.h"
#include "services/plans/task_time.h"

namespace hpedu::plans {

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

class TaskStore {
 public:
  virtual ~TaskStore() = default;

  // Creates a task. Idempotent by request_id; NOT_FOUND if the document is
  // missing, ALREADY_EXISTS if the id is taken.
  virtual absl::StatusOr<v1::Task> CreateTask(const server::CallContext& call,
                                              const TaskRow& row,
                                              const std::string& request_id) = 0;

  // NOT_FOUND if absent.
  virtual absl::StatusOr<v1::Task> GetTask(const server::CallContext& call,
                                           const std::string& document_id,
                                           const std::string& id) = 0;

  // NOT_FOUND if the document is missing.
  virtual absl::StatusOr<TaskPage> ListTasks(const server::CallContext& call,
                                             const TaskListQuery& query) = 0;

  // Applies `update` (ApplyTaskUpdate). NOT_FOUND, ABORTED on a stale etag.
  virtual absl::StatusOr<v1::Task> UpdateTask(const server::CallContext& call,
                                              const TaskUpdate& update) = 0;

  // Creates one child of the task (CascadedChild) per commune in
  // `commune_names` that has none yet, in one transaction.
  // FAILED_PRECONDITION if the task is itself a cascaded child; NOT_FOUND if
  // it is missing.
  virtual absl::StatusOr<CascadeResult> CascadeTask(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id, const std::vector<std::string>& commune_names) = 0;

  // The open tasks that may be overdue or due by `last_due` (as_of + the
  // window): dated ones with due_date <= last_due, every yearly one, and
  // (counted only) those without a deadline. `document_id` empty: all.
  virtual absl::StatusOr<std::vector<ChasingCandidate>> ListChasingCandidates(
      const server::CallContext& call, absl::CivilDay last_due,
      const std::string& document_id) = 0;

  // Creates or updates the document's tasks from `rows`, all or nothing;
  // with validate_only, only counts. NOT_FOUND if the document is missing;
  // INVALID_ARGUMENT (line-numbered) if a row's id is a cascaded child.
  virtual absl::StatusOr<ImportCounts> ImportTasks(
      const server::CallContext& call, const std::string& document_id,
      const std::vector<TaskRow>& rows, bool validate_only) = 0;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_TASK_STORE_H_
