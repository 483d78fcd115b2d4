#include "libs/csv/csv_writer.h"

#include "gtest/gtest.h"

namespace hpedu::csv {
namespace {

TEST(CsvEscapeTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvEscape("Phường Đồ Sơn"), "Phường Đồ Sơn");
  EXPECT_EQ(CsvEscape(""), "");
  EXPECT_EQ(CsvEscape("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvEscape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvEscape("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvEscape(" padded"), "\" padded\"");
}

TEST(CsvLineTest, JoinsWithCrlf) {
  EXPECT_EQ(CsvLine({"a", "b,c", ""}), "a,\"b,c\",\r\n");
  EXPECT_EQ(CsvLine({}), "\r\n");
}

}  // namespace
}  // namespace hpedu::csv
