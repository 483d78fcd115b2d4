// What the service benchmarks share: failing loudly, p50/p99 timing, the
// host configuration, and the demo city scaled up (each commune-level unit
// and its schools repeated under suffixed ids) in a running registry.
#ifndef HPEDU_TESTS_BENCH_BENCH_SUPPORT_H_
#define HPEDU_TESTS_BENCH_BENCH_SUPPORT_H_

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/auth/caller.h"
#include "libs/server/service_host.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/registry/registry_definition.h"
#include "services/registry/unit_import.h"

namespace hpedu::bench {

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) Die(absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

inline std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(30)));
  return context;
}

// Large messages both ways (whole-city imports and reports).
inline grpc::ChannelArguments LargeMessages() {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(256 << 20);
  args.SetMaxReceiveMessageSize(256 << 20);
  return args;
}

inline server::ServerConfig Config(const std::string& service,
                                   const std::string& db) {
  server::ServerConfig config;
  config.service = service;
  config.db = db;
  config.listen_address = "127.0.0.1:0";
  config.log_requests = false;
  config.default_deadline = absl::Minutes(30);
  config.max_message_bytes = 256 << 20;
  testing::TestIdentity::Configure(config);
  return config;
}

// A channel to `address` calling as the Sở's leadership, with large
// messages.
inline std::shared_ptr<grpc::Channel> LeadershipChannel(const std::string& address) {
  return testing::TestIdentity::Channel(
      address, testing::TestIdentity::Token(auth::Role::kLeadership),
      LargeMessages());
}

struct Percentiles {
  double p50 = 0;
  double p99 = 0;
};

// Milliseconds per call of `fn` over `iterations` calls after one warm-up.
template <typename Fn>
Percentiles Time(int iterations, Fn&& fn) {
  std::vector<double> samples;
  fn();
  for (int i = 0; i < iterations; ++i) {
    const absl::Time start = absl::Now();
    fn();
    samples.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[std::min(samples.size() - 1,
                            static_cast<size_t>(q * samples.size()))];
  };
  return {at(0.5), at(0.99)};
}

// The demo city with each commune-level unit and its schools repeated
// `scale` times under suffixed ids (no lineage for the copies).
inline std::vector<registry::v1::Unit> ScaledUnits(
    const std::vector<registry::v1::Unit>& units, int scale) {
  namespace rv1 = ::hpedu::registry::v1;
  std::vector<rv1::Unit> out = units;
  std::set<std::string> communes;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() == rv1::WARD || unit.kind() == rv1::COMMUNE ||
        unit.kind() == rv1::SPECIAL_ZONE) {
      communes.insert(unit.name());
    }
  }
  for (int k = 2; k <= scale; ++k) {
    const std::string suffix = absl::StrCat("-x", k);
    for (const rv1::Unit& unit : units) {
      const bool commune = unit.kind() == rv1::WARD ||
                           unit.kind() == rv1::COMMUNE ||
                           unit.kind() == rv1::SPECIAL_ZONE;
      // Schools of a commune (not those directly under the city).
      const bool school = unit.kind() == rv1::SCHOOL &&
                          !unit.has_valid_until() &&
                          communes.contains(unit.parent());
      if (!commune && !school) continue;
      rv1::Unit copy = unit;
      copy.set_name(unit.name() + suffix);
      copy.set_display_name(absl::StrCat(unit.display_name(), " (", k, ")"));
      copy.clear_predecessors();
      copy.clear_successors();
      if (school) copy.set_parent(unit.parent() + suffix);
      out.push_back(std::move(copy));
    }
  }
  return out;
}

// A registry holding `units`, on its own database of `pg`.
inline std::unique_ptr<server::ServiceHost> StartRegistry(
    testing::PostgresServer& pg, const std::vector<registry::v1::Unit>& units) {
  const std::string db = Must(pg.CreateDatabase(), "database");
  std::unique_ptr<server::ServiceHost> host = Must(
      server::ServiceHost::Start(
          Config("registry", Must(pg.ProvisionService(db, "registry"), "provision")),
          registry::Definition()),
      "registry");
  registry::v1::ImportUnitsRequest import;
  import.set_csv_content(registry::FormatUnitsCsv(units));
  registry::v1::ImportUnitsResponse imported;
  const grpc::Status status =
      registry::v1::RegistryService::NewStub(
          LeadershipChannel(absl::StrCat("127.0.0.1:", host->port())))
          ->ImportUnits(Context().get(), import, &imported);
  if (!status.ok()) Die("registry import: " + status.error_message());
  return host;
}

}  // namespace hpedu::bench

#endif  // HPEDU_TESTS_BENCH_BENCH_SUPPORT_H_
