#include "services/budget/line_import.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::budget {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

UnitIndex Units() {
  UnitIndex units;
  units.city_id = "hai-phong";
  units.by_id["hai-phong"] = {"hai-phong", "Thành phố Hải Phòng",
                              UnitClass::kCity, ""};
  units.by_id["phuong-do-son"] = {"phuong-do-son", "Phường Đồ Sơn",
                                  UnitClass::kCommune, "hai-phong"};
  units.by_id["th-do-son"] = {"th-do-son", "Trường Tiểu học Đồ Sơn",
                              UnitClass::kOther, "phuong-do-son"};
  units.communes = {"phuong-do-son"};
  return units;
}

constexpr char kHeader[] =
    "budget_unit,fiscal_year,stage,unit,function,sub_sector,economic_type,"
    "source,approving_document,amount_dong,description,generated\n";

std::vector<std::string> Descriptions(const absl::Status& status) {
  std::vector<std::string> out;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) {
    out.push_back(v.description());
  }
  return out;
}

TEST(LineImportTest, GroupsIntoVersions) {
  const std::string csv = absl::StrCat(
      kHeader,
      "phuong-do-son,2026,dự toán,th-do-son,giáo dục,TH,thường xuyên,ngân "
      "sách,NQ 05/NQ-HĐND,1500000000,Lương,false\n",
      "units/phuong-do-son,2026,estimate,phuong-do-son,khác:Y tế,,recurrent,"
      "state,NQ 05/NQ-HĐND,6000000000,,\n",
      "phuong-do-son,2026,execution,th-do-son,education,TH,investment,state,"
      "QĐ 7/QĐ-UBND,900000000,,\n");
  const std::vector<VersionDraft> drafts = *ParseBudgetLinesCsv(csv, Units());
  ASSERT_THAT(drafts, SizeIs(2));
  EXPECT_EQ(drafts[0].stage, v1::ESTIMATE);
  EXPECT_EQ(drafts[0].level, v1::COMMUNE);
  ASSERT_THAT(drafts[0].lines, SizeIs(2));
  EXPECT_EQ(drafts[0].lines[0].unit(), "units/th-do-son");
  EXPECT_EQ(drafts[0].lines[1].sector(), "Y tế");
  EXPECT_EQ(drafts[0].totals.state_total_dong(), 7'500'000'000);
  EXPECT_EQ(drafts[0].totals.state_education_dong(), 1'500'000'000);
  EXPECT_EQ(drafts[1].totals.state_education_investment_dong(), 900'000'000);
  EXPECT_EQ(drafts[0].file_lines, (std::vector<int>{2, 3}));
  // What FormatBudgetLinesCsv writes reads back the same.
  const std::vector<VersionDraft> again =
      *ParseBudgetLinesCsv(FormatBudgetLinesCsv(drafts), Units());
  ASSERT_THAT(again, SizeIs(2));
  EXPECT_TRUE(SameLines(again[0].lines, drafts[0].lines));
  EXPECT_TRUE(SameLines(again[1].lines, drafts[1].lines));
}

TEST(LineImportTest, EveryBadLineReportedWithItsNumber) {
  const std::string csv = absl::StrCat(
      kHeader,
      "truong-x,2026,estimate,th-do-son,education,TH,recurrent,state,NQ,1,,\n",
      "phuong-do-son,1999,draft,th-do-son,education,TH,recurrent,state,NQ,1,,\n",
      "phuong-do-son,2026,estimate,th-do-son,education,,recurrent,state,NQ,"
      "1.500.000,,\n",
      "phuong-do-son,2026,estimate,hai-phong,education,TH,recurrent,state,,5,,"
      "maybe\n");
  const auto result = ParseBudgetLinesCsv(csv, Units());
  ASSERT_THAT(result, ::hpedu::testing::StatusIs(
                          absl::StatusCode::kInvalidArgument));
  const std::vector<std::string> errors = Descriptions(result.status());
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("dòng 2, cột budget_unit")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("dòng 3, cột fiscal_year")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("dòng 3, cột stage")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("dòng 4, cột amount_dong")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("dòng 4, cột sub_sector")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("dòng 5, cột generated")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("dòng 5, cột unit")));
  EXPECT_THAT(errors,
              ::testing::Contains(HasSubstr("dòng 5, cột approving_document")));
}

TEST(LineImportTest, OverflowingVersionIsRefusedOnTheLineThatOverflows) {
  const std::string csv = absl::StrCat(
      kHeader,
      "hai-phong,2026,estimate,hai-phong,education,THPT,recurrent,state,NQ,"
      "9000000000000000000,,\n",
      "hai-phong,2026,estimate,hai-phong,education,THPT,recurrent,state,NQ,"
      "9000000000000000000,,\n");
  const auto result = ParseBudgetLinesCsv(csv, Units());
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(Descriptions(result.status()),
              ::testing::ElementsAre(HasSubstr("dòng 3, cột amount_dong")));
  // A single amount beyond int64 is refused as a number.
  const auto too_big = ParseBudgetLinesCsv(
      absl::StrCat(kHeader,
                   "hai-phong,2026,estimate,hai-phong,education,THPT,recurrent,"
                   "state,NQ,9223372036854775808,,\n"),
      Units());
  EXPECT_THAT(Descriptions(too_big.status()),
              ::testing::ElementsAre(HasSubstr("dòng 2, cột amount_dong")));
}

}  // namespace
}  // namespace hpedu::budget
