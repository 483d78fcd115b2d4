#include "services/staffing/staffing_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/api/dates.h"
#include "libs/api/field_mask.h"
#include "libs/api/page_token.h"
#include "libs/api/request_id.h"
#include "libs/api/resource_name.h"
#include "libs/server/log.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"
#include "services/staffing/balance.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/staffing_rules.h"
#include "services/staffing/training_shares.h"

namespace hpedu::staffing {
namespace {

namespace iv1 = ::hpedu::indicators::v1;
using server::CallContext;
using Problems = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kMaxCsvBytes = 8 << 20;
constexpr int kDefaultLimit = 100;
constexpr int kNearbySurpluses = 5;
// ComputeIndicatorValues: a country's schools, with room.
constexpr int kMaxIndicatorUnits = 100000;

std::string UnitName(const std::string& id) { return "units/" + id; }

// An optional units/{id}: "" when empty. INVALID_ARGUMENT if malformed or
// not a unit the directory knows.
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

// The request's as_of, or `fallback` when unset.
absl::StatusOr<absl::CivilDay> DayOr(const google::type::Date& date,
                                     bool has, absl::CivilDay fallback,
                                     std::string_view field) {
  if (!has) return fallback;
  return api::FromProtoDate(date, field);
}

void CheckRequestId(const std::string& request_id, FieldViolations& violations) {
  if (!request_id.empty() && !api::IsUuid(request_id)) {
    violations.Add("request_id", "phải là UUID (must be a UUID)");
  }
}

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
    violations.Add(p + "sex", "bắt buộc (required)");
  }
  if (wanted("employment") && member.employment() == v1::EMPLOYMENT_UNSPECIFIED) {
    violations.Add(p + "employment", "bắt buộc (required)");
  }
  if (wanted("qualification") &&
      member.qualification() == v1::QUALIFICATION_UNSPECIFIED) {
    violations.Add(p + "qualification", "bắt buộc (required)");
  }
  if (wanted("qualification_date") && member.has_qualification_date() &&
      !api::FromProtoDate(member.qualification_date(), "q").ok()) {
    violations.Add(p + "qualification_date", "ngày không hợp lệ (invalid date)");
  }
}

v1::Norm NormToProto(const NormRule& norm) {
  v1::Norm proto;
  proto.set_name(absl::StrCat("norms/", norm.id));
  proto.set_level(norm.level);
  proto.set_grade(norm.grade);
  proto.set_sessions_per_day(norm.sessions_per_day);
  proto.set_subject(norm.subject);
  proto.set_teachers_per_class(FormatMilli(norm.teachers_per_class_milli));
  proto.set_max_pupils_per_class(norm.max_pupils_per_class);
  *proto.mutable_valid_from() = api::ToProtoDate(norm.valid_from);
  if (norm.valid_until) *proto.mutable_valid_until() = api::ToProtoDate(*norm.valid_until);
  proto.set_source(norm.source);
  return proto;
}

v1::TrainingStandard StandardToProto(const StandardRule& standard) {
  v1::TrainingStandard proto;
  proto.set_name(absl::StrCat("trainingStandards/", standard.id));
  proto.set_level(standard.level);
  proto.set_minimum(standard.minimum);
  *proto.mutable_valid_from() = api::ToProtoDate(standard.valid_from);
  if (standard.valid_until) {
    *proto.mutable_valid_until() = api::ToProtoDate(*standard.valid_until);
  }
  proto.set_source(standard.source);
  return proto;
}

v1::Balance BalanceToProto(const BalanceLine& line, const OrgDirectory& directory) {
  v1::Balance balance;
  balance.set_org_unit(UnitName(line.unit));
  balance.set_display_name(directory.DisplayName(line.unit));
  balance.set_level(line.level);
  balance.set_subject(line.subject);
  balance.set_classes(line.classes);
  balance.set_pupils(line.pupils);
  balance.set_required_exact(FormatMilli(line.required_milli));
  balance.set_required(line.required);
  balance.set_actual(line.actual);
  balance.set_balance(line.balance());
  balance.set_shortage(line.shortage);
  balance.set_surplus(line.surplus);
  balance.set_status(StatusOf(line));
  balance.set_classes_without_norm(line.classes_without_norm);
  return balance;
}

// Units in Vietnamese order of their names, then by level and subject.
void SortByName(std::vector<BalanceLine>& lines, const OrgDirectory& directory) {
  const text::VietnameseCollator& collator = text::VietnameseCollator::Get();
  std::map<std::string, std::string> keys;
  for (const BalanceLine& l : lines) {
    if (!keys.count(l.unit)) {
      keys[l.unit] = collator.SortKey(directory.DisplayName(l.unit)) + l.unit;
    }
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [&](const BalanceLine& a, const BalanceLine& b) {
                     return std::tie(keys[a.unit], a.level, a.subject) <
                            std::tie(keys[b.unit], b.level, b.subject);
                   });
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole == 0) return "";
  // Two decimals, rounded half up.
  const int64_t hundredths = (part * 20000 / whole + 1) / 2;
  return absl::StrFormat("%d.%02d", hundredths / 100, hundredths % 100);
}

}  // namespace

StaffingServiceImpl::StaffingServiceImpl(
    std::shared_ptr<StaffStore> store,
    std::shared_ptr<SchoolDirectory> directory, audit::AuditLog audit_log,
    server::UnaryCalls& calls, std::function<absl::CivilDay()> today)
    : store_(std::move(store)),
      directory_(std::move(directory)),
      authorizer_("staffing"),
      audit_log_(std::move(audit_log)),
      calls_(calls),
      today_(std::move(today)) {}

absl::Status StaffingServiceImpl::Authorize(const CallContext& call,
                                            const auth::Scope& scope,
                                            Access access) const {
  return staffing::Authorize(authorizer_, call, scope, access);
}

absl::Status Authorize(const auth::Authorizer& authorizer,
                       const CallContext& call, const auth::Scope& scope,
                       Access access) {
  const auth::Caller& caller = call.caller();
  const bool city = scope.commune.empty() && scope.school.empty();
  switch (access) {
    case Access::kWrite:
      return authorizer.CanWrite(caller, scope);
    case Access::kRead:
      if (city && auth::Authorizer::ScopeMatters(caller)) {
        return WithErrorInfo(
            absl::PermissionDeniedError(
                "Chỉ xem được hồ sơ trong phạm vi đơn vị mình: hãy đặt "
                "org_unit / only records within your unit"),
            "SCOPE_DENIED");
      }
      return authorizer.CanRead(caller, scope);
    case Access::kAggregate:
      RETURN_IF_ERROR(authorizer.CanReadAggregate(caller));
      if (!city && auth::Authorizer::ScopeMatters(caller)) {
        return authorizer.CanRead(caller, scope);
      }
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

auth::Scope ScopeOf(const OrgDirectory& directory, const std::string& unit_id) {
  auth::Scope scope;
  scope.lead_agency = kStaffingDivision;
  switch (directory.KindOf(unit_id)) {
    case OrgDirectory::Kind::kSchool:
      scope.school = UnitName(unit_id);
      if (const std::string commune = directory.CommuneOf(unit_id);
          !commune.empty()) {
        scope.commune = UnitName(commune);
      }
      break;
    case OrgDirectory::Kind::kCommune:
      scope.commune = UnitName(unit_id);
      break;
    default:
      break;
  }
  return scope;
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetStaffMember(
    grpc::CallbackServerContext* context,
    const v1::GetStaffMemberRequest* request, v1::StaffMember* response) {
  return calls_.Run<v1::StaffMember>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::StaffMember> {
        ASSIGN_OR_RETURN(const std::string id,
                         api::ParseResourceId(request->name(), "staff", "name"));
        ASSIGN_OR_RETURN(const absl::CivilDay day,
                         DayOr(request->as_of(), request->has_as_of(), today_(),
                               "as_of"));
        ASSIGN_OR_RETURN(v1::StaffMember member, store_->GetStaff(call, id, day));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        const std::string school =
            member.has_placement() ? member.placement().school().substr(6) : "";
        RETURN_IF_ERROR(
            Authorize(call, ScopeOf(*directory, school), Access::kRead));
        return member;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListStaffMembers(
    grpc::CallbackServerContext* context,
    const v1::ListStaffMembersRequest* request,
    v1::ListStaffMembersResponse* response) {
  return calls_.Run<v1::ListStaffMembersResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListStaffMembersResponse> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        absl::StatusOr<std::string> unit =
            ParseOrgUnit(request->org_unit(), *directory, "org_unit");
        if (!unit.ok()) violations.Add("org_unit", "cần units/{id} của thành phố, xã hoặc trường");
        absl::StatusOr<absl::CivilDay> day = DayOr(
            request->as_of(), request->has_as_of(), today_(), "as_of");
        if (!day.ok()) violations.Add("as_of", "ngày không hợp lệ (invalid date)");
        if (!request->level().empty() && !IsLevel(request->level())) {
          violations.Add("level", "cần MN, TH, THCS hoặc THPT");
        }
        absl::StatusOr<int> page_size = api::EffectivePageSize(request->page_size());
        if (!page_size.ok()) violations.Add("page_size", "không âm (>= 0)");
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, *unit), Access::kRead));
        StaffQuery query;
        if (*unit != directory->city_id) {
          for (const auto& [school, within] : directory->WithinOf(*unit)) {
            query.schools.push_back(school);
          }
          if (query.schools.empty()) return v1::ListStaffMembersResponse();
        }
        query.day = *day;
        query.position = request->position();
        query.level = request->level();
        query.page_size = *page_size;
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        if (!request->page_token().empty()) {
          ASSIGN_OR_RETURN(const api::PageCursor cursor,
                           api::DecodePageToken(request->page_token(), fingerprint));
          if (cursor.keys.size() != 1) {
            return InvalidField("page_token", "không hợp lệ (invalid)");
          }
          query.after_id = cursor.keys[0];
        }
        ASSIGN_OR_RETURN(auto page, store_->ListStaff(call, query));
        v1::ListStaffMembersResponse result;
        for (v1::StaffMember& member : page.first) {
          *result.add_staff_members() = std::move(member);
        }
        if (page.second) {
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{result.staff_members().rbegin()->name().substr(6)}},
              fingerprint));
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreateStaffMember(
    grpc::CallbackServerContext* context,
    const v1::CreateStaffMemberRequest* request, v1::StaffMember* response) {
  return calls_.Run<v1::StaffMember>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::StaffMember> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        if (!api::IsValidResourceId(request->staff_member_id())) {
          violations.Add("staff_member_id",
                         "cần mã giả danh [a-z0-9-], bắt đầu bằng chữ");
        }
        CheckPersonalData(request->staff_member(), "staff_member.", {},
                          violations);
        Problems problems;
        CheckPlacement(request->placement(), *directory, "placement.", problems);
        for (const auto& [field, message] : problems) violations.Add(field, message);
        absl::StatusOr<absl::CivilDay> start =
            api::FromProtoDate(request->start_date(), "start_date");
        if (!request->has_start_date() || !start.ok()) {
          violations.Add("start_date", "bắt buộc (required)");
        }
        CheckRequestId(request->request_id(), violations);
        RETURN_IF_ERROR(violations.ToStatus());
        const std::string school = request->placement().school().substr(6);
        RETURN_IF_ERROR(
            Authorize(call, ScopeOf(*directory, school), Access::kWrite));
        ASSIGN_OR_RETURN(
            v1::StaffMember member,
            store_->CreateStaff(call, request->staff_member_id(),
                                request->staff_member(), request->placement(),
                                *start, "", request->request_id()));
        server::Log(server::LogLevel::kInfo, "staffing", "staff created",
                    {{"staff", MaskedForLog(member)},
                     {"school", request->placement().school()}});
        return member;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::UpdateStaffMember(
    grpc::CallbackServerContext* context,
    const v1::UpdateStaffMemberRequest* request, v1::StaffMember* response) {
  return calls_.Run<v1::StaffMember>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::StaffMember> {
        FieldViolations violations;
        absl::StatusOr<std::string> id = api::ParseResourceId(
            request->staff_member().name(), "staff", "staff_member.name");
        if (!id.ok()) violations.Add("staff_member.name", "cần staff/{id}");
        const absl::Status mask = api::ValidateFieldMask(
            request->update_mask(),
            {"display_name", "birth_year", "sex", "employment", "qualification",
             "qualification_date"});
        if (!mask.ok()) {
          const google::rpc::BadRequest bad_mask = GetBadRequest(mask);
          for (const auto& v : bad_mask.field_violations()) {
            violations.Add(v.field(), v.description());
          }
        } else {
          std::set<std::string> paths(request->update_mask().paths().begin(),
                                      request->update_mask().paths().end());
          if (paths.count("qualification_date")) paths.insert("qualification");
          CheckPersonalData(request->staff_member(), "staff_member.", paths,
                            violations);
        }
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(const v1::StaffMember current,
                         store_->GetStaff(call, *id, today_()));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        RETURN_IF_ERROR(Authorize(
            call,
            ScopeOf(*directory, current.has_placement()
                                    ? current.placement().school().substr(6)
                                    : ""),
            Access::kWrite));
        StaffUpdate update;
        update.id = *id;
        update.etag = request->staff_member().etag();
        update.paths.assign(request->update_mask().paths().begin(),
                            request->update_mask().paths().end());
        update.fields = request->staff_member();
        ASSIGN_OR_RETURN(v1::StaffMember member, store_->UpdateStaff(call, update));
        server::Log(server::LogLevel::kInfo, "staffing", "staff updated",
                    {{"staff", MaskedForLog(member)}});
        return member;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreateMovement(
    grpc::CallbackServerContext* context,
    const v1::CreateMovementRequest* request, v1::Movement* response) {
  return calls_.Run<v1::Movement>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Movement> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        absl::StatusOr<std::string> id =
            api::ParseResourceId(request->parent(), "staff", "parent");
        if (!id.ok()) violations.Add("parent", "cần staff/{id}");
        const v1::Movement& movement = request->movement();
        if (movement.kind() == v1::MOVEMENT_KIND_UNSPECIFIED) {
          violations.Add("movement.kind", "bắt buộc (required)");
        }
        absl::StatusOr<absl::CivilDay> day = api::FromProtoDate(
            movement.effective_date(), "movement.effective_date");
        if (!movement.has_effective_date() || !day.ok()) {
          violations.Add("movement.effective_date", "bắt buộc (required)");
        }
        if (movement.kind() == v1::LEAVING) {
          if (movement.has_placement()) {
            violations.Add("movement.placement", "không dùng khi nghỉ (not for LEAVING)");
          }
        } else if (movement.kind() != v1::MOVEMENT_KIND_UNSPECIFIED) {
          Problems problems;
          CheckPlacement(movement.placement(), *directory, "movement.placement.",
                         problems);
          for (const auto& [field, message] : problems) {
            violations.Add(field, message);
          }
        }
        if (movement.kind() == v1::SECONDMENT) {
          absl::StatusOr<absl::CivilDay> end =
              api::FromProtoDate(movement.end_date(), "movement.end_date");
          if (!movement.has_end_date() || !end.ok() || (day.ok() && *end <= *day)) {
            violations.Add("movement.end_date",
                           "bắt buộc, sau ngày hiệu lực (required, after "
                           "effective_date)");
          }
        } else if (movement.has_end_date()) {
          violations.Add("movement.end_date", "chỉ dùng cho biệt phái (SECONDMENT only)");
        }
        if (movement.decision().size() > 200) {
          violations.Add("movement.decision", "tối đa 200 byte");
        }
        CheckRequestId(request->request_id(), violations);
        RETURN_IF_ERROR(violations.ToStatus());
        // Both ends of the move: where the person is the day before, and
        // where they go.
        ASSIGN_OR_RETURN(const v1::StaffMember before,
                         store_->GetStaff(call, *id, *day - 1));
        if (before.has_placement()) {
          RETURN_IF_ERROR(Authorize(
              call, ScopeOf(*directory, before.placement().school().substr(6)),
              Access::kWrite));
        }
        if (movement.has_placement()) {
          RETURN_IF_ERROR(Authorize(
              call, ScopeOf(*directory, movement.placement().school().substr(6)),
              Access::kWrite));
        }
        if ((movement.kind() == v1::TRANSFER || movement.kind() == v1::ROTATION ||
             movement.kind() == v1::SECONDMENT) &&
            before.has_placement() &&
            before.placement().school() == movement.placement().school()) {
          return InvalidField("movement.placement.school",
                              "cùng trường; dùng REASSIGNMENT (the same school)");
        }
        if (movement.kind() == v1::REASSIGNMENT && before.has_placement() &&
            before.placement().school() != movement.placement().school()) {
          return InvalidField("movement.placement.school",
                              "trường khác; dùng TRANSFER (another school)");
        }
        return store_->CreateMovement(call, *id, movement, request->request_id());
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListMovements(
    grpc::CallbackServerContext* context,
    const v1::ListMovementsRequest* request,
    v1::ListMovementsResponse* response) {
  return calls_.Run<v1::ListMovementsResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ListMovementsResponse> {
        ASSIGN_OR_RETURN(const std::string id,
                         api::ParseResourceId(request->parent(), "staff", "parent"));
        ASSIGN_OR_RETURN(const v1::StaffMember member,
                         store_->GetStaff(call, id, today_()));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        RETURN_IF_ERROR(Authorize(
            call,
            ScopeOf(*directory, member.has_placement()
                                    ? member.placement().school().substr(6)
                                    : ""),
            Access::kRead));
        ASSIGN_OR_RETURN(std::vector<v1::Movement> movements,
                         store_->ListMovements(call, id));
        v1::ListMovementsResponse result;
        for (v1::Movement& m : movements) *result.add_movements() = std::move(m);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ImportRoster(
    grpc::CallbackServerContext* context, const v1::ImportRosterRequest* request,
    v1::ImportResponse* response) {
  return calls_.Run<v1::ImportResponse>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ImportResponse> {
        if (request->csv_content().empty()) {
          return InvalidField("csv_content", "bắt buộc (required)");
        }
        if (request->csv_content().size() > kMaxCsvBytes) {
          return InvalidField("csv_content", "tối đa 8 MiB (at most 8 MiB)");
        }
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        std::string school;
        if (!request->school().empty()) {
          ASSIGN_OR_RETURN(school,
                           api::ParseResourceId(request->school(), "units", "school"));
          if (directory->KindOf(school) != OrgDirectory::Kind::kSchool) {
            return InvalidField("school", "không phải trường (not a school)");
          }
        }
        ASSIGN_OR_RETURN(const std::vector<RosterLine> lines,
                         ParseRosterCsv(request->csv_content(), *directory, school));
        std::set<std::string> schools;
        for (const RosterLine& line : lines) schools.insert(line.placement.school());
        for (const std::string& s : schools) {
          RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, s), Access::kWrite));
        }
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         store_->ImportRoster(call, lines, request->validate_only()));
        v1::ImportResponse result;
        result.set_created(counts.created);
        result.set_updated(counts.updated);
        result.set_unchanged(counts.unchanged);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ImportSchoolClasses(
    grpc::CallbackServerContext* context,
    const v1::ImportSchoolClassesRequest* request, v1::ImportResponse* response) {
  return calls_.Run<v1::ImportResponse>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ImportResponse> {
        if (request->csv_content().empty()) {
          return InvalidField("csv_content", "bắt buộc (required)");
        }
        if (request->csv_content().size() > kMaxCsvBytes) {
          return InvalidField("csv_content", "tối đa 8 MiB (at most 8 MiB)");
        }
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        ASSIGN_OR_RETURN(const std::vector<ClassLine> lines,
                         ParseClassesCsv(request->csv_content(), *directory));
        std::set<std::string> schools;
        for (const ClassLine& line : lines) schools.insert(line.classes.school());
        for (const std::string& s : schools) {
          RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, s), Access::kWrite));
        }
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         store_->ImportClasses(call, lines, request->validate_only()));
        v1::ImportResponse result;
        result.set_created(counts.created);
        result.set_updated(counts.updated);
        result.set_unchanged(counts.unchanged);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListSchoolClasses(
    grpc::CallbackServerContext* context,
    const v1::ListSchoolClassesRequest* request,
    v1::ListSchoolClassesResponse* response) {
  return calls_.Run<v1::ListSchoolClassesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListSchoolClassesResponse> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        absl::StatusOr<std::string> unit =
            request->org_unit().empty()
                ? absl::StatusOr<std::string>(InvalidField("org_unit", "required"))
                : ParseOrgUnit(request->org_unit(), *directory, "org_unit");
        if (!unit.ok()) violations.Add("org_unit", "cần units/{id} của xã hoặc trường");
        if (!ParseSchoolYear(request->school_year(), "school_year").ok()) {
          violations.Add("school_year", "cần năm học dạng 2025-2026");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, *unit), Access::kAggregate));
        std::vector<std::string> schools;
        if (*unit != directory->city_id) {
          for (const auto& [school, within] : directory->WithinOf(*unit)) {
            schools.push_back(school);
          }
          if (schools.empty()) return v1::ListSchoolClassesResponse();
        }
        ASSIGN_OR_RETURN(std::vector<v1::SchoolClasses> classes,
                         store_->ListClasses(call, request->school_year(), schools));
        v1::ListSchoolClassesResponse result;
        for (v1::SchoolClasses& c : classes) *result.add_classes() = std::move(c);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreateNorm(
    grpc::CallbackServerContext* context, const v1::CreateNormRequest* request,
    v1::Norm* response) {
  return calls_.Run<v1::Norm>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Norm> {
        const v1::Norm& n = request->norm();
        FieldViolations violations;
        NormRule norm;
        norm.level = n.level();
        norm.grade = n.grade();
        norm.sessions_per_day = n.sessions_per_day();
        norm.subject = n.subject();
        norm.max_pupils_per_class = n.max_pupils_per_class();
        norm.source = n.source();
        if (!IsLevel(n.level())) violations.Add("norm.level", "cần MN, TH, THCS hoặc THPT");
        if (!n.grade().empty()) {
          absl::StatusOr<std::string> level = LevelOfGrade(n.grade(), "norm.grade");
          if (!level.ok() || *level != n.level()) {
            violations.Add("norm.grade", "không thuộc cấp học (not a grade of the level)");
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
        absl::StatusOr<absl::CivilDay> from =
            api::FromProtoDate(n.valid_from(), "norm.valid_from");
        if (!n.has_valid_from() || !from.ok()) {
          violations.Add("norm.valid_from", "bắt buộc (required)");
        } else {
          norm.valid_from = *from;
        }
        if (n.source().empty() || n.source().size() > 300) {
          violations.Add("norm.source", "bắt buộc: văn bản quy định (the regulation)");
        }
        CheckRequestId(request->request_id(), violations);
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authorize(call, ScopeOf(OrgDirectory(), ""), Access::kWrite));
        ASSIGN_OR_RETURN(const NormRule created,
                         store_->CreateNorm(call, norm, request->request_id()));
        return NormToProto(created);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListNorms(
    grpc::CallbackServerContext* context, const v1::ListNormsRequest* request,
    v1::ListNormsResponse* response) {
  return calls_.Run<v1::ListNormsResponse>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ListNormsResponse> {
        std::optional<absl::CivilDay> on;
        if (request->has_valid_on()) {
          ASSIGN_OR_RETURN(on, api::FromProtoDate(request->valid_on(), "valid_on"));
        }
        RETURN_IF_ERROR(Authorize(call, ScopeOf(OrgDirectory(), ""), Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<NormRule> norms, store_->ListNorms(call));
        v1::ListNormsResponse result;
        for (const NormRule& norm : norms) {
          if (!on || ValidOn(norm, *on)) *result.add_norms() = NormToProto(norm);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreateTrainingStandard(
    grpc::CallbackServerContext* context,
    const v1::CreateTrainingStandardRequest* request,
    v1::TrainingStandard* response) {
  return calls_.Run<v1::TrainingStandard>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::TrainingStandard> {
        const v1::TrainingStandard& s = request->training_standard();
        FieldViolations violations;
        StandardRule standard;
        standard.level = s.level();
        standard.minimum = s.minimum();
        standard.source = s.source();
        if (!IsLevel(s.level())) {
          violations.Add("training_standard.level", "cần MN, TH, THCS hoặc THPT");
        }
        if (s.minimum() == v1::QUALIFICATION_UNSPECIFIED) {
          violations.Add("training_standard.minimum", "bắt buộc (required)");
        }
        absl::StatusOr<absl::CivilDay> from =
            api::FromProtoDate(s.valid_from(), "training_standard.valid_from");
        if (!s.has_valid_from() || !from.ok()) {
          violations.Add("training_standard.valid_from", "bắt buộc (required)");
        } else {
          standard.valid_from = *from;
        }
        if (s.source().empty() || s.source().size() > 300) {
          violations.Add("training_standard.source", "bắt buộc (the regulation)");
        }
        CheckRequestId(request->request_id(), violations);
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authorize(call, ScopeOf(OrgDirectory(), ""), Access::kWrite));
        ASSIGN_OR_RETURN(const StandardRule created,
                         store_->CreateStandard(call, standard, request->request_id()));
        return StandardToProto(created);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListTrainingStandards(
    grpc::CallbackServerContext* context,
    const v1::ListTrainingStandardsRequest* request,
    v1::ListTrainingStandardsResponse* response) {
  return calls_.Run<v1::ListTrainingStandardsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListTrainingStandardsResponse> {
        std::optional<absl::CivilDay> on;
        if (request->has_valid_on()) {
          ASSIGN_OR_RETURN(on, api::FromProtoDate(request->valid_on(), "valid_on"));
        }
        RETURN_IF_ERROR(Authorize(call, ScopeOf(OrgDirectory(), ""), Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<StandardRule> standards,
                         store_->ListStandards(call));
        v1::ListTrainingStandardsResponse result;
        for (const StandardRule& s : standards) {
          if (on && (s.valid_from > *on || (s.valid_until && *on >= *s.valid_until))) {
            continue;
          }
          *result.add_training_standards() = StandardToProto(s);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::SetQuota(
    grpc::CallbackServerContext* context, const v1::SetQuotaRequest* request,
    v1::Quota* response) {
  return calls_.Run<v1::Quota>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Quota> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        const v1::Quota& q = request->quota();
        FieldViolations violations;
        absl::StatusOr<std::string> unit =
            api::ParseResourceId(q.org_unit(), "units", "quota.org_unit");
        if (!unit.ok() || (directory->KindOf(*unit) != OrgDirectory::Kind::kSchool &&
                           directory->KindOf(*unit) != OrgDirectory::Kind::kCommune)) {
          violations.Add("quota.org_unit", "cần units/{id} của xã hoặc trường");
        }
        if (!ParseSchoolYear(q.school_year(), "quota.school_year").ok()) {
          violations.Add("quota.school_year", "cần năm học dạng 2025-2026");
        }
        if (q.posts() < 0 || q.posts() > 1000000) {
          violations.Add("quota.posts", "cần 0-1000000");
        }
        if (q.decision().size() > 200) violations.Add("quota.decision", "tối đa 200 byte");
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, *unit), Access::kWrite));
        v1::Quota quota = q;
        quota.clear_filled();
        quota.clear_vacant();
        return store_->SetQuota(call, quota);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListQuotas(
    grpc::CallbackServerContext* context, const v1::ListQuotasRequest* request,
    v1::ListQuotasResponse* response) {
  return calls_.Run<v1::ListQuotasResponse>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ListQuotasResponse> {
        ASSIGN_OR_RETURN(const int year,
                         ParseSchoolYear(request->school_year(), "school_year"));
        ASSIGN_OR_RETURN(const absl::CivilDay day,
                         DayOr(request->as_of(), request->has_as_of(),
                               SchoolYearReferenceDay(year), "as_of"));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        RETURN_IF_ERROR(Authorize(call, ScopeOf(OrgDirectory(), ""), Access::kAggregate));
        ASSIGN_OR_RETURN(std::vector<v1::Quota> quotas,
                         store_->ListQuotas(call, request->school_year()));
        ASSIGN_OR_RETURN(const std::vector<HeadcountRow> heads,
                         store_->CountHeadcount(call, day));
        std::map<std::string, int64_t> permanent;
        for (const HeadcountRow& row : heads) {
          if (row.employment != v1::PERMANENT) continue;
          permanent[row.school] += row.count;
          permanent[directory->CommuneOf(row.school)] += row.count;
        }
        v1::ListQuotasResponse result;
        for (v1::Quota& quota : quotas) {
          const int64_t filled = permanent[quota.org_unit()];
          quota.set_org_unit(UnitName(quota.org_unit()));
          quota.set_filled(static_cast<int32_t>(filled));
          quota.set_vacant(static_cast<int32_t>(quota.posts() - filled));
          *result.add_quotas() = std::move(quota);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetStaffingBalance(
    grpc::CallbackServerContext* context,
    const v1::GetStaffingBalanceRequest* request,
    v1::GetStaffingBalanceResponse* response) {
  return calls_.Run<v1::GetStaffingBalanceResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::GetStaffingBalanceResponse> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        absl::StatusOr<std::string> unit =
            ParseOrgUnit(request->org_unit(), *directory, "org_unit");
        if (!unit.ok()) violations.Add("org_unit", "cần units/{id} của thành phố, xã hoặc trường");
        absl::StatusOr<int> year = ParseSchoolYear(request->school_year(), "school_year");
        if (!year.ok()) violations.Add("school_year", "cần năm học dạng 2025-2026");
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(const absl::CivilDay day,
                         DayOr(request->as_of(), request->has_as_of(),
                               SchoolYearReferenceDay(*year), "as_of"));
        RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, *unit), Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<NormRule> norms, store_->ListNorms(call));
        ASSIGN_OR_RETURN(const std::vector<ClassCount> classes,
                         store_->CountClasses(call, request->school_year()));
        ASSIGN_OR_RETURN(const std::vector<TeacherCount> teachers,
                         store_->CountTeachers(call, day));
        const std::vector<BalanceLine> schools =
            SchoolBalances(classes, teachers, norms, day, request->by_subject());
        v1::GetStaffingBalanceResponse result;
        for (const BalanceLine& line : SumBalances(schools, directory->WithinOf(*unit))) {
          *result.add_balances() = BalanceToProto(line, *directory);
        }
        if (request->drill_down() &&
            directory->KindOf(*unit) != OrgDirectory::Kind::kSchool) {
          std::vector<BalanceLine> children =
              SumBalances(schools, directory->ChildOf(*unit));
          SortByName(children, *directory);
          for (const BalanceLine& line : children) {
            *result.add_children() = BalanceToProto(line, *directory);
          }
        }
        *result.mutable_as_of() = api::ToProtoDate(day);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetShortageView(
    grpc::CallbackServerContext* context,
    const v1::GetShortageViewRequest* request,
    v1::GetShortageViewResponse* response) {
  return calls_.Run<v1::GetShortageViewResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::GetShortageViewResponse> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        absl::StatusOr<std::string> unit =
            ParseOrgUnit(request->org_unit(), *directory, "org_unit");
        if (!unit.ok()) violations.Add("org_unit", "cần units/{id} của thành phố, xã hoặc trường");
        absl::StatusOr<int> year = ParseSchoolYear(request->school_year(), "school_year");
        if (!year.ok()) violations.Add("school_year", "cần năm học dạng 2025-2026");
        if (!request->level().empty() && !IsLevel(request->level())) {
          violations.Add("level", "cần MN, TH, THCS hoặc THPT");
        }
        if (!IsValidSubject(request->subject())) {
          violations.Add("subject", "chữ thường, số, '-' (a slug)");
        }
        if (request->limit() < 0) violations.Add("limit", "không âm (>= 0)");
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(const absl::CivilDay day,
                         DayOr(request->as_of(), request->has_as_of(),
                               SchoolYearReferenceDay(*year), "as_of"));
        RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, *unit), Access::kAggregate));
        const int limit = request->limit() == 0 ? kDefaultLimit
                                                : std::min(request->limit(), 1000);
        ASSIGN_OR_RETURN(const std::vector<NormRule> norms, store_->ListNorms(call));
        ASSIGN_OR_RETURN(const std::vector<ClassCount> classes,
                         store_->CountClasses(call, request->school_year()));
        ASSIGN_OR_RETURN(const std::vector<TeacherCount> teachers,
                         store_->CountTeachers(call, day));
        std::vector<BalanceLine> lines;
        for (BalanceLine& line : SchoolBalances(classes, teachers, norms, day,
                                                !request->subject().empty())) {
          if (line.subject != request->subject()) continue;
          if (!request->level().empty() && line.level != request->level()) continue;
          if (!directory->schools.count(line.unit)) continue;
          lines.push_back(std::move(line));
        }
        const std::map<std::string, std::string> commune_of =
            directory->CommuneOfSchools();
        std::vector<std::string> receivers;
        for (const auto& [school, within] : directory->WithinOf(*unit)) {
          receivers.push_back(school);
        }
        const std::set<std::string> in_view(receivers.begin(), receivers.end());

        v1::GetShortageViewResponse result;
        std::vector<const BalanceLine*> shortages;
        for (const BalanceLine& line : lines) {
          if (line.balance() < 0 && in_view.count(line.unit)) {
            shortages.push_back(&line);
          }
        }
        std::stable_sort(shortages.begin(), shortages.end(),
                         [](const BalanceLine* a, const BalanceLine* b) {
                           return a->balance() < b->balance();
                         });
        for (const BalanceLine* line : shortages) {
          if (result.shortages_size() == limit) break;
          v1::Shortage& shortage = *result.add_shortages();
          *shortage.mutable_balance() = BalanceToProto(*line, *directory);
          const std::string commune = directory->CommuneOf(line->unit);
          std::vector<const BalanceLine*> nearby;
          for (const BalanceLine& other : lines) {
            if (other.balance() > 0 && other.level == line->level &&
                other.subject == line->subject) {
              nearby.push_back(&other);
            }
          }
          std::stable_sort(nearby.begin(), nearby.end(),
                           [&](const BalanceLine* a, const BalanceLine* b) {
                             const bool sa = directory->CommuneOf(a->unit) == commune;
                             const bool sb = directory->CommuneOf(b->unit) == commune;
                             if (sa != sb) return sa;
                             return a->balance() > b->balance();
                           });
          for (size_t i = 0; i < nearby.size() && i < kNearbySurpluses; ++i) {
            *shortage.add_nearby_surpluses() = BalanceToProto(*nearby[i], *directory);
          }
        }
        result.set_total_shortage_before(TotalShortage(lines));
        result.set_total_shortage_after(result.total_shortage_before());
        for (const Transfer& t : SuggestTransfers(lines, commune_of, receivers, limit)) {
          v1::SuggestedTransfer& s = *result.add_suggestions();
          s.set_from_school(UnitName(t.from_school));
          s.set_to_school(UnitName(t.to_school));
          s.set_level(t.level);
          s.set_subject(t.subject);
          s.set_count(t.count);
          s.set_same_commune(t.same_commune);
          s.set_from_balance_before(t.from_before);
          s.set_from_balance_after(t.from_before - t.count);
          s.set_to_balance_before(t.to_before);
          s.set_to_balance_after(t.to_before + t.count);
          s.set_total_shortage_before(t.total_shortage_before);
          s.set_total_shortage_after(t.total_shortage_after);
          result.set_total_shortage_after(t.total_shortage_after);
          ASSIGN_OR_RETURN(const std::vector<std::string> candidates,
                           store_->TransferCandidates(
                               call, t.from_school, t.level, t.subject, day,
                               static_cast<int>(t.count)));
          for (const std::string& c : candidates) s.add_candidates(c);
        }
        *result.mutable_as_of() = api::ToProtoDate(day);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetTrainingStandardShares(
    grpc::CallbackServerContext* context,
    const v1::GetTrainingStandardSharesRequest* request,
    v1::GetTrainingStandardSharesResponse* response) {
  return calls_.Run<v1::GetTrainingStandardSharesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::GetTrainingStandardSharesResponse> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        absl::StatusOr<std::string> unit =
            ParseOrgUnit(request->org_unit(), *directory, "org_unit");
        if (!unit.ok()) violations.Add("org_unit", "cần units/{id} của thành phố, xã hoặc trường");
        absl::StatusOr<absl::CivilDay> day =
            api::FromProtoDate(request->as_of(), "as_of");
        if (!request->has_as_of() || !day.ok()) violations.Add("as_of", "bắt buộc (required)");
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, *unit), Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<StandardRule> standards,
                         store_->ListStandards(call));
        ASSIGN_OR_RETURN(const std::vector<QualificationCount> counts,
                         store_->CountQualifications(call, *day));
        auto to_proto = [&](const std::pair<std::string, std::string>& key,
                            const TrainingSum& sum) {
          v1::TrainingStandardShare share;
          share.set_org_unit(UnitName(key.first));
          share.set_level(key.second);
          share.set_teachers(sum.teachers);
          share.set_meeting(sum.meeting);
          share.set_below(sum.below);
          share.set_above(sum.above);
          share.set_percent(Percent(sum.meeting, sum.teachers));
          return share;
        };
        v1::GetTrainingStandardSharesResponse result;
        for (const auto& [key, sum] :
             SumTrainingStandard(standards, counts, directory->WithinOf(*unit),
                                 *day)) {
          *result.add_shares() = to_proto(key, sum);
        }
        if (request->drill_down() &&
            directory->KindOf(*unit) != OrgDirectory::Kind::kSchool) {
          for (const auto& [key, sum] :
               SumTrainingStandard(standards, counts,
                                   directory->ChildOf(*unit), *day)) {
            *result.add_children() = to_proto(key, sum);
          }
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetHeadcount(
    grpc::CallbackServerContext* context, const v1::GetHeadcountRequest* request,
    v1::GetHeadcountResponse* response) {
  return calls_.Run<v1::GetHeadcountResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::GetHeadcountResponse> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        absl::StatusOr<std::string> unit =
            ParseOrgUnit(request->org_unit(), *directory, "org_unit");
        if (!unit.ok()) violations.Add("org_unit", "cần units/{id} của thành phố, xã hoặc trường");
        absl::StatusOr<absl::CivilDay> day =
            api::FromProtoDate(request->as_of(), "as_of");
        if (!request->has_as_of() || !day.ok()) violations.Add("as_of", "bắt buộc (required)");
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authorize(call, ScopeOf(*directory, *unit), Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<HeadcountRow> rows,
                         store_->CountHeadcount(call, *day));
        using Key = std::tuple<std::string, int, int, std::string>;
        auto sum = [&](const std::map<std::string, std::string>& group_of) {
          std::map<Key, int64_t> sums;
          for (const HeadcountRow& row : rows) {
            auto group = group_of.find(row.school);
            if (group == group_of.end()) continue;
            sums[{group->second, row.position, row.employment, row.level}] += row.count;
          }
          return sums;
        };
        auto to_proto = [](const Key& key, int64_t count) {
          v1::Headcount h;
          h.set_org_unit(UnitName(std::get<0>(key)));
          h.set_position(static_cast<v1::Position>(std::get<1>(key)));
          h.set_employment(static_cast<v1::Employment>(std::get<2>(key)));
          h.set_level(std::get<3>(key));
          h.set_count(count);
          return h;
        };
        v1::GetHeadcountResponse result;
        for (const auto& [key, count] : sum(directory->WithinOf(*unit))) {
          *result.add_headcounts() = to_proto(key, count);
          result.set_total(result.total() + count);
          if (std::get<1>(key) == v1::TEACHER) {
            result.set_teachers(result.teachers() + count);
          }
          if (std::get<2>(key) == v1::PERMANENT) {
            result.set_permanent(result.permanent() + count);
          }
        }
        if (request->drill_down() &&
            directory->KindOf(*unit) != OrgDirectory::Kind::kSchool) {
          for (const auto& [key, count] : sum(directory->ChildOf(*unit))) {
            *result.add_children() = to_proto(key, count);
          }
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const audit::v1::ListAuditEventsRequest* request,
    audit::v1::ListAuditEventsResponse* response) {
  return calls_.Run<audit::v1::ListAuditEventsResponse>(
      context, response, [this, request](const CallContext& call) {
        return audit_log_.List(call, *request);
      });
}

IndicatorSourceServiceImpl::IndicatorSourceServiceImpl(
    std::shared_ptr<StaffStore> store,
    std::shared_ptr<SchoolDirectory> directory, server::UnaryCalls& calls)
    : store_(std::move(store)),
      directory_(std::move(directory)),
      authorizer_("staffing"),
      calls_(calls) {}

grpc::ServerUnaryReactor* IndicatorSourceServiceImpl::ComputeIndicatorValues(
    grpc::CallbackServerContext* context,
    const iv1::ComputeIndicatorValuesRequest* request,
    iv1::ComputeIndicatorValuesResponse* response) {
  return calls_.Run<iv1::ComputeIndicatorValuesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<iv1::ComputeIndicatorValuesResponse> {
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        FieldViolations violations;
        const std::optional<std::string> level =
            TrainingIndicatorLevel(request->indicator_code());
        if (!level) {
          violations.Add("indicator_code",
                         "nhân sự chỉ tính HP-10, HP-11, HP-12 và HP-13 (the "
                         "staffing service computes HP-10..HP-13)");
        }
        absl::StatusOr<absl::CivilDay> day =
            TrainingIndicatorDay(request->period(), "period");
        if (!day.ok()) violations.Add("period", "cần năm học dạng 2025-2026 (a school year)");
        if (request->org_units().empty()) {
          violations.Add("org_units", "bắt buộc (required)");
        }
        if (request->org_units_size() > kMaxIndicatorUnits) {
          violations.Add("org_units", absl::StrCat("tối đa ", kMaxIndicatorUnits,
                                                   " đơn vị (too many units)"));
        }
        // Units by kind: the schools of units of one kind are disjoint.
        std::map<OrgDirectory::Kind, std::vector<std::string>> units_by_kind;
        for (int i = 0; i < request->org_units_size(); ++i) {
          const std::string field = absl::StrCat("org_units[", i, "]");
          absl::StatusOr<std::string> unit =
              request->org_units(i).empty()
                  ? InvalidField(field, "bắt buộc (required)")
                  : ParseOrgUnit(request->org_units(i), *directory, field);
          if (!unit.ok()) {
            violations.Add(field, "cần units/{id} của thành phố, xã hoặc trường");
            continue;
          }
          units_by_kind[directory->KindOf(*unit)].push_back(*unit);
        }
        RETURN_IF_ERROR(violations.ToStatus());
        for (const auto& [kind, units] : units_by_kind) {
          for (const std::string& unit : units) {
            RETURN_IF_ERROR(Authorize(authorizer_, call,
                                      ScopeOf(*directory, unit),
                                      Access::kAggregate));
          }
        }
        ASSIGN_OR_RETURN(const std::vector<StandardRule> standards,
                         store_->ListStandards(call));
        if (!HasStandard(standards, *level, *day)) {
          return WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "Chưa có chuẩn đào tạo ", *level, " hiệu lực ngày ",
                  absl::FormatCivilTime(*day), " (no training standard of ",
                  *level, " valid that day)")),
              "NO_TRAINING_STANDARD");
        }
        ASSIGN_OR_RETURN(const std::vector<QualificationCount> counts,
                         store_->CountQualifications(call, *day));
        iv1::ComputeIndicatorValuesResponse out;
        for (const auto& [kind, units] : units_by_kind) {
          std::map<std::string, std::string> unit_of;
          for (const std::string& unit : units) {
            unit_of.merge(directory->WithinOf(unit));
          }
          for (const auto& [key, sum] :
               SumTrainingStandard(standards, counts, unit_of, *day)) {
            if (key.second != *level || sum.teachers == 0) continue;
            iv1::ReportedValue& value = *out.add_values();
            value.set_org_unit(UnitName(key.first));
            value.set_period(request->period());
            value.set_numerator(sum.meeting);
            value.set_denominator(sum.teachers);
            value.set_provenance(iv1::COMPUTED_FROM_SERVICE);
          }
        }
        return out;
      });
}

}  // namespace hpedu::staffing
