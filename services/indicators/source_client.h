// The services that compute indicators (hpedu.indicators.v1.
// IndicatorSourceService: staffing for indicators 10-13, budget for the
// budget shares), asked over gRPC through the peer channels, and the check
// of what they answer before it is stored as computed values.
#ifndef HPEDU_SERVICES_INDICATORS_SOURCE_CLIENT_H_
#define HPEDU_SERVICES_INDICATORS_SOURCE_CLIENT_H_

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/indicators/v1/indicator.pb.h"
#include "libs/server/call_context.h"
#include "libs/server/peers.h"
#include "services/indicators/indicator_store.h"

namespace hpedu::indicators {

// The peer that computes indicators of `source`: "staffing", "budget";
// empty for REPORTED and unspecified.
std::string_view SourceServiceName(v1::ValueSource source);

// Thread-safe.
class IndicatorSources {
 public:
  virtual ~IndicatorSources() = default;
  // What the service of `source` computes for `indicator_code` ("HP-10"),
  // `period` and `org_units` (`units/{id}`), on behalf of `call`'s caller.
  // UNAVAILABLE naming the service when it is down or has no address;
  // any other failure of the service with its code, the message prefixed
  // with the service's name; both with ErrorInfo reason SOURCE_FAILED and
  // metadata service=<name>.
  virtual absl::StatusOr<std::vector<v1::ReportedValue>> Compute(
      const server::CallContext& call, v1::ValueSource source,
      const std::string& indicator_code, const std::string& period,
      const std::vector<std::string>& org_units) = 0;
};

// The services over `peers` (SourceServiceName of each source); `peers`
// must outlive it.
std::unique_ptr<IndicatorSources> NewGrpcIndicatorSources(
    server::PeerChannels& peers);

// What `service` answered for `indicator` and `period` as writes: each
// value for one of `asked_unit_ids`, of `period`, at most once per unit and
// disaggregation, valid for the indicator (ValidateValue). INTERNAL naming
// the service and the unit otherwise: a source that breaks the contract is
// a fault, not the caller's bad input, and none of its answer is stored.
absl::StatusOr<std::vector<ValueWrite>> ComputedWrites(
    const v1::Indicator& indicator, std::string_view service,
    const std::string& period, const std::set<std::string>& asked_unit_ids,
    const std::vector<v1::ReportedValue>& values);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_SOURCE_CLIENT_H_
