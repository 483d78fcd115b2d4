// The cost of the interceptor chain every service gets from the bootstrap:
// one trivial authenticated RPC (a bearer token verified, the handler hopped
// to a worker, an empty answer) served with the chain off (only the method
// hand-off the call context needs) and on (JSON request log to a sink,
// Prometheus counters and histogram, server span exported over OTLP/HTTP to
// an in-process receiver), in the same run. Prints p50 and p99 per RPC.
//
//   build/release/tests/bench/interceptors_bench
#include <httplib.h>

#include <algorithm>
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
  auto stub = tv1::WhoamiService::NewStub(testing::TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", host.port),
      testing::TestIdentity::Token(auth::Role::kLeadership)));
  std::vector<double> micros;
  micros.reserve(100000);
  auto call = [&] {
    grpc::ClientContext context;
    context.AddMetadata("traceparent",
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    tv1::WhoamiResponse response;
    grpc::Status status = stub->Whoami(&context, tv1::WhoamiRequest(), &response);
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
    const double p50 = micros[micros.size() / 2];
    const double p99 = micros[std::min(micros.size() - 1, micros.size() * 99 / 100)];
    state.counters["p50_us"] = p50;
    state.counters["p99_us"] = p99;
  }
  trace::Tracer::Default().SetExporter(nullptr);
  server::SetLogSinkForTesting(nullptr);
}

void BM_TrivialRpcChainOff(benchmark::State& state) { RunRpcs(state, false); }
void BM_TrivialRpcChainOn(benchmark::State& state) { RunRpcs(state, true); }

BENCHMARK(BM_TrivialRpcChainOff)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_TrivialRpcChainOn)->UseRealTime()->MinTime(3.0);
// Again, so the order of the two does not favour either.
BENCHMARK(BM_TrivialRpcChainOff)->UseRealTime()->MinTime(3.0);

}  // namespace
}  // namespace hpedu

BENCHMARK_MAIN();
