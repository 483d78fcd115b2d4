#include "services/staffing/shortage_view.h"

#include <algorithm>
#include <set>
#include <utility>

namespace hpedu::staffing {

std::vector<BalanceLine> ShortageViewLines(std::vector<BalanceLine> schools,
                                           const std::string& level,
                                           const std::string& subject,
                                           const OrgDirectory& directory) {
  std::vector<BalanceLine> lines;
  for (BalanceLine& line : schools) {
    if (line.subject != subject) continue;
    if (!level.empty() && line.level != level) continue;
    if (!directory.schools.count(line.unit)) continue;
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<ShortageLine> Shortages(const std::vector<BalanceLine>& lines,
                                    const std::vector<std::string>& in_view,
                                    const OrgDirectory& directory, int limit) {
  const std::set<std::string> view(in_view.begin(), in_view.end());
  std::vector<const BalanceLine*> shortages;
  for (const BalanceLine& line : lines) {
    if (line.balance() < 0 && view.count(line.unit)) shortages.push_back(&line);
  }
  std::stable_sort(shortages.begin(), shortages.end(),
                   [](const BalanceLine* a, const BalanceLine* b) {
                     return a->balance() < b->balance();
                   });
  std::vector<ShortageLine> result;
  for (const BalanceLine* line : shortages) {
    if (static_cast<int>(result.size()) == limit) break;
    ShortageLine& out = result.emplace_back();
    out.shortage = *line;
    const std::string commune = directory.CommuneOf(line->unit);
    std::vector<const BalanceLine*> nearby;
    for (const BalanceLine& other : lines) {
      if (other.balance() > 0 && other.level == line->level &&
          other.subject == line->subject) {
        nearby.push_back(&other);
      }
    }
    std::stable_sort(nearby.begin(), nearby.end(),
                     [&](const BalanceLine* a, const BalanceLine* b) {
                       const bool sa = directory.CommuneOf(a->unit) == commune;
                       const bool sb = directory.CommuneOf(b->unit) == commune;
                       if (sa != sb) return sa;
                       return a->balance() > b->balance();
                     });
    for (size_t i = 0; i < nearby.size() && i < kNearbySurpluses; ++i) {
      out.nearby_surpluses.push_back(*nearby[i]);
    }
  }
  return result;
}

}  // namespace hpedu::staffing
