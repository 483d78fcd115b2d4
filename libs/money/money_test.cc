#include "libs/money/money.h"

#include <cstdint>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::money {
namespace {

using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::StatusIs;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(MoneyTest, CheckedArithmetic) {
  EXPECT_EQ(Add(2, 3), 5);
  EXPECT_EQ(Add(kMax, 0), kMax);
  EXPECT_EQ(Add(kMax, 1), std::nullopt);
  EXPECT_EQ(Add(kMin, -1), std::nullopt);
  EXPECT_EQ(Multiply(4'000'000'000, 4'000'000'000), std::nullopt);
  EXPECT_EQ(Multiply(3'000'000, 3'000'000), 9'000'000'000'000);
}

TEST(MoneyTest, SumRefusesOverflow) {
  EXPECT_THAT(Sum({1, 2, 3}), IsOkAndHolds(6));
  const absl::StatusOr<int64_t> sum =
      Sum({kMax - 10, 5, 6}, "tổng dự toán");
  EXPECT_THAT(sum, StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_EQ(GetErrorInfo(sum.status()).reason(), "MONEY_OVERFLOW");
}

TEST(MoneyTest, Rounding) {
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(5, 2)), 3);
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(-5, 2)), -3);
  EXPECT_EQ(static_cast<int64_t>(DivideRounded(4, 3)), 1);
  EXPECT_EQ(static_cast<int64_t>(DivideCeil(4, 3)), 2);
  EXPECT_EQ(static_cast<int64_t>(DivideCeil(6, 3)), 2);
}

TEST(MoneyTest, PercentText) {
  EXPECT_EQ(PercentText(1, 3), "33.33");
  EXPECT_EQ(PercentText(2, 3), "66.67");
  EXPECT_EQ(PercentText(1, 5), "20.00");
  EXPECT_EQ(PercentText(-1, 80), "-1.25");
  EXPECT_EQ(PercentText(1, 8, 0), "13");
  EXPECT_EQ(PercentText(1, 0), "");
  EXPECT_EQ(FixedText(-5, 2), "-0.05");
}

TEST(MoneyTest, VietnameseFormats) {
  EXPECT_EQ(FormatDong(0), "0");
  EXPECT_EQ(FormatDong(999), "999");
  EXPECT_EQ(FormatDong(1000), "1.000");
  EXPECT_EQ(FormatDong(1234567), "1.234.567");
  EXPECT_EQ(FormatDong(-5000), "-5.000");
  EXPECT_EQ(FormatDong(kMin), "-9.223.372.036.854.775.808");
  EXPECT_EQ(FormatMillions(1'234'567'890), "1.234,57");
  EXPECT_EQ(FormatMillions(1'234'564'999), "1.234,56");
  EXPECT_EQ(FormatMillions(500'000, 0), "1");
  EXPECT_EQ(FormatMillions(0), "0,00");
  EXPECT_EQ(FormatMillions(-2'500'000'000, 1), "-2.500,0");
  EXPECT_EQ(FormatMillions(kMax, 3), "9.223.372.036.854,776");
}

TEST(MoneyTest, ParseDong) {
  EXPECT_EQ(ParseDong("1500000"), 1500000);
  EXPECT_EQ(ParseDong("9223372036854775807"), kMax);
  EXPECT_EQ(ParseDong("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseDong("1.500.000"), std::nullopt);
  EXPECT_EQ(ParseDong("1500000.5"), std::nullopt);
  EXPECT_EQ(ParseDong("-5"), std::nullopt);
  EXPECT_EQ(ParseDong("-5", true), -5);
  EXPECT_EQ(ParseDong(""), std::nullopt);
  EXPECT_EQ(ParseDong(" 5"), std::nullopt);
}

}  // namespace
}  // namespace hpedu::money
