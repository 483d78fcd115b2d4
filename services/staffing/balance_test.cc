#include "services/staffing/balance.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::staffing {
namespace {

const absl::CivilDay kDay(2025, 9, 5);

std::vector<NormRule> Norms() {
  auto norm = [](std::string level, std::string grade, int sessions,
                 std::string subject, int64_t milli) {
    NormRule n;
    n.level = std::move(level);
    n.grade = std::move(grade);
    n.sessions_per_day = sessions;
    n.subject = std::move(subject);
    n.teachers_per_class_milli = milli;
    n.valid_from = absl::CivilDay(2023, 12, 16);
    return n;
  };
  return {norm("MN", "MG", 2, "", 2200), norm("TH", "", 1, "", 1200),
          norm("TH", "", 2, "", 1500),   norm("THCS", "", 0, "", 1900),
          norm("THCS", "", 0, "toan", 211)};
}

const BalanceLine* Find(const std::vector<BalanceLine>& lines,
                        const std::string& unit, const std::string& level,
                        const std::string& subject = "") {
  for (const BalanceLine& l : lines) {
    if (l.unit == unit && l.level == level && l.subject == subject) return &l;
  }
  return nullptr;
}

TEST(SchoolBalancesTest, ClassesTimesNormPerLevelAndSessions) {
  // A primary school: 10 classes one session, 8 two sessions:
  // 10 x 1.20 + 8 x 1.50 = 24.0 required; 20 teachers: short by 4.
  // A preschool: 7 MG classes all day: 7 x 2.20 = 15.4 -> 15; 17: +2.
  // Grade 6-9 with a maths norm: 12 x 1.90 = 22.8 -> 23 (21 on staff,
  // 2 of them maths); maths 12 x 0.211 = 2.532 -> 3: short by 1.
  const std::vector<ClassCount> classes = {
      {"th-a", "1", 1, 10, 350}, {"th-a", "2", 2, 8, 280},
      {"mn-b", "MG", 2, 7, 210}, {"thcs-c", "6", 1, 12, 500},
      {"mn-b", "NT", 2, 2, 40}};
  const std::vector<TeacherCount> teachers = {
      {"th-a", "TH", "", 20}, {"mn-b", "MN", "", 17},
      {"thcs-c", "THCS", "ngu-van", 19}, {"thcs-c", "THCS", "toan", 2}};
  const auto lines = SchoolBalances(classes, teachers, Norms(), kDay,
                                    /*by_subject=*/true);
  const BalanceLine* th = Find(lines, "th-a", "TH");
  ASSERT_NE(th, nullptr);
  EXPECT_EQ(th->classes, 18);
  EXPECT_EQ(th->pupils, 630);
  EXPECT_EQ(th->required_milli, 24000);
  EXPECT_EQ(th->required, 24);
  EXPECT_EQ(th->actual, 20);
  EXPECT_EQ(th->balance(), -4);
  EXPECT_EQ(th->shortage, 4);
  const BalanceLine* mn = Find(lines, "mn-b", "MN");
  ASSERT_NE(mn, nullptr);
  EXPECT_EQ(mn->required_milli, 15400);
  EXPECT_EQ(mn->required, 15);
  // NT has no norm here: its classes are counted and said to lack one.
  EXPECT_EQ(mn->classes_without_norm, 2);
  EXPECT_EQ(mn->surplus, 2);
  const BalanceLine* thcs = Find(lines, "thcs-c", "THCS");
  ASSERT_NE(thcs, nullptr);
  EXPECT_EQ(thcs->required, 23);
  EXPECT_EQ(thcs->actual, 21);
  const BalanceLine* maths = Find(lines, "thcs-c", "THCS", "toan");
  ASSERT_NE(maths, nullptr);
  EXPECT_EQ(maths->required_milli, 2532);
  EXPECT_EQ(maths->required, 3);
  EXPECT_EQ(maths->actual, 2);
  // Subjects without a norm get no line of their own.
  EXPECT_EQ(Find(lines, "thcs-c", "THCS", "ngu-van"), nullptr);
  // Without by_subject only level lines.
  EXPECT_EQ(Find(SchoolBalances(classes, teachers, Norms(), kDay, false),
                 "thcs-c", "THCS", "toan"),
            nullptr);
}

TEST(SchoolBalancesTest, TeachersWithoutClassesAreSurplus) {
  const auto lines =
      SchoolBalances({}, {{"th-x", "TH", "", 3}}, Norms(), kDay, false);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].required, 0);
  EXPECT_EQ(lines[0].surplus, 3);
}

TEST(SumBalancesTest, CommuneAndCityShortageIsTheSumOfSchools) {
  // Commune X: school a short by 4, school b surplus 3 -> the commune's
  // balance is -1 but its shortage 4 and surplus 3. Commune Y: c short 2.
  std::vector<ClassCount> classes = {
      {"a", "1", 2, 16, 500}, {"b", "1", 2, 10, 300}, {"c", "1", 1, 10, 300}};
  std::vector<TeacherCount> teachers = {
      {"a", "TH", "", 20}, {"b", "TH", "", 18}, {"c", "TH", "", 10}};
  const auto schools = SchoolBalances(classes, teachers, Norms(), kDay, false);
  ASSERT_EQ(schools.size(), 3u);
  EXPECT_EQ(Find(schools, "a", "TH")->balance(), -4);
  EXPECT_EQ(Find(schools, "b", "TH")->balance(), 3);
  EXPECT_EQ(Find(schools, "c", "TH")->balance(), -2);
  const std::map<std::string, std::string> commune_of = {
      {"a", "x"}, {"b", "x"}, {"c", "y"}};
  const auto communes = SumBalances(schools, commune_of);
  const BalanceLine* x = Find(communes, "x", "TH");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->required, 39);
  EXPECT_EQ(x->actual, 38);
  EXPECT_EQ(x->balance(), -1);
  EXPECT_EQ(x->shortage, 4);
  EXPECT_EQ(x->surplus, 3);
  EXPECT_EQ(StatusOf(*x), v1::SHORTAGE);
  const auto city = SumBalances(
      schools, {{"a", "hp"}, {"b", "hp"}, {"c", "hp"}});
  ASSERT_EQ(city.size(), 1u);
  EXPECT_EQ(city[0].shortage, 6);
  EXPECT_EQ(city[0].surplus, 3);
  EXPECT_EQ(city[0].required, 51);
  EXPECT_EQ(city[0].actual, 48);
  EXPECT_EQ(TotalShortage(schools), 6);
}

// Applies `transfers` to the balances and checks every one lowers the
// total shortage by its count and leaves the giver at or above zero.
void ExpectEachReducesShortage(std::vector<BalanceLine> lines,
                               const std::vector<Transfer>& transfers) {
  for (const Transfer& t : transfers) {
    BalanceLine* from = nullptr;
    BalanceLine* to = nullptr;
    for (BalanceLine& l : lines) {
      if (l.level != t.level || l.subject != t.subject) continue;
      if (l.unit == t.from_school) from = &l;
      if (l.unit == t.to_school) to = &l;
    }
    ASSERT_NE(from, nullptr);
    ASSERT_NE(to, nullptr);
    ASSERT_GT(t.count, 0);
    const int64_t before = TotalShortage(lines);
    EXPECT_EQ(before, t.total_shortage_before);
    EXPECT_EQ(from->balance(), t.from_before);
    EXPECT_EQ(to->balance(), t.to_before);
    from->actual -= t.count;
    to->actual += t.count;
    EXPECT_GE(from->balance(), 0);
    EXPECT_LE(to->balance(), 0);
    EXPECT_EQ(TotalShortage(lines), before - t.count);
    EXPECT_EQ(TotalShortage(lines), t.total_shortage_after);
  }
}

TEST(SuggestTransfersTest, SameCommuneFirstThenTheCity) {
  // x: a short 4, b surplus 3; y: d surplus 5; z: c short 2.
  std::vector<ClassCount> classes = {{"a", "1", 2, 16, 500},
                                     {"b", "1", 2, 10, 300},
                                     {"c", "1", 1, 10, 300},
                                     {"d", "1", 1, 10, 300}};
  std::vector<TeacherCount> teachers = {{"a", "TH", "", 20},
                                        {"b", "TH", "", 18},
                                        {"c", "TH", "", 10},
                                        {"d", "TH", "", 17}};
  const auto lines = SchoolBalances(classes, teachers, Norms(), kDay, false);
  const std::map<std::string, std::string> commune_of = {
      {"a", "x"}, {"b", "x"}, {"c", "z"}, {"d", "y"}};
  const auto transfers = SuggestTransfers(lines, commune_of, {}, 100);
  ASSERT_EQ(transfers.size(), 3u);
  // a (short 4) first: 3 from b in its commune, then 1 from d.
  EXPECT_EQ(transfers[0].from_school, "b");
  EXPECT_EQ(transfers[0].to_school, "a");
  EXPECT_EQ(transfers[0].count, 3);
  EXPECT_TRUE(transfers[0].same_commune);
  EXPECT_EQ(transfers[1].from_school, "d");
  EXPECT_EQ(transfers[1].to_school, "a");
  EXPECT_EQ(transfers[1].count, 1);
  EXPECT_FALSE(transfers[1].same_commune);
  EXPECT_EQ(transfers[2].from_school, "d");
  EXPECT_EQ(transfers[2].to_school, "c");
  EXPECT_EQ(transfers[2].count, 2);
  EXPECT_EQ(transfers[0].total_shortage_before, 6);
  EXPECT_EQ(transfers[2].total_shortage_after, 0);
  ExpectEachReducesShortage(lines, transfers);
}

TEST(SuggestTransfersTest, OnlyTheSameLevelAndSubjectAndLimited) {
  auto line = [](std::string unit, std::string level, std::string subject,
                 int64_t required, int64_t actual) {
    BalanceLine l;
    l.unit = std::move(unit);
    l.level = std::move(level);
    l.subject = std::move(subject);
    l.required = required;
    l.actual = actual;
    return l;
  };
  const std::vector<BalanceLine> lines = {
      line("a", "TH", "", 10, 5), line("b", "THCS", "", 10, 15),
      line("c", "THCS", "toan", 3, 1), line("d", "THCS", "toan", 1, 2)};
  const auto transfers = SuggestTransfers(lines, {}, {}, 100);
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_EQ(transfers[0].from_school, "d");
  EXPECT_EQ(transfers[0].to_school, "c");
  EXPECT_EQ(transfers[0].count, 1);
  ExpectEachReducesShortage(lines, transfers);
  EXPECT_TRUE(SuggestTransfers(lines, {}, {}, 0).empty());
  // Receivers restricted to a commune's schools.
  EXPECT_TRUE(SuggestTransfers(lines, {}, {"a"}, 100).empty());
}

TEST(SuggestTransfersTest, ManySchoolsEveryStepReducesTheTotal) {
  std::vector<BalanceLine> lines;
  std::map<std::string, std::string> commune_of;
  uint32_t state = 12345;
  auto next = [&] { return state = state * 1103515245u + 12345u; };
  for (int i = 0; i < 300; ++i) {
    BalanceLine l;
    l.unit = "s" + std::to_string(i);
    l.level = (i % 3 == 0) ? "MN" : "TH";
    l.required = 10 + static_cast<int64_t>(next() % 20);
    l.actual = l.required - 6 + static_cast<int64_t>(next() % 12);
    commune_of[l.unit] = "c" + std::to_string(i % 17);
    lines.push_back(l);
  }
  const auto transfers = SuggestTransfers(lines, commune_of, {}, 10000);
  ASSERT_FALSE(transfers.empty());
  ExpectEachReducesShortage(lines, transfers);
  // Nothing is left to move: no level has both a short and a surplus school.
  std::vector<BalanceLine> after = lines;
  for (const Transfer& t : transfers) {
    for (BalanceLine& l : after) {
      if (l.unit == t.from_school) l.actual -= t.count;
      if (l.unit == t.to_school) l.actual += t.count;
    }
  }
  for (const std::string level : {"MN", "TH"}) {
    bool any_short = false;
    bool any_surplus = false;
    for (const BalanceLine& l : after) {
      if (l.level != level) continue;
      any_short |= l.balance() < 0;
      any_surplus |= l.balance() > 0;
    }
    EXPECT_FALSE(any_short && any_surplus) << level;
  }
}

}  // namespace
}  // namespace hpedu::staffing
