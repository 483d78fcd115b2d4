#include "services/plans/agency_directory.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_macros.h"

namespace hpedu::plans {
namespace {

namespace rv1 = ::hpedu::registry::v1;

constexpr char kCity[] = "units/hai-phong";

bool IsCommuneKind(rv1::UnitKind kind) {
  return kind == rv1::WARD || kind == rv1::COMMUNE || kind == rv1::SPECIAL_ZONE;
}

class RegistryAgencyDirectory final : public AgencyDirectory {
 public:
  explicit RegistryAgencyDirectory(server::PeerChannels& peers)
      : peers_(peers) {}

  absl::StatusOr<DirectoryUnit> Resolve(
      const server::CallContext& call, std::string_view text,
      std::optional<absl::CivilDay> as_of) override {
    ASSIGN_OR_RETURN(std::unique_ptr<rv1::RegistryService::Stub> stub, Stub());
    rv1::ResolveUnitRequest request;
    request.set_query(std::string(text));
    if (as_of) *request.mutable_as_of() = api::ToProtoDate(*as_of);
    rv1::ResolveUnitResponse response;
    std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
    const grpc::Status status =
        stub->ResolveUnit(context.get(), request, &response);
    if (!status.ok() && status.error_code() != grpc::StatusCode::NOT_FOUND) {
      return FromGrpcStatus(status);
    }
    if (!status.ok() || response.units().empty()) {
      return absl::NotFoundError(absl::StrCat(
          "sổ đăng ký không biết cơ quan này (unknown to the registry): ",
          std::string(text)));
    }
    if (response.units_size() > 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          "tên chỉ nhiều đơn vị, hãy ghi rõ (ambiguous: ",
          response.units_size(), " units)"));
    }
    return Describe(call, *stub, response.units(0));
  }

  absl::StatusOr<DirectoryUnit> Get(const server::CallContext& call,
                                    std::string_view name) override {
    ASSIGN_OR_RETURN(std::unique_ptr<rv1::RegistryService::Stub> stub, Stub());
    ASSIGN_OR_RETURN(const rv1::Unit unit, GetUnit(call, *stub, name));
    return Describe(call, *stub, unit);
  }

  absl::StatusOr<std::vector<DirectoryUnit>> ListCommunes(
      const server::CallContext& call) override {
    ASSIGN_OR_RETURN(std::unique_ptr<rv1::RegistryService::Stub> stub, Stub());
    std::vector<DirectoryUnit> communes;
    rv1::ListUnitsRequest request;
    request.set_parent(kCity);
    request.set_page_size(1000);
    do {
      rv1::ListUnitsResponse response;
      std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
      const grpc::Status status =
          stub->ListUnits(context.get(), request, &response);
      if (!status.ok()) return FromGrpcStatus(status);
      for (const rv1::Unit& unit : response.units()) {
        if (!IsCommuneKind(unit.kind())) continue;
        communes.push_back({unit.name(), unit.display_name(), unit.name()});
      }
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return communes;
  }

 private:
  absl::StatusOr<std::unique_ptr<rv1::RegistryService::Stub>> Stub() {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                     peers_.Get("registry"));
    return rv1::RegistryService::NewStub(channel);
  }

  absl::StatusOr<rv1::Unit> GetUnit(const server::CallContext& call,
                                    rv1::RegistryService::Stub& stub,
                                    std::string_view name) {
    rv1::GetUnitRequest request;
    request.set_name(std::string(name));
    rv1::Unit unit;
    std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
    const grpc::Status status = stub.GetUnit(context.get(), request, &unit);
    if (!status.ok()) return FromGrpcStatus(status);
    return unit;
  }

  // The unit with the commune it is or sits directly in.
  absl::StatusOr<DirectoryUnit> Describe(const server::CallContext& call,
                                         rv1::RegistryService::Stub& stub,
                                         const rv1::Unit& unit) {
    DirectoryUnit result{unit.name(), unit.display_name(), ""};
    if (IsCommuneKind(unit.kind())) {
      result.commune = unit.name();
    } else if (!unit.parent().empty() && unit.parent() != kCity) {
      ASSIGN_OR_RETURN(const rv1::Unit parent,
                       GetUnit(call, stub, unit.parent()));
      if (IsCommuneKind(parent.kind())) result.commune = parent.name();
    }
    return result;
  }

  server::PeerChannels& peers_;
};

}  // namespace

std::unique_ptr<AgencyDirectory> NewRegistryAgencyDirectory(
    server::PeerChannels& peers) {
  return std::make_unique<RegistryAgencyDirectory>(peers);
}

}  // namespace hpedu::plans
