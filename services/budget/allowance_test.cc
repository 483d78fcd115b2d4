#include "services/budget/allowance.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::budget {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;

v1::AllowanceGroup Group(const std::string& label, v1::StaffCategory category,
                         int64_t headcount, const std::string& coefficient,
                         int32_t current) {
  v1::AllowanceGroup group;
  group.set_label(label);
  group.set_category(category);
  group.set_headcount(headcount);
  group.set_average_coefficient(coefficient);
  group.set_current_rate_percent(current);
  return group;
}

const SalaryBase kBase{absl::CivilDay(2024, 7, 1), 2'340'000,
                       "Nghị định 73/2024/NĐ-CP"};

TEST(AllowanceTest, HandComputed) {
  v1::EstimateAllowanceCostRequest request;
  // 1,000 primary teachers at 35%, coefficient 4.32: per month each gets
  // 4.32 x 2,340,000 x 35% = 3,538,080 đồng more; x 1,000 x 12 =
  // 42,456,960,000 đồng a year.
  *request.add_groups() =
      Group("Giáo viên tiểu học", v1::TEACHER, 1000, "4.32", 35);
  // 200 staff at 0%, coefficient 2.1: 2.10 x 2,340,000 x 30% = 1,474,200 a
  // month each; x 200 x 12 = 3,538,080,000.
  *request.add_groups() =
      Group("Nhân viên trường học", v1::SCHOOL_STAFF, 200, "2.1", 0);
  // Already above the target: nothing.
  *request.add_groups() =
      Group("Giáo viên vùng đặc biệt khó khăn", v1::TEACHER, 50, "4", 100);
  const v1::AllowanceCostEstimate estimate =
      *EstimateAllowanceCost(request, kBase);
  EXPECT_EQ(estimate.salary_base_dong(), 2'340'000);
  EXPECT_THAT(estimate.salary_base_source(),
              HasSubstr("Nghị định 73/2024/NĐ-CP, áp dụng từ 01/07/2024"));
  ASSERT_EQ(estimate.groups_size(), 3);
  EXPECT_EQ(estimate.groups(0).raise_percent(), 35);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 42'456'960'000);
  EXPECT_EQ(estimate.groups(0).computation(),
            "1.000 người × 4,32 × 2.340.000 đồng × 35% (70% − 35%) × 12 "
            "tháng = 42.456.960.000 đồng");
  EXPECT_EQ(estimate.groups(1).target_rate_percent(), 30);
  EXPECT_EQ(estimate.groups(1).yearly_increase_dong(), 3'538'080'000);
  EXPECT_EQ(estimate.groups(2).raise_percent(), 0);
  EXPECT_EQ(estimate.groups(2).yearly_increase_dong(), 0);
  EXPECT_EQ(estimate.total_yearly_increase_dong(), 45'995'040'000);
  EXPECT_THAT(estimate.formula(), HasSubstr("mức lương cơ sở"));
}

TEST(AllowanceTest, RoundsOncePerGroupToTheDong) {
  v1::EstimateAllowanceCostRequest request;
  // 1 x 1.01 x 1,000,001 x 1% x 12 = 121,200.1212 -> 121,200.
  *request.add_groups() = Group("x", v1::TEACHER, 1, "1.01", 69);
  request.set_salary_base_dong(1'000'001);
  const v1::AllowanceCostEstimate estimate =
      *EstimateAllowanceCost(request, std::nullopt);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 121'200);
  EXPECT_THAT(estimate.salary_base_source(), HasSubstr("do người gọi nhập"));
}

TEST(AllowanceTest, BadInputAndOverflow) {
  v1::EstimateAllowanceCostRequest request;
  *request.add_groups() = Group("", v1::STAFF_CATEGORY_UNSPECIFIED, -1, "4,32", 120);
  const auto result = EstimateAllowanceCost(request, kBase);
  EXPECT_THAT(result, HasFieldViolation("groups[0].label"));
  EXPECT_THAT(result, HasFieldViolation("groups[0].category"));
  EXPECT_THAT(result, HasFieldViolation("groups[0].headcount"));
  EXPECT_THAT(result, HasFieldViolation("groups[0].average_coefficient"));
  EXPECT_THAT(result, HasFieldViolation("groups[0].current_rate_percent"));

  v1::EstimateAllowanceCostRequest huge;
  *huge.add_groups() =
      Group("x", v1::TEACHER, 9'000'000'000'000'000'000, "99.99", 0);
  EXPECT_THAT(EstimateAllowanceCost(huge, kBase),
              StatusIs(absl::StatusCode::kOutOfRange));
  v1::EstimateAllowanceCostRequest no_base;
  *no_base.add_groups() = Group("x", v1::TEACHER, 1, "1", 0);
  EXPECT_THAT(EstimateAllowanceCost(no_base, std::nullopt),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(AllowanceTest, Coefficients) {
  EXPECT_EQ(ParseCoefficient("4.32"), 432);
  EXPECT_EQ(ParseCoefficient("2.1"), 210);
  EXPECT_EQ(ParseCoefficient("10"), 1000);
  EXPECT_EQ(ParseCoefficient("4,32"), std::nullopt);
  EXPECT_EQ(ParseCoefficient("4.321"), std::nullopt);
  EXPECT_EQ(ParseCoefficient("0"), std::nullopt);
  EXPECT_EQ(ParseCoefficient("4."), std::nullopt);
  EXPECT_EQ(ParseCoefficient("-1"), std::nullopt);
}

}  // namespace
}  // namespace hpedu::budget
