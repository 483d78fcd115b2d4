#include "services/plans/plan_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& violation : bad_request.field_violations()) {
    fields.push_back(violation.field());
  }
  return fields;
}

StoredCycle MonthlyCycle() {
  StoredCycle stored;
  stored.cycle.add_reporting_units("units/xa-a");
  stored.spec.frequency = v1::MONTHLY;
  stored.spec.due_days_after_period = 5;
  stored.spec.first_day = absl::CivilDay(2025, 9, 1);
  return stored;
}

v1::Submission SubmissionOn(const std::string& unit, int y, int m, int d) {
  v1::Submission submission;
  submission.set_unit(unit);
  submission.mutable_due_date()->set_year(y);
  submission.mutable_due_date()->set_month(m);
  submission.mutable_due_date()->set_day(d);
  return submission;
}

TEST(ValidateSubmissionForCycleTest, AReportingUnitOnADueDate) {
  EXPECT_THAT(ValidateSubmissionForCycle(
                  SubmissionOn("units/xa-a", 2025, 10, 5), MonthlyCycle()),
              IsOk());
}

TEST(ValidateSubmissionForCycleTest, ReportsEveryViolationAtOnce) {
  const absl::Status status = ValidateSubmissionForCycle(
      SubmissionOn("units/xa-b", 2025, 10, 6), MonthlyCycle());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Fields(status),
              ElementsAre("submission.unit", "submission.due_date"));
  // Before the cycle's first due date.
  EXPECT_THAT(Fields(ValidateSubmissionForCycle(
                  SubmissionOn("units/xa-a", 2025, 9, 5), MonthlyCycle())),
              ElementsAre("submission.due_date"));
}

TEST(UnknownAgencyErrorsTest, OneViolationPerUnknownName) {
  EXPECT_THAT(Fields(UnknownAgencyError("task.lead_agency_text", "Phòng X",
                                        "không có")),
              ElementsAre("task.lead_agency_text"));
  EXPECT_THAT(UnknownUnitsError("report_cycle.reporting_units", {}), IsOk());
  EXPECT_THAT(Fields(UnknownUnitsError("report_cycle.reporting_units", {0, 2})),
              ElementsAre("report_cycle.reporting_units[0]",
                          "report_cycle.reporting_units[2]"));
  EXPECT_THAT(Fields(UnknownUnitError("submission.unit")),
              ElementsAre("submission.unit"));
}

TEST(UnknownAgencyLinesErrorTest, LineErrorsOnTheFile) {
  EXPECT_THAT(UnknownAgencyLinesError("issuer", {}), IsOk());
  const absl::Status status = UnknownAgencyLinesError(
      "issuer", {{.line = 3, .agency = "Sở X"}, {.line = 7, .agency = "Sở Y"}});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Fields(status), ElementsAre("csv_content", "csv_content"));
}

}  // namespace
}  // namespace hpedu::plans
