#include "services/indicators/value_import.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/base/string_view.h"
#include "libs/csv/csv_reader.h"
#include "libs/status/status_macros.h"
#include "services/indicators/indicator_validation.h"

namespace hpedu::indicators {

absl::StatusOr<std::vector<ValueWrite>> ParseValuesCsv(
    std::string_view content, const std::vector<v1::Indicator>& indicators) {
  ASSIGN_OR_RETURN(const csv::CsvTable table, csv::CsvTable::Parse(content));
  RETURN_IF_ERROR(table.RequireColumns({"indicator", "org_unit", "period",
                                        "disaggregation", "numerator",
                                        "denominator", "value"}));
  std::map<std::string, const v1::Indicator*> by_key;
  for (const v1::Indicator& indicator : indicators) {
    by_key[indicator.code()] = &indicator;
    by_key[indicator.name()] = &indicator;
  }
  const int c_indicator = table.ColumnIndex("indicator");
  const int c_unit = table.ColumnIndex("org_unit");
  const int c_period = table.ColumnIndex("period");
  const int c_disaggregation = table.ColumnIndex("disaggregation");
  const int c_numerator = table.ColumnIndex("numerator");
  const int c_denominator = table.ColumnIndex("denominator");
  const int c_value = table.ColumnIndex("value");
  const int c_generated = table.ColumnIndex("generated");

  csv::LineErrors errors;
  std::vector<ValueWrite> writes;
  writes.reserve(table.records().size());
  for (const csv::CsvRecord& record : table.records()) {
    auto field = [&](int column) {
      return std::string(ToStd(absl::StripAsciiWhitespace(
          ToAbsl(record.fields[static_cast<size_t>(column)]))));
    };
    const std::string key = field(c_indicator);
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      errors.Add(record.line, "indicator",
                 absl::StrCat("không có chỉ tiêu \"", key,
                              "\" (unknown indicator)"));
      continue;
    }
    ValueInput input;
    input.org_unit = field(c_unit);
    input.period = field(c_period);
    input.disaggregation = field(c_disaggregation);
    input.numerator = field(c_numerator);
    input.denominator = field(c_denominator);
    input.value = field(c_value);
    if (c_generated >= 0) {
      const std::string generated = field(c_generated);
      if (generated == "true") {
        input.generated = true;
      } else if (!generated.empty() && generated != "false") {
        errors.Add(record.line, "generated", "true, false hoặc trống");
      }
    }
    std::vector<std::pair<std::string, std::string>> problems;
    std::optional<ValueWrite> write =
        ValidateValue(*it->second, input, record.line, problems);
    for (const auto& [column, message] : problems) {
      errors.Add(record.line, column, message);
    }
    if (write) writes.push_back(*std::move(write));
  }
  RETURN_IF_ERROR(errors.ToStatus());
  return writes;
}

std::string FormatValuesCsv(const std::vector<ValueLine>& lines) {
  // CsvLine ends lines with CRLF (RFC 4180); the header too, so that
  // every line ends alike (COPY insists).
  std::string out = absl::StrCat(kValuesCsvHeader, "\r\n");
  for (const ValueLine& line : lines) {
    absl::StrAppend(&out,
                    csv::CsvLine({line.indicator, line.org_unit, line.period,
                                  line.disaggregation, line.numerator,
                                  line.denominator, line.value,
                                  line.generated ? "true" : "false"}));
  }
  return out;
}

}  // namespace hpedu::indicators
