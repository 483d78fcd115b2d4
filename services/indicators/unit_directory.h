// Who is expected to report: the org units below a roll-up's unit, asked of
// the registry over gRPC (this service never reads the registry's tables).
#ifndef HPEDU_SERVICES_INDICATORS_UNIT_DIRECTORY_H_
#define HPEDU_SERVICES_INDICATORS_UNIT_DIRECTORY_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/server/call_context.h"
#include "libs/server/peers.h"
#include "services/indicators/rollup.h"

namespace hpedu::indicators {

// Thread-safe.
class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  // The tree under `org_unit_id` (the city or a commune-level unit).
  // NOT_FOUND if the registry does not know it; INVALID_ARGUMENT on
  // "org_unit" for other kinds; UNAVAILABLE if the registry is.
  virtual absl::StatusOr<UnitTree> Tree(const server::CallContext& call,
                                        const std::string& org_unit_id) = 0;
};

// The registry over `peers` ("registry"); `peers` must outlive it.
std::unique_ptr<UnitDirectory> NewRegistryUnitDirectory(
    server::PeerChannels& peers);

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_UNIT_DIRECTORY_H_
