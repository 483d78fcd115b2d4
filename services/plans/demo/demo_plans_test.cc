#include "services/plans/demo/demo_plans.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "services/plans/task_import.h"

namespace hpedu::plans::demo {
namespace {

TEST(DemoPlansTest, DeadlinesBecomeDatedTasksOfTheSoPlan) {
  ASSERT_OK_AND_ASSIGN(const std::string csv,
                       ReportDeadlinesAsTasksCsv(EmbeddedReportDeadlinesCsv()));
  ASSERT_OK_AND_ASSIGN(const std::vector<TaskRow> rows,
                       ParseTasksCsv(csv, "d-kh-sgddt-2025-2026"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].time.form, v1::DATE);
  EXPECT_EQ(rows[0].time.due, absl::CivilDay(2025, 9, 10));
  EXPECT_EQ(rows[2].time.due, absl::CivilDay(2026, 6, 25));
  EXPECT_EQ(rows[1].task.lead_agency_text(), "Văn phòng Sở");
}

TEST(DemoPlansTest, GeneratedProgressIsDeterministicAndMarked) {
  ASSERT_OK_AND_ASSIGN(const auto first, GeneratedProgress(EmbeddedTasksCsv()));
  ASSERT_OK_AND_ASSIGN(const auto second, GeneratedProgress(EmbeddedTasksCsv()));
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].SerializeAsString(), second[i].SerializeAsString());
    EXPECT_TRUE(first[i].status_report().generated());
    EXPECT_THAT(first[i].parent(),
                ::testing::StartsWith("documents/d-kh-ubnd-hp-nq51/tasks/"));
  }
}

}  // namespace
}  // namespace hpedu::plans::demo
