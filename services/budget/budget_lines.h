// Budget lines and versions, without I/O: resource names, the Vietnamese
// and English labels of stages, functions, sub-sectors, economic types and
// sources (as the import file and the reports write them), the rules a
// line must follow in the budget it belongs to, and a version's totals with
// every sum checked for overflow.
#ifndef HPEDU_SERVICES_BUDGET_BUDGET_LINES_H_
#define HPEDU_SERVICES_BUDGET_BUDGET_LINES_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/budget/v1/budget.pb.h"

namespace hpedu::budget {

// Fiscal years (calendar years) the service accepts.
inline constexpr int kMinFiscalYear = 2000;
inline constexpr int kMaxFiscalYear = 2100;

// Every stage, in the order a fiscal year goes through them.
inline constexpr v1::Stage kStages[] = {v1::ESTIMATE, v1::ADJUSTED_ESTIMATE,
                                        v1::EXECUTION, v1::FINAL_ACCOUNTS};

// `budgets/{unit}~{year}`: whose budget and which fiscal year.
struct BudgetKey {
  std::string unit_id;
  int32_t year = 0;
  friend bool operator==(const BudgetKey&, const BudgetKey&) = default;
  friend auto operator<=>(const BudgetKey&, const BudgetKey&) = default;
};

std::string BudgetName(const BudgetKey& key);
// INVALID_ARGUMENT on `field` unless `name` is `budgets/{unit}~{year}` with
// a valid unit id and a year in range.
absl::StatusOr<BudgetKey> ParseBudgetName(std::string_view name,
                                          std::string_view field);

// `budgets/{unit}~{year}/stages/{stage}/versions/{n}`; version 0 means the
// current one (`versions/-`).
struct VersionKey {
  BudgetKey budget;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  int32_t version = 0;
};
std::string VersionName(const BudgetKey& budget, v1::Stage stage,
                        int32_t version);
absl::StatusOr<VersionKey> ParseVersionName(std::string_view name,
                                            std::string_view field);

// "estimate", "adjusted-estimate", "execution", "final-accounts".
const char* StageId(v1::Stage stage);
std::optional<v1::Stage> StageFromId(std::string_view id);

// Vietnamese labels, as reports print them.
const char* StageLabel(v1::Stage stage);          // "Dự toán"
const char* SubSectorLabel(v1::SubSector sector);  // "Mầm non"
const char* SubSectorCode(v1::SubSector sector);   // "MN"
const char* EconomicTypeLabel(v1::EconomicType type);
const char* SourceLabel(v1::FundingSource source);

// The import file's words, accent- and case-insensitive, English or
// Vietnamese (see ImportBudgetLinesRequest). nullopt if not one of them.
std::optional<v1::Stage> ParseStage(std::string_view text);
std::optional<v1::SubSector> ParseSubSector(std::string_view text);
std::optional<v1::EconomicType> ParseEconomicType(std::string_view text);
std::optional<v1::FundingSource> ParseSource(std::string_view text);
// "education" / "giáo dục" -> EDUCATION_TRAINING; "other" / "khác",
// optionally ":<sector>" -> OTHER_SECTOR with the sector.
struct ParsedFunction {
  v1::Function function = v1::FUNCTION_UNSPECIFIED;
  std::string sector;
};
std::optional<ParsedFunction> ParseFunction(std::string_view text);

// What the registry says about a unit, as far as budgets care.
enum class UnitClass { kCity, kCommune, kOther };
struct UnitInfo {
  std::string id;
  std::string display_name;
  UnitClass unit_class = UnitClass::kOther;
  // The unit directly above (empty for the city).
  std::string parent_id;
};

// The units valid today, by id, and the city's communes in Vietnamese
// order.
struct UnitIndex {
  std::string city_id;
  std::map<std::string, UnitInfo> by_id;
  std::vector<std::string> communes;

  // The unit `text` names: an id or `units/{id}`. nullptr if unknown.
  const UnitInfo* Find(std::string_view text) const;
};

// One problem with one field of a line: `field` is the BudgetLine field
// ("unit", "sub_sector"...), `message` Vietnamese first.
struct LineProblem {
  std::string field;
  std::string message;
};

// The level of a budget owned by `owner`: CITY, COMMUNE, or nullopt when
// the unit owns no budget (a school, an agency).
std::optional<v1::BudgetLevel> LevelOf(const UnitInfo& owner);

// Every rule `line` breaks in the budget of `owner`: a known unit that
// belongs to this budget, a function, a sub-sector exactly for education,
// an economic type, a source, an approving document, an amount >= 0.
std::vector<LineProblem> CheckLine(const v1::BudgetLine& line,
                                   const UnitInfo& owner,
                                   const UnitIndex& units);

// The totals of `lines`. OUT_OF_RANGE (reason MONEY_OVERFLOW) if a sum
// leaves int64; `*failed_index` (if given) is then the line that overflowed.
absl::StatusOr<v1::BudgetTotals> ComputeTotals(
    const std::vector<v1::BudgetLine>& lines, size_t* failed_index = nullptr);

// True if the two versions' contents are equal: the same lines (names
// ignored) in the same order.
bool SameLines(const std::vector<v1::BudgetLine>& a,
               const std::vector<v1::BudgetLine>& b);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_BUDGET_LINES_H_
