// Request validation of hpedu.staffing.v1.StaffingService and the staffing
// IndicatorSourceService: pure functions from a request (and the registry's
// directory, reference data) to what the handler needs, or
// INVALID_ARGUMENT with every bad field at once as google.rpc.BadRequest
// field violations. Handlers raise no field violations themselves. No I/O.
#ifndef HPEDU_SERVICES_STAFFING_STAFFING_VALIDATION_H_
#define HPEDU_SERVICES_STAFFING_STAFFING_VALIDATION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/indicators/v1/indicators_service.pb.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "libs/api/page_token.h"
#include "libs/status/errors.h"
#include "services/staffing/org_units.h"
#include "services/staffing/paging.h"
#include "services/staffing/staff_store.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {

// The page of a List request carrying `page_size` / `page_token`. Adds
// violations on "page_size" (negative) and "page_token" (not issued for
// this request's filters).
PageRequest ValidatePage(const google::protobuf::Message& request,
                         int page_size, const std::string& page_token,
                         FieldViolations& violations);

// An optional units/{id}: the city's id when empty. INVALID_ARGUMENT on
// `field` if malformed or not a unit the directory knows.
absl::StatusOr<std::string> ParseOrgUnit(const std::string& name,
                                         const OrgDirectory& directory,
                                         std::string_view field);

// A unit and the day its figures are counted on.
struct UnitDay {
  std::string unit;  // an id of the directory (the city's for the city)
  absl::CivilDay day;
};

// The staff id of GetStaffMember's name and the day to show (`today`
// unless as_of is set).
absl::StatusOr<std::pair<std::string, absl::CivilDay>>
ValidateGetStaffMemberRequest(const v1::GetStaffMemberRequest& request,
                              absl::CivilDay today);

// ListStaffMembers: the unit listed and the store query (schools left
// empty; the handler fills them in from the unit).
struct ListStaffCommand {
  std::string unit;
  StaffQuery query;
  uint64_t fingerprint = 0;
};
absl::StatusOr<ListStaffCommand> ValidateListStaffMembersRequest(
    const v1::ListStaffMembersRequest& request, const OrgDirectory& directory,
    absl::CivilDay today);

// CreateStaffMember's start day; every field checked (personal data,
// placement against the directory, start_date, request_id).
absl::StatusOr<absl::CivilDay> ValidateCreateStaffMemberRequest(
    const v1::CreateStaffMemberRequest& request, const OrgDirectory& directory);

// UpdateStaffMember as a store update: the id, the etag, the paths of the
// mask (only the personal fields) and the fields, each path's field checked.
absl::StatusOr<StaffUpdate> ValidateUpdateStaffMemberRequest(
    const v1::UpdateStaffMemberRequest& request);

// CreateMovement: the staff id and the effective day, the movement's
// fields checked by kind (placement, end_date of a SECONDMENT, decision).
absl::StatusOr<std::pair<std::string, absl::CivilDay>>
ValidateCreateMovementRequest(const v1::CreateMovementRequest& request,
                              const OrgDirectory& directory);

// A movement against where the person is placed the day before it
// (`before`, none if not placed): a TRANSFER, ROTATION or SECONDMENT goes
// to another school, a REASSIGNMENT stays in the same one.
// INVALID_ARGUMENT on movement.placement.school otherwise.
absl::Status ValidateMovementSchool(const v1::Movement& movement,
                                    const std::optional<v1::Placement>& before);

// ListMovements: the staff id of `parent` and the page.
absl::StatusOr<std::pair<std::string, PageRequest>>
ValidateListMovementsRequest(const v1::ListMovementsRequest& request);

// ImportRoster: the school every line must be of ("" for any).
absl::StatusOr<std::string> ValidateImportRosterRequest(
    const v1::ImportRosterRequest& request, const OrgDirectory& directory);
absl::Status ValidateImportSchoolClassesRequest(
    const v1::ImportSchoolClassesRequest& request);

// ListSchoolClasses: the unit (required) and the page.
absl::StatusOr<std::pair<std::string, PageRequest>>
ValidateListSchoolClassesRequest(const v1::ListSchoolClassesRequest& request,
                                 const OrgDirectory& directory);

// CreateNorm and CreateTrainingStandard as rules (id 0, open-ended).
absl::StatusOr<NormRule> ValidateCreateNormRequest(
    const v1::CreateNormRequest& request);
absl::StatusOr<StandardRule> ValidateCreateTrainingStandardRequest(
    const v1::CreateTrainingStandardRequest& request);

// ListNorms / ListTrainingStandards: the day filter (none: every row) and
// the page.
absl::StatusOr<std::pair<std::optional<absl::CivilDay>, PageRequest>>
ValidateListNormsRequest(const v1::ListNormsRequest& request);
absl::StatusOr<std::pair<std::optional<absl::CivilDay>, PageRequest>>
ValidateListTrainingStandardsRequest(
    const v1::ListTrainingStandardsRequest& request);

// SetQuota: the unit id of quota.org_unit (a commune or a school).
absl::StatusOr<std::string> ValidateSetQuotaRequest(
    const v1::SetQuotaRequest& request, const OrgDirectory& directory);

// ListQuotas: the day filled posts are counted on and the page.
absl::StatusOr<std::pair<absl::CivilDay, PageRequest>>
ValidateListQuotasRequest(const v1::ListQuotasRequest& request);

// GetStaffingBalance: the unit and the day (the year's reference day
// unless as_of is set).
absl::StatusOr<UnitDay> ValidateGetStaffingBalanceRequest(
    const v1::GetStaffingBalanceRequest& request, const OrgDirectory& directory);

// GetShortageView: the unit, the day and how many shortages and
// suggestions to return.
struct ShortageQuery {
  UnitDay where;
  int limit = 100;
};
absl::StatusOr<ShortageQuery> ValidateGetShortageViewRequest(
    const v1::GetShortageViewRequest& request, const OrgDirectory& directory);

// GetTrainingStandardShares / GetHeadcount: the unit and as_of (required).
absl::StatusOr<UnitDay> ValidateGetTrainingStandardSharesRequest(
    const v1::GetTrainingStandardSharesRequest& request,
    const OrgDirectory& directory);
absl::StatusOr<UnitDay> ValidateGetHeadcountRequest(
    const v1::GetHeadcountRequest& request, const OrgDirectory& directory);

// ComputeIndicatorValues: the level of the indicator, the day of the
// period and the units by kind (the schools of units of one kind are
// disjoint).
struct IndicatorQuery {
  std::string level;
  absl::CivilDay day;
  std::map<OrgDirectory::Kind, std::vector<std::string>> units_by_kind;
};
absl::StatusOr<IndicatorQuery> ValidateComputeIndicatorValuesRequest(
    const hpedu::indicators::v1::ComputeIndicatorValuesRequest& request,
    const OrgDirectory& directory);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_STAFFING_VALIDATION_H_
