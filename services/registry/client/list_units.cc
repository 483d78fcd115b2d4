#include "services/registry/client/list_units.h"

#include <utility>

#include "libs/status/grpc_status.h"

namespace hpedu::registry::client {

absl::StatusOr<std::vector<v1::Unit>> ListAllUnits(
    v1::RegistryService::StubInterface& stub, v1::ListUnitsRequest request,
    const std::function<std::unique_ptr<grpc::ClientContext>()>& new_context) {
  std::vector<v1::Unit> units;
  if (request.page_size() == 0) request.set_page_size(1000);
  request.clear_page_token();
  while (true) {
    v1::ListUnitsResponse response;
    const std::unique_ptr<grpc::ClientContext> context = new_context();
    const grpc::Status status = stub.ListUnits(context.get(), request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    for (v1::Unit& unit : *response.mutable_units()) {
      units.push_back(std::move(unit));
    }
    if (response.next_page_token().empty()) return units;
    request.set_page_token(response.next_page_token());
  }
}

absl::StatusOr<std::vector<v1::Unit>> ListAllUnits(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::function<std::unique_ptr<grpc::ClientContext>()>& new_context) {
  std::unique_ptr<v1::RegistryService::Stub> stub =
      v1::RegistryService::NewStub(channel);
  return ListAllUnits(*stub, v1::ListUnitsRequest(), new_context);
}

}  // namespace hpedu::registry::client
