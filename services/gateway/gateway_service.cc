#include "services/gateway/gateway_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "services/gateway/fanout.h"
#include "services/gateway/views.h"

namespace hpedu::gateway {
namespace {

using ::google::protobuf::util::TimeUtil;

// What a view collects; written only under its Join's lock, read after.
template <typename T>
using Slot = Part<T>;

template <typename T>
std::function<void(Fetched<T>)> Into(const std::shared_ptr<Join>& join,
                                     Slot<T>* slot) {
  return join->Part<Fetched<T>>(
      [slot](Fetched<T> fetched) { *slot = std::move(fetched); });
}

grpc::ServerUnaryReactor* Reject(grpc::CallbackServerContext* context,
                                 const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

bool IsUnit(const std::string& name) {
  return absl::StartsWith(name, "units/") && name.size() > 6 &&
         name.find('/', 6) == std::string::npos;
}

// Validates fields common to the views.
void CheckDueWithin(int days, std::string_view field, FieldViolations& v) {
  if (days < 0 || days > 366) v.Add(field, "phải từ 0 đến 366 ngày");
}

int DueWithin(int days) { return days == 0 ? 14 : days; }

rv1::ListUnitsRequest ChildrenOf(const std::string& parent) {
  rv1::ListUnitsRequest request;
  request.set_parent(parent);
  return request;
}

// Teachers required against actual by level, for the unit (the school
// year's 5 September: the staffing service's default day).
sv1::GetStaffingBalanceRequest StaffingBalance(const std::string& unit,
                                               const std::string& period) {
  sv1::GetStaffingBalanceRequest request;
  request.set_org_unit(unit);
  request.set_school_year(period);
  return request;
}

// `as_of`, or today in Vietnam (Asia/Ho_Chi_Minh, UTC+7) when unset.
absl::CivilDay AsOfDay(const google::type::Date* as_of) {
  if (as_of != nullptr && as_of->year() != 0) {
    return absl::CivilDay(as_of->year(), as_of->month(), as_of->day());
  }
  return absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(7 * 3600));
}

// The estimate of the fiscal year of `as_of` (today in Vietnam when unset)
// against the 20% and 5% rules: every row, or one commune's.
bv1::GetComplianceReportRequest Compliance(const google::type::Date* as_of,
                                           const std::string& commune) {
  const int year = static_cast<int>(AsOfDay(as_of).year());
  bv1::GetComplianceReportRequest request;
  request.set_first_year(year);
  request.set_stage(bv1::ESTIMATE);
  request.set_org_unit(commune);
  return request;
}

// The lagging investment projects at the end of `month`: every budget's,
// or one commune's own.
bv1::ListProjectProgressRequest LaggingProjects(absl::CivilMonth month,
                                                const std::string& commune) {
  bv1::ListProjectProgressRequest request;
  request.set_as_of_year(static_cast<int32_t>(month.year()));
  request.set_as_of_month(month.month());
  request.set_budget_unit(commune);
  request.set_lagging_only(true);
  return request;
}

rv1::ListUnitsRequest Cities() {
  rv1::ListUnitsRequest request;
  request.set_kind(rv1::CITY);
  return request;
}

rv1::ListUnitsRequest Agencies() {
  rv1::ListUnitsRequest request;
  request.set_kind(rv1::AGENCY);
  return request;
}

// Names from every registry answer that came; the registry's section.
struct Names {
  std::vector<Slot<std::vector<rv1::Unit>>> lists;

  gv1::SectionStatus Status(absl::Time now) const {
    SectionBuilder status("registry", now);
    for (const auto& list : lists) status.Add(list);
    return status.Build();
  }
  UnitNames Build() const {
    UnitNames names;
    for (const auto& list : lists) {
      if (list.has_value() && list->value.ok()) names.Add(**list->value);
    }
    return names;
  }
};

}  // namespace

absl::Time BackendDeadline(absl::Time caller_deadline, absl::Time now,
                           const ViewOptions& options) {
  const absl::Duration remaining = caller_deadline - now;
  const absl::Duration margin =
      std::clamp(remaining * options.margin_fraction, options.min_margin,
                 options.max_margin);
  return std::max(now, caller_deadline - margin);
}

GatewayServiceImpl::GatewayServiceImpl(
    const server::CallContextFactory* contexts, Backends* backends,
    ViewOptions options)
    : contexts_(contexts), backends_(backends), options_(std::move(options)) {}

absl::StatusOr<Outgoing> GatewayServiceImpl::Begin(
    grpc::CallbackServerContext* context, const std::string& commune) const {
  absl::StatusOr<server::CallContext> call = contexts_->Make(context);
  if (!call.ok()) return call.status();
  // Authorize: a commune's view is that commune's data; every other view is
  // a city-wide aggregate. The backends check again with the same identity.
  absl::Status allowed =
      commune.empty()
          ? authorizer_.CanReadAggregate(call->caller())
          : authorizer_.CanRead(call->caller(), auth::Scope{.commune = commune});
  if (!allowed.ok()) return allowed;
  Outgoing out;
  out.deadline = BackendDeadline(call->deadline(), absl::Now(), options_);
  // The call's own span (its id chosen with the call context), a child of
  // the caller's; the backends' calls are its children.
  const server::TraceContext& trace = call->trace();
  out.traceparent = trace.ToTraceparent();
  out.span = std::make_shared<CallSpan>(contexts_->service(), trace.trace_id,
                                        trace.span_id, trace.parent_span_id,
                                        call->method());
  out.request_id = call->request_id();
  out.caller_id = call->caller().id;
  const auto& metadata = context->client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    out.authorization = std::string(it->second.data(), it->second.size());
  }
  return out;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetCityOverview(
    grpc::CallbackServerContext* context,
    const v1::GetCityOverviewRequest* request, v1::Overview* response) {
  FieldViolations violations;
  if (request->period().empty()) violations.Add("period", "bắt buộc / required");
  CheckDueWithin(request->due_within_days(), "due_within_days", violations);
  for (int i = 0; i < request->documents_size(); ++i) {
    if (!absl::StartsWith(request->documents(i), "documents/")) {
      violations.Add(absl::StrCat("documents[", i, "]"),
                     "phải có dạng documents/{document}");
    }
  }
  if (!violations.empty()) return Reject(context, violations.ToStatus());
  absl::StatusOr<Outgoing> out = Begin(context, "");
  if (!out.ok()) return Reject(context, out.status());

  struct Parts {
    Slot<std::vector<iv1::Indicator>> catalogue;
    Slot<iv1::RollUpResponse> roll_up;
    Slot<pv1::ChasingList> chasing;
    std::vector<Slot<pv1::CascadeCoverage>> coverage;
    Slot<sv1::GetStaffingBalanceResponse> staffing;
    Slot<bv1::ComplianceReport> budget;
    Names names;
  };
  auto parts = std::make_shared<Parts>();
  std::vector<std::string> documents(request->documents().begin(),
                                     request->documents().end());
  if (documents.empty()) documents = options_.main_documents;
  parts->coverage.resize(documents.size());
  parts->names.lists.resize(3);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string city = options_.city;
  const std::string period = request->period();
  auto join = Join::Create(out->deadline, [=, span = out->span] {
    const absl::Time now = absl::Now();
    const UnitNames names = parts->names.Build();
    *response->mutable_unit() = names.Ref(city);
    response->set_period(period);
    *response->mutable_view_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
    *response->mutable_units_status() = parts->names.Status(now);
    *response->mutable_indicators() =
        ComposeIndicators(parts->catalogue, parts->roll_up, names, now);
    *response->mutable_plans() =
        ComposePlans(parts->chasing, parts->coverage, "", names, now);
    *response->mutable_staffing() = ComposeStaffing(parts->staffing, now);
    *response->mutable_budget() = ComposeBudget(parts->budget, "", now);
    span->End();
    reactor->Finish(grpc::Status::OK);
  });

  backends_->ListUnits(*out, ChildrenOf(city), Into(join, &parts->names.lists[0]));
  backends_->ListUnits(*out, Agencies(), Into(join, &parts->names.lists[1]));
  backends_->ListUnits(*out, Cities(), Into(join, &parts->names.lists[2]));
  backends_->ListIndicators(*out, Into(join, &parts->catalogue));
  iv1::RollUpRequest roll_up;
  roll_up.set_indicator("indicators/-");
  roll_up.set_period(request->period());
  roll_up.set_org_unit(city);
  roll_up.set_drill_down(true);
  backends_->RollUp(*out, roll_up, Into(join, &parts->roll_up));
  pv1::GetChasingListRequest chasing;
  if (request->has_as_of()) *chasing.mutable_as_of() = request->as_of();
  chasing.set_due_within_days(DueWithin(request->due_within_days()));
  backends_->GetChasingList(*out, chasing, Into(join, &parts->chasing));
  for (size_t i = 0; i < documents.size(); ++i) {
    pv1::GetCascadeCoverageRequest coverage;
    coverage.set_document(documents[i]);
    backends_->GetCascadeCoverage(*out, coverage,
                                  Into(join, &parts->coverage[i]));
  }
  backends_->GetStaffingBalance(*out, StaffingBalance(city, period),
                                Into(join, &parts->staffing));
  backends_->GetComplianceReport(
      *out, Compliance(request->has_as_of() ? &request->as_of() : nullptr, ""),
      Into(join, &parts->budget));
  join->Start();
  return reactor;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetCommuneProfile(
    grpc::CallbackServerContext* context,
    const v1::GetCommuneProfileRequest* request, v1::Overview* response) {
  FieldViolations violations;
  if (!IsUnit(request->commune())) {
    violations.Add("commune", "phải có dạng units/{commune}");
  }
  if (request->period().empty()) violations.Add("period", "bắt buộc / required");
  CheckDueWithin(request->due_within_days(), "due_within_days", violations);
  if (!violations.empty()) return Reject(context, violations.ToStatus());
  absl::StatusOr<Outgoing> out = Begin(context, request->commune());
  if (!out.ok()) return Reject(context, out.status());

  struct Parts {
    Slot<std::vector<iv1::Indicator>> catalogue;
    Slot<iv1::RollUpResponse> roll_up;
    Slot<pv1::ChasingList> chasing;
    Slot<sv1::GetStaffingBalanceResponse> staffing;
    Slot<bv1::ComplianceReport> budget;
    Names names;
  };
  auto parts = std::make_shared<Parts>();
  parts->names.lists.resize(3);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string commune = request->commune();
  const std::string period = request->period();
  auto join = Join::Create(out->deadline, [=, span = out->span] {
    const absl::Time now = absl::Now();
    const UnitNames names = parts->names.Build();
    *response->mutable_unit() = names.Ref(commune);
    response->set_period(period);
    *response->mutable_view_time() =
        TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
    *response->mutable_units_status() = parts->names.Status(now);
    *response->mutable_indicators() = ComposeIndicators(
        parts->catalogue, parts->roll_up, names, now, /*child_figures=*/true);
    *response->mutable_plans() =
        ComposePlans(parts->chasing, {}, commune, names, now);
    *response->mutable_staffing() = ComposeStaffing(parts->staffing, now);
    *response->mutable_budget() = ComposeBudget(parts->budget, commune, now);
    span->End();
    reactor->Finish(grpc::Status::OK);
  });

  backends_->ListUnits(*out, ChildrenOf(options_.city),
                       Into(join, &parts->names.lists[0]));
  backends_->ListUnits(*out, ChildrenOf(commune),
                       Into(join, &parts->names.lists[1]));
  backends_->ListUnits(*out, Agencies(), Into(join, &parts->names.lists[2]));
  backends_->ListIndicators(*out, Into(join, &parts->catalogue));
  iv1::RollUpRequest roll_up;
  roll_up.set_indicator("indicators/-");
  roll_up.set_period(period);
  roll_up.set_org_unit(commune);
  roll_up.set_drill_down(true);
  backends_->RollUp(*out, roll_up, Into(join, &parts->roll_up));
  pv1::GetChasingListRequest chasing;
  if (request->has_as_of()) *chasing.mutable_as_of() = request->as_of();
  chasing.set_due_within_days(DueWithin(request->due_within_days()));
  chasing.set_max_entries_per_group(10000);
  backends_->GetChasingList(*out, chasing, Into(join, &parts->chasing));
  backends_->GetStaffingBalance(*out, StaffingBalance(commune, period),
                                Into(join, &parts->staffing));
  backends_->GetComplianceReport(
      *out,
      Compliance(request->has_as_of() ? &request->as_of() : nullptr, commune),
      Into(join, &parts->budget));
  join->Start();
  return reactor;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::RankCommunes(
    grpc::CallbackServerContext* context,
    const v1::RankCommunesRequest* request, v1::CommuneRanking* response) {
  FieldViolations violations;
  if (!absl::StartsWith(request->indicator(), "indicators/") ||
      request->indicator() == "indicators/-") {
    violations.Add("indicator", "phải có dạng indicators/{indicator}");
  }
  if (request->period().empty()) violations.Add("period", "bắt buộc / required");
  if (!violations.empty()) return Reject(context, violations.ToStatus());
  absl::StatusOr<Outgoing> out = Begin(context, "");
  if (!out.ok()) return Reject(context, out.status());

  struct Parts {
    Slot<std::vector<iv1::Indicator>> catalogue;
    Slot<iv1::RollUpResponse> roll_up;
    Names names;
  };
  auto parts = std::make_shared<Parts>();
  parts->names.lists.resize(1);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string indicator = request->indicator();
  auto join = Join::Create(out->deadline, [=, span = out->span] {
    const absl::Time now = absl::Now();
    *response = ComposeRanking(parts->catalogue, indicator, parts->roll_up,
                               parts->names.Build(), now);
    *response->mutable_units_status() = parts->names.Status(now);
    span->End();
    reactor->Finish(grpc::Status::OK);
  });
  backends_->ListUnits(*out, ChildrenOf(options_.city),
                       Into(join, &parts->names.lists[0]));
  backends_->ListIndicators(*out, Into(join, &parts->catalogue));
  iv1::RollUpRequest roll_up;
  roll_up.set_indicator(indicator);
  roll_up.set_period(request->period());
  roll_up.set_org_unit(options_.city);
  roll_up.set_disaggregation(request->disaggregation());
  roll_up.set_drill_down(true);
  backends_->RollUp(*out, roll_up, Into(join, &parts->roll_up));
  join->Start();
  return reactor;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetPlanCascade(
    grpc::CallbackServerContext* context,
    const v1::GetPlanCascadeRequest* request, v1::PlanCascade* response) {
  FieldViolations violations;
  if (!absl::StartsWith(request->document(), "documents/")) {
    violations.Add("document", "phải có dạng documents/{document}");
  }
  CheckDueWithin(request->due_within_days(), "due_within_days", violations);
  if (!violations.empty()) return Reject(context, violations.ToStatus());
  absl::StatusOr<Outgoing> out = Begin(context, "");
  if (!out.ok()) return Reject(context, out.status());

  struct Parts {
    Slot<pv1::Document> document;
    Slot<pv1::CascadeCoverage> coverage;
    Slot<pv1::ChasingList> chasing;
    Names names;
  };
  auto parts = std::make_shared<Parts>();
  parts->names.lists.resize(1);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto join = Join::Create(out->deadline, [=, span = out->span] {
    const absl::Time now = absl::Now();
    *response = ComposeCascade(parts->document, parts->coverage,
                               parts->chasing, parts->names.Build(), now);
    *response->mutable_units_status() = parts->names.Status(now);
    span->End();
    reactor->Finish(grpc::Status::OK);
  });
  backends_->ListUnits(*out, ChildrenOf(options_.city),
                       Into(join, &parts->names.lists[0]));
  pv1::GetDocumentRequest document;
  document.set_name(request->document());
  backends_->GetDocument(*out, document, Into(join, &parts->document));
  pv1::GetCascadeCoverageRequest coverage;
  coverage.set_document(request->document());
  backends_->GetCascadeCoverage(*out, coverage, Into(join, &parts->coverage));
  pv1::GetChasingListRequest chasing;
  if (request->has_as_of()) *chasing.mutable_as_of() = request->as_of();
  chasing.set_due_within_days(DueWithin(request->due_within_days()));
  chasing.set_document(request->document());
  backends_->GetChasingList(*out, chasing, Into(join, &parts->chasing));
  join->Start();
  return reactor;
}

grpc::ServerUnaryReactor* GatewayServiceImpl::GetChasingList(
    grpc::CallbackServerContext* context,
    const v1::GetChasingListRequest* request, v1::ChasingView* response) {
  FieldViolations violations;
  if (!request->commune().empty() && !IsUnit(request->commune())) {
    violations.Add("commune", "phải có dạng units/{commune}");
  }
  CheckDueWithin(request->due_within_days(), "due_within_days", violations);
  if (!violations.empty()) return Reject(context, violations.ToStatus());
  absl::StatusOr<Outgoing> out = Begin(context, request->commune());
  if (!out.ok()) return Reject(context, out.status());

  struct Parts {
    Slot<pv1::ChasingList> chasing;
    Slot<bv1::ListProjectProgressResponse> projects;
    Names names;
  };
  auto parts = std::make_shared<Parts>();
  parts->names.lists.resize(3);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string commune = request->commune();
  const std::string city = options_.city;
  const absl::CivilMonth month = LastMonthEnded(
      AsOfDay(request->has_as_of() ? &request->as_of() : nullptr));
  auto join = Join::Create(out->deadline, [=, span = out->span] {
    const absl::Time now = absl::Now();
    *response = ComposeChasing(parts->chasing, parts->projects, month, commune,
                               city, parts->names.Build(), now);
    *response->mutable_units_status() = parts->names.Status(now);
    span->End();
    reactor->Finish(grpc::Status::OK);
  });
  backends_->ListUnits(*out, ChildrenOf(city),
                       Into(join, &parts->names.lists[0]));
  backends_->ListUnits(*out, Agencies(), Into(join, &parts->names.lists[1]));
  backends_->ListUnits(*out, Cities(), Into(join, &parts->names.lists[2]));
  backends_->ListProjectProgress(*out, LaggingProjects(month, commune),
                                 Into(join, &parts->projects));
  pv1::GetChasingListRequest chasing;
  if (request->has_as_of()) *chasing.mutable_as_of() = request->as_of();
  chasing.set_due_within_days(request->due_within_days());
  chasing.set_max_entries_per_group(10000);
  backends_->GetChasingList(*out, chasing, Into(join, &parts->chasing));
  join->Start();
  return reactor;
}

}  // namespace hpedu::gateway
