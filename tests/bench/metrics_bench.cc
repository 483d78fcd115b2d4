// The metrics an RPC records (libs/server's MetricsInterceptor): one counter
// increment by method and code, one latency observation by method, looked up
// by label values each time. Through hpedu::metrics::Family::With (the
// sharded lookup over prometheus-cpp) and, for comparison, through
// prometheus::Family::Add directly, which in 1.0.1 allocates a new metric
// on every call; single-threaded and on 2 threads.
//
//   build/release/tests/bench/metrics_bench
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "libs/metrics/metrics.h"

namespace hpedu {
namespace {

const std::vector<std::string>& Methods() {
  static const auto* const kMethods = new std::vector<std::string>{
      "/hpedu.registry.v1.RegistryService/GetUnit",
      "/hpedu.registry.v1.RegistryService/ListUnits",
      "/hpedu.plans.v1.PlansService/GetPlan",
      "/hpedu.gateway.v1.GatewayService/GetCityOverview"};
  return *kMethods;
}

void BM_FamilyWith(benchmark::State& state) {
  static metrics::Registry* registry = new metrics::Registry();
  static metrics::Counter& requests = registry->AddCounter(
      "bench_requests_total", "r", {"method", "code"});
  static metrics::Histogram& duration =
      registry->AddHistogram("bench_duration_seconds", "d", {"method"});
  size_t i = 0;
  for (auto _ : state) {
    const std::string& method = Methods()[i++ % Methods().size()];
    requests.With({method, "OK"}).Increment();
    duration.With({method}).Observe(0.0012);
  }
}
BENCHMARK(BM_FamilyWith)->Threads(1)->Threads(2);

void BM_PrometheusFamilyAdd(benchmark::State& state) {
  static auto* registry = new prometheus::Registry();
  static auto& requests = prometheus::BuildCounter()
                              .Name("bench_requests_total")
                              .Help("r")
                              .Register(*registry);
  static auto& duration = prometheus::BuildHistogram()
                              .Name("bench_duration_seconds")
                              .Help("d")
                              .Register(*registry);
  size_t i = 0;
  for (auto _ : state) {
    const std::string& method = Methods()[i++ % Methods().size()];
    requests.Add({{"method", method}, {"code", "OK"}}).Increment();
    duration.Add({{"method", method}}, metrics::DefaultLatencyBuckets())
        .Observe(0.0012);
  }
}
BENCHMARK(BM_PrometheusFamilyAdd)->Threads(1)->Threads(2);

// A child already looked up (what libs/db's pool wait histogram does).
void BM_ChildOnly(benchmark::State& state) {
  static metrics::Registry* registry = new metrics::Registry();
  static prometheus::Counter& requests =
      registry->AddCounter("bench_requests_total", "r").Get();
  static prometheus::Histogram& duration =
      registry->AddHistogram("bench_duration_seconds", "d").Get();
  for (auto _ : state) {
    requests.Increment();
    duration.Observe(0.0012);
  }
}
BENCHMARK(BM_ChildOnly)->Threads(1)->Threads(2);

}  // namespace
}  // namespace hpedu

BENCHMARK_MAIN();
