// Resolution 71's budget rules, without I/O: education spending at least
// 20% of total state-budget spending and development investment in schools
// at least 5%, assessed for the city level, each commune and the whole
// local budget, with the gap in đồng and in percentage points; and one
// budget's estimate-versus-execution table. Everything is exact integer
// arithmetic; sums across budgets are checked for overflow.
#ifndef HPEDU_SERVICES_BUDGET_COMPLIANCE_H_
#define HPEDU_SERVICES_BUDGET_COMPLIANCE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/budget/v1/budget.pb.h"
#include "hpedu/budget/v1/budget_service.pb.h"
#include "services/budget/budget_lines.h"

namespace hpedu::budget {

// The thresholds of Resolution 71, whole percent.
inline constexpr int64_t kEducationThresholdPercent = 20;
inline constexpr int64_t kInvestmentThresholdPercent = 5;

// `amount` of `base` against `threshold_percent`: the share (2 places), what
// the threshold requires (rounded up to the đồng: meeting it exactly is
// meeting it), the gap in đồng and in percentage points.
v1::ShareAssessment Assess(int64_t amount, int64_t base,
                           int64_t threshold_percent);

// The current version of one budget at one stage, as the store keeps it.
struct VersionSummary {
  BudgetKey budget;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  int32_t version = 0;
  v1::BudgetLevel level = v1::BUDGET_LEVEL_UNSPECIFIED;
  v1::BudgetTotals totals;
};

struct ComplianceInput {
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  int32_t first_year = 0;
  int32_t last_year = 0;
  // The city and its communes (UnitIndex::communes order is the rows').
  const UnitIndex* units = nullptr;
  // Only this commune's rows; empty: the local total, the city level and
  // every commune.
  std::string only_commune;
  // The current versions at `stage` of the years asked.
  std::vector<VersionSummary> versions;
};

// The report. OUT_OF_RANGE (MONEY_OVERFLOW) if the local total of a year
// overflows.
absl::StatusOr<v1::ComplianceReport> ComposeComplianceReport(
    const ComplianceInput& input);

// The lines of one budget's current version at each stage it has.
struct ExecutionInput {
  BudgetKey budget;
  std::string display_name;
  std::map<v1::Stage, std::vector<v1::BudgetLine>> lines;
  std::map<v1::Stage, std::string> version_names;
};

// Rows: A total state budget; I education (1 investment, 2 recurrent, then
// each sub-sector a, b, ...); II other sectors; B education outside the
// state budget (1 tuition, 2 social contributions). OUT_OF_RANGE if a sum
// overflows.
absl::StatusOr<v1::ExecutionTable> ComposeExecutionTable(
    const ExecutionInput& input);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_COMPLIANCE_H_
