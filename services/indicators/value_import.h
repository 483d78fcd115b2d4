// The Sở's import file of reported values: one line per unit x indicator x
// period (x disaggregation). Parsing and checking are pure; the store
// writes the result in one transaction.
//
//   indicator,org_unit,period,disaggregation,numerator,denominator,value,generated
//   HP-16,mn-hoa-sen,2025-2026,,1,1,,true
#ifndef HPEDU_SERVICES_INDICATORS_VALUE_IMPORT_H_
#define HPEDU_SERVICES_INDICATORS_VALUE_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/indicators/v1/indicator.pb.h"
#include "services/indicators/indicator_store.h"

namespace hpedu::indicators {

inline constexpr char kValuesCsvHeader[] =
    "indicator,org_unit,period,disaggregation,numerator,denominator,value,"
    "generated";

// One line of the file, before checking.
struct ValueLine {
  std::string indicator;  // code "HP-16" or name "indicators/hp-16"
  std::string org_unit;
  std::string period;
  std::string disaggregation;
  std::string numerator;
  std::string denominator;
  std::string value;
  bool generated = false;
};

// Parses and checks a whole file against the stored `indicators`.
// INVALID_ARGUMENT with one violation on "csv_content" per bad line
// ("dòng L, cột C: ..."); nothing is returned unless every line is good.
absl::StatusOr<std::vector<ValueWrite>> ParseValuesCsv(
    std::string_view content, const std::vector<v1::Indicator>& indicators);

// The file for `lines`, header first (for the demo generator and tests).
std::string FormatValuesCsv(const std::vector<ValueLine>& lines);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_VALUE_IMPORT_H_
