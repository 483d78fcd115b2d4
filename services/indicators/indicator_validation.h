// Request validation of the indicators service: every bad field of a
// request at once, as BadRequest field violations (AIP-193), before
// anything is read or written. Also the check of one reported value against
// its indicator's definition, shared by ReportValue and the CSV import.
#ifndef HPEDU_SERVICES_INDICATORS_INDICATOR_VALIDATION_H_
#define HPEDU_SERVICES_INDICATORS_INDICATOR_VALIDATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/indicators/v1/indicators_service.pb.h"
#include "libs/status/errors.h"
#include "services/indicators/indicator_store.h"
#include "services/indicators/rollup.h"

namespace hpedu::indicators {

// The collection every indicator name belongs to, and the wildcard id.
inline constexpr std::string_view kAllIndicators = "-";
// The org unit of roll-ups that name none.
inline constexpr std::string_view kCityUnitId = "hai-phong";

bool IsUuid(std::string_view text);

// `indicators/{id}` -> id; `allow_all` accepts `indicators/-`.
absl::StatusOr<std::string> ParseIndicatorName(std::string_view name,
                                               std::string_view field,
                                               bool allow_all = false);
// `units/{id}` -> id.
absl::StatusOr<std::string> ParseUnitName(std::string_view name,
                                          std::string_view field);

// Adds a violation (under `prefix`) for each bad field of a definition.
void ValidateIndicatorFields(const v1::Indicator& indicator,
                             std::string_view prefix,
                             FieldViolations& violations);

struct CreateIndicatorCommand {
  std::string id;
  v1::Indicator indicator;
  std::string request_id;
};
absl::StatusOr<CreateIndicatorCommand> ValidateCreateIndicatorRequest(
    const v1::CreateIndicatorRequest& request);
absl::StatusOr<IndicatorUpdate> ValidateUpdateIndicatorRequest(
    const v1::UpdateIndicatorRequest& request);

// The target of a CreateTarget request, checked against its indicator;
// returns the horizon's last day.
absl::StatusOr<absl::CivilDay> ValidateTarget(const v1::Indicator& indicator,
                                              const v1::CreateTargetRequest& request);

// One reported value checked against `indicator`: whole counts, numerator
// <= denominator when the factor is 100 (a percentage), denominator > 0,
// percentages within 0-100, a period of the indicator's type, a declared
// disaggregation. Each problem is added to `problems` as (column, message).
struct ValueInput {
  std::string org_unit;  // `units/{id}` or a bare id
  std::string period;
  std::string disaggregation;
  // RATIO: whole numbers as text ("" when absent).
  std::string numerator;
  std::string denominator;
  // Other kinds: a decimal as text.
  std::string value;
  bool generated = false;
};
// The figures of `value` as ValidateValue reads them for `indicator`'s
// kind (negative counts and figures of the wrong kind become text it
// refuses).
ValueInput ValueInputOf(const v1::Indicator& indicator,
                        const v1::ReportedValue& value);

// Values of indicators computed by another service are refused, unless
// `computed` (what that service answered, RefreshComputedValues).
std::optional<ValueWrite> ValidateValue(
    const v1::Indicator& indicator, const ValueInput& input, int line,
    std::vector<std::pair<std::string, std::string>>& problems,
    bool computed = false);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_INDICATOR_VALIDATION_H_
