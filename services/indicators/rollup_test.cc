// Hand-worked cases of the indicators' arithmetic: the ratio of sums (and
// the average-of-percentages trap), coverage, drill-down, disaggregation,
// counts of units, status against targets with every comparator, periods
// and their closing, outliers.
#include "services/indicators/rollup.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::indicators {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::SizeIs;

Formula Percent() { return Formula{v1::RATIO, 100, {}}; }

Report Ratio(std::string unit, int64_t num, int64_t den,
             std::string disaggregation = "") {
  Report report;
  report.org_unit_id = std::move(unit);
  report.numerator = num;
  report.denominator = den;
  report.disaggregation = std::move(disaggregation);
  return report;
}

Report Valued(std::string unit, const char* value) {
  Report report;
  report.org_unit_id = std::move(unit);
  report.value = *ParseDecimal(value, "value");
  return report;
}

Decimal D(const char* text) { return *ParseDecimal(text, "value"); }

TEST(DecimalTest, ParsesAndFormatsExactly) {
  EXPECT_EQ(D("54.83").scaled, 548300);
  EXPECT_EQ(D("114").scaled, 1140000);
  EXPECT_EQ(D("-0.5").scaled, -5000);
  EXPECT_EQ(FormatDecimal(D("0.8200")), "0.82");
  EXPECT_EQ(FormatDecimal(D("99.76")), "99.76");
  EXPECT_EQ(FormatDecimal(D("-3")), "-3");
  // The seeds write a decimal comma; the API does not guess.
  EXPECT_THAT(ParseDecimal("99,7", "v"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDecimal("1.23456", "v"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDecimal("1e3", "v"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDecimal("", "v"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseDecimal("5.", "v"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(DecimalTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(FormatRational(Rational{200, 3}), "66.67");
  EXPECT_EQ(FormatRational(Rational{1, 8}), "0.13");
  EXPECT_EQ(FormatRational(Rational{-1, 8}), "-0.13");
  EXPECT_EQ(FormatRational(Rational{100, 1}), "100");
  EXPECT_EQ(FormatDecimal(Subtract(FromDecimal(D("88")), Rational{200, 3})),
            "21.3333");
}

// The trap: commune A enrols 90 of 100 children (90%), commune B 10 of
// 1000 (1%). The average of the two percentages is 45.5%; the city's
// figure is 100 of 1100 = 9.09%.
TEST(RollUpTest, RatioOfSumsNotAverageOfPercentages) {
  const Groups groups = {{"a", {"a"}}, {"b", {"b"}}};
  const RolledUp rolled =
      RollUpReports(Percent(), groups, {Ratio("a", 90, 100), Ratio("b", 10, 1000)});
  const std::optional<Rational> city = FigureValue(Percent(), rolled.total);
  ASSERT_TRUE(city.has_value());
  EXPECT_EQ(FormatRational(*city), "9.09");
  EXPECT_NE(FormatRational(*city), "45.5");
  EXPECT_EQ(rolled.total.numerator, 100);
  EXPECT_EQ(rolled.total.denominator, 1100);
  EXPECT_EQ(FormatRational(*FigureValue(Percent(), rolled.by_group.at("a"))), "90");
  EXPECT_EQ(FormatRational(*FigureValue(Percent(), rolled.by_group.at("b"))), "1");
}

TEST(RollUpTest, CoverageCountsMissingReports) {
  const Groups groups = {{"a", {"a"}}, {"b", {"b"}}, {"c", {"c"}}};
  const RolledUp rolled = RollUpReports(
      Percent(), groups,
      {Ratio("a", 1, 2), Ratio("b", 1, 2), Ratio("stranger", 5, 5)});
  EXPECT_EQ(rolled.expected, 3);
  EXPECT_EQ(rolled.total.reporters, 2);
  EXPECT_THAT(rolled.missing, ElementsAre("c"));
  // A unit nobody expects here does not count.
  EXPECT_EQ(rolled.total.denominator, 4);
  const v1::Figure figure = MakeFigure(Percent(), rolled.total, rolled.expected,
                                       rolled.missing);
  EXPECT_EQ(figure.expected_reporters(), 3);
  EXPECT_EQ(figure.reporters(), 2);
  EXPECT_THAT(figure.missing_reporters(), ElementsAre("units/c"));
  EXPECT_EQ(figure.value(), "50");
}

TEST(RollUpTest, NoReportsIsNoFigureNotZero) {
  const RolledUp rolled = RollUpReports(Percent(), {{"a", {"a"}}}, {});
  EXPECT_FALSE(FigureValue(Percent(), rolled.total).has_value());
  const v1::Figure figure = MakeFigure(Percent(), rolled.total, 1, {"a"});
  EXPECT_EQ(figure.state(), v1::NO_REPORTS);
  EXPECT_EQ(figure.value(), "");
}

// Schools at national standard: each school reports 1/1 or 0/1. Commune X
// has s1 (yes), s2 (no), s3 (silent); commune Y has s4 (yes).
TEST(RollUpTest, DrillDownCityToCommunesFromSchools) {
  const Groups groups = {{"x", {"s1", "s2", "s3"}}, {"y", {"s4"}}};
  const RolledUp rolled = RollUpReports(
      Percent(), groups, {Ratio("s1", 1, 1), Ratio("s2", 0, 1), Ratio("s4", 1, 1)});
  EXPECT_EQ(FormatRational(*FigureValue(Percent(), rolled.total)), "66.67");
  EXPECT_EQ(FormatRational(*FigureValue(Percent(), rolled.by_group.at("x"))), "50");
  EXPECT_EQ(FormatRational(*FigureValue(Percent(), rolled.by_group.at("y"))), "100");
  EXPECT_EQ(rolled.expected, 4);
  EXPECT_EQ(rolled.by_group.at("x").reporters, 2);
  EXPECT_THAT(rolled.missing, ElementsAre("s3"));
}

// Indicator 20: THCS 3 of 10 schools, THPT 1 of 2. The total is 4/12, not
// the mean of 30% and 50%, and the unit counts once among reporters.
TEST(RollUpTest, DisaggregationsSumIntoTheTotal) {
  const std::vector<Report> reports = {Ratio("u", 3, 10, "THCS"),
                                       Ratio("u", 1, 2, "THPT")};
  const Totals total = SumReports(Percent(), reports);
  EXPECT_EQ(FormatRational(*FigureValue(Percent(), total)), "33.33");
  EXPECT_EQ(total.reporters, 1);
  const Totals thcs = SumReports(Percent(), {reports[0]});
  EXPECT_EQ(FormatRational(*FigureValue(Percent(), thcs)), "30");
}

TEST(RollUpTest, FactorPerTenThousand) {
  const Formula per_10000{v1::RATIO, 10000, {}};
  const Totals total = SumReports(per_10000, {Ratio("hai-phong", 43000, 2000000)});
  EXPECT_EQ(FormatRational(*FigureValue(per_10000, total)), "215");
}

// Communes meeting universalisation level 3: levels 3, 2 and 3.5 -> 2.
TEST(RollUpTest, CountsUnitsMeetingTheCondition) {
  const Formula count{v1::UNIT_COUNT, 0, D("3")};
  const Groups groups = {{"a", {"a"}}, {"b", {"b"}}, {"c", {"c"}}, {"d", {"d"}}};
  const RolledUp rolled = RollUpReports(
      count, groups, {Valued("a", "3"), Valued("b", "2"), Valued("c", "3.5")});
  EXPECT_EQ(FormatRational(*FigureValue(count, rolled.total)), "2");
  EXPECT_EQ(rolled.total.reporters, 3);
  EXPECT_THAT(rolled.missing, ElementsAre("d"));
  const v1::Figure figure = MakeFigure(count, rolled.total, 4, rolled.missing);
  EXPECT_EQ(figure.numerator(), 2);
  EXPECT_EQ(figure.denominator(), 3);
}

TEST(RollUpTest, PlainValuesDoNotAggregate) {
  const Formula plain{v1::PLAIN_VALUE, 0, {}};
  const Totals one = SumReports(plain, {Valued("a", "0.82")});
  EXPECT_EQ(FormatRational(*FigureValue(plain, one)), "0.82");
  const Totals two = Merge(one, SumReports(plain, {Valued("b", "0.9")}));
  EXPECT_FALSE(FigureValue(plain, two).has_value());
}

TEST(TargetTest, EveryComparatorAtTheBoundary) {
  const Rational figure = FromDecimal(D("54.83"));
  EXPECT_TRUE(Satisfies(figure, v1::GREATER_OR_EQUAL, D("54.83")));
  EXPECT_FALSE(Satisfies(figure, v1::GREATER, D("54.83")));
  EXPECT_TRUE(Satisfies(figure, v1::LESS_OR_EQUAL, D("54.83")));
  EXPECT_FALSE(Satisfies(figure, v1::LESS, D("54.83")));
  EXPECT_TRUE(Satisfies(figure, v1::GREATER, D("54.82")));
  EXPECT_TRUE(Satisfies(figure, v1::LESS, D("54.84")));
  // Exact: 5483/10000 of a ratio is not rounded before comparing.
  EXPECT_FALSE(Satisfies(Rational{548299, 10000}, v1::GREATER_OR_EQUAL, D("54.83")));
}

TEST(TargetTest, MetOnTrackAtRiskNotMet) {
  const Rational now = FromDecimal(D("80"));
  // Đồ Sơn: >= 88% of schools by 2030.
  Assessment a = AssessTarget(now, std::nullopt, v1::GREATER_OR_EQUAL, D("80"), 4);
  EXPECT_EQ(a.status, v1::MET);
  EXPECT_EQ(FormatDecimal(*a.gap), "0");
  // +4 a year, two years left: 80 + 8 = 88 reaches it.
  a = AssessTarget(now, FromDecimal(D("76")), v1::GREATER_OR_EQUAL, D("88"), 2);
  EXPECT_EQ(a.status, v1::ON_TRACK);
  EXPECT_EQ(FormatDecimal(*a.gap), "8");
  // +2 a year: 84 by the horizon.
  a = AssessTarget(now, FromDecimal(D("78")), v1::GREATER_OR_EQUAL, D("88"), 2);
  EXPECT_EQ(a.status, v1::AT_RISK);
  // No trend to judge by.
  a = AssessTarget(now, std::nullopt, v1::GREATER_OR_EQUAL, D("88"), 2);
  EXPECT_EQ(a.status, v1::AT_RISK);
  // The horizon has come.
  a = AssessTarget(now, FromDecimal(D("70")), v1::GREATER_OR_EQUAL, D("88"), 0);
  EXPECT_EQ(a.status, v1::NOT_MET);
  // > is strict: exactly 88 projected is not > 88.
  a = AssessTarget(now, FromDecimal(D("76")), v1::GREATER, D("88"), 2);
  EXPECT_EQ(a.status, v1::AT_RISK);
  a = AssessTarget(std::nullopt, std::nullopt, v1::GREATER, D("88"), 2);
  EXPECT_EQ(a.status, v1::NO_DATA);
  EXPECT_FALSE(a.gap.has_value());
}

// Lower is better: education inequality index < 10.
TEST(TargetTest, LessThanTargetsFollowTheFallingTrend) {
  const Rational now = FromDecimal(D("12"));
  const Rational before = FromDecimal(D("13"));
  EXPECT_EQ(AssessTarget(now, before, v1::LESS, D("10"), 2).status, v1::AT_RISK);
  EXPECT_EQ(AssessTarget(now, before, v1::LESS, D("10"), 3).status, v1::ON_TRACK);
  EXPECT_EQ(AssessTarget(now, before, v1::LESS_OR_EQUAL, D("10"), 2).status,
            v1::ON_TRACK);
  EXPECT_EQ(AssessTarget(FromDecimal(D("9.9")), before, v1::LESS, D("10"), 0).status,
            v1::MET);
  EXPECT_EQ(FormatDecimal(*AssessTarget(now, before, v1::LESS, D("10"), 0).gap), "-2");
}

TEST(PeriodTest, ParsesEveryTypeWithItsLastDay) {
  ASSERT_OK_AND_ASSIGN(Period year, ParsePeriod(v1::SCHOOL_YEAR, "2025-2026", "p"));
  EXPECT_EQ(year.last_day, absl::CivilDay(2026, 5, 31));
  ASSERT_OK_AND_ASSIGN(Period q3, ParsePeriod(v1::QUARTER, "2025-q3", "p"));
  EXPECT_EQ(q3.last_day, absl::CivilDay(2025, 9, 30));
  ASSERT_OK_AND_ASSIGN(Period q4, ParsePeriod(v1::QUARTER, "2025-q4", "p"));
  EXPECT_EQ(q4.last_day, absl::CivilDay(2025, 12, 31));
  ASSERT_OK_AND_ASSIGN(Period feb, ParsePeriod(v1::MONTH, "2028-02", "p"));
  EXPECT_EQ(feb.last_day, absl::CivilDay(2028, 2, 29));
  ASSERT_OK_AND_ASSIGN(Period hk1, ParsePeriod(v1::SEMESTER, "2025-2026-hk1", "p"));
  EXPECT_EQ(hk1.last_day, absl::CivilDay(2026, 1, 15));
  ASSERT_OK_AND_ASSIGN(Period cal, ParsePeriod(v1::CALENDAR_YEAR, "2025", "p"));
  EXPECT_EQ(cal.last_day, absl::CivilDay(2025, 12, 31));
  for (const char* bad : {"2025-2027", "2025", "25-26", "2025-2026x", ""}) {
    EXPECT_THAT(ParsePeriod(v1::SCHOOL_YEAR, bad, "p"),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
  EXPECT_THAT(ParsePeriod(v1::MONTH, "2025-13", "p"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePeriod(v1::QUARTER, "2025-q5", "p"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PeriodTest, ClosesLockAfterDaysAfterItsEnd) {
  const Period year = *ParsePeriod(v1::SCHOOL_YEAR, "2025-2026", "p");
  EXPECT_FALSE(IsPeriodLocked(year, 30, absl::CivilDay(2026, 6, 30)));
  EXPECT_TRUE(IsPeriodLocked(year, 30, absl::CivilDay(2026, 7, 1)));
  EXPECT_FALSE(IsPeriodLocked(year, 0, absl::CivilDay(2040, 1, 1)));
}

TEST(PeriodTest, HorizonYearsCountPeriodsLeft) {
  const Period now = *ParsePeriod(v1::SCHOOL_YEAR, "2025-2026", "p");
  ASSERT_OK_AND_ASSIGN(Period by2030, ParseHorizon(v1::SCHOOL_YEAR, "2030", "h"));
  EXPECT_EQ(PeriodsUntil(v1::SCHOOL_YEAR, now, by2030), 4);  // 2029-2030
  ASSERT_OK_AND_ASSIGN(Period same, ParseHorizon(v1::SCHOOL_YEAR, "2025-2026", "h"));
  EXPECT_EQ(PeriodsUntil(v1::SCHOOL_YEAR, now, same), 0);
  const Period later = *ParsePeriod(v1::SCHOOL_YEAR, "2031-2032", "p");
  EXPECT_EQ(PeriodsUntil(v1::SCHOOL_YEAR, later, by2030), 0);
  EXPECT_THAT(ParseHorizon(v1::SCHOOL_YEAR, "soon", "h"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(OutlierTest, FarFromTheUnitsOwnHistory) {
  EXPECT_TRUE(IsOutlier({95, 96}, 60));
  EXPECT_FALSE(IsOutlier({95, 96}, 97));
  EXPECT_FALSE(IsOutlier({95}, 10));  // too little history to judge
  EXPECT_FALSE(IsOutlier({}, 10));
  EXPECT_TRUE(IsOutlier({50, 52, 51, 49}, 70));
}

v1::Indicator Indicator(v1::ValueSource source) {
  v1::Indicator indicator;
  indicator.set_name("indicators/hp-18");
  indicator.set_kind(v1::RATIO);
  indicator.set_factor(100);
  indicator.set_period_type(v1::SCHOOL_YEAR);
  indicator.set_reporting_level(v1::COMMUNE);
  indicator.set_source(source);
  return indicator;
}

GroupSum Sum(std::string group, int64_t ordinal, int64_t num, int64_t den) {
  GroupSum sum;
  sum.indicator_id = "hp-18";
  sum.period_ordinal = ordinal;
  sum.period = absl::StrCat(ordinal, "-", ordinal + 1);
  sum.group_id = std::move(group);
  sum.all_disaggregations = true;
  sum.totals = Totals{num, den, 1, 0, std::nullopt};
  return sum;
}

TEST(ComposeTest, TotalTrendTargetAndDrillDown) {
  const v1::Indicator indicator = Indicator(v1::REPORTED);
  RollUpInput input;
  input.indicator = &indicator;
  input.period = *ParsePeriod(v1::SCHOOL_YEAR, "2025-2026", "p");
  input.org_unit_id = "hai-phong";
  input.drill_down = true;
  input.groups = std::make_shared<const Groups>(
      Groups{{"a", {"a"}}, {"b", {"b"}}, {"c", {"c"}}});
  input.sums = {Sum("a", 2025, 45, 50), Sum("b", 2025, 35, 50),
                Sum("a", 2024, 38, 50), Sum("b", 2024, 38, 50)};
  v1::Target target;
  target.set_name("indicators/hp-18/targets/city-2030");
  target.set_horizon("2030");
  target.set_comparator(v1::GREATER_OR_EQUAL);
  target.set_value("88");
  input.targets = {target};
  const v1::IndicatorRollUp out = ComposeRollUp(input);
  EXPECT_EQ(out.total().value(), "80");  // 80/100
  EXPECT_EQ(out.total().expected_reporters(), 3);
  EXPECT_EQ(out.total().reporters(), 2);
  EXPECT_THAT(out.total().missing_reporters(), ElementsAre("units/c"));
  ASSERT_THAT(out.total().trend(), SizeIs(1));
  EXPECT_EQ(out.total().trend(0).value(), "76");
  ASSERT_THAT(out.total().targets(), SizeIs(1));
  // +4 a year with four years left reaches 88.
  EXPECT_EQ(out.total().targets(0).status(), v1::ON_TRACK);
  EXPECT_EQ(out.total().targets(0).gap(), "8");
  ASSERT_THAT(out.children(), SizeIs(3));
  EXPECT_EQ(out.children(0).org_unit(), "units/a");
  EXPECT_EQ(out.children(0).value(), "90");
  EXPECT_EQ(out.children(2).state(), v1::NO_REPORTS);
}

TEST(ComposeTest, ComputedElsewhereIsNotYetComputedWithoutValues) {
  const v1::Indicator indicator = Indicator(v1::STAFFING_SERVICE);
  RollUpInput input;
  input.indicator = &indicator;
  input.period = *ParsePeriod(v1::SCHOOL_YEAR, "2025-2026", "p");
  input.org_unit_id = "hai-phong";
  input.groups = std::make_shared<const Groups>(Groups{{"a", {"a"}}});
  // Only an earlier year was computed.
  input.sums = {Sum("a", 2024, 45, 50)};
  const v1::IndicatorRollUp out = ComposeRollUp(input);
  EXPECT_EQ(out.total().state(), v1::NOT_YET_COMPUTED);
  EXPECT_EQ(out.total().value(), "");
}

// Once the source's values are stored, a computed ratio rolls up as a
// reported one: commune a's teachers 45 of 50 meet the standard (90%), b's
// 3 of 30 (10%): the city's figure is 48 of 80 = 60%, not the average 50%.
TEST(ComposeTest, ComputedElsewhereRollsUpOnceValuesExist) {
  const v1::Indicator indicator = Indicator(v1::BUDGET_SERVICE);
  RollUpInput input;
  input.indicator = &indicator;
  input.period = *ParsePeriod(v1::SCHOOL_YEAR, "2025-2026", "p");
  input.org_unit_id = "hai-phong";
  input.groups = std::make_shared<const Groups>(
      Groups{{"a", {"a"}}, {"b", {"b"}}, {"c", {"c"}}});
  input.sums = {Sum("a", 2025, 45, 50), Sum("b", 2025, 3, 30)};
  const v1::IndicatorRollUp out = ComposeRollUp(input);
  EXPECT_EQ(out.total().state(), v1::COMPUTED);
  EXPECT_EQ(out.total().numerator(), 48);
  EXPECT_EQ(out.total().denominator(), 80);
  EXPECT_EQ(out.total().value(), "60");
  EXPECT_EQ(out.total().expected_reporters(), 3);
  EXPECT_EQ(out.total().reporters(), 2);
}

TEST(ExpectedReportersTest, BySchoolLevelAndRoot) {
  UnitTree city;
  city.root_id = "hai-phong";
  city.root_is_city = true;
  city.communes = {"x", "y"};
  city.schools["x"] = {{"mn-1", {"MN"}}, {"th-1", {"TH"}}};
  city.schools["y"] = {{"mn-2", {"MN"}}};
  v1::Indicator preschools = Indicator(v1::REPORTED);
  preschools.set_reporting_level(v1::SCHOOL);
  preschools.set_school_level("MN");
  const Groups groups = ExpectedReporters(preschools, city);
  EXPECT_EQ(groups.at("x"), std::vector<std::string>{"mn-1"});
  EXPECT_EQ(groups.at("y"), std::vector<std::string>{"mn-2"});
  const Groups communes = ExpectedReporters(Indicator(v1::REPORTED), city);
  EXPECT_THAT(communes, SizeIs(2));
  UnitTree commune;
  commune.root_id = "x";
  commune.communes = {"x"};
  commune.schools["x"] = city.schools["x"];
  const Groups schools = ExpectedReporters(preschools, commune);
  EXPECT_EQ(schools.at("mn-1"), std::vector<std::string>{"mn-1"});
  EXPECT_THAT(schools, SizeIs(1));
}

}  // namespace
}  // namespace hpedu::indicators

namespace hpedu::indicators {
namespace {

TEST(PeriodsToRefreshTest, SchoolYearsTurnInAugust) {
  EXPECT_THAT(PeriodsToRefresh(absl::CivilDay(2026, 12, 8)),
              ::testing::ElementsAre("2026-2027", "2025-2026", "2026", "2025"));
  EXPECT_THAT(PeriodsToRefresh(absl::CivilDay(2026, 7, 31)),
              ::testing::ElementsAre("2025-2026", "2024-2025", "2026", "2025"));
  EXPECT_THAT(PeriodsToRefresh(absl::CivilDay(2026, 8, 1)),
              ::testing::ElementsAre("2026-2027", "2025-2026", "2026", "2025"));
}

}  // namespace
}  // namespace hpedu::indicators
