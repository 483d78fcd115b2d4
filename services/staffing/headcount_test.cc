#include "services/staffing/headcount.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::staffing {
namespace {

OrgDirectory TwoCommunes() {
  OrgDirectory directory;
  directory.city_id = "hai-phong";
  directory.communes = {{"xa-a", "Xã A"}, {"xa-b", "Xã B"}};
  directory.schools["th-a"] = {"th-a", "TH A", "xa-a", {"TH"}};
  directory.schools["th-b"] = {"th-b", "TH B", "xa-b", {"TH"}};
  return directory;
}

std::vector<HeadcountRow> Rows() {
  return {{"th-a", v1::TEACHER, v1::PERMANENT, "TH", 10},
          {"th-a", v1::TEACHER, v1::CONTRACT, "TH", 2},
          {"th-a", v1::STAFF, v1::PERMANENT, "TH", 3},
          {"th-b", v1::TEACHER, v1::PERMANENT, "TH", 7}};
}

TEST(SumHeadcountTest, SumsSchoolsIntoTheirGroup) {
  const auto sums = SumHeadcount(Rows(), {{"th-a", "xa-a"}, {"th-b", "xa-a"}});
  EXPECT_EQ(sums.size(), 3u);
  EXPECT_EQ((sums.at({"xa-a", v1::TEACHER, v1::PERMANENT, "TH"})), 17);
  EXPECT_EQ((sums.at({"xa-a", v1::TEACHER, v1::CONTRACT, "TH"})), 2);
}

TEST(SumHeadcountTest, LeavesOutSchoolsNotInTheGroup) {
  const auto sums = SumHeadcount(Rows(), {{"th-b", "th-b"}});
  ASSERT_EQ(sums.size(), 1u);
  EXPECT_EQ((sums.at({"th-b", v1::TEACHER, v1::PERMANENT, "TH"})), 7);
  EXPECT_TRUE(SumHeadcount(Rows(), {}).empty());
}

TEST(TotalsOfTest, CountsTeachersAndPermanentStaff) {
  const HeadcountTotals totals =
      TotalsOf(SumHeadcount(Rows(), {{"th-a", "th-a"}, {"th-b", "th-b"}}));
  EXPECT_EQ(totals.total, 22);
  EXPECT_EQ(totals.teachers, 19);
  EXPECT_EQ(totals.permanent, 20);
  EXPECT_EQ(TotalsOf({}).total, 0);
}

TEST(FillQuotasTest, FillsSchoolsAndCommunesWithPermanentStaff) {
  v1::Quota school;
  school.set_org_unit("th-a");
  school.set_posts(15);
  v1::Quota commune;
  commune.set_org_unit("xa-b");
  commune.set_posts(5);
  const std::vector<v1::Quota> filled =
      FillQuotas({school, commune}, Rows(), TwoCommunes());
  ASSERT_EQ(filled.size(), 2u);
  EXPECT_EQ(filled[0].filled(), 13);  // contract staff do not fill posts
  EXPECT_EQ(filled[0].vacant(), 2);
  EXPECT_EQ(filled[1].filled(), 7);
  EXPECT_EQ(filled[1].vacant(), -2);  // over the quota
}

TEST(FillQuotasTest, AUnitWithoutStaffHasEveryPostVacant) {
  v1::Quota quota;
  quota.set_org_unit("xa-z");
  quota.set_posts(4);
  const std::vector<v1::Quota> filled = FillQuotas({quota}, Rows(), TwoCommunes());
  EXPECT_EQ(filled[0].filled(), 0);
  EXPECT_EQ(filled[0].vacant(), 4);
}

}  // namespace
}  // namespace hpedu::staffing
