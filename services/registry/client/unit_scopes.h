// What a unit belongs to, for object-level authorization in every service:
// a school's commune, a commune itself, an agency inside a commune, the
// city. Services ask the registry over gRPC (never its tables) and keep the
// answers briefly.
//
//   ASSIGN_OR_RETURN(auth::Scope scope, scopes.Of(call, "units/thcs-le-loi"));
//   RETURN_IF_ERROR(authorizer.CanWrite(call.caller(), scope));
#ifndef HPEDU_SERVICES_REGISTRY_CLIENT_UNIT_SCOPES_H_
#define HPEDU_SERVICES_REGISTRY_CLIENT_UNIT_SCOPES_H_

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "libs/auth/authorize.h"
#include "libs/server/call_context.h"
#include "libs/server/peers.h"

namespace hpedu::registry::client {

// The scope of `unit`, given its parent (null if it has none or the parent
// is not commune-level). Pure.
auth::Scope ScopeOfUnit(const v1::Unit& unit, const v1::Unit* parent);

// Thread-safe.
class UnitScopes {
 public:
  virtual ~UnitScopes() = default;
  // The scope of `unit` ("units/{id}"). INVALID_ARGUMENT for a malformed
  // name, NOT_FOUND if the registry does not know it (so a write naming an
  // unknown unit fails), UNAVAILABLE if the registry is.
  virtual absl::StatusOr<auth::Scope> Of(const server::CallContext& call,
                                         std::string_view unit) = 0;
};

// Over the registry at `peers` ("registry"), which must outlive it. Answers
// are kept for `ttl`: a school changes commune only by a merger.
std::unique_ptr<UnitScopes> NewRegistryUnitScopes(
    server::PeerChannels& peers, absl::Duration ttl = absl::Minutes(5));

}  // namespace hpedu::registry::client

#endif  // HPEDU_SERVICES_REGISTRY_CLIENT_UNIT_SCOPES_H_
