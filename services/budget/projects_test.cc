#include "services/budget/projects.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::budget {
namespace {

using ::hpedu::testing::HasFieldViolation;

v1::Project Project() {
  v1::Project project;
  project.set_name("projects/th-do-son-nha-hoc");
  project.set_display_name("Xây nhà học 3 tầng Trường Tiểu học Đồ Sơn");
  project.set_approved_total_dong(12'000'000'000);
  project.set_approving_document("Quyết định 123/QĐ-UBND");
  // 2025: 1 bn in March, 2 bn in September; 2026: 3 bn a month, Jan-Mar.
  for (auto [year, month, amount] :
       std::vector<std::tuple<int, int, int64_t>>{{2025, 3, 1'000'000'000},
                                                  {2025, 9, 2'000'000'000},
                                                  {2026, 1, 3'000'000'000},
                                                  {2026, 2, 3'000'000'000},
                                                  {2026, 3, 3'000'000'000}}) {
    v1::PlannedDisbursement* plan = project.add_planned();
    plan->set_year(year);
    plan->set_month(month);
    plan->set_amount_dong(amount);
  }
  return project;
}

v1::Disbursement Paid(int year, int month, int64_t amount) {
  v1::Disbursement paid;
  paid.set_year(year);
  paid.set_month(month);
  paid.set_amount_dong(amount);
  return paid;
}

TEST(ProjectProgressTest, PlannedActualAndLagByHand) {
  const std::vector<v1::Disbursement> paid = {Paid(2025, 4, 1'000'000'000),
                                              Paid(2025, 12, 1'500'000'000),
                                              Paid(2026, 2, 2'000'000'000),
                                              Paid(2026, 5, 1'000'000'000)};
  // End of February 2026: planned 1 + 2 + 3 + 3 = 9 bn, paid 1 + 1.5 + 2 =
  // 4.5 bn (May is later): 50% of plan, 37.5% of 12 bn, lag 4.5 bn: lagging.
  const v1::ProjectProgress feb =
      *ProjectProgressAt(Project(), paid, 2026, 2, 10);
  EXPECT_EQ(feb.planned_year_dong(), 9'000'000'000);
  EXPECT_EQ(feb.planned_to_date_dong(), 9'000'000'000);
  EXPECT_EQ(feb.actual_to_date_dong(), 4'500'000'000);
  EXPECT_EQ(feb.actual_year_dong(), 2'000'000'000);
  EXPECT_EQ(feb.progress_percent(), "37.50");
  EXPECT_EQ(feb.plan_fulfilment_percent(), "50.00");
  EXPECT_EQ(feb.lag_dong(), 4'500'000'000);
  EXPECT_TRUE(feb.lagging());
  // End of December 2025: planned 3 bn, paid 2.5 bn = 83.33%: lagging at
  // 10% tolerance, not at 20%.
  EXPECT_TRUE(ProjectProgressAt(Project(), paid, 2025, 12, 10)->lagging());
  EXPECT_FALSE(ProjectProgressAt(Project(), paid, 2025, 12, 20)->lagging());
  // Before anything was planned: not lagging, no fulfilment figure.
  const v1::ProjectProgress early =
      *ProjectProgressAt(Project(), {}, 2025, 1, 10);
  EXPECT_FALSE(early.lagging());
  EXPECT_EQ(early.plan_fulfilment_percent(), "");
  EXPECT_EQ(early.progress_percent(), "0.00");
}

TEST(ProjectProgressTest, LaggingFirst) {
  std::vector<v1::ProjectProgress> list(3);
  list[0].set_project("projects/a");
  list[1].set_project("projects/b");
  list[1].set_lagging(true);
  list[1].set_lag_dong(5);
  list[2].set_project("projects/c");
  list[2].set_lagging(true);
  list[2].set_lag_dong(9);
  SortByLag(list);
  EXPECT_EQ(list[0].project(), "projects/c");
  EXPECT_EQ(list[1].project(), "projects/b");
  EXPECT_EQ(list[2].project(), "projects/a");
}

TEST(CheckProjectTest, Rules) {
  FieldViolations ok;
  CheckProject(Project(), "project.", ok);
  EXPECT_TRUE(ok.empty());
  v1::Project bad = Project();
  bad.set_approved_total_dong(8'000'000'000);  // plan is 9 bn
  bad.mutable_planned(1)->set_month(3);         // March 2025 twice
  bad.mutable_planned(2)->set_amount_dong(0);
  FieldViolations violations;
  CheckProject(bad, "project.", violations);
  const absl::Status status = violations.ToStatus();
  EXPECT_THAT(status, HasFieldViolation("project.planned"));
  EXPECT_THAT(status, HasFieldViolation("project.planned[1].month"));
  EXPECT_THAT(status, HasFieldViolation("project.planned[2].amount_dong"));
}

}  // namespace
}  // namespace hpedu::budget
