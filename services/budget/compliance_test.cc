// Shares against hand-computed cases. Amounts are chosen so the arithmetic
// can be checked on paper.
#include "services/budget/compliance.h"

#include <cstdint>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::budget {
namespace {

using ::hpedu::testing::StatusIs;

TEST(AssessTest, EducationShareByHand) {
  // 1,000,000,000 total, 213,700,000 education: 21.37%, required
  // 200,000,000, gap +13,700,000 đồng and +1.37 points.
  const v1::ShareAssessment share = Assess(213'700'000, 1'000'000'000, 20);
  EXPECT_EQ(share.percent(), "21.37");
  EXPECT_EQ(share.required_dong(), 200'000'000);
  EXPECT_EQ(share.gap_dong(), 13'700'000);
  EXPECT_EQ(share.gap_percent(), "1.37");
  EXPECT_TRUE(share.meets());
  EXPECT_EQ(share.threshold_percent(), "20");
}

TEST(AssessTest, ShortfallByHand) {
  // 3 of 80 đồng is 3.75%: 5% of 80 is 4 đồng, so 1 đồng short, -1.25
  // points.
  const v1::ShareAssessment share = Assess(3, 80, 5);
  EXPECT_EQ(share.percent(), "3.75");
  EXPECT_EQ(share.required_dong(), 4);
  EXPECT_EQ(share.gap_dong(), -1);
  EXPECT_EQ(share.gap_percent(), "-1.25");
  EXPECT_FALSE(share.meets());
}

TEST(AssessTest, RequiredRoundsUpSoMeetingIsExact) {
  // 20% of 7 đồng is 1.4 đồng: 1 đồng is short (14.29%), 2 đồng meets.
  EXPECT_FALSE(Assess(1, 7, 20).meets());
  EXPECT_EQ(Assess(1, 7, 20).required_dong(), 2);
  EXPECT_EQ(Assess(1, 7, 20).percent(), "14.29");
  EXPECT_TRUE(Assess(2, 7, 20).meets());
  // Exactly 20.00%.
  EXPECT_TRUE(Assess(20, 100, 20).meets());
  EXPECT_EQ(Assess(20, 100, 20).gap_percent(), "0.00");
}

TEST(AssessTest, HugeAmountsAreExact) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const v1::ShareAssessment share = Assess(max / 5, max, 20);
  EXPECT_EQ(share.percent(), "20.00");
  EXPECT_EQ(share.required_dong(), max / 5 + 1);  // ceil(max / 5)
  EXPECT_EQ(share.gap_dong(), -1);
}

TEST(AssessTest, NoBaseNoPercent) {
  const v1::ShareAssessment share = Assess(0, 0, 20);
  EXPECT_EQ(share.percent(), "");
  EXPECT_TRUE(share.meets());
}

UnitIndex Units() {
  UnitIndex units;
  units.city_id = "hai-phong";
  units.by_id["hai-phong"] = {"hai-phong", "Thành phố Hải Phòng",
                              UnitClass::kCity, ""};
  units.by_id["a"] = {"a", "Phường A", UnitClass::kCommune, "hai-phong"};
  units.by_id["b"] = {"b", "Xã B", UnitClass::kCommune, "hai-phong"};
  units.communes = {"a", "b"};
  return units;
}

VersionSummary Version(const std::string& unit, int64_t total,
                       int64_t education, int64_t investment) {
  VersionSummary v;
  v.budget = {unit, 2026};
  v.stage = v1::ESTIMATE;
  v.version = 1;
  v.totals.set_total_dong(total);
  v.totals.set_state_total_dong(total);
  v.totals.set_state_education_dong(education);
  v.totals.set_state_education_investment_dong(investment);
  return v;
}

TEST(ComplianceReportTest, LocalTotalIsSumOfBudgetsNotAverageOfShares) {
  const UnitIndex units = Units();
  ComplianceInput input;
  input.stage = v1::ESTIMATE;
  input.first_year = input.last_year = 2026;
  input.units = &units;
  // City: 25% and 6%. A: 10% and 2% (below both). B: no data.
  input.versions = {Version("hai-phong", 1000, 250, 60),
                    Version("a", 100, 10, 2)};
  const v1::ComplianceReport report = *ComposeComplianceReport(input);
  ASSERT_EQ(report.rows_size(), 4);
  const v1::ComplianceRow& total = report.rows(0);
  EXPECT_EQ(total.kind(), v1::LOCAL_TOTAL);
  // (250 + 10) / (1000 + 100) = 23.636...% -> 23.64; 62 / 1100 = 5.636% ->
  // 5.64. An average of percentages would say 17.5%.
  EXPECT_EQ(total.totals().state_total_dong(), 1100);
  EXPECT_EQ(total.education().percent(), "23.64");
  EXPECT_EQ(total.education().required_dong(), 220);
  EXPECT_EQ(total.education().gap_dong(), 40);
  EXPECT_EQ(total.investment().percent(), "5.64");
  EXPECT_EQ(total.missing_communes(), 1);
  EXPECT_EQ(report.rows(1).kind(), v1::CITY_LEVEL);
  EXPECT_EQ(report.rows(1).budget_version(),
            "budgets/hai-phong~2026/stages/estimate/versions/1");
  const v1::ComplianceRow& a = report.rows(2);
  EXPECT_EQ(a.org_unit(), "units/a");
  EXPECT_EQ(a.education().percent(), "10.00");
  EXPECT_EQ(a.education().gap_dong(), -10);
  EXPECT_EQ(a.education().gap_percent(), "-10.00");
  EXPECT_EQ(a.investment().gap_dong(), -3);
  EXPECT_FALSE(report.rows(3).has_data());
  EXPECT_EQ(report.rows_below_education(), 1);
  EXPECT_EQ(report.rows_below_investment(), 1);
}

TEST(ComplianceReportTest, LocalTotalOverflowIsRefused) {
  const UnitIndex units = Units();
  const int64_t max = std::numeric_limits<int64_t>::max();
  ComplianceInput input;
  input.stage = v1::ESTIMATE;
  input.first_year = input.last_year = 2026;
  input.units = &units;
  input.versions = {Version("hai-phong", max, 0, 0), Version("a", 1, 0, 0)};
  EXPECT_THAT(ComposeComplianceReport(input),
              StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(ExecutionTableTest, StagesSideBySide) {
  auto line = [](v1::SubSector sector, v1::EconomicType type,
                 v1::FundingSource source, int64_t amount) {
    v1::BudgetLine l;
    l.set_function(v1::EDUCATION_TRAINING);
    l.set_sub_sector(sector);
    l.set_economic_type(type);
    l.set_source(source);
    l.set_amount_dong(amount);
    return l;
  };
  v1::BudgetLine other;
  other.set_function(v1::OTHER_SECTOR);
  other.set_economic_type(v1::RECURRENT);
  other.set_source(v1::STATE_BUDGET);
  other.set_amount_dong(600);
  ExecutionInput input;
  input.budget = {"a", 2026};
  input.lines[v1::ESTIMATE] = {
      line(v1::PRIMARY, v1::RECURRENT, v1::STATE_BUDGET, 300),
      line(v1::PRESCHOOL, v1::DEVELOPMENT_INVESTMENT, v1::STATE_BUDGET, 100),
      line(v1::PRIMARY, v1::RECURRENT, v1::TUITION, 40), other};
  input.lines[v1::EXECUTION] = {
      line(v1::PRIMARY, v1::RECURRENT, v1::STATE_BUDGET, 270), other};
  input.version_names[v1::ESTIMATE] = "e";
  input.version_names[v1::EXECUTION] = "x";
  const v1::ExecutionTable table = *ComposeExecutionTable(input);
  EXPECT_THAT(table.budget_versions(), ::testing::ElementsAre("e", "", "x", ""));
  ASSERT_GE(table.rows_size(), 4);
  EXPECT_EQ(table.rows(0).number(), "A");
  EXPECT_EQ(table.rows(0).estimate_dong(), 1000);
  EXPECT_EQ(table.rows(0).execution_dong(), 870);
  EXPECT_EQ(table.rows(0).execution_percent(), "87.00");
  EXPECT_EQ(table.rows(1).label(), "Chi giáo dục - đào tạo");
  EXPECT_EQ(table.rows(1).estimate_dong(), 400);
  EXPECT_EQ(table.rows(1).execution_percent(), "67.50");
  EXPECT_EQ(table.rows(2).estimate_dong(), 100);  // investment
  EXPECT_EQ(table.rows(2).execution_percent(), "0.00");
  EXPECT_EQ(table.rows(3).estimate_dong(), 300);  // recurrent
  // Tuition is outside the state budget.
  const v1::ExecutionRow& tuition = table.rows(table.rows_size() - 2);
  EXPECT_EQ(tuition.label(), "Học phí");
  EXPECT_EQ(tuition.estimate_dong(), 40);
}

}  // namespace
}  // namespace hpedu::budget
