#include "services/staffing/staffing_service.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/page_token.h"
#include "libs/api/resource_name.h"
#include "libs/server/log.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"
#include "services/staffing/balance.h"
#include "services/staffing/headcount.h"
#include "services/staffing/paging.h"
#include "services/staffing/shortage_view.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/staffing_rules.h"
#include "services/staffing/staffing_validation.h"
#include "services/staffing/training_shares.h"

namespace hpedu::staffing {
namespace {

namespace iv1 = ::hpedu::indicators::v1;
using server::CallContext;

std::string UnitName(const std::string& id) {
  return api::ResourceName("units", id);
}

// The school id of a resource name "units/{id}" ("" for none).
std::string UnitIdOf(const std::string& name) {
  return name.starts_with("units/") ? name.substr(6) : name;
}

// The school a person is placed in ("" if not placed).
std::string SchoolOf(const v1::StaffMember& member) {
  return member.has_placement() ? UnitIdOf(member.placement().school()) : "";
}

// The schools of `unit` (none for the city: every school).
std::vector<std::string> SchoolsOf(const OrgDirectory& directory,
                                   const std::string& unit) {
  std::vector<std::string> schools;
  if (unit == directory.city_id) return schools;
  for (const auto& [school, within] : directory.WithinOf(unit)) {
    schools.push_back(school);
  }
  return schools;
}

v1::ImportResponse ImportResponseOf(const ImportCounts& counts) {
  v1::ImportResponse result;
  result.set_created(counts.created);
  result.set_updated(counts.updated);
  result.set_unchanged(counts.unchanged);
  return result;
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

v1::SuggestedTransfer TransferToProto(const Transfer& t) {
  v1::SuggestedTransfer s;
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
  return s;
}

v1::TrainingStandardShare ShareToProto(
    const std::pair<std::string, std::string>& key, const TrainingSum& sum) {
  v1::TrainingStandardShare share;
  share.set_org_unit(UnitName(key.first));
  share.set_level(key.second);
  share.set_teachers(sum.teachers);
  share.set_meeting(sum.meeting);
  share.set_below(sum.below);
  share.set_above(sum.above);
  share.set_percent(SharePercent(sum.meeting, sum.teachers));
  return share;
}

v1::Headcount HeadcountToProto(const HeadcountKey& key, int64_t count) {
  v1::Headcount h;
  h.set_org_unit(UnitName(std::get<0>(key)));
  h.set_position(std::get<1>(key));
  h.set_employment(std::get<2>(key));
  h.set_level(std::get<3>(key));
  h.set_count(count);
  return h;
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

// The page keys of the listings (what they are ordered by; unique).
std::vector<std::string> MovementKey(const v1::Movement& m) {
  const std::string id = m.name().substr(m.name().rfind('/') + 1);
  return {api::FormatIsoDate(*api::FromProtoDate(m.effective_date(), "")),
          NumberKey(std::stoll(id))};
}
std::vector<std::string> ClassesKey(const v1::SchoolClasses& c) {
  return {c.school(), NumberKey(static_cast<int64_t>(c.grade().size())),
          c.grade(), NumberKey(c.sessions_per_day())};
}
std::vector<std::string> NormKey(const NormRule& n) {
  return {n.level, n.subject, n.grade, NumberKey(n.sessions_per_day),
          api::FormatIsoDate(n.valid_from), NumberKey(n.id)};
}
std::vector<std::string> StandardKey(const StandardRule& s) {
  return {s.level, api::FormatIsoDate(s.valid_from), NumberKey(s.id)};
}
std::vector<std::string> QuotaKey(const v1::Quota& q) { return {q.org_unit()}; }

}  // namespace

StaffingServiceImpl::StaffingServiceImpl(
    StaffingStores stores, std::shared_ptr<SchoolDirectory> directory,
    audit::AuditLog audit_log, std::unique_ptr<feed::ChangeFeed> changes,
    server::UnaryCalls& calls, std::function<absl::CivilDay()> today)
    : stores_(std::move(stores)),
      directory_(std::move(directory)),
      authorizer_("staffing"),
      audit_log_(std::move(audit_log)),
      changes_(std::move(changes)),
      calls_(calls),
      today_(std::move(today)) {}

absl::Status StaffingServiceImpl::Authorize(const CallContext& call,
                                            const OrgDirectory& directory,
                                            const std::string& unit_id,
                                            Access access) const {
  return staffing::Authorize(authorizer_, call, ScopeOf(directory, unit_id),
                             access);
}

template <typename Response, typename Body>
grpc::ServerUnaryReactor* StaffingServiceImpl::RunWithDirectory(
    grpc::CallbackServerContext* context, Response* response, Body body) {
  return calls_.Run<Response>(
      context, response,
      [this, body = std::move(body)](
          const CallContext& call) -> absl::StatusOr<Response> {
        ASSIGN_OR_RETURN(const std::shared_ptr<const OrgDirectory> directory,
                         directory_->Get(call));
        return body(call, *directory);
      });
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
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::StaffMember> {
        ASSIGN_OR_RETURN(const auto id_day,
                         ValidateGetStaffMemberRequest(*request, today_()));
        ASSIGN_OR_RETURN(v1::StaffMember member,
                         stores_.staff->GetStaff(call, id_day.first, id_day.second));
        RETURN_IF_ERROR(Authorize(call, directory, SchoolOf(member), Access::kRead));
        return member;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListStaffMembers(
    grpc::CallbackServerContext* context,
    const v1::ListStaffMembersRequest* request,
    v1::ListStaffMembersResponse* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::ListStaffMembersResponse> {
        ASSIGN_OR_RETURN(ListStaffCommand command,
                         ValidateListStaffMembersRequest(*request, directory,
                                                         today_()));
        RETURN_IF_ERROR(Authorize(call, directory, command.unit, Access::kRead));
        command.query.schools = SchoolsOf(directory, command.unit);
        if (command.unit != directory.city_id && command.query.schools.empty()) {
          return v1::ListStaffMembersResponse();
        }
        ASSIGN_OR_RETURN(auto page, stores_.staff->ListStaff(call, command.query));
        v1::ListStaffMembersResponse result;
        for (v1::StaffMember& member : page.first) {
          *result.add_staff_members() = std::move(member);
        }
        if (page.second) {
          const std::string& last = result.staff_members().rbegin()->name();
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{last.substr(last.find('/') + 1)}},
              command.fingerprint));
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreateStaffMember(
    grpc::CallbackServerContext* context,
    const v1::CreateStaffMemberRequest* request, v1::StaffMember* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::StaffMember> {
        ASSIGN_OR_RETURN(const absl::CivilDay start,
                         ValidateCreateStaffMemberRequest(*request, directory));
        RETURN_IF_ERROR(Authorize(call, directory,
                                  UnitIdOf(request->placement().school()),
                                  Access::kWrite));
        ASSIGN_OR_RETURN(
            v1::StaffMember member,
            stores_.staff->CreateStaff(call, request->staff_member_id(),
                                       request->staff_member(),
                                       request->placement(), start, "",
                                       request->request_id()));
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
        ASSIGN_OR_RETURN(const StaffUpdate update,
                         ValidateUpdateStaffMemberRequest(*request));
        ASSIGN_OR_RETURN(const v1::StaffMember current,
                         stores_.staff->GetStaff(call, update.id, today_()));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        RETURN_IF_ERROR(
            Authorize(call, *directory, SchoolOf(current), Access::kWrite));
        ASSIGN_OR_RETURN(v1::StaffMember member,
                         stores_.staff->UpdateStaff(call, update));
        server::Log(server::LogLevel::kInfo, "staffing", "staff updated",
                    {{"staff", MaskedForLog(member)}});
        return member;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreateMovement(
    grpc::CallbackServerContext* context,
    const v1::CreateMovementRequest* request, v1::Movement* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::Movement> {
        ASSIGN_OR_RETURN(const auto id_day,
                         ValidateCreateMovementRequest(*request, directory));
        const v1::Movement& movement = request->movement();
        // Both ends of the move: where the person is the day before, and
        // where they go.
        ASSIGN_OR_RETURN(const v1::StaffMember before,
                         stores_.staff->GetStaff(call, id_day.first,
                                                 id_day.second - 1));
        if (before.has_placement()) {
          RETURN_IF_ERROR(
              Authorize(call, directory, SchoolOf(before), Access::kWrite));
        }
        if (movement.has_placement()) {
          RETURN_IF_ERROR(Authorize(call, directory,
                                    UnitIdOf(movement.placement().school()),
                                    Access::kWrite));
        }
        RETURN_IF_ERROR(ValidateMovementSchool(
            movement, before.has_placement()
                          ? std::optional<v1::Placement>(before.placement())
                          : std::nullopt));
        return stores_.staff->CreateMovement(call, id_day.first, movement,
                                             request->request_id());
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
        ASSIGN_OR_RETURN(const auto id_page, ValidateListMovementsRequest(*request));
        ASSIGN_OR_RETURN(const v1::StaffMember member,
                         stores_.staff->GetStaff(call, id_page.first, today_()));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        RETURN_IF_ERROR(
            Authorize(call, *directory, SchoolOf(member), Access::kRead));
        ASSIGN_OR_RETURN(std::vector<v1::Movement> movements,
                         stores_.staff->ListMovements(call, id_page.first));
        auto [page, next] =
            PageOf(std::move(movements), &MovementKey, id_page.second);
        v1::ListMovementsResponse result;
        for (v1::Movement& m : page) *result.add_movements() = std::move(m);
        result.set_next_page_token(next);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ImportRoster(
    grpc::CallbackServerContext* context, const v1::ImportRosterRequest* request,
    v1::ImportResponse* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::ImportResponse> {
        ASSIGN_OR_RETURN(const std::string school,
                         ValidateImportRosterRequest(*request, directory));
        ASSIGN_OR_RETURN(const std::vector<RosterLine> lines,
                         ParseRosterCsv(request->csv_content(), directory, school));
        std::set<std::string> schools;
        for (const RosterLine& line : lines) schools.insert(line.placement.school());
        for (const std::string& s : schools) {
          RETURN_IF_ERROR(Authorize(call, directory, s, Access::kWrite));
        }
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         stores_.staff->ImportRoster(call, lines,
                                                     request->validate_only()));
        return ImportResponseOf(counts);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ImportSchoolClasses(
    grpc::CallbackServerContext* context,
    const v1::ImportSchoolClassesRequest* request, v1::ImportResponse* response) {
  return calls_.Run<v1::ImportResponse>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ImportResponse> {
        RETURN_IF_ERROR(ValidateImportSchoolClassesRequest(*request));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        ASSIGN_OR_RETURN(const std::vector<ClassLine> lines,
                         ParseClassesCsv(request->csv_content(), *directory));
        std::set<std::string> schools;
        for (const ClassLine& line : lines) schools.insert(line.classes.school());
        for (const std::string& s : schools) {
          RETURN_IF_ERROR(Authorize(call, *directory, s, Access::kWrite));
        }
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         stores_.classes->ImportClasses(call, lines,
                                                        request->validate_only()));
        return ImportResponseOf(counts);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListSchoolClasses(
    grpc::CallbackServerContext* context,
    const v1::ListSchoolClassesRequest* request,
    v1::ListSchoolClassesResponse* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::ListSchoolClassesResponse> {
        ASSIGN_OR_RETURN(const auto unit_page,
                         ValidateListSchoolClassesRequest(*request, directory));
        RETURN_IF_ERROR(
            Authorize(call, directory, unit_page.first, Access::kAggregate));
        const std::vector<std::string> schools =
            SchoolsOf(directory, unit_page.first);
        if (unit_page.first != directory.city_id && schools.empty()) {
          return v1::ListSchoolClassesResponse();
        }
        ASSIGN_OR_RETURN(std::vector<v1::SchoolClasses> classes,
                         stores_.classes->ListClasses(
                             call, request->school_year(), schools));
        auto [page, next] = PageOf(std::move(classes), &ClassesKey, unit_page.second);
        v1::ListSchoolClassesResponse result;
        for (v1::SchoolClasses& c : page) *result.add_classes() = std::move(c);
        result.set_next_page_token(next);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreateNorm(
    grpc::CallbackServerContext* context, const v1::CreateNormRequest* request,
    v1::Norm* response) {
  return calls_.Run<v1::Norm>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Norm> {
        ASSIGN_OR_RETURN(const NormRule norm, ValidateCreateNormRequest(*request));
        RETURN_IF_ERROR(Authorize(call, OrgDirectory(), "", Access::kWrite));
        ASSIGN_OR_RETURN(const NormRule created,
                         stores_.norms->CreateNorm(call, norm, request->request_id()));
        return NormToProto(created);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListNorms(
    grpc::CallbackServerContext* context, const v1::ListNormsRequest* request,
    v1::ListNormsResponse* response) {
  return calls_.Run<v1::ListNormsResponse>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ListNormsResponse> {
        ASSIGN_OR_RETURN(const auto on_page, ValidateListNormsRequest(*request));
        RETURN_IF_ERROR(Authorize(call, OrgDirectory(), "", Access::kAggregate));
        ASSIGN_OR_RETURN(std::vector<NormRule> norms, stores_.norms->ListNorms(call));
        if (on_page.first) {
          std::erase_if(norms, [&](const NormRule& n) {
            return !ValidOn(n, *on_page.first);
          });
        }
        auto [page, next] = PageOf(std::move(norms), &NormKey, on_page.second);
        v1::ListNormsResponse result;
        for (const NormRule& norm : page) *result.add_norms() = NormToProto(norm);
        result.set_next_page_token(next);
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
        ASSIGN_OR_RETURN(const StandardRule standard,
                         ValidateCreateTrainingStandardRequest(*request));
        RETURN_IF_ERROR(Authorize(call, OrgDirectory(), "", Access::kWrite));
        ASSIGN_OR_RETURN(const StandardRule created,
                         stores_.norms->CreateStandard(call, standard,
                                                       request->request_id()));
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
        ASSIGN_OR_RETURN(const auto on_page,
                         ValidateListTrainingStandardsRequest(*request));
        RETURN_IF_ERROR(Authorize(call, OrgDirectory(), "", Access::kAggregate));
        ASSIGN_OR_RETURN(std::vector<StandardRule> standards,
                         stores_.norms->ListStandards(call));
        if (on_page.first) {
          std::erase_if(standards, [&](const StandardRule& s) {
            return !ValidOn(s, *on_page.first);
          });
        }
        auto [page, next] = PageOf(std::move(standards), &StandardKey, on_page.second);
        v1::ListTrainingStandardsResponse result;
        for (const StandardRule& s : page) {
          *result.add_training_standards() = StandardToProto(s);
        }
        result.set_next_page_token(next);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::SetQuota(
    grpc::CallbackServerContext* context, const v1::SetQuotaRequest* request,
    v1::Quota* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::Quota> {
        ASSIGN_OR_RETURN(const std::string unit,
                         ValidateSetQuotaRequest(*request, directory));
        RETURN_IF_ERROR(Authorize(call, directory, unit, Access::kWrite));
        v1::Quota quota = request->quota();
        quota.clear_filled();
        quota.clear_vacant();
        return stores_.quotas->SetQuota(call, quota);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListQuotas(
    grpc::CallbackServerContext* context, const v1::ListQuotasRequest* request,
    v1::ListQuotasResponse* response) {
  return calls_.Run<v1::ListQuotasResponse>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::ListQuotasResponse> {
        ASSIGN_OR_RETURN(const auto day_page, ValidateListQuotasRequest(*request));
        ASSIGN_OR_RETURN(auto directory, directory_->Get(call));
        RETURN_IF_ERROR(Authorize(call, OrgDirectory(), "", Access::kAggregate));
        ASSIGN_OR_RETURN(std::vector<v1::Quota> quotas,
                         stores_.quotas->ListQuotas(call, request->school_year()));
        auto [page, next] = PageOf(std::move(quotas), &QuotaKey, day_page.second);
        ASSIGN_OR_RETURN(const std::vector<HeadcountRow> heads,
                         stores_.staff->CountHeadcount(call, day_page.first));
        v1::ListQuotasResponse result;
        for (v1::Quota& quota : FillQuotas(std::move(page), heads, *directory)) {
          quota.set_org_unit(UnitName(quota.org_unit()));
          *result.add_quotas() = std::move(quota);
        }
        result.set_next_page_token(next);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetStaffingBalance(
    grpc::CallbackServerContext* context,
    const v1::GetStaffingBalanceRequest* request,
    v1::GetStaffingBalanceResponse* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::GetStaffingBalanceResponse> {
        ASSIGN_OR_RETURN(const UnitDay where,
                         ValidateGetStaffingBalanceRequest(*request, directory));
        RETURN_IF_ERROR(Authorize(call, directory, where.unit, Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<BalanceLine> schools,
                         SchoolBalancesOn(call, request->school_year(), where.day,
                                          request->by_subject()));
        v1::GetStaffingBalanceResponse result;
        for (const BalanceLine& line : SumBalances(schools, directory.WithinOf(where.unit))) {
          *result.add_balances() = BalanceToProto(line, directory);
        }
        if (request->drill_down() &&
            directory.KindOf(where.unit) != OrgDirectory::Kind::kSchool) {
          std::vector<BalanceLine> children =
              SumBalances(schools, directory.ChildOf(where.unit));
          SortByName(children, directory);
          for (const BalanceLine& line : children) {
            *result.add_children() = BalanceToProto(line, directory);
          }
        }
        *result.mutable_as_of() = api::ToProtoDate(where.day);
        return result;
      });
}

absl::StatusOr<std::vector<BalanceLine>> StaffingServiceImpl::SchoolBalancesOn(
    const CallContext& call, const std::string& school_year, absl::CivilDay day,
    bool by_subject) {
  ASSIGN_OR_RETURN(const std::vector<NormRule> norms, stores_.norms->ListNorms(call));
  ASSIGN_OR_RETURN(const std::vector<ClassCount> classes,
                   stores_.classes->CountClasses(call, school_year));
  ASSIGN_OR_RETURN(const std::vector<TeacherCount> teachers,
                   stores_.staff->CountTeachers(call, day));
  return SchoolBalances(classes, teachers, norms, day, by_subject);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetShortageView(
    grpc::CallbackServerContext* context,
    const v1::GetShortageViewRequest* request,
    v1::GetShortageViewResponse* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::GetShortageViewResponse> {
        ASSIGN_OR_RETURN(const ShortageQuery query,
                         ValidateGetShortageViewRequest(*request, directory));
        const UnitDay& where = query.where;
        RETURN_IF_ERROR(Authorize(call, directory, where.unit, Access::kAggregate));
        ASSIGN_OR_RETURN(std::vector<BalanceLine> schools,
                         SchoolBalancesOn(call, request->school_year(), where.day,
                                          !request->subject().empty()));
        const std::vector<BalanceLine> lines = ShortageViewLines(
            std::move(schools), request->level(), request->subject(), directory);
        std::vector<std::string> receivers;
        for (const auto& [school, within] : directory.WithinOf(where.unit)) {
          receivers.push_back(school);
        }
        v1::GetShortageViewResponse result;
        for (const ShortageLine& line : Shortages(lines, receivers, directory, query.limit)) {
          v1::Shortage& shortage = *result.add_shortages();
          *shortage.mutable_balance() = BalanceToProto(line.shortage, directory);
          for (const BalanceLine& surplus : line.nearby_surpluses) {
            *shortage.add_nearby_surpluses() = BalanceToProto(surplus, directory);
          }
        }
        result.set_total_shortage_before(TotalShortage(lines));
        result.set_total_shortage_after(result.total_shortage_before());
        for (const Transfer& t : SuggestTransfers(lines, directory.CommuneOfSchools(),
                                                  receivers, query.limit)) {
          v1::SuggestedTransfer& s = *result.add_suggestions() = TransferToProto(t);
          result.set_total_shortage_after(t.total_shortage_after);
          ASSIGN_OR_RETURN(const std::vector<std::string> candidates,
                           stores_.staff->TransferCandidates(
                               call, t.from_school, t.level, t.subject, where.day,
                               static_cast<int>(t.count)));
          for (const std::string& c : candidates) s.add_candidates(c);
        }
        *result.mutable_as_of() = api::ToProtoDate(where.day);
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetTrainingStandardShares(
    grpc::CallbackServerContext* context,
    const v1::GetTrainingStandardSharesRequest* request,
    v1::GetTrainingStandardSharesResponse* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::GetTrainingStandardSharesResponse> {
        ASSIGN_OR_RETURN(const UnitDay where,
                         ValidateGetTrainingStandardSharesRequest(*request, directory));
        RETURN_IF_ERROR(Authorize(call, directory, where.unit, Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<StandardRule> standards,
                         stores_.norms->ListStandards(call));
        ASSIGN_OR_RETURN(const std::vector<QualificationCount> counts,
                         stores_.staff->CountQualifications(call, where.day));
        v1::GetTrainingStandardSharesResponse result;
        for (const auto& [key, sum] :
             SumTrainingStandard(standards, counts, directory.WithinOf(where.unit),
                                 where.day)) {
          *result.add_shares() = ShareToProto(key, sum);
        }
        if (request->drill_down() &&
            directory.KindOf(where.unit) != OrgDirectory::Kind::kSchool) {
          for (const auto& [key, sum] :
               SumTrainingStandard(standards, counts,
                                   directory.ChildOf(where.unit), where.day)) {
            *result.add_children() = ShareToProto(key, sum);
          }
        }
        return result;
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetHeadcount(
    grpc::CallbackServerContext* context, const v1::GetHeadcountRequest* request,
    v1::GetHeadcountResponse* response) {
  return RunWithDirectory(
      context, response,
      [this, request](const CallContext& call, const OrgDirectory& directory)
          -> absl::StatusOr<v1::GetHeadcountResponse> {
        ASSIGN_OR_RETURN(const UnitDay where,
                         ValidateGetHeadcountRequest(*request, directory));
        RETURN_IF_ERROR(Authorize(call, directory, where.unit, Access::kAggregate));
        ASSIGN_OR_RETURN(const std::vector<HeadcountRow> rows,
                         stores_.staff->CountHeadcount(call, where.day));
        const std::map<HeadcountKey, int64_t> sums =
            SumHeadcount(rows, directory.WithinOf(where.unit));
        v1::GetHeadcountResponse result;
        for (const auto& [key, count] : sums) {
          *result.add_headcounts() = HeadcountToProto(key, count);
        }
        const HeadcountTotals totals = TotalsOf(sums);
        result.set_total(totals.total);
        result.set_teachers(totals.teachers);
        result.set_permanent(totals.permanent);
        if (request->drill_down() &&
            directory.KindOf(where.unit) != OrgDirectory::Kind::kSchool) {
          for (const auto& [key, count] :
               SumHeadcount(rows, directory.ChildOf(where.unit))) {
            *result.add_children() = HeadcountToProto(key, count);
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

grpc::ServerUnaryReactor* StaffingServiceImpl::ListChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::ListChangesRequest* request,
    feed::v1::ListChangesResponse* response) {
  return calls_.Run<feed::v1::ListChangesResponse>(
      context, response, [this, request](const CallContext& call) {
        return changes_->List(call, *request);
      });
}

grpc::ServerWriteReactor<feed::v1::Change>* StaffingServiceImpl::WatchChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::WatchChangesRequest* request) {
  return changes_->Watch(context, request);
}

IndicatorSourceServiceImpl::IndicatorSourceServiceImpl(
    StaffingStores stores, std::shared_ptr<SchoolDirectory> directory,
    server::UnaryCalls& calls)
    : stores_(std::move(stores)),
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
        ASSIGN_OR_RETURN(const IndicatorQuery query,
                         ValidateComputeIndicatorValuesRequest(*request, *directory));
        for (const auto& [kind, units] : query.units_by_kind) {
          for (const std::string& unit : units) {
            RETURN_IF_ERROR(Authorize(authorizer_, call, ScopeOf(*directory, unit),
                                      Access::kAggregate));
          }
        }
        ASSIGN_OR_RETURN(const std::vector<StandardRule> standards,
                         stores_.norms->ListStandards(call));
        if (!HasStandard(standards, query.level, query.day)) {
          return WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "Chưa có chuẩn đào tạo ", query.level, " hiệu lực ngày ",
                  absl::FormatCivilTime(query.day), " (no training standard of ",
                  query.level, " valid that day)")),
              "NO_TRAINING_STANDARD");
        }
        ASSIGN_OR_RETURN(const std::vector<QualificationCount> counts,
                         stores_.staff->CountQualifications(call, query.day));
        iv1::ComputeIndicatorValuesResponse out;
        for (const auto& [kind, units] : query.units_by_kind) {
          for (const IndicatorShare& share :
               IndicatorShares(standards, counts, *directory, units, query.level,
                               query.day)) {
            iv1::ReportedValue& value = *out.add_values();
            value.set_org_unit(UnitName(share.unit));
            value.set_period(request->period());
            value.set_numerator(share.meeting);
            value.set_denominator(share.teachers);
            value.set_provenance(iv1::COMPUTED_FROM_SERVICE);
          }
        }
        return out;
      });
}

}  // namespace hpedu::staffing
