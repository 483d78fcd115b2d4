#include "libs/server/logging_interceptor.h"

#include "libs/base/string_view.h"

#include <string_view>

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/server/call_context.h"
#include "libs/metrics/metrics.h"
#include "libs/server/log.h"
#include "libs/trace/trace.h"
#include "grpcpp/support/client_interceptor.h"

namespace hpedu::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

std::string_view Find(const std::multimap<grpc::string_ref, grpc::string_ref>&
                          metadata,
                      std::string_view key) {
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return {};
  return std::string_view(it->second.data(), it->second.size());
}

std::string_view Find(const std::multimap<std::string, std::string>& metadata,
                      std::string_view key) {
  auto it = metadata.find(std::string(key));
  if (it == metadata.end()) return {};
  return it->second;
}

class LoggingInterceptor : public grpc::experimental::Interceptor {
 public:
  LoggingInterceptor(const std::string& service,
                     grpc::experimental::ServerRpcInfo* info)
      : service_(service), info_(info), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      trace_id_ =
          TraceContext::Parse(Find(*metadata, "traceparent")).trace_id;
      request_id_ = std::string(Find(*metadata, "x-request-id"));
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      // The handler reports the ids it settled on (generated when the caller
      // sent none) in trailing metadata; prefer them.
      auto* trailing = methods->GetSendTrailingMetadata();
      if (auto it = trailing->find(std::string(kCallerMetadataKey));
          it != trailing->end()) {
        caller_ = it->second;
        trailing->erase(it);
      }
      if (auto id = Find(*trailing, "x-request-id"); !id.empty()) {
        request_id_ = std::string(id);
      }
      if (auto tp = Find(*trailing, "traceparent"); !tp.empty()) {
        TraceContext trace = TraceContext::Parse(tp);
        trace_id_ = std::move(trace.trace_id);
        span_id_ = std::move(trace.span_id);
      }
      LogCall(methods->GetSendStatus());
    }
    methods->Proceed();
  }

 private:
  void LogCall(const grpc::Status& status) {
    std::string_view method = info_->method();
    bool is_health = absl::StartsWith(ToAbsl(method), "/grpc.health.v1.Health/");
    if (is_health && status.ok()) return;
    // The caller the handler authenticated; else the TLS peer, if any.
    std::string caller = caller_;
    if (auto* context = info_->server_context();
        caller.empty() && context != nullptr) {
      caller = PeerIdentity(*context);
    }
    if (caller.empty()) caller = "anonymous";
    nlohmann::json fields = {
        {"method", std::string(method)},
        {"code", absl::StatusCodeToString(
                     static_cast<absl::StatusCode>(status.error_code()))},
        {"duration_ms", absl::ToDoubleMilliseconds(absl::Now() - start_)},
        {"caller", caller},
        {"trace_id", trace_id_},
        {"span_id", span_id_},
        {"request_id", request_id_},
    };
    if (!status.ok()) fields["error"] = status.error_message();
    LogLevel level = status.ok() ? LogLevel::kInfo : LogLevel::kWarning;
    if (status.error_code() == grpc::StatusCode::INTERNAL ||
        status.error_code() == grpc::StatusCode::UNKNOWN ||
        status.error_code() == grpc::StatusCode::DATA_LOSS) {
      level = LogLevel::kError;
    }
    Log(level, service_, "rpc", std::move(fields));
  }

  const std::string& service_;
  grpc::experimental::ServerRpcInfo* info_;
  absl::Time start_;
  std::string trace_id_;
  std::string span_id_;
  std::string request_id_;
  std::string caller_;
};

// Hands the method name to the CallContextFactory through the received
// metadata (the one per-call place both can see), after removing any value a
// client sent under the same key; removes the caller the handler named for
// the log from the trailing metadata. Last in the chain.
class MethodInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MethodInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      const grpc::string_ref key(kMethodMetadataKey.data(),
                                 kMethodMetadataKey.size());
      metadata->erase(key);
      metadata->erase(grpc::string_ref(kParentSpanMetadataKey.data(),
                                       kParentSpanMetadataKey.size()));
      // Both strings outlive the call: a constant and the server's
      // registered method name.
      metadata->emplace(key, grpc::string_ref(info_->method()));
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      // Last in the chain: what was for the log does not leave the server.
      methods->GetSendTrailingMetadata()->erase(
          std::string(kCallerMetadataKey));
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
};

class MethodInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MethodInterceptor(info);
  }
};

// The client span of an outgoing call: its id is the one the traceparent
// names, its parent the one NewClientContext put under
// kParentSpanMetadataKey (removed here, before the call leaves).
class TracingClientInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit TracingClientInterceptor(grpc::experimental::ClientRpcInfo* info)
      : info_(info) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      auto* metadata = methods->GetSendInitialMetadata();
      auto parent = metadata->find(std::string(kParentSpanMetadataKey));
      if (parent != metadata->end()) {
        TraceContext trace = TraceContext::Parse(Find(*metadata, "traceparent"));
        if (trace::Tracer::Default().enabled() && !trace.trace_id.empty()) {
          recording_ = true;
          const trace::ActiveContext* current = trace::Current();
          span_.service = current != nullptr ? current->service : "";
          span_.trace_id = std::move(trace.trace_id);
          span_.span_id = std::move(trace.span_id);
          span_.parent_span_id = parent->second;
          span_.name = info_->method();
          span_.kind = trace::SpanKind::kClient;
          span_.start = absl::Now();
          span_.attributes = {{"rpc.system", "grpc"}};
        }
        metadata->erase(parent);
      }
    }
    if (recording_ && methods->QueryInterceptionHookPoint(
                          InterceptionHookPoints::POST_RECV_STATUS)) {
      const grpc::Status* status = methods->GetRecvStatus();
      if (!status->ok()) {
        span_.error = true;
        span_.status_message = absl::StatusCodeToString(
            static_cast<absl::StatusCode>(status->error_code()));
      }
      span_.end = absl::Now();
      trace::Tracer::Default().Record(std::move(span_));
      recording_ = false;
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ClientRpcInfo* info_;
  bool recording_ = false;
  trace::SpanData span_;
};

class TracingClientInterceptorFactory
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new TracingClientInterceptor(info);
  }
};

struct RpcMetrics {
  metrics::Counter& requests;
  metrics::Histogram& duration;
};

RpcMetrics& Rpc() {
  static auto* const kMetrics = [] {
    auto& registry = metrics::Registry::Default();
    return new RpcMetrics{
        registry.AddCounter("hpedu_rpc_requests_total",
                            "gRPC calls served, by method and status code",
                            {"method", "code"}),
        registry.AddHistogram("hpedu_rpc_duration_seconds",
                              "gRPC call latency in seconds, by method",
                              {"method"}),
    };
  }();
  return *kMetrics;
}

class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit MetricsInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const std::string method = info_->method();
      const auto code = static_cast<absl::StatusCode>(
          methods->GetSendStatus().error_code());
      RpcMetrics& rpc = Rpc();
      rpc.requests.With({method, absl::StatusCodeToString(code)}).Increment();
      rpc.duration.With({method}).Observe(
          absl::ToDoubleSeconds(absl::Now() - start_));
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  absl::Time start_;
};

}  // namespace

grpc::experimental::Interceptor*
LoggingInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new LoggingInterceptor(service_, info);
}

void InstallTracingClientInterceptor() {
  static bool installed = [] {
    // gRPC keeps the factory for the life of the process.
    grpc::experimental::RegisterGlobalClientInterceptorFactory(
        new TracingClientInterceptorFactory());
    return true;
  }();
  (void)installed;
}

grpc::experimental::Interceptor*
MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new MetricsInterceptor(info);
}

std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeInterceptorChain(const std::string& service,
                     const InterceptorOptions& options) {
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      chain;
  if (options.log_requests) {
    chain.push_back(std::make_unique<LoggingInterceptorFactory>(service));
  }
  if (options.record_metrics) {
    chain.push_back(std::make_unique<MetricsInterceptorFactory>());
  }
  chain.push_back(std::make_unique<MethodInterceptorFactory>());
  return chain;
}

}  // namespace hpedu::server
