#include "services/staffing/staffing_validation.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/field_mask.h"
#include "libs/api/request_id.h"
#include "libs/api/resource_name.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/training_shares.h"

namespace hpedu::staffing {
namespace {

namespace iv1 = ::hpedu::indicators::v1;

constexpr size_t kMaxCsvBytes = 8 << 20;
constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;
// ComputeIndicatorValues: a country's schools, with room.
constexpr int kMaxIndicatorUnits = 100000;

constexpr char kAnyUnit[] = "cần units/{id} của thành phố, xã hoặc trường";
constexpr char kLevels[] = "cần MN, TH, THCS hoặc THPT";
constexpr char kSchoolYear[] = "cần năm học dạng 2025-2026";
constexpr char kRequired[] = "bắt buộc (required)";

// The request's date, or `fallback` when unset.
absl::StatusOr<absl::CivilDay> DayOr(const google::type::Date& date, bool has,
                                     absl::CivilDay fallback,
                                     std::string_view field) {
  if (!has) return fallback;
  return api::FromProtoDate(date, field);
}

// A required date: the day, or a violation on `field`.
std::optional<absl::CivilDay> RequiredDay(const google::type::Date& date,
                                          bool has, std::string_view field,
                                          FieldViolations& violations) {
  absl::StatusOr<absl::CivilDay> day = api::FromProtoDate(date, field);
  if (!has || !day.ok()) {
    violations.Add(field, kRequired);
    return std::nullopt;
  }
  return *day;
}

// The unit of an org_unit field, or a violation on it.
std::string UnitOrViolation(const std::string& name,
                            const OrgDirectory& directory,
                            FieldViolations& violations) {
  absl::StatusOr<std::string> unit = ParseOrgUnit(name, directory, "org_unit");
  if (!unit.ok()) {
    violations.Add("org_unit", kAnyUnit);
    return "";
  }
  return *unit;
}

void CheckRequestId(const std::string& request_id,
                    FieldViolations& violations) {
  if (!request_id.empty() && !api::IsUuid(request_id)) {
    violations.Add("request_id", "phải là UUID (must be a UUID)");
  }
}

void CheckPlacementInto(const v1::Placement& placement,
                        const OrgDirectory& directory, std::string_view prefix,
                        FieldViolations& violations) {
  std::vector<std::pair<std::string, std::string>> problems;
  CheckPlacement(placement, directory, prefix, problems);
  for (const auto& [field, message] : problems) violations.Add(field, message);
}

// The personal fields of a record (all when `fields` is empty).
void CheckPersonalData(const v1::StaffMember& member, std::string_view prefix,
                       const std::set<std::string>& fields,
                       FieldViolations& violations) {
  const std::string p(prefix);
  auto wanted = [&](const char* f) { return fields.empty() || fields.count(f); };
  if (wanted("display_name") &&
      (member.display_name().empty() || member.display_name().size() > 200 ||
       !text::IsValidUtf8(member.display_name()))) {
    violations.Add(p + "display_name", "bắt buộc, tối đa 200 byte (required)");
  }
  if (wanted("birth_year") &&
      (member.birth_year() < 1930 || member.birth_year() > 2020)) {
    violations.Add(p + "birth_year", "cần năm 1930-2020 (a year)");
  }
  if (wanted("sex") && member.sex() == v1::SEX_UNSPECIFIED) {
    violations.Add(p + "sex", kRequired);
  }
  if (wanted("employment") &&
      member.employment() == v1::EMPLOYMENT_UNSPECIFIED) {
    violations.Add(p + "employment", kRequired);
  }
  if (wanted("qualification") &&
      member.qualification() == v1::QUALIFICATION_UNSPECIFIED) {
    violations.Add(p + "qualification", kRequired);
  }
  if (wanted("qualification_date") && member.has_qualification_date() &&
      !api::FromProtoDate(member.qualification_date(), "q").ok()) {
    violations.Add(p + "qualification_date", "ngày không hợp lệ (invalid date)");
  }
}

absl::Status CheckCsv(const std::string& csv_content) {
  if (csv_content.empty()) return InvalidField("csv_content", kRequired);
  if (csv_content.size() > kMaxCsvBytes) {
    return InvalidField("csv_content", "tối đa 8 MiB (at most 8 MiB)");
  }
  return absl::OkStatus();
}

// The valid_on filter of ListNorms / ListTrainingStandards and the page.
template <typename Request>
absl::StatusOr<std::pair<std::optional<absl::CivilDay>, PageRequest>>
ValidOnAndPage(const Request& request) {
  std::optional<absl::CivilDay> on;
  if (request.has_valid_on()) {
    ASSIGN_OR_RETURN(on, api::FromProtoDate(request.valid_on(), "valid_on"));
  }
  FieldViolations violations;
  PageRequest page = ValidatePage(request, request.page_size(),
                                  request.page_token(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return std::make_pair(on, std::move(page));
}

// A unit and a required as_of.
template <typename Request>
absl::StatusOr<UnitDay> UnitAndAsOf(const Request& request,
                                    const OrgDirectory& directory) {
  FieldViolations violations;
  UnitDay result;
  result.unit = UnitOrViolation(request.org_unit(), directory, violations);
  const std::optional<absl::CivilDay> day =
      RequiredDay(request.as_of(), request.has_as_of(), "as_of", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  result.day = *day;
  return result;
}

}  // namespace

PageRequest ValidatePage(const google::protobuf::Message& request,
                         int page_size, const std::string& page_token,
                         FieldViolations& violations) {
  PageRequest page;
  page.fingerprint = api::QueryFingerprint(request);
  absl::StatusOr<int> size = api::EffectivePageSize(page_size);
  if (size.ok()) {
    page.page_size = *size;
  } else {
    violations.Add("page_size", "không âm (>= 0)");
  }
  if (!page_token.empty()) {
    absl::StatusOr<api::PageCursor> cursor =
        api::DecodePageToken(page_token, page.fingerprint);
    if (cursor.ok() && !cursor->keys.empty()) {
      page.after = *std::move(cursor);
    } else {
      violations.Add("page_token", "không hợp lệ (invalid)");
    }
  }
  return page;
}

absl::StatusOr<std::string> ParseOrgUnit(const std::string& name,
                                         const OrgDirectory& directory,
                                         std::string_view field) {
  if (name.empty()) return directory.city_id;
  ASSIGN_OR_RETURN(std::string id, api::ParseResourceId(name, "units", field));
  if (directory.KindOf(id) == OrgDirectory::Kind::kUnknown) {
    return InvalidField(field, absl::StrCat("không có thành phố, xã/phường "
                                            "hoặc trường ",
                                            name, " (unknown unit)"));
  }
  return id;
}

absl::StatusOr<std::pair<std::string, absl::CivilDay>>
ValidateGetStaffMemberRequest(const v1::GetStaffMemberRequest& request,
                              absl::CivilDay today) {
  ASSIGN_OR_RETURN(std::string id,
                   api::ParseResourceId(request.name(), "staff", "name"));
  ASSIGN_OR_RETURN(const absl::CivilDay day,
                   DayOr(request.as_of(), request.has_as_of(), today, "as_of"));
  return std::make_pair(std::move(id), day);
}

absl::StatusOr<ListStaffCommand> ValidateListStaffMembersRequest(
    const v1::ListStaffMembersRequest& request, const OrgDirectory& directory,
    absl::CivilDay today) {
  FieldViolations violations;
  ListStaffCommand command;
  command.unit = UnitOrViolation(request.org_unit(), directory, violations);
  absl::StatusOr<absl::CivilDay> day =
      DayOr(request.as_of(), request.has_as_of(), today, "as_of");
  if (!day.ok()) violations.Add("as_of", "ngày không hợp lệ (invalid date)");
  if (!request.level().empty() && !IsLevel(request.level())) {
    violations.Add("level", kLevels);
  }
  const PageRequest page = ValidatePage(request, request.page_size(),
                                        request.page_token(), violations);
  if (page.after && page.after->keys.size() != 1) {
    violations.Add("page_token", "không hợp lệ (invalid)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  command.query.day = *day;
  command.query.position = request.position();
  command.query.level = request.level();
  command.query.page_size = page.page_size;
  if (page.after) command.query.after_id = page.after->keys[0];
  command.fingerprint = page.fingerprint;
  return command;
}

absl::StatusOr<absl::CivilDay> ValidateCreateStaffMemberRequest(
    const v1::CreateStaffMemberRequest& request,
    const OrgDirectory& directory) {
  FieldViolations violations;
  if (!api::IsValidResourceId(request.staff_member_id())) {
    violations.Add("staff_member_id",
                   "cần mã giả danh [a-z0-9-], bắt đầu bằng chữ");
  }
  CheckPersonalData(request.staff_member(), "staff_member.", {}, violations);
  CheckPlacementInto(request.placement(), directory, "placement.", violations);
  const std::optional<absl::CivilDay> start = RequiredDay(
      request.start_date(), request.has_start_date(), "start_date", violations);
  CheckRequestId(request.request_id(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return *start;
}

absl::StatusOr<StaffUpdate> ValidateUpdateStaffMemberRequest(
    const v1::UpdateStaffMemberRequest& request) {
  FieldViolations violations;
  absl::StatusOr<std::string> id = api::ParseResourceId(
      request.staff_member().name(), "staff", "staff_member.name");
  if (!id.ok()) violations.Add("staff_member.name", "cần staff/{id}");
  const absl::Status mask = api::ValidateFieldMask(
      request.update_mask(),
      {"display_name", "birth_year", "sex", "employment", "qualification",
       "qualification_date"});
  if (!mask.ok()) {
    const google::rpc::BadRequest bad_mask = GetBadRequest(mask);
    for (const auto& v : bad_mask.field_violations()) {
      violations.Add(v.field(), v.description());
    }
  } else {
    std::set<std::string> paths(request.update_mask().paths().begin(),
                                request.update_mask().paths().end());
    // A date is checked with the qualification it belongs to.
    if (paths.count("qualification_date")) paths.insert("qualification");
    CheckPersonalData(request.staff_member(), "staff_member.", paths,
                      violations);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  StaffUpdate update;
  update.id = *id;
  update.etag = request.staff_member().etag();
  update.paths.assign(request.update_mask().paths().begin(),
                      request.update_mask().paths().end());
  update.fields = request.staff_member();
  return update;
}

absl::StatusOr<std::pair<std::string, absl::CivilDay>>
ValidateCreateMovementRequest(const v1::CreateMovementRequest& request,
                              const OrgDirectory& directory) {
  FieldViolations violations;
  absl::StatusOr<std::string> id =
      api::ParseResourceId(request.parent(), "staff", "parent");
  if (!id.ok()) violations.Add("parent", "cần staff/{id}");
  const v1::Movement& movement = request.movement();
  if (movement.kind() == v1::MOVEMENT_KIND_UNSPECIFIED) {
    violations.Add("movement.kind", kRequired);
  }
  const std::optional<absl::CivilDay> day =
      RequiredDay(movement.effective_date(), movement.has_effective_date(),
                  "movement.effective_date", violations);
  if (movement.kind() == v1::LEAVING) {
    if (movement.has_placement()) {
      violations.Add("movement.placement",
                     "không dùng khi nghỉ (not for LEAVING)");
    }
  } else if (movement.kind() != v1::MOVEMENT_KIND_UNSPECIFIED) {
    CheckPlacementInto(movement.placement(), directory, "movement.placement.",
                       violations);
  }
  if (movement.kind() == v1::SECONDMENT) {
    absl::StatusOr<absl::CivilDay> end =
        api::FromProtoDate(movement.end_date(), "movement.end_date");
    if (!movement.has_end_date() || !end.ok() || (day && *end <= *day)) {
      violations.Add("movement.end_date",
                     "bắt buộc, sau ngày hiệu lực (required, after "
                     "effective_date)");
    }
  } else if (movement.has_end_date()) {
    violations.Add("movement.end_date",
                   "chỉ dùng cho biệt phái (SECONDMENT only)");
  }
  if (movement.decision().size() > 200) {
    violations.Add("movement.decision", "tối đa 200 byte");
  }
  CheckRequestId(request.request_id(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return std::make_pair(*id, *day);
}

absl::Status ValidateMovementSchool(
    const v1::Movement& movement, const std::optional<v1::Placement>& before) {
  if (!before) return absl::OkStatus();
  const bool same_school = before->school() == movement.placement().school();
  const v1::MovementKind kind = movement.kind();
  if ((kind == v1::TRANSFER || kind == v1::ROTATION ||
       kind == v1::SECONDMENT) &&
      same_school) {
    return InvalidField("movement.placement.school",
                        "cùng trường; dùng REASSIGNMENT (the same school)");
  }
  if (kind == v1::REASSIGNMENT && !same_school) {
    return InvalidField("movement.placement.school",
                        "trường khác; dùng TRANSFER (another school)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::string, PageRequest>>
ValidateListMovementsRequest(const v1::ListMovementsRequest& request) {
  ASSIGN_OR_RETURN(std::string id,
                   api::ParseResourceId(request.parent(), "staff", "parent"));
  FieldViolations violations;
  PageRequest page = ValidatePage(request, request.page_size(),
                                  request.page_token(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return std::make_pair(std::move(id), std::move(page));
}

absl::StatusOr<std::string> ValidateImportRosterRequest(
    const v1::ImportRosterRequest& request, const OrgDirectory& directory) {
  RETURN_IF_ERROR(CheckCsv(request.csv_content()));
  if (request.school().empty()) return std::string();
  ASSIGN_OR_RETURN(std::string school,
                   api::ParseResourceId(request.school(), "units", "school"));
  if (directory.KindOf(school) != OrgDirectory::Kind::kSchool) {
    return InvalidField("school", "không phải trường (not a school)");
  }
  return school;
}

absl::Status ValidateImportSchoolClassesRequest(
    const v1::ImportSchoolClassesRequest& request) {
  return CheckCsv(request.csv_content());
}

absl::StatusOr<std::pair<std::string, PageRequest>>
ValidateListSchoolClassesRequest(const v1::ListSchoolClassesRequest& request,
                                 const OrgDirectory& directory) {
  FieldViolations violations;
  absl::StatusOr<std::string> unit =
      request.org_unit().empty()
          ? absl::StatusOr<std::string>(InvalidField("org_unit", "required"))
          : ParseOrgUnit(request.org_unit(), directory, "org_unit");
  if (!unit.ok()) violations.Add("org_unit", "cần units/{id} của xã hoặc trường");
  if (!ParseSchoolYear(request.school_year(), "school_year").ok()) {
    violations.Add("school_year", kSchoolYear);
  }
  PageRequest page = ValidatePage(request, request.page_size(),
                                  request.page_token(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return std::make_pair(*unit, std::move(page));
}

absl::StatusOr<NormRule> ValidateCreateNormRequest(
    const v1::CreateNormRequest& request) {
  const v1::Norm& n = request.norm();
  FieldViolations violations;
  NormRule norm;
  norm.level = n.level();
  norm.grade = n.grade();
  norm.sessions_per_day = n.sessions_per_day();
  norm.subject = n.subject();
  norm.max_pupils_per_class = n.max_pupils_per_class();
  norm.source = n.source();
  if (!IsLevel(n.level())) violations.Add("norm.level", kLevels);
  if (!n.grade().empty()) {
    absl::StatusOr<std::string> level = LevelOfGrade(n.grade(), "norm.grade");
    if (!level.ok() || *level != n.level()) {
      violations.Add("norm.grade",
                     "không thuộc cấp học (not a grade of the level)");
    }
  }
  if (n.sessions_per_day() < 0 || n.sessions_per_day() > 2) {
    violations.Add("norm.sessions_per_day", "cần 0 (mọi), 1 hoặc 2");
  }
  if (!IsValidSubject(n.subject())) {
    violations.Add("norm.subject", "chữ thường, số, '-' (a slug)");
  }
  absl::StatusOr<int64_t> milli =
      ParseMilli(n.teachers_per_class(), "norm.teachers_per_class");
  if (milli.ok()) {
    norm.teachers_per_class_milli = *milli;
  } else {
    violations.Add("norm.teachers_per_class", "cần số thập phân như 1.50");
  }
  if (n.max_pupils_per_class() < 0 || n.max_pupils_per_class() > 100) {
    violations.Add("norm.max_pupils_per_class", "cần 0-100");
  }
  if (const std::optional<absl::CivilDay> from = RequiredDay(
          n.valid_from(), n.has_valid_from(), "norm.valid_from", violations)) {
    norm.valid_from = *from;
  }
  if (n.source().empty() || n.source().size() > 300) {
    violations.Add("norm.source", "bắt buộc: văn bản quy định (the regulation)");
  }
  CheckRequestId(request.request_id(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return norm;
}

absl::StatusOr<StandardRule> ValidateCreateTrainingStandardRequest(
    const v1::CreateTrainingStandardRequest& request) {
  const v1::TrainingStandard& s = request.training_standard();
  FieldViolations violations;
  StandardRule standard;
  standard.level = s.level();
  standard.minimum = s.minimum();
  standard.source = s.source();
  if (!IsLevel(s.level())) violations.Add("training_standard.level", kLevels);
  if (s.minimum() == v1::QUALIFICATION_UNSPECIFIED) {
    violations.Add("training_standard.minimum", kRequired);
  }
  if (const std::optional<absl::CivilDay> from =
          RequiredDay(s.valid_from(), s.has_valid_from(),
                      "training_standard.valid_from", violations)) {
    standard.valid_from = *from;
  }
  if (s.source().empty() || s.source().size() > 300) {
    violations.Add("training_standard.source", "bắt buộc (the regulation)");
  }
  CheckRequestId(request.request_id(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return standard;
}

absl::StatusOr<std::pair<std::optional<absl::CivilDay>, PageRequest>>
ValidateListNormsRequest(const v1::ListNormsRequest& request) {
  return ValidOnAndPage(request);
}

absl::StatusOr<std::pair<std::optional<absl::CivilDay>, PageRequest>>
ValidateListTrainingStandardsRequest(
    const v1::ListTrainingStandardsRequest& request) {
  return ValidOnAndPage(request);
}

absl::StatusOr<std::string> ValidateSetQuotaRequest(
    const v1::SetQuotaRequest& request, const OrgDirectory& directory) {
  const v1::Quota& q = request.quota();
  FieldViolations violations;
  absl::StatusOr<std::string> unit =
      api::ParseResourceId(q.org_unit(), "units", "quota.org_unit");
  if (!unit.ok() ||
      (directory.KindOf(*unit) != OrgDirectory::Kind::kSchool &&
       directory.KindOf(*unit) != OrgDirectory::Kind::kCommune)) {
    violations.Add("quota.org_unit", "cần units/{id} của xã hoặc trường");
  }
  if (!ParseSchoolYear(q.school_year(), "quota.school_year").ok()) {
    violations.Add("quota.school_year", kSchoolYear);
  }
  if (q.posts() < 0 || q.posts() > 1000000) {
    violations.Add("quota.posts", "cần 0-1000000");
  }
  if (q.decision().size() > 200) {
    violations.Add("quota.decision", "tối đa 200 byte");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return *unit;
}

absl::StatusOr<std::pair<absl::CivilDay, PageRequest>>
ValidateListQuotasRequest(const v1::ListQuotasRequest& request) {
  ASSIGN_OR_RETURN(const int year,
                   ParseSchoolYear(request.school_year(), "school_year"));
  ASSIGN_OR_RETURN(const absl::CivilDay day,
                   DayOr(request.as_of(), request.has_as_of(),
                         SchoolYearReferenceDay(year), "as_of"));
  FieldViolations violations;
  PageRequest page = ValidatePage(request, request.page_size(),
                                  request.page_token(), violations);
  RETURN_IF_ERROR(violations.ToStatus());
  return std::make_pair(day, std::move(page));
}

absl::StatusOr<UnitDay> ValidateGetStaffingBalanceRequest(
    const v1::GetStaffingBalanceRequest& request,
    const OrgDirectory& directory) {
  FieldViolations violations;
  UnitDay result;
  result.unit = UnitOrViolation(request.org_unit(), directory, violations);
  absl::StatusOr<int> year =
      ParseSchoolYear(request.school_year(), "school_year");
  if (!year.ok()) violations.Add("school_year", kSchoolYear);
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(result.day, DayOr(request.as_of(), request.has_as_of(),
                                     SchoolYearReferenceDay(*year), "as_of"));
  return result;
}

absl::StatusOr<ShortageQuery> ValidateGetShortageViewRequest(
    const v1::GetShortageViewRequest& request, const OrgDirectory& directory) {
  FieldViolations violations;
  ShortageQuery query;
  query.where.unit = UnitOrViolation(request.org_unit(), directory, violations);
  absl::StatusOr<int> year =
      ParseSchoolYear(request.school_year(), "school_year");
  if (!year.ok()) violations.Add("school_year", kSchoolYear);
  if (!request.level().empty() && !IsLevel(request.level())) {
    violations.Add("level", kLevels);
  }
  if (!IsValidSubject(request.subject())) {
    violations.Add("subject", "chữ thường, số, '-' (a slug)");
  }
  if (request.limit() < 0) violations.Add("limit", "không âm (>= 0)");
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(query.where.day,
                   DayOr(request.as_of(), request.has_as_of(),
                         SchoolYearReferenceDay(*year), "as_of"));
  query.limit = request.limit() == 0 ? kDefaultLimit
                                     : std::min(request.limit(), kMaxLimit);
  return query;
}

absl::StatusOr<UnitDay> ValidateGetTrainingStandardSharesRequest(
    const v1::GetTrainingStandardSharesRequest& request,
    const OrgDirectory& directory) {
  return UnitAndAsOf(request, directory);
}

absl::StatusOr<UnitDay> ValidateGetHeadcountRequest(
    const v1::GetHeadcountRequest& request, const OrgDirectory& directory) {
  return UnitAndAsOf(request, directory);
}

absl::StatusOr<IndicatorQuery> ValidateComputeIndicatorValuesRequest(
    const iv1::ComputeIndicatorValuesRequest& request,
    const OrgDirectory& directory) {
  FieldViolations violations;
  IndicatorQuery query;
  const std::optional<std::string> level =
      TrainingIndicatorLevel(request.indicator_code());
  if (!level) {
    violations.Add("indicator_code",
                   "nhân sự chỉ tính HP-10, HP-11, HP-12 và HP-13 (the "
                   "staffing service computes HP-10..HP-13)");
  }
  absl::StatusOr<absl::CivilDay> day =
      TrainingIndicatorDay(request.period(), "period");
  if (!day.ok()) {
    violations.Add("period", "cần năm học dạng 2025-2026 (a school year)");
  }
  if (request.org_units().empty()) violations.Add("org_units", kRequired);
  if (request.org_units_size() > kMaxIndicatorUnits) {
    violations.Add("org_units", absl::StrCat("tối đa ", kMaxIndicatorUnits,
                                             " đơn vị (too many units)"));
  }
  for (int i = 0; i < request.org_units_size(); ++i) {
    const std::string field = absl::StrCat("org_units[", i, "]");
    absl::StatusOr<std::string> unit =
        request.org_units(i).empty()
            ? InvalidField(field, kRequired)
            : ParseOrgUnit(request.org_units(i), directory, field);
    if (!unit.ok()) {
      violations.Add(field, kAnyUnit);
      continue;
    }
    query.units_by_kind[directory.KindOf(*unit)].push_back(*unit);
  }
  RETURN_IF_ERROR(violations.ToStatus());
  query.level = *level;
  query.day = *day;
  return query;
}

}  // namespace hpedu::staffing
