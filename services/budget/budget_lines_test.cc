#include "services/budget/budget_lines.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::budget {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

UnitIndex Units() {
  UnitIndex units;
  units.city_id = "hai-phong";
  units.by_id["hai-phong"] = {"hai-phong", "Thành phố Hải Phòng",
                              UnitClass::kCity, ""};
  units.by_id["phuong-do-son"] = {"phuong-do-son", "Phường Đồ Sơn",
                                  UnitClass::kCommune, "hai-phong"};
  units.by_id["xa-an-lao"] = {"xa-an-lao", "Xã An Lão", UnitClass::kCommune,
                              "hai-phong"};
  units.by_id["th-do-son"] = {"th-do-son", "Trường Tiểu học Đồ Sơn",
                              UnitClass::kOther, "phuong-do-son"};
  units.by_id["so-gddt"] = {"so-gddt", "Sở GDĐT", UnitClass::kOther,
                            "hai-phong"};
  units.communes = {"xa-an-lao", "phuong-do-son"};
  return units;
}

v1::BudgetLine Line(const std::string& unit, int64_t amount) {
  v1::BudgetLine line;
  line.set_unit(unit);
  line.set_function(v1::EDUCATION_TRAINING);
  line.set_sub_sector(v1::PRIMARY);
  line.set_economic_type(v1::RECURRENT);
  line.set_source(v1::STATE_BUDGET);
  line.set_approving_document("Nghị quyết 12/NQ-HĐND");
  line.set_amount_dong(amount);
  return line;
}

TEST(BudgetNamesTest, RoundTrip) {
  const BudgetKey key{"phuong-do-son", 2026};
  EXPECT_EQ(BudgetName(key), "budgets/phuong-do-son~2026");
  EXPECT_EQ(*ParseBudgetName("budgets/phuong-do-son~2026", "parent"), key);
  EXPECT_EQ(VersionName(key, v1::ADJUSTED_ESTIMATE, 3),
            "budgets/phuong-do-son~2026/stages/adjusted-estimate/versions/3");
  const VersionKey version = *ParseVersionName(
      "budgets/phuong-do-son~2026/stages/execution/versions/-", "name");
  EXPECT_EQ(version.stage, v1::EXECUTION);
  EXPECT_EQ(version.version, 0);
  EXPECT_THAT(ParseBudgetName("budgets/phuong-do-son-2026", "parent"),
              HasFieldViolation("parent"));
  EXPECT_THAT(ParseBudgetName("budgets/x~1990", "parent"),
              HasFieldViolation("parent"));
  EXPECT_THAT(ParseVersionName("budgets/x~2026/stages/draft/versions/1", "name"),
              HasFieldViolation("name"));
}

TEST(BudgetWordsTest, VietnameseAndEnglish) {
  EXPECT_EQ(ParseStage("Dự toán điều chỉnh"), v1::ADJUSTED_ESTIMATE);
  EXPECT_EQ(ParseStage("final-accounts"), v1::FINAL_ACCOUNTS);
  EXPECT_EQ(ParseStage("QUYẾT TOÁN"), v1::FINAL_ACCOUNTS);
  EXPECT_EQ(ParseStage("draft"), std::nullopt);
  EXPECT_EQ(ParseSubSector("THCS"), v1::LOWER_SECONDARY);
  EXPECT_EQ(ParseEconomicType("đầu tư phát triển"), v1::DEVELOPMENT_INVESTMENT);
  EXPECT_EQ(ParseSource("Xã hội hóa"), v1::SOCIAL_CONTRIBUTIONS);
  EXPECT_EQ(ParseFunction("khác:Y tế")->sector, "Y tế");
  EXPECT_EQ(ParseFunction("giáo dục")->function, v1::EDUCATION_TRAINING);
  EXPECT_EQ(ParseFunction("health"), std::nullopt);
}

TEST(CheckLineTest, UnitsBelongToTheirBudget) {
  const UnitIndex units = Units();
  const UnitInfo& commune = units.by_id.at("phuong-do-son");
  const UnitInfo& city = units.by_id.at("hai-phong");
  EXPECT_THAT(CheckLine(Line("units/th-do-son", 5), commune, units), IsEmpty());
  EXPECT_THAT(CheckLine(Line("units/phuong-do-son", 5), commune, units),
              IsEmpty());
  EXPECT_THAT(CheckLine(Line("units/so-gddt", 5), commune, units),
              ElementsAre(Field(&LineProblem::field, "unit")));
  EXPECT_THAT(CheckLine(Line("units/so-gddt", 5), city, units), IsEmpty());
  EXPECT_THAT(CheckLine(Line("units/xa-an-lao", 5), city, units),
              ElementsAre(Field(&LineProblem::field, "unit")));
  EXPECT_THAT(CheckLine(Line("units/nowhere", 5), city, units),
              ElementsAre(Field(&LineProblem::field, "unit")));
}

TEST(CheckLineTest, EveryBadFieldAtOnce) {
  const UnitIndex units = Units();
  v1::BudgetLine line = Line("units/so-gddt", -1);
  line.set_function(v1::OTHER_SECTOR);  // keeps its sub-sector: wrong
  line.clear_economic_type();
  line.clear_source();
  line.clear_approving_document();
  std::vector<std::string> fields;
  for (const LineProblem& problem :
       CheckLine(line, units.by_id.at("hai-phong"), units)) {
    fields.push_back(problem.field);
  }
  EXPECT_THAT(fields, ElementsAre("sub_sector", "economic_type", "source",
                                  "approving_document", "amount_dong"));
}

TEST(TotalsTest, SumsByRule) {
  v1::BudgetLine invest = Line("units/so-gddt", 300);
  invest.set_economic_type(v1::DEVELOPMENT_INVESTMENT);
  v1::BudgetLine tuition = Line("units/so-gddt", 50);
  tuition.set_source(v1::TUITION);
  v1::BudgetLine health = Line("units/so-gddt", 1000);
  health.set_function(v1::OTHER_SECTOR);
  health.clear_sub_sector();
  const v1::BudgetTotals totals = *ComputeTotals(
      {Line("units/so-gddt", 200), invest, tuition, health});
  EXPECT_EQ(totals.total_dong(), 1550);
  EXPECT_EQ(totals.state_total_dong(), 1500);
  EXPECT_EQ(totals.state_education_dong(), 500);
  EXPECT_EQ(totals.state_education_investment_dong(), 300);
  EXPECT_EQ(totals.non_state_education_dong(), 50);
}

TEST(TotalsTest, OverflowIsRefusedAndLocated) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  size_t failed = 99;
  const absl::StatusOr<v1::BudgetTotals> totals = ComputeTotals(
      {Line("units/so-gddt", 1), Line("units/so-gddt", max - 5),
       Line("units/so-gddt", 10)},
      &failed);
  EXPECT_THAT(totals, StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_EQ(GetErrorInfo(totals.status()).reason(), "MONEY_OVERFLOW");
  EXPECT_EQ(failed, 2u);
}

TEST(SameLinesTest, IgnoresNamesNotContent) {
  v1::BudgetLine a = Line("units/so-gddt", 1);
  v1::BudgetLine b = a;
  b.set_name("budgets/hai-phong~2026/stages/estimate/versions/1/lines/1");
  EXPECT_TRUE(SameLines({a}, {b}));
  b.set_amount_dong(2);
  EXPECT_FALSE(SameLines({a}, {b}));
  EXPECT_FALSE(SameLines({a}, {a, a}));
}

}  // namespace
}  // namespace hpedu::budget
