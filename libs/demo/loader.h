// What the demo loaders (hpedu_<service>_demo) share: their command line,
// the environment up.sh gives them, mutual TLS as the hpedu command uses
// it, long deadlines and one way to report a failed call.
//
//   hpedu_<service>_demo [--seed=N] [--csv | --csv=<kind>]
//       [--<service>_addr=host:port] [--registry_addr=host:port]
//
// The addresses default to HPEDU_<SERVICE>_ADDR and HPEDU_REGISTRY_ADDR; TLS
// files come from HPEDU_TLS_CERT, HPEDU_TLS_KEY and HPEDU_TLS_CA (plaintext
// when unset).
#ifndef HPEDU_LIBS_DEMO_LOADER_H_
#define HPEDU_LIBS_DEMO_LOADER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grpcpp/grpcpp.h"

namespace hpedu::demo {

struct LoaderSpec {
  // "budget": --budget_addr and HPEDU_BUDGET_ADDR.
  std::string service;
  uint32_t default_seed = 0;
  // The kinds of --csv=<kind>; empty: a plain --csv.
  std::vector<std::string> csv_kinds;
  // Whether printing a CSV still reads from the service.
  bool csv_needs_service = false;
};

struct LoaderFlags {
  uint32_t seed = 0;
  std::string service_addr;
  std::string registry_addr;
  // Print this import file instead of loading ("" for a plain --csv).
  std::optional<std::string> csv;
  std::shared_ptr<grpc::ChannelCredentials> credentials;

  std::shared_ptr<grpc::Channel> ServiceChannel() const;
  std::shared_ptr<grpc::Channel> RegistryChannel() const;
};

// The flags of `argv`; nullopt after printing the usage, or what is
// missing, to stderr (exit with 2). `environment` looks a variable up
// (std::getenv by default; tests pass their own).
std::optional<LoaderFlags> ParseLoaderFlags(
    int argc, const char* const* argv, const LoaderSpec& spec,
    std::string (*environment)(const char* name) = nullptr);

// A context whose deadline leaves a whole load time (5 minutes).
std::unique_ptr<grpc::ClientContext> LoaderContext();

// Prints "what: code message" to stderr; returns 1 for main.
int Fail(std::string_view what, const grpc::Status& status);

}  // namespace hpedu::demo

#endif  // HPEDU_LIBS_DEMO_LOADER_H_
