#include "services/indicators/source_client.h"

#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "services/indicators/indicator_validation.h"

namespace hpedu::indicators {
namespace {

absl::Status SourceFailed(std::string_view service, absl::StatusCode code,
                          absl::string_view message) {
  return WithErrorInfo(
      absl::Status(code, absl::StrCat(ToAbsl(service), ": ", message)),
      "SOURCE_FAILED", {{"service", std::string(service)}});
}

class GrpcIndicatorSources final : public IndicatorSources {
 public:
  explicit GrpcIndicatorSources(server::PeerChannels& peers) : peers_(peers) {}

  absl::StatusOr<std::vector<v1::ReportedValue>> Compute(
      const server::CallContext& call, v1::ValueSource source,
      const std::string& indicator_code, const std::string& period,
      const std::vector<std::string>& org_units) override {
    const std::string_view service = SourceServiceName(source);
    if (service.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("nguồn ", v1::ValueSource_Name(source),
                       " không do dịch vụ nào tính (no service computes it)"));
    }
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_.Get(service);
    if (!channel.ok()) {
      // Not configured: to the caller, the service is not there.
      return SourceFailed(service, absl::StatusCode::kUnavailable,
                          channel.status().message());
    }
    v1::ComputeIndicatorValuesRequest request;
    request.set_indicator_code(indicator_code);
    request.set_period(period);
    for (const std::string& unit : org_units) request.add_org_units(unit);
    v1::ComputeIndicatorValuesResponse response;
    std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
    const grpc::Status status =
        v1::IndicatorSourceService::NewStub(*channel)->ComputeIndicatorValues(
            context.get(), request, &response);
    if (!status.ok()) {
      const absl::Status failure = FromGrpcStatus(status);
      return SourceFailed(service, failure.code(), failure.message());
    }
    std::vector<v1::ReportedValue> values;
    values.reserve(response.values_size());
    for (v1::ReportedValue& value : *response.mutable_values()) {
      values.push_back(std::move(value));
    }
    return values;
  }

 private:
  server::PeerChannels& peers_;
};

}  // namespace

std::string_view SourceServiceName(v1::ValueSource source) {
  switch (source) {
    case v1::STAFFING_SERVICE:
      return "staffing";
    case v1::BUDGET_SERVICE:
      return "budget";
    default:
      return "";
  }
}

std::unique_ptr<IndicatorSources> NewGrpcIndicatorSources(
    server::PeerChannels& peers) {
  return std::make_unique<GrpcIndicatorSources>(peers);
}

absl::StatusOr<std::vector<ValueWrite>> ComputedWrites(
    const v1::Indicator& indicator, std::string_view service,
    const std::string& period, const std::set<std::string>& asked_unit_ids,
    const std::vector<v1::ReportedValue>& values) {
  auto broken = [&](const v1::ReportedValue& value, absl::string_view why) {
    return SourceFailed(
        service, absl::StatusCode::kInternal,
        absl::StrCat("giá trị của ", value.org_unit(), " cho ",
                     indicator.code(), " kỳ ", value.period(),
                     " không dùng được (unusable computed value): ", why));
  };
  std::vector<ValueWrite> writes;
  writes.reserve(values.size());
  std::set<std::pair<std::string, std::string>> seen;
  for (const v1::ReportedValue& value : values) {
    if (value.period() != period) return broken(value, "another period");
    std::vector<std::pair<std::string, std::string>> problems;
    std::optional<ValueWrite> write =
        ValidateValue(indicator, ValueInputOf(indicator, value), /*line=*/0,
                      problems, /*computed=*/true);
    if (!write) {
      std::vector<std::string> texts;
      for (const auto& [column, message] : problems) {
        texts.push_back(absl::StrCat(column, ": ", message));
      }
      return broken(value, absl::StrJoin(texts, "; "));
    }
    if (!value.org_unit().starts_with("units/") ||
        !asked_unit_ids.contains(write->org_unit_id)) {
      return broken(value, "a unit not asked for");
    }
    if (!seen.emplace(write->org_unit_id, write->disaggregation).second) {
      return broken(value, "twice");
    }
    writes.push_back(*std::move(write));
  }
  return writes;
}

}  // namespace hpedu::indicators
