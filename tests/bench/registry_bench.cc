// Latency and throughput of the registry's main reads, end to end: a real
// PostgreSQL (throwaway, as in the tests), the registry in-process on a
// loopback port with the full demo data, and gRPC clients on their own
// threads. Prints p50/p99 latency per call and calls per second.
//
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/release --target registry_bench
//   build/release/tests/bench/registry_bench
#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/server/log.h"
#include "libs/server/service_host.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/registry/demo/demo_units.h"
#include "services/registry/registry_definition.h"
#include "services/registry/unit_import.h"

namespace hpedu {
namespace {

namespace v1 = ::hpedu::registry::v1;

// The registry with demo data, shared by every benchmark.
struct Fixture {
  std::unique_ptr<server::ServiceHost> host;
  std::shared_ptr<grpc::Channel> channel;
  std::vector<std::string> commune_names;
  std::vector<std::string> school_names;
};

Fixture& GetFixture() {
  static Fixture* fixture = [] {
    server::SetLogSinkForTesting(+[](std::string_view) {});
    auto* f = new Fixture;
    auto& pg = testing::SharedPostgresServer();
    std::string database = pg.CreateDatabase().value();
    server::ServerConfig config;
    config.service = "registry";
    config.db = pg.ProvisionService(database, "registry").value();
    config.listen_address = "127.0.0.1:0";
    config.log_requests = false;
    testing::TestIdentity::Configure(config);
    f->host = server::ServiceHost::Start(config, registry::Definition()).value();
    f->channel = testing::TestIdentity::Channel(
        absl::StrCat("127.0.0.1:", f->host->port()),
        testing::TestIdentity::Token(auth::Role::kLeadership));

    std::vector<v1::Unit> units =
        registry::demo::DemoUnits(registry::demo::EmbeddedCommunesCsv()).value();
    v1::ImportUnitsRequest request;
    request.set_csv_content(registry::FormatUnitsCsv(units));
    v1::ImportUnitsResponse response;
    grpc::ClientContext context;
    grpc::Status status = v1::RegistryService::NewStub(f->channel)
                              ->ImportUnits(&context, request, &response);
    if (!status.ok()) {
      std::fprintf(stderr, "demo import failed: %s\n",
                   status.error_message().c_str());
      std::abort();
    }
    for (const v1::Unit& unit : units) {
      if (unit.kind() == v1::WARD || unit.kind() == v1::COMMUNE ||
          unit.kind() == v1::SPECIAL_ZONE) {
        f->commune_names.push_back(unit.name());
      } else if (unit.kind() == v1::SCHOOL) {
        f->school_names.push_back(unit.name());
      }
    }
    std::fprintf(stderr, "registry bench: %zu units (%zu communes, %zu schools)\n",
                 units.size(), f->commune_names.size(), f->school_names.size());
    return f;
  }();
  return *fixture;
}

// Records each call's latency and reports p50/p99 (microseconds, averaged
// over threads) and the call rate.
class LatencyRecorder {
 public:
  explicit LatencyRecorder(benchmark::State& state) : state_(state) {
    samples_.reserve(1 << 16);
  }
  ~LatencyRecorder() {
    if (samples_.empty()) return;
    std::sort(samples_.begin(), samples_.end());
    auto at = [this](double q) {
      return samples_[std::min(samples_.size() - 1,
                               static_cast<size_t>(q * samples_.size()))];
    };
    state_.counters["p50_us"] =
        benchmark::Counter(at(0.50), benchmark::Counter::kAvgThreads);
    state_.counters["p99_us"] =
        benchmark::Counter(at(0.99), benchmark::Counter::kAvgThreads);
    state_.counters["calls/s"] = benchmark::Counter(
        static_cast<double>(samples_.size()), benchmark::Counter::kIsRate);
  }
  template <typename Call>
  void Time(Call&& call) {
    absl::Time start = absl::Now();
    grpc::Status status = call();
    samples_.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
    if (!status.ok()) state_.SkipWithError(status.error_message().c_str());
  }

 private:
  benchmark::State& state_;
  std::vector<double> samples_;
};

template <typename Request, typename Response, typename Method>
void RunCalls(benchmark::State& state, Method method,
              const std::function<Request(std::mt19937&)>& make_request) {
  Fixture& f = GetFixture();
  auto stub = v1::RegistryService::NewStub(f.channel);
  std::mt19937 random(static_cast<uint32_t>(state.thread_index()) + 1);
  LatencyRecorder recorder(state);
  for (auto _ : state) {
    Request request = make_request(random);
    Response response;
    recorder.Time([&] {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      return (stub.get()->*method)(&context, request, &response);
    });
  }
}

void BM_GetUnit(benchmark::State& state) {
  Fixture& f = GetFixture();
  RunCalls<v1::GetUnitRequest, v1::Unit>(
      state, &v1::RegistryService::Stub::GetUnit, [&f](std::mt19937& random) {
        v1::GetUnitRequest request;
        request.set_name(f.school_names[random() % f.school_names.size()]);
        return request;
      });
}

void BM_ListCommunesPage(benchmark::State& state) {
  RunCalls<v1::ListUnitsRequest, v1::ListUnitsResponse>(
      state, &v1::RegistryService::Stub::ListUnits, [](std::mt19937&) {
        v1::ListUnitsRequest request;
        request.set_parent("units/hai-phong");
        request.set_page_size(50);
        return request;
      });
}

void BM_ListSchoolsOfCommune(benchmark::State& state) {
  Fixture& f = GetFixture();
  RunCalls<v1::ListUnitsRequest, v1::ListUnitsResponse>(
      state, &v1::RegistryService::Stub::ListUnits, [&f](std::mt19937& random) {
        v1::ListUnitsRequest request;
        request.set_parent(f.commune_names[random() % f.commune_names.size()]);
        request.set_kind(v1::SCHOOL);
        request.set_page_size(100);
        return request;
      });
}

void BM_SearchByName(benchmark::State& state) {
  RunCalls<v1::ListUnitsRequest, v1::ListUnitsResponse>(
      state, &v1::RegistryService::Stub::ListUnits, [](std::mt19937& random) {
        static const char* const kQueries[] = {"do son", "kien", "vinh bao",
                                               "tieu hoc", "an duong"};
        v1::ListUnitsRequest request;
        request.set_query(kQueries[random() % 5]);
        request.set_page_size(50);
        return request;
      });
}

void BM_BatchGet100(benchmark::State& state) {
  Fixture& f = GetFixture();
  RunCalls<v1::BatchGetUnitsRequest, v1::BatchGetUnitsResponse>(
      state, &v1::RegistryService::Stub::BatchGetUnits,
      [&f](std::mt19937& random) {
        v1::BatchGetUnitsRequest request;
        for (int i = 0; i < 100; ++i) {
          request.add_names(f.school_names[random() % f.school_names.size()]);
        }
        return request;
      });
}

void BM_ResolveFormerDistrict(benchmark::State& state) {
  RunCalls<v1::ResolveUnitRequest, v1::ResolveUnitResponse>(
      state, &v1::RegistryService::Stub::ResolveUnit, [](std::mt19937& random) {
        static const char* const kNames[] = {"Quận Đồ Sơn", "phường do son",
                                             "Huyện Vĩnh Bảo", "Xã Cẩm Giàng"};
        v1::ResolveUnitRequest request;
        request.set_query(kNames[random() % 4]);
        request.mutable_as_of()->set_year(2026);
        request.mutable_as_of()->set_month(1);
        request.mutable_as_of()->set_day(1);
        return request;
      });
}

#define HPEDU_REGISTRY_BENCHMARK(fn) \
  BENCHMARK(fn)->UseRealTime()->Threads(1)->Threads(8)->MinTime(2.0)

HPEDU_REGISTRY_BENCHMARK(BM_GetUnit);
HPEDU_REGISTRY_BENCHMARK(BM_ListCommunesPage);
HPEDU_REGISTRY_BENCHMARK(BM_ListSchoolsOfCommune);
HPEDU_REGISTRY_BENCHMARK(BM_SearchByName);
HPEDU_REGISTRY_BENCHMARK(BM_BatchGet100);
HPEDU_REGISTRY_BENCHMARK(BM_ResolveFormerDistrict);

}  // namespace
}  // namespace hpedu

BENCHMARK_MAIN();
