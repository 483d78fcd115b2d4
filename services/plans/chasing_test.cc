#include "services/plans/chasing.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::plans {
namespace {

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

ChasingCandidate Candidate(std::string task, std::string lead,
                           std::string commune, absl::CivilDay due) {
  ChasingCandidate candidate;
  candidate.task = std::move(task);
  candidate.lead_agency = std::move(lead);
  candidate.commune = std::move(commune);
  candidate.facts.time.form = v1::MONTH;
  candidate.facts.time.due = due;
  return candidate;
}

TEST(BuildChasingListTest, GroupsByLeadAgencyAndCommuneMostOverdueFirst) {
  std::vector<ChasingCandidate> candidates = {
      Candidate("documents/d/tasks/a", "units/bo-gddt", "", Day(2025, 10, 31)),
      Candidate("documents/d/tasks/b", "units/bo-noi-vu", "", Day(2025, 5, 31)),
      Candidate("documents/d/tasks/c", "units/bo-gddt", "", Day(2025, 12, 31)),
      Candidate("documents/d/tasks/c-x", "units/xa-a", "units/xa-a",
                Day(2025, 12, 31)),
      Candidate("documents/d/tasks/far", "units/bo-gddt", "", Day(2026, 6, 30)),
  };
  ChasingCandidate free_text;
  free_text.task = "documents/d/tasks/free";
  free_text.lead_agency = "units/bo-noi-vu";
  candidates.push_back(free_text);

  const v1::ChasingList list =
      BuildChasingList(candidates, Day(2025, 12, 25), 7, 100);
  EXPECT_EQ(list.overdue(), 2);
  EXPECT_EQ(list.due_soon(), 2);
  EXPECT_EQ(list.without_deadline(), 1);
  ASSERT_EQ(list.by_lead_agency_size(), 3);
  // Bộ Nội vụ's task is 208 days late, the most overdue of all.
  EXPECT_EQ(list.by_lead_agency(0).unit(), "units/bo-noi-vu");
  EXPECT_EQ(list.by_lead_agency(0).entries(0).days_overdue(), 208);
  const v1::ChasingGroup& moet = list.by_lead_agency(1);
  EXPECT_EQ(moet.unit(), "units/bo-gddt");
  EXPECT_EQ(moet.overdue(), 1);
  EXPECT_EQ(moet.due_soon(), 1);
  ASSERT_EQ(moet.entries_size(), 2);
  EXPECT_EQ(moet.entries(0).task(), "documents/d/tasks/a");
  EXPECT_EQ(moet.entries(1).task(), "documents/d/tasks/c");
  EXPECT_EQ(moet.entries(1).days_overdue(), -6);
  ASSERT_EQ(list.by_commune_size(), 1);
  EXPECT_EQ(list.by_commune(0).unit(), "units/xa-a");
}

TEST(BuildChasingListTest, CapsEntriesButCountsAll) {
  std::vector<ChasingCandidate> candidates;
  for (int i = 0; i < 5; ++i) {
    candidates.push_back(Candidate("documents/d/tasks/t" + std::to_string(i),
                                   "units/so-gddt", "", Day(2025, 9, 1 + i)));
  }
  const v1::ChasingList list =
      BuildChasingList(candidates, Day(2025, 10, 1), 0, 2);
  ASSERT_EQ(list.by_lead_agency_size(), 1);
  EXPECT_EQ(list.by_lead_agency(0).overdue(), 5);
  ASSERT_EQ(list.by_lead_agency(0).entries_size(), 2);
  EXPECT_EQ(list.by_lead_agency(0).entries(0).task(), "documents/d/tasks/t0");
}

}  // namespace
}  // namespace hpedu::plans
