// Teachers meeting the training standard, summed per org unit and level:
// the figures of GetTrainingStandardShares and of indicators 10-13, which
// the staffing service computes for the indicators service
// (IndicatorSourceService). Pure; no I/O.
#ifndef HPEDU_SERVICES_STAFFING_TRAINING_SHARES_H_
#define HPEDU_SERVICES_STAFFING_TRAINING_SHARES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/staffing/org_units.h"
#include "services/staffing/staff_store.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {

// Teachers of one unit and level against the standard valid on the day.
struct TrainingSum {
  int64_t teachers = 0;
  // Meeting or above the standard.
  int64_t meeting = 0;
  int64_t below = 0;
  int64_t above = 0;
};

// (unit id, level) -> sums.
using TrainingSums = std::map<std::pair<std::string, std::string>, TrainingSum>;

// The teachers of `counts` (taken on `day`) whose school is in `unit_of`
// (school id -> the unit it is summed into), classified against
// `standards` on `day`. Teachers of a level without a standard valid that
// day count among teachers only.
TrainingSums SumTrainingStandard(
    const std::vector<StandardRule>& standards,
    const std::vector<QualificationCount>& counts,
    const std::map<std::string, std::string>& unit_of, absl::CivilDay day);

// `part` of `whole` in percent with two decimals, rounded half up
// ("33.33"); "" when `whole` is 0.
std::string SharePercent(int64_t part, int64_t whole);

// One unit's value of a training indicator: teachers of the level meeting
// the standard, of all its teachers.
struct IndicatorShare {
  std::string unit;
  int64_t meeting = 0;
  int64_t teachers = 0;
};

// The values of `level` for `units` (all of one kind, so their schools are
// disjoint) on `day`, each unit's own schools summed; units without
// teachers of the level are left out.
std::vector<IndicatorShare> IndicatorShares(
    const std::vector<StandardRule>& standards,
    const std::vector<QualificationCount>& counts,
    const OrgDirectory& directory, const std::vector<std::string>& units,
    const std::string& level, absl::CivilDay day);

// True if a training standard of `level` is valid on `day`.
bool HasStandard(const std::vector<StandardRule>& standards,
                 std::string_view level, absl::CivilDay day);

// The indicators this service computes: HP-10, HP-11, HP-12 and HP-13, the
// share of teachers meeting the training standard at MN, TH, THCS and THPT
// (../shared/data/indicators_2025_2026.csv). The level of `code`; nullopt
// for any other code.
std::optional<std::string> TrainingIndicatorLevel(std::string_view code);

// The day the figures of school year `period` ("2025-2026") are counted
// on: its reference day, the opening day 5 September of its first year
// (SchoolYearReferenceDay), as every school-year figure of this service.
// INVALID_ARGUMENT on `field` for anything but a school year.
absl::StatusOr<absl::CivilDay> TrainingIndicatorDay(std::string_view period,
                                                    std::string_view field);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_TRAINING_SHARES_H_
