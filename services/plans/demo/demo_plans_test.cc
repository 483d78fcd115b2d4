#include "services/plans/demo/demo_plans.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
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

TEST(DemoPlansTest, ReportCycleAndSubmissionsCoverEveryState) {
  ASSERT_OK_AND_ASSIGN(const v1::CreateReportCycleRequest cycle,
                       DemoReportCycle(EmbeddedReportDeadlinesCsv()));
  ASSERT_EQ(cycle.report_cycle().fixed_dates_size(), 3);
  EXPECT_EQ(cycle.parent(), kSoPlanDocument);
  constexpr char kUnits[] =
      "id,kind,display_name,parent\n"
      "hai-phong,CITY,Thành phố Hải Phòng,\n"
      "phuong-a,WARD,Phường A,hai-phong\n"
      "xa-b,COMMUNE,Xã B,hai-phong\n"
      "th-a,SCHOOL,Trường A,phuong-a\n"
      "phuong-c,WARD,Phường C,hai-phong\n"
      "dac-khu-d,SPECIAL_ZONE,Đặc khu D,hai-phong\n";
  // After the three deadlines: every pattern in full.
  ASSERT_OK_AND_ASSIGN(
      const std::vector<v1::SubmitReportRequest> all,
      DemoReportSubmissions(EmbeddedReportDeadlinesCsv(), kUnits,
                            absl::CivilDay(2026, 12, 1)));
  std::map<std::string, int> per_unit;
  for (const v1::SubmitReportRequest& request : all) {
    ++per_unit[request.submission().unit()];
    EXPECT_EQ(request.report_cycle(),
              absl::StrCat(kSoPlanDocument, "/reportCycles/",
                           cycle.report_cycle_id()));
  }
  EXPECT_EQ(per_unit, (std::map<std::string, int>{
                          {"units/phuong-a", 3}, {"units/xa-b", 2},
                          {"units/phuong-c", 1}}));
  // The second pattern reports the second deadline a week late.
  const auto late = std::find_if(all.begin(), all.end(), [](const auto& r) {
    return r.submission().unit() == "units/xa-b" &&
           r.submission().due_date().month() == 1;
  });
  ASSERT_NE(late, all.end());
  EXPECT_EQ(late->submission().submitted_date().month(), 2);
  EXPECT_EQ(late->submission().submitted_date().day(), 7);
  // Before the second deadline only the first is answered.
  ASSERT_OK_AND_ASSIGN(
      const std::vector<v1::SubmitReportRequest> early,
      DemoReportSubmissions(EmbeddedReportDeadlinesCsv(), kUnits,
                            absl::CivilDay(2025, 10, 1)));
  EXPECT_EQ(early.size(), 3u);
}

}  // namespace
}  // namespace hpedu::plans::demo