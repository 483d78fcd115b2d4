// The indicators service's repository: indicators, targets and reported
// values. An abstract interface so the service is written against the
// contract; the PostgreSQL implementation is indicator_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe.
#ifndef HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_H_
#define HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/indicators/v1/indicator.pb.h"
#include "libs/server/call_context.h"
#include "services/indicators/rollup.h"

namespace hpedu::indicators {

// A validated UpdateIndicator request: the fields to change.
struct IndicatorUpdate {
  std::string id = "";
  // Empty: no check; otherwise must be the current etag.
  std::string etag = "";
  // The indicator's fields in `update_mask`, taken from this message.
  v1::Indicator fields;
  std::vector<std::string> paths;
};

// One value to write, validated against its indicator's definition
// (ValidateValue), with the line it came from (0 for ReportValue).
struct ValueWrite {
  int line = 0;
  std::string indicator_id;
  std::string org_unit_id;
  Period period;
  std::string disaggregation;
  // RATIO.
  std::optional<int64_t> numerator;
  std::optional<int64_t> denominator;
  // Other kinds.
  std::optional<Decimal> value;
  bool generated = false;
};

struct WriteOptions {
  v1::Provenance provenance = v1::ENTERED;
  // The caller, recorded as reporter.
  std::string reporter;
  // Whether a period is closed is decided on this day.
  absl::CivilDay today;
  // Allows writes into closed periods; recorded with each such revision.
  std::string override_reason;
  // Count and check only.
  bool validate_only = false;
  // ReportValue's request_id: a retry returns the revision it wrote.
  std::string request_id;
};

struct WriteResult {
  int created = 0;
  int corrected = 0;
  int unchanged = 0;
  // Lines (or 0 for ReportValue) of values flagged as outliers.
  std::vector<int> outlier_lines;
  // The current revision of each written value, in input order (empty with
  // validate_only).
  std::vector<v1::ReportedValue> values;
};

// Where a value listing page ends.
struct ValuePosition {
  std::string org_unit_id;
  std::string period;
  std::string disaggregation;
};

struct ValueQuery {
  std::string indicator_id;
  std::string period;       // empty: every period
  std::string org_unit_id;  // empty: every unit
  int page_size = 50;
  std::optional<ValuePosition> after;
};

struct SumQuery {
  std::vector<std::string> indicator_ids;
  // Periods with ordinal in [first_ordinal, last_ordinal].
  int64_t first_ordinal = 0;
  int64_t last_ordinal = 0;
  // Reporting units and the group (unit directly below the roll-up's org
  // unit) each belongs to; reports of other units are ignored.
  std::vector<std::string> unit_ids;
  std::vector<std::string> group_ids;
  // Sum every current value; otherwise approved values only, and count the
  // units whose values are left out (Totals::unapproved_reporters).
  bool include_unapproved = false;
};

// A unit's report of an indicator in a period.
struct ReporterKey {
  std::string indicator_id;
  std::string org_unit_id;
  std::string period;
  friend auto operator<=>(const ReporterKey&, const ReporterKey&) = default;
};

// The store's reads. Each takes the call for its deadline when the store
// runs it alone; within ReadSnapshot the snapshot's transaction bounds it.
class IndicatorReader {
 public:
  virtual ~IndicatorReader() = default;

  // NOT_FOUND if there is none.
  virtual absl::StatusOr<v1::Indicator> GetIndicator(
      const server::CallContext& call, const std::string& id) = 0;
  // Every indicator, in code order (there are tens, not thousands).
  virtual absl::StatusOr<std::vector<v1::Indicator>> ListIndicators(
      const server::CallContext& call) = 0;
  // Targets of `indicator_ids` (all when empty) for `org_unit_id` (any when
  // empty), by indicator then horizon end then id.
  virtual absl::StatusOr<std::vector<v1::Target>> ListTargets(
      const server::CallContext& call,
      const std::vector<std::string>& indicator_ids,
      const std::string& org_unit_id) = 0;
  // One page of current values, by org unit, disaggregation, period; and
  // whether more follow.
  virtual absl::StatusOr<std::pair<std::vector<v1::ReportedValue>, bool>>
  ListValues(const server::CallContext& call, const ValueQuery& query) = 0;
  // Every revision of one value, newest first. NOT_FOUND if none.
  virtual absl::StatusOr<std::vector<v1::ReportedValue>> ListRevisions(
      const server::CallContext& call, const std::string& indicator_id,
      const std::string& org_unit_id, const std::string& period,
      const std::string& disaggregation) = 0;
  // Current values (all, or approved only) summed per indicator, period,
  // group and disaggregation (and over all disaggregations).
  virtual absl::StatusOr<std::vector<GroupSum>> SumValues(
      const server::CallContext& call, const SumQuery& query) = 0;
  // The same sums over every current value of the city (unit_ids and
  // group_ids are ignored; group_id is empty), from totals that each write
  // keeps: the cost does not grow with the number of values.
  virtual absl::StatusOr<std::vector<GroupSum>> SumCityValues(
      const server::CallContext& call, const SumQuery& query) = 0;
  // Those of `candidates` that have a current value.
  virtual absl::StatusOr<std::set<ReporterKey>> Reported(
      const server::CallContext& call,
      const std::vector<ReporterKey>& candidates) = 0;
};

// The reads, each in a transaction of its own, and the writes.
class IndicatorStore : public IndicatorReader {
 public:
  // Runs `reads` with a reader whose reads all see one snapshot (one
  // read-only transaction): a view made of several reads pays for one
  // transaction, not one each. `reads` may run again when the transaction
  // is retried, so it must have no other effect.
  virtual absl::Status ReadSnapshot(
      const server::CallContext& call,
      const std::function<absl::Status(IndicatorReader&)>& reads) = 0;

  // Creates `indicator` (validated) as `id`, version 1. A `request_id` that
  // created one before returns it. ALREADY_EXISTS if the id or code is
  // taken.
  virtual absl::StatusOr<v1::Indicator> CreateIndicator(
      const server::CallContext& call, const std::string& id,
      const v1::Indicator& indicator, const std::string& request_id) = 0;
  // NOT_FOUND; ABORTED on a stale etag. A new formula version when kind,
  // factor, condition_threshold or unit_label change.
  virtual absl::StatusOr<v1::Indicator> UpdateIndicator(
      const server::CallContext& call, const IndicatorUpdate& update) = 0;

  // NOT_FOUND if the indicator does not exist; ALREADY_EXISTS if the id is
  // taken; a `request_id` that created one before returns it.
  virtual absl::StatusOr<v1::Target> CreateTarget(
      const server::CallContext& call, const std::string& indicator_id,
      const std::string& target_id, const v1::Target& target,
      absl::CivilDay horizon_end, const std::string& request_id) = 0;

  // Writes `values` in one transaction, all or nothing: new values,
  // corrections (a new revision; identical values are left unchanged),
  // outlier flags against each unit's earlier periods. INVALID_ARGUMENT
  // with a violation per offending line (field "csv_content", or "value"
  // when line is 0) for writes into closed periods without override.
  virtual absl::StatusOr<WriteResult> WriteValues(
      const server::CallContext& call, const std::vector<ValueWrite>& values,
      const WriteOptions& options) = 0;
};

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_INDICATOR_STORE_H_
