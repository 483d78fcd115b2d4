// Units written in bulk or one by one: parsing the import CSV, and planning
// what a set of new or changed units does to the stored ones. Pure logic, no
// I/O; the store loads the stored units, asks PlanUnitChanges, and writes the
// plan. CreateUnit is a one-row plan, so both paths check the same rules.
//
// The CSV header (ImportUnitsRequest):
//   id,kind,display_name,parent,valid_from,predecessors,levels,ownership,
//   agency_role,short_name,generated
// parent and predecessors are unit ids (`hai-phong`) or names
// (`units/hai-phong`); lists are separated by ';'; kind, levels, ownership
// and agency_role are the proto enum value names; generated is true/false or
// empty (false); valid_from is YYYY-MM-DD.
#ifndef HPEDU_SERVICES_REGISTRY_UNIT_IMPORT_H_
#define HPEDU_SERVICES_REGISTRY_UNIT_IMPORT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/registry/v1/unit.pb.h"

namespace hpedu::registry {

// The columns of the import CSV, in order.
inline constexpr std::string_view kUnitCsvColumns[] = {
    "id",           "kind",      "display_name", "parent",
    "valid_from",   "predecessors", "levels",    "ownership",
    "agency_role",  "short_name", "generated"};

// A unit to create or update, as the client wrote it: name, kind,
// display_name (NFC), parent, valid_from, predecessors, details, generated.
struct UnitRow {
  // The CSV line it came from; 0 for a CreateUnit request.
  int line = 0;
  v1::Unit unit;
};

struct ImportCounts {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
};

// Parses and checks an import file, reporting every bad line: INVALID_ARGUMENT
// with one violation on "csv_content" per error, "dòng L, cột C: ...".
// Returns the rows in dependency order: a row comes after the rows of its
// parent and predecessors when they are in the file (file order otherwise).
absl::StatusOr<std::vector<UnitRow>> ParseUnitsCsv(std::string_view content);

// Writes `units` as an import CSV (header and one line per unit), the
// inverse of ParseUnitsCsv.
std::string FormatUnitsCsv(const std::vector<v1::Unit>& units);

// Something wrong with a row given the stored units.
struct UnitProblem {
  size_t row = 0;     // index into the rows
  std::string field;  // relative to the unit: "parent", "predecessors[1]"
  std::string message;
};

struct PlannedChange {
  enum class Action { kCreate, kUpdate, kUnchanged };
  Action action = Action::kUnchanged;
  size_t row = 0;
};

// A predecessor to close: valid_until set to `day`.
struct PlannedClosure {
  std::string id;
  absl::CivilDay day;
};

struct UnitPlan {
  // One per row, in row order.
  std::vector<PlannedChange> changes;
  std::vector<PlannedClosure> closures;
  ImportCounts counts;
  // Empty if the plan can be written.
  std::vector<UnitProblem> problems;
};

// Plans `rows` (in dependency order) against `stored`, the stored units the
// rows name or refer to, by id. A row whose unit is stored updates its
// mutable fields (display_name, parent, details) or is unchanged; its
// immutable ones (kind, valid_from, predecessors, generated) must not differ.
// A new row's parent must be stored or come earlier; each predecessor must
// be stored or come earlier and exist the day before the new unit's
// valid_from; a predecessor still open is closed on that day.
UnitPlan PlanUnitChanges(const std::vector<UnitRow>& rows,
                         const std::map<std::string, v1::Unit>& stored);

// The problems of an import as line-numbered errors on "csv_content".
absl::Status ImportProblemsToStatus(const std::vector<UnitRow>& rows,
                                    const std::vector<UnitProblem>& problems);

// The CSV column of a unit field path: "school.levels" -> "levels",
// "predecessors[2]" -> "predecessors", "name" -> "id".
std::string CsvColumnOfField(std::string_view field);

// The id of a unit resource name that has been validated.
std::string UnitIdOf(std::string_view name);

}  // namespace hpedu::registry

#endif  // HPEDU_SERVICES_REGISTRY_UNIT_IMPORT_H_
