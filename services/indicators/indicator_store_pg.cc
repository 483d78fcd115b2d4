#include "services/indicators/indicator_store_pg.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/csv/line_errors.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/server/log.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/indicators/value_names.h"

namespace hpedu::indicators {

using ::google::protobuf::util::TimeUtil;
namespace {

#define HPEDU_INDICATOR_COLUMNS                                              \
  "i.id, i.code, i.display_name, i.english_name, i.unit_label, i.kind, "     \
  "i.factor, i.condition_threshold::text, i.direction, i.lead_agency, "      \
  "i.reporting_level, i.school_level, i.period_type, "                      \
  "array_to_string(i.disaggregations, ';'), i.source, i.lock_after_days, "  \
  "i.version, i.revision, "                                                 \
  "(extract(epoch FROM i.create_time) * 1000000)::bigint, "                 \
  "(extract(epoch FROM i.update_time) * 1000000)::bigint "

#define HPEDU_TARGET_COLUMNS                                                 \
  "t.indicator_id, t.id, t.org_unit, t.issuer, t.horizon, t.disaggregation, " \
  "t.comparator, t.value::text, t.plan_document, t.revision, "              \
  "(extract(epoch FROM t.create_time) * 1000000)::bigint "

// Shared by current values and revisions.
#define HPEDU_VALUE_COLUMNS                                                  \
  "v.indicator_id, v.org_unit, v.period, v.disaggregation, v.numerator, "   \
  "v.denominator, v.value::text, v.provenance, v.reporter, "                \
  "(extract(epoch FROM v.report_time) * 1000000)::bigint, v.revision, "     \
  "v.definition_version, v.outlier, v.lock_override_reason, v.generated "

constexpr char kGetIndicator[] = "indicators_get_indicator";
constexpr char kGetIndicatorForUpdate[] = "indicators_get_indicator_for_update";
constexpr char kGetIndicatorByRequest[] = "indicators_get_indicator_by_request";
constexpr char kGetIndicatorByCode[] = "indicators_get_indicator_by_code";
constexpr char kListIndicators[] = "indicators_list_indicators";
constexpr char kInsertIndicator[] = "indicators_insert_indicator";
constexpr char kInsertVersion[] = "indicators_insert_version";
constexpr char kUpdateIndicator[] = "indicators_update_indicator";
constexpr char kGetTarget[] = "indicators_get_target";
constexpr char kGetTargetByRequest[] = "indicators_get_target_by_request";
constexpr char kInsertTarget[] = "indicators_insert_target";
constexpr char kListTargets[] = "indicators_list_targets";
constexpr char kRevisionByRequest[] = "indicators_revision_by_request";
constexpr char kCurrentValues[] = "indicators_current_values";
constexpr char kValueHistory[] = "indicators_value_history";
constexpr char kUpsertValues[] = "indicators_upsert_values";
constexpr char kSupersedeValues[] = "indicators_supersede_values";
constexpr char kAddToTotals[] = "indicators_add_to_totals";
constexpr char kClearTotals[] = "indicators_clear_totals";
constexpr char kRebuildTotals[] = "indicators_rebuild_totals";
constexpr char kListIndicatorsGated[] = "indicators_list_indicators_gated";
constexpr char kClearApprovedTotals[] = "indicators_clear_approved_totals";
constexpr char kRecountApprovedTotals[] = "indicators_recount_approved_totals";
constexpr char kCityTotals[] = "indicators_city_totals";
constexpr char kReporters[] = "indicators_reporters";
constexpr char kGetValue[] = "indicators_get_value";
constexpr char kGetValues[] = "indicators_get_values";
constexpr char kListValues[] = "indicators_list_values";
constexpr char kListRevisions[] = "indicators_list_revisions";
constexpr char kSumValues[] = "indicators_sum_values";
constexpr char kAnalyzeValues[] = "indicators_analyze_values";
constexpr char kSubmittedValue[] = "indicators_submitted_value";

// Writes of at least this many values refresh the planner's statistics of
// reported_values after they commit (see AnalyzeInBackground).
constexpr size_t kAnalyzeAfterRows = 5000;

std::string Text(const pqxx::field& field) {
  return field.is_null() ? std::string() : std::string(field.c_str());
}

// numeric::text keeps the scale it was stored with ("54.8300"); the API
// shows the shortest form.
std::string DecimalText(const pqxx::field& field) {
  if (field.is_null()) return "";
  absl::StatusOr<Decimal> value = ParseDecimal(field.c_str(), "value");
  return value.ok() ? FormatDecimal(*value) : std::string(field.c_str());
}

v1::Indicator IndicatorFromRow(const pqxx::row& row) {
  v1::Indicator indicator;
  indicator.set_name("indicators/" + Text(row[0]));
  indicator.set_code(Text(row[1]));
  indicator.set_display_name(Text(row[2]));
  indicator.set_english_name(Text(row[3]));
  indicator.set_unit_label(Text(row[4]));
  v1::IndicatorKind kind = v1::INDICATOR_KIND_UNSPECIFIED;
  v1::IndicatorKind_Parse(Text(row[5]), &kind);
  indicator.set_kind(kind);
  indicator.set_factor(row[6].as<int64_t>());
  indicator.set_condition_threshold(DecimalText(row[7]));
  v1::Direction direction = v1::DIRECTION_UNSPECIFIED;
  v1::Direction_Parse(Text(row[8]), &direction);
  indicator.set_direction(direction);
  if (!row[9].is_null()) indicator.set_lead_agency("units/" + Text(row[9]));
  v1::ReportingLevel level = v1::REPORTING_LEVEL_UNSPECIFIED;
  v1::ReportingLevel_Parse(Text(row[10]), &level);
  indicator.set_reporting_level(level);
  indicator.set_school_level(Text(row[11]));
  v1::PeriodType period_type = v1::PERIOD_TYPE_UNSPECIFIED;
  v1::PeriodType_Parse(Text(row[12]), &period_type);
  indicator.set_period_type(period_type);
  for (absl::string_view d : absl::StrSplit(row[13].c_str(), ';',
                                            absl::SkipEmpty())) {
    indicator.add_disaggregations(std::string(d));
  }
  v1::ValueSource source = v1::VALUE_SOURCE_UNSPECIFIED;
  v1::ValueSource_Parse(Text(row[14]), &source);
  indicator.set_source(source);
  indicator.set_lock_after_days(row[15].as<int>());
  indicator.set_version(row[16].as<int>());
  indicator.set_etag(api::EtagFromRevision(row[17].as<int64_t>()));
  *indicator.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[18].as<int64_t>());
  *indicator.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[19].as<int64_t>());
  return indicator;
}

v1::Target TargetFromRow(const pqxx::row& row) {
  v1::Target target;
  target.set_name(absl::StrCat("indicators/", Text(row[0]), "/targets/",
                               Text(row[1])));
  target.set_org_unit("units/" + Text(row[2]));
  target.set_issuer(Text(row[3]));
  target.set_horizon(Text(row[4]));
  target.set_disaggregation(Text(row[5]));
  v1::Comparator comparator = v1::COMPARATOR_UNSPECIFIED;
  v1::Comparator_Parse(Text(row[6]), &comparator);
  target.set_comparator(comparator);
  target.set_value(DecimalText(row[7]));
  target.set_plan_document(Text(row[8]));
  target.set_etag(api::EtagFromRevision(row[9].as<int64_t>()));
  *target.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[10].as<int64_t>());
  return target;
}

v1::ReportedValue ValueFromRow(const pqxx::row& row) {
  v1::ReportedValue value;
  value.set_name(ValueName(Text(row[0]), Text(row[1]), Text(row[2]),
                           Text(row[3])));
  value.set_org_unit("units/" + Text(row[1]));
  value.set_period(Text(row[2]));
  value.set_disaggregation(Text(row[3]));
  if (!row[4].is_null()) {
    value.set_numerator(row[4].as<int64_t>());
    value.set_denominator(row[5].as<int64_t>());
  }
  value.set_value(DecimalText(row[6]));
  v1::Provenance provenance = v1::PROVENANCE_UNSPECIFIED;
  v1::Provenance_Parse(Text(row[7]), &provenance);
  value.set_provenance(provenance);
  value.set_reporter(Text(row[8]));
  *value.mutable_report_time() = TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
  value.set_revision(row[10].as<int64_t>());
  value.set_definition_version(row[11].as<int>());
  value.set_outlier(row[12].as<bool>());
  value.set_lock_override_reason(Text(row[13]));
  value.set_generated(row[14].as<bool>());
  value.set_etag(api::EtagFromRevision(value.revision()));
  return value;
}

// Rows of kSumValues and kCityTotals: indicator, ordinal, period, group,
// disaggregation, all disaggregations (0/1), numerator, denominator,
// reporters, meeting, the single plain value, unapproved reporters.
std::vector<GroupSum> GroupSumsOf(const pqxx::result& rows) {
  std::vector<GroupSum> sums;
  sums.reserve(rows.size());
  for (const pqxx::row& row : rows) {
    GroupSum sum;
    sum.indicator_id = Text(row[0]);
    sum.period_ordinal = row[1].as<int64_t>();
    sum.period = Text(row[2]);
    sum.group_id = Text(row[3]);
    sum.all_disaggregations = row[5].as<int>() != 0;
    if (!sum.all_disaggregations) sum.disaggregation = Text(row[4]);
    sum.totals.numerator = row[6].as<int64_t>();
    sum.totals.denominator = row[7].as<int64_t>();
    sum.totals.reporters = row[8].as<int>();
    sum.totals.meeting = row[9].as<int>();
    sum.totals.unapproved_reporters = row[11].as<int>();
    if (!row[10].is_null()) {
      absl::StatusOr<Decimal> value = ParseDecimal(row[10].c_str(), "");
      if (value.ok()) sum.totals.plain_value = *value;
    }
    sums.push_back(std::move(sum));
  }
  return sums;
}

// A PostgreSQL array literal whose nullopt items are NULL.
std::string ArrayLiteral(const std::vector<std::optional<std::string>>& items) {
  std::string literal = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) literal += ',';
    if (!items[i]) {
      literal += "NULL";
      continue;
    }
    literal += '"';
    for (char c : *items[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

absl::Status IndicatorNotFound(const std::string& id) {
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có chỉ tiêu indicators/", id,
                                       " (indicator not found)")),
      "INDICATOR_NOT_FOUND", {{"name", "indicators/" + id}});
}

std::optional<v1::Indicator> LoadIndicator(pqxx::transaction_base& tx,
                                           const char* statement,
                                           const std::string& key) {
  const pqxx::result result = db::Params().Add(key).Exec(tx, statement);
  if (result.empty()) return std::nullopt;
  return IndicatorFromRow(result[0]);
}

// The figure of a stored value as a double, for outlier detection.
double FigureOf(const Formula& formula, const pqxx::row& row, int num_col) {
  if (!row[num_col].is_null()) {
    const double den = row[num_col + 1].as<double>();
    return row[num_col].as<double>() * static_cast<double>(formula.factor) / den;
  }
  return row[num_col + 2].as<double>();
}

double FigureOf(const Formula& formula, const ValueWrite& write) {
  if (write.numerator) {
    return static_cast<double>(*write.numerator) *
           static_cast<double>(formula.factor) /
           static_cast<double>(*write.denominator);
  }
  return static_cast<double>(write.value->scaled) / Decimal::kScale;
}

using ValueKey = std::tuple<std::string, std::string, std::string, std::string>;

std::optional<std::string> OptionalText(const std::optional<int64_t>& number) {
  if (!number) return std::nullopt;
  return std::to_string(*number);
}

// True if a UNIT_COUNT value (as stored, "" for none) meets the condition.
bool Meets(const Formula& formula, const std::string& value) {
  if (formula.kind != v1::UNIT_COUNT || value.empty()) return false;
  absl::StatusOr<Decimal> parsed = ParseDecimal(value, "value");
  return parsed.ok() && parsed->scaled >= formula.condition_threshold.scaled;
}

// A value to write, and what the write decided about it.
struct Row {
  const ValueWrite* write = nullptr;
  std::string value_text;
  int64_t revision = 1;
  int version = 1;
  bool outlier = false;
  bool locked = false;
  // Counts in approved-only roll-ups (reported_values.approved).
  bool approved = true;
};

// A row of value_totals.
struct TotalsKey {
  std::string indicator_id;
  int64_t period_ordinal = 0;
  std::string period;
  bool all_disaggregations = false;
  std::string disaggregation;
  friend bool operator<(const TotalsKey& a, const TotalsKey& b) {
    return std::tie(a.indicator_id, a.period_ordinal, a.all_disaggregations,
                    a.disaggregation) < std::tie(b.indicator_id,
                                                 b.period_ordinal,
                                                 b.all_disaggregations,
                                                 b.disaggregation);
  }
};

// What a write changes in one row of value_totals.
struct TotalsDelta {
  int64_t numerator = 0;
  int64_t denominator = 0;
  int value_count = 0;
  int reporters = 0;
  int meeting = 0;
  // The last value written ("" for a ratio).
  std::string last_value;

  void Add(const TotalsDelta& change, int new_reporters) {
    numerator += change.numerator;
    denominator += change.denominator;
    value_count += change.value_count;
    reporters += new_reporters;
    meeting += change.meeting;
    last_value = change.last_value;
  }
};

const db::TransactionOptions kRead = {.isolation = db::Isolation::kReadCommitted,
                                      .read_only = true};
const db::TransactionOptions kReadSnapshot = {
    .isolation = db::Isolation::kRepeatableRead, .read_only = true};
const db::TransactionOptions kWrite = {.isolation = db::Isolation::kSerializable,
                                       .read_only = false};

// The indicator columns of INSERT and UPDATE, $2.. in table order.
void AddIndicatorFields(const v1::Indicator& indicator, db::Params& params) {
  params.Add(indicator.code())
      .Add(indicator.display_name())
      .Add(indicator.english_name())
      .Add(indicator.unit_label())
      .Add(v1::IndicatorKind_Name(indicator.kind()))
      .Add(std::to_string(indicator.factor()))
      .AddOrNull(indicator.condition_threshold())
      .Add(v1::Direction_Name(indicator.direction()))
      .AddOrNull(indicator.lead_agency().empty()
                     ? ""
                     : indicator.lead_agency().substr(sizeof("units/") - 1))
      .Add(v1::ReportingLevel_Name(indicator.reporting_level()))
      .AddOrNull(indicator.school_level())
      .Add(v1::PeriodType_Name(indicator.period_type()))
      .Add(db::TextArrayLiteral(std::vector<std::string>(
          indicator.disaggregations().begin(),
          indicator.disaggregations().end())))
      .Add(v1::ValueSource_Name(indicator.source() ==
                                        v1::VALUE_SOURCE_UNSPECIFIED
                                    ? v1::REPORTED
                                    : indicator.source()))
      .Add(std::to_string(indicator.lock_after_days()));
}

void InsertVersion(pqxx::transaction_base& tx, const std::string& id,
                   const v1::Indicator& indicator, int version) {
  db::Params()
      .Add(id)
      .Add(std::to_string(version))
      .Add(v1::IndicatorKind_Name(indicator.kind()))
      .Add(std::to_string(indicator.factor()))
      .AddOrNull(indicator.condition_threshold())
      .Add(indicator.unit_label())
      .Exec(tx, kInsertVersion);
}

// The reads, on a transaction the caller opened: the store runs each in
// its own, or several in one snapshot (ReadSnapshot).
class TransactionReader final : public IndicatorReader {
 public:
  explicit TransactionReader(pqxx::transaction_base& tx) : tx_(tx) {}

  absl::StatusOr<v1::Indicator> GetIndicator(const server::CallContext&,
                                             const std::string& id) override {
    std::optional<v1::Indicator> found = LoadIndicator(tx_, kGetIndicator, id);
    if (!found) return IndicatorNotFound(id);
    return *std::move(found);
  }

  absl::StatusOr<std::vector<v1::Indicator>> ListIndicators(
      const server::CallContext&) override {
    std::vector<v1::Indicator> indicators;
    for (const pqxx::row& row : db::Params().Exec(tx_, kListIndicators)) {
      indicators.push_back(IndicatorFromRow(row));
    }
    return indicators;
  }

  absl::StatusOr<std::vector<v1::Target>> ListTargets(
      const server::CallContext&, const std::vector<std::string>& indicator_ids,
      const std::string& org_unit_id) override {
    db::Params params;
    if (indicator_ids.empty()) {
      params.AddNull();
    } else {
      params.Add(db::TextArrayLiteral(indicator_ids));
    }
    params.AddOrNull(org_unit_id);
    std::vector<v1::Target> targets;
    for (const pqxx::row& row : params.Exec(tx_, kListTargets)) {
      targets.push_back(TargetFromRow(row));
    }
    return targets;
  }

  absl::StatusOr<std::pair<std::vector<v1::ReportedValue>, bool>> ListValues(
      const server::CallContext&, const ValueQuery& query) override {
    db::Params params;
    params.Add(query.indicator_id)
        .AddOrNull(query.period)
        .AddOrNull(query.org_unit_id);
    if (query.after) {
      params.Add(query.after->org_unit_id)
          .Add(query.after->period)
          .Add(query.after->disaggregation);
    } else {
      params.AddNull().AddNull().AddNull();
    }
    params.Add(std::to_string(query.page_size + 1));
    std::pair<std::vector<v1::ReportedValue>, bool> page;
    for (const pqxx::row& row : params.Exec(tx_, kListValues)) {
      if (static_cast<int>(page.first.size()) == query.page_size) {
        page.second = true;
        break;
      }
      page.first.push_back(ValueFromRow(row));
    }
    return page;
  }

  absl::StatusOr<std::vector<v1::ReportedValue>> ListRevisions(
      const server::CallContext&, const std::string& indicator_id,
      const std::string& org_unit_id, const std::string& period,
      const std::string& disaggregation) override {
    std::vector<v1::ReportedValue> revisions;
    for (const pqxx::row& row : db::Params()
                                    .Add(indicator_id)
                                    .Add(org_unit_id)
                                    .Add(period)
                                    .Add(disaggregation)
                                    .Exec(tx_, kListRevisions)) {
      revisions.push_back(ValueFromRow(row));
    }
    if (revisions.empty()) {
      const std::string name =
          ValueName(indicator_id, org_unit_id, period, disaggregation);
      return WithErrorInfo(absl::NotFoundError(absl::StrCat(
                               "không có số liệu ", name, " (value not found)")),
                           "VALUE_NOT_FOUND", {{"name", name}});
    }
    return revisions;
  }

  absl::StatusOr<std::vector<GroupSum>> SumValues(
      const server::CallContext&, const SumQuery& query) override {
    // After five runs of a prepared statement PostgreSQL may switch to a
    // generic plan, which cannot see how many units the unnest() arrays
    // hold: for a city drill-down it chose a plan 25 times slower (1.0-1.4 s
    // against 30-60 ms, seen in the statement log of
    // tests/bench/gateway_bench). Plan every run with its arrays.
    tx_.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    return GroupSumsOf(db::Params()
                           .Add(db::TextArrayLiteral(query.unit_ids))
                           .Add(db::TextArrayLiteral(query.group_ids))
                           .Add(db::TextArrayLiteral(query.indicator_ids))
                           .Add(std::to_string(query.first_ordinal))
                           .Add(std::to_string(query.last_ordinal))
                           .Add(query.include_unapproved ? "true" : "false")
                           .Exec(tx_, kSumValues));
  }

  absl::StatusOr<std::vector<GroupSum>> SumCityValues(
      const server::CallContext&, const SumQuery& query) override {
    return GroupSumsOf(db::Params()
                           .Add(db::TextArrayLiteral(query.indicator_ids))
                           .Add(std::to_string(query.first_ordinal))
                           .Add(std::to_string(query.last_ordinal))
                           .Add(query.include_unapproved ? "true" : "false")
                           .Exec(tx_, kCityTotals));
  }

  absl::StatusOr<std::set<ReporterKey>> Reported(
      const server::CallContext&,
      const std::vector<ReporterKey>& candidates) override {
    std::vector<std::string> indicators, units, periods;
    std::map<std::pair<std::string, std::string>, std::string> period_of;
    for (const ReporterKey& key : candidates) {
      indicators.push_back(key.indicator_id);
      units.push_back(key.org_unit_id);
      periods.push_back(key.period);
      period_of[{key.indicator_id, key.org_unit_id}] = key.period;
    }
    std::set<ReporterKey> reported;
    for (const pqxx::row& row : db::Params()
                                    .Add(db::TextArrayLiteral(indicators))
                                    .Add(db::TextArrayLiteral(units))
                                    .Add(db::TextArrayLiteral(periods))
                                    .Exec(tx_, kReporters)) {
      const std::string indicator = Text(row[0]);
      const std::string unit = Text(row[1]);
      reported.insert({indicator, unit, period_of[{indicator, unit}]});
    }
    return reported;
  }

 private:
  pqxx::transaction_base& tx_;
};


class PostgresIndicatorStore final : public IndicatorStore {
 public:
  explicit PostgresIndicatorStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::Indicator> GetIndicator(const server::CallContext& call,
                                             const std::string& id) override {
    return ReadAlone<v1::Indicator>(call, kRead, [&](IndicatorReader& reader) {
      return reader.GetIndicator(call, id);
    });
  }

  absl::StatusOr<std::vector<v1::Indicator>> ListIndicators(
      const server::CallContext& call) override {
    return ReadAlone<std::vector<v1::Indicator>>(
        call, kRead,
        [&](IndicatorReader& reader) { return reader.ListIndicators(call); });
  }

  absl::StatusOr<v1::Indicator> CreateIndicator(
      const server::CallContext& call, const std::string& id,
      const v1::Indicator& indicator, const std::string& request_id) override {
    return db::InTransaction<v1::Indicator>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Indicator> {
          if (!request_id.empty()) {
            std::optional<v1::Indicator> earlier =
                LoadIndicator(tx, kGetIndicatorByRequest, request_id);
            if (earlier) return *std::move(earlier);
          }
          if (LoadIndicator(tx, kGetIndicator, id) ||
              LoadIndicator(tx, kGetIndicatorByCode, indicator.code())) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "chỉ tiêu indicators/", id, " hoặc mã ", indicator.code(),
                    " đã có (indicator already exists)")),
                "INDICATOR_ALREADY_EXISTS",
                {{"name", "indicators/" + id}, {"code", indicator.code()}});
          }
          db::Params params;
          params.Add(id);
          AddIndicatorFields(indicator, params);
          params.AddOrNull(request_id);
          params.Exec(tx, kInsertIndicator);
          InsertVersion(tx, id, indicator, 1);
          v1::Indicator created = *LoadIndicator(tx, kGetIndicator, id);
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          feed::Record(tx, call, {feed::Created(created.name(), created)});
          return created;
        });
  }

  absl::StatusOr<v1::Indicator> UpdateIndicator(
      const server::CallContext& call, const IndicatorUpdate& update) override {
    return db::InTransaction<v1::Indicator>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Indicator> {
          std::optional<v1::Indicator> current =
              LoadIndicator(tx, kGetIndicatorForUpdate, update.id);
          if (!current) return IndicatorNotFound(update.id);
          RETURN_IF_ERROR(api::CheckEtag(update.etag, current->etag()));
          v1::Indicator next = *current;
          const v1::Indicator& f = update.fields;
          for (const std::string& path : update.paths) {
            if (path == "display_name") next.set_display_name(f.display_name());
            if (path == "english_name") next.set_english_name(f.english_name());
            if (path == "unit_label") next.set_unit_label(f.unit_label());
            if (path == "factor") next.set_factor(f.factor());
            if (path == "condition_threshold") {
              next.set_condition_threshold(f.condition_threshold());
            }
            if (path == "direction") next.set_direction(f.direction());
            if (path == "lead_agency") next.set_lead_agency(f.lead_agency());
            if (path == "lock_after_days") {
              next.set_lock_after_days(f.lock_after_days());
            }
          }
          const bool new_formula =
              next.factor() != current->factor() ||
              next.condition_threshold() != current->condition_threshold() ||
              next.unit_label() != current->unit_label();
          const int version = current->version() + (new_formula ? 1 : 0);
          db::Params params;
          params.Add(update.id);
          AddIndicatorFields(next, params);
          params.Add(std::to_string(version));
          params.Exec(tx, kUpdateIndicator);
          if (new_formula) {
            InsertVersion(tx, update.id, next, version);
            // A new condition counts the stored values anew.
            db::Params().Add(update.id).Exec(tx, kClearTotals);
            db::Params().Add(update.id).Exec(tx, kRebuildTotals);
            RecountApprovedTotals(tx, {update.id}, "");
          }
          v1::Indicator updated = *LoadIndicator(tx, kGetIndicator, update.id);
          audit::Record(tx, call, updated.name(), audit::ChangeOf(updated));
          feed::Record(tx, call, {feed::Updated(updated.name(), updated)});
          return updated;
        });
  }

  absl::StatusOr<v1::Target> CreateTarget(
      const server::CallContext& call, const std::string& indicator_id,
      const std::string& target_id, const v1::Target& target,
      absl::CivilDay horizon_end, const std::string& request_id) override {
    return db::InTransaction<v1::Target>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Target> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kGetTargetByRequest);
            if (!earlier.empty()) return TargetFromRow(earlier[0]);
          }
          if (!LoadIndicator(tx, kGetIndicator, indicator_id)) {
            return IndicatorNotFound(indicator_id);
          }
          if (!db::Params().Add(indicator_id).Add(target_id).Exec(
                  tx, kGetTarget).empty()) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "chỉ tiêu đích ", target_id,
                    " đã có (target already exists)")),
                "TARGET_ALREADY_EXISTS",
                {{"name", absl::StrCat("indicators/", indicator_id,
                                       "/targets/", target_id)}});
          }
          db::Params()
              .Add(indicator_id)
              .Add(target_id)
              .Add(target.org_unit().substr(sizeof("units/") - 1))
              .Add(target.issuer())
              .Add(target.horizon())
              .Add(absl::StrCat(absl::FormatCivilTime(horizon_end)))
              .Add(target.disaggregation())
              .Add(v1::Comparator_Name(target.comparator()))
              .Add(target.value())
              .Add(target.plan_document())
              .AddOrNull(request_id)
              .Exec(tx, kInsertTarget);
          v1::Target created = TargetFromRow(
              db::Params().Add(indicator_id).Add(target_id).Exec(
                  tx, kGetTarget)[0]);
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          feed::Record(
              tx, call,
              {feed::Created(created.name(), created, created.org_unit())});
          return created;
        });
  }

  absl::StatusOr<std::vector<v1::Target>> ListTargets(
      const server::CallContext& call,
      const std::vector<std::string>& indicator_ids,
      const std::string& org_unit_id) override {
    return ReadAlone<std::vector<v1::Target>>(
        call, kRead, [&](IndicatorReader& reader) {
          return reader.ListTargets(call, indicator_ids, org_unit_id);
        });
  }

  absl::StatusOr<WriteResult> WriteValues(
      const server::CallContext& call, const std::vector<ValueWrite>& values,
      const WriteOptions& options) override {
    db::TransactionOptions transaction = kWrite;
    transaction.read_only = options.validate_only;
    absl::StatusOr<WriteResult> written = db::InTransaction<WriteResult>(
        pool_, call.deadline(), transaction,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<WriteResult> {
          std::vector<feed::Written> changes;
          ASSIGN_OR_RETURN(WriteResult result,
                           Write(tx, values, options, &changes));
          if (options.validate_only) return result;
          if (values.size() == 1 && result.values.size() == 1) {
            audit::Record(tx, call, result.values[0].name(),
                          audit::ChangeOf(result.values[0]));
          } else {
            audit::Record(tx, call, "indicators/-/values",
                          {{"created", result.created},
                           {"corrected", result.corrected},
                           {"unchanged", result.unchanged},
                           {"override_reason", options.override_reason}});
          }
          feed::Record(tx, call, changes);
          return result;
        });
    if (written.ok() && static_cast<size_t>(written->created +
                                            written->corrected) >=
                            kAnalyzeAfterRows) {
      AnalyzeInBackground();
    }
    return written;
  }

  absl::StatusOr<std::pair<std::vector<v1::ReportedValue>, bool>> ListValues(
      const server::CallContext& call, const ValueQuery& query) override {
    return ReadAlone<std::pair<std::vector<v1::ReportedValue>, bool>>(
        call, kReadSnapshot,
        [&](IndicatorReader& reader) { return reader.ListValues(call, query); });
  }

  absl::StatusOr<std::vector<v1::ReportedValue>> ListRevisions(
      const server::CallContext& call, const std::string& indicator_id,
      const std::string& org_unit_id, const std::string& period,
      const std::string& disaggregation) override {
    return ReadAlone<std::vector<v1::ReportedValue>>(
        call, kRead, [&](IndicatorReader& reader) {
          return reader.ListRevisions(call, indicator_id, org_unit_id, period,
                                      disaggregation);
        });
  }

  absl::StatusOr<std::vector<GroupSum>> SumValues(
      const server::CallContext& call, const SumQuery& query) override {
    return ReadAlone<std::vector<GroupSum>>(
        call, kReadSnapshot,
        [&](IndicatorReader& reader) { return reader.SumValues(call, query); });
  }
  absl::StatusOr<std::vector<GroupSum>> SumCityValues(
      const server::CallContext& call, const SumQuery& query) override {
    return ReadAlone<std::vector<GroupSum>>(
        call, kRead, [&](IndicatorReader& reader) {
          return reader.SumCityValues(call, query);
        });
  }

  absl::StatusOr<std::set<ReporterKey>> Reported(
      const server::CallContext& call,
      const std::vector<ReporterKey>& candidates) override {
    return ReadAlone<std::set<ReporterKey>>(
        call, kRead, [&](IndicatorReader& reader) {
          return reader.Reported(call, candidates);
        });
  }

  absl::Status ReadSnapshot(
      const server::CallContext& call,
      const std::function<absl::Status(IndicatorReader&)>& reads) override {
    return db::RunInTransaction(pool_, call.deadline(), kReadSnapshot,
                                [&](pqxx::transaction_base& tx) {
                                  TransactionReader reader(tx);
                                  return reads(reader);
                                });
  }

  ~PostgresIndicatorStore() override {
    std::thread analyzer;
    {
      absl::MutexLock lock(&analyze_mu_);
      analyzer = std::move(analyzer_);
    }
    if (analyzer.joinable()) analyzer.join();
  }

 private:
  // One read in a transaction of its own.
  template <typename T>
  absl::StatusOr<T> ReadAlone(
      const server::CallContext& call, const db::TransactionOptions& options,
      absl::FunctionRef<absl::StatusOr<T>(IndicatorReader&)> read) {
    return db::InTransaction<T>(
        pool_, call.deadline(), options,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<T> {
          TransactionReader reader(tx);
          return read(reader);
        });
  }

  // Refreshes the planner's statistics of reported_values after a large
  // write, off the request's path, one at a time: drill-down roll-ups join
  // the values with the unit mapping, and with the statistics of an emptier
  // table (autovacuum comes a minute later) the planner picks a nested loop
  // that is a hundred times slower.
  void AnalyzeInBackground() {
    absl::MutexLock lock(&analyze_mu_);
    if (analyzing_) return;
    if (analyzer_.joinable()) analyzer_.join();
    analyzing_ = true;
    analyzer_ = std::thread([this] {
      const absl::Status status = db::RunInTransaction(
          pool_, absl::Now() + absl::Minutes(10), kWrite,
          [](pqxx::transaction_base& tx) {
            db::Params().Exec(tx, kAnalyzeValues);
            return absl::OkStatus();
          });
      if (!status.ok()) {
        server::Log(server::LogLevel::kWarning, "indicators",
                    "ANALYZE reported_values: " + status.ToString());
      }
      absl::MutexLock done(&analyze_mu_);
      analyzing_ = false;
    });
  }

  // Validates and writes `values`; `*changes` gets the values created and
  // corrected, for the change feed.
  absl::StatusOr<WriteResult> Write(pqxx::transaction_base& tx,
                                    const std::vector<ValueWrite>& values,
                                    const WriteOptions& options,
                                    std::vector<feed::Written>* changes) {
    WriteResult result;
    const std::string field = values.size() == 1 && values[0].line == 0
                                  ? "value"
                                  : "csv_content";
    if (!options.request_id.empty()) {
      const pqxx::result earlier =
          db::Params().Add(options.request_id).Exec(tx, kRevisionByRequest);
      if (!earlier.empty()) {
        result.values.push_back(ValueFromRow(earlier[0]));
        return result;
      }
    }
    std::map<std::string, v1::Indicator> indicators;
    std::map<std::string, Formula> formulas;
    // The first ordinal a workflow gates, per gated indicator.
    std::map<std::string, int64_t> gated_from;
    for (const pqxx::row& row : db::Params().Exec(tx, kListIndicatorsGated)) {
      v1::Indicator indicator = IndicatorFromRow(row);
      const std::string id = indicator.name().substr(sizeof("indicators/") - 1);
      if (!row[20].is_null()) gated_from[id] = row[20].as<int64_t>();
      absl::StatusOr<Formula> formula = FormulaOf(indicator);
      if (formula.ok()) formulas[id] = *formula;
      indicators[id] = std::move(indicator);
    }

    // Closed periods.
    csv::LineErrors errors(field);
    std::set<std::string> indicator_ids;
    std::set<std::string> unit_ids;
    int64_t max_ordinal = 0;
    for (const ValueWrite& write : values) {
      const v1::Indicator& indicator = indicators.at(write.indicator_id);
      if (options.override_reason.empty() &&
          IsPeriodLocked(write.period, indicator.lock_after_days(),
                         options.today)) {
        errors.Add(write.line, "period",
                   absl::StrCat("kỳ ", write.period.text,
                                " đã khóa; cần override_reason (period "
                                "closed ",
                                indicator.lock_after_days(),
                                " days after it ended)"));
      }
      indicator_ids.insert(write.indicator_id);
      unit_ids.insert(write.org_unit_id);
      max_ordinal = std::max(max_ordinal, write.period.ordinal);
    }
    if (!errors.empty()) {
      // A closed period is the state of the system, not a bad request:
      // FAILED_PRECONDITION, still naming every line.
      const absl::Status lines = errors.ToStatus();
      absl::Status locked = absl::FailedPreconditionError(lines.message());
      lines.ForEachPayload(
          [&locked](absl::string_view url, const absl::Cord& payload) {
            locked.SetPayload(url, payload);
          });
      return WithErrorInfo(locked, "PERIOD_LOCKED");
    }
    // Values a submission holds (submitted or approved: approvals.proto),
    // by (indicator, unit, period): the submission's name and state. Such a
    // value may not change; sent again unchanged it is counted unchanged,
    // so that a retried or repeated import of the same figures succeeds.
    std::map<std::tuple<std::string, std::string, std::string>,
             std::pair<std::string, std::string>, std::less<>>
        held_by;
    {
      std::set<std::tuple<std::string, std::string, std::string>> keys;
      for (const ValueWrite& write : values) {
        keys.insert({write.indicator_id, write.org_unit_id, write.period.text});
      }
      std::vector<std::string> key_indicators, key_units, key_periods;
      for (const auto& [indicator, unit, period] : keys) {
        key_indicators.push_back(indicator);
        key_units.push_back(unit);
        key_periods.push_back(period);
      }
      const pqxx::result held = db::Params()
                                    .Add(db::TextArrayLiteral(key_indicators))
                                    .Add(db::TextArrayLiteral(key_units))
                                    .Add(db::TextArrayLiteral(key_periods))
                                    .Exec(tx, kSubmittedValue);
      for (const pqxx::row& row : held) {
        held_by[{Text(row[0]), Text(row[1]), Text(row[2])}] = {
            absl::StrCat("approvalWorkflows/", Text(row[3]), "/submissions/",
                         Text(row[1]), "~", Text(row[2])),
            Text(row[4])};
      }
    }
    auto locked_by = [&held_by](const ValueWrite& write) -> absl::Status {
      auto it = held_by.find(std::tuple<std::string_view, std::string_view,
                                        std::string_view>(
          write.indicator_id, write.org_unit_id, write.period.text));
      if (it == held_by.end()) return absl::OkStatus();
      const auto& [submission, state] = it->second;
      return WithErrorInfo(
          absl::FailedPreconditionError(absl::StrCat(
              "số liệu đã nộp hoặc đã duyệt, bị khóa bởi ", submission,
              " (locked by a ", state, " submission)")),
          "SUBMISSION_LOCKED", {{"submission", submission}});
    };

    const std::string indicator_array = db::TextArrayLiteral(
        std::vector<std::string>(indicator_ids.begin(), indicator_ids.end()));
    const std::string unit_array = db::TextArrayLiteral(
        std::vector<std::string>(unit_ids.begin(), unit_ids.end()));

    // Current values and each unit's history, in two reads.
    std::map<ValueKey, std::tuple<std::optional<int64_t>,
                                  std::optional<int64_t>, std::string,
                                  int64_t>>
        current;
    std::map<std::tuple<std::string, std::string, std::string>,
             std::vector<std::pair<int64_t, double>>, std::less<>>
        history;
    const pqxx::result rows = db::Params()
                                  .Add(indicator_array)
                                  .Add(unit_array)
                                  .Add(std::to_string(max_ordinal))
                                  .Exec(tx, kValueHistory);
    for (const pqxx::row& row : rows) {
      const std::string indicator_id = Text(row[0]);
      const std::string unit = Text(row[1]);
      const std::string disaggregation = Text(row[3]);
      current[{indicator_id, unit, Text(row[2]), disaggregation}] = {
          row[5].is_null() ? std::nullopt
                           : std::optional<int64_t>(row[5].as<int64_t>()),
          row[6].is_null() ? std::nullopt
                           : std::optional<int64_t>(row[6].as<int64_t>()),
          DecimalText(row[7]), row[8].as<int64_t>()};
      auto formula = formulas.find(indicator_id);
      if (formula != formulas.end()) {
        history[{indicator_id, unit, disaggregation}].emplace_back(
            row[4].as<int64_t>(), FigureOf(formula->second, row, 5));
      }
    }

    // Before writing: which values are new, which correct a stored one, and
    // what each changes in the city's totals.
    // Views into `current` and `values`, which outlive them.
    using UnitPeriod =
        std::tuple<std::string_view, std::string_view, std::string_view>;
    std::set<UnitPeriod> had_value;
    for (const auto& [key, stored] : current) {
      had_value.emplace(std::get<0>(key), std::get<1>(key), std::get<2>(key));
    }
    std::vector<Row> fresh;
    std::vector<Row> corrections;
    std::map<TotalsKey, TotalsDelta> deltas;
    std::set<std::tuple<std::string_view, std::string_view, std::string_view,
                        std::string_view>>
        seen;
    for (const ValueWrite& write : values) {
      if (!seen.emplace(write.indicator_id, write.org_unit_id,
                        write.period.text, write.disaggregation)
               .second) {
        errors.Add(write.line, "org_unit",
                   "trùng đơn vị, kỳ và phân tổ với một dòng trước "
                   "(duplicate of an earlier line)");
        continue;
      }
      Row row;
      row.write = &write;
      row.value_text = write.value ? FormatDecimal(*write.value) : "";
      // A gated value waits for approval (it is never written approved: its
      // submission locks it).
      const auto gate = gated_from.find(write.indicator_id);
      row.approved = gate == gated_from.end() ||
                     write.period.ordinal < gate->second;
      const Formula& formula = formulas.at(write.indicator_id);
      TotalsDelta change;
      auto it = current.empty()
                    ? current.end()
                    : current.find(ValueKey{write.indicator_id,
                                            write.org_unit_id,
                                            write.period.text,
                                            write.disaggregation});
      if (it != current.end()) {
        const auto& [num, den, stored_value, stored_revision] = it->second;
        if (num == write.numerator && den == write.denominator &&
            stored_value == row.value_text) {
          ++result.unchanged;
          continue;
        }
        RETURN_IF_ERROR(locked_by(write));
        row.revision = stored_revision + 1;
        ++result.corrected;
        change.numerator -= num.value_or(0);
        change.denominator -= den.value_or(0);
        change.meeting -= Meets(formula, stored_value) ? 1 : 0;
      } else {
        RETURN_IF_ERROR(locked_by(write));
        ++result.created;
        change.value_count = 1;
      }
      change.numerator += write.numerator.value_or(0);
      change.denominator += write.denominator.value_or(0);
      change.meeting += Meets(formula, row.value_text) ? 1 : 0;
      change.last_value = row.value_text;
      std::vector<double> earlier;
      auto unit_history = history.find(
          std::tuple<std::string_view, std::string_view, std::string_view>(
              write.indicator_id, write.org_unit_id, write.disaggregation));
      if (unit_history != history.end()) {
        for (const auto& [ordinal, figure] : unit_history->second) {
          if (ordinal < write.period.ordinal) earlier.push_back(figure);
        }
      }
      row.outlier = IsOutlier(earlier, FigureOf(formula, write));
      if (row.outlier) result.outlier_lines.push_back(write.line);
      row.locked = IsPeriodLocked(
          write.period, indicators.at(write.indicator_id).lock_after_days(),
          options.today);
      row.version = indicators.at(write.indicator_id).version();

      TotalsKey one{write.indicator_id, write.period.ordinal, write.period.text,
                    false, write.disaggregation};
      TotalsKey all{write.indicator_id, write.period.ordinal, write.period.text,
                    true, ""};
      deltas[one].Add(change, change.value_count);
      const bool first_of_unit =
          change.value_count == 1 &&
          had_value
              .emplace(write.indicator_id, write.org_unit_id, write.period.text)
              .second;
      deltas[all].Add(change, first_of_unit ? 1 : 0);
      (it == current.end() ? fresh : corrections).push_back(std::move(row));
    }
    if (!errors.empty()) return errors.ToStatus();
    const std::string request_id = values.size() == 1 ? options.request_id : "";
    if (!options.validate_only) {
      if (!corrections.empty()) Correct(tx, corrections, options, request_id);
      if (!fresh.empty()) Insert(tx, fresh, options, request_id);
      if (!deltas.empty()) AddToTotals(tx, deltas);
      *changes = WrittenValues(tx, fresh, corrections);
    }
    if (!options.validate_only && values.size() <= 1000) {
      for (const ValueWrite& write : values) {
        result.values.push_back(ValueFromRow(db::Params()
                                                 .Add(write.indicator_id)
                                                 .Add(write.org_unit_id)
                                                 .Add(write.period.text)
                                                 .Add(write.disaggregation)
                                                 .Exec(tx, kGetValue)[0]));
      }
    }
    return result;
  }

  // The values `fresh` created and `corrections` changed, as now stored.
  static std::vector<feed::Written> WrittenValues(
      pqxx::transaction_base& tx, const std::vector<Row>& fresh,
      const std::vector<Row>& corrections) {
    std::vector<std::string> indicator, unit, period, disaggregation;
    for (const auto* rows : {&fresh, &corrections}) {
      for (const Row& row : *rows) {
        indicator.push_back(row.write->indicator_id);
        unit.push_back(row.write->org_unit_id);
        period.push_back(row.write->period.text);
        disaggregation.push_back(row.write->disaggregation);
      }
    }
    std::vector<feed::Written> changes;
    if (indicator.empty()) return changes;
    const pqxx::result stored = db::Params()
                                    .Add(db::TextArrayLiteral(indicator))
                                    .Add(db::TextArrayLiteral(unit))
                                    .Add(db::TextArrayLiteral(period))
                                    .Add(db::TextArrayLiteral(disaggregation))
                                    .Exec(tx, kGetValues);
    for (const pqxx::row& row : stored) {
      const v1::ReportedValue value = ValueFromRow(row);
      const bool created = row["n"].as<size_t>() <= fresh.size();
      changes.push_back(
          created ? feed::Created(value.name(), value, value.org_unit())
                  : feed::Updated(value.name(), value, value.org_unit()));
    }
    return changes;
  }

  // Moves the current revisions of `rows` into the history and writes the
  // new ones in their place.
  static void Correct(pqxx::transaction_base& tx, const std::vector<Row>& rows,
                      const WriteOptions& options,
                      const std::string& request_id) {
    std::vector<std::optional<std::string>> c_indicator, c_unit, c_period,
        c_disaggregation, c_ordinal, c_numerator, c_denominator, c_value,
        c_revision, c_version, c_outlier, c_override, c_generated, c_approved;
    for (const Row& row : rows) {
      const ValueWrite& write = *row.write;
      c_indicator.push_back(write.indicator_id);
      c_unit.push_back(write.org_unit_id);
      c_period.push_back(write.period.text);
      c_disaggregation.push_back(write.disaggregation);
      c_ordinal.push_back(std::to_string(write.period.ordinal));
      c_numerator.push_back(OptionalText(write.numerator));
      c_denominator.push_back(OptionalText(write.denominator));
      c_value.push_back(write.value ? std::optional(row.value_text)
                                    : std::nullopt);
      c_revision.push_back(std::to_string(row.revision));
      c_version.push_back(std::to_string(row.version));
      c_outlier.push_back(row.outlier ? "true" : "false");
      c_override.push_back(row.locked ? std::optional(options.override_reason)
                                      : std::nullopt);
      c_generated.push_back(write.generated ? "true" : "false");
      c_approved.push_back(row.approved ? "true" : "false");
    }
    db::Params()
        .Add(ArrayLiteral(c_indicator))
        .Add(ArrayLiteral(c_unit))
        .Add(ArrayLiteral(c_period))
        .Add(ArrayLiteral(c_disaggregation))
        .Exec(tx, kSupersedeValues);
    db::Params()
        .Add(ArrayLiteral(c_indicator))
        .Add(ArrayLiteral(c_unit))
        .Add(ArrayLiteral(c_period))
        .Add(ArrayLiteral(c_disaggregation))
        .Add(ArrayLiteral(c_ordinal))
        .Add(ArrayLiteral(c_numerator))
        .Add(ArrayLiteral(c_denominator))
        .Add(ArrayLiteral(c_value))
        .Add(ArrayLiteral(c_revision))
        .Add(ArrayLiteral(c_version))
        .Add(ArrayLiteral(c_outlier))
        .Add(ArrayLiteral(c_override))
        .Add(ArrayLiteral(c_generated))
        .Add(ArrayLiteral(c_approved))
        .Add(v1::Provenance_Name(options.provenance))
        .Add(options.reporter)
        .AddOrNull(request_id)
        .Exec(tx, kUpsertValues);
  }

  // New values, with COPY: an import's rows reach the table at the speed of
  // psql's \copy.
  static void Insert(pqxx::transaction_base& tx, const std::vector<Row>& rows,
                     const WriteOptions& options,
                     const std::string& request_id) {
    static const std::vector<std::string> kColumns = {
        "indicator_id", "org_unit",      "period",
        "disaggregation", "period_ordinal", "numerator",
        "denominator",  "value",         "provenance",
        "reporter",     "revision",      "definition_version",
        "outlier",      "lock_override_reason", "generated",
        "request_id",   "approved"};
    const std::string provenance = v1::Provenance_Name(options.provenance);
    pqxx::stream_to stream(tx, "reported_values", kColumns);
    for (const Row& row : rows) {
      const ValueWrite& write = *row.write;
      const std::string ordinal = std::to_string(write.period.ordinal);
      const std::string numerator =
          write.numerator ? std::to_string(*write.numerator) : "";
      const std::string denominator =
          write.denominator ? std::to_string(*write.denominator) : "";
      const std::string revision = std::to_string(row.revision);
      const std::string version = std::to_string(row.version);
      auto or_null = [](bool present, const std::string& text) {
        return present ? text.c_str() : nullptr;
      };
      stream << std::make_tuple(
          write.indicator_id.c_str(), write.org_unit_id.c_str(),
          write.period.text.c_str(), write.disaggregation.c_str(),
          ordinal.c_str(), or_null(write.numerator.has_value(), numerator),
          or_null(write.denominator.has_value(), denominator),
          or_null(write.value.has_value(), row.value_text), provenance.c_str(),
          options.reporter.c_str(), revision.c_str(), version.c_str(),
          row.outlier ? "t" : "f",
          or_null(row.locked, options.override_reason),
          write.generated ? "t" : "f", or_null(!request_id.empty(), request_id),
          row.approved ? "t" : "f");
    }
    stream.complete();
  }

  static void AddToTotals(pqxx::transaction_base& tx,
                          const std::map<TotalsKey, TotalsDelta>& deltas) {
    std::vector<std::optional<std::string>> indicator, ordinal, period, all,
        disaggregation, numerator, denominator, value_count, reporters,
        meeting, plain;
    for (const auto& [key, delta] : deltas) {
      indicator.push_back(key.indicator_id);
      ordinal.push_back(std::to_string(key.period_ordinal));
      period.push_back(key.period);
      all.push_back(key.all_disaggregations ? "true" : "false");
      disaggregation.push_back(key.disaggregation);
      numerator.push_back(std::to_string(delta.numerator));
      denominator.push_back(std::to_string(delta.denominator));
      value_count.push_back(std::to_string(delta.value_count));
      reporters.push_back(std::to_string(delta.reporters));
      meeting.push_back(std::to_string(delta.meeting));
      // Kept only while a single value is counted; the statement clears it
      // when the stored count and this change add up to more.
      plain.push_back(delta.value_count <= 1 && !delta.last_value.empty()
                          ? std::optional(delta.last_value)
                          : std::nullopt);
    }
    db::Params()
        .Add(ArrayLiteral(indicator))
        .Add(ArrayLiteral(ordinal))
        .Add(ArrayLiteral(period))
        .Add(ArrayLiteral(all))
        .Add(ArrayLiteral(disaggregation))
        .Add(ArrayLiteral(numerator))
        .Add(ArrayLiteral(denominator))
        .Add(ArrayLiteral(value_count))
        .Add(ArrayLiteral(reporters))
        .Add(ArrayLiteral(meeting))
        .Add(ArrayLiteral(plain))
        .Exec(tx, kAddToTotals);
  }

  db::Pool& pool_;
  absl::Mutex analyze_mu_;
  bool analyzing_ ABSL_GUARDED_BY(analyze_mu_) = false;
  std::thread analyzer_ ABSL_GUARDED_BY(analyze_mu_);
};

}  // namespace

const std::vector<db::PreparedStatement>& IndicatorStatements() {
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {kGetIndicator,
       "SELECT " HPEDU_INDICATOR_COLUMNS "FROM indicators i WHERE i.id = $1"},
      {kGetIndicatorForUpdate, "SELECT " HPEDU_INDICATOR_COLUMNS
                               "FROM indicators i WHERE i.id = $1 FOR UPDATE"},
      {kGetIndicatorByRequest, "SELECT " HPEDU_INDICATOR_COLUMNS
                               "FROM indicators i WHERE i.request_id = $1"},
      {kGetIndicatorByCode,
       "SELECT " HPEDU_INDICATOR_COLUMNS "FROM indicators i WHERE i.code = $1"},
      {kSubmittedValue,
       "SELECT w.indicator_id, w.org_unit, w.period, s.workflow_id, s.state "
       "FROM unnest($1::text[], $2::text[], $3::text[]) "
       "  AS w(indicator_id, org_unit, period) "
       "JOIN submissions s ON s.org_unit = w.org_unit AND s.period = w.period "
       "  AND s.state IN ('SUBMITTED', 'APPROVED') "
       "JOIN approval_workflow_indicators i ON i.workflow_id = s.workflow_id "
       "  AND i.indicator_id = w.indicator_id"},
      {kListIndicators,
       "SELECT " HPEDU_INDICATOR_COLUMNS "FROM indicators i ORDER BY i.code"},
      // With the first ordinal the indicator's workflow gates (NULL: none).
      {kListIndicatorsGated,
       "SELECT " HPEDU_INDICATOR_COLUMNS ", w.first_ordinal "
       "FROM indicators i "
       "  LEFT JOIN approval_workflow_indicators wi ON wi.indicator_id = i.id "
       "  LEFT JOIN approval_workflows w ON w.id = wi.workflow_id "
       "ORDER BY i.code"},
      {kInsertIndicator,
       "INSERT INTO indicators (id, code, display_name, english_name, "
       "  unit_label, kind, factor, condition_threshold, direction, "
       "  lead_agency, reporting_level, school_level, period_type, "
       "  disaggregations, source, lock_after_days, request_id) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, $8::numeric, $9, $10, "
       "  $11, $12, $13, $14::text[], $15, $16::int, $17)"},
      {kInsertVersion,
       "INSERT INTO indicator_versions (indicator_id, version, kind, factor, "
       "  condition_threshold, unit_label) "
       "VALUES ($1, $2::int, $3, $4::bigint, $5::numeric, $6)"},
      {kUpdateIndicator,
       "UPDATE indicators SET code = $2, display_name = $3, "
       "  english_name = $4, unit_label = $5, kind = $6, factor = $7::bigint, "
       "  condition_threshold = $8::numeric, direction = $9, "
       "  lead_agency = $10, reporting_level = $11, school_level = $12, "
       "  period_type = $13, disaggregations = $14::text[], source = $15, "
       "  lock_after_days = $16::int, version = $17::int, "
       "  revision = revision + 1, update_time = now() "
       "WHERE id = $1"},
      {kGetTarget, "SELECT " HPEDU_TARGET_COLUMNS
                   "FROM targets t WHERE t.indicator_id = $1 AND t.id = $2"},
      {kGetTargetByRequest,
       "SELECT " HPEDU_TARGET_COLUMNS "FROM targets t WHERE t.request_id = $1"},
      {kInsertTarget,
       "INSERT INTO targets (indicator_id, id, org_unit, issuer, horizon, "
       "  horizon_end, disaggregation, comparator, value, plan_document, "
       "  request_id) "
       "VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9::numeric, $10, $11)"},
      {kListTargets,
       "SELECT " HPEDU_TARGET_COLUMNS "FROM targets t "
       "WHERE ($1::text[] IS NULL OR t.indicator_id = ANY ($1::text[])) "
       "  AND ($2::text IS NULL OR t.org_unit = $2) "
       "ORDER BY t.indicator_id, t.horizon_end, t.id"},
      {kRevisionByRequest,
       "SELECT " HPEDU_VALUE_COLUMNS "FROM reported_values v "
       "WHERE v.request_id = $1 "
       "UNION ALL "
       "SELECT " HPEDU_VALUE_COLUMNS "FROM reported_value_revisions v "
       "WHERE v.request_id = $1"},
      // The current values of the given units up to an ordinal: both the
      // rows a write may replace and the units' history.
      {kValueHistory,
       "SELECT v.indicator_id, v.org_unit, v.period, v.disaggregation, "
       "  v.period_ordinal, v.numerator, v.denominator, v.value::text, "
       "  v.revision "
       "FROM reported_values v "
       "WHERE v.indicator_id = ANY ($1::text[]) "
       "  AND v.org_unit = ANY ($2::text[]) AND v.period_ordinal <= "
       "$3::bigint"},
      {kUpsertValues,
       "INSERT INTO reported_values AS r (indicator_id, org_unit, period, "
       "  disaggregation, period_ordinal, numerator, denominator, value, "
       "  revision, definition_version, outlier, lock_override_reason, "
       "  generated, approved, provenance, reporter, report_time, request_id) "
       "SELECT u.*, $15, $16, now(), $17 FROM unnest($1::text[], $2::text[], "
       "  $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], "
       "  $8::numeric[], $9::bigint[], $10::int[], $11::boolean[], "
       "  $12::text[], $13::boolean[], $14::boolean[]) AS u "
       "ON CONFLICT (indicator_id, period, org_unit, disaggregation) "
       "DO UPDATE SET numerator = excluded.numerator, "
       "  denominator = excluded.denominator, value = excluded.value, "
       "  revision = excluded.revision, "
       "  definition_version = excluded.definition_version, "
       "  outlier = excluded.outlier, "
       "  lock_override_reason = excluded.lock_override_reason, "
       "  generated = excluded.generated, provenance = excluded.provenance, "
       "  reporter = excluded.reporter, report_time = excluded.report_time, "
       "  request_id = excluded.request_id, approved = excluded.approved"},
      // The current revisions of the given values, into the history.
      {kSupersedeValues,
       "INSERT INTO reported_value_revisions (indicator_id, org_unit, period, "
       "  disaggregation, revision, numerator, denominator, value, "
       "  provenance, reporter, report_time, definition_version, outlier, "
       "  lock_override_reason, generated, request_id) "
       "SELECT v.indicator_id, v.org_unit, v.period, v.disaggregation, "
       "  v.revision, v.numerator, v.denominator, v.value, v.provenance, "
       "  v.reporter, v.report_time, v.definition_version, v.outlier, "
       "  v.lock_override_reason, v.generated, v.request_id "
       "FROM reported_values v JOIN unnest($1::text[], $2::text[], "
       "  $3::text[], $4::text[]) AS k(i, o, p, d) "
       "  ON v.indicator_id = k.i AND v.period = k.p AND v.org_unit = k.o "
       "  AND v.disaggregation = k.d"},
      // Adds a write's changes to the city's totals.
      {kAddToTotals,
       "INSERT INTO value_totals AS t (indicator_id, period_ordinal, period, "
       "  all_disaggregations, disaggregation, numerator, denominator, "
       "  value_count, reporters, meeting, plain_value) "
       "SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], "
       "  $4::boolean[], $5::text[], $6::bigint[], $7::bigint[], $8::int[], "
       "  $9::int[], $10::int[], $11::numeric[]) "
       "ON CONFLICT (indicator_id, period_ordinal, all_disaggregations, "
       "  disaggregation) "
       "DO UPDATE SET numerator = t.numerator + excluded.numerator, "
       "  denominator = t.denominator + excluded.denominator, "
       "  value_count = t.value_count + excluded.value_count, "
       "  reporters = t.reporters + excluded.reporters, "
       "  meeting = t.meeting + excluded.meeting, "
       "  plain_value = CASE WHEN t.value_count + excluded.value_count = 1 "
       "    THEN coalesce(excluded.plain_value, t.plain_value) END"},
      // An indicator's totals from its current values (after its condition
      // changed).
      {kClearTotals, "DELETE FROM value_totals WHERE indicator_id = $1"},
      {kRebuildTotals,
       "INSERT INTO value_totals "
       "SELECT v.indicator_id, v.period_ordinal, min(v.period), "
       "  GROUPING(v.disaggregation) = 1, "
       "  CASE WHEN GROUPING(v.disaggregation) = 1 THEN '' "
       "    ELSE v.disaggregation END, "
       "  coalesce(sum(v.numerator), 0), coalesce(sum(v.denominator), 0), "
       "  count(*), count(DISTINCT v.org_unit), "
       "  count(*) FILTER (WHERE v.value >= i.condition_threshold), "
       "  CASE WHEN count(*) = 1 THEN min(v.value) END "
       "FROM reported_values v JOIN indicators i ON i.id = v.indicator_id "
       "WHERE v.indicator_id = $1 "
       "GROUP BY GROUPING SETS ("
       "  (v.indicator_id, v.period_ordinal, v.disaggregation), "
       "  (v.indicator_id, v.period_ordinal))"},
      {kClearApprovedTotals,
       "DELETE FROM approved_totals WHERE indicator_id = ANY ($1::text[]) "
       "  AND ($2::text IS NULL OR period = $2)"},
      {kRecountApprovedTotals,
       "INSERT INTO approved_totals "
       "SELECT v.indicator_id, v.period_ordinal, min(v.period), "
       "  GROUPING(v.disaggregation) = 1, "
       "  CASE WHEN GROUPING(v.disaggregation) = 1 THEN '' "
       "    ELSE v.disaggregation END, "
       "  coalesce(sum(v.numerator), 0), coalesce(sum(v.denominator), 0), "
       "  count(*), count(DISTINCT v.org_unit), "
       "  count(*) FILTER (WHERE v.value >= i.condition_threshold), "
       "  CASE WHEN count(*) = 1 THEN min(v.value) END "
       "FROM reported_values v JOIN indicators i ON i.id = v.indicator_id "
       "  JOIN approval_workflow_indicators wi ON wi.indicator_id = "
       "v.indicator_id "
       "  JOIN approval_workflows w ON w.id = wi.workflow_id "
       "WHERE v.indicator_id = ANY ($1::text[]) "
       "  AND ($2::text IS NULL OR v.period = $2) "
       "  AND v.period_ordinal >= w.first_ordinal AND v.approved "
       "GROUP BY GROUPING SETS ("
       "  (v.indicator_id, v.period_ordinal, v.disaggregation), "
       "  (v.indicator_id, v.period_ordinal))"},
      // The city's totals, all or approved only: for a period a workflow
      // gates, the approved ones and the units left out.
      {kCityTotals,
       "SELECT t.indicator_id, t.period_ordinal, t.period, '', "
       "  t.disaggregation, t.all_disaggregations::int, "
       "  CASE WHEN c.counted THEN t.numerator ELSE coalesce(a.numerator, 0) "
       "END, "
       "  CASE WHEN c.counted THEN t.denominator "
       "    ELSE coalesce(a.denominator, 0) END, "
       "  CASE WHEN c.counted THEN t.reporters ELSE coalesce(a.reporters, 0) "
       "END, "
       "  CASE WHEN c.counted THEN t.meeting ELSE coalesce(a.meeting, 0) END, "
       "  (CASE WHEN c.counted THEN t.plain_value ELSE a.plain_value "
       "END)::text, "
       "  CASE WHEN g.indicator_id IS NULL THEN 0 "
       "    ELSE t.reporters - coalesce(a.reporters, 0) END "
       "FROM value_totals t "
       "  LEFT JOIN (SELECT wi.indicator_id, w.first_ordinal "
       "    FROM approval_workflow_indicators wi "
       "    JOIN approval_workflows w ON w.id = wi.workflow_id) AS g "
       "    ON g.indicator_id = t.indicator_id "
       "    AND t.period_ordinal >= g.first_ordinal "
       "  LEFT JOIN approved_totals a ON g.indicator_id IS NOT NULL "
       "    AND a.indicator_id = t.indicator_id "
       "    AND a.period_ordinal = t.period_ordinal "
       "    AND a.all_disaggregations = t.all_disaggregations "
       "    AND a.disaggregation = t.disaggregation "
       "  CROSS JOIN LATERAL (SELECT $4::boolean OR g.indicator_id IS NULL) "
       "    AS c(counted) "
       "WHERE t.indicator_id = ANY ($1::text[]) "
       "  AND t.period_ordinal BETWEEN $2::bigint AND $3::bigint "
       "  AND t.value_count > 0"},
      // Which of the given (indicator, unit, period) have a current value.
      {kReporters,
       "SELECT DISTINCT v.indicator_id, v.org_unit "
       "FROM unnest($1::text[], $2::text[], $3::text[]) AS k(i, o, p) "
       "  JOIN reported_values v ON v.indicator_id = k.i "
       "  AND v.period = k.p AND v.org_unit = k.o"},
      {kGetValue, "SELECT " HPEDU_VALUE_COLUMNS
                  "FROM reported_values v WHERE v.indicator_id = $1 "
                  "  AND v.org_unit = $2 AND v.period = $3 "
                  "  AND v.disaggregation = $4"},
      // The values of the keys in $1..$4, in their order (column n).
      {kGetValues,
       "SELECT " HPEDU_VALUE_COLUMNS ", k.n "
       "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
       "  WITH ORDINALITY AS k(indicator_id, org_unit, period, "
       "    disaggregation, n) "
       "JOIN reported_values v ON v.indicator_id = k.indicator_id "
       "  AND v.org_unit = k.org_unit AND v.period = k.period "
       "  AND v.disaggregation = k.disaggregation "
       "ORDER BY k.n"},
      {kListValues,
       "SELECT " HPEDU_VALUE_COLUMNS "FROM reported_values v "
       "WHERE v.indicator_id = $1 "
       "  AND ($2::text IS NULL OR v.period = $2) "
       "  AND ($3::text IS NULL OR v.org_unit = $3) "
       "  AND ($4::text IS NULL OR (v.org_unit, v.disaggregation, v.period) "
       "       > ($4, $6, $5)) "
       "ORDER BY v.org_unit, v.disaggregation, v.period LIMIT $7::int"},
      // The current revision, then those it superseded.
      {kListRevisions,
       "SELECT " HPEDU_VALUE_COLUMNS "FROM reported_values v "
       "WHERE v.indicator_id = $1 AND v.org_unit = $2 AND v.period = $3 "
       "  AND v.disaggregation = $4 "
       "UNION ALL "
       "SELECT " HPEDU_VALUE_COLUMNS "FROM reported_value_revisions v "
       "WHERE v.indicator_id = $1 AND v.org_unit = $2 AND v.period = $3 "
       "  AND v.disaggregation = $4 ORDER BY 11 DESC"},
      {kAnalyzeValues, "ANALYZE reported_values"},
      // Sums per indicator, period, group and disaggregation, and per
      // group over all disaggregations (GROUPING(...) = 1).
      {kSumValues,
       "WITH m AS (SELECT * FROM unnest($1::text[], $2::text[]) "
       "           AS m(unit_id, group_id)) "
       "SELECT v.indicator_id, v.period_ordinal, min(v.period), m.group_id, "
       "  v.disaggregation, GROUPING(v.disaggregation), "
       "  coalesce(sum(v.numerator) FILTER (WHERE c.counted), 0)::bigint, "
       "  coalesce(sum(v.denominator) FILTER (WHERE c.counted), 0)::bigint, "
       "  (count(DISTINCT v.org_unit) FILTER (WHERE c.counted))::int, "
       "  (count(*) FILTER (WHERE c.counted "
       "    AND v.value >= i.condition_threshold))::int, "
       "  CASE WHEN count(*) FILTER (WHERE c.counted) = 1 "
       "    THEN (min(v.value) FILTER (WHERE c.counted))::text END, "
       "  (count(DISTINCT v.org_unit) FILTER (WHERE NOT v.approved))::int "
       "FROM reported_values v JOIN m ON m.unit_id = v.org_unit "
       "  JOIN indicators i ON i.id = v.indicator_id "
       "  CROSS JOIN LATERAL (SELECT v.approved OR $6::boolean) AS c(counted) "
       "WHERE v.indicator_id = ANY ($3::text[]) "
       "  AND v.period_ordinal BETWEEN $4::bigint AND $5::bigint "
       "GROUP BY GROUPING SETS ("
       "  (v.indicator_id, v.period_ordinal, m.group_id, v.disaggregation), "
       "  (v.indicator_id, v.period_ordinal, m.group_id))"},
  };
  return *kStatements;
}

std::unique_ptr<IndicatorStore> NewPostgresIndicatorStore(db::Pool& pool) {
  return std::make_unique<PostgresIndicatorStore>(pool);
}

void RecountApprovedTotals(pqxx::transaction_base& tx,
                           const std::vector<std::string>& indicator_ids,
                           const std::string& period) {
  const std::string ids = db::TextArrayLiteral(indicator_ids);
  db::Params().Add(ids).AddOrNull(period).Exec(tx, kClearApprovedTotals);
  db::Params().Add(ids).AddOrNull(period).Exec(tx, kRecountApprovedTotals);
}

}  // namespace hpedu::indicators
