// The what-if of Resolution 71's professional allowance (phụ cấp ưu đãi
// nghề): the yearly cost of raising teachers to at least 70% and school
// staff to at least 30%, from the staffing service's headcounts, average
// salary coefficients and the salary base (mức lương cơ sở, configuration
// kept as dated rows). Pure and exact: integer đồng, one rounding per
// group. The handler asks staffing for the counts (staff_headcounts.h).
#ifndef HPEDU_SERVICES_BUDGET_ALLOWANCE_H_
#define HPEDU_SERVICES_BUDGET_ALLOWANCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/budget/v1/budget_service.pb.h"
#include "libs/status/errors.h"

namespace hpedu::budget {

inline constexpr int32_t kTeacherTargetPercent = 70;
inline constexpr int32_t kStaffTargetPercent = 30;

// The salary base in force from a day, and the document that set it.
struct SalaryBase {
  absl::CivilDay effective_from;
  int64_t amount_dong = 0;
  std::string document;
};

// The people of one category and level on a day, as the staffing service
// counts them (TEACHER includes its managers).
struct HeadcountRow {
  v1::StaffCategory category = v1::STAFF_CATEGORY_UNSPECIFIED;
  v1::SubSector sub_sector = v1::SUB_SECTOR_UNSPECIFIED;
  int64_t count = 0;
};

// The counts of one unit on one day, and where they came from in words.
struct StaffHeadcounts {
  std::vector<HeadcountRow> rows;
  std::string source;
};

// "4.32" -> 432 (hundredths). nullopt unless 1 to 2 integer digits and at
// most 2 decimals, > 0.
std::optional<int64_t> ParseCoefficient(std::string_view text);

// The request's own fields, before anyone is asked: adds a violation per
// bad field to `violations` (groups[i].average_coefficient,
// groups[i].sub_sector for a level staffing does not count or a group
// counting people another group of its category counts...).
void CheckAllowanceRequest(const v1::EstimateAllowanceCostRequest& request,
                           FieldViolations& violations);

// The estimate. A group's people = the rows of its category (and level)
// + additional_headcount; its yearly increase =
//   round(people x coefficient/100 x base x raise/100 x 12)
// with raise = max(0, target - current) percentage points. `configured` is
// the base in force (used when the request gives none).
// INVALID_ARGUMENT as CheckAllowanceRequest, or on
// groups[i].additional_headcount if it leaves fewer than no people;
// FAILED_PRECONDITION if no base is given or configured; OUT_OF_RANGE
// (MONEY_OVERFLOW) if a cost or the total leaves int64.
absl::StatusOr<v1::AllowanceCostEstimate> EstimateAllowanceCost(
    const v1::EstimateAllowanceCostRequest& request,
    const std::optional<SalaryBase>& configured,
    const StaffHeadcounts& headcounts);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_ALLOWANCE_H_
