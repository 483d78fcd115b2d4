#include "services/plans/reminders.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace hpedu::plans {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// 2026-12-09 is a Wednesday, 2026-12-07 a Monday.
constexpr absl::CivilDay kWednesday(2026, 12, 9);
constexpr absl::CivilDay kMonday(2026, 12, 7);

ChasingCandidate Task(std::string task, std::string commune, absl::CivilDay due,
                      v1::TaskState state = v1::IN_PROGRESS) {
  ChasingCandidate candidate;
  candidate.task = std::move(task);
  candidate.content =
      "Nhiệm vụ " + candidate.task.substr(candidate.task.rfind('/') + 1);
  candidate.lead_agency = "units/phong-kh-tc";
  candidate.commune = std::move(commune);
  candidate.progress_percent = 40;
  candidate.facts.time.form = v1::DATE;
  candidate.facts.time.due = due;
  candidate.facts.state = state;
  return candidate;
}

CycleReports Cycle(std::vector<absl::CivilDay> due_dates,
                   std::vector<std::string> units,
                   SubmissionDays submitted = {}) {
  CycleReports reports;
  reports.stored.cycle.set_name("documents/d/reportCycles/bc");
  reports.stored.cycle.set_title("Báo cáo sơ kết");
  for (const std::string& unit : units) {
    reports.stored.cycle.add_reporting_units(unit);
  }
  reports.stored.spec.frequency = v1::FIXED_DATES;
  reports.stored.spec.fixed_dates = std::move(due_dates);
  reports.stored.spec.first_day = Day(2026, 1, 1);
  reports.submitted = std::move(submitted);
  return reports;
}

std::vector<std::string> Subjects(const std::vector<DigestItem>& items) {
  std::vector<std::string> subjects;
  for (const DigestItem& item : items) subjects.push_back(item.subject);
  return subjects;
}

TEST(BuildDigestsTest, EachUnitGetsItsOwnTasksAndReportsDueOrLate) {
  const std::map<std::string, Digest> digests = BuildDigests(
      {Task("documents/d/tasks/late-2", "units/31", Day(2026, 12, 7)),
       Task("documents/d/tasks/late-5", "units/31", Day(2026, 12, 4)),
       Task("documents/d/tasks/soon", "units/31", Day(2026, 12, 16)),
       // A week and a day away: not yet.
       Task("documents/d/tasks/later", "units/31", Day(2026, 12, 17)),
       Task("documents/d/tasks/done", "units/31", Day(2026, 12, 1), v1::DONE),
       // Not cascaded: its lead agency's.
       Task("documents/d/tasks/city", "", Day(2026, 12, 8))},
      {Cycle({Day(2026, 12, 1), Day(2026, 12, 10)}, {"units/31", "units/32"},
             {{{"units/32", Day(2026, 12, 1)}, Day(2026, 11, 30)}})},
      kWednesday);
  ASSERT_THAT(digests, SizeIs(3));
  const Digest& commune = digests.at("units/31");
  EXPECT_EQ(commune.unit, "units/31");
  // Most late first.
  EXPECT_THAT(
      Subjects(commune.late_tasks),
      ElementsAre("documents/d/tasks/late-5", "documents/d/tasks/late-2"));
  EXPECT_EQ(commune.late_tasks[0].days_overdue, 5);
  EXPECT_EQ(commune.late_tasks[0].progress_percent, 40);
  EXPECT_THAT(Subjects(commune.due_tasks),
              ElementsAre("documents/d/tasks/soon"));
  EXPECT_EQ(commune.due_tasks[0].days_overdue, -7);
  ASSERT_THAT(commune.missing_reports, SizeIs(1));
  EXPECT_EQ(commune.missing_reports[0].due, Day(2026, 12, 1));
  ASSERT_THAT(commune.due_reports, SizeIs(1));
  EXPECT_EQ(commune.due_reports[0].due, Day(2026, 12, 10));

  const Digest& other = digests.at("units/32");
  EXPECT_THAT(other.missing_reports, IsEmpty());  // sent on time
  EXPECT_THAT(other.due_reports, SizeIs(1));
  EXPECT_THAT(Subjects(digests.at("units/phong-kh-tc").late_tasks),
              ElementsAre("documents/d/tasks/city"));
}

Digest With(int days_overdue) {
  Digest digest;
  digest.unit = "units/31";
  (days_overdue > 0 ? digest.late_tasks : digest.due_tasks)
      .push_back(DigestItem{.subject = "documents/d/tasks/t",
                            .title = "t",
                            .due = kWednesday - days_overdue,
                            .days_overdue = days_overdue});
  return digest;
}

TEST(ShouldRemindTest, AWeekBeforeTheDayBeforeOnTheDayAndTheDayAfter) {
  for (int days : {-7, -1, 0, 1}) {
    EXPECT_TRUE(ShouldRemind(With(days), kWednesday)) << days;
  }
  for (int days : {-6, -2, 2, 30}) {
    EXPECT_FALSE(ShouldRemind(With(days), kWednesday)) << days;
  }
}

TEST(ShouldRemindTest, MondaysWhileSomethingIsLate) {
  EXPECT_TRUE(ShouldRemind(With(30), kMonday));
  EXPECT_FALSE(ShouldRemind(With(-3), kMonday));
}

TEST(RenderDigestTest, VietnameseTextAndJsonWithLinks) {
  const std::map<std::string, Digest> digests = BuildDigests(
      {Task("documents/d/tasks/tre", "units/31", Day(2026, 12, 6)),
       Task("documents/d/tasks/sap", "units/31", Day(2026, 12, 10))},
      {Cycle({Day(2026, 12, 1)}, {"units/31"})}, kWednesday);
  const RenderedDigest rendered = RenderDigest(
      digests.at("units/31"), "units/31/reminders/2026-12-09~email",
      "Phường Đồ Sơn", "https://hpedu.example/", kWednesday);
  EXPECT_EQ(rendered.subject,
            "Nhắc việc: 1 nhiệm vụ quá hạn, 1 nhiệm vụ sắp đến hạn, 1 báo cáo "
            "chưa nộp");
  EXPECT_THAT(rendered.text, HasSubstr("Kính gửi: Phường Đồ Sơn"));
  EXPECT_THAT(rendered.text, HasSubstr("nhắc việc ngày 09/12/2026"));
  EXPECT_THAT(rendered.text,
              HasSubstr("- Nhiệm vụ tre\n  Hạn 06/12/2026, quá hạn 3 ngày, "
                        "tiến độ 40%"));
  EXPECT_THAT(rendered.text, HasSubstr("Hạn 10/12/2026, còn 1 ngày"));
  EXPECT_THAT(rendered.text, HasSubstr("Báo cáo định kỳ chưa nộp (1):\n- Báo "
                                       "cáo sơ kết\n  Hạn 01/12/2026"));
  EXPECT_THAT(rendered.text, HasSubstr("https://hpedu.example/#/nhiem-vu"));
  EXPECT_THAT(rendered.text,
              HasSubstr("https://hpedu.example/#/bao-cao-dinh-ky"));
  EXPECT_THAT(rendered.text, Not(HasSubstr("sắp đến hạn (0)")));

  const nlohmann::json json = nlohmann::json::parse(rendered.json);
  EXPECT_EQ(json["reminder"], "units/31/reminders/2026-12-09~email");
  EXPECT_EQ(json["unit"], "units/31");
  EXPECT_EQ(json["unitTitle"], "Phường Đồ Sơn");
  EXPECT_EQ(json["date"], "2026-12-09");
  EXPECT_EQ(json["subject"], rendered.subject);
  ASSERT_EQ(json["lateTasks"].size(), 1);
  EXPECT_EQ(json["lateTasks"][0]["name"], "documents/d/tasks/tre");
  EXPECT_EQ(json["lateTasks"][0]["dueDate"], "2026-12-06");
  EXPECT_EQ(json["lateTasks"][0]["daysOverdue"], 3);
  EXPECT_EQ(json["lateTasks"][0]["progressPercent"], 40);
  EXPECT_EQ(json["missingReports"][0]["link"],
            "https://hpedu.example/#/bao-cao-dinh-ky");
  EXPECT_FALSE(json["missingReports"][0].contains("progressPercent"));
  EXPECT_TRUE(json["dueReports"].empty());
}

TEST(ReminderNameTest, DayAndChannel) {
  EXPECT_EQ(ReminderName("units/31", kWednesday, v1::EMAIL),
            "units/31/reminders/2026-12-09~email");
  EXPECT_EQ(ReminderName("units/31", kWednesday, v1::WEBHOOK),
            "units/31/reminders/2026-12-09~webhook");
}

}  // namespace
}  // namespace hpedu::plans
