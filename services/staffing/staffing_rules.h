// The staffing service's rules as pure functions over data: levels and
// grades, decimals in thousandths, which norm applies to a class, and how a
// qualification compares with the training standard. Norms and standards
// are rows (dated, from circulars), never constants here. No I/O.
#ifndef HPEDU_SERVICES_STAFFING_STAFFING_RULES_H_
#define HPEDU_SERVICES_STAFFING_STAFFING_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/staffing/v1/staffing.pb.h"

namespace hpedu::staffing {

// The levels staffed by norms, in order: MN, TH, THCS, THPT.
const std::vector<std::string>& Levels();
bool IsLevel(std::string_view level);

// The level of a grade: "NT"/"MG" -> MN, "1".."5" -> TH, "6".."9" -> THCS,
// "10".."12" -> THPT. INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> LevelOfGrade(std::string_view grade,
                                         std::string_view field);

// "2025-2026" -> 2025. INVALID_ARGUMENT on `field` unless the second year
// follows the first.
absl::StatusOr<int> ParseSchoolYear(std::string_view school_year,
                                    std::string_view field);
// The day figures of a school year are counted on by default: the opening
// day, 5 September of its first year.
absl::CivilDay SchoolYearReferenceDay(int first_year);

// A non-negative decimal with at most 3 places, in thousandths: "1.5" ->
// 1500. INVALID_ARGUMENT on `field` otherwise (or above 1000).
absl::StatusOr<int64_t> ParseMilli(std::string_view text,
                                   std::string_view field);
// 1500 -> "1.500"; always three places.
std::string FormatMilli(int64_t milli);
// Rounded half up to a whole number: 23500 -> 24, 23499 -> 23.
int64_t RoundMilli(int64_t milli);

// One staffing norm (a Norm row).
struct NormRule {
  int64_t id = 0;
  std::string level;
  std::string grade;         // empty: every grade of the level
  int sessions_per_day = 0;  // 0: any
  std::string subject;       // empty: every teacher of the level
  int64_t teachers_per_class_milli = 0;
  int max_pupils_per_class = 0;
  absl::CivilDay valid_from;
  std::optional<absl::CivilDay> valid_until;  // exclusive
  std::string source;
};

bool ValidOn(const NormRule& norm, absl::CivilDay day);

// The norm of `subject` ("" for the level's teachers) for classes of
// `grade` at `level` taught `sessions` a day, valid on `day`: the most
// specific one (a grade's own over the level's, a sessions' own over any).
// nullptr if none.
const NormRule* FindNorm(const std::vector<NormRule>& norms,
                         std::string_view level, std::string_view grade,
                         int sessions, std::string_view subject,
                         absl::CivilDay day);

// The subjects with a norm of their own at `level` on `day`, sorted.
std::vector<std::string> SubjectsWithNorms(const std::vector<NormRule>& norms,
                                           std::string_view level,
                                           absl::CivilDay day);

// One training standard row.
struct StandardRule {
  int64_t id = 0;
  std::string level;
  v1::Qualification minimum = v1::QUALIFICATION_UNSPECIFIED;
  absl::CivilDay valid_from;
  std::optional<absl::CivilDay> valid_until;
  std::string source;
};

bool ValidOn(const StandardRule& standard, absl::CivilDay day);

// A teacher of `level` holding `qualification` on `day`, against the
// standard valid then. UNSPECIFIED when no standard is valid for the level
// that day; BELOW for no known qualification.
v1::StandardStatus Classify(const std::vector<StandardRule>& standards,
                            std::string_view level,
                            v1::Qualification qualification,
                            absl::CivilDay day);

// A new norm (standard) valid from `valid_from` ends the open one of its
// key, valid from `open_from`: FAILED_PRECONDITION (NORM_NOT_NEWER /
// STANDARD_NOT_NEWER) unless it starts after it.
absl::Status CheckNewerNorm(absl::CivilDay open_from, absl::CivilDay valid_from);
absl::Status CheckNewerStandard(absl::CivilDay open_from,
                                absl::CivilDay valid_from);

// Whether a movement of `kind` on `day` fits the placements of staff/
// `staff_id`: `open_from` is the start of the open placement (none if not
// placed), `last_left` the end of the last closed one (none if never
// left). An APPOINTMENT needs no open placement and a day not before the
// last leaving; every other kind an open placement it follows.
// FAILED_PRECONDITION (MOVEMENT_CONFLICT) otherwise.
absl::Status CheckMovementFits(const std::string& staff_id,
                               v1::MovementKind kind,
                               std::optional<absl::CivilDay> open_from,
                               std::optional<absl::CivilDay> last_left,
                               absl::CivilDay day);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_STAFFING_RULES_H_
