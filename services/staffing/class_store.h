// The classes aggregate's repository: schools' classes and pupils by
// school year, grade and sessions a day (the import file, the listing and
// the counts the balances are computed from). PostgreSQL: class_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe.
#ifndef HPEDU_SERVICES_STAFFING_CLASS_STORE_H_
#define HPEDU_SERVICES_STAFFING_CLASS_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "libs/server/call_context.h"
#include "services/staffing/balance.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/staff_store.h"

namespace hpedu::staffing {

class ClassStore {
 public:
  virtual ~ClassStore() = default;

  virtual absl::StatusOr<ImportCounts> ImportClasses(
      const server::CallContext& call, const std::vector<ClassLine>& lines,
      bool validate_only) = 0;

  // Classes of `school_year` in `schools` (every school when empty), by
  // school, grade, sessions.
  virtual absl::StatusOr<std::vector<v1::SchoolClasses>> ListClasses(
      const server::CallContext& call, const std::string& school_year,
      const std::vector<std::string>& schools) = 0;

  // Every school's classes of a year.
  virtual absl::StatusOr<std::vector<ClassCount>> CountClasses(
      const server::CallContext& call, const std::string& school_year) = 0;
};

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_CLASS_STORE_H_
