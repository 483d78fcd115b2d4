#include "services/budget/demo/demo_budget.h"

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/money/money.h"
#include "services/budget/unit_directory.h"

namespace hpedu::budget::demo {
namespace {

namespace rv1 = ::hpedu::registry::v1;

constexpr int64_t kMillion = 1'000'000;
constexpr char kGenerated[] = "dữ liệu mẫu sinh tự động (generated)";
const char* const kOtherSectors[] = {"Y tế", "Giao thông",
                                     "Quản lý hành chính",
                                     "Văn hóa - thể thao"};

// Draws in [lo, hi] with mt19937 alone, so every platform draws the same.
class Draw {
 public:
  explicit Draw(uint32_t seed) : random_(seed) {}
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(random_() % static_cast<uint32_t>(hi - lo + 1));
  }

 private:
  std::mt19937 random_;
};

v1::SubSector SectorOf(const rv1::Unit& school) {
  if (school.school().levels().empty()) return v1::PRIMARY;
  switch (school.school().levels(0)) {
    case rv1::MN: return v1::PRESCHOOL;
    case rv1::TH: return v1::PRIMARY;
    case rv1::THCS: return v1::LOWER_SECONDARY;
    case rv1::THPT: return v1::UPPER_SECONDARY;
    case rv1::GDTX: return v1::CONTINUING;
    case rv1::GDNN: return v1::VOCATIONAL;
    default: return v1::HIGHER;
  }
}

v1::BudgetLine Line(const std::string& unit_id, v1::Function function,
                    v1::SubSector sector, v1::EconomicType type,
                    v1::FundingSource source, const std::string& document,
                    int64_t amount, std::string other_sector = "") {
  v1::BudgetLine line;
  line.set_unit("units/" + unit_id);
  line.set_function(function);
  line.set_sub_sector(sector);
  line.set_sector(std::move(other_sector));
  line.set_economic_type(type);
  line.set_source(source);
  line.set_approving_document(document);
  line.set_amount_dong(amount);
  line.set_description(kGenerated);
  return line;
}

// Splits `total` in proportion to `weights` (the last part takes the
// remainder, so the parts sum to `total` exactly).
std::vector<int64_t> Split(int64_t total, const std::vector<int64_t>& weights) {
  int64_t sum = 0;
  for (int64_t w : weights) sum += w;
  std::vector<int64_t> parts;
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const int64_t part = i + 1 == weights.size()
                             ? total - given
                             : static_cast<int64_t>(
                                   static_cast<money::Int128>(total) * weights[i] / sum);
    parts.push_back(part);
    given += part;
  }
  return parts;
}

struct BudgetShape {
  std::string owner;
  std::string owner_name;
  v1::BudgetLevel level;
  // State-budget total of the first year, in millions of đồng.
  int64_t total_millions;
  // Per mille of the total.
  int64_t education_permille;
  int64_t investment_permille;
  // Education recurrent lines: unit and sub-sector, with weights.
  std::vector<std::pair<std::string, v1::SubSector>> recipients;
  std::vector<int64_t> weights;
  std::string other_unit;
  bool adjusted;
};

// The estimate of `shape` in `year` (growth 6% a year).
std::vector<v1::BudgetLine> Estimate(const BudgetShape& shape, int year,
                                     int first_year) {
  int64_t total = shape.total_millions * kMillion;
  for (int y = first_year; y < year; ++y) total = total / 100 * 106;
  const int64_t education = total / 1000 * shape.education_permille;
  const int64_t investment = total / 1000 * shape.investment_permille;
  const std::string document =
      shape.level == v1::CITY
          ? absl::StrCat("Nghị quyết dự toán ngân sách năm ", year,
                         " của HĐND thành phố")
          : absl::StrCat("Nghị quyết dự toán ngân sách năm ", year,
                         " của HĐND ", shape.owner_name);
  std::vector<v1::BudgetLine> lines;
  const std::vector<int64_t> recurrent =
      Split(education - investment, shape.weights);
  for (size_t i = 0; i < shape.recipients.size(); ++i) {
    lines.push_back(Line(shape.recipients[i].first, v1::EDUCATION_TRAINING,
                         shape.recipients[i].second, v1::RECURRENT,
                         v1::STATE_BUDGET, document, recurrent[i]));
  }
  lines.push_back(Line(shape.recipients.front().first, v1::EDUCATION_TRAINING,
                       shape.recipients.front().second,
                       v1::DEVELOPMENT_INVESTMENT, v1::STATE_BUDGET, document,
                       investment));
  const std::vector<int64_t> others =
      Split(total - education, {40, 25, 20, 15});
  for (size_t i = 0; i < others.size(); ++i) {
    lines.push_back(Line(shape.other_unit, v1::OTHER_SECTOR,
                         v1::SUB_SECTOR_UNSPECIFIED,
                         i == 1 ? v1::DEVELOPMENT_INVESTMENT : v1::RECURRENT,
                         v1::STATE_BUDGET, document, others[i],
                         kOtherSectors[i]));
  }
  lines.push_back(Line(shape.recipients.front().first, v1::EDUCATION_TRAINING,
                       shape.recipients.front().second, v1::RECURRENT,
                       v1::TUITION, document, education / 100 * 3));
  lines.push_back(Line(shape.recipients.front().first, v1::EDUCATION_TRAINING,
                       shape.recipients.front().second,
                       v1::DEVELOPMENT_INVESTMENT, v1::SOCIAL_CONTRIBUTIONS,
                       document, education / 100));
  return lines;
}

// Each line of `lines` times a per-mille factor drawn in [lo, hi].
std::vector<v1::BudgetLine> Scaled(std::vector<v1::BudgetLine> lines, Draw& draw,
                                   int64_t lo, int64_t hi,
                                   const std::string& document) {
  for (v1::BudgetLine& line : lines) {
    line.set_amount_dong(line.amount_dong() / 1000 * draw.Between(lo, hi));
    line.set_approving_document(document);
  }
  return lines;
}

std::vector<BudgetShape> Shapes(const std::vector<rv1::Unit>& units,
                                const DemoOptions& options,
                                std::set<std::string>* below) {
  const UnitIndex index = IndexUnits(units);
  std::map<std::string, std::vector<const rv1::Unit*>> schools_of;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() == rv1::SCHOOL) {
      schools_of[unit.parent().substr(6)].push_back(&unit);
    }
  }
  Draw draw(options.seed);
  std::vector<BudgetShape> shapes;
  BudgetShape city;
  city.owner = index.city_id;
  city.level = v1::CITY;
  city.total_millions = draw.Between(38'000'000, 42'000'000);
  city.education_permille = draw.Between(215, 240);
  city.investment_permille = draw.Between(55, 70);
  const std::string so = index.by_id.count("so-gddt") ? "so-gddt" : index.city_id;
  city.recipients = {{so, v1::UPPER_SECONDARY}, {so, v1::CONTINUING},
                     {so, v1::VOCATIONAL}, {so, v1::HIGHER}};
  city.weights = {70, 10, 15, 5};
  city.other_unit = index.by_id.count("ubnd-hai-phong") ? "ubnd-hai-phong"
                                                        : index.city_id;
  city.adjusted = true;
  shapes.push_back(city);
  for (size_t i = 0; i < index.communes.size(); ++i) {
    const std::string& commune = index.communes[i];
    BudgetShape shape;
    shape.owner = commune;
    shape.owner_name = index.by_id.at(commune).display_name;
    shape.level = v1::COMMUNE;
    shape.total_millions = draw.Between(150'000, 450'000);
    shape.education_permille = draw.Between(215, 320);
    shape.investment_permille = draw.Between(55, 90);
    // Every 29th commune (4 of 114) misses a rule: alternately the 20%
    // rule, the 5% rule, or both.
    if (i % 29 == 7) {
      below->insert(commune);
      const size_t which = (i / 29) % 3;
      if (which != 1) shape.education_permille = draw.Between(140, 185);
      if (which != 0) shape.investment_permille = draw.Between(20, 42);
    }
    for (const rv1::Unit* school : schools_of[commune]) {
      if (SectorOf(*school) == v1::UPPER_SECONDARY) continue;  // city's
      shape.recipients.emplace_back(school->name().substr(6), SectorOf(*school));
      shape.weights.push_back(draw.Between(60, 140));
    }
    if (shape.recipients.empty()) {
      shape.recipients.emplace_back(commune, v1::PRIMARY);
      shape.weights.push_back(1);
    }
    shape.other_unit = commune;
    shape.adjusted = draw.Between(0, 4) == 0;
    shapes.push_back(std::move(shape));
  }
  return shapes;
}

}  // namespace

std::vector<VersionDraft> DemoBudgets(const std::vector<rv1::Unit>& units,
                                      const DemoOptions& options) {
  std::set<std::string> below;
  const std::vector<BudgetShape> shapes = Shapes(units, options, &below);
  Draw draw(options.seed ^ 0x5a5a5a5au);
  std::vector<VersionDraft> drafts;
  auto add = [&](const BudgetShape& shape, int year, v1::Stage stage,
                 std::vector<v1::BudgetLine> lines) {
    VersionDraft draft;
    draft.budget = BudgetKey{shape.owner, year};
    draft.stage = stage;
    draft.level = shape.level;
    draft.generated = true;
    draft.lines = std::move(lines);
    draft.totals = *ComputeTotals(draft.lines);
    drafts.push_back(std::move(draft));
  };
  for (int year = options.first_year; year <= options.last_year; ++year) {
    for (const BudgetShape& shape : shapes) {
      const std::vector<v1::BudgetLine> estimate =
          Estimate(shape, year, options.first_year);
      add(shape, year, v1::ESTIMATE, estimate);
      std::vector<v1::BudgetLine> planned = estimate;
      if (shape.adjusted) {
        planned = Scaled(estimate, draw, 1000, 1060,
                         absl::StrCat("Nghị quyết điều chỉnh dự toán năm ", year));
        add(shape, year, v1::ADJUSTED_ESTIMATE, planned);
      }
      const std::vector<v1::BudgetLine> execution =
          Scaled(planned, draw, 860, 1010,
                 absl::StrCat("Báo cáo thực hiện ngân sách năm ", year));
      add(shape, year, v1::EXECUTION, execution);
      if (year < options.last_year) {
        add(shape, year, v1::FINAL_ACCOUNTS,
            Scaled(execution, draw, 980, 1000,
                   absl::StrCat("Nghị quyết phê chuẩn quyết toán năm ", year)));
      }
    }
  }
  return drafts;
}

std::set<std::string> CommunesBelowThreshold(
    const std::vector<rv1::Unit>& units, const DemoOptions& options) {
  std::set<std::string> below;
  Shapes(units, options, &below);
  return below;
}

std::vector<DemoProject> DemoProjects(const std::vector<rv1::Unit>& units,
                                      uint32_t seed) {
  Draw draw(seed ^ 0xa5a5a5a5u);
  std::vector<DemoProject> projects;
  int n = 0;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() != rv1::SCHOOL || ++n % 50 != 0) continue;
    const std::string school = unit.name().substr(6);
    DemoProject project;
    v1::CreateProjectRequest& create = project.create;
    create.set_project_id(std::string("da-") + school.substr(0, 60));
    create.set_request_id("demo-project-" + school);
    v1::Project& p = *create.mutable_project();
    p.set_display_name(absl::StrCat("Xây dựng, cải tạo ", unit.display_name()));
    p.set_budget_unit(unit.parent());
    p.set_unit(unit.name());
    p.set_approving_document(absl::StrCat("Quyết định phê duyệt dự án số ",
                                          100 + n / 50, "/QĐ-UBND (mẫu)"));
    p.set_generated(true);
    const int64_t total = draw.Between(5'000, 40'000) * kMillion;
    p.set_approved_total_dong(total);
    // 20 monthly instalments, March 2025 to October 2026.
    const std::vector<int64_t> plan = Split(total, std::vector<int64_t>(20, 1));
    for (int i = 0; i < 20; ++i) {
      v1::PlannedDisbursement* month = p.add_planned();
      month->set_year(2025 + (2 + i) / 12);
      month->set_month((2 + i) % 12 + 1);
      month->set_amount_dong(plan[i]);
    }
    // Paid: on plan, or (a third) at 40-80% of each instalment.
    const bool lagging = draw.Between(0, 2) == 0;
    for (int i = 0; i < 20; ++i) {
      const int64_t permille = lagging ? draw.Between(400, 800)
                                       : draw.Between(950, 1000);
      v1::RecordDisbursementRequest payment;
      payment.set_parent("projects/" + create.project_id());
      payment.set_request_id(absl::StrCat("demo-payment-", school, "-", i));
      v1::Disbursement& d = *payment.mutable_disbursement();
      d.set_year(2025 + (2 + i) / 12);
      d.set_month((2 + i) % 12 + 1);
      d.set_amount_dong(plan[i] / 1000 * permille);
      d.set_note(kGenerated);
      project.payments.push_back(std::move(payment));
    }
    projects.push_back(std::move(project));
  }
  return projects;
}

}  // namespace hpedu::budget::demo
