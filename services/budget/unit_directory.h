// The units budgets belong to, asked of the registry over gRPC (this
// service never reads the registry's tables): the city, its communes in
// Vietnamese order, and every unit valid today with its parent.
#ifndef HPEDU_SERVICES_BUDGET_UNIT_DIRECTORY_H_
#define HPEDU_SERVICES_BUDGET_UNIT_DIRECTORY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/server/call_context.h"
#include "libs/server/peers.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "services/budget/budget_lines.h"

namespace hpedu::budget {

// Thread-safe.
class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  // Every unit valid today. UNAVAILABLE if the registry is;
  // FAILED_PRECONDITION if it has no city.
  virtual absl::StatusOr<std::shared_ptr<const UnitIndex>> Units(
      const server::CallContext& call) = 0;
};

// The registry over `peers` ("registry"), which must outlive it. The index
// is kept for `ttl`: units change by mergers and new schools, rarely.
std::unique_ptr<UnitDirectory> NewRegistryUnitDirectory(
    server::PeerChannels& peers, absl::Duration ttl = absl::Seconds(60));

// An index of the units in `units` that have not ended (no valid_until, no
// successor among `units`): the registry's units valid today, or its full
// demo export.
UnitIndex IndexUnits(const std::vector<hpedu::registry::v1::Unit>& units);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_UNIT_DIRECTORY_H_
