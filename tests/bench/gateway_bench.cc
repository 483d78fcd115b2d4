// The gateway's city overview against the backend calls it makes: the
// registry, plans and indicators services in-process with the demo data
// (real PostgreSQL, throwaway), the gateway in front, everything over
// loopback gRPC. In the same run it prints:
//   - the overview's p50/p99 and throughput (uncached: every call fans out);
//   - p50/p99 of each backend call the overview makes, made directly, and the
//     slowest of them;
//   - the ratio overview p50 / slowest backend call p50 (parallel fan-out
//     should keep it near 1; the goal is at most 1.3);
//   - throughput of the overview over HTTP/JSON against gRPC (8 clients,
//     gateway cache on, so the gateway's own cost is what is compared).
//
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/release --target gateway_bench
//   build/release/tests/bench/gateway_bench [iterations]
// or all benchmarks at once, with their ratios tabulated: tests/bench/run.sh
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/gateway/v1/gateway_service.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/testing/identity.h"
#include "services/gateway/gateway_definition.h"
#include "services/gateway/http_json.h"
#include "services/gateway/testing/backend_suite.h"
#include "tests/bench/ratio.h"

// Last: <netdb.h> (through httplib.h) defines NO_DATA, an enum value above.
#include <httplib.h>

namespace hpedu {
namespace {

namespace bv1 = ::hpedu::budget::v1;
namespace gv1 = ::hpedu::gateway::v1;
namespace iv1 = ::hpedu::indicators::v1;
namespace pv1 = ::hpedu::plans::v1;
namespace rv1 = ::hpedu::registry::v1;
namespace sv1 = ::hpedu::staffing::v1;
using ::hpedu::testing::TestIdentity;

struct Timings {
  std::vector<double> ms;
  double Percentile(double p) {
    std::sort(ms.begin(), ms.end());
    if (ms.empty()) return 0;
    size_t i = static_cast<size_t>(p * (ms.size() - 1) + 0.5);
    return ms[std::min(i, ms.size() - 1)];
  }
};

Timings Time(int iterations, const std::function<bool()>& call) {
  Timings timings;
  call();  // warm up (connections, plans)
  for (int i = 0; i < iterations; ++i) {
    const absl::Time start = absl::Now();
    if (!call()) {
      std::fprintf(stderr, "call failed\n");
      std::exit(1);
    }
    timings.ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  return timings;
}

// Calls per second of `clients` threads calling for `duration`.
double Throughput(int clients, absl::Duration duration,
                  const std::function<std::function<bool()>()>& make_client) {
  std::atomic<long> calls{0};
  std::atomic<bool> failed{false};
  const absl::Time end = absl::Now() + duration;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      std::function<bool()> call = make_client();
      while (absl::Now() < end) {
        if (!call()) failed = true;
        ++calls;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  if (failed) std::fprintf(stderr, "some calls failed\n");
  return calls / absl::ToDoubleSeconds(duration);
}

template <typename Stub, typename Request, typename Response>
std::function<bool()> Unary(Stub* stub,
                            grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                         const Request&, Response*),
                            Request request) {
  return [=] {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    Response response;
    return (stub->*method)(&context, request, &response).ok();
  };
}

// Every page, as the gateway does.
std::function<bool()> AllUnits(rv1::RegistryService::Stub* stub,
                               rv1::ListUnitsRequest request) {
  return [=]() mutable {
    request.set_page_size(1000);
    request.clear_page_token();
    while (true) {
      grpc::ClientContext context;
      rv1::ListUnitsResponse page;
      if (!stub->ListUnits(&context, request, &page).ok()) return false;
      if (page.next_page_token().empty()) return true;
      request.set_page_token(page.next_page_token());
    }
  };
}

int Main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 30;
  gateway::testing::BackendSuite& suite = gateway::testing::BackendSuite::Shared();
  const std::string token = TestIdentity::Token(auth::Role::kLeadership);

  auto start_gateway = [&](absl::Duration ttl) {
    gateway::GatewayConfig config;
    config.server = hpedu::testing::TestServerConfig("gateway", "");
    config.server.peer_addresses = suite.addresses();
    config.server.workers = 8;
    config.http_listen = "127.0.0.1:0";
    config.backends.cache_ttl = ttl;
    auto started = gateway::Gateway::Start(config);
    if (!started.ok()) {
      std::fprintf(stderr, "gateway: %s\n", started.status().ToString().c_str());
      std::exit(1);
    }
    return *std::move(started);
  };

  gv1::GetCityOverviewRequest overview;
  overview.set_period(gateway::testing::kPeriod);
  overview.set_due_within_days(14);

  // 1. The overview, uncached: every call fans out to the services.
  auto uncached = start_gateway(absl::ZeroDuration());
  auto gateway_stub = gv1::GatewayService::NewStub(TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", uncached->grpc_port()), token));
  Timings overview_timings = Time(
      iterations, Unary(gateway_stub.get(), &gv1::GatewayService::Stub::GetCityOverview,
                        overview));

  // 2. Each backend call the overview makes, directly.
  auto registry = rv1::RegistryService::NewStub(
      TestIdentity::Channel(suite.addresses().at("registry"), token));
  auto plans = pv1::PlansService::NewStub(
      TestIdentity::Channel(suite.addresses().at("plans"), token));
  auto indicators = iv1::IndicatorsService::NewStub(
      TestIdentity::Channel(suite.addresses().at("indicators"), token));
  rv1::ListUnitsRequest communes;
  communes.set_parent("units/hai-phong");
  rv1::ListUnitsRequest agencies;
  agencies.set_kind(rv1::AGENCY);
  rv1::ListUnitsRequest cities;
  cities.set_kind(rv1::CITY);
  iv1::ListIndicatorsRequest list_indicators;
  list_indicators.set_page_size(1000);
  iv1::RollUpRequest roll_up;
  roll_up.set_indicator("indicators/-");
  roll_up.set_period(gateway::testing::kPeriod);
  roll_up.set_org_unit("units/hai-phong");
  roll_up.set_drill_down(true);
  pv1::GetChasingListRequest chasing;
  chasing.set_due_within_days(14);
  pv1::GetCascadeCoverageRequest coverage;
  coverage.set_document("documents/d-71-nq-tw");
  auto staffing = sv1::StaffingService::NewStub(
      TestIdentity::Channel(suite.addresses().at("staffing"), token));
  auto budget = bv1::BudgetService::NewStub(
      TestIdentity::Channel(suite.addresses().at("budget"), token));
  sv1::GetStaffingBalanceRequest balance;
  balance.set_org_unit("units/hai-phong");
  balance.set_school_year(gateway::testing::kPeriod);
  bv1::GetComplianceReportRequest compliance;  // as the overview without as_of
  compliance.set_first_year(static_cast<int>(
      absl::ToCivilYear(absl::Now(), absl::FixedTimeZone(7 * 3600)).year()));
  compliance.set_stage(bv1::ESTIMATE);
  const std::vector<std::pair<std::string, std::function<bool()>>> backend_calls = {
      {"registry ListUnits (communes, all pages)", AllUnits(registry.get(), communes)},
      {"registry ListUnits (agencies)", AllUnits(registry.get(), agencies)},
      {"registry ListUnits (city)", AllUnits(registry.get(), cities)},
      {"indicators ListIndicators", Unary(indicators.get(), &iv1::IndicatorsService::Stub::ListIndicators, list_indicators)},
      {"indicators RollUp (every indicator, drill-down)", Unary(indicators.get(), &iv1::IndicatorsService::Stub::RollUp, roll_up)},
      {"plans GetChasingList", Unary(plans.get(), &pv1::PlansService::Stub::GetChasingList, chasing)},
      {"plans GetCascadeCoverage (71-NQ/TW)", Unary(plans.get(), &pv1::PlansService::Stub::GetCascadeCoverage, coverage)},
      {"staffing GetStaffingBalance (city)", Unary(staffing.get(), &sv1::StaffingService::Stub::GetStaffingBalance, balance)},
      {"budget GetComplianceReport (estimate)", Unary(budget.get(), &bv1::BudgetService::Stub::GetComplianceReport, compliance)},
  };
  std::printf("\nGateway city overview, %d iterations, 1 client, demo data (%s)\n",
              iterations, gateway::testing::kPeriod);
  std::printf("%-52s %10s %10s\n", "call", "p50 ms", "p99 ms");
  std::string slowest_name;
  double slowest_p50 = 0;
  for (const auto& [name, call] : backend_calls) {
    Timings t = Time(iterations, call);
    const double p50 = t.Percentile(0.5);
    std::printf("%-52s %10.2f %10.2f\n", name.c_str(), p50, t.Percentile(0.99));
    if (p50 > slowest_p50) {
      slowest_p50 = p50;
      slowest_name = name;
    }
  }
  const double overview_p50 = overview_timings.Percentile(0.5);
  std::printf("%-52s %10.2f %10.2f\n", "gateway GetCityOverview (uncached fan-out)",
              overview_p50, overview_timings.Percentile(0.99));
  std::printf("slowest backend call: %s, p50 %.2f ms\n", slowest_name.c_str(),
              slowest_p50);
  bench::ReportRatioAtMost("gateway.overview_vs_slowest_backend_call",
                           overview_p50 / slowest_p50, 1.3);

  const absl::Duration run = absl::Seconds(3);
  const double uncached_rate = Throughput(4, run, [&] {
    return Unary(gateway_stub.get(), &gv1::GatewayService::Stub::GetCityOverview,
                 overview);
  });
  std::printf("overview throughput, uncached, 4 clients, gRPC: %.0f calls/s\n",
              uncached_rate);
  uncached->Shutdown(absl::Seconds(1));

  // 3. HTTP/JSON against gRPC, cache on (the gateway's own cost).
  auto cached = start_gateway(absl::Seconds(60));
  auto cached_stub = gv1::GatewayService::NewStub(TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", cached->grpc_port()), token));
  std::string body;
  (void)google::protobuf::util::MessageToJsonString(overview, &body);
  const int http_port = cached->http_port();
  const double grpc_rate = Throughput(8, run, [&] {
    return Unary(cached_stub.get(), &gv1::GatewayService::Stub::GetCityOverview,
                 overview);
  });
  {
    grpc::ClientContext context;
    gv1::Overview answer;
    if (!cached_stub->GetCityOverview(&context, overview, &answer).ok()) return 1;
    Timings print = Time(iterations, [&] {
      return !gateway::MessageToJson(answer).empty();
    });
    std::printf("overview answer: %zu bytes, %zu bytes of JSON printed in "
                "p50 %.2f ms\n",
                answer.ByteSizeLong(), gateway::MessageToJson(answer).size(),
                print.Percentile(0.5));
  }
  const double http_rate = Throughput(8, run, [&] {
    auto client = std::make_shared<httplib::Client>("127.0.0.1", http_port);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);  // as browsers do
    client->set_default_headers({{"Authorization", absl::StrCat("Bearer ", token)}});
    return std::function<bool()>([client, &body] {
      httplib::Result result =
          client->Post("/api/v1/GetCityOverview", body, "application/json");
      return result && result->status == 200;
    });
  });
  std::printf("overview throughput, cached, 8 clients: gRPC %.0f calls/s, "
              "HTTP/JSON %.0f calls/s\n",
              grpc_rate, http_rate);
  bench::ReportRatioAtLeast("gateway.http_json_vs_grpc_cached",
                            http_rate / grpc_rate, 0.7);
  cached->Shutdown(absl::Seconds(1));
  return 0;
}

}  // namespace
}  // namespace hpedu

int main(int argc, char** argv) { return hpedu::Main(argc, argv); }
