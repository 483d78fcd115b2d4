// The cost of the interceptor chain every service gets from the bootstrap:
// one trivial authenticated RPC (a bearer token verified, the handler hopped
// to a worker, an empty answer) served with the chain off (only the method
// hand-off the call context needs) and on (JSON request log to a sink,
// Prometheus counters and histogram, server span exported over OTLP/HTTP to
// an in-process receiver), in the same run. Prints p50 and p99 per RPC.
//
// The baseline is in the same binary and run: a plain gRPC callback server
// that answers inline, and one that answers after a hop to a worker thread
// (the same Executor the services use), with no authentication, no call
// context and no interceptors.
//
//   build/release/tests/bench/interceptors_bench --benchmark_min_time=3
//
// Each benchmark runs its calls on one channel, one at a time; the ratios at
// the end use the best p50 of each kind over its runs.
#include <httplib.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/testing/v1/whoami_service.grpc.pb.h"
#include "libs/server/executor.h"
#include "libs/server/log.h"
#include "libs/server/logging_interceptor.h"
#include "libs/server/unary.h"
#include "libs/testing/identity.h"
#include "libs/trace/otlp_http_exporter.h"
#include "libs/trace/trace.h"
#include "tests/bench/ratio.h"

namespace hpedu {
namespace {

namespace tv1 = ::hpedu::testing::v1;

class TrivialService final : public tv1::WhoamiService::CallbackService {
 public:
  explicit TrivialService(server::UnaryCalls& calls) : calls_(calls) {}
  grpc::ServerUnaryReactor* Whoami(grpc::CallbackServerContext* context,
                                   const tv1::WhoamiRequest*,
                                   tv1::WhoamiResponse* response) override {
    return calls_.Run<tv1::WhoamiResponse>(
        context, response,
        [](const server::CallContext& call)
            -> absl::StatusOr<tv1::WhoamiResponse> {
          tv1::WhoamiResponse out;
          out.set_caller_id(call.caller().id);
          return out;
        });
  }

 private:
  server::UnaryCalls& calls_;
};

// The baseline: gRPC's callback API and nothing of ours but, with `hop`,
// the worker pool.
class PlainService final : public tv1::WhoamiService::CallbackService {
 public:
  explicit PlainService(server::Executor* hop) : hop_(hop) {}
  grpc::ServerUnaryReactor* Whoami(grpc::CallbackServerContext* context,
                                   const tv1::WhoamiRequest*,
                                   tv1::WhoamiResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    auto answer = [reactor, response] {
      response->set_caller_id("plain");
      reactor->Finish(grpc::Status::OK);
    };
    if (hop_ == nullptr || !hop_->Submit(answer)) answer();
    return reactor;
  }

 private:
  server::Executor* hop_;
};

struct PlainServer {
  explicit PlainServer(bool hop) {
    if (hop) executor = std::make_unique<server::Executor>(4, 1024);
    service = std::make_unique<PlainService>(executor.get());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service.get());
    server = builder.BuildAndStart();
  }
  ~PlainServer() {
    server->Shutdown();
    if (executor != nullptr) executor->Shutdown();
  }
  std::unique_ptr<server::Executor> executor;
  std::unique_ptr<PlainService> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

// One server with the chain on or off, sharing nothing with the other.
struct Server {
  Server(bool chain_on) {
    server::ServerConfig config;
    config.service = "bench";
    testing::TestIdentity::Configure(config);
    contexts = *server::CallContextFactory::Create(config);
    executor = std::make_unique<server::Executor>(4, 1024);
    calls = std::make_unique<server::UnaryCalls>(executor.get(),
                                                 contexts.get());
    service = std::make_unique<TrivialService>(*calls);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service.get());
    builder.experimental().SetInterceptorCreators(server::MakeInterceptorChain(
        "bench", server::InterceptorOptions{chain_on, chain_on}));
    server = builder.BuildAndStart();
  }
  ~Server() {
    server->Shutdown();
    executor->Shutdown();
  }
  std::unique_ptr<server::CallContextFactory> contexts;
  std::unique_ptr<server::Executor> executor;
  std::unique_ptr<server::UnaryCalls> calls;
  std::unique_ptr<TrivialService> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

// Receives and discards OTLP exports.
struct Receiver {
  Receiver() {
    http.Post("/v1/traces",
              [](const httplib::Request&, httplib::Response&) {});
    port = http.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { http.listen_after_bind(); });
  }
  ~Receiver() {
    http.stop();
    thread.join();
  }
  httplib::Server http;
  std::thread thread;
  int port = 0;
};

void SinkLine(std::string_view) {}

// The best p50 of each benchmark over its runs, for the ratios at the end.
std::map<std::string, double>& BestP50() {
  static auto* best = new std::map<std::string, double>;
  return *best;
}

// Sequential Whoami calls as the Sở's leadership (a bearer token, a
// traceparent) on one channel; p50 and p99 per call in microseconds.
void TimeCalls(benchmark::State& state, const std::string& name, int port) {
  auto stub = tv1::WhoamiService::NewStub(testing::TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", port),
      testing::TestIdentity::Token(auth::Role::kLeadership)));
  std::vector<double> micros;
  micros.reserve(100000);
  auto call = [&] {
    grpc::ClientContext context;
    context.AddMetadata(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    tv1::WhoamiResponse response;
    grpc::Status status =
        stub->Whoami(&context, tv1::WhoamiRequest(), &response);
    if (!status.ok()) state.SkipWithError(status.error_message().c_str());
  };
  for (int i = 0; i < 200; ++i) call();  // warm up the channel and caches
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    call();
    micros.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
  }
  std::sort(micros.begin(), micros.end());
  if (!micros.empty()) {
    state.counters["p50_us"] = micros[micros.size() / 2];
    auto [it, inserted] = BestP50().emplace(name, micros[micros.size() / 2]);
    if (!inserted) it->second = std::min(it->second, micros[micros.size() / 2]);
    state.counters["p99_us"] =
        micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
  }
}

void RunRpcs(benchmark::State& state, bool chain_on) {
  server::SetLogSinkForTesting(&SinkLine);
  std::unique_ptr<Receiver> receiver;
  if (chain_on) {
    receiver = std::make_unique<Receiver>();
    trace::Tracer::Default().SetExporter(
        *trace::OtlpHttpExporter::Create(
            absl::StrCat("http://127.0.0.1:", receiver->port, "/v1/traces")));
  } else {
    trace::Tracer::Default().SetExporter(nullptr);
  }
  Server host(chain_on);
  TimeCalls(state, chain_on ? "chain_on" : "chain_off", host.port);
  trace::Tracer::Default().SetExporter(nullptr);
  server::SetLogSinkForTesting(nullptr);
}

void BM_TrivialRpcChainOff(benchmark::State& state) { RunRpcs(state, false); }
void BM_TrivialRpcChainOn(benchmark::State& state) { RunRpcs(state, true); }

void BM_PlainCallbackInline(benchmark::State& state) {
  PlainServer host(/*hop=*/false);
  TimeCalls(state, "plain_inline", host.port);
}
void BM_PlainCallbackHop(benchmark::State& state) {
  PlainServer host(/*hop=*/true);
  TimeCalls(state, "plain_hop", host.port);
}

BENCHMARK(BM_PlainCallbackInline)->UseRealTime();
BENCHMARK(BM_PlainCallbackHop)->UseRealTime();
BENCHMARK(BM_TrivialRpcChainOff)->UseRealTime();
BENCHMARK(BM_TrivialRpcChainOn)->UseRealTime();
// Again, so the order of the two does not favour either.
BENCHMARK(BM_TrivialRpcChainOff)->UseRealTime();
BENCHMARK(BM_PlainCallbackInline)->UseRealTime();

}  // namespace
}  // namespace hpedu

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const auto& best = hpedu::BestP50();
  auto p50 = [&](const char* name) {
    auto it = best.find(name);
    return it == best.end() ? 0.0 : it->second;
  };
  const double plain = p50("plain_inline");
  if (plain > 0 && p50("chain_on") > 0) {
    hpedu::bench::ReportRatioAtMost("server.trivial_rpc_chain_on_vs_plain",
                                    p50("chain_on") / plain, 3.0);
    hpedu::bench::ReportRatioAtMost("server.trivial_rpc_chain_off_vs_plain",
                                    p50("chain_off") / plain, 3.0);
  }
  return 0;
}
