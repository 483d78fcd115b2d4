#include "services/plans/task_import.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::testing::HasSubstr;

constexpr char kHeader[] =
    "group,no,content,lead_agency,coordinating,approval_level,submission_time\n";

TEST(TaskIdForTest, RomanNumeralAndNumber) {
  EXPECT_EQ(TaskIdFor("I. LUẬT", "1"), "i-1");
  EXPECT_EQ(TaskIdFor("II. NGHỊ ĐỊNH NGHỊ QUYẾT", "10"), "ii-10");
  EXPECT_EQ(TaskIdFor("III. QUYẾT ĐỊNH CỦA THỦ TƯỚNG CHÍNH PHỦ", "18"), "iii-18");
  EXPECT_EQ(TaskIdFor("Luật", "2"), "t-2");
  EXPECT_EQ(TaskIdFor("", "3"), "t-3");
  EXPECT_EQ(TaskIdFor("I.", "x"), "");
}

TEST(ParseTasksCsvTest, SeedRowsParse) {
  const std::string csv = std::string(kHeader) +
      "I. LUẬT,1,Xây dựng Luật Nhà giáo,Bộ Giáo dục và Đào tạo,\"Bộ, ngành, "
      "địa phương\",Quốc hội,5/2025\n"
      "II. NGHỊ ĐỊNH NGHỊ QUYẾT,4,Nghị định sửa đổi,Bộ Nội vụ,\"Bộ, ngành, địa "
      "phương\",Chính phủ,\"Theo lộ trình sửa các Luật: Tổ chức Chính phủ\"\n";
  ASSERT_OK_AND_ASSIGN(std::vector<TaskRow> rows, ParseTasksCsv(csv, "kh"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, "i-1");
  EXPECT_EQ(rows[0].line, 2);
  EXPECT_EQ(rows[0].task.coordinating(), "Bộ, ngành, địa phương");
  EXPECT_EQ(rows[0].time.form, v1::MONTH);
  EXPECT_EQ(rows[1].id, "ii-4");
  EXPECT_EQ(rows[1].time.form, v1::FREE_TEXT);
  EXPECT_EQ(rows[1].task.time().text(),
            "Theo lộ trình sửa các Luật: Tổ chức Chính phủ");
}

TEST(ParseTasksCsvTest, EveryBadLineIsReportedWithItsNumber) {
  const std::string csv = std::string(kHeader) +
      "I. LUẬT,1,,Bộ Nội vụ,,,5/2025\n"
      "I. LUẬT,1,Nội dung,,,,13/2025\n"
      "I. LUẬT,x,Nội dung,Bộ Nội vụ,,,5/2025\n";
  const absl::Status status = ParseTasksCsv(csv, "kh").status();
  EXPECT_THAT(status, HasFieldViolation("csv_content"));
  const google::rpc::BadRequest bad = GetBadRequest(status);
  std::string all;
  for (const auto& v : bad.field_violations()) all += v.description() + "\n";
  EXPECT_THAT(all, HasSubstr("dòng 2, cột content"));
  EXPECT_THAT(all, HasSubstr("dòng 3, cột no"));  // duplicate of line 2
  EXPECT_THAT(all, HasSubstr("dòng 3, cột lead_agency"));
  EXPECT_THAT(all, HasSubstr("dòng 3, cột submission_time"));
  EXPECT_THAT(all, HasSubstr("dòng 4, cột no"));
}

}  // namespace
}  // namespace hpedu::plans
