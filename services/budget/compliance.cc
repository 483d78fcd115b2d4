#include "services/budget/compliance.h"

#include <array>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/money/money.h"

namespace hpedu::budget {
namespace {

using money::Int128;

// Adds every field of `part` to `sum`. False on overflow.
bool AddTotals(const v1::BudgetTotals& part, v1::BudgetTotals& sum) {
  const std::array<std::pair<int64_t, std::function<void(int64_t)>>, 5>
      fields = {{
          {part.total_dong(), [&](int64_t v) { sum.set_total_dong(v); }},
          {part.state_total_dong(),
           [&](int64_t v) { sum.set_state_total_dong(v); }},
          {part.state_education_dong(),
           [&](int64_t v) { sum.set_state_education_dong(v); }},
          {part.state_education_investment_dong(),
           [&](int64_t v) { sum.set_state_education_investment_dong(v); }},
          {part.non_state_education_dong(),
           [&](int64_t v) { sum.set_non_state_education_dong(v); }},
      }};
  const std::array<int64_t, 5> current = {
      sum.total_dong(), sum.state_total_dong(), sum.state_education_dong(),
      sum.state_education_investment_dong(), sum.non_state_education_dong()};
  std::array<int64_t, 5> next{};
  for (size_t i = 0; i < fields.size(); ++i) {
    std::optional<int64_t> value = money::Add(current[i], fields[i].first);
    if (!value) return false;
    next[i] = *value;
  }
  for (size_t i = 0; i < fields.size(); ++i) fields[i].second(next[i]);
  return true;
}

void AssessRow(v1::ComplianceRow& row) {
  const v1::BudgetTotals& t = row.totals();
  *row.mutable_education() = Assess(t.state_education_dong(),
                                    t.state_total_dong(),
                                    kEducationThresholdPercent);
  *row.mutable_investment() = Assess(t.state_education_investment_dong(),
                                     t.state_total_dong(),
                                     kInvestmentThresholdPercent);
}

}  // namespace

v1::ShareAssessment Assess(int64_t amount, int64_t base,
                           int64_t threshold_percent) {
  v1::ShareAssessment share;
  share.set_amount_dong(amount);
  share.set_base_dong(base);
  share.set_threshold_percent(absl::StrCat(threshold_percent));
  // base <= int64 max, so required <= base and the gap fits in int64.
  const Int128 required =
      money::DivideCeil(static_cast<Int128>(base) * threshold_percent, 100);
  share.set_required_dong(static_cast<int64_t>(required));
  share.set_gap_dong(static_cast<int64_t>(amount - required));
  share.set_meets(amount >= required);
  if (base > 0) {
    share.set_percent(money::PercentText(amount, base));
    // 100 x amount / base - threshold = 100 x (amount - base x t / 100) /
    // base, exactly, then rounded once.
    share.set_gap_percent(money::PercentText(
        static_cast<Int128>(amount) * 100 -
            static_cast<Int128>(base) * threshold_percent,
        static_cast<Int128>(base) * 100));
  }
  return share;
}

absl::StatusOr<v1::ComplianceReport> ComposeComplianceReport(
    const ComplianceInput& input) {
  const UnitIndex& units = *input.units;
  std::map<std::pair<int32_t, std::string>, const VersionSummary*> by_budget;
  for (const VersionSummary& version : input.versions) {
    by_budget[{version.budget.year, version.budget.unit_id}] = &version;
  }
  auto display_name = [&units](const std::string& id) {
    const UnitInfo* unit = units.Find(id);
    return unit == nullptr ? id : unit->display_name;
  };
  auto make_row = [&](v1::RowKind kind, const std::string& unit_id,
                      int32_t year) {
    v1::ComplianceRow row;
    row.set_kind(kind);
    row.set_org_unit("units/" + unit_id);
    row.set_display_name(display_name(unit_id));
    row.set_fiscal_year(year);
    auto it = by_budget.find({year, unit_id});
    if (it != by_budget.end()) {
      const VersionSummary& version = *it->second;
      row.set_has_data(true);
      row.set_budget_version(
          VersionName(version.budget, version.stage, version.version));
      *row.mutable_totals() = version.totals;
      AssessRow(row);
    }
    return row;
  };

  v1::ComplianceReport report;
  report.set_stage(input.stage);
  for (int32_t year = input.first_year; year <= input.last_year; ++year) {
    std::vector<v1::ComplianceRow> rows;
    if (input.only_commune.empty()) {
      v1::ComplianceRow total;
      total.set_kind(v1::LOCAL_TOTAL);
      total.set_org_unit("units/" + units.city_id);
      total.set_display_name(
          absl::StrCat("Ngân sách địa phương - ", display_name(units.city_id)));
      total.set_fiscal_year(year);
      v1::ComplianceRow city = make_row(v1::CITY_LEVEL, units.city_id, year);
      city.set_display_name(
          absl::StrCat("Ngân sách cấp thành phố - ", city.display_name()));
      if (city.has_data() && !AddTotals(city.totals(), *total.mutable_totals())) {
        return money::OverflowError(
            absl::StrCat("tổng ngân sách địa phương năm ", year));
      }
      bool any = city.has_data();
      int missing = 0;
      std::vector<v1::ComplianceRow> communes;
      for (const std::string& commune : units.communes) {
        v1::ComplianceRow row = make_row(v1::COMMUNE_BUDGET, commune, year);
        if (row.has_data()) {
          any = true;
          if (!AddTotals(row.totals(), *total.mutable_totals())) {
            return money::OverflowError(
                absl::StrCat("tổng ngân sách địa phương năm ", year));
          }
        } else {
          ++missing;
        }
        communes.push_back(std::move(row));
      }
      total.set_has_data(any);
      total.set_missing_communes(missing);
      if (any) AssessRow(total);
      rows.push_back(std::move(total));
      rows.push_back(std::move(city));
      for (v1::ComplianceRow& row : communes) rows.push_back(std::move(row));
    } else {
      rows.push_back(make_row(v1::COMMUNE_BUDGET, input.only_commune, year));
    }
    for (v1::ComplianceRow& row : rows) {
      if (row.has_data()) {
        if (!row.education().meets()) {
          report.set_rows_below_education(report.rows_below_education() + 1);
        }
        if (!row.investment().meets()) {
          report.set_rows_below_investment(report.rows_below_investment() + 1);
        }
      }
      *report.add_rows() = std::move(row);
    }
  }
  return report;
}

absl::StatusOr<v1::ExecutionTable> ComposeExecutionTable(
    const ExecutionInput& input) {
  v1::ExecutionTable table;
  table.set_budget(BudgetName(input.budget));
  table.set_display_name(input.display_name);
  table.set_fiscal_year(input.budget.year);
  for (v1::Stage stage : kStages) {
    auto it = input.version_names.find(stage);
    table.add_budget_versions(it == input.version_names.end() ? ""
                                                              : it->second);
  }

  using Predicate = std::function<bool(const v1::BudgetLine&)>;
  auto state = [](const v1::BudgetLine& l) {
    return l.source() == v1::STATE_BUDGET;
  };
  auto education = [state](const v1::BudgetLine& l) {
    return state(l) && l.function() == v1::EDUCATION_TRAINING;
  };
  struct RowSpec {
    std::string number;
    std::string label;
    int depth;
    Predicate predicate;
  };
  std::vector<RowSpec> specs = {
      {"A", "TỔNG CHI NGÂN SÁCH NHÀ NƯỚC", 0, state},
      {"I", "Chi giáo dục - đào tạo", 1, education},
      {"1", "Chi đầu tư phát triển", 2,
       [education](const v1::BudgetLine& l) {
         return education(l) && l.economic_type() == v1::DEVELOPMENT_INVESTMENT;
       }},
      {"2", "Chi thường xuyên", 2,
       [education](const v1::BudgetLine& l) {
         return education(l) && l.economic_type() == v1::RECURRENT;
       }},
  };
  char letter = 'a';
  for (int s = v1::PRESCHOOL; s <= v1::HIGHER; ++s) {
    const auto sector = static_cast<v1::SubSector>(s);
    specs.push_back({std::string(1, letter++),
                     absl::StrCat("Trong đó: ", SubSectorLabel(sector)), 3,
                     [education, sector](const v1::BudgetLine& l) {
                       return education(l) && l.sub_sector() == sector;
                     }});
  }
  specs.push_back({"II", "Chi các lĩnh vực khác", 1,
                   [state](const v1::BudgetLine& l) {
                     return state(l) && l.function() == v1::OTHER_SECTOR;
                   }});
  specs.push_back({"B", "CHI GIÁO DỤC TỪ NGUỒN NGOÀI NGÂN SÁCH", 0,
                   [](const v1::BudgetLine& l) {
                     return l.source() != v1::STATE_BUDGET &&
                            l.function() == v1::EDUCATION_TRAINING;
                   }});
  specs.push_back({"1", "Học phí", 1, [](const v1::BudgetLine& l) {
                     return l.source() == v1::TUITION &&
                            l.function() == v1::EDUCATION_TRAINING;
                   }});
  specs.push_back({"2", "Xã hội hóa", 1, [](const v1::BudgetLine& l) {
                     return l.source() == v1::SOCIAL_CONTRIBUTIONS &&
                            l.function() == v1::EDUCATION_TRAINING;
                   }});

  for (const RowSpec& spec : specs) {
    v1::ExecutionRow& row = *table.add_rows();
    row.set_number(spec.number);
    row.set_label(spec.label);
    row.set_depth(spec.depth);
    std::map<v1::Stage, int64_t> sums;
    for (const auto& [stage, lines] : input.lines) {
      std::vector<int64_t> amounts;
      for (const v1::BudgetLine& line : lines) {
        if (spec.predicate(line)) amounts.push_back(line.amount_dong());
      }
      absl::StatusOr<int64_t> sum = money::Sum(
          amounts, absl::StrCat(spec.label, " (", StageLabel(stage), ")"));
      if (!sum.ok()) return sum.status();
      sums[stage] = *sum;
    }
    row.set_estimate_dong(sums[v1::ESTIMATE]);
    row.set_adjusted_estimate_dong(sums[v1::ADJUSTED_ESTIMATE]);
    row.set_execution_dong(sums[v1::EXECUTION]);
    row.set_final_accounts_dong(sums[v1::FINAL_ACCOUNTS]);
    const bool adjusted = input.lines.count(v1::ADJUSTED_ESTIMATE) > 0;
    const int64_t plan =
        adjusted ? row.adjusted_estimate_dong() : row.estimate_dong();
    if (plan > 0 && input.lines.count(v1::EXECUTION) > 0) {
      row.set_execution_percent(money::PercentText(row.execution_dong(), plan));
    }
  }
  return table;
}

}  // namespace hpedu::budget
