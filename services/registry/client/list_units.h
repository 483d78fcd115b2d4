// For other services and tools: every unit a ListUnits request matches, over
// all pages, asked of the registry over gRPC.
//
//   ASSIGN_OR_RETURN(std::vector<v1::Unit> units,
//       ListAllUnits(*stub, request, [&] { return call.NewClientContext(); }));
#ifndef HPEDU_SERVICES_REGISTRY_CLIENT_LIST_UNITS_H_
#define HPEDU_SERVICES_REGISTRY_CLIENT_LIST_UNITS_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"

namespace hpedu::registry::client {

// The units of every page of `request` (its page_token is ignored; 1000 a
// page when page_size is 0), each page's call made with a context from
// `new_context`. The registry's status if a page fails.
absl::StatusOr<std::vector<v1::Unit>> ListAllUnits(
    v1::RegistryService::StubInterface& stub, v1::ListUnitsRequest request,
    const std::function<std::unique_ptr<grpc::ClientContext>()>& new_context);

// Every unit the registry holds today, over `channel`.
absl::StatusOr<std::vector<v1::Unit>> ListAllUnits(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::function<std::unique_ptr<grpc::ClientContext>()>& new_context);

}  // namespace hpedu::registry::client

#endif  // HPEDU_SERVICES_REGISTRY_CLIENT_LIST_UNITS_H_
