// Server interceptors, the cross-cutting chain every service gets from the
// bootstrap (gRPC examples/cpp/interceptors): request logging and metrics.
// Identity and tracing interceptors join the chain in MakeInterceptorChain.
#ifndef HPEDU_LIBS_SERVER_LOGGING_INTERCEPTOR_H_
#define HPEDU_LIBS_SERVER_LOGGING_INTERCEPTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/support/server_interceptor.h"

namespace hpedu::server {

// Logs one JSON line per call when its status is sent: time, service,
// method, status code, duration, caller, trace id, request id. Health checks
// are logged at debug level only when they fail, to keep logs readable.
class LoggingInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit LoggingInterceptorFactory(std::string service)
      : service_(std::move(service)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::string service_;
};

// Counts calls by method and code (hpedu_rpc_requests_total) and observes
// their latency by method (hpedu_rpc_duration_seconds) in the default
// metrics registry. Lock-free once a (method, code) pair has been seen.
class MetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// Records a client span for each outgoing call made with a context from
// CallContext::NewClientContext (which names the parent span). Installed
// process-wide, for every channel, by InstallTracingClientInterceptor.
void InstallTracingClientInterceptor();

// What the chain records besides handing the method to the call context.
struct InterceptorOptions {
  bool log_requests = true;
  bool record_metrics = true;
};

// The interceptor chain of a service, outermost first.
std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeInterceptorChain(const std::string& service,
                     const InterceptorOptions& options);
// The same with metrics on.
inline std::vector<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeInterceptorChain(const std::string& service, bool log_requests) {
  return MakeInterceptorChain(service, InterceptorOptions{log_requests, true});
}

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_LOGGING_INTERCEPTOR_H_
