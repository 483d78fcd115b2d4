#include "services/budget/shares.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/budget/compliance.h"

namespace hpedu::budget {

absl::StatusOr<std::vector<v1::BudgetShare>> ComputeShares(
    const server::CallContext& call, BudgetStore& store, const UnitIndex& units,
    int32_t year, v1::Stage stage, const std::vector<std::string>& org_unit_ids,
    const std::string& field) {
  std::vector<std::string> wanted = org_unit_ids;
  if (wanted.empty()) {
    wanted.push_back(units.city_id);
    wanted.insert(wanted.end(), units.communes.begin(), units.communes.end());
  }
  FieldViolations violations;
  for (size_t i = 0; i < wanted.size(); ++i) {
    const UnitInfo* unit = units.Find(wanted[i]);
    if (unit == nullptr || !LevelOf(*unit)) {
      violations.Add(absl::StrCat(field, "[", i, "]"),
                     "cần thành phố hoặc đơn vị cấp xã (the city or a "
                     "commune-level unit)");
    } else {
      wanted[i] = unit->id;
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());

  SummaryQuery query;
  query.first_year = year;
  query.last_year = year;
  query.stage = stage;
  ASSIGN_OR_RETURN(std::vector<VersionSummary> versions,
                   store.CurrentVersions(call, query));
  // unit -> stage -> summary
  std::map<std::string, std::map<v1::Stage, const VersionSummary*>> by_unit;
  for (const VersionSummary& version : versions) {
    by_unit[version.budget.unit_id][version.stage] = &version;
  }
  auto most_advanced = [&](const std::string& unit) {
    if (stage != v1::STAGE_UNSPECIFIED) return stage;
    auto it = by_unit.find(unit);
    if (it == by_unit.end() || it->second.empty()) return v1::STAGE_UNSPECIFIED;
    return it->second.rbegin()->first;
  };

  std::vector<v1::BudgetShare> shares;
  for (const std::string& unit : wanted) {
    const v1::Stage chosen = most_advanced(unit);
    if (chosen == v1::STAGE_UNSPECIFIED) continue;
    v1::BudgetTotals totals;
    if (unit == units.city_id) {
      ComplianceInput input;
      input.stage = chosen;
      input.first_year = year;
      input.last_year = year;
      input.units = &units;
      for (const VersionSummary& version : versions) {
        if (version.stage == chosen) input.versions.push_back(version);
      }
      ASSIGN_OR_RETURN(const v1::ComplianceReport report,
                       ComposeComplianceReport(input));
      if (report.rows().empty() || !report.rows(0).has_data()) continue;
      totals = report.rows(0).totals();
    } else {
      auto it = by_unit[unit].find(chosen);
      if (it == by_unit[unit].end()) continue;
      totals = it->second->totals;
    }
    v1::BudgetShare& share = shares.emplace_back();
    share.set_org_unit("units/" + unit);
    share.set_fiscal_year(year);
    share.set_stage(chosen);
    share.set_education_dong(totals.state_education_dong());
    share.set_investment_dong(totals.state_education_investment_dong());
    share.set_state_total_dong(totals.state_total_dong());
  }
  return shares;
}

}  // namespace hpedu::budget
