// The budget-line import file (see ImportBudgetLinesRequest for its
// columns): parsed and checked whole, every error reported with its line,
// and grouped into complete versions, one per budget, fiscal year and stage
// in the order they first appear. No I/O: the registry's units come in.
#ifndef HPEDU_SERVICES_BUDGET_LINE_IMPORT_H_
#define HPEDU_SERVICES_BUDGET_LINE_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/budget/v1/budget.pb.h"
#include "services/budget/budget_lines.h"

namespace hpedu::budget {

// The columns, in the order FormatBudgetLinesCsv writes them.
inline constexpr std::string_view kLineColumns[] = {
    "budget_unit", "fiscal_year",        "stage",       "unit",
    "function",    "sub_sector",         "economic_type", "source",
    "approving_document", "amount_dong", "description", "generated"};

// A complete version to write: its budget, stage, level, lines and totals.
struct VersionDraft {
  BudgetKey budget;
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  v1::BudgetLevel level = v1::BUDGET_LEVEL_UNSPECIFIED;
  std::string note;
  bool generated = false;
  std::vector<v1::BudgetLine> lines;
  v1::BudgetTotals totals;
  // The file line of each line (empty for API requests).
  std::vector<int> file_lines;
};

// Parses and checks `csv_content`. INVALID_ARGUMENT with one violation per
// error on "csv_content" ("dòng L, cột C: ..."): malformed CSV, missing
// columns, unknown units or words, amounts that are not whole đồng, a unit
// outside its budget, a version whose generated flags disagree, or whose
// sums overflow int64 (reported on the line that overflows). Nothing is
// returned unless the whole file is good.
absl::StatusOr<std::vector<VersionDraft>> ParseBudgetLinesCsv(
    std::string_view csv_content, const UnitIndex& units);

// One CSV line per budget line of `drafts`, with the header: what
// ParseBudgetLinesCsv reads back into the same drafts.
std::string FormatBudgetLinesCsv(const std::vector<VersionDraft>& drafts);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_LINE_IMPORT_H_
