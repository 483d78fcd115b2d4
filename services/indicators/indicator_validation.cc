#include "services/indicators/indicator_validation.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/api/field_mask.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/status/status_macros.h"
#include "services/indicators/value_names.h"

namespace hpedu::indicators {
namespace {

void Absorb(const absl::Status& status, std::string_view field,
            FieldViolations& violations) {
  if (status.ok()) return;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  if (bad_request.field_violations().empty()) {
    violations.Add(field, ToStd(status.message()));
    return;
  }
  for (const auto& violation : bad_request.field_violations()) {
    violations.Add(violation.field(), violation.description());
  }
}

std::string MessageOf(const absl::Status& status) {
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  if (!bad_request.field_violations().empty()) {
    return bad_request.field_violations(0).description();
  }
  return std::string(ToStd(status.message()));
}

constexpr char kRequired[] = "bắt buộc (required)";

// A whole number >= 0 written plainly ("120"); nullopt otherwise.
std::optional<int64_t> ParseCount(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string ValueName(std::string_view indicator_id,
                      std::string_view org_unit_id, std::string_view period,
                      std::string_view disaggregation) {
  std::string name =
      absl::StrCat("indicators/", ToAbsl(indicator_id), "/values/",
                   ToAbsl(org_unit_id), "~", ToAbsl(period));
  if (!disaggregation.empty()) absl::StrAppend(&name, "~", ToAbsl(disaggregation));
  return name;
}

absl::StatusOr<ValueKeyParts> ParseValueName(std::string_view name,
                                             std::string_view field) {
  auto bad = [&] {
    return InvalidField(field,
                        "cần dạng indicators/{chỉ tiêu}/values/{đơn vị}~{kỳ}"
                        "[~{phân tổ}] (invalid value name)");
  };
  const size_t values = name.find("/values/");
  if (values == std::string_view::npos) return bad();
  absl::StatusOr<std::string> indicator =
      ParseIndicatorName(name.substr(0, values), field);
  if (!indicator.ok()) return bad();
  std::string_view rest = name.substr(values + sizeof("/values/") - 1);
  ValueKeyParts parts;
  parts.indicator_id = *indicator;
  const size_t first = rest.find('~');
  if (first == std::string_view::npos) return bad();
  parts.org_unit_id = std::string(rest.substr(0, first));
  rest.remove_prefix(first + 1);
  const size_t second = rest.find('~');
  parts.period = std::string(rest.substr(0, second));
  if (second != std::string_view::npos) {
    parts.disaggregation = std::string(rest.substr(second + 1));
    if (parts.disaggregation.empty()) return bad();
  }
  if (!api::IsValidResourceId(parts.org_unit_id) || parts.period.empty()) {
    return bad();
  }
  return parts;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !absl::ascii_isxdigit(text[i])) return false;
  }
  return true;
}

absl::StatusOr<std::string> ParseIndicatorName(std::string_view name,
                                               std::string_view field,
                                               bool allow_all) {
  if (allow_all && name == "indicators/-") return std::string(kAllIndicators);
  if (name.empty()) return InvalidField(field, kRequired);
  return api::ParseResourceId(name, "indicators", field);
}

absl::StatusOr<std::string> ParseUnitName(std::string_view name,
                                          std::string_view field) {
  if (name.empty()) return InvalidField(field, kRequired);
  return api::ParseResourceId(name, "units", field);
}

void ValidateIndicatorFields(const v1::Indicator& indicator,
                             std::string_view prefix,
                             FieldViolations& violations) {
  const std::string p(prefix);
  if (indicator.code().empty() || indicator.code().size() > 20) {
    violations.Add(p + "code", "bắt buộc, tối đa 20 ký tự (required, <= 20)");
  }
  if (indicator.display_name().empty() || indicator.display_name().size() > 500) {
    violations.Add(p + "display_name", "bắt buộc, tối đa 500 byte (required)");
  }
  if (indicator.unit_label().empty() || indicator.unit_label().size() > 50) {
    violations.Add(p + "unit_label", "bắt buộc, tối đa 50 byte (required)");
  }
  switch (indicator.kind()) {
    case v1::RATIO:
      if (indicator.factor() <= 0 || indicator.factor() > 1000000) {
        violations.Add(p + "factor",
                       "chỉ tiêu tỷ lệ cần hệ số 1..1000000, như 100 cho % "
                       "(a ratio needs a factor, 100 for %)");
      }
      if (!indicator.condition_threshold().empty()) {
        violations.Add(p + "condition_threshold",
                       "chỉ dành cho UNIT_COUNT (only for UNIT_COUNT)");
      }
      break;
    case v1::UNIT_COUNT:
      Absorb(ParseDecimal(indicator.condition_threshold(),
                          p + "condition_threshold")
                 .status(),
             p + "condition_threshold", violations);
      [[fallthrough]];
    case v1::PLAIN_VALUE:
      if (indicator.factor() != 0) {
        violations.Add(p + "factor", "chỉ dành cho RATIO (only for RATIO)");
      }
      if (indicator.kind() == v1::PLAIN_VALUE &&
          !indicator.condition_threshold().empty()) {
        violations.Add(p + "condition_threshold",
                       "chỉ dành cho UNIT_COUNT (only for UNIT_COUNT)");
      }
      break;
    default:
      violations.Add(p + "kind", kRequired);
  }
  if (indicator.direction() == v1::DIRECTION_UNSPECIFIED) {
    violations.Add(p + "direction", kRequired);
  }
  if (!indicator.lead_agency().empty()) {
    Absorb(ParseUnitName(indicator.lead_agency(), p + "lead_agency").status(),
           p + "lead_agency", violations);
  }
  if (indicator.reporting_level() == v1::REPORTING_LEVEL_UNSPECIFIED) {
    violations.Add(p + "reporting_level", kRequired);
  }
  static const std::set<std::string_view> kLevels = {"MN", "TH", "THCS",
                                                     "THPT", "GDTX", "GDNN"};
  if (!indicator.school_level().empty() &&
      (indicator.reporting_level() != v1::SCHOOL ||
       !kLevels.contains(indicator.school_level()))) {
    violations.Add(p + "school_level",
                   "một cấp học (MN, TH, THCS, THPT, GDTX, GDNN), chỉ khi "
                   "trường báo cáo (a school level, for SCHOOL reporting)");
  }
  if (indicator.period_type() == v1::PERIOD_TYPE_UNSPECIFIED) {
    violations.Add(p + "period_type", kRequired);
  }
  std::set<std::string> seen;
  for (int i = 0; i < indicator.disaggregations_size(); ++i) {
    const std::string& d = indicator.disaggregations(i);
    if (d.empty() || d.size() > 30 || absl::StrContains(d, ";") ||
        absl::StrContains(d, "~") || absl::StrContains(d, "/") ||
        !seen.insert(d).second) {
      violations.Add(absl::StrCat(p, "disaggregations[", i, "]"),
                     "1-30 byte, không trùng, không có ; ~ / (distinct, "
                     "without ; ~ /)");
    }
  }
  if (indicator.lock_after_days() < 0 || indicator.lock_after_days() > 3660) {
    violations.Add(p + "lock_after_days", "0..3660");
  }
}

absl::StatusOr<CreateIndicatorCommand> ValidateCreateIndicatorRequest(
    const v1::CreateIndicatorRequest& request) {
  FieldViolations violations;
  if (!api::IsValidResourceId(request.indicator_id())) {
    violations.Add("indicator_id",
                   "1-63 ký tự a-z, 0-9, '-', bắt đầu bằng chữ cái "
                   "(invalid id)");
  }
  if (!request.request_id().empty() && !IsUuid(request.request_id())) {
    violations.Add("request_id", "phải là UUID (must be a UUID)");
  }
  if (!request.has_indicator()) {
    violations.Add("indicator", kRequired);
  } else {
    ValidateIndicatorFields(request.indicator(), "indicator.", violations);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  CreateIndicatorCommand command;
  command.id = request.indicator_id();
  command.indicator = request.indicator();
  command.request_id = request.request_id();
  return command;
}

absl::StatusOr<IndicatorUpdate> ValidateUpdateIndicatorRequest(
    const v1::UpdateIndicatorRequest& request) {
  FieldViolations violations;
  absl::StatusOr<std::string> id =
      ParseIndicatorName(request.indicator().name(), "indicator.name");
  Absorb(id.status(), "indicator.name", violations);
  Absorb(api::ValidateFieldMask(
             request.update_mask(),
             {"display_name", "english_name", "unit_label", "factor",
              "condition_threshold", "direction", "lead_agency",
              "lock_after_days"}),
         "update_mask", violations);
  IndicatorUpdate update;
  update.fields = request.indicator();
  for (const std::string& path : request.update_mask().paths()) {
    update.paths.push_back(path);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  update.id = *id;
  update.etag = request.indicator().etag();
  return update;
}

absl::StatusOr<absl::CivilDay> ValidateTarget(
    const v1::Indicator& indicator, const v1::CreateTargetRequest& request) {
  FieldViolations violations;
  if (!api::IsValidResourceId(request.target_id())) {
    violations.Add("target_id", "1-63 ký tự a-z, 0-9, '-' (invalid id)");
  }
  if (!request.request_id().empty() && !IsUuid(request.request_id())) {
    violations.Add("request_id", "phải là UUID (must be a UUID)");
  }
  const v1::Target& target = request.target();
  Absorb(ParseUnitName(target.org_unit(), "target.org_unit").status(),
         "target.org_unit", violations);
  if (target.issuer().empty() || target.issuer().size() > 300) {
    violations.Add("target.issuer", kRequired);
  }
  absl::StatusOr<Period> horizon = ParseHorizon(
      indicator.period_type(), target.horizon(), "target.horizon");
  Absorb(horizon.status(), "target.horizon", violations);
  if (!target.disaggregation().empty() &&
      std::find(indicator.disaggregations().begin(),
                indicator.disaggregations().end(),
                target.disaggregation()) == indicator.disaggregations().end()) {
    violations.Add("target.disaggregation",
                   "không thuộc phân tổ của chỉ tiêu (not one of the "
                   "indicator's disaggregations)");
  }
  if (target.comparator() == v1::COMPARATOR_UNSPECIFIED) {
    violations.Add("target.comparator", kRequired);
  }
  Absorb(ParseDecimal(target.value(), "target.value").status(), "target.value",
         violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return horizon->last_day;
}

ValueInput ValueInputOf(const v1::Indicator& indicator,
                        const v1::ReportedValue& value) {
  ValueInput input;
  input.org_unit = value.org_unit();
  input.period = value.period();
  input.disaggregation = value.disaggregation();
  input.value = value.value();
  if (indicator.kind() == v1::RATIO) {
    input.numerator = value.numerator() < 0 ? "-" : std::to_string(value.numerator());
    input.denominator =
        value.denominator() < 0 ? "-" : std::to_string(value.denominator());
  } else if (value.numerator() != 0 || value.denominator() != 0) {
    input.numerator = "set";
  }
  input.generated = value.generated();
  return input;
}

std::optional<ValueWrite> ValidateValue(
    const v1::Indicator& indicator, const ValueInput& input, int line,
    std::vector<std::pair<std::string, std::string>>& problems,
    bool computed) {
  const size_t before = problems.size();
  ValueWrite write;
  write.line = line;
  write.indicator_id = indicator.name().substr(sizeof("indicators/") - 1);
  write.generated = input.generated;
  std::string_view unit = input.org_unit;
  if (absl::StartsWith(ToAbsl(unit), "units/")) unit.remove_prefix(6);
  if (!api::IsValidResourceId(unit)) {
    problems.emplace_back("org_unit", "mã đơn vị không hợp lệ (invalid unit)");
  }
  write.org_unit_id = std::string(unit);
  absl::StatusOr<Period> period =
      ParsePeriod(indicator.period_type(), input.period, "period");
  if (period.ok()) {
    write.period = *period;
  } else {
    problems.emplace_back("period", MessageOf(period.status()));
  }
  write.disaggregation = input.disaggregation;
  const bool declared =
      std::find(indicator.disaggregations().begin(),
                indicator.disaggregations().end(),
                input.disaggregation) != indicator.disaggregations().end();
  if (indicator.disaggregations().empty() ? !input.disaggregation.empty()
                                          : !declared) {
    problems.emplace_back(
        "disaggregation",
        indicator.disaggregations().empty()
            ? "chỉ tiêu không phân tổ (the indicator has no disaggregation)"
            : "cần một phân tổ của chỉ tiêu (one of the indicator's "
              "disaggregations)");
  }
  if (!computed && indicator.source() != v1::REPORTED &&
      indicator.source() != v1::VALUE_SOURCE_UNSPECIFIED) {
    problems.emplace_back(
        "indicator", "chỉ tiêu được tính từ dịch vụ khác, không nhập tay "
                     "(computed from another service, not reported)");
  }
  if (indicator.kind() == v1::RATIO) {
    if (!input.value.empty()) {
      problems.emplace_back("value",
                            "chỉ tiêu tỷ lệ nhận tử số và mẫu số (a ratio "
                            "takes numerator and denominator)");
    }
    const std::optional<int64_t> numerator = ParseCount(input.numerator);
    const std::optional<int64_t> denominator = ParseCount(input.denominator);
    if (!numerator) {
      problems.emplace_back("numerator",
                            "cần số nguyên không âm (a whole count >= 0)");
    }
    if (!denominator || *denominator == 0) {
      problems.emplace_back("denominator",
                            "cần số nguyên dương (a whole count > 0)");
    }
    if (numerator && denominator && *denominator > 0 &&
        indicator.factor() == 100 &&
        *numerator > *denominator) {
      problems.emplace_back(
          "numerator", absl::StrCat("tử số ", *numerator, " lớn hơn mẫu số ",
                                    *denominator,
                                    " (numerator exceeds denominator)"));
    }
    write.numerator = numerator;
    write.denominator = denominator;
  } else {
    if (!input.numerator.empty() || !input.denominator.empty()) {
      problems.emplace_back("numerator",
                            "chỉ dành cho chỉ tiêu tỷ lệ (only for ratios)");
    }
    absl::StatusOr<Decimal> value = ParseDecimal(input.value, "value");
    if (!value.ok()) {
      problems.emplace_back("value", MessageOf(value.status()));
    } else if (indicator.unit_label() == "%" &&
               (value->scaled < 0 || value->scaled > 100 * Decimal::kScale)) {
      problems.emplace_back("value", "tỷ lệ phần trăm trong 0-100 "
                                     "(a percentage within 0-100)");
    } else if (value->scaled < 0) {
      problems.emplace_back("value", "không âm (not negative)");
    } else {
      write.value = *value;
    }
  }
  if (problems.size() != before) return std::nullopt;
  return write;
}

}  // namespace hpedu::indicators
