// The gRPC handlers of hpedu.staffing.v1.StaffingService. Each handler
// runs on the service's worker pool (UnaryCalls), never on a gRPC thread,
// in three steps: validate the request (every bad field at once, nothing
// written), authorize against the scope of the resource (its school and
// commune, or the city), then call the store and the domain functions.
// Personal data never reaches logs or error messages: staff are named by
// their pseudonymous id, and logs show names masked (MaskName).
#ifndef HPEDU_SERVICES_STAFFING_STAFFING_SERVICE_H_
#define HPEDU_SERVICES_STAFFING_STAFFING_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/audit/audit.h"
#include "libs/auth/authorize.h"
#include "libs/feed/feed.h"
#include "libs/server/unary.h"
#include "services/staffing/class_store.h"
#include "services/staffing/norm_store.h"
#include "services/staffing/quota_store.h"
#include "services/staffing/school_directory.h"
#include "services/staffing/staff_store.h"

namespace hpedu::staffing {

// The Sở's staffing division (Phòng Tổ chức cán bộ), which leads staffing:
// the lead agency of every staffing resource.
inline constexpr char kStaffingDivision[] = "units/so-gddt-tccb";

// What a handler does with the data it touches. kRead: records of people
// and schools (personal data): the detail of `scope`; the whole city's only
// for roles not bound to a commune or school. kAggregate: counts and
// reference data: every reading role, a commune's or school's figures for
// those who may read it. kWrite: within the caller's scope (the staffing
// division city-wide).
enum class Access { kRead, kAggregate, kWrite };

// The one authorization step of every handler: PERMISSION_DENIED before
// anything is read for the caller or written.
absl::Status Authorize(const auth::Authorizer& authorizer,
                       const server::CallContext& call,
                       const auth::Scope& scope, Access access);

// The scope of a unit id ("" or the city's: the city).
auth::Scope ScopeOf(const OrgDirectory& directory, const std::string& unit_id);

// The service's repositories, one per aggregate.
struct StaffingStores {
  std::shared_ptr<StaffStore> staff;
  std::shared_ptr<ClassStore> classes;
  std::shared_ptr<NormStore> norms;
  std::shared_ptr<QuotaStore> quotas;
};

// Thread-safe.
class StaffingServiceImpl final : public v1::StaffingService::CallbackService {
 public:
  // `today` is the default day of as-of queries; `calls` must outlive the
  // service.
  StaffingServiceImpl(StaffingStores stores,
                      std::shared_ptr<SchoolDirectory> directory,
                      audit::AuditLog audit_log,
                      std::unique_ptr<feed::ChangeFeed> changes,
                      server::UnaryCalls& calls,
                      std::function<absl::CivilDay()> today);

  grpc::ServerUnaryReactor* GetStaffMember(grpc::CallbackServerContext* context,
                                     const v1::GetStaffMemberRequest* request,
                                     v1::StaffMember* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const audit::v1::ListAuditEventsRequest* request,
      audit::v1::ListAuditEventsResponse* response) override;
  grpc::ServerUnaryReactor* ListChanges(
      grpc::CallbackServerContext* context,
      const feed::v1::ListChangesRequest* request,
      feed::v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<feed::v1::Change>* WatchChanges(
      grpc::CallbackServerContext* context,
      const feed::v1::WatchChangesRequest* request) override;
  grpc::ServerUnaryReactor* ListStaffMembers(grpc::CallbackServerContext* context,
                                     const v1::ListStaffMembersRequest* request,
                                     v1::ListStaffMembersResponse* response) override;
  grpc::ServerUnaryReactor* CreateStaffMember(grpc::CallbackServerContext* context,
                                     const v1::CreateStaffMemberRequest* request,
                                     v1::StaffMember* response) override;
  grpc::ServerUnaryReactor* UpdateStaffMember(grpc::CallbackServerContext* context,
                                     const v1::UpdateStaffMemberRequest* request,
                                     v1::StaffMember* response) override;
  grpc::ServerUnaryReactor* CreateMovement(grpc::CallbackServerContext* context,
                                     const v1::CreateMovementRequest* request,
                                     v1::Movement* response) override;
  grpc::ServerUnaryReactor* ListMovements(grpc::CallbackServerContext* context,
                                     const v1::ListMovementsRequest* request,
                                     v1::ListMovementsResponse* response) override;
  grpc::ServerUnaryReactor* ImportRoster(grpc::CallbackServerContext* context,
                                     const v1::ImportRosterRequest* request,
                                     v1::ImportResponse* response) override;
  grpc::ServerUnaryReactor* ImportSchoolClasses(grpc::CallbackServerContext* context,
                                     const v1::ImportSchoolClassesRequest* request,
                                     v1::ImportResponse* response) override;
  grpc::ServerUnaryReactor* ListSchoolClasses(grpc::CallbackServerContext* context,
                                     const v1::ListSchoolClassesRequest* request,
                                     v1::ListSchoolClassesResponse* response) override;
  grpc::ServerUnaryReactor* CreateNorm(grpc::CallbackServerContext* context,
                                     const v1::CreateNormRequest* request,
                                     v1::Norm* response) override;
  grpc::ServerUnaryReactor* ListNorms(grpc::CallbackServerContext* context,
                                     const v1::ListNormsRequest* request,
                                     v1::ListNormsResponse* response) override;
  grpc::ServerUnaryReactor* CreateTrainingStandard(grpc::CallbackServerContext* context,
                                     const v1::CreateTrainingStandardRequest* request,
                                     v1::TrainingStandard* response) override;
  grpc::ServerUnaryReactor* ListTrainingStandards(grpc::CallbackServerContext* context,
                                     const v1::ListTrainingStandardsRequest* request,
                                     v1::ListTrainingStandardsResponse* response) override;
  grpc::ServerUnaryReactor* SetQuota(grpc::CallbackServerContext* context,
                                     const v1::SetQuotaRequest* request,
                                     v1::Quota* response) override;
  grpc::ServerUnaryReactor* ListQuotas(grpc::CallbackServerContext* context,
                                     const v1::ListQuotasRequest* request,
                                     v1::ListQuotasResponse* response) override;
  grpc::ServerUnaryReactor* GetStaffingBalance(grpc::CallbackServerContext* context,
                                     const v1::GetStaffingBalanceRequest* request,
                                     v1::GetStaffingBalanceResponse* response) override;
  grpc::ServerUnaryReactor* GetShortageView(grpc::CallbackServerContext* context,
                                     const v1::GetShortageViewRequest* request,
                                     v1::GetShortageViewResponse* response) override;
  grpc::ServerUnaryReactor* GetTrainingStandardShares(grpc::CallbackServerContext* context,
                                     const v1::GetTrainingStandardSharesRequest* request,
                                     v1::GetTrainingStandardSharesResponse* response) override;
  grpc::ServerUnaryReactor* GetHeadcount(grpc::CallbackServerContext* context,
                                     const v1::GetHeadcountRequest* request,
                                     v1::GetHeadcountResponse* response) override;

 private:
  // staffing::Authorize with this service's authorizer, for the scope of
  // `unit_id` (a school, a commune, or "" / the city's id).
  absl::Status Authorize(const server::CallContext& call,
                         const OrgDirectory& directory,
                         const std::string& unit_id, Access access) const;

  // The one shape of every handler that needs the registry's directory:
  // runs `body(call, directory)` on the worker pool.
  template <typename Response, typename Body>
  grpc::ServerUnaryReactor* RunWithDirectory(
      grpc::CallbackServerContext* context, Response* response, Body body);

  // Every school's balance lines of `school_year` counted on `day`.
  absl::StatusOr<std::vector<BalanceLine>> SchoolBalancesOn(
      const server::CallContext& call, const std::string& school_year,
      absl::CivilDay day, bool by_subject);

  const StaffingStores stores_;
  std::shared_ptr<SchoolDirectory> directory_;
  auth::Authorizer authorizer_;
  const audit::AuditLog audit_log_;
  const std::unique_ptr<feed::ChangeFeed> changes_;
  server::UnaryCalls& calls_;
  std::function<absl::CivilDay()> today_;
};

// The figures of indicators 10-13 (teachers meeting the training standard
// at MN, TH, THCS and THPT) as the indicators service's source contract:
// codes HP-10..HP-13, school-year periods ("2025-2026") counted on the
// year's reference day (5 September of its first year), for schools,
// communes or the city (each unit's own schools). Authorized as
// GetTrainingStandardShares (each unit's aggregate). Thread-safe.
class IndicatorSourceServiceImpl final
    : public hpedu::indicators::v1::IndicatorSourceService::CallbackService {
 public:
  // The store, directory and `calls` must outlive the service.
  IndicatorSourceServiceImpl(StaffingStores stores,
                             std::shared_ptr<SchoolDirectory> directory,
                             server::UnaryCalls& calls);

  grpc::ServerUnaryReactor* ComputeIndicatorValues(
      grpc::CallbackServerContext* context,
      const hpedu::indicators::v1::ComputeIndicatorValuesRequest* request,
      hpedu::indicators::v1::ComputeIndicatorValuesResponse* response)
      override;

 private:
  const StaffingStores stores_;
  std::shared_ptr<SchoolDirectory> directory_;
  const auth::Authorizer authorizer_;
  server::UnaryCalls& calls_;
};

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_STAFFING_SERVICE_H_
