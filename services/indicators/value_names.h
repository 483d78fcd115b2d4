// Resource names of reported values:
// indicators/{indicator}/values/{unit}~{period}[~{disaggregation}].
#ifndef HPEDU_SERVICES_INDICATORS_VALUE_NAMES_H_
#define HPEDU_SERVICES_INDICATORS_VALUE_NAMES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hpedu::indicators {

std::string ValueName(std::string_view indicator_id,
                      std::string_view org_unit_id, std::string_view period,
                      std::string_view disaggregation);

struct ValueKeyParts {
  std::string indicator_id;
  std::string org_unit_id;
  std::string period;
  std::string disaggregation;
};
// INVALID_ARGUMENT on `field` unless `name` has the form above.
absl::StatusOr<ValueKeyParts> ParseValueName(std::string_view name,
                                             std::string_view field);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_VALUE_NAMES_H_
