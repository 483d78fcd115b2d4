#include "services/plans/task_changes.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;

v1::Task StoredTask() {
  v1::Task task;
  task.set_name("documents/d-kh/tasks/t-1");
  task.set_group("I");
  task.set_number("3");
  task.set_content("Rà soát mạng lưới trường");
  task.set_lead_agency("units/phong-gdtrh");
  task.set_lead_agency_text("Phòng GDTrH");
  task.set_coordinating("Các phòng");
  task.set_product("Báo cáo");
  task.set_approving_level("Sở");
  task.set_generated(true);
  ParsedTime time;
  time.form = v1::DATE;
  time.due = absl::CivilDay(2025, 12, 31);
  *task.mutable_time() = ToProto("31/12/2025", time);
  return task;
}

TEST(OrdinalOfTest, NumbersSortByValueOthersFirst) {
  EXPECT_EQ(OrdinalOf("12"), 12);
  EXPECT_EQ(OrdinalOf("3"), 3);
  EXPECT_EQ(OrdinalOf("3a"), 0);
  EXPECT_EQ(OrdinalOf(""), 0);
}

TEST(TimeOfTaskTest, RederivesTheParsedTime) {
  const ParsedTime time = TimeOfTask(StoredTask());
  EXPECT_EQ(time.form, v1::DATE);
  ASSERT_TRUE(time.due.has_value());
  EXPECT_EQ(*time.due, absl::CivilDay(2025, 12, 31));
}

TEST(ApplyTaskUpdateTest, ChangesOnlyTheFieldsSet) {
  TaskUpdate update;
  update.content = "Nội dung mới";
  TaskChange change = ApplyTaskUpdate(StoredTask(), update);
  EXPECT_EQ(change.task.content(), "Nội dung mới");
  EXPECT_EQ(change.task.group(), "I");
  EXPECT_EQ(change.task.time().text(), "31/12/2025");
  EXPECT_EQ(*change.time.due, absl::CivilDay(2025, 12, 31));

  ParsedTime yearly;
  yearly.form = v1::RECURRING_YEARLY;
  yearly.recurring = {6, 30};
  update.time = yearly;
  update.time_text = "Hằng năm, 30/6";
  change = ApplyTaskUpdate(StoredTask(), update);
  EXPECT_EQ(change.time.form, v1::RECURRING_YEARLY);
  EXPECT_EQ(change.task.time().text(), "Hằng năm, 30/6");
  EXPECT_EQ(change.task.time().form(), v1::RECURRING_YEARLY);
}

TEST(ImportedTaskTest, SameUnlessAnImportedFieldDiffers) {
  const v1::Task stored = StoredTask();
  v1::Task next = stored;
  next.set_product("Khác");  // the import does not compare the product
  EXPECT_TRUE(SameImportedTask(stored, next));
  next.set_lead_agency_text("Phòng GDMN");
  EXPECT_FALSE(SameImportedTask(stored, next));

  const v1::Task applied = ApplyImportedTask(stored, next);
  EXPECT_EQ(applied.lead_agency_text(), "Phòng GDMN");
  EXPECT_EQ(applied.product(), "Báo cáo");  // kept
  EXPECT_EQ(applied.name(), stored.name());
}

TEST(CascadedChildTest, TheCommuneLeadsACopy) {
  absl::StatusOr<TaskRow> child =
      CascadedChild(StoredTask(), "d-kh", "t-1", "units/xa-an-lao");
  ASSERT_THAT(child, IsOk());
  EXPECT_EQ(child->document_id, "d-kh");
  EXPECT_EQ(child->id, "t-1-xa-an-lao");
  EXPECT_EQ(child->task.lead_agency(), "units/xa-an-lao");
  EXPECT_EQ(child->task.lead_agency_text(), "");
  EXPECT_TRUE(child->task.generated());
  EXPECT_EQ(child->task.content(), "Rà soát mạng lưới trường");
  EXPECT_EQ(*child->time.due, absl::CivilDay(2025, 12, 31));
}

TEST(CascadedChildTest, RefusesAnIdLongerThan63) {
  const std::string parent_id(60, 'a');
  EXPECT_THAT(CascadedChild(StoredTask(), "d-kh", parent_id, "units/xa-b"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CascadedChild(StoredTask(), "d-kh", parent_id, "units/x"),
              IsOk());  // 60 + "-x": 62
}

TEST(ReportedProgressTest, DoneIsAHundred) {
  EXPECT_EQ(ReportedProgress(v1::DONE, 40), 100);
  EXPECT_EQ(ReportedProgress(v1::DONE_LATE, 0), 100);
  EXPECT_EQ(ReportedProgress(v1::IN_PROGRESS, 40), 40);
}

}  // namespace
}  // namespace hpedu::plans
