// The shortage view as a pure function over school balances: the worst
// shortages of a unit's schools, each with the nearest surpluses of the
// same level and subject (the same commune first, the largest first). No
// I/O.
#ifndef HPEDU_SERVICES_STAFFING_SHORTAGE_VIEW_H_
#define HPEDU_SERVICES_STAFFING_SHORTAGE_VIEW_H_

#include <string>
#include <vector>

#include "services/staffing/balance.h"
#include "services/staffing/org_units.h"

namespace hpedu::staffing {

// How many surpluses each shortage lists.
inline constexpr int kNearbySurpluses = 5;

struct ShortageLine {
  BalanceLine shortage;
  std::vector<BalanceLine> nearby_surpluses;  // at most kNearbySurpluses
};

// School balances of `level` ("" any) and `subject` exactly, of schools in
// `directory`: what GetShortageView looks at.
std::vector<BalanceLine> ShortageViewLines(std::vector<BalanceLine> schools,
                                           const std::string& level,
                                           const std::string& subject,
                                           const OrgDirectory& directory);

// Up to `limit` lines of `lines` below their requirement whose school is
// one of `in_view`, the largest shortage first, each with its nearby
// surpluses among all `lines`.
std::vector<ShortageLine> Shortages(const std::vector<BalanceLine>& lines,
                                    const std::vector<std::string>& in_view,
                                    const OrgDirectory& directory, int limit);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_SHORTAGE_VIEW_H_
