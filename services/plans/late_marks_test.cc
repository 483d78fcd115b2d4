#include "services/plans/late_marks.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::plans {
namespace {

using ::testing::ElementsAre;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

ChasingCandidate Candidate(std::string task, std::string commune,
                           absl::CivilDay due, v1::TaskState state) {
  ChasingCandidate candidate;
  candidate.task = std::move(task);
  candidate.content = "Rà soát mạng lưới trường";
  candidate.lead_agency = "units/phong-kh-tc";
  candidate.commune = std::move(commune);
  candidate.facts.time.form = v1::MONTH;
  candidate.facts.time.due = due;
  candidate.facts.state = state;
  return candidate;
}

std::vector<std::string> Names(const std::vector<v1::LateMark>& marks) {
  std::vector<std::string> names;
  for (const v1::LateMark& mark : marks) names.push_back(mark.name());
  return names;
}

TEST(LateTasksTest, MarksOpenTasksPastTheirDeadlineForTheirUnit) {
  const std::vector<v1::LateMark> marks = LateTasks(
      {Candidate("documents/d/tasks/late", "", Day(2026, 11, 30),
                 v1::IN_PROGRESS),
       Candidate("documents/d/tasks/cascaded", "units/31", Day(2026, 12, 6),
                 v1::NOT_STARTED),
       // Due today: not late yet.
       Candidate("documents/d/tasks/today", "", Day(2026, 12, 7),
                 v1::NOT_STARTED),
       Candidate("documents/d/tasks/done", "", Day(2026, 11, 30), v1::DONE)},
      Day(2026, 12, 7));
  EXPECT_THAT(Names(marks),
              ElementsAre("documents/d/tasks/late/lateMarks/2026-11-30",
                          "documents/d/tasks/cascaded/lateMarks/2026-12-06"));
  EXPECT_EQ(marks[0].subject(), "documents/d/tasks/late");
  EXPECT_EQ(marks[0].title(), "Rà soát mạng lưới trường");
  EXPECT_EQ(marks[0].unit(), "units/phong-kh-tc");  // its lead agency
  EXPECT_EQ(marks[1].unit(), "units/31");           // its commune
  EXPECT_EQ(marks[0].due_date().day(), 30);
  EXPECT_EQ(marks[0].mark_date().day(), 7);
}

TEST(MissingReportsTest, MarksEachUnitAndDueDateNotSubmitted) {
  v1::ReportCycle cycle;
  cycle.set_name("documents/d/reportCycles/bc-thang");
  cycle.set_title("Báo cáo tháng");
  cycle.add_reporting_units("units/31");
  cycle.add_reporting_units("units/32");
  CycleSpec spec;
  spec.frequency = v1::MONTHLY;
  spec.due_days_after_period = 5;
  spec.first_day = Day(2026, 10, 1);
  // October's report (due 5 November): 31 on time; 32 never. November's
  // (due 5 December): 32 late, on 6 December; 31 not yet.
  const std::map<std::pair<std::string, absl::CivilDay>, absl::CivilDay>
      submitted = {{{"units/31", Day(2026, 11, 5)}, Day(2026, 11, 4)},
                   {{"units/32", Day(2026, 12, 5)}, Day(2026, 12, 6)}};
  const std::vector<v1::LateMark> marks =
      MissingReports(cycle, spec, submitted, Day(2026, 12, 7));
  EXPECT_THAT(Names(marks),
              ElementsAre("documents/d/reportCycles/bc-thang/lateMarks/"
                          "32~2026-11-05",
                          "documents/d/reportCycles/bc-thang/lateMarks/"
                          "31~2026-12-05"));
  EXPECT_EQ(marks[0].unit(), "units/32");
  EXPECT_EQ(marks[0].subject(), "documents/d/reportCycles/bc-thang");
  EXPECT_EQ(marks[0].title(), "Báo cáo tháng");
}

}  // namespace
}  // namespace hpedu::plans
