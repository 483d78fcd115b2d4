// The city, its communes and schools, asked of the registry over gRPC (this
// service never reads the registry's tables) and kept for a while: they
// change by mergers and new schools, rarely.
#ifndef HPEDU_SERVICES_STAFFING_SCHOOL_DIRECTORY_H_
#define HPEDU_SERVICES_STAFFING_SCHOOL_DIRECTORY_H_

#include <memory>

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "libs/server/call_context.h"
#include "libs/server/peers.h"
#include "services/staffing/org_units.h"

namespace hpedu::staffing {

// The directory of `units` (a registry listing of units valid on a day):
// the city, the commune-level units, the schools with their commune and
// the levels this service staffs.
OrgDirectory OrgDirectoryFromUnits(
    const std::vector<hpedu::registry::v1::Unit>& units);

// Thread-safe.
class SchoolDirectory {
 public:
  virtual ~SchoolDirectory() = default;
  // UNAVAILABLE if the registry is.
  virtual absl::StatusOr<std::shared_ptr<const OrgDirectory>> Get(
      const server::CallContext& call) = 0;
};

// The registry over `peers` ("registry"); `peers` must outlive it. The
// directory is kept for `ttl`.
std::unique_ptr<SchoolDirectory> NewRegistrySchoolDirectory(
    server::PeerChannels& peers, absl::Duration ttl = absl::Seconds(60));

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_SCHOOL_DIRECTORY_H_
