// Request and value checks, and the import file: every problem is named
// with its field (or line and column), nothing is guessed.
#include "services/indicators/indicator_validation.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "services/indicators/value_import.h"
#include "services/indicators/value_names.h"

namespace hpedu::indicators {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

v1::Indicator Ratio() {
  v1::Indicator indicator;
  indicator.set_name("indicators/hp-20");
  indicator.set_code("HP-20");
  indicator.set_display_name("Tỷ lệ trường trung học đạt chuẩn quốc gia mức độ 1");
  indicator.set_unit_label("%");
  indicator.set_kind(v1::RATIO);
  indicator.set_factor(100);
  indicator.set_direction(v1::HIGHER_IS_BETTER);
  indicator.set_reporting_level(v1::SCHOOL);
  indicator.set_period_type(v1::SCHOOL_YEAR);
  indicator.add_disaggregations("THCS");
  indicator.add_disaggregations("THPT");
  return indicator;
}

v1::Indicator Count() {
  v1::Indicator indicator = Ratio();
  indicator.set_name("indicators/hp-05");
  indicator.set_code("HP-05");
  indicator.set_unit_label("Xã");
  indicator.set_kind(v1::UNIT_COUNT);
  indicator.set_factor(0);
  indicator.set_condition_threshold("3");
  indicator.set_reporting_level(v1::COMMUNE);
  indicator.clear_disaggregations();
  return indicator;
}

using Problems = std::vector<std::pair<std::string, std::string>>;

TEST(ValidateValueTest, RatiosNeedWholeCountsWithinTheDenominator) {
  Problems problems;
  ValueInput input{"units/thcs-a", "2025-2026", "THCS", "3", "10", "", false};
  std::optional<ValueWrite> write = ValidateValue(Ratio(), input, 7, problems);
  ASSERT_TRUE(write.has_value());
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_EQ(write->org_unit_id, "thcs-a");
  EXPECT_EQ(write->line, 7);
  EXPECT_EQ(*write->numerator, 3);

  for (const auto& [num, den, column] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"11", "10", "numerator"}, {"2.5", "10", "numerator"},
           {"-1", "10", "numerator"}, {"1", "0", "denominator"},
           {"1", "", "denominator"}}) {
    problems.clear();
    input.numerator = num;
    input.denominator = den;
    EXPECT_FALSE(ValidateValue(Ratio(), input, 1, problems).has_value());
    ASSERT_THAT(problems, SizeIs(1)) << num << "/" << den;
    EXPECT_EQ(problems[0].first, column) << num << "/" << den;
  }
}

TEST(ValidateValueTest, DisaggregationsMustBeDeclared) {
  Problems problems;
  ValueInput input{"thcs-a", "2025-2026", "", "3", "10", "", false};
  EXPECT_FALSE(ValidateValue(Ratio(), input, 1, problems).has_value());
  ASSERT_THAT(problems, SizeIs(1));
  EXPECT_EQ(problems[0].first, "disaggregation");
  problems.clear();
  input.disaggregation = "GDTX";
  EXPECT_FALSE(ValidateValue(Ratio(), input, 1, problems).has_value());
  problems.clear();
  ValueInput count{"phuong-do-son", "2025-2026", "THCS", "", "", "3", false};
  EXPECT_FALSE(ValidateValue(Count(), count, 1, problems).has_value());
  EXPECT_EQ(problems[0].first, "disaggregation");
}

TEST(ValidateValueTest, OtherKindsTakeADecimalAndPercentagesStayWithin100) {
  Problems problems;
  ValueInput count{"phuong-do-son", "2025-2026", "", "", "", "3", false};
  ASSERT_TRUE(ValidateValue(Count(), count, 1, problems).has_value());
  count.numerator = "1";
  EXPECT_FALSE(ValidateValue(Count(), count, 1, problems).has_value());
  problems.clear();
  v1::Indicator plain = Count();
  plain.set_kind(v1::PLAIN_VALUE);
  plain.set_unit_label("%");
  plain.clear_condition_threshold();
  ValueInput value{"phuong-do-son", "2025-2026", "", "", "", "100.5", false};
  EXPECT_FALSE(ValidateValue(plain, value, 1, problems).has_value());
  EXPECT_THAT(problems[0].second, HasSubstr("0-100"));
  problems.clear();
  value.value = "99,7";
  EXPECT_FALSE(ValidateValue(plain, value, 1, problems).has_value());
  EXPECT_EQ(problems[0].first, "value");
}

TEST(ValidateValueTest, ComputedIndicatorsAreNotReported) {
  v1::Indicator teachers = Ratio();
  teachers.set_source(v1::STAFFING_SERVICE);
  Problems problems;
  ValueInput input{"thcs-a", "2025-2026", "THCS", "3", "10", "", false};
  EXPECT_FALSE(ValidateValue(teachers, input, 1, problems).has_value());
  EXPECT_EQ(problems[0].first, "indicator");
}

TEST(ImportFileTest, EveryBadLineIsNumberedAndNothingIsReturned) {
  const std::string csv =
      "indicator,org_unit,period,disaggregation,numerator,denominator,value,"
      "generated\n"
      "HP-20,thcs-a,2025-2026,THCS,3,10,,\n"
      "HP-20,thcs-b,2025-26,THCS,11,10,,\n"
      "HP-99,thcs-c,2025-2026,THCS,1,1,,\n"
      "indicators/hp-05,phuong-do-son,2025-2026,,,,3,maybe\n";
  const absl::Status status = ParseValuesCsv(csv, {Ratio(), Count()}).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  const google::rpc::BadRequest details = GetBadRequest(status);
  ASSERT_THAT(details.field_violations(), SizeIs(4));
  EXPECT_THAT(details.field_violations(0).description(),
              HasSubstr("dòng 3, cột period"));
  EXPECT_THAT(details.field_violations(1).description(),
              HasSubstr("dòng 3, cột numerator"));
  EXPECT_THAT(details.field_violations(2).description(),
              HasSubstr("dòng 4, cột indicator"));
  EXPECT_THAT(details.field_violations(3).description(),
              HasSubstr("dòng 5, cột generated"));
}

TEST(ImportFileTest, CodesAndNamesBothFindTheIndicator) {
  const std::string csv =
      "indicator,org_unit,period,disaggregation,numerator,denominator,value\n"
      "HP-20,thcs-a,2025-2026,THCS,3,10,\n"
      "indicators/hp-05,units/phuong-do-son,2025-2026,,,,3\n";
  ASSERT_OK_AND_ASSIGN(const std::vector<ValueWrite> writes,
                       ParseValuesCsv(csv, {Ratio(), Count()}));
  ASSERT_THAT(writes, SizeIs(2));
  EXPECT_EQ(writes[0].indicator_id, "hp-20");
  EXPECT_EQ(writes[1].org_unit_id, "phuong-do-son");
  EXPECT_EQ(writes[1].value->scaled, 30000);
  EXPECT_THAT(ParseValuesCsv("indicator,org_unit\n", {Ratio()}).status(),
              HasFieldViolation("csv_content"));
}

TEST(ValueNameTest, RoundTrips) {
  const std::string name = ValueName("hp-20", "thcs-a", "2025-2026", "THCS");
  EXPECT_EQ(name, "indicators/hp-20/values/thcs-a~2025-2026~THCS");
  ASSERT_OK_AND_ASSIGN(const ValueKeyParts parts, ParseValueName(name, "name"));
  EXPECT_EQ(parts.indicator_id, "hp-20");
  EXPECT_EQ(parts.org_unit_id, "thcs-a");
  EXPECT_EQ(parts.period, "2025-2026");
  EXPECT_EQ(parts.disaggregation, "THCS");
  ASSERT_OK_AND_ASSIGN(const ValueKeyParts plain,
                       ParseValueName("indicators/hp-02/values/x~2025-2026", "n"));
  EXPECT_EQ(plain.disaggregation, "");
  for (const char* bad : {"indicators/hp-02/values/x", "units/x~2025-2026",
                          "indicators/hp-02/values/X~2025", "indicators/hp-02/values/x~2025~"}) {
    EXPECT_THAT(ParseValueName(bad, "name"),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(IndicatorFieldsTest, KindDecidesFactorAndThreshold) {
  FieldViolations violations;
  ValidateIndicatorFields(Ratio(), "indicator.", violations);
  EXPECT_TRUE(violations.empty());
  v1::Indicator count = Count();
  count.clear_condition_threshold();
  count.set_factor(100);
  count.set_school_level("MN");
  ValidateIndicatorFields(count, "indicator.", violations);
  const absl::Status status = violations.ToStatus();
  EXPECT_THAT(status, HasFieldViolation("indicator.condition_threshold"));
  EXPECT_THAT(status, HasFieldViolation("indicator.factor"));
  EXPECT_THAT(status, HasFieldViolation("indicator.school_level"));
}

}  // namespace
}  // namespace hpedu::indicators
