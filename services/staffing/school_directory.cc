#include "services/staffing/school_directory.h"

#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_macros.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {
namespace {

namespace rv1 = ::hpedu::registry::v1;

std::string IdOf(const std::string& name) {
  return name.substr(sizeof("units/") - 1);
}

class RegistrySchoolDirectory final : public SchoolDirectory {
 public:
  RegistrySchoolDirectory(server::PeerChannels& peers, absl::Duration ttl)
      : peers_(peers), ttl_(ttl) {}

  absl::StatusOr<std::shared_ptr<const OrgDirectory>> Get(
      const server::CallContext& call) override {
    {
      absl::MutexLock lock(&mu_);
      if (cached_ && absl::Now() - fetched_ < ttl_) return cached_;
    }
    ASSIGN_OR_RETURN(OrgDirectory directory, Fetch(call));
    auto shared = std::make_shared<const OrgDirectory>(std::move(directory));
    absl::MutexLock lock(&mu_);
    cached_ = shared;
    fetched_ = absl::Now();
    return shared;
  }

 private:
  absl::StatusOr<OrgDirectory> Fetch(const server::CallContext& call) {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                     peers_.Get("registry"));
    std::unique_ptr<rv1::RegistryService::Stub> stub =
        rv1::RegistryService::NewStub(channel);
    ASSIGN_OR_RETURN(std::vector<rv1::Unit> units, List(call, *stub));
    return OrgDirectoryFromUnits(units);
  }

  // Every unit valid today, over all pages.
  absl::StatusOr<std::vector<rv1::Unit>> List(const server::CallContext& call,
                                              rv1::RegistryService::Stub& stub) {
    std::vector<rv1::Unit> units;
    rv1::ListUnitsRequest request;
    request.set_page_size(1000);
    while (true) {
      rv1::ListUnitsResponse response;
      std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
      const grpc::Status status =
          stub.ListUnits(context.get(), request, &response);
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
  std::shared_ptr<const OrgDirectory> cached_ ABSL_GUARDED_BY(mu_);
  absl::Time fetched_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

OrgDirectory OrgDirectoryFromUnits(const std::vector<rv1::Unit>& units) {
  OrgDirectory directory;
  for (const rv1::Unit& unit : units) {
    if (unit.has_valid_until()) continue;
    const std::string id = IdOf(unit.name());
    switch (unit.kind()) {
      case rv1::CITY:
        directory.city_id = id;
        directory.city_name = unit.display_name();
        break;
      case rv1::WARD:
      case rv1::COMMUNE:
      case rv1::SPECIAL_ZONE:
        directory.communes[id] = unit.display_name();
        break;
      case rv1::SCHOOL: {
        SchoolInfo school;
        school.id = id;
        school.display_name = unit.display_name();
        if (unit.parent().starts_with("units/")) school.commune = IdOf(unit.parent());
        for (int level : unit.school().levels()) {
          const std::string name =
              rv1::SchoolLevel_Name(static_cast<rv1::SchoolLevel>(level));
          if (IsLevel(name)) school.levels.insert(name);
        }
        directory.schools[id] = std::move(school);
        break;
      }
      default:
        break;
    }
  }
  return directory;
}

std::unique_ptr<SchoolDirectory> NewRegistrySchoolDirectory(
    server::PeerChannels& peers, absl::Duration ttl) {
  return std::make_unique<RegistrySchoolDirectory>(peers, ttl);
}

}  // namespace hpedu::staffing
