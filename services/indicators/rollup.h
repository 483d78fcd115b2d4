// The indicators' arithmetic: exact decimals, periods and when they close,
// roll-up of reports into figures (ratios as sum(numerators) /
// sum(denominators), never an average of percentages; counts of units
// meeting a condition), coverage, status against targets and outlier flags.
// Pure: no I/O, no clock (callers pass "today"); unit-tested by hand-worked
// cases in rollup_test.cc.
#ifndef HPEDU_SERVICES_INDICATORS_ROLLUP_H_
#define HPEDU_SERVICES_INDICATORS_ROLLUP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/indicators/v1/indicator.pb.h"
#include "hpedu/indicators/v1/indicators_service.pb.h"

namespace hpedu::indicators {

// 128-bit integers for exact products of sums (GCC and Clang builtin).
__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

// A decimal with 4 fractional digits, as an integer count of 1/10000.
// Targets and plain values are decimals; 54.83 is Decimal{548300}.
struct Decimal {
  static constexpr int64_t kScale = 10000;
  int64_t scaled = 0;
  friend bool operator==(Decimal, Decimal) = default;
};

// "54.83", "-1", "0.8200", "114" -> Decimal. INVALID_ARGUMENT (on `field`)
// for anything else: exponents, more than 4 fractional digits, a comma
// (write 99.7, not 99,7), magnitudes of 10^14 or more.
absl::StatusOr<Decimal> ParseDecimal(std::string_view text,
                                     std::string_view field);
// Shortest form: "54.83", "114", "0.82".
std::string FormatDecimal(Decimal value);

// An exact figure p / q with q > 0: a ratio of sums times its factor, a
// count, or a plain value.
struct Rational {
  Int128 p = 0;
  Int128 q = 1;
};
// -1, 0 or 1 as a <, ==, > b, exactly.
int Compare(const Rational& a, const Rational& b);
Rational FromDecimal(Decimal value);
// Rounded half away from zero to `places` (0..4) fractional digits, then
// printed in shortest form: 2/3 * 100 -> "66.67".
std::string FormatRational(const Rational& value, int places = 2);
// a - b rounded to 4 fractional digits.
Decimal Subtract(const Rational& a, const Rational& b);

// A period of an indicator's type: its text, the day it ends (inclusive)
// and an ordinal that orders periods of one type.
struct Period {
  std::string text;
  absl::CivilDay last_day;
  int64_t ordinal = 0;
};
// Parses `text` as a period of `type` (formats in indicator.proto).
// INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<Period> ParsePeriod(v1::PeriodType type, std::string_view text,
                                   std::string_view field);
// A target horizon: a period of the indicator's type, or a calendar year
// ("2030", which ends 31 December).
absl::StatusOr<Period> ParseHorizon(v1::PeriodType type, std::string_view text,
                                    std::string_view field);
// True if writes into `period` need an override on `today`: the period
// ended more than lock_after_days ago. Never with lock_after_days <= 0.
bool IsPeriodLocked(const Period& period, int lock_after_days,
                    absl::CivilDay today);
// The periods the hourly job refresh-computed asks the computing services
// about on `today`: the school year under way (from August) and the one
// before, the fiscal year under way and the one before, in that order.
// Writes into a closed one are refused per indicator (PERIOD_LOCKED).
std::vector<std::string> PeriodsToRefresh(absl::CivilDay today);
// How many periods of `type` from `from` until `horizon` ends: 0 once the
// horizon has ended.
int64_t PeriodsUntil(v1::PeriodType type, const Period& from,
                     const Period& horizon);

// What an indicator's arithmetic needs from its definition.
struct Formula {
  v1::IndicatorKind kind = v1::RATIO;
  int64_t factor = 100;
  // UNIT_COUNT: a report counts when its value >= this.
  Decimal condition_threshold;
};
absl::StatusOr<Formula> FormulaOf(const v1::Indicator& indicator);

// One unit's report for one period and disaggregation.
struct Report {
  std::string org_unit_id;
  std::string disaggregation;
  int64_t numerator = 0;
  int64_t denominator = 0;
  // UNIT_COUNT and PLAIN_VALUE.
  Decimal value;
};

// Reports summed: what a group of units (a commune's schools, the city's
// communes) contributes to the figure above it.
struct Totals {
  int64_t numerator = 0;
  int64_t denominator = 0;
  // Distinct units counted (with approved values only: that reported
  // values counted as approved).
  int reporters = 0;
  // UNIT_COUNT: reports whose value meets the condition.
  int meeting = 0;
  // PLAIN_VALUE: the value of the single report (plain values are not
  // aggregated).
  std::optional<Decimal> plain_value;
  // Distinct units whose values are not approved yet: left out, or with
  // unapproved values included counted among `reporters` as well.
  int unapproved_reporters = 0;
};
// Totals of `reports` (one unit may send several disaggregations; it counts
// once among reporters).
Totals SumReports(const Formula& formula, const std::vector<Report>& reports);
// a + b, for totals of disjoint sets of units.
Totals Merge(const Totals& a, const Totals& b);

// The figure of `totals`: sum(num) * factor / sum(den) for RATIO (nullopt
// when sum(den) is 0), the count of units meeting the condition for
// UNIT_COUNT, the reported value for PLAIN_VALUE; nullopt without reports.
std::optional<Rational> FigureValue(const Formula& formula,
                                    const Totals& totals);

// A figure with its coverage, ready for the wire (without targets/trend).
// `expected` are the units expected to report; `reported` those who did;
// up to 50 missing ones are listed, sorted.
v1::Figure MakeFigure(const Formula& formula, const Totals& totals,
                      int expected_reporters,
                      const std::vector<std::string>& missing_reporters);

// The expected reporters of a roll-up, grouped by the unit directly below
// the roll-up's org unit (for a commune-level indicator at the city, each
// commune is its own group; for a school-level one, a commune's schools).
using Groups = std::map<std::string, std::vector<std::string>>;

// A roll-up's total and per-group figures from unit reports; reports of
// units outside every group are ignored (they are not expected here).
struct RolledUp {
  Totals total;
  std::map<std::string, Totals> by_group;
  // Expected units that did not report, sorted.
  std::vector<std::string> missing;
  int expected = 0;
};
RolledUp RollUpReports(const Formula& formula, const Groups& groups,
                       const std::vector<Report>& reports);

// Status of `figure` against a target, knowing the figure of the previous
// period (for the trend) and how many periods remain until the horizon.
struct Assessment {
  v1::TargetStatus status = v1::TARGET_STATUS_UNSPECIFIED;
  // target - figure; nullopt without a figure.
  std::optional<Decimal> gap;
};
Assessment AssessTarget(const std::optional<Rational>& figure,
                        const std::optional<Rational>& previous,
                        v1::Comparator comparator, Decimal target,
                        int64_t periods_remaining);
// True if `value` satisfies `comparator` `target`.
bool Satisfies(const Rational& value, v1::Comparator comparator,
               Decimal target);

// True if `value` is far from a unit's own earlier figures `history`
// (needs at least 2): further from their median than 3 scaled median
// absolute deviations and than 20% of the median.
bool IsOutlier(const std::vector<double>& history, double value);


// The units under one org unit, as the registry gives them.
struct SchoolEntry {
  std::string id;
  // SchoolLevel names: "MN", "TH"...
  std::set<std::string> levels;
};
struct UnitTree {
  std::string root_id;
  bool root_is_city = false;
  // City: its communes, wards and special zones; commune: itself.
  std::vector<std::string> communes;
  // The schools of each of `communes`.
  std::map<std::string, std::vector<SchoolEntry>> schools;
};

// The expected reporters of `indicator` under `tree`'s root, grouped by the
// unit directly below the root: at the city, communes (each its own group)
// or a commune's schools teaching the indicator's school level; at a
// commune, the commune itself or each school. City-level indicators expect
// the city only.
Groups ExpectedReporters(const v1::Indicator& indicator, const UnitTree& tree);

// Sums of current values for a roll-up, per group of reporting units (see
// IndicatorStore::SumValues). all_disaggregations rows total over every
// disaggregation.
struct GroupSum {
  std::string indicator_id;
  int64_t period_ordinal = 0;
  std::string period;
  std::string group_id;
  std::string disaggregation;
  bool all_disaggregations = false;
  Totals totals;
};

struct RollUpInput {
  const v1::Indicator* indicator = nullptr;
  Period period;
  std::string org_unit_id;
  // Empty: the total over every disaggregation.
  std::string disaggregation;
  bool drill_down = false;
  // The expected reporters (never null).
  std::shared_ptr<const Groups> groups;
  // This indicator's sums for the period and earlier ones (trend): per
  // group, or with city_totals the city's totals (group_id empty).
  std::vector<GroupSum> sums;
  // The sums are the city's totals (without drill_down): `missing` then
  // lists the units that did not report, as far as the caller looked.
  bool city_totals = false;
  std::vector<std::string> missing;
  // This indicator's targets for org_unit_id.
  std::vector<v1::Target> targets;
  // Expected reporters of each disaggregation when it differs from the
  // total's (a level: THCS is reported by schools teaching THCS).
  std::map<std::string, int> expected_by_disaggregation;
};
// The roll-up of one indicator: total with coverage, targets and trend,
// children (drill_down) and each disaggregation. Indicators computed by
// another service come back NOT_YET_COMPUTED, never with a number, while
// no value of the period is stored for them.
v1::IndicatorRollUp ComposeRollUp(const RollUpInput& input);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_ROLLUP_H_
