// Hand-counted cases of the training-standard sums and of the indicator
// codes and periods the staffing service computes.
#include "services/staffing/training_shares.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::staffing {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::testing::Optional;

std::vector<StandardRule> Standards() {
  StandardRule mn;
  mn.level = "MN";
  mn.minimum = v1::COLLEGE;
  mn.valid_from = absl::CivilDay(2020, 7, 1);
  StandardRule th = mn;
  th.level = "TH";
  th.minimum = v1::BACHELOR;
  return {mn, th};
}

QualificationCount Count(const std::string& school, const std::string& level,
                         v1::Qualification qualification, int64_t teachers) {
  return QualificationCount{school, level, qualification, teachers};
}

TEST(SumTrainingStandardTest, SumsEachUnitsSchoolsByLevel) {
  // Commune x: school a (TH: 3 college, 5 bachelor, 2 master) and school b
  // (TH: 4 bachelor; MN: 2 intermediate, 6 college). School c is elsewhere.
  const std::vector<QualificationCount> counts = {
      Count("a", "TH", v1::COLLEGE, 3),  Count("a", "TH", v1::BACHELOR, 5),
      Count("a", "TH", v1::MASTER, 2),   Count("b", "TH", v1::BACHELOR, 4),
      Count("b", "MN", v1::INTERMEDIATE, 2), Count("b", "MN", v1::COLLEGE, 6),
      Count("c", "TH", v1::BACHELOR, 9)};
  const absl::CivilDay day(2025, 9, 5);
  const TrainingSums by_commune = SumTrainingStandard(
      Standards(), counts, {{"a", "x"}, {"b", "x"}}, day);
  ASSERT_EQ(by_commune.size(), 2u);
  const TrainingSum th = by_commune.at({"x", "TH"});
  EXPECT_EQ(th.teachers, 14);
  EXPECT_EQ(th.meeting, 11);  // 5 + 2 + 4
  EXPECT_EQ(th.below, 3);
  EXPECT_EQ(th.above, 2);
  const TrainingSum mn = by_commune.at({"x", "MN"});
  EXPECT_EQ(mn.teachers, 8);
  EXPECT_EQ(mn.meeting, 6);
  EXPECT_EQ(mn.below, 2);

  const TrainingSums by_school = SumTrainingStandard(
      Standards(), counts, {{"a", "a"}, {"c", "c"}}, day);
  EXPECT_EQ(by_school.at({"a", "TH"}).meeting, 7);
  EXPECT_EQ(by_school.at({"c", "TH"}).teachers, 9);
  EXPECT_EQ(by_school.count({"b", "TH"}), 0u);
}

TEST(SumTrainingStandardTest, TeachersWithoutAStandardCountOnlyAsTeachers) {
  const TrainingSums sums = SumTrainingStandard(
      Standards(), {Count("s", "THCS", v1::BACHELOR, 5)}, {{"s", "s"}},
      absl::CivilDay(2025, 9, 5));
  const TrainingSum thcs = sums.at({"s", "THCS"});
  EXPECT_EQ(thcs.teachers, 5);
  EXPECT_EQ(thcs.meeting + thcs.below, 0);
  EXPECT_TRUE(HasStandard(Standards(), "TH", absl::CivilDay(2025, 9, 5)));
  EXPECT_FALSE(HasStandard(Standards(), "THCS", absl::CivilDay(2025, 9, 5)));
  EXPECT_FALSE(HasStandard(Standards(), "TH", absl::CivilDay(2020, 6, 30)));
}

TEST(TrainingIndicatorTest, CodesLevelsAndDays) {
  EXPECT_THAT(TrainingIndicatorLevel("HP-10"), Optional(std::string("MN")));
  EXPECT_THAT(TrainingIndicatorLevel("HP-11"), Optional(std::string("TH")));
  EXPECT_THAT(TrainingIndicatorLevel("HP-12"), Optional(std::string("THCS")));
  EXPECT_THAT(TrainingIndicatorLevel("HP-13"), Optional(std::string("THPT")));
  EXPECT_EQ(TrainingIndicatorLevel("HP-14"), std::nullopt);
  EXPECT_EQ(TrainingIndicatorLevel("hp-10"), std::nullopt);
  ASSERT_OK_AND_ASSIGN(const absl::CivilDay day,
                       TrainingIndicatorDay("2025-2026", "period"));
  EXPECT_EQ(day, absl::CivilDay(2025, 9, 5));
  EXPECT_THAT(TrainingIndicatorDay("2025", "period"),
              HasFieldViolation("period"));
  EXPECT_THAT(TrainingIndicatorDay("2025-2027", "period"),
              HasFieldViolation("period"));
}

TEST(SharePercentTest, TwoDecimalsRoundedHalfUp) {
  EXPECT_EQ(SharePercent(1, 3), "33.33");
  EXPECT_EQ(SharePercent(2, 3), "66.67");
  EXPECT_EQ(SharePercent(1, 8), "12.50");
  EXPECT_EQ(SharePercent(3, 3), "100.00");
  EXPECT_EQ(SharePercent(0, 0), "");
}

TEST(IndicatorSharesTest, EachUnitsSchoolsOfTheLevelOnly) {
  OrgDirectory directory;
  directory.city_id = "hai-phong";
  directory.communes = {{"xa-a", "Xã A"}, {"xa-b", "Xã B"}};
  directory.schools["th-a"] = {"th-a", "TH A", "xa-a", {"TH"}};
  directory.schools["th-b"] = {"th-b", "TH B", "xa-b", {"TH"}};
  const absl::CivilDay day(2025, 9, 5);
  const std::vector<QualificationCount> counts = {
      Count("th-a", "TH", v1::BACHELOR, 3), Count("th-a", "TH", v1::COLLEGE, 1),
      Count("th-a", "MN", v1::COLLEGE, 4)};
  const std::vector<IndicatorShare> shares = IndicatorShares(
      Standards(), counts, directory, {"xa-a", "xa-b"}, "TH", day);
  ASSERT_EQ(shares.size(), 1u);  // xa-b has no teachers
  EXPECT_EQ(shares[0].unit, "xa-a");
  EXPECT_EQ(shares[0].meeting, 3);
  EXPECT_EQ(shares[0].teachers, 4);
  EXPECT_TRUE(IndicatorShares(Standards(), counts, directory, {"xa-a"}, "THPT",
                              day).empty());
}

}  // namespace
}  // namespace hpedu::staffing
