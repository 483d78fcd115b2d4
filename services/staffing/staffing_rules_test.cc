#include "services/staffing/staffing_rules.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::staffing {
namespace {

using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::StatusIs;

NormRule Norm(std::string level, std::string grade, int sessions,
              std::string subject, int64_t milli, absl::CivilDay from,
              std::optional<absl::CivilDay> until = std::nullopt) {
  NormRule norm;
  norm.level = std::move(level);
  norm.grade = std::move(grade);
  norm.sessions_per_day = sessions;
  norm.subject = std::move(subject);
  norm.teachers_per_class_milli = milli;
  norm.valid_from = from;
  norm.valid_until = until;
  norm.source = "test";
  return norm;
}

// The norms of migrations/0002 (TT 06/2015, TT 20/2023).
std::vector<NormRule> CurrentNorms() {
  const absl::CivilDay tt06(2015, 4, 30);
  const absl::CivilDay tt20(2023, 12, 16);
  return {Norm("MN", "NT", 0, "", 2500, tt06), Norm("MN", "MG", 2, "", 2200, tt06),
          Norm("MN", "MG", 1, "", 1200, tt06), Norm("TH", "", 1, "", 1200, tt20),
          Norm("TH", "", 2, "", 1500, tt20),  Norm("THCS", "", 0, "", 1900, tt20),
          Norm("THPT", "", 0, "", 2250, tt20), Norm("THCS", "", 0, "toan", 211, tt20)};
}

TEST(LevelOfGradeTest, MapsEveryGrade) {
  EXPECT_THAT(LevelOfGrade("NT", "g"), IsOkAndHolds("MN"));
  EXPECT_THAT(LevelOfGrade("MG", "g"), IsOkAndHolds("MN"));
  EXPECT_THAT(LevelOfGrade("1", "g"), IsOkAndHolds("TH"));
  EXPECT_THAT(LevelOfGrade("5", "g"), IsOkAndHolds("TH"));
  EXPECT_THAT(LevelOfGrade("6", "g"), IsOkAndHolds("THCS"));
  EXPECT_THAT(LevelOfGrade("9", "g"), IsOkAndHolds("THCS"));
  EXPECT_THAT(LevelOfGrade("10", "g"), IsOkAndHolds("THPT"));
  EXPECT_THAT(LevelOfGrade("12", "g"), IsOkAndHolds("THPT"));
  for (const char* bad : {"0", "13", "", "+1", "1a", "lop 1", "012"}) {
    EXPECT_THAT(LevelOfGrade(bad, "g"),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(SchoolYearTest, ParsesAndRefersToTheOpeningDay) {
  EXPECT_THAT(ParseSchoolYear("2025-2026", "y"), IsOkAndHolds(2025));
  EXPECT_THAT(ParseSchoolYear("2025-2027", "y"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSchoolYear("2025", "y"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(SchoolYearReferenceDay(2025), absl::CivilDay(2025, 9, 5));
}

TEST(MilliTest, ParsesFormatsAndRounds) {
  EXPECT_THAT(ParseMilli("1.5", "n"), IsOkAndHolds(1500));
  EXPECT_THAT(ParseMilli("2.25", "n"), IsOkAndHolds(2250));
  EXPECT_THAT(ParseMilli("0.211", "n"), IsOkAndHolds(211));
  EXPECT_THAT(ParseMilli("2", "n"), IsOkAndHolds(2000));
  for (const char* bad : {"", "-1", "1.", ".5", "1.2345", "1,5", "abc", "1001"}) {
    EXPECT_THAT(ParseMilli(bad, "n"),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_EQ(FormatMilli(1500), "1.500");
  EXPECT_EQ(FormatMilli(211), "0.211");
  EXPECT_EQ(FormatMilli(-2500), "-2.500");
  EXPECT_EQ(RoundMilli(23500), 24);
  EXPECT_EQ(RoundMilli(23499), 23);
  EXPECT_EQ(RoundMilli(0), 0);
}

TEST(FindNormTest, PicksTheNormOfLevelGradeAndSessions) {
  const std::vector<NormRule> norms = CurrentNorms();
  const absl::CivilDay day(2025, 9, 5);
  auto milli = [&](const char* level, const char* grade, int sessions,
                   const char* subject = "") -> int64_t {
    const NormRule* norm = FindNorm(norms, level, grade, sessions, subject, day);
    return norm == nullptr ? -1 : norm->teachers_per_class_milli;
  };
  EXPECT_EQ(milli("MN", "NT", 2), 2500);
  EXPECT_EQ(milli("MN", "NT", 1), 2500);  // any sessions
  EXPECT_EQ(milli("MN", "MG", 2), 2200);
  EXPECT_EQ(milli("MN", "MG", 1), 1200);
  EXPECT_EQ(milli("TH", "3", 1), 1200);
  EXPECT_EQ(milli("TH", "3", 2), 1500);
  EXPECT_EQ(milli("THCS", "7", 1), 1900);
  EXPECT_EQ(milli("THCS", "7", 2), 1900);
  EXPECT_EQ(milli("THPT", "11", 1), 2250);
  EXPECT_EQ(milli("THCS", "7", 1, "toan"), 211);
  EXPECT_EQ(milli("THCS", "7", 1, "ngu-van"), -1);
  // Before TT 20/2023 came into force there was no primary norm here.
  EXPECT_EQ(FindNorm(norms, "TH", "3", 2, "", absl::CivilDay(2023, 12, 15)),
            nullptr);
}

TEST(FindNormTest, ANewCircularIsANewRowAndSpecificBeatsGeneral) {
  std::vector<NormRule> norms = CurrentNorms();
  // A level-wide norm for any sessions does not beat the sessions' own.
  norms.push_back(Norm("TH", "", 0, "", 1000, absl::CivilDay(2024, 1, 1)));
  EXPECT_EQ(FindNorm(norms, "TH", "3", 2, "", absl::CivilDay(2025, 1, 1))
                ->teachers_per_class_milli,
            1500);
  // A later circular for the same key replaces the earlier from its day.
  norms[4].valid_until = absl::CivilDay(2026, 9, 1);
  norms.push_back(Norm("TH", "", 2, "", 1600, absl::CivilDay(2026, 9, 1)));
  EXPECT_EQ(FindNorm(norms, "TH", "3", 2, "", absl::CivilDay(2026, 8, 31))
                ->teachers_per_class_milli,
            1500);
  EXPECT_EQ(FindNorm(norms, "TH", "3", 2, "", absl::CivilDay(2026, 9, 1))
                ->teachers_per_class_milli,
            1600);
  EXPECT_THAT(SubjectsWithNorms(norms, "THCS", absl::CivilDay(2025, 1, 1)),
              ::testing::ElementsAre("toan"));
}

std::vector<StandardRule> Law2019() {
  std::vector<StandardRule> rules;
  for (const auto& [level, minimum] :
       std::vector<std::pair<std::string, v1::Qualification>>{
           {"MN", v1::COLLEGE}, {"TH", v1::BACHELOR}, {"THCS", v1::BACHELOR},
           {"THPT", v1::BACHELOR}}) {
    StandardRule rule;
    rule.level = level;
    rule.minimum = minimum;
    rule.valid_from = absl::CivilDay(2020, 7, 1);
    rules.push_back(rule);
  }
  return rules;
}

TEST(ClassifyTest, PerLevelByTheLawOf2019) {
  const auto rules = Law2019();
  const absl::CivilDay day(2025, 9, 5);
  // Preschool: a college degree.
  EXPECT_EQ(Classify(rules, "MN", v1::INTERMEDIATE, day), v1::BELOW_STANDARD);
  EXPECT_EQ(Classify(rules, "MN", v1::COLLEGE, day), v1::MEETS_STANDARD);
  EXPECT_EQ(Classify(rules, "MN", v1::BACHELOR, day), v1::ABOVE_STANDARD);
  // Primary and secondary: a bachelor's degree.
  for (const char* level : {"TH", "THCS", "THPT"}) {
    EXPECT_EQ(Classify(rules, level, v1::COLLEGE, day), v1::BELOW_STANDARD);
    EXPECT_EQ(Classify(rules, level, v1::BACHELOR, day), v1::MEETS_STANDARD);
    EXPECT_EQ(Classify(rules, level, v1::MASTER, day), v1::ABOVE_STANDARD);
  }
  EXPECT_EQ(Classify(rules, "TH", v1::QUALIFICATION_UNSPECIFIED, day),
            v1::BELOW_STANDARD);
  // No standard before the law.
  EXPECT_EQ(Classify(rules, "TH", v1::BACHELOR, absl::CivilDay(2020, 6, 30)),
            v1::STANDARD_STATUS_UNSPECIFIED);
}

TEST(ClassifyTest, TheRuleIsData) {
  auto rules = Law2019();
  rules[3].valid_until = absl::CivilDay(2030, 1, 1);
  StandardRule master;
  master.level = "THPT";
  master.minimum = v1::MASTER;
  master.valid_from = absl::CivilDay(2030, 1, 1);
  rules.push_back(master);
  EXPECT_EQ(Classify(rules, "THPT", v1::BACHELOR, absl::CivilDay(2029, 12, 31)),
            v1::MEETS_STANDARD);
  EXPECT_EQ(Classify(rules, "THPT", v1::BACHELOR, absl::CivilDay(2030, 1, 1)),
            v1::BELOW_STANDARD);
}

TEST(StandardValidOnTest, FromInclusiveUntilExclusive) {
  StandardRule standard;
  standard.valid_from = absl::CivilDay(2020, 7, 1);
  standard.valid_until = absl::CivilDay(2025, 7, 1);
  EXPECT_TRUE(ValidOn(standard, absl::CivilDay(2020, 7, 1)));
  EXPECT_FALSE(ValidOn(standard, absl::CivilDay(2020, 6, 30)));
  EXPECT_FALSE(ValidOn(standard, absl::CivilDay(2025, 7, 1)));
  standard.valid_until.reset();
  EXPECT_TRUE(ValidOn(standard, absl::CivilDay(2099, 1, 1)));
}

TEST(CheckNewerTest, ANewRowMustStartAfterTheOpenOne) {
  const absl::CivilDay open(2023, 12, 16);
  EXPECT_TRUE(CheckNewerNorm(open, open + 1).ok());
  EXPECT_THAT(CheckNewerNorm(open, open),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckNewerNorm(open, open - 1),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_TRUE(CheckNewerStandard(open, open + 1).ok());
  EXPECT_THAT(CheckNewerStandard(open, open),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(CheckMovementFitsTest, AnAppointmentNeedsNoOpenPlacement) {
  const absl::CivilDay day(2025, 9, 5);
  EXPECT_TRUE(CheckMovementFits("gv", v1::APPOINTMENT, std::nullopt,
                                std::nullopt, day).ok());
  EXPECT_TRUE(CheckMovementFits("gv", v1::APPOINTMENT, std::nullopt,
                                day, day).ok());
  EXPECT_THAT(CheckMovementFits("gv", v1::APPOINTMENT, day - 10, std::nullopt, day),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckMovementFits("gv", v1::APPOINTMENT, std::nullopt, day + 1, day),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(CheckMovementFitsTest, OtherMovesFollowTheOpenPlacement) {
  const absl::CivilDay day(2025, 9, 5);
  EXPECT_TRUE(CheckMovementFits("gv", v1::TRANSFER, day - 1, std::nullopt, day).ok());
  EXPECT_THAT(CheckMovementFits("gv", v1::TRANSFER, day, std::nullopt, day),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckMovementFits("gv", v1::LEAVING, std::nullopt, std::nullopt, day),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace hpedu::staffing
