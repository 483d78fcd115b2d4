#include "services/indicators/rollup.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::indicators {
namespace {

constexpr int64_t kMaxIntegerPart = 100000000000000;  // 10^14

Int128 Abs(Int128 v) { return v < 0 ? -v : v; }

std::string Int128ToString(Int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  UInt128 u = negative ? -static_cast<UInt128>(v) : v;
  std::string digits;
  while (u > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

// p / q rounded half away from zero to an integer.
Int128 RoundDiv(Int128 p, Int128 q) {
  if (q < 0) {
    p = -p;
    q = -q;
  }
  const Int128 half = q / 2;
  return p >= 0 ? (p + half) / q : -((-p + half) / q);
}

// An integer count of 10^-places, printed in shortest form.
std::string FormatScaled(Int128 scaled, int places) {
  const bool negative = scaled < 0;
  Int128 magnitude = Abs(scaled);
  Int128 unit = 1;
  for (int i = 0; i < places; ++i) unit *= 10;
  std::string text = Int128ToString(magnitude / unit);
  Int128 fraction = magnitude % unit;
  if (fraction != 0) {
    std::string digits = Int128ToString(fraction);
    digits.insert(0, static_cast<size_t>(places) - digits.size(), '0');
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    absl::StrAppend(&text, ".", digits);
  }
  return negative ? "-" + text : text;
}

absl::Status BadPeriod(std::string_view field, std::string_view text,
                       std::string_view expected) {
  return InvalidField(field, absl::StrCat("kỳ \"", ToAbsl(text),
                                          "\" không hợp lệ, cần dạng ",
                                          ToAbsl(expected), " (invalid period)"));
}

bool ParseYear(std::string_view text, int* year) {
  return text.size() == 4 && absl::SimpleAtoi(ToAbsl(text), year) &&
         *year >= 1900 && *year <= 2200;
}

}  // namespace

absl::StatusOr<Decimal> ParseDecimal(std::string_view text,
                                     std::string_view field) {
  auto bad = [&] {
    return InvalidField(field, absl::StrCat("số \"", ToAbsl(text),
                                            "\" không hợp lệ, cần dạng 54.83 "
                                            "(invalid decimal)"));
  };
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
    negative = rest.front() == '-';
    rest.remove_prefix(1);
  }
  const size_t dot = rest.find('.');
  std::string_view whole = rest.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  if (whole.empty() || whole.size() > 14 || fraction.size() > 4 ||
      (dot != std::string_view::npos && fraction.empty())) {
    return bad();
  }
  for (char c : whole) {
    if (c < '0' || c > '9') return bad();
  }
  for (char c : fraction) {
    if (c < '0' || c > '9') return bad();
  }
  int64_t integer = 0;
  for (char c : whole) integer = integer * 10 + (c - '0');
  if (integer >= kMaxIntegerPart) return bad();
  int64_t frac = 0;
  for (size_t i = 0; i < 4; ++i) {
    frac = frac * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  const int64_t scaled = integer * Decimal::kScale + frac;
  return Decimal{negative ? -scaled : scaled};
}

std::string FormatDecimal(Decimal value) {
  return FormatScaled(value.scaled, 4);
}

int Compare(const Rational& a, const Rational& b) {
  const Int128 left = a.p * b.q;
  const Int128 right = b.p * a.q;
  return left < right ? -1 : (left > right ? 1 : 0);
}

Rational FromDecimal(Decimal value) {
  return Rational{value.scaled, Decimal::kScale};
}

std::string FormatRational(const Rational& value, int places) {
  Int128 unit = 1;
  for (int i = 0; i < places; ++i) unit *= 10;
  return FormatScaled(RoundDiv(value.p * unit, value.q), places);
}

Decimal Subtract(const Rational& a, const Rational& b) {
  const Rational difference{a.p * b.q - b.p * a.q, a.q * b.q};
  return Decimal{static_cast<int64_t>(
      RoundDiv(difference.p * Decimal::kScale, difference.q))};
}

absl::StatusOr<Period> ParsePeriod(v1::PeriodType type, std::string_view text,
                                   std::string_view field) {
  Period period;
  period.text = std::string(text);
  std::vector<std::string_view> parts;
  for (absl::string_view part : absl::StrSplit(ToAbsl(text), '-')) {
    parts.push_back(ToStd(part));
  }
  int year = 0;
  switch (type) {
    case v1::SCHOOL_YEAR: {
      int second = 0;
      if (parts.size() != 2 || !ParseYear(parts[0], &year) ||
          !ParseYear(parts[1], &second) || second != year + 1) {
        return BadPeriod(field, text, "2025-2026");
      }
      period.last_day = absl::CivilDay(second, 5, 31);
      period.ordinal = year;
      return period;
    }
    case v1::CALENDAR_YEAR:
      if (parts.size() != 1 || !ParseYear(parts[0], &year)) {
        return BadPeriod(field, text, "2025");
      }
      period.last_day = absl::CivilDay(year, 12, 31);
      period.ordinal = year;
      return period;
    case v1::SEMESTER: {
      int second = 0;
      if (parts.size() != 3 || !ParseYear(parts[0], &year) ||
          !ParseYear(parts[1], &second) || second != year + 1 ||
          (parts[2] != "hk1" && parts[2] != "hk2")) {
        return BadPeriod(field, text, "2025-2026-hk1");
      }
      const bool first = parts[2] == "hk1";
      period.last_day = first ? absl::CivilDay(second, 1, 15)
                              : absl::CivilDay(second, 5, 31);
      period.ordinal = int64_t{year} * 2 + (first ? 0 : 1);
      return period;
    }
    case v1::QUARTER: {
      if (parts.size() != 2 || !ParseYear(parts[0], &year) ||
          parts[1].size() != 2 || parts[1][0] != 'q' || parts[1][1] < '1' ||
          parts[1][1] > '4') {
        return BadPeriod(field, text, "2025-q3");
      }
      const int quarter = parts[1][1] - '0';
      period.last_day =
          absl::CivilDay(absl::CivilMonth(year, quarter * 3 + 1)) - 1;
      period.ordinal = int64_t{year} * 4 + quarter - 1;
      return period;
    }
    case v1::MONTH: {
      int month = 0;
      if (parts.size() != 2 || !ParseYear(parts[0], &year) ||
          parts[1].size() != 2 || !absl::SimpleAtoi(ToAbsl(parts[1]), &month) ||
          month < 1 || month > 12) {
        return BadPeriod(field, text, "2025-09");
      }
      period.last_day =
          absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
      period.ordinal = int64_t{year} * 12 + month - 1;
      return period;
    }
    default:
      return InvalidField(field, "loại kỳ chưa định (period type unspecified)");
  }
}

absl::StatusOr<Period> ParseHorizon(v1::PeriodType type, std::string_view text,
                                    std::string_view field) {
  absl::StatusOr<Period> period = ParsePeriod(type, text, field);
  if (period.ok()) return period;
  int year = 0;
  if (!ParseYear(text, &year)) {
    return InvalidField(
        field, absl::StrCat("mốc \"", ToAbsl(text),
                            "\" không hợp lệ: một kỳ của chỉ tiêu hoặc một "
                            "năm như 2030 (invalid horizon)"));
  }
  Period horizon{std::string(text), absl::CivilDay(year, 12, 31), 0};
  // The last period of `type` that ends within the year.
  switch (type) {
    case v1::SCHOOL_YEAR: horizon.ordinal = year - 1; break;
    case v1::CALENDAR_YEAR: horizon.ordinal = year; break;
    case v1::SEMESTER: horizon.ordinal = int64_t{year} * 2 - 1; break;
    case v1::QUARTER: horizon.ordinal = int64_t{year} * 4 + 3; break;
    case v1::MONTH: horizon.ordinal = int64_t{year} * 12 + 11; break;
    default: return period.status();
  }
  return horizon;
}

bool IsPeriodLocked(const Period& period, int lock_after_days,
                    absl::CivilDay today) {
  if (lock_after_days <= 0) return false;
  return today > period.last_day + lock_after_days;
}

std::vector<std::string> PeriodsToRefresh(absl::CivilDay today) {
  const int64_t year = today.year();
  const int64_t school = today.month() >= 8 ? year : year - 1;
  return {absl::StrCat(school, "-", school + 1),
          absl::StrCat(school - 1, "-", school), absl::StrCat(year),
          absl::StrCat(year - 1)};
}

int64_t PeriodsUntil(v1::PeriodType type, const Period& from,
                     const Period& horizon) {
  return std::max<int64_t>(0, horizon.ordinal - from.ordinal);
}

absl::StatusOr<Formula> FormulaOf(const v1::Indicator& indicator) {
  Formula formula;
  formula.kind = indicator.kind();
  formula.factor = indicator.factor();
  if (indicator.kind() == v1::UNIT_COUNT) {
    ASSIGN_OR_RETURN(formula.condition_threshold,
                     ParseDecimal(indicator.condition_threshold(),
                                  "indicator.condition_threshold"));
  }
  return formula;
}

Totals SumReports(const Formula& formula, const std::vector<Report>& reports) {
  Totals totals;
  std::set<std::string_view> units;
  for (const Report& report : reports) {
    units.insert(report.org_unit_id);
    switch (formula.kind) {
      case v1::RATIO:
        totals.numerator += report.numerator;
        totals.denominator += report.denominator;
        break;
      case v1::UNIT_COUNT:
        if (report.value.scaled >= formula.condition_threshold.scaled) {
          ++totals.meeting;
        }
        break;
      default:
        totals.plain_value = report.value;
        break;
    }
  }
  totals.reporters = static_cast<int>(units.size());
  return totals;
}

Totals Merge(const Totals& a, const Totals& b) {
  Totals sum;
  sum.numerator = a.numerator + b.numerator;
  sum.denominator = a.denominator + b.denominator;
  sum.reporters = a.reporters + b.reporters;
  sum.unapproved_reporters = a.unapproved_reporters + b.unapproved_reporters;
  sum.meeting = a.meeting + b.meeting;
  // Plain values do not aggregate: a merge of two is no value at all.
  if (a.reporters + b.reporters == 1) {
    sum.plain_value = a.plain_value ? a.plain_value : b.plain_value;
  }
  return sum;
}

std::optional<Rational> FigureValue(const Formula& formula,
                                    const Totals& totals) {
  if (totals.reporters == 0) return std::nullopt;
  switch (formula.kind) {
    case v1::RATIO:
      if (totals.denominator == 0) return std::nullopt;
      return Rational{static_cast<Int128>(totals.numerator) * formula.factor,
                      totals.denominator};
    case v1::UNIT_COUNT:
      return Rational{totals.meeting, 1};
    default:
      if (!totals.plain_value) return std::nullopt;
      return FromDecimal(*totals.plain_value);
  }
}

v1::Figure MakeFigure(const Formula& formula, const Totals& totals,
                      int expected_reporters,
                      const std::vector<std::string>& missing_reporters) {
  v1::Figure figure;
  const std::optional<Rational> value = FigureValue(formula, totals);
  figure.set_state(value ? v1::COMPUTED : v1::NO_REPORTS);
  if (formula.kind == v1::UNIT_COUNT) {
    figure.set_numerator(totals.meeting);
    figure.set_denominator(totals.reporters);
  } else {
    figure.set_numerator(totals.numerator);
    figure.set_denominator(totals.denominator);
  }
  if (value) figure.set_value(FormatRational(*value));
  figure.set_expected_reporters(expected_reporters);
  figure.set_reporters(totals.reporters);
  figure.set_unapproved_reporters(totals.unapproved_reporters);
  for (size_t i = 0; i < missing_reporters.size() && i < 50; ++i) {
    figure.add_missing_reporters("units/" + missing_reporters[i]);
  }
  return figure;
}

RolledUp RollUpReports(const Formula& formula, const Groups& groups,
                       const std::vector<Report>& reports) {
  std::map<std::string_view, std::string_view> group_of;
  RolledUp result;
  for (const auto& [group, units] : groups) {
    for (const std::string& unit : units) group_of[unit] = group;
    result.expected += static_cast<int>(units.size());
  }
  std::map<std::string, std::vector<Report>> reports_by_group;
  std::set<std::string_view> reported;
  for (const Report& report : reports) {
    auto it = group_of.find(report.org_unit_id);
    if (it == group_of.end()) continue;
    reports_by_group[std::string(it->second)].push_back(report);
    reported.insert(report.org_unit_id);
  }
  for (const auto& [group, group_reports] : reports_by_group) {
    Totals totals = SumReports(formula, group_reports);
    result.by_group[group] = totals;
    result.total = Merge(result.total, totals);
  }
  for (const auto& [unit, group] : group_of) {
    if (!reported.contains(unit)) result.missing.emplace_back(unit);
  }
  return result;
}

bool Satisfies(const Rational& value, v1::Comparator comparator,
               Decimal target) {
  const int c = Compare(value, FromDecimal(target));
  switch (comparator) {
    case v1::GREATER: return c > 0;
    case v1::GREATER_OR_EQUAL: return c >= 0;
    case v1::LESS: return c < 0;
    case v1::LESS_OR_EQUAL: return c <= 0;
    default: return false;
  }
}

Assessment AssessTarget(const std::optional<Rational>& figure,
                        const std::optional<Rational>& previous,
                        v1::Comparator comparator, Decimal target,
                        int64_t periods_remaining) {
  Assessment assessment;
  if (!figure) {
    assessment.status = v1::NO_DATA;
    return assessment;
  }
  assessment.gap = Subtract(FromDecimal(target), *figure);
  if (Satisfies(*figure, comparator, target)) {
    assessment.status = v1::MET;
  } else if (periods_remaining <= 0) {
    assessment.status = v1::NOT_MET;
  } else if (!previous) {
    assessment.status = v1::AT_RISK;
  } else {
    // Linear projection: figure + (figure - previous) * periods_remaining.
    const Int128 r = periods_remaining;
    const Rational projected{
        figure->p * previous->q * (1 + r) - previous->p * figure->q * r,
        figure->q * previous->q};
    assessment.status = Satisfies(projected, comparator, target)
                            ? v1::ON_TRACK
                            : v1::AT_RISK;
  }
  return assessment;
}

bool IsOutlier(const std::vector<double>& history, double value) {
  if (history.size() < 2) return false;
  std::vector<double> sorted = history;
  std::sort(sorted.begin(), sorted.end());
  auto median_of = [](const std::vector<double>& v) {
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  const double median = median_of(sorted);
  std::vector<double> deviations;
  for (double h : sorted) deviations.push_back(std::fabs(h - median));
  std::sort(deviations.begin(), deviations.end());
  const double mad = median_of(deviations);
  const double limit =
      std::max({3 * 1.4826 * mad, 0.2 * std::fabs(median), 1e-9});
  return std::fabs(value - median) > limit;
}

}  // namespace hpedu::indicators

namespace hpedu::indicators {
namespace {

// Does `school` report `indicator`? A school level on the indicator
// selects schools teaching it; disaggregations by level (THCS/THPT) select
// schools teaching any of them.
bool Reports(const SchoolEntry& school, const v1::Indicator& indicator) {
  if (!indicator.school_level().empty()) {
    return school.levels.contains(indicator.school_level());
  }
  static const std::set<std::string> kLevels = {"MN", "TH", "THCS", "THPT",
                                                "GDTX", "GDNN"};
  bool by_level = !indicator.disaggregations().empty();
  bool teaches_one = false;
  for (const std::string& d : indicator.disaggregations()) {
    by_level = by_level && kLevels.contains(d);
    teaches_one = teaches_one || school.levels.contains(d);
  }
  return !by_level || teaches_one;
}

// The figure of `totals` with its coverage within `groups`.
// `known_missing`, when set, replaces the units found from reported_groups.
v1::Figure FigureFor(const Formula& formula, const Totals& totals,
                     const std::string& org_unit_id, const Groups& groups,
                     const std::set<std::string>& reported_groups,
                     const std::vector<std::string>* known_missing = nullptr) {
  int expected = 0;
  std::vector<std::string> missing;
  for (const auto& [group, units] : groups) {
    expected += static_cast<int>(units.size());
    // Units are listed when each group is one unit (communes at the city,
    // schools at a commune); otherwise the count says it.
    if (known_missing == nullptr && units.size() == 1 && units[0] == group &&
        !reported_groups.contains(group)) {
      missing.push_back(group);
    }
  }
  if (known_missing != nullptr) missing = *known_missing;
  v1::Figure figure = MakeFigure(formula, totals, expected, missing);
  figure.set_org_unit("units/" + org_unit_id);
  return figure;
}

}  // namespace

Groups ExpectedReporters(const v1::Indicator& indicator, const UnitTree& tree) {
  Groups groups;
  switch (indicator.reporting_level()) {
    case v1::CITY:
      if (tree.root_is_city) groups[tree.root_id] = {tree.root_id};
      break;
    case v1::COMMUNE:
      for (const std::string& commune : tree.communes) {
        groups[commune] = {commune};
      }
      break;
    case v1::SCHOOL:
      for (const auto& [commune, schools] : tree.schools) {
        for (const SchoolEntry& school : schools) {
          if (!Reports(school, indicator)) continue;
          if (tree.root_is_city) {
            groups[commune].push_back(school.id);
          } else {
            groups[school.id] = {school.id};
          }
        }
      }
      break;
    default:
      break;
  }
  return groups;
}

v1::IndicatorRollUp ComposeRollUp(const RollUpInput& input) {
  const v1::Indicator& indicator = *input.indicator;
  v1::IndicatorRollUp result;
  auto stamp = [&](v1::Figure& figure, const std::string& disaggregation) {
    figure.set_indicator(indicator.name());
    figure.set_period(input.period.text);
    figure.set_disaggregation(disaggregation);
  };
  absl::StatusOr<Formula> formula = FormulaOf(indicator);
  // A computed indicator has no figure until values computed for the
  // period are stored (RefreshComputedValues); then it rolls up as reported.
  const bool computed_elsewhere = indicator.source() == v1::STAFFING_SERVICE ||
                                  indicator.source() == v1::BUDGET_SERVICE;
  const bool has_values = std::any_of(
      input.sums.begin(), input.sums.end(), [&](const GroupSum& sum) {
        return sum.period_ordinal == input.period.ordinal &&
               sum.totals.reporters > 0;
      });
  if ((computed_elsewhere && !has_values) || !formula.ok()) {
    v1::Figure* total = result.mutable_total();
    stamp(*total, input.disaggregation);
    total->set_org_unit("units/" + input.org_unit_id);
    total->set_state(v1::NOT_YET_COMPUTED);
    for (const v1::Target& target : input.targets) {
      v1::TargetAssessment* assessment = total->add_targets();
      assessment->set_target(target.name());
      assessment->set_issuer(target.issuer());
      assessment->set_horizon(target.horizon());
      assessment->set_comparator(target.comparator());
      assessment->set_target_value(target.value());
      assessment->set_status(v1::NO_DATA);
    }
    return result;
  }

  // Totals per ordinal (trend), per group and per disaggregation for the
  // roll-up's period, restricted to the groups expected here.
  const Groups& groups = *input.groups;
  const std::vector<std::string>* known_missing =
      input.city_totals ? &input.missing : nullptr;
  std::map<int64_t, std::pair<std::string, Totals>> by_period;
  std::map<std::string, Totals> by_group;
  std::set<std::string> reported_groups;
  std::map<std::string, Totals> by_disaggregation;
  for (const GroupSum& sum : input.sums) {
    if (!input.city_totals && !groups.contains(sum.group_id)) continue;
    const bool selected =
        input.disaggregation.empty()
            ? sum.all_disaggregations
            : (!sum.all_disaggregations &&
               sum.disaggregation == input.disaggregation);
    if (sum.period_ordinal == input.period.ordinal && !sum.all_disaggregations &&
        !sum.disaggregation.empty()) {
      by_disaggregation[sum.disaggregation] =
          Merge(by_disaggregation[sum.disaggregation], sum.totals);
    }
    if (!selected) continue;
    auto& [period_text, period_totals] = by_period[sum.period_ordinal];
    period_text = sum.period;
    period_totals = Merge(period_totals, sum.totals);
    if (sum.period_ordinal == input.period.ordinal) {
      by_group[sum.group_id] = sum.totals;
      if (sum.totals.reporters > 0 || sum.totals.unapproved_reporters > 0) {
        reported_groups.insert(sum.group_id);
      }
    }
  }
  const Totals total = by_period[input.period.ordinal].second;
  v1::Figure* figure = result.mutable_total();
  *figure = FigureFor(*formula, total, input.org_unit_id, groups,
                      reported_groups, known_missing);
  stamp(*figure, input.disaggregation);

  // Trend: earlier periods with reports, oldest first.
  std::optional<Rational> previous;
  for (const auto& [ordinal, entry] : by_period) {
    if (ordinal >= input.period.ordinal) continue;
    const std::optional<Rational> value = FigureValue(*formula, entry.second);
    if (!value) continue;
    v1::PeriodFigure* point = figure->add_trend();
    point->set_period(entry.first);
    point->set_value(FormatRational(*value));
    previous = value;  // the latest earlier period wins
  }

  // Targets, nearest horizon first (the store orders them so).
  auto assess = [&](v1::Figure& out_figure, const std::string& disaggregation,
                    const std::optional<Rational>& figure_value,
                    const std::optional<Rational>& figure_previous) {
    for (const v1::Target& target : input.targets) {
      if (target.disaggregation() != disaggregation) continue;
      absl::StatusOr<Period> horizon =
          ParseHorizon(indicator.period_type(), target.horizon(), "horizon");
      absl::StatusOr<Decimal> target_value =
          ParseDecimal(target.value(), "value");
      if (!horizon.ok() || !target_value.ok()) continue;  // checked on write
      const Assessment assessment = AssessTarget(
          figure_value, figure_previous, target.comparator(), *target_value,
          PeriodsUntil(indicator.period_type(), input.period, *horizon));
      v1::TargetAssessment* out = out_figure.add_targets();
      out->set_target(target.name());
      out->set_issuer(target.issuer());
      out->set_horizon(target.horizon());
      out->set_comparator(target.comparator());
      out->set_target_value(target.value());
      out->set_status(assessment.status);
      if (assessment.gap) out->set_gap(FormatDecimal(*assessment.gap));
    }
  };
  assess(*figure, input.disaggregation, FigureValue(*formula, total), previous);

  if (input.drill_down) {
    for (const auto& [group, units] : groups) {
      Groups own = {{group, units}};
      auto it = by_group.find(group);
      const Totals totals = it == by_group.end() ? Totals{} : it->second;
      v1::Figure* child = result.add_children();
      *child = FigureFor(*formula, totals, group, own,
                         totals.reporters > 0 || totals.unapproved_reporters > 0
                             ? std::set<std::string>{group}
                                              : std::set<std::string>{});
      stamp(*child, input.disaggregation);
    }
  }
  if (input.disaggregation.empty()) {
    for (const std::string& d : indicator.disaggregations()) {
      v1::Figure* part = result.add_by_disaggregation();
      *part = FigureFor(*formula, by_disaggregation[d], input.org_unit_id,
                        groups, reported_groups, known_missing);
      // Coverage per disaggregation counts the units that reported it.
      part->set_reporters(by_disaggregation[d].reporters);
      auto expected = input.expected_by_disaggregation.find(d);
      if (expected != input.expected_by_disaggregation.end()) {
        part->set_expected_reporters(expected->second);
      }
      stamp(*part, d);
      // Without a per-disaggregation trend: not yet met is AT_RISK.
      assess(*part, d, FigureValue(*formula, by_disaggregation[d]),
             std::nullopt);
    }
  }
  return result;
}

}  // namespace hpedu::indicators
