// Headcounts and quotas as pure functions over the store's counts: staff
// summed into units by position, employment and level (the budget's
// headcount), and the posts of a quota filled by permanent staff. No I/O.
#ifndef HPEDU_SERVICES_STAFFING_HEADCOUNT_H_
#define HPEDU_SERVICES_STAFFING_HEADCOUNT_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "hpedu/staffing/v1/staffing.pb.h"
#include "services/staffing/org_units.h"
#include "services/staffing/staff_store.h"

namespace hpedu::staffing {

// (unit id, position, employment, level).
using HeadcountKey =
    std::tuple<std::string, v1::Position, v1::Employment, std::string>;

// The staff of `rows` whose school is in `group_of` (school id -> the unit
// it is summed into), by unit, position, employment and level. Schools not
// in `group_of` are left out.
std::map<HeadcountKey, int64_t> SumHeadcount(
    const std::vector<HeadcountRow>& rows,
    const std::map<std::string, std::string>& group_of);

// The totals of a headcount: everyone, the teachers, the permanent staff.
struct HeadcountTotals {
  int64_t total = 0;
  int64_t teachers = 0;
  int64_t permanent = 0;
};
HeadcountTotals TotalsOf(const std::map<HeadcountKey, int64_t>& sums);

// `quotas` (org_unit as an id) with filled = the permanent staff of the
// unit in `heads` (a commune's: of its schools) and vacant = posts -
// filled (negative when over the quota). org_unit is left as an id.
std::vector<v1::Quota> FillQuotas(std::vector<v1::Quota> quotas,
                                  const std::vector<HeadcountRow>& heads,
                                  const OrgDirectory& directory);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_HEADCOUNT_H_
