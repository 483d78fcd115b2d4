#include "services/staffing/demo/demo_staffing.h"

#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "services/registry/demo/demo_units.h"
#include "services/staffing/balance.h"
#include "services/staffing/school_directory.h"

namespace hpedu::staffing::demo {
namespace {

namespace rv1 = ::hpedu::registry::v1;

// The norms of migrations/0002 that matter here.
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
  return {norm("MN", "NT", 0, "", 2500), norm("MN", "MG", 2, "", 2200),
          norm("MN", "MG", 1, "", 1200), norm("TH", "", 1, "", 1200),
          norm("TH", "", 2, "", 1500),   norm("THCS", "", 0, "", 1900),
          norm("THPT", "", 0, "", 2250), norm("THCS", "", 0, "toan", 211)};
}

const std::vector<rv1::Unit>& Units() {
  static const auto* units = new std::vector<rv1::Unit>(
      registry::demo::DemoUnits(registry::demo::EmbeddedCommunesCsv()).value());
  return *units;
}

TEST(DemoStaffingTest, DeterministicGeneratedAndImportable) {
  const DemoData data = GenerateDemo(Units(), Norms());
  const DemoData again = GenerateDemo(Units(), Norms());
  ASSERT_EQ(data.roster.size(), again.roster.size());
  EXPECT_EQ(FormatRosterCsv(data.roster), FormatRosterCsv(again.roster));
  EXPECT_EQ(FormatClassesCsv(data.classes), FormatClassesCsv(again.classes));
  EXPECT_NE(FormatRosterCsv(GenerateDemo(Units(), Norms(), 7).roster),
            FormatRosterCsv(data.roster));
  EXPECT_GT(data.roster.size(), 10000u);
  for (const RosterLine& line : data.roster) ASSERT_TRUE(line.generated);
  for (const auto& c : data.classes) ASSERT_TRUE(c.generated());

  // The files parse against the registry's schools: every school is real
  // in the registry and teaches the level.
  const OrgDirectory directory = OrgDirectoryFromUnits(Units());
  EXPECT_EQ(directory.communes.size(), 114u);
  ASSERT_OK_AND_ASSIGN(const auto roster,
                       ParseRosterCsv(FormatRosterCsv(data.roster), directory, ""));
  EXPECT_EQ(roster.size(), data.roster.size());
  ASSERT_OK_AND_ASSIGN(const auto classes,
                       ParseClassesCsv(FormatClassesCsv(data.classes), directory));
  EXPECT_EQ(classes.size(), data.classes.size());
  // Quotas for the communes with public schools, for each year.
  std::set<std::string> quota_units;
  for (const auto& q : data.quotas) quota_units.insert(q.org_unit());
  EXPECT_GT(quota_units.size(), 100u);
}

TEST(DemoStaffingTest, PlausibleSharesAndSomeCommunesShort) {
  const DemoData data = GenerateDemo(Units(), Norms());
  const OrgDirectory directory = OrgDirectoryFromUnits(Units());
  EXPECT_GE(data.short_communes.size(), 3u);
  EXPECT_LE(data.short_communes.size(), 20u);

  // Shares meeting the training standard on 5 September 2025, per level.
  std::vector<StandardRule> standards;
  for (const auto& [level, minimum] :
       std::vector<std::pair<std::string, v1::Qualification>>{
           {"MN", v1::COLLEGE}, {"TH", v1::BACHELOR}, {"THCS", v1::BACHELOR},
           {"THPT", v1::BACHELOR}}) {
    StandardRule rule;
    rule.level = level;
    rule.minimum = minimum;
    rule.valid_from = absl::CivilDay(2020, 7, 1);
    standards.push_back(rule);
  }
  const absl::CivilDay day(2025, 9, 5);
  std::map<std::string, std::pair<int, int>> shares;
  std::vector<TeacherCount> teachers;
  for (const RosterLine& line : data.roster) {
    if (line.placement.position() != v1::TEACHER) continue;
    const v1::Qualification held =
        line.qualification_date && *line.qualification_date > day
            ? v1::QUALIFICATION_UNSPECIFIED
            : line.qualification;
    auto& [meeting, all] = shares[line.placement.level()];
    ++all;
    if (Classify(standards, line.placement.level(), held, day) != v1::BELOW_STANDARD) {
      ++meeting;
    }
    teachers.push_back({line.placement.school(), line.placement.level(),
                        line.placement.subject(), 1});
  }
  for (const auto& [level, counts] : shares) {
    const double share = 100.0 * counts.first / counts.second;
    EXPECT_GT(share, 88.0) << level;
    EXPECT_LT(share, 100.0) << level;
  }

  // The short communes are short; the others nearly balanced.
  std::vector<ClassCount> classes;
  for (const auto& c : data.classes) {
    if (c.school_year() != "2025-2026") continue;
    classes.push_back({c.school(), c.grade(), c.sessions_per_day(), c.classes(),
                       c.pupils()});
  }
  const auto lines = SchoolBalances(classes, teachers, Norms(), day, false);
  const auto communes = SumBalances(lines, directory.CommuneOfSchools());
  std::map<std::string, BalanceLine> total;
  for (const BalanceLine& l : communes) {
    BalanceLine& t = total[l.unit];
    t.required += l.required;
    t.actual += l.actual;
  }
  for (const std::string& commune : data.short_communes) {
    if (!total.count(commune)) continue;
    EXPECT_LT(total[commune].actual * 100, total[commune].required * 90) << commune;
  }
  int balanced = 0;
  for (const auto& [commune, t] : total) {
    if (!data.short_communes.count(commune) &&
        t.actual * 100 >= t.required * 90) {
      ++balanced;
    }
  }
  EXPECT_GT(balanced, 80);
}

}  // namespace
}  // namespace hpedu::staffing::demo
