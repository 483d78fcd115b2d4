// Who is expected to report: the org units below a roll-up's unit, asked of
// the registry over gRPC (this service never reads the registry's tables).
#ifndef HPEDU_SERVICES_INDICATORS_UNIT_DIRECTORY_H_
#define HPEDU_SERVICES_INDICATORS_UNIT_DIRECTORY_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
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
  virtual absl::StatusOr<std::shared_ptr<const UnitTree>> Tree(
      const server::CallContext& call, const std::string& org_unit_id) = 0;
};

// The expected reporters (ExpectedReporters) of each kind of indicator
// (reporting level and school level) under a tree, computed once per tree:
// at a country's scale that is tens of thousands of units per indicator,
// the same for every roll-up until the directory fetches the tree anew.
// Thread-safe.
class ExpectedReportersCache {
 public:
  std::shared_ptr<const Groups> Get(const std::shared_ptr<const UnitTree>& tree,
                                    const v1::Indicator& indicator);

 private:
  struct Entry {
    std::weak_ptr<const UnitTree> tree;
    std::map<std::pair<int, std::string>, std::shared_ptr<const Groups>>
        groups;
  };
  absl::Mutex mu_;
  // By root id.
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

// The registry over `peers` ("registry"); `peers` must outlive it. Trees
// are kept for `ttl`: the units under the city change by mergers and new
// schools, rarely, and a city-wide tree is tens of registry pages at a
// country's scale. A roll-up may thus miss a unit added less than `ttl` ago.
std::unique_ptr<UnitDirectory> NewRegistryUnitDirectory(
    server::PeerChannels& peers, absl::Duration ttl = absl::Seconds(60));

}  // namespace hpedu::indicators

#endif  // HPEDU_SERVICES_INDICATORS_UNIT_DIRECTORY_H_
