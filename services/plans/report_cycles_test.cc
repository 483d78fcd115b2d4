#include "services/plans/report_cycles.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::plans {
namespace {

using ::testing::ElementsAre;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

TEST(DueDatesTest, MonthlyQuarterlyHalfYearlyYearly) {
  CycleSpec cycle;
  cycle.first_day = Day(2025, 9, 15);
  cycle.frequency = v1::MONTHLY;
  cycle.due_days_after_period = 5;  // the 5th of the next month
  EXPECT_THAT(DueDates(cycle, Day(2025, 12, 5)),
              ElementsAre(Day(2025, 10, 5), Day(2025, 11, 5), Day(2025, 12, 5)));
  cycle.frequency = v1::QUARTERLY;
  cycle.due_days_after_period = 0;
  EXPECT_THAT(DueDates(cycle, Day(2026, 6, 30)),
              ElementsAre(Day(2025, 9, 30), Day(2025, 12, 31), Day(2026, 3, 31),
                          Day(2026, 6, 30)));
  cycle.frequency = v1::HALF_YEARLY;
  EXPECT_THAT(DueDates(cycle, Day(2026, 12, 31)),
              ElementsAre(Day(2025, 12, 31), Day(2026, 6, 30), Day(2026, 12, 31)));
  cycle.frequency = v1::YEARLY;
  cycle.due_days_after_period = 15;  // 15 January
  cycle.last_day = Day(2026, 12, 31);
  EXPECT_THAT(DueDates(cycle, Day(2030, 1, 1)),
              ElementsAre(Day(2026, 1, 15), Day(2027, 1, 15)));
}

TEST(DueDatesTest, TheSosThreeFixedDeadlines) {
  CycleSpec cycle;
  cycle.frequency = v1::FIXED_DATES;
  cycle.first_day = Day(2025, 8, 1);
  cycle.fixed_dates = {Day(2026, 6, 25), Day(2025, 9, 10), Day(2026, 1, 31)};
  EXPECT_THAT(DueDates(cycle, Day(2026, 2, 1)),
              ElementsAre(Day(2025, 9, 10), Day(2026, 1, 31)));
}

TEST(TrackSubmissionsTest, OnTimeLateMissingPending) {
  CycleSpec cycle;
  cycle.frequency = v1::FIXED_DATES;
  cycle.first_day = Day(2025, 8, 1);
  cycle.fixed_dates = {Day(2025, 9, 10), Day(2026, 1, 31), Day(2026, 6, 25)};
  const std::vector<std::string> units = {"units/phuong-do-son",
                                          "units/phuong-duong-kinh"};
  std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay> submitted = {
      {{"units/phuong-do-son", Day(2025, 9, 10)}, Day(2025, 9, 10)},
      {{"units/phuong-duong-kinh", Day(2025, 9, 10)}, Day(2025, 9, 12)},
      {{"units/phuong-do-son", Day(2026, 1, 31)}, Day(2026, 1, 20)},
  };
  const std::vector<UnitSubmission> status =
      TrackSubmissions(cycle, units, submitted, Day(2026, 2, 3), 0);
  ASSERT_EQ(status.size(), 4u);
  EXPECT_EQ(status[0].state, SubmissionState::kOnTime);  // on the day
  EXPECT_EQ(status[1].state, SubmissionState::kLate);
  EXPECT_EQ(status[2].state, SubmissionState::kOnTime);
  EXPECT_EQ(status[3].state, SubmissionState::kMissing);
  EXPECT_EQ(status[3].unit, "units/phuong-duong-kinh");
  // With a horizon the June report shows as pending.
  const std::vector<UnitSubmission> ahead =
      TrackSubmissions(cycle, units, submitted, Day(2026, 6, 20), 10);
  ASSERT_EQ(ahead.size(), 6u);
  EXPECT_EQ(ahead[4].state, SubmissionState::kPending);
  EXPECT_EQ(ahead[3].state, SubmissionState::kMissing);
}

TEST(SubmissionStatusOfTest, OneEntryEachAndTheCounts) {
  std::vector<UnitSubmission> entries = {
      {.unit = "units/a", .due = Day(2025, 10, 5),
       .state = SubmissionState::kOnTime, .submitted = Day(2025, 10, 4)},
      {.unit = "units/b", .due = Day(2025, 10, 5),
       .state = SubmissionState::kLate, .submitted = Day(2025, 10, 9)},
      {.unit = "units/c", .due = Day(2025, 10, 5),
       .state = SubmissionState::kMissing},
      {.unit = "units/a", .due = Day(2025, 11, 5),
       .state = SubmissionState::kPending},
  };
  const v1::SubmissionStatus status =
      SubmissionStatusOf(entries, Day(2025, 10, 20));
  EXPECT_EQ(status.as_of().day(), 20);
  ASSERT_EQ(status.entries_size(), 4);
  EXPECT_EQ(status.entries(0).state(), v1::ON_TIME);
  EXPECT_EQ(status.entries(0).submitted_date().day(), 4);
  EXPECT_EQ(status.entries(1).state(), v1::LATE);
  EXPECT_EQ(status.entries(2).state(), v1::MISSING);
  EXPECT_FALSE(status.entries(2).has_submitted_date());
  EXPECT_EQ(status.entries(3).unit(), "units/a");
  EXPECT_EQ(status.entries(3).due_date().month(), 11);
  EXPECT_EQ(status.on_time(), 1);
  EXPECT_EQ(status.late(), 1);
  EXPECT_EQ(status.missing(), 1);
  EXPECT_EQ(status.pending(), 1);
}

}  // namespace
}  // namespace hpedu::plans
