#include "services/registry/client/unit_scopes.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_macros.h"

namespace hpedu::registry::client {
namespace {

bool IsCommuneLevel(v1::UnitKind kind) {
  return kind == v1::WARD || kind == v1::COMMUNE ||
         kind == v1::SPECIAL_ZONE || kind == v1::TOWNSHIP;
}

class RegistryUnitScopes final : public UnitScopes {
 public:
  RegistryUnitScopes(server::PeerChannels& peers, absl::Duration ttl)
      : peers_(peers), ttl_(ttl) {}

  absl::StatusOr<auth::Scope> Of(const server::CallContext& call,
                                 std::string_view unit) override {
    if (!absl::StartsWith(ToAbsl(unit), "units/") || unit.size() <= 6) {
      return InvalidField("unit", "cần dạng units/{id} (expected units/{id})");
    }
    const absl::Time now = absl::Now();
    {
      absl::MutexLock lock(&mu_);
      if (auto it = cache_.find(unit);
          it != cache_.end() && now - it->second.second < ttl_) {
        return it->second.first;
      }
    }
    ASSIGN_OR_RETURN(v1::Unit found, Get(call, std::string(unit)));
    v1::Unit parent;
    bool has_parent = false;
    if (!found.parent().empty() && found.kind() != v1::WARD &&
        found.kind() != v1::COMMUNE) {
      ASSIGN_OR_RETURN(parent, Get(call, found.parent()));
      has_parent = true;
    }
    auth::Scope scope = ScopeOfUnit(found, has_parent ? &parent : nullptr);
    absl::MutexLock lock(&mu_);
    cache_[std::string(unit)] = {scope, now};
    return scope;
  }

 private:
  absl::StatusOr<v1::Unit> Get(const server::CallContext& call,
                               const std::string& name) {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                     peers_.Get("registry"));
    v1::GetUnitRequest request;
    request.set_name(name);
    v1::Unit unit;
    std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
    grpc::Status status = v1::RegistryService::NewStub(channel)->GetUnit(
        context.get(), request, &unit);
    if (!status.ok()) return FromGrpcStatus(status);
    return unit;
  }

  server::PeerChannels& peers_;
  const absl::Duration ttl_;
  absl::Mutex mu_;
  std::map<std::string, std::pair<auth::Scope, absl::Time>, std::less<>>
      cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

auth::Scope ScopeOfUnit(const v1::Unit& unit, const v1::Unit* parent) {
  auth::Scope scope;
  const bool parent_is_commune =
      parent != nullptr && IsCommuneLevel(parent->kind());
  if (IsCommuneLevel(unit.kind())) {
    scope.commune = unit.name();
  } else if (unit.kind() == v1::SCHOOL) {
    scope.school = unit.name();
    if (parent_is_commune) scope.commune = parent->name();
  } else if (unit.kind() == v1::AGENCY) {
    scope.lead_agency = unit.name();
    if (parent_is_commune) scope.commune = parent->name();
  }
  return scope;
}

std::unique_ptr<UnitScopes> NewRegistryUnitScopes(server::PeerChannels& peers,
                                                  absl::Duration ttl) {
  return std::make_unique<RegistryUnitScopes>(peers, ttl);
}

}  // namespace hpedu::registry::client
