#include "services/indicators/unit_directory.h"

#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

#include "absl/strings/str_cat.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_macros.h"

namespace hpedu::indicators {
namespace {

namespace rv1 = ::hpedu::registry::v1;

bool IsCommuneLevel(rv1::UnitKind kind) {
  return kind == rv1::WARD || kind == rv1::COMMUNE ||
         kind == rv1::SPECIAL_ZONE;
}

std::string IdOf(const std::string& name) {
  return name.substr(sizeof("units/") - 1);
}

class RegistryUnitDirectory final : public UnitDirectory {
 public:
  RegistryUnitDirectory(server::PeerChannels& peers, absl::Duration ttl)
      : peers_(peers), ttl_(ttl) {}

  absl::StatusOr<std::shared_ptr<const UnitTree>> Tree(
      const server::CallContext& call,
      const std::string& org_unit_id) override {
    {
      absl::MutexLock lock(&mu_);
      auto it = cache_.find(org_unit_id);
      if (it != cache_.end() && absl::Now() - it->second.first < ttl_) {
        return it->second.second;
      }
    }
    ASSIGN_OR_RETURN(UnitTree fetched, Fetch(call, org_unit_id));
    auto tree = std::make_shared<const UnitTree>(std::move(fetched));
    absl::MutexLock lock(&mu_);
    cache_[org_unit_id] = {absl::Now(), tree};
    return tree;
  }

 private:
  absl::StatusOr<UnitTree> Fetch(const server::CallContext& call,
                                 const std::string& org_unit_id) {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                     peers_.Get("registry"));
    std::unique_ptr<rv1::RegistryService::Stub> stub =
        rv1::RegistryService::NewStub(channel);
    rv1::GetUnitRequest get;
    get.set_name("units/" + org_unit_id);
    rv1::Unit root;
    {
      std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
      const grpc::Status status = stub->GetUnit(context.get(), get, &root);
      if (!status.ok()) return FromGrpcStatus(status);
    }
    UnitTree tree;
    tree.root_id = org_unit_id;
    if (root.kind() == rv1::CITY) {
      tree.root_is_city = true;
      ASSIGN_OR_RETURN(std::vector<rv1::Unit> children,
                       List(call, *stub, root.name(), rv1::UNIT_KIND_UNSPECIFIED));
      for (const rv1::Unit& unit : children) {
        if (IsCommuneLevel(unit.kind())) {
          tree.communes.push_back(IdOf(unit.name()));
          tree.schools[IdOf(unit.name())];
        }
      }
      ASSIGN_OR_RETURN(std::vector<rv1::Unit> schools,
                       List(call, *stub, "", rv1::SCHOOL));
      for (const rv1::Unit& school : schools) {
        auto it = tree.schools.find(IdOf(school.parent()));
        if (it != tree.schools.end()) it->second.push_back(Entry(school));
      }
    } else if (IsCommuneLevel(root.kind())) {
      tree.communes.push_back(org_unit_id);
      ASSIGN_OR_RETURN(std::vector<rv1::Unit> schools,
                       List(call, *stub, root.name(), rv1::SCHOOL));
      for (const rv1::Unit& school : schools) {
        tree.schools[org_unit_id].push_back(Entry(school));
      }
    } else {
      return InvalidField("org_unit",
                          "cần thành phố hoặc đơn vị cấp xã (the city or a "
                          "commune-level unit)");
    }
    return tree;
  }

  static SchoolEntry Entry(const rv1::Unit& school) {
    SchoolEntry entry;
    entry.id = IdOf(school.name());
    for (int level : school.school().levels()) {
      entry.levels.insert(rv1::SchoolLevel_Name(level));
    }
    return entry;
  }

  // Every unit (valid today) under `parent` of `kind`, over all pages.
  absl::StatusOr<std::vector<rv1::Unit>> List(
      const server::CallContext& call, rv1::RegistryService::Stub& stub,
      const std::string& parent, rv1::UnitKind kind) {
    std::vector<rv1::Unit> units;
    rv1::ListUnitsRequest request;
    request.set_parent(parent);
    request.set_kind(kind);
    request.set_page_size(1000);
    while (true) {
      rv1::ListUnitsResponse response;
      std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
      const grpc::Status status = stub.ListUnits(context.get(), request, &response);
      if (!status.ok()) return FromGrpcStatus(status);
      for (rv1::Unit& unit : *response.mutable_units()) {
        units.push_back(std::move(unit));
      }
      if (response.next_page_token().empty()) return units;
      request.set_page_token(response.next_page_token());
    }
  }

  server::PeerChannels& peers_;
  const absl::Duration ttl_;
  absl::Mutex mu_;
  // Trees by root id, with when they were fetched.
  std::map<std::string,
           std::pair<absl::Time, std::shared_ptr<const UnitTree>>>
      cache_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<UnitDirectory> NewRegistryUnitDirectory(
    server::PeerChannels& peers, absl::Duration ttl) {
  return std::make_unique<RegistryUnitDirectory>(peers, ttl);
}

std::shared_ptr<const Groups> ExpectedReportersCache::Get(
    const std::shared_ptr<const UnitTree>& tree,
    const v1::Indicator& indicator) {
  const std::pair<int, std::string> kind{indicator.reporting_level(),
                                         indicator.school_level()};
  {
    absl::MutexLock lock(&mu_);
    Entry& entry = entries_[tree->root_id];
    if (entry.tree.lock() != tree) {
      entry.tree = tree;
      entry.groups.clear();
    }
    auto it = entry.groups.find(kind);
    if (it != entry.groups.end()) return it->second;
  }
  auto groups =
      std::make_shared<const Groups>(ExpectedReporters(indicator, *tree));
  absl::MutexLock lock(&mu_);
  Entry& entry = entries_[tree->root_id];
  if (entry.tree.lock() == tree) entry.groups.emplace(kind, groups);
  return groups;
}

}  // namespace hpedu::indicators
