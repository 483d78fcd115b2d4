#include "services/staffing/shortage_view.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::staffing {
namespace {

OrgDirectory Directory() {
  OrgDirectory directory;
  directory.city_id = "hai-phong";
  directory.communes = {{"xa-a", "Xã A"}, {"xa-b", "Xã B"}};
  for (const auto& [school, commune] :
       std::vector<std::pair<std::string, std::string>>{
           {"a1", "xa-a"}, {"a2", "xa-a"}, {"b1", "xa-b"}, {"b2", "xa-b"}}) {
    directory.schools[school] = {school, school, commune, {"TH"}};
  }
  return directory;
}

BalanceLine Line(std::string school, int64_t required, int64_t actual,
                 std::string subject = "") {
  BalanceLine line;
  line.unit = std::move(school);
  line.level = "TH";
  line.subject = std::move(subject);
  line.required = required;
  line.actual = actual;
  return line;
}

TEST(ShortageViewLinesTest, KeepsTheLevelSubjectAndKnownSchools) {
  BalanceLine thcs = Line("a1", 1, 1);
  thcs.level = "THCS";
  const std::vector<BalanceLine> lines = ShortageViewLines(
      {Line("a1", 3, 1), Line("a2", 3, 1, "toan"), thcs, Line("zz", 3, 1)},
      "TH", "", Directory());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].unit, "a1");
  EXPECT_EQ(ShortageViewLines({thcs}, "", "", Directory()).size(), 1u);
}

TEST(ShortagesTest, WorstFirstWithSameCommuneSurplusesFirst) {
  const std::vector<BalanceLine> lines = {Line("a1", 5, 4), Line("b1", 5, 1),
                                          Line("a2", 1, 2), Line("b2", 1, 4)};
  const std::vector<ShortageLine> shortages =
      Shortages(lines, {"a1", "a2", "b1", "b2"}, Directory(), 10);
  ASSERT_EQ(shortages.size(), 2u);
  EXPECT_EQ(shortages[0].shortage.unit, "b1");  // -4 before -1
  ASSERT_EQ(shortages[0].nearby_surpluses.size(), 2u);
  EXPECT_EQ(shortages[0].nearby_surpluses[0].unit, "b2");  // same commune
  EXPECT_EQ(shortages[1].shortage.unit, "a1");
  EXPECT_EQ(shortages[1].nearby_surpluses[0].unit, "a2");
}

TEST(ShortagesTest, OnlyInViewAndUpToTheLimit) {
  const std::vector<BalanceLine> lines = {Line("a1", 5, 4), Line("b1", 5, 1)};
  const std::vector<ShortageLine> in_a = Shortages(lines, {"a1"}, Directory(), 10);
  ASSERT_EQ(in_a.size(), 1u);
  EXPECT_EQ(in_a[0].shortage.unit, "a1");
  EXPECT_TRUE(in_a[0].nearby_surpluses.empty());
  EXPECT_EQ(Shortages(lines, {"a1", "b1"}, Directory(), 1).size(), 1u);
  EXPECT_TRUE(Shortages(lines, {}, Directory(), 10).empty());
}

}  // namespace
}  // namespace hpedu::staffing
