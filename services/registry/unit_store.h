// The registry's repository: where units live. An abstract interface so the
// service is written against the contract, not against PostgreSQL; the
// implementation is unit_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe.
#ifndef HPEDU_SERVICES_REGISTRY_UNIT_STORE_H_
#define HPEDU_SERVICES_REGISTRY_UNIT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "libs/server/call_context.h"
#include "services/registry/unit_import.h"

namespace hpedu::registry {

// Where a page of a listing ends: the sort keys of its last unit.
struct UnitListPosition {
  std::string display_name;
  std::string id;
};

// A validated ListUnits request.
struct UnitListQuery {
  // UNIT_KIND_UNSPECIFIED: every kind.
  v1::UnitKind kind = v1::UNIT_KIND_UNSPECIFIED;
  // Only units directly under this id; empty: any parent.
  std::string parent_id;
  // Only schools teaching this level; SCHOOL_LEVEL_UNSPECIFIED: no filter.
  v1::SchoolLevel level = v1::SCHOOL_LEVEL_UNSPECIFIED;
  // Only units valid on this day; nullopt: units of every date.
  std::optional<absl::CivilDay> valid_on;
  // FoldForSearch of the query, matched as a substring of the folded
  // display name; empty: no search.
  std::string folded_search;
  // 1..1000.
  int page_size = 50;
  // Start strictly after this unit; nullopt: from the first.
  std::optional<UnitListPosition> after;
};

struct UnitPage {
  // In Vietnamese order of display_name, then id.
  std::vector<v1::Unit> units;
  // True if more units follow the last one.
  bool more = false;
  // The number of units matching the query's filters, over all pages.
  int total_size = 0;
};

// A validated UpdateUnit request: the fields to change.
struct UnitUpdate {
  std::string id = "";
  // Empty: no check; otherwise must be the unit's current etag.
  std::string etag = "";
  // Each field is left as it is when nullopt.
  std::optional<std::string> display_name = std::nullopt;
  // The parent's id; empty string: no parent.
  std::optional<std::string> parent_id = std::nullopt;
  std::optional<v1::SchoolDetails> school = std::nullopt;
  std::optional<v1::AgencyDetails> agency = std::nullopt;
};

class UnitStore {
 public:
  virtual ~UnitStore() = default;

  // The unit with `id`. NOT_FOUND if there is none.
  virtual absl::StatusOr<v1::Unit> GetUnit(const server::CallContext& call,
                                           const std::string& id) = 0;

  // The units with `ids`, in that order (an id may repeat). NOT_FOUND naming
  // every missing unit if any is missing.
  virtual absl::StatusOr<std::vector<v1::Unit>> BatchGetUnits(
      const server::CallContext& call, const std::vector<std::string>& ids) = 0;

  // One page of the units matching `query`, and their total number.
  virtual absl::StatusOr<UnitPage> ListUnits(const server::CallContext& call,
                                             const UnitListQuery& query) = 0;

  // Creates `row.unit` (its name gives the id; the row must have passed
  // ValidateUnitFields), links and closes its predecessors, all in one
  // transaction. With a non-empty `request_id` that created a unit before,
  // returns that unit and changes nothing. ALREADY_EXISTS if the id is
  // taken; INVALID_ARGUMENT with violations on "unit.parent" or
  // "unit.predecessors[i]" if they do not exist or do not fit the dates.
  virtual absl::StatusOr<v1::Unit> CreateUnit(const server::CallContext& call,
                                              const UnitRow& row,
                                              const std::string& request_id) = 0;

  // Applies `update`. NOT_FOUND if the unit does not exist; ABORTED if the
  // etag is stale; INVALID_ARGUMENT if the parent does not exist or would
  // make a cycle, or the details do not fit the unit's kind.
  virtual absl::StatusOr<v1::Unit> UpdateUnit(const server::CallContext& call,
                                              const UnitUpdate& update) = 0;

  // Every unit whose NameKey is `name_key` or whose ShortNameKey is
  // `short_key`, of any date, and every unit reachable from them through
  // successors: what ResolveName needs.
  virtual absl::StatusOr<std::vector<v1::Unit>> FindResolveCandidates(
      const server::CallContext& call, const std::string& name_key,
      const std::string& short_key) = 0;

  // Creates or updates `rows` (from ParseUnitsCsv, in dependency order) in
  // one transaction, all or nothing; with `validate_only`, only counts.
  // INVALID_ARGUMENT with line-numbered violations on "csv_content" for rows
  // that contradict the stored units (see PlanUnitChanges).
  virtual absl::StatusOr<ImportCounts> ImportUnits(
      const server::CallContext& call, const std::vector<UnitRow>& rows,
      bool validate_only) = 0;
};

}  // namespace hpedu::registry

#endif  // HPEDU_SERVICES_REGISTRY_UNIT_STORE_H_
