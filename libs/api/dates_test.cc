#include "libs/api/dates.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::api {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::StatusIs;

google::type::Date Date(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(FromProtoDateTest, AcceptsRealDates) {
  EXPECT_THAT(FromProtoDate(Date(2025, 7, 1), "as_of"),
              IsOkAndHolds(absl::CivilDay(2025, 7, 1)));
  EXPECT_THAT(FromProtoDate(Date(2024, 2, 29), "as_of"),
              IsOkAndHolds(absl::CivilDay(2024, 2, 29)));
  EXPECT_THAT(FromProtoDate(Date(1900, 1, 1), "as_of"),
              IsOkAndHolds(absl::CivilDay(1900, 1, 1)));
  EXPECT_THAT(FromProtoDate(Date(2200, 12, 31), "as_of"),
              IsOkAndHolds(absl::CivilDay(2200, 12, 31)));
}

TEST(FromProtoDateTest, RejectsImpossibleOrPartialDates) {
  for (const google::type::Date& date :
       {Date(2025, 2, 29), Date(2025, 4, 31), Date(2025, 13, 1),
        Date(2025, 0, 1), Date(2025, 1, 0), Date(0, 0, 0), Date(1899, 12, 31),
        Date(2201, 1, 1), Date(-5, 1, 1), Date(2025, 1, 32)}) {
    EXPECT_THAT(FromProtoDate(date, "unit.valid_from"),
                HasFieldViolation("unit.valid_from"))
        << date.DebugString();
  }
}

TEST(ToProtoDateTest, RoundTrips) {
  const google::type::Date date = ToProtoDate(absl::CivilDay(2026, 1, 15));
  EXPECT_EQ(date.year(), 2026);
  EXPECT_EQ(date.month(), 1);
  EXPECT_EQ(date.day(), 15);
  EXPECT_THAT(FromProtoDate(date, "x"),
              IsOkAndHolds(absl::CivilDay(2026, 1, 15)));
}

TEST(ParseIsoDateTest, ParsesStrictly) {
  EXPECT_THAT(ParseIsoDate("2026-01-01"),
              IsOkAndHolds(absl::CivilDay(2026, 1, 1)));
  for (const char* text : {"", "2026-1-01", "2026-02-30", "20260101",
                           "2026/01/01", "2026-01-01T00:00", " 2026-01-01",
                           "+026-01-01", "1800-01-01", "abcd-ef-gh"}) {
    EXPECT_THAT(ParseIsoDate(text),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << text;
  }
}

TEST(FormatIsoDateTest, PadsFields) {
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(2025, 7, 1)), "2025-07-01");
}

TEST(TodayInVietnamTest, IsWithinADayOfUtc) {
  const absl::CivilDay today = TodayInVietnam();
  const absl::CivilDay utc_today =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  EXPECT_GE(today - utc_today, 0);
  EXPECT_LE(today - utc_today, 1);
}

}  // namespace
}  // namespace hpedu::api
