#include "services/registry/unit_validation.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/base/string_view.h"
#include "libs/api/dates.h"
#include "libs/api/field_mask.h"
#include "libs/api/page_token.h"
#include "libs/api/resource_name.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"

namespace hpedu::registry {
namespace {

constexpr std::string_view kUnits = "units";

// Moves the violations a helper reported into `violations`; a failure
// without violations is reported on `field`.
void Absorb(const absl::Status& status, const std::string& field,
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

int CountCodePoints(std::string_view utf8) {
  int count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  }
  return false;
}

// Checks required free text: valid UTF-8, no control characters, not blank,
// at most `max_chars` characters.
void CheckText(std::string_view text, const std::string& field, int max_chars,
               bool required, FieldViolations& violations) {
  if (text.empty()) {
    if (required) violations.Add(field, "bắt buộc (required)");
    return;
  }
  if (!hpedu::text::IsValidUtf8(text)) {
    violations.Add(field, "không phải UTF-8 hợp lệ (not valid UTF-8)");
    return;
  }
  if (HasControlCharacter(text)) {
    violations.Add(field, "chứa ký tự điều khiển (contains control characters)");
    return;
  }
  const std::string normalized = hpedu::text::NormalizeNfc(text);
  if (normalized.empty()) {
    violations.Add(field, "chỉ có khoảng trắng (blank)");
  } else if (CountCodePoints(normalized) > max_chars) {
    violations.Add(field, absl::StrCat("dài quá ", max_chars,
                                       " ký tự (longer than ", max_chars,
                                       " characters)"));
  }
}

// A unit name, "units/{id}"; an empty one is reported only if `required`.
void CheckUnitName(const std::string& name, const std::string& field,
                   bool required, FieldViolations& violations) {
  if (name.empty()) {
    if (required) violations.Add(field, "bắt buộc (required)");
    return;
  }
  Absorb(api::ParseResourceId(name, kUnits, field).status(), field,
         violations);
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !absl::ascii_isxdigit(text[i])) return false;
  }
  return true;
}

void CheckSchool(const v1::SchoolDetails& school, const std::string& prefix,
                 FieldViolations& violations) {
  const std::string levels = prefix + "school.levels";
  if (school.levels().empty()) {
    violations.Add(levels, "cần ít nhất một cấp học (at least one level)");
  }
  std::set<int> seen;
  for (int i = 0; i < school.levels_size(); ++i) {
    const int level = school.levels(i);
    const std::string field = absl::StrCat(levels, "[", i, "]");
    if (level == v1::SCHOOL_LEVEL_UNSPECIFIED ||
        !v1::SchoolLevel_IsValid(level)) {
      violations.Add(field, "cấp học không hợp lệ (invalid level)");
    } else if (!seen.insert(level).second) {
      violations.Add(field, "trùng lặp (duplicate)");
    }
  }
  if (!v1::Ownership_IsValid(school.ownership())) {
    violations.Add(prefix + "school.ownership",
                   "không hợp lệ (invalid ownership)");
  }
}

void CheckAgency(const v1::AgencyDetails& agency, const std::string& prefix,
                 FieldViolations& violations) {
  if (agency.role() == v1::AGENCY_ROLE_UNSPECIFIED ||
      !v1::AgencyRole_IsValid(agency.role())) {
    violations.Add(prefix + "agency.role",
                   "bắt buộc, phải hợp lệ (required, must be valid)");
  }
  CheckText(agency.short_name(), prefix + "agency.short_name",
            kMaxShortNameChars, /*required=*/false, violations);
}

// Checks the details of the update paths `school` and `agency` without
// knowing the unit's kind; the store checks that they fit it.
void CheckDetails(const v1::Unit& unit, const std::string& prefix,
                  FieldViolations& violations) {
  if (unit.has_school()) CheckSchool(unit.school(), prefix, violations);
  if (unit.has_agency()) CheckAgency(unit.agency(), prefix, violations);
}

}  // namespace

void ValidateUnitFields(const v1::Unit& unit, std::string_view prefix_view,
                        FieldViolations& violations) {
  const std::string prefix(prefix_view);
  CheckUnitName(unit.name(), prefix + "name", /*required=*/true, violations);

  const v1::UnitKind kind = unit.kind();
  if (kind == v1::UNIT_KIND_UNSPECIFIED || !v1::UnitKind_IsValid(kind)) {
    violations.Add(prefix + "kind",
                   "bắt buộc, phải hợp lệ (required, must be valid)");
  }
  CheckText(unit.display_name(), prefix + "display_name",
            kMaxDisplayNameChars, /*required=*/true, violations);

  CheckUnitName(unit.parent(), prefix + "parent", /*required=*/false,
                violations);
  if (!unit.parent().empty() && unit.parent() == unit.name()) {
    violations.Add(prefix + "parent",
                   "không thể là chính nó (cannot be the unit itself)");
  }

  if (!unit.has_valid_from()) {
    violations.Add(prefix + "valid_from", "bắt buộc (required)");
  } else {
    Absorb(api::FromProtoDate(unit.valid_from(), prefix + "valid_from")
               .status(),
           prefix + "valid_from", violations);
  }

  if (unit.predecessors_size() > kMaxPredecessors) {
    violations.Add(prefix + "predecessors",
                   absl::StrCat("nhiều hơn ", kMaxPredecessors,
                                " (more than ", kMaxPredecessors, ")"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < unit.predecessors_size(); ++i) {
    const std::string field = absl::StrCat(prefix, "predecessors[", i, "]");
    const std::string& predecessor = unit.predecessors(i);
    CheckUnitName(predecessor, field, /*required=*/true, violations);
    if (predecessor == unit.name()) {
      violations.Add(field, "không thể là chính nó (cannot be the unit itself)");
    } else if (!seen.insert(predecessor).second) {
      violations.Add(field, "trùng lặp (duplicate)");
    }
  }

  if (kind == v1::SCHOOL) {
    if (!unit.has_school()) {
      violations.Add(prefix + "school",
                     "bắt buộc với trường học (required for a SCHOOL)");
    }
  } else if (unit.has_school()) {
    violations.Add(prefix + "school",
                   "chỉ dành cho trường học (only for kind SCHOOL)");
  }
  if (kind != v1::AGENCY && unit.has_agency()) {
    violations.Add(prefix + "agency",
                   "chỉ dành cho cơ quan (only for kind AGENCY)");
  }
  CheckDetails(unit, prefix, violations);
}

v1::Unit NormalizeUnit(const v1::Unit& unit) {
  v1::Unit normalized = unit;
  normalized.set_display_name(hpedu::text::NormalizeNfc(unit.display_name()));
  if (normalized.has_agency()) {
    normalized.mutable_agency()->set_short_name(
        hpedu::text::NormalizeNfc(unit.agency().short_name()));
  }
  normalized.clear_valid_until();
  normalized.clear_successors();
  normalized.clear_etag();
  normalized.clear_create_time();
  normalized.clear_update_time();
  return normalized;
}

absl::StatusOr<std::string> ValidateGetUnitRequest(
    const v1::GetUnitRequest& request) {
  FieldViolations violations;
  CheckUnitName(request.name(), "name", /*required=*/true, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return UnitIdOf(request.name());
}

absl::StatusOr<std::vector<std::string>> ValidateBatchGetUnitsRequest(
    const v1::BatchGetUnitsRequest& request) {
  FieldViolations violations;
  if (request.names().empty()) {
    violations.Add("names", "cần ít nhất một tên (at least one name)");
  } else if (request.names_size() > kMaxBatchGet) {
    violations.Add("names", absl::StrCat("nhiều hơn ", kMaxBatchGet,
                                         " tên (more than ", kMaxBatchGet,
                                         " names)"));
  }
  std::vector<std::string> ids;
  for (int i = 0; i < request.names_size(); ++i) {
    CheckUnitName(request.names(i), absl::StrCat("names[", i, "]"),
                  /*required=*/true, violations);
    ids.push_back(UnitIdOf(request.names(i)));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return ids;
}

absl::StatusOr<UnitListQuery> ValidateListUnitsRequest(
    const v1::ListUnitsRequest& request, absl::CivilDay today) {
  FieldViolations violations;
  UnitListQuery query;

  absl::StatusOr<int> page_size = api::EffectivePageSize(request.page_size());
  Absorb(page_size.status(), "page_size", violations);
  if (page_size.ok()) query.page_size = *page_size;

  if (!request.page_token().empty()) {
    absl::StatusOr<api::PageCursor> cursor = api::DecodePageToken(
        request.page_token(), api::QueryFingerprint(request));
    if (!cursor.ok()) {
      Absorb(cursor.status(), "page_token", violations);
    } else if (cursor->keys.size() != 2) {
      violations.Add("page_token", "không hợp lệ (invalid)");
    } else {
      query.after = UnitListPosition{cursor->keys[0], cursor->keys[1]};
    }
  }

  if (!v1::UnitKind_IsValid(request.kind())) {
    violations.Add("kind", "không hợp lệ (invalid)");
  }
  query.kind = request.kind();
  CheckUnitName(request.parent(), "parent", /*required=*/false, violations);
  if (!request.parent().empty()) query.parent_id = UnitIdOf(request.parent());
  if (!v1::SchoolLevel_IsValid(request.level())) {
    violations.Add("level", "không hợp lệ (invalid)");
  }
  query.level = request.level();

  if (request.has_as_of()) {
    absl::StatusOr<absl::CivilDay> as_of =
        api::FromProtoDate(request.as_of(), "as_of");
    Absorb(as_of.status(), "as_of", violations);
    if (as_of.ok()) query.valid_on = *as_of;
  } else {
    query.valid_on = today;
  }
  if (request.show_history()) query.valid_on.reset();

  CheckText(request.query(), "query", kMaxQueryChars, /*required=*/false,
            violations);
  query.folded_search = hpedu::text::FoldForSearch(request.query());

  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::StatusOr<CreateUnitCommand> ValidateCreateUnitRequest(
    const v1::CreateUnitRequest& request) {
  FieldViolations violations;
  if (request.unit_id().empty()) {
    violations.Add("unit_id", "bắt buộc (required)");
  } else if (!api::IsValidResourceId(request.unit_id())) {
    violations.Add("unit_id",
                   "1-63 ký tự a-z, 0-9, '-', bắt đầu bằng chữ cái "
                   "(1-63 of [a-z0-9-] starting with a letter)");
  }
  const std::string name = api::ResourceName("units", request.unit_id());
  if (!request.unit().name().empty() && request.unit().name() != name) {
    violations.Add("unit.name", "khác unit_id (differs from unit_id)");
  }
  if (!request.request_id().empty() && !IsUuid(request.request_id())) {
    violations.Add("request_id", "phải là UUID (must be a UUID)");
  }
  if (!request.has_unit()) {
    violations.Add("unit", "bắt buộc (required)");
  } else {
    v1::Unit unit = request.unit();
    unit.set_name(name);
    FieldViolations unit_violations;
    ValidateUnitFields(unit, "unit.", unit_violations);
    for (const auto& v : unit_violations.bad_request().field_violations()) {
      // unit_id is reported above; the name is derived from it.
      if (v.field() != "unit.name") violations.Add(v.field(), v.description());
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());

  CreateUnitCommand command;
  command.row.unit = NormalizeUnit(request.unit());
  command.row.unit.set_name(name);
  command.request_id = request.request_id();
  return command;
}

absl::StatusOr<UnitUpdate> ValidateUpdateUnitRequest(
    const v1::UpdateUnitRequest& request) {
  FieldViolations violations;
  if (!request.has_unit()) violations.Add("unit", "bắt buộc (required)");
  const v1::Unit& unit = request.unit();
  CheckUnitName(unit.name(), "unit.name", /*required=*/true, violations);
  const absl::Status mask = api::ValidateFieldMask(
      request.update_mask(), {"display_name", "parent", "school", "agency"});
  Absorb(mask, "update_mask", violations);

  UnitUpdate update;
  update.id = UnitIdOf(unit.name());
  update.etag = unit.etag();
  if (mask.ok()) {
    for (const std::string& path : request.update_mask().paths()) {
      if (path == "display_name") {
        CheckText(unit.display_name(), "unit.display_name",
                  kMaxDisplayNameChars, /*required=*/true, violations);
        update.display_name = hpedu::text::NormalizeNfc(unit.display_name());
      } else if (path == "parent") {
        CheckUnitName(unit.parent(), "unit.parent", /*required=*/false,
                      violations);
        if (!unit.parent().empty() && unit.parent() == unit.name()) {
          violations.Add("unit.parent",
                         "không thể là chính nó (cannot be the unit itself)");
        }
        update.parent_id =
            unit.parent().empty() ? "" : UnitIdOf(unit.parent());
      } else if (path == "school") {
        if (!unit.has_school()) {
          violations.Add("unit.school", "bắt buộc khi có trong update_mask "
                                        "(required when in update_mask)");
        } else {
          CheckSchool(unit.school(), "unit.", violations);
        }
        update.school = unit.school();
      } else if (path == "agency") {
        if (!unit.has_agency()) {
          violations.Add("unit.agency", "bắt buộc khi có trong update_mask "
                                        "(required when in update_mask)");
        } else {
          CheckAgency(unit.agency(), "unit.", violations);
        }
        update.agency = unit.agency();
        update.agency->set_short_name(
            hpedu::text::NormalizeNfc(unit.agency().short_name()));
      }
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return update;
}

absl::StatusOr<ResolveQuery> ValidateResolveUnitRequest(
    const v1::ResolveUnitRequest& request, absl::CivilDay today) {
  FieldViolations violations;
  ResolveQuery query;
  CheckText(request.query(), "query", kMaxQueryChars, /*required=*/true,
            violations);
  query.text = request.query();
  query.as_of = today;
  if (request.has_as_of()) {
    absl::StatusOr<absl::CivilDay> as_of =
        api::FromProtoDate(request.as_of(), "as_of");
    Absorb(as_of.status(), "as_of", violations);
    if (as_of.ok()) query.as_of = *as_of;
  }
  if (!v1::UnitKind_IsValid(request.kind())) {
    violations.Add("kind", "không hợp lệ (invalid)");
  }
  query.kind = request.kind();
  RETURN_IF_ERROR(violations.ToStatus());
  return query;
}

absl::Status ValidateImportUnitsRequest(const v1::ImportUnitsRequest& request) {
  FieldViolations violations;
  if (request.csv_content().empty()) {
    violations.Add("csv_content", "bắt buộc (required)");
  } else if (request.csv_content().size() > kMaxCsvBytes) {
    violations.Add("csv_content",
                   absl::StrCat("lớn hơn ", kMaxCsvBytes >> 20,
                                " MiB (larger than ", kMaxCsvBytes >> 20,
                                " MiB)"));
  }
  return violations.ToStatus();
}

}  // namespace hpedu::registry
