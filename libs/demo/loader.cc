#include "libs/demo/loader.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/server/tls.h"

namespace hpedu::demo {
namespace {

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

std::shared_ptr<grpc::Channel> LoaderFlags::ServiceChannel() const {
  return grpc::CreateChannel(service_addr, credentials);
}

std::shared_ptr<grpc::Channel> LoaderFlags::RegistryChannel() const {
  return grpc::CreateChannel(registry_addr, credentials);
}

std::optional<LoaderFlags> ParseLoaderFlags(
    int argc, const char* const* argv, const LoaderSpec& spec,
    std::string (*environment)(const char* name)) {
  if (environment == nullptr) environment = GetEnv;
  const std::string service_env =
      absl::StrCat("HPEDU_", absl::AsciiStrToUpper(spec.service), "_ADDR");
  const std::string service_flag = absl::StrCat("--", spec.service, "_addr=");
  LoaderFlags flags;
  flags.seed = spec.default_seed;
  flags.service_addr = environment(service_env.c_str());
  flags.registry_addr = environment("HPEDU_REGISTRY_ADDR");
  const std::string csv_usage =
      spec.csv_kinds.empty()
          ? "--csv"
          : absl::StrCat("--csv=", absl::StrJoin(spec.csv_kinds, "|"));
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--seed=") &&
        absl::SimpleAtoi(arg, &flags.seed)) {
      continue;
    }
    arg = argv[i];
    if (absl::ConsumePrefix(&arg, service_flag)) {
      flags.service_addr = std::string(arg);
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--registry_addr=")) {
      flags.registry_addr = std::string(arg);
      continue;
    }
    if (spec.csv_kinds.empty() && arg == "--csv") {
      flags.csv = "";
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--csv=") &&
        std::find(spec.csv_kinds.begin(), spec.csv_kinds.end(), arg) !=
            spec.csv_kinds.end()) {
      flags.csv = std::string(arg);
      continue;
    }
    std::cerr << "usage: " << argv[0] << " [--seed=N] [" << csv_usage << "] ["
              << service_flag << "host:port] [--registry_addr=host:port]\n";
    return std::nullopt;
  }
  const bool needs_service = !flags.csv || spec.csv_needs_service;
  if (flags.registry_addr.empty() ||
      (needs_service && flags.service_addr.empty())) {
    std::cerr << "cần HPEDU_REGISTRY_ADDR"
              << (needs_service ? " và " + service_env : "")
              << " (--registry_addr"
              << (needs_service ? ", " + service_flag.substr(
                                             0, service_flag.size() - 1)
                                : "")
              << ")\n";
    return std::nullopt;
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      server::MakeChannelCredentials({environment("HPEDU_TLS_CERT"),
                                      environment("HPEDU_TLS_KEY"),
                                      environment("HPEDU_TLS_CA")});
  if (!credentials.ok()) {
    std::cerr << credentials.status() << "\n";
    return std::nullopt;
  }
  flags.credentials = *std::move(credentials);
  return flags;
}

std::unique_ptr<grpc::ClientContext> LoaderContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(5)));
  return context;
}

int Fail(std::string_view what, const grpc::Status& status) {
  std::cerr << what << ": " << status.error_code() << " "
            << status.error_message() << "\n";
  return 1;
}

}  // namespace hpedu::demo
