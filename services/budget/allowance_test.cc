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
                         v1::SubSector level, const std::string& coefficient,
                         int32_t current, int64_t additional = 0) {
  v1::AllowanceGroup group;
  group.set_label(label);
  group.set_category(category);
  group.set_sub_sector(level);
  group.set_average_coefficient(coefficient);
  group.set_current_rate_percent(current);
  group.set_additional_headcount(additional);
  return group;
}

const SalaryBase kBase{absl::CivilDay(2024, 7, 1), 2'340'000,
                       "Nghị định 73/2024/NĐ-CP"};

// As staffing counts them: 900 primary teachers and 100 primary managers
// (teachers by rank), 300 preschool teachers, 150 primary and 50 preschool
// staff.
const StaffHeadcounts kCounted{{{v1::TEACHER, v1::PRIMARY, 900},
                                {v1::TEACHER, v1::PRIMARY, 100},
                                {v1::TEACHER, v1::PRESCHOOL, 300},
                                {v1::SCHOOL_STAFF, v1::PRIMARY, 150},
                                {v1::SCHOOL_STAFF, v1::PRESCHOOL, 50}},
                               "Dịch vụ đội ngũ (staffing, GetHeadcount)"};

TEST(AllowanceTest, HandComputed) {
  v1::EstimateAllowanceCostRequest request;
  // 1,000 primary teachers at 35%, coefficient 4.32: per month each gets
  // 4.32 x 2,340,000 x 35% = 3,538,080 đồng more; x 1,000 x 12 =
  // 42,456,960,000 đồng a year.
  *request.add_groups() =
      Group("Giáo viên tiểu học", v1::TEACHER, v1::PRIMARY, "4.32", 35);
  // 200 staff of every level at 0%, coefficient 2.1: 2.10 x 2,340,000 x
  // 30% = 1,474,200 a month each; x 200 x 12 = 3,538,080,000.
  *request.add_groups() = Group("Nhân viên trường học", v1::SCHOOL_STAFF,
                                v1::SUB_SECTOR_UNSPECIFIED, "2.1", 0);
  // Already above the target: nothing.
  *request.add_groups() =
      Group("Giáo viên mầm non", v1::TEACHER, v1::PRESCHOOL, "4", 100);
  const v1::AllowanceCostEstimate estimate =
      *EstimateAllowanceCost(request, kBase, kCounted);
  EXPECT_EQ(estimate.salary_base_dong(), 2'340'000);
  EXPECT_THAT(estimate.salary_base_source(),
              HasSubstr("Nghị định 73/2024/NĐ-CP, áp dụng từ 01/07/2024"));
  EXPECT_EQ(estimate.headcount_source(), kCounted.source);
  ASSERT_EQ(estimate.groups_size(), 3);
  EXPECT_EQ(estimate.groups(0).staffing_headcount(), 1000);
  EXPECT_EQ(estimate.groups(0).headcount(), 1000);
  EXPECT_EQ(estimate.groups(0).raise_percent(), 35);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 42'456'960'000);
  EXPECT_EQ(estimate.groups(0).computation(),
            "1.000 người × 4,32 × 2.340.000 đồng × 35% (70% − 35%) × 12 "
            "tháng = 42.456.960.000 đồng");
  EXPECT_EQ(estimate.groups(1).headcount(), 200);
  EXPECT_EQ(estimate.groups(1).target_rate_percent(), 30);
  EXPECT_EQ(estimate.groups(1).yearly_increase_dong(), 3'538'080'000);
  EXPECT_EQ(estimate.groups(2).headcount(), 300);
  EXPECT_EQ(estimate.groups(2).raise_percent(), 0);
  EXPECT_EQ(estimate.groups(2).yearly_increase_dong(), 0);
  EXPECT_EQ(estimate.total_yearly_increase_dong(), 45'995'040'000);
  EXPECT_THAT(estimate.formula(), HasSubstr("mức lương cơ sở"));
}

TEST(AllowanceTest, PlannedHiresAreAddedToTheCount) {
  v1::EstimateAllowanceCostRequest request;
  // 1,000 counted + 50 planned: 1,050 x 4.32 x 2,340,000 x 35% x 12 =
  // 44,579,808,000.
  *request.add_groups() =
      Group("Giáo viên tiểu học", v1::TEACHER, v1::PRIMARY, "4.32", 35, 50);
  // 50 preschool staff − 20 leaving: 30 x 2 x 2,340,000 x 30% x 12 =
  // 505,440,000.
  *request.add_groups() =
      Group("Nhân viên mầm non", v1::SCHOOL_STAFF, v1::PRESCHOOL, "2", 0, -20);
  const v1::AllowanceCostEstimate estimate =
      *EstimateAllowanceCost(request, kBase, kCounted);
  EXPECT_EQ(estimate.groups(0).staffing_headcount(), 1000);
  EXPECT_EQ(estimate.groups(0).headcount(), 1050);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 44'579'808'000);
  EXPECT_THAT(estimate.groups(0).computation(),
              HasSubstr("1.050 người (1.000 theo dịch vụ đội ngũ + 50 dự "
                        "kiến thêm) × 4,32"));
  EXPECT_EQ(estimate.groups(1).headcount(), 30);
  EXPECT_EQ(estimate.groups(1).yearly_increase_dong(), 505'440'000);
  EXPECT_THAT(estimate.groups(1).computation(),
              HasSubstr("(50 theo dịch vụ đội ngũ − 20 dự kiến giảm)"));
  // More leaving than there are people.
  request.mutable_groups(1)->set_additional_headcount(-51);
  EXPECT_THAT(EstimateAllowanceCost(request, kBase, kCounted),
              HasFieldViolation("groups[1].additional_headcount"));
}

TEST(AllowanceTest, RoundsOncePerGroupToTheDong) {
  v1::EstimateAllowanceCostRequest request;
  // 1 x 1.01 x 1,000,001 x 1% x 12 = 121,200.1212 -> 121,200.
  *request.add_groups() =
      Group("x", v1::TEACHER, v1::UPPER_SECONDARY, "1.01", 69, 1);
  request.set_salary_base_dong(1'000'001);
  const v1::AllowanceCostEstimate estimate =
      *EstimateAllowanceCost(request, std::nullopt, kCounted);
  EXPECT_EQ(estimate.groups(0).staffing_headcount(), 0);
  EXPECT_EQ(estimate.groups(0).yearly_increase_dong(), 121'200);
  EXPECT_THAT(estimate.salary_base_source(), HasSubstr("do người gọi nhập"));
}

TEST(AllowanceTest, BadInputAndOverflow) {
  v1::EstimateAllowanceCostRequest request;
  *request.add_groups() = Group("", v1::STAFF_CATEGORY_UNSPECIFIED,
                                v1::SUB_SECTOR_UNSPECIFIED, "4,32", 120);
  *request.add_groups() = Group("GDTX", v1::TEACHER, v1::CONTINUING, "4", 0);
  // Every level's teachers, then the primary ones again.
  *request.add_groups() =
      Group("Giáo viên", v1::TEACHER, v1::SUB_SECTOR_UNSPECIFIED, "4", 0);
  *request.add_groups() = Group("Giáo viên TH", v1::TEACHER, v1::PRIMARY, "4", 0);
  const auto result = EstimateAllowanceCost(request, kBase, kCounted);
  EXPECT_THAT(result, HasFieldViolation("groups[0].label"));
  EXPECT_THAT(result, HasFieldViolation("groups[0].category"));
  EXPECT_THAT(result, HasFieldViolation("groups[0].average_coefficient"));
  EXPECT_THAT(result, HasFieldViolation("groups[0].current_rate_percent"));
  EXPECT_THAT(result, HasFieldViolation("groups[1].sub_sector"));
  EXPECT_THAT(result, HasFieldViolation("groups[3].sub_sector"));

  v1::EstimateAllowanceCostRequest huge;
  *huge.add_groups() = Group("x", v1::TEACHER, v1::SUB_SECTOR_UNSPECIFIED,
                             "99.99", 0, 9'000'000'000'000'000'000);
  EXPECT_THAT(EstimateAllowanceCost(huge, kBase, kCounted),
              StatusIs(absl::StatusCode::kOutOfRange));
  v1::EstimateAllowanceCostRequest no_base;
  *no_base.add_groups() =
      Group("x", v1::TEACHER, v1::SUB_SECTOR_UNSPECIFIED, "1", 0);
  EXPECT_THAT(EstimateAllowanceCost(no_base, std::nullopt, kCounted),
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
