// For other services' tests: a registry service started in-process on its
// own throwaway database, loaded with the demo city (the 114 communes and
// wards, their schools and the Sở's agencies). Started once per test binary
// and shared; tests must treat it as read-only.
//
//   const DemoRegistry& registry = SharedDemoRegistry();
//   config.peer_addresses["registry"] = registry.address;
#ifndef HPEDU_SERVICES_REGISTRY_TESTING_DEMO_REGISTRY_H_
#define HPEDU_SERVICES_REGISTRY_TESTING_DEMO_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "libs/server/service_host.h"

namespace hpedu::registry::testing {

struct DemoRegistry {
  std::unique_ptr<server::ServiceHost> host;
  std::string address;  // "127.0.0.1:port"
  std::vector<v1::Unit> units;  // what was imported
};

// Starts it on first use (aborting the test binary if it cannot).
const DemoRegistry& SharedDemoRegistry();

// A demo registry of the caller's own, on its own database:
// TestServerConfig changed by `configure` (mutual TLS, say), the units
// imported through the channel `connect` makes to its address, as a caller
// that may import (the Sở's leadership, a service).
absl::StatusOr<DemoRegistry> StartDemoRegistry(
    const std::function<void(server::ServerConfig&)>& configure,
    const std::function<
        std::shared_ptr<grpc::Channel>(const std::string& address)>& connect);

}  // namespace hpedu::registry::testing

#endif  // HPEDU_SERVICES_REGISTRY_TESTING_DEMO_REGISTRY_H_
