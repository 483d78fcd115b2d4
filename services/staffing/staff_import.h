// The two import files: a school's staff roster and the classes/pupils
// file. Parsing and checking every line against the registry's schools
// (all errors reported at once, line-numbered; a bad file writes
// nothing), and writing them back (demo data, round trips). No I/O.
//
// Roster header:
//   staff_id,school,display_name,birth_year,sex,position,level,subject,
//   employment,qualification,qualification_date,start_date,generated
// Classes header:
//   school,school_year,grade,sessions_per_day,classes,pupils,generated
// Error messages quote ids and codes, never names or birth years.
#ifndef HPEDU_SERVICES_STAFFING_STAFF_IMPORT_H_
#define HPEDU_SERVICES_STAFFING_STAFF_IMPORT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/staffing/v1/staffing.pb.h"
#include "services/staffing/org_units.h"

namespace hpedu::staffing {

struct RosterLine {
  int line = 0;
  std::string staff_id;
  std::string display_name;
  int birth_year = 0;
  v1::Sex sex = v1::SEX_UNSPECIFIED;
  v1::Employment employment = v1::EMPLOYMENT_UNSPECIFIED;
  v1::Qualification qualification = v1::QUALIFICATION_UNSPECIFIED;
  std::optional<absl::CivilDay> qualification_date;
  // school, position, level, subject.
  v1::Placement placement;
  absl::CivilDay start_date;
  bool generated = false;
};

struct ClassLine {
  int line = 0;
  v1::SchoolClasses classes;  // school as an id, not a name
};

// The roster in `content`. Every line's school must be a school of
// `directory` teaching the line's level, and `school` when not empty; each
// staff_id at most once. INVALID_ARGUMENT on csv_content otherwise.
absl::StatusOr<std::vector<RosterLine>> ParseRosterCsv(
    std::string_view content, const OrgDirectory& directory,
    const std::string& school);

absl::StatusOr<std::vector<ClassLine>> ParseClassesCsv(
    std::string_view content, const OrgDirectory& directory);

std::string FormatRosterCsv(const std::vector<RosterLine>& lines);
std::string FormatClassesCsv(const std::vector<v1::SchoolClasses>& classes);

// Shared with request validation: the enum values of the files, accepting
// the Vietnamese words too ("Nữ", "Nam", "giáo viên", "biên chế"...).
std::optional<v1::Sex> ParseSex(std::string_view text);
std::optional<v1::Position> ParsePosition(std::string_view text);
std::optional<v1::Employment> ParseEmployment(std::string_view text);
std::optional<v1::Qualification> ParseQualification(std::string_view text);
// Subjects are slugs: [a-z0-9-], at most 40 characters (may be empty).
bool IsValidSubject(std::string_view subject);
// A placement's own checks (position, level, subject, a known school
// teaching the level), as violations on `prefix` + field.
void CheckPlacement(const v1::Placement& placement,
                    const OrgDirectory& directory, std::string_view prefix,
                    std::vector<std::pair<std::string, std::string>>& problems);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_STAFF_IMPORT_H_
