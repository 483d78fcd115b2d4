#include "services/staffing/headcount.h"

#include <utility>

namespace hpedu::staffing {

std::map<HeadcountKey, int64_t> SumHeadcount(
    const std::vector<HeadcountRow>& rows,
    const std::map<std::string, std::string>& group_of) {
  std::map<HeadcountKey, int64_t> sums;
  for (const HeadcountRow& row : rows) {
    auto group = group_of.find(row.school);
    if (group == group_of.end()) continue;
    sums[{group->second, row.position, row.employment, row.level}] += row.count;
  }
  return sums;
}

HeadcountTotals TotalsOf(const std::map<HeadcountKey, int64_t>& sums) {
  HeadcountTotals totals;
  for (const auto& [key, count] : sums) {
    totals.total += count;
    if (std::get<1>(key) == v1::TEACHER) totals.teachers += count;
    if (std::get<2>(key) == v1::PERMANENT) totals.permanent += count;
  }
  return totals;
}

std::vector<v1::Quota> FillQuotas(std::vector<v1::Quota> quotas,
                                  const std::vector<HeadcountRow>& heads,
                                  const OrgDirectory& directory) {
  std::map<std::string, int64_t> permanent;
  for (const HeadcountRow& row : heads) {
    if (row.employment != v1::PERMANENT) continue;
    permanent[row.school] += row.count;
    permanent[directory.CommuneOf(row.school)] += row.count;
  }
  for (v1::Quota& quota : quotas) {
    auto it = permanent.find(quota.org_unit());
    const int64_t filled = it == permanent.end() ? 0 : it->second;
    quota.set_filled(static_cast<int32_t>(filled));
    quota.set_vacant(static_cast<int32_t>(quota.posts() - filled));
  }
  return quotas;
}

}  // namespace hpedu::staffing
