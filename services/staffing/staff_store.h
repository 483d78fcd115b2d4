// The staff aggregate's repository: staff records, their placements,
// qualifications and movements, the roster import, and the counts of staff
// the reports need. An abstract interface so the service is written
// against the contract; the PostgreSQL implementation is staff_store_pg.h.
// The other aggregates: class_store.h, norm_store.h, quota_store.h. Every
// write is one method, one transaction (the place an audit record joins
// it).
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe.
#ifndef HPEDU_SERVICES_STAFFING_STAFF_STORE_H_
#define HPEDU_SERVICES_STAFFING_STAFF_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "libs/server/call_context.h"
#include "services/staffing/balance.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {

struct StaffQuery {
  // Placed in one of these schools on `day`; every school when empty.
  std::vector<std::string> schools;
  absl::CivilDay day;
  v1::Position position = v1::POSITION_UNSPECIFIED;
  std::string level;
  std::string after_id;  // keyset: ids greater than this
  int page_size = 50;
};

struct StaffUpdate {
  std::string id;
  std::string etag;  // empty: no check
  std::vector<std::string> paths;
  v1::StaffMember fields;
};

struct ImportCounts {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
};

// Teachers of a school and level on a day by their highest qualification
// held then (QUALIFICATION_UNSPECIFIED: none recorded).
struct QualificationCount {
  std::string school;
  std::string level;
  v1::Qualification qualification = v1::QUALIFICATION_UNSPECIFIED;
  int64_t teachers = 0;
};

struct HeadcountRow {
  std::string school;
  v1::Position position = v1::POSITION_UNSPECIFIED;
  v1::Employment employment = v1::EMPLOYMENT_UNSPECIFIED;
  std::string level;
  int64_t count = 0;
};

class StaffStore {
 public:
  virtual ~StaffStore() = default;

  // The record with its placement and standard status on `day`.
  // NOT_FOUND if there is none.
  virtual absl::StatusOr<v1::StaffMember> GetStaff(
      const server::CallContext& call, const std::string& id,
      absl::CivilDay day) = 0;
  // One page by id, and whether more follow.
  virtual absl::StatusOr<std::pair<std::vector<v1::StaffMember>, bool>>
  ListStaff(const server::CallContext& call, const StaffQuery& query) = 0;
  // A new record with its qualification and APPOINTMENT to `placement` on
  // `start`. A `request_id` that created one before returns it;
  // ALREADY_EXISTS if the id is taken.
  virtual absl::StatusOr<v1::StaffMember> CreateStaff(
      const server::CallContext& call, const std::string& id,
      const v1::StaffMember& member, const v1::Placement& placement,
      absl::CivilDay start, const std::string& decision,
      const std::string& request_id) = 0;
  // NOT_FOUND; ABORTED on a stale etag.
  virtual absl::StatusOr<v1::StaffMember> UpdateStaff(
      const server::CallContext& call, const StaffUpdate& update) = 0;

  // Closes and opens placements as the (validated) movement says.
  // NOT_FOUND for an unknown person; FAILED_PRECONDITION when the movement
  // does not fit the placements (not placed, or not after the last move).
  virtual absl::StatusOr<v1::Movement> CreateMovement(
      const server::CallContext& call, const std::string& staff_id,
      const v1::Movement& movement, const std::string& request_id) = 0;
  virtual absl::StatusOr<std::vector<v1::Movement>> ListMovements(
      const server::CallContext& call, const std::string& staff_id) = 0;

  // All or nothing; with validate_only nothing is written but the counts
  // and line errors are the same.
  virtual absl::StatusOr<ImportCounts> ImportRoster(
      const server::CallContext& call, const std::vector<RosterLine>& lines,
      bool validate_only) = 0;

  // What the reports need, for every school, in one snapshot each.
  virtual absl::StatusOr<std::vector<TeacherCount>> CountTeachers(
      const server::CallContext& call, absl::CivilDay day) = 0;
  virtual absl::StatusOr<std::vector<QualificationCount>> CountQualifications(
      const server::CallContext& call, absl::CivilDay day) = 0;
  virtual absl::StatusOr<std::vector<HeadcountRow>> CountHeadcount(
      const server::CallContext& call, absl::CivilDay day) = 0;
  // Up to `limit` teachers of a school, level and subject ("" any) on
  // `day`: contract staff after permanent, the latest placed first (the
  // least settled).
  virtual absl::StatusOr<std::vector<std::string>> TransferCandidates(
      const server::CallContext& call, const std::string& school,
      const std::string& level, const std::string& subject, absl::CivilDay day,
      int limit) = 0;
};

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_STAFF_STORE_H_
