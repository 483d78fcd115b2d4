#include "services/budget/unit_directory.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"
#include "services/registry/client/list_units.h"

namespace hpedu::budget {
namespace {

namespace rv1 = ::hpedu::registry::v1;

std::string IdOf(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

class RegistryUnitDirectory final : public UnitDirectory {
 public:
  RegistryUnitDirectory(server::PeerChannels& peers, absl::Duration ttl)
      : peers_(peers), ttl_(ttl) {}

  absl::StatusOr<std::shared_ptr<const UnitIndex>> Units(
      const server::CallContext& call) override {
    {
      absl::MutexLock lock(&mu_);
      if (index_ != nullptr && absl::Now() - fetched_ < ttl_) return index_;
    }
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                     peers_.Get("registry"));
    std::unique_ptr<rv1::RegistryService::Stub> stub =
        rv1::RegistryService::NewStub(channel);
    ASSIGN_OR_RETURN(
        const std::vector<rv1::Unit> units,
        registry::client::ListAllUnits(*stub, rv1::ListUnitsRequest(),
                                       [&] { return call.NewClientContext(); }));
    auto index = std::make_shared<const UnitIndex>(IndexUnits(units));
    if (index->city_id.empty()) {
      return absl::FailedPreconditionError(
          "sổ đăng ký chưa có thành phố (the registry has no city)");
    }
    absl::MutexLock lock(&mu_);
    index_ = index;
    fetched_ = absl::Now();
    return index;
  }

 private:
  server::PeerChannels& peers_;
  const absl::Duration ttl_;
  absl::Mutex mu_;
  std::shared_ptr<const UnitIndex> index_ ABSL_GUARDED_BY(mu_);
  absl::Time fetched_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<UnitDirectory> NewRegistryUnitDirectory(
    server::PeerChannels& peers, absl::Duration ttl) {
  return std::make_unique<RegistryUnitDirectory>(peers, ttl);
}

UnitIndex IndexUnits(const std::vector<rv1::Unit>& units) {
  UnitIndex index;
  // Units that ended are history: those with an end, and those another unit
  // succeeded (a full export, without valid_until, lists them too).
  std::set<std::string> succeeded;
  for (const rv1::Unit& unit : units) {
    for (const std::string& predecessor : unit.predecessors()) {
      succeeded.insert(predecessor);
    }
  }
  for (const rv1::Unit& unit : units) {
    if (unit.has_valid_until() || succeeded.count(unit.name()) > 0) continue;
    UnitInfo info;
    info.id = IdOf(unit.name());
    info.display_name = unit.display_name();
    info.parent_id = unit.parent().empty() ? "" : IdOf(unit.parent());
    switch (unit.kind()) {
      case rv1::CITY:
        info.unit_class = UnitClass::kCity;
        if (index.city_id.empty()) index.city_id = info.id;
        break;
      case rv1::WARD:
      case rv1::COMMUNE:
      case rv1::SPECIAL_ZONE:
        info.unit_class = UnitClass::kCommune;
        break;
      default:
        info.unit_class = UnitClass::kOther;
    }
    index.by_id[info.id] = std::move(info);
  }
  for (const auto& [id, info] : index.by_id) {
    if (info.unit_class == UnitClass::kCommune && info.parent_id == index.city_id) {
      index.communes.push_back(id);
    }
  }
  const text::VietnameseCollator& collator = text::VietnameseCollator::Get();
  std::sort(index.communes.begin(), index.communes.end(),
            [&](const std::string& a, const std::string& b) {
              return collator.Less(index.by_id.at(a).display_name,
                                   index.by_id.at(b).display_name);
            });
  return index;
}

}  // namespace hpedu::budget
