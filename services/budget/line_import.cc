#include "services/budget/line_import.h"

#include <map>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/csv/csv_reader.h"
#include "libs/money/money.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"

namespace hpedu::budget {
namespace {

std::string FunctionText(const v1::BudgetLine& line) {
  if (line.function() == v1::EDUCATION_TRAINING) return "education";
  if (line.sector().empty()) return "other";
  return absl::StrCat("other:", line.sector());
}

}  // namespace

absl::StatusOr<std::vector<VersionDraft>> ParseBudgetLinesCsv(
    std::string_view csv_content, const UnitIndex& units) {
  ASSIGN_OR_RETURN(const csv::CsvTable table, csv::CsvTable::Parse(csv_content));
  RETURN_IF_ERROR(table.RequireColumns(
      {"budget_unit", "fiscal_year", "stage", "unit", "function", "sub_sector",
       "economic_type", "source", "approving_document", "amount_dong"}));
  const int c_budget = table.ColumnIndex("budget_unit");
  const int c_year = table.ColumnIndex("fiscal_year");
  const int c_stage = table.ColumnIndex("stage");
  const int c_unit = table.ColumnIndex("unit");
  const int c_function = table.ColumnIndex("function");
  const int c_sector = table.ColumnIndex("sub_sector");
  const int c_type = table.ColumnIndex("economic_type");
  const int c_source = table.ColumnIndex("source");
  const int c_document = table.ColumnIndex("approving_document");
  const int c_amount = table.ColumnIndex("amount_dong");
  const int c_description = table.ColumnIndex("description");
  const int c_generated = table.ColumnIndex("generated");

  csv::LineErrors errors;
  std::vector<VersionDraft> drafts;
  std::map<std::tuple<std::string, int32_t, v1::Stage>, size_t> draft_of;
  for (const csv::CsvRecord& record : table.records()) {
    const auto& f = record.fields;
    const int line_no = record.line;
    const int errors_before = errors.size();
    const UnitInfo* owner = units.Find(f[c_budget]);
    std::optional<v1::BudgetLevel> level;
    if (owner == nullptr) {
      errors.Add(line_no, "budget_unit",
                 absl::StrCat("đơn vị không có trong sổ đăng ký (unknown "
                              "unit): ",
                              f[c_budget]));
    } else if (!(level = LevelOf(*owner))) {
      errors.Add(line_no, "budget_unit",
                 "chỉ thành phố hoặc xã, phường, đặc khu có ngân sách (only "
                 "the city or a commune-level unit has a budget)");
    }
    int32_t year = 0;
    if (!absl::SimpleAtoi(f[c_year], &year) || year < kMinFiscalYear ||
        year > kMaxFiscalYear) {
      errors.Add(line_no, "fiscal_year",
                 absl::StrCat("năm ngân sách từ ", kMinFiscalYear, " đến ",
                              kMaxFiscalYear, " (fiscal year)"));
    }
    const std::optional<v1::Stage> stage = ParseStage(f[c_stage]);
    if (!stage) {
      errors.Add(line_no, "stage",
                 "dự toán, dự toán điều chỉnh, thực hiện hoặc quyết toán "
                 "(estimate, adjusted-estimate, execution, final-accounts)");
    }
    v1::BudgetLine line;
    if (const UnitInfo* unit = units.Find(f[c_unit]); unit != nullptr) {
      line.set_unit("units/" + unit->id);
    } else {
      line.set_unit(f[c_unit]);
    }
    if (std::optional<ParsedFunction> function = ParseFunction(f[c_function])) {
      line.set_function(function->function);
      line.set_sector(function->sector);
    } else {
      errors.Add(line_no, "function",
                 "giáo dục hoặc khác:<lĩnh vực> (education or other:<sector>)");
    }
    if (!f[c_sector].empty()) {
      if (std::optional<v1::SubSector> sector = ParseSubSector(f[c_sector])) {
        line.set_sub_sector(*sector);
      } else {
        errors.Add(line_no, "sub_sector",
                   "MN, TH, THCS, THPT, GDTX, GDNN hoặc DH");
      }
    }
    if (std::optional<v1::EconomicType> type = ParseEconomicType(f[c_type])) {
      line.set_economic_type(*type);
    } else {
      errors.Add(line_no, "economic_type",
                 "thường xuyên hoặc đầu tư phát triển (recurrent or "
                 "investment)");
    }
    if (std::optional<v1::FundingSource> source = ParseSource(f[c_source])) {
      line.set_source(*source);
    } else {
      errors.Add(line_no, "source",
                 "ngân sách, học phí hoặc xã hội hóa (state, tuition or "
                 "social)");
    }
    line.set_approving_document(text::NormalizeNfc(f[c_document]));
    if (std::optional<int64_t> amount = money::ParseDong(f[c_amount])) {
      line.set_amount_dong(*amount);
    } else {
      errors.Add(line_no, "amount_dong",
                 "số đồng nguyên, chỉ gồm chữ số, không dấu phân cách (whole "
                 "đồng, digits only, at most 9223372036854775807)");
    }
    if (c_description >= 0) {
      line.set_description(text::NormalizeNfc(f[c_description]));
    }
    bool generated = false;
    if (c_generated >= 0) {
      const std::string value = absl::AsciiStrToLower(f[c_generated]);
      if (value == "true") {
        generated = true;
      } else if (!value.empty() && value != "false") {
        errors.Add(line_no, "generated", "true, false hoặc để trống");
      }
    }
    if (owner != nullptr && level) {
      for (const LineProblem& problem : CheckLine(line, *owner, units)) {
        // Problems already reported from the file's own words are not
        // repeated.
        if (problem.field == "function" || problem.field == "economic_type" ||
            problem.field == "source") {
          continue;
        }
        if (problem.field == "unit" && line.unit().empty()) {
          errors.Add(line_no, "unit", problem.message);
          continue;
        }
        errors.Add(line_no,
                   problem.field == "sector" ? "function" : problem.field,
                   problem.message);
      }
    }
    if (errors.size() != errors_before) continue;

    auto [it, inserted] = draft_of.try_emplace(
        std::make_tuple(owner->id, year, *stage), drafts.size());
    if (inserted) {
      VersionDraft draft;
      draft.budget = BudgetKey{owner->id, year};
      draft.stage = *stage;
      draft.level = *level;
      draft.generated = generated;
      drafts.push_back(std::move(draft));
    }
    VersionDraft& draft = drafts[it->second];
    if (draft.generated != generated) {
      errors.Add(line_no, "generated",
                 "các dòng của một phiên bản phải cùng giá trị (every line of "
                 "a version must agree)");
      continue;
    }
    draft.lines.push_back(std::move(line));
    draft.file_lines.push_back(line_no);
  }
  for (VersionDraft& draft : drafts) {
    size_t failed = 0;
    absl::StatusOr<v1::BudgetTotals> totals =
        ComputeTotals(draft.lines, &failed);
    if (!totals.ok()) {
      errors.Add(draft.file_lines[failed], "amount_dong",
                 absl::StrCat("tổng của ", BudgetName(draft.budget), " (",
                              StageLabel(draft.stage),
                              ") vượt quá giới hạn số nguyên 64 bit (the "
                              "version's sum overflows int64)"));
      continue;
    }
    draft.totals = *std::move(totals);
  }
  RETURN_IF_ERROR(errors.ToStatus());
  return drafts;
}

std::string FormatBudgetLinesCsv(const std::vector<VersionDraft>& drafts) {
  std::vector<std::string> header(std::begin(kLineColumns),
                                  std::end(kLineColumns));
  std::string out = csv::CsvLine(header);
  for (const VersionDraft& draft : drafts) {
    for (const v1::BudgetLine& line : draft.lines) {
      out += csv::CsvLine(
          {draft.budget.unit_id, absl::StrCat(draft.budget.year),
           std::string(StageId(draft.stage)),
           line.unit().substr(line.unit().find('/') + 1), FunctionText(line),
           std::string(SubSectorCode(line.sub_sector())),
           line.economic_type() == v1::RECURRENT ? "recurrent" : "investment",
           line.source() == v1::STATE_BUDGET
               ? "state"
               : (line.source() == v1::TUITION ? "tuition" : "social"),
           line.approving_document(), absl::StrCat(line.amount_dong()),
           line.description(), draft.generated ? "true" : "false"});
    }
  }
  return out;
}

}  // namespace hpedu::budget
