#include "services/budget/budget_lines.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/message_differencer.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/money/money.h"
#include "libs/status/errors.h"
#include "libs/text/vietnamese.h"

namespace hpedu::budget {
namespace {

struct Word {
  const char* folded;  // FoldForSearch form
  int value;
};

template <typename Enum, size_t N>
std::optional<Enum> Lookup(std::string_view text, const Word (&words)[N]) {
  std::string folded = text::FoldForSearch(text);
  for (char& c : folded) {
    if (c == '_' || c == '-') c = ' ';
  }
  for (const Word& word : words) {
    if (folded == word.folded) return static_cast<Enum>(word.value);
  }
  return std::nullopt;
}

constexpr Word kStageWords[] = {
    {"estimate", v1::ESTIMATE},
    {"du toan", v1::ESTIMATE},
    {"adjusted estimate", v1::ADJUSTED_ESTIMATE},
    {"du toan dieu chinh", v1::ADJUSTED_ESTIMATE},
    {"execution", v1::EXECUTION},
    {"thuc hien", v1::EXECUTION},
    {"final accounts", v1::FINAL_ACCOUNTS},
    {"quyet toan", v1::FINAL_ACCOUNTS},
};

constexpr Word kSubSectorWords[] = {
    {"mn", v1::PRESCHOOL},        {"preschool", v1::PRESCHOOL},
    {"mam non", v1::PRESCHOOL},   {"th", v1::PRIMARY},
    {"primary", v1::PRIMARY},     {"tieu hoc", v1::PRIMARY},
    {"thcs", v1::LOWER_SECONDARY}, {"lower secondary", v1::LOWER_SECONDARY},
    {"thpt", v1::UPPER_SECONDARY}, {"upper secondary", v1::UPPER_SECONDARY},
    {"gdtx", v1::CONTINUING},     {"continuing", v1::CONTINUING},
    {"gdnn", v1::VOCATIONAL},     {"vocational", v1::VOCATIONAL},
    {"dh", v1::HIGHER},           {"higher", v1::HIGHER},
    {"dai hoc", v1::HIGHER},
};

constexpr Word kEconomicWords[] = {
    {"recurrent", v1::RECURRENT},
    {"thuong xuyen", v1::RECURRENT},
    {"chi thuong xuyen", v1::RECURRENT},
    {"investment", v1::DEVELOPMENT_INVESTMENT},
    {"development investment", v1::DEVELOPMENT_INVESTMENT},
    {"dau tu phat trien", v1::DEVELOPMENT_INVESTMENT},
    {"chi dau tu phat trien", v1::DEVELOPMENT_INVESTMENT},
};

constexpr Word kSourceWords[] = {
    {"state", v1::STATE_BUDGET},
    {"state budget", v1::STATE_BUDGET},
    {"ngan sach", v1::STATE_BUDGET},
    {"ngan sach nha nuoc", v1::STATE_BUDGET},
    {"tuition", v1::TUITION},
    {"hoc phi", v1::TUITION},
    {"social", v1::SOCIAL_CONTRIBUTIONS},
    {"social contributions", v1::SOCIAL_CONTRIBUTIONS},
    {"xa hoi hoa", v1::SOCIAL_CONTRIBUTIONS},
};

absl::Status BadName(std::string_view field, std::string_view pattern) {
  return InvalidField(field,
                      absl::StrCat("cần dạng (must be) ", ToAbsl(pattern)));
}

}  // namespace

std::string BudgetName(const BudgetKey& key) {
  return absl::StrCat("budgets/", key.unit_id, "~", key.year);
}

absl::StatusOr<BudgetKey> ParseBudgetName(std::string_view name,
                                          std::string_view field) {
  constexpr std::string_view kPrefix = "budgets/";
  if (name.substr(0, kPrefix.size()) != kPrefix) {
    return BadName(field, "budgets/{unit}~{year}");
  }
  const std::string_view rest = name.substr(kPrefix.size());
  const size_t tilde = rest.rfind('~');
  BudgetKey key;
  if (tilde == std::string_view::npos ||
      !api::IsValidResourceId(rest.substr(0, tilde)) ||
      !absl::SimpleAtoi(ToAbsl(rest.substr(tilde + 1)), &key.year) ||
      rest.substr(tilde + 1).size() != 4) {
    return BadName(field, "budgets/{unit}~{year}");
  }
  if (key.year < kMinFiscalYear || key.year > kMaxFiscalYear) {
    return InvalidField(field, absl::StrCat("năm ngân sách ngoài ",
                                            kMinFiscalYear, "-", kMaxFiscalYear,
                                            " (fiscal year out of range)"));
  }
  key.unit_id = std::string(rest.substr(0, tilde));
  return key;
}

std::string VersionName(const BudgetKey& budget, v1::Stage stage,
                        int32_t version) {
  return absl::StrCat(BudgetName(budget), "/stages/", StageId(stage),
                      "/versions/", version);
}

absl::StatusOr<VersionKey> ParseVersionName(std::string_view name,
                                            std::string_view field) {
  constexpr std::string_view kPattern =
      "budgets/{unit}~{year}/stages/{stage}/versions/{n|-}";
  std::vector<absl::string_view> parts = absl::StrSplit(ToAbsl(name), '/');
  if (parts.size() != 6 || parts[2] != "stages" || parts[4] != "versions") {
    return BadName(field, kPattern);
  }
  VersionKey key;
  absl::StatusOr<BudgetKey> budget =
      ParseBudgetName(absl::StrCat(parts[0], "/", parts[1]), field);
  if (!budget.ok()) return budget.status();
  key.budget = *std::move(budget);
  std::optional<v1::Stage> stage = StageFromId(ToStd(parts[3]));
  if (!stage) return BadName(field, kPattern);
  key.stage = *stage;
  if (parts[5] == "-") return key;
  if (!absl::SimpleAtoi(parts[5], &key.version) || key.version < 1) {
    return BadName(field, kPattern);
  }
  return key;
}

const char* StageId(v1::Stage stage) {
  switch (stage) {
    case v1::ESTIMATE: return "estimate";
    case v1::ADJUSTED_ESTIMATE: return "adjusted-estimate";
    case v1::EXECUTION: return "execution";
    case v1::FINAL_ACCOUNTS: return "final-accounts";
    default: return "";
  }
}

std::optional<v1::Stage> StageFromId(std::string_view id) {
  for (v1::Stage stage : kStages) {
    if (std::string_view(StageId(stage)) == id) return stage;
  }
  return std::nullopt;
}

const char* StageLabel(v1::Stage stage) {
  switch (stage) {
    case v1::ESTIMATE: return "Dự toán";
    case v1::ADJUSTED_ESTIMATE: return "Dự toán điều chỉnh";
    case v1::EXECUTION: return "Thực hiện";
    case v1::FINAL_ACCOUNTS: return "Quyết toán";
    default: return "";
  }
}

const char* SubSectorLabel(v1::SubSector sector) {
  switch (sector) {
    case v1::PRESCHOOL: return "Mầm non";
    case v1::PRIMARY: return "Tiểu học";
    case v1::LOWER_SECONDARY: return "Trung học cơ sở";
    case v1::UPPER_SECONDARY: return "Trung học phổ thông";
    case v1::CONTINUING: return "Giáo dục thường xuyên";
    case v1::VOCATIONAL: return "Giáo dục nghề nghiệp";
    case v1::HIGHER: return "Đại học";
    default: return "";
  }
}

const char* SubSectorCode(v1::SubSector sector) {
  switch (sector) {
    case v1::PRESCHOOL: return "MN";
    case v1::PRIMARY: return "TH";
    case v1::LOWER_SECONDARY: return "THCS";
    case v1::UPPER_SECONDARY: return "THPT";
    case v1::CONTINUING: return "GDTX";
    case v1::VOCATIONAL: return "GDNN";
    case v1::HIGHER: return "DH";
    default: return "";
  }
}

const char* EconomicTypeLabel(v1::EconomicType type) {
  switch (type) {
    case v1::RECURRENT: return "Chi thường xuyên";
    case v1::DEVELOPMENT_INVESTMENT: return "Chi đầu tư phát triển";
    default: return "";
  }
}

const char* SourceLabel(v1::FundingSource source) {
  switch (source) {
    case v1::STATE_BUDGET: return "Ngân sách nhà nước";
    case v1::TUITION: return "Học phí";
    case v1::SOCIAL_CONTRIBUTIONS: return "Xã hội hóa";
    default: return "";
  }
}

std::optional<v1::Stage> ParseStage(std::string_view text) {
  return Lookup<v1::Stage>(text, kStageWords);
}
std::optional<v1::SubSector> ParseSubSector(std::string_view text) {
  return Lookup<v1::SubSector>(text, kSubSectorWords);
}
std::optional<v1::EconomicType> ParseEconomicType(std::string_view text) {
  return Lookup<v1::EconomicType>(text, kEconomicWords);
}
std::optional<v1::FundingSource> ParseSource(std::string_view text) {
  return Lookup<v1::FundingSource>(text, kSourceWords);
}

std::optional<ParsedFunction> ParseFunction(std::string_view text) {
  const size_t colon = text.find(':');
  const std::string head =
      text::FoldForSearch(text.substr(0, colon == std::string_view::npos
                                             ? text.size()
                                             : colon));
  ParsedFunction parsed;
  if (head == "education" || head == "giao duc" ||
      head == "giao duc dao tao" || head == "giao duc - dao tao") {
    if (colon != std::string_view::npos) return std::nullopt;
    parsed.function = v1::EDUCATION_TRAINING;
    return parsed;
  }
  if (head == "other" || head == "khac") {
    parsed.function = v1::OTHER_SECTOR;
    if (colon != std::string_view::npos) {
      parsed.sector = text::NormalizeNfc(text.substr(colon + 1));
    }
    return parsed;
  }
  return std::nullopt;
}

const UnitInfo* UnitIndex::Find(std::string_view text) const {
  if (text.substr(0, 6) == "units/") text.remove_prefix(6);
  auto it = by_id.find(std::string(text));
  return it == by_id.end() ? nullptr : &it->second;
}

std::optional<v1::BudgetLevel> LevelOf(const UnitInfo& owner) {
  switch (owner.unit_class) {
    case UnitClass::kCity: return v1::CITY;
    case UnitClass::kCommune: return v1::COMMUNE;
    default: return std::nullopt;
  }
}

std::vector<LineProblem> CheckLine(const v1::BudgetLine& line,
                                   const UnitInfo& owner,
                                   const UnitIndex& units) {
  std::vector<LineProblem> problems;
  auto add = [&problems](std::string field, std::string message) {
    problems.push_back({std::move(field), std::move(message)});
  };
  const UnitInfo* unit = units.Find(line.unit());
  if (line.unit().empty()) {
    add("unit", "bắt buộc (required)");
  } else if (unit == nullptr) {
    add("unit", absl::StrCat("đơn vị không có trong sổ đăng ký (unknown "
                             "unit): ",
                             text::ToValidUtf8(line.unit())));
  } else if (owner.unit_class == UnitClass::kCommune) {
    if (unit->id != owner.id && unit->parent_id != owner.id) {
      add("unit", absl::StrCat("không thuộc ngân sách của ",
                               owner.display_name,
                               " (not the commune or a unit under it)"));
    }
  } else if (unit->unit_class == UnitClass::kCommune) {
    add("unit", "xã, phường có ngân sách riêng, không thuộc ngân sách cấp "
                "thành phố (a commune has its own budget)");
  }
  switch (line.function()) {
    case v1::EDUCATION_TRAINING:
      if (line.sub_sector() == v1::SUB_SECTOR_UNSPECIFIED ||
          !v1::SubSector_IsValid(line.sub_sector())) {
        add("sub_sector", "bắt buộc với chi giáo dục (required for education)");
      }
      if (!line.sector().empty()) {
        add("sector", "chỉ dùng cho lĩnh vực khác (only for other sectors)");
      }
      break;
    case v1::OTHER_SECTOR:
      if (line.sub_sector() != v1::SUB_SECTOR_UNSPECIFIED) {
        add("sub_sector", "chỉ dùng cho chi giáo dục (only for education)");
      }
      break;
    default:
      add("function", "bắt buộc: giáo dục hoặc lĩnh vực khác (required)");
  }
  if (line.economic_type() == v1::ECONOMIC_TYPE_UNSPECIFIED ||
      !v1::EconomicType_IsValid(line.economic_type())) {
    add("economic_type", "bắt buộc (required)");
  }
  if (line.source() == v1::FUNDING_SOURCE_UNSPECIFIED ||
      !v1::FundingSource_IsValid(line.source())) {
    add("source", "bắt buộc (required)");
  }
  if (text::NormalizeNfc(line.approving_document()).empty()) {
    add("approving_document", "bắt buộc (required)");
  }
  if (line.amount_dong() < 0) {
    add("amount_dong", "không được âm (must not be negative)");
  }
  if (!text::IsValidUtf8(line.description()) ||
      !text::IsValidUtf8(line.approving_document()) ||
      !text::IsValidUtf8(line.sector())) {
    add("description", "không phải UTF-8 (not UTF-8)");
  }
  return problems;
}

absl::StatusOr<v1::BudgetTotals> ComputeTotals(
    const std::vector<v1::BudgetLine>& lines, size_t* failed_index) {
  v1::BudgetTotals totals;
  auto add = [](int64_t current, int64_t amount, int64_t* out) {
    std::optional<int64_t> next = money::Add(current, amount);
    if (!next) return false;
    *out = *next;
    return true;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const v1::BudgetLine& line = lines[i];
    const int64_t amount = line.amount_dong();
    const bool education = line.function() == v1::EDUCATION_TRAINING;
    const bool state = line.source() == v1::STATE_BUDGET;
    int64_t value = 0;
    bool ok = add(totals.total_dong(), amount, &value);
    totals.set_total_dong(value);
    if (ok && state) {
      ok = add(totals.state_total_dong(), amount, &value);
      totals.set_state_total_dong(value);
    }
    if (ok && state && education) {
      ok = add(totals.state_education_dong(), amount, &value);
      totals.set_state_education_dong(value);
    }
    if (ok && state && education &&
        line.economic_type() == v1::DEVELOPMENT_INVESTMENT) {
      ok = add(totals.state_education_investment_dong(), amount, &value);
      totals.set_state_education_investment_dong(value);
    }
    if (ok && !state && education) {
      ok = add(totals.non_state_education_dong(), amount, &value);
      totals.set_non_state_education_dong(value);
    }
    if (!ok) {
      if (failed_index != nullptr) *failed_index = i;
      return money::OverflowError(
          "tổng các dòng ngân sách (the sum of the budget lines)");
    }
  }
  return totals;
}

bool SameLines(const std::vector<v1::BudgetLine>& a,
               const std::vector<v1::BudgetLine>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    v1::BudgetLine x = a[i];
    v1::BudgetLine y = b[i];
    x.clear_name();
    y.clear_name();
    if (!google::protobuf::util::MessageDifferencer::Equals(x, y)) return false;
  }
  return true;
}

}  // namespace hpedu::budget
