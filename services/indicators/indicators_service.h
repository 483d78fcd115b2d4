// The gRPC handlers of hpedu.indicators.v1.IndicatorsService. Each handler
// runs on the service's worker pool (UnaryCalls), never on a gRPC thread: it
// validates the request (every bad field at once, nothing written), then
// asks the store, for roll-ups the registry (who should report), and for
// computed indicators the services that compute them.
#ifndef HPEDU_SERVICES_INDICATORS_INDICATORS_SERVICE_H_
#define HPEDU_SERVICES_INDICATORS_INDICATORS_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "libs/audit/audit.h"
#include "libs/auth/authorize.h"
#include "libs/feed/feed.h"
#include "libs/jobs/jobs.h"
#include "libs/server/executor.h"
#include "libs/server/unary.h"
#include "services/indicators/indicator_store.h"
#include "services/indicators/source_client.h"
#include "services/indicators/unit_directory.h"
#include "services/registry/client/unit_scopes.h"

namespace hpedu::indicators {

// Thread-safe.
class IndicatorsServiceImpl final
    : public v1::IndicatorsService::CallbackService {
 public:
  // `today` decides which periods are closed; `calls` must outlive the
  // service. Starts the service's job on `scheduler`: refresh-computed,
  // hourly.
  IndicatorsServiceImpl(std::unique_ptr<IndicatorStore> store,
                        std::unique_ptr<UnitDirectory> directory,
                        std::unique_ptr<registry::client::UnitScopes> scopes,
                        std::unique_ptr<IndicatorSources> sources,
                        audit::AuditLog audit_log,
                        std::unique_ptr<feed::ChangeFeed> changes,
                        std::unique_ptr<jobs::Scheduler> scheduler,
                        server::UnaryCalls& calls,
                        std::function<absl::CivilDay()> today);
  ~IndicatorsServiceImpl() override;

  grpc::ServerUnaryReactor* GetIndicator(
      grpc::CallbackServerContext* context,
      const v1::GetIndicatorRequest* request,
      v1::Indicator* response) override;
  grpc::ServerUnaryReactor* ListIndicators(
      grpc::CallbackServerContext* context,
      const v1::ListIndicatorsRequest* request,
      v1::ListIndicatorsResponse* response) override;
  grpc::ServerUnaryReactor* CreateIndicator(
      grpc::CallbackServerContext* context,
      const v1::CreateIndicatorRequest* request,
      v1::Indicator* response) override;
  grpc::ServerUnaryReactor* UpdateIndicator(
      grpc::CallbackServerContext* context,
      const v1::UpdateIndicatorRequest* request,
      v1::Indicator* response) override;
  grpc::ServerUnaryReactor* CreateTarget(
      grpc::CallbackServerContext* context,
      const v1::CreateTargetRequest* request, v1::Target* response) override;
  grpc::ServerUnaryReactor* ListTargets(
      grpc::CallbackServerContext* context,
      const v1::ListTargetsRequest* request,
      v1::ListTargetsResponse* response) override;
  grpc::ServerUnaryReactor* ReportValue(
      grpc::CallbackServerContext* context,
      const v1::ReportValueRequest* request,
      v1::ReportedValue* response) override;
  grpc::ServerUnaryReactor* ListReportedValues(
      grpc::CallbackServerContext* context,
      const v1::ListReportedValuesRequest* request,
      v1::ListReportedValuesResponse* response) override;
  grpc::ServerUnaryReactor* ListValueRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListValueRevisionsRequest* request,
      v1::ListValueRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* ImportReportedValues(
      grpc::CallbackServerContext* context,
      const v1::ImportReportedValuesRequest* request,
      v1::ImportReportedValuesResponse* response) override;
  grpc::ServerReadReactor<v1::ImportReportedValuesRequest>*
  StreamImportReportedValues(
      grpc::CallbackServerContext* context,
      v1::ImportReportedValuesResponse* response) override;
  grpc::ServerUnaryReactor* RollUp(grpc::CallbackServerContext* context,
                                   const v1::RollUpRequest* request,
                                   v1::RollUpResponse* response) override;

  // The import shared by the unary and streaming RPCs.
  absl::StatusOr<v1::ImportReportedValuesResponse> Import(
      const server::CallContext& call, const std::string& csv_content,
      bool validate_only, const std::string& override_reason);

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

  grpc::ServerUnaryReactor* RefreshComputedValues(
      grpc::CallbackServerContext* context,
      const v1::RefreshComputedValuesRequest* request,
      v1::RefreshComputedValuesResponse* response) override;
  grpc::ServerUnaryReactor* ListJobs(
      grpc::CallbackServerContext* context,
      const jobs::v1::ListJobsRequest* request,
      jobs::v1::ListJobsResponse* response) override;

 private:
  // RefreshComputedValues: ask each computed indicator's source for the
  // city's expected reporters, then one write of every accepted answer.
  // The job refresh-computed: RefreshComputed for every computed
  // indicator and each of PeriodsToRefresh(today). Fails if a source could
  // not be asked or failed; an indicator of a closed period, or one its
  // source refuses as bad input (it does not compute it), is skipped.
  absl::StatusOr<std::string> RefreshJob(const server::CallContext& call);
  absl::StatusOr<v1::RefreshComputedValuesResponse> RefreshComputed(
      const server::CallContext& call,
      const v1::RefreshComputedValuesRequest& request);

  // The scope of data about `org_unit` for `indicator`: the unit's commune
  // and school (resolved only when the caller's rights depend on them) and
  // the indicator's lead division. INVALID_ARGUMENT on `field` for a unit
  // the registry does not know.
  absl::StatusOr<auth::Scope> ValueScope(const server::CallContext& call,
                                         const v1::Indicator& indicator,
                                         const std::string& org_unit,
                                         std::string_view field);

  // INVALID_ARGUMENT on `field` (with a violation per line for an import)
  // for values of units that the registry (its `city` tree) does not expect to report their
  // indicator: unknown units, a school reporting a commune's figure, a
  // school without the indicator's level. So every stored value counts in
  // the city's totals.
  absl::Status CheckReporters(
      const std::shared_ptr<const UnitTree>& city,
      const std::vector<ValueWrite>& writes,
      const std::map<std::string, const v1::Indicator*>& indicators,
      std::string_view field);

  // The first 50 expected units (by id) without a report, per indicator of
  // a city roll-up whose units are its groups (communes) and whose totals
  // count fewer reporters than expected (reporters of unapproved values,
  // left out of `sums_of` unless include_unapproved, count as reported).
  absl::StatusOr<std::map<std::string, std::vector<std::string>>>
  MissingReporters(
      IndicatorReader& reads, const server::CallContext& call,
      const std::vector<std::pair<const v1::Indicator*, Period>>& selected,
      const std::map<std::string, std::shared_ptr<const Groups>>& groups_of,
      const std::map<std::string, std::vector<GroupSum>>& sums_of,
      bool include_unapproved);

  std::unique_ptr<IndicatorStore> store_;
  std::unique_ptr<UnitDirectory> directory_;
  ExpectedReportersCache expected_;
  std::unique_ptr<registry::client::UnitScopes> scopes_;
  std::unique_ptr<IndicatorSources> sources_;
  const auth::Authorizer authorizer_;
  const audit::AuditLog audit_log_;
  const std::unique_ptr<feed::ChangeFeed> changes_;
  server::UnaryCalls& calls_;
  std::function<absl::CivilDay()> today_;
  // Runs streamed imports once their last chunk arrived: one at a time,
  // a few queued, off gRPC's threads.
  server::Executor stream_imports_;
  // Last: its job uses the members above, and it stops first.
  const std::unique_ptr<jobs::Scheduler> scheduler_;
};

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_INDICATORS_SERVICE_H_
