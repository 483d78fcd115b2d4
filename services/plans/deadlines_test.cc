#include "services/plans/deadlines.h"

#include "gtest/gtest.h"

namespace hpedu::plans {
namespace {

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

DeadlineFacts Dated(absl::CivilDay due, v1::TaskState state = v1::NOT_STARTED) {
  DeadlineFacts facts;
  facts.time.form = v1::MONTH;
  facts.time.due = due;
  facts.state = state;
  return facts;
}

DeadlineFacts Yearly(RecurringDue point) {
  DeadlineFacts facts;
  facts.time.form = v1::RECURRING_YEARLY;
  facts.time.recurring = point;
  return facts;
}

TEST(EvaluateDeadlineTest, DatedTaskAroundItsDeadline) {
  const DeadlineFacts facts = Dated(Day(2025, 10, 31));
  Deadline d = EvaluateDeadline(facts, Day(2025, 10, 1), 7);
  EXPECT_EQ(d.status, DeadlineStatus::kNotDue);
  EXPECT_EQ(d.days_overdue, -30);
  d = EvaluateDeadline(facts, Day(2025, 10, 24), 7);
  EXPECT_EQ(d.status, DeadlineStatus::kDueSoon);  // exactly 7 days left
  d = EvaluateDeadline(facts, Day(2025, 10, 23), 7);
  EXPECT_EQ(d.status, DeadlineStatus::kNotDue);  // 8 days left
  d = EvaluateDeadline(facts, Day(2025, 10, 31), 0);
  EXPECT_EQ(d.status, DeadlineStatus::kDueSoon);  // met on its day
  d = EvaluateDeadline(facts, Day(2025, 11, 1), 0);
  EXPECT_EQ(d.status, DeadlineStatus::kOverdue);
  EXPECT_EQ(d.days_overdue, 1);
  d = EvaluateDeadline(facts, Day(2026, 1, 5), 0);
  EXPECT_EQ(d.days_overdue, 66);
  EXPECT_EQ(d.due, Day(2025, 10, 31));
}

TEST(EvaluateDeadlineTest, ClosedTasksAreNeverOverdue) {
  for (v1::TaskState state : {v1::DONE, v1::DONE_LATE, v1::CANCELLED}) {
    EXPECT_EQ(EvaluateDeadline(Dated(Day(2025, 5, 31), state), Day(2026, 1, 1), 0)
                  .status,
              DeadlineStatus::kClosed);
  }
  EXPECT_EQ(EvaluateDeadline(Dated(Day(2025, 5, 31), v1::IN_PROGRESS),
                             Day(2026, 1, 1), 0)
                .status,
            DeadlineStatus::kOverdue);
}

TEST(EvaluateDeadlineTest, FreeTextHasNoDeadline) {
  DeadlineFacts facts;
  facts.time.form = v1::FREE_TEXT;
  const Deadline d = EvaluateDeadline(facts, Day(2030, 1, 1), 366);
  EXPECT_EQ(d.status, DeadlineStatus::kNoDeadline);
  EXPECT_FALSE(d.due.has_value());
}

TEST(EvaluateDeadlineTest, YearlyTaskAcrossTheYearBoundary) {
  DeadlineFacts facts = Yearly({12, 31});
  facts.start = Day(2025, 3, 1);
  // 31 December itself: due today.
  Deadline d = EvaluateDeadline(facts, Day(2025, 12, 31), 0);
  EXPECT_EQ(d.status, DeadlineStatus::kDueSoon);
  EXPECT_EQ(d.due, Day(2025, 12, 31));
  // 5 January: last year's occurrence is 5 days overdue.
  d = EvaluateDeadline(facts, Day(2026, 1, 5), 7);
  EXPECT_EQ(d.status, DeadlineStatus::kOverdue);
  EXPECT_EQ(d.due, Day(2025, 12, 31));
  EXPECT_EQ(d.days_overdue, 5);
  // Done on 20 December: 2025 settled, 2026's is far away.
  facts.last_done = Day(2025, 12, 20);
  facts.state = v1::DONE;
  d = EvaluateDeadline(facts, Day(2026, 1, 5), 7);
  EXPECT_EQ(d.status, DeadlineStatus::kNotDue);
  EXPECT_EQ(d.due, Day(2026, 12, 31));
  // A year later, with no new completion, 2026's occurrence is overdue.
  d = EvaluateDeadline(facts, Day(2027, 1, 2), 7);
  EXPECT_EQ(d.status, DeadlineStatus::kOverdue);
  EXPECT_EQ(d.due, Day(2026, 12, 31));
  EXPECT_EQ(d.days_overdue, 2);
  // Done late in January for 2025's occurrence still settles it.
  facts.last_done = Day(2026, 1, 10);
  d = EvaluateDeadline(facts, Day(2026, 1, 12), 7);
  EXPECT_EQ(d.status, DeadlineStatus::kNotDue);
}

TEST(EvaluateDeadlineTest, YearlyDuePointEarlyInTheYearIsDueSoonInDecember) {
  DeadlineFacts facts = Yearly({1, 15});
  facts.start = Day(2025, 3, 1);  // 15 January 2025 was before the task
  Deadline d = EvaluateDeadline(facts, Day(2025, 12, 28), 30);
  EXPECT_EQ(d.status, DeadlineStatus::kDueSoon);
  EXPECT_EQ(d.due, Day(2026, 1, 15));
  EXPECT_EQ(d.days_overdue, -18);
  d = EvaluateDeadline(facts, Day(2025, 12, 28), 17);
  EXPECT_EQ(d.status, DeadlineStatus::kNotDue);
  d = EvaluateDeadline(facts, Day(2026, 1, 16), 0);
  EXPECT_EQ(d.status, DeadlineStatus::kOverdue);
  EXPECT_EQ(d.days_overdue, 1);
  // Without a start, last January's occurrence counts.
  facts.start.reset();
  d = EvaluateDeadline(facts, Day(2025, 12, 28), 30);
  EXPECT_EQ(d.status, DeadlineStatus::kOverdue);
  EXPECT_EQ(d.due, Day(2025, 1, 15));
}

TEST(EvaluateDeadlineTest, CancelledYearlyTaskIsClosed) {
  DeadlineFacts facts = Yearly({12, 31});
  facts.state = v1::CANCELLED;
  EXPECT_EQ(EvaluateDeadline(facts, Day(2026, 1, 5), 0).status,
            DeadlineStatus::kClosed);
}

TEST(StateForReportTest, DoneAfterTheDeadlineIsDoneLate) {
  ParsedTime time;
  time.form = v1::MONTH;
  time.due = Day(2025, 10, 31);
  EXPECT_EQ(StateForReport(v1::DONE, Day(2025, 10, 31), time), v1::DONE);
  EXPECT_EQ(StateForReport(v1::DONE, Day(2025, 11, 1), time), v1::DONE_LATE);
  EXPECT_EQ(StateForReport(v1::IN_PROGRESS, Day(2025, 11, 1), time),
            v1::IN_PROGRESS);
  time.form = v1::FREE_TEXT;
  time.due.reset();
  EXPECT_EQ(StateForReport(v1::DONE, Day(2030, 1, 1), time), v1::DONE);
}

}  // namespace
}  // namespace hpedu::plans
