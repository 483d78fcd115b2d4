#include "services/plans/task_time.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

TEST(ParseTaskTimeTest, MonthIsDueOnItsLastDay) {
  ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime("10/2025", "time"));
  EXPECT_EQ(time.form, v1::MONTH);
  EXPECT_EQ(time.due, Day(2025, 10, 31));
  // The appendix's single-digit months.
  ASSERT_OK_AND_ASSIGN(time, ParseTaskTime("5/2025", "time"));
  EXPECT_EQ(time.due, Day(2025, 5, 31));
  ASSERT_OK_AND_ASSIGN(time, ParseTaskTime("2/2028", "time"));
  EXPECT_EQ(time.due, Day(2028, 2, 29));  // leap year
  ASSERT_OK_AND_ASSIGN(time, ParseTaskTime("Tháng 12/2025", "time"));
  EXPECT_EQ(time.due, Day(2025, 12, 31));
}

TEST(ParseTaskTimeTest, EveryMonthStringOfTheSeedAppendix) {
  for (const char* text : {"5/2025", "10/2025", "10/2029", "12/2025", "11/2025",
                           "9/2025", "6/2026", "8/2026", "10/2026", "9/2026",
                           "8/2027", "9/2028", "11/2026", "6/2027"}) {
    ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime(text, "time"));
    EXPECT_EQ(time.form, v1::MONTH) << text;
    EXPECT_TRUE(time.due.has_value()) << text;
  }
}

TEST(ParseTaskTimeTest, Dates) {
  ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime("15/10/2025", "time"));
  EXPECT_EQ(time.form, v1::DATE);
  EXPECT_EQ(time.due, Day(2025, 10, 15));
  ASSERT_OK_AND_ASSIGN(time, ParseTaskTime("2026-01-31", "time"));
  EXPECT_EQ(time.due, Day(2026, 1, 31));
  ASSERT_OK_AND_ASSIGN(time, ParseTaskTime("Trước ngày 10/9/2025", "time"));
  EXPECT_EQ(time.due, Day(2025, 9, 10));
}

TEST(ParseTaskTimeTest, YearRangesAreDueAtTheEndOfTheLastYear) {
  for (const char* text : {"2025-2030", "2025 - 2030", "2025–2030",
                           "Giai đoạn 2025 - 2030"}) {
    ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime(text, "time"));
    EXPECT_EQ(time.form, v1::YEAR_RANGE) << text;
    EXPECT_EQ(time.start_year, 2025);
    EXPECT_EQ(time.end_year, 2030);
    EXPECT_EQ(time.due, Day(2030, 12, 31));
  }
  ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime("Năm 2025 - 2026", "time"));
  EXPECT_EQ(time.form, v1::YEAR_RANGE);
  EXPECT_EQ(time.due, Day(2026, 12, 31));
  ASSERT_OK_AND_ASSIGN(time, ParseTaskTime("Nam 2025 - 2026", "time"));
  EXPECT_EQ(time.form, v1::YEAR_RANGE);
}

TEST(ParseTaskTimeTest, SingleYear) {
  ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime("Năm 2025", "time"));
  EXPECT_EQ(time.form, v1::YEAR);
  EXPECT_EQ(time.due, Day(2025, 12, 31));
}

TEST(ParseTaskTimeTest, YearlyWithConfigurableDuePoint) {
  for (const char* text : {"Hằng năm", "Hàng năm", "hang nam", "HẰNG NĂM."}) {
    ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime(text, "time"));
    EXPECT_EQ(time.form, v1::RECURRING_YEARLY) << text;
    EXPECT_EQ(time.recurring, (RecurringDue{12, 31}));
    EXPECT_FALSE(time.due.has_value());
  }
  ASSERT_OK_AND_ASSIGN(ParsedTime time,
                       ParseTaskTime("Hằng năm", "time", RecurringDue{1, 15}));
  EXPECT_EQ(time.recurring, (RecurringDue{1, 15}));
  EXPECT_THAT(ParseTaskTime("Hằng năm", "time", RecurringDue{2, 30}),
              HasFieldViolation("time"));
}

TEST(ParseTaskTimeTest, FreeTextIsKeptAndNeverGuessed) {
  const std::string text =
      "Theo lộ trình sửa các Luật: Tổ chức Chính phủ, Tổ chức chính quyền địa "
      "phương, Cán bộ, công chức, viên chức";
  ASSERT_OK_AND_ASSIGN(ParsedTime time, ParseTaskTime(text, "time"));
  EXPECT_EQ(time.form, v1::FREE_TEXT);
  EXPECT_FALSE(time.due.has_value());
  const v1::TaskTime proto = ToProto(text, time);
  EXPECT_EQ(proto.text(), text);
  EXPECT_FALSE(proto.computable());
  EXPECT_FALSE(proto.has_due_date());
  // Text with a year inside is still free text: no deadline is invented.
  ASSERT_OK_AND_ASSIGN(time, ParseTaskTime("Sau khi Luật 2025 có hiệu lực", "time"));
  EXPECT_EQ(time.form, v1::FREE_TEXT);
}

TEST(ParseTaskTimeTest, ImpossibleValuesAreRejected) {
  for (const char* text : {"13/2025", "0/2025", "31/02/2025", "2030-2025",
                           "1/1850", "", "   "}) {
    EXPECT_THAT(ParseTaskTime(text, "task.time.text"),
                HasFieldViolation("task.time.text"))
        << text;
  }
}

TEST(OccurrenceInTest, TwentyNinthOfFebruaryInACommonYear) {
  EXPECT_EQ(OccurrenceIn(2025, {2, 29}), Day(2025, 2, 28));
  EXPECT_EQ(OccurrenceIn(2028, {2, 29}), Day(2028, 2, 29));
}

}  // namespace
}  // namespace hpedu::plans
