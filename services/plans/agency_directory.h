// The agencies and communes plans refer to, as the registry service knows
// them. The plans service never reads the registry's tables: it asks the
// registry over gRPC (ResolveUnit, GetUnit, ListUnits) with the caller's
// deadline and trace. An interface so handlers are written against the
// contract.
#ifndef HPEDU_SERVICES_PLANS_AGENCY_DIRECTORY_H_
#define HPEDU_SERVICES_PLANS_AGENCY_DIRECTORY_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "libs/server/call_context.h"
#include "libs/server/peers.h"

namespace hpedu::plans {

// A registry unit as plans need it.
struct DirectoryUnit {
  std::string name;          // units/{unit}
  std::string display_name;
  // The commune-level unit (WARD, COMMUNE, SPECIAL_ZONE) the unit is or
  // belongs to directly; empty if none.
  std::string commune;
};

// Thread-safe.
class AgencyDirectory {
 public:
  virtual ~AgencyDirectory() = default;

  // The one unit `text` names on `as_of` ("Bộ Giáo dục và Đào tạo",
  // "UBND quận Đồ Sơn" before the reform). NOT_FOUND if the registry knows
  // no such unit, FAILED_PRECONDITION if the name is ambiguous (it means
  // several units on that day); UNAVAILABLE etc. from the registry.
  virtual absl::StatusOr<DirectoryUnit> Resolve(
      const server::CallContext& call, std::string_view text,
      std::optional<absl::CivilDay> as_of) = 0;

  // The unit named `name` (units/{unit}). NOT_FOUND if absent.
  virtual absl::StatusOr<DirectoryUnit> Get(const server::CallContext& call,
                                            std::string_view name) = 0;

  // The commune-level units of the city today, in Vietnamese order.
  virtual absl::StatusOr<std::vector<DirectoryUnit>> ListCommunes(
      const server::CallContext& call) = 0;
};

// The directory backed by the registry at peers.Get("registry"); the
// channel is looked up on each call, so the service starts without it.
// `peers` must outlive the directory.
std::unique_ptr<AgencyDirectory> NewRegistryAgencyDirectory(
    server::PeerChannels& peers);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_AGENCY_DIRECTORY_H_
