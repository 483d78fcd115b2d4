// The gateway process: a ServiceHost without a database (same flags,
// interceptor chain, /metrics, OTLP spans, health, reflection and shutdown
// as every service) serving GatewayService over gRPC and, as its Frontend,
// HTTP/JSON with the dashboard.
#ifndef HPEDU_SERVICES_GATEWAY_GATEWAY_DEFINITION_H_
#define HPEDU_SERVICES_GATEWAY_GATEWAY_DEFINITION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/server/config.h"
#include "libs/server/service_host.h"
#include "services/gateway/backends.h"
#include "services/gateway/gateway_service.h"

namespace hpedu::gateway {

// The gateway's own flags (HPEDU_GATEWAY_<NAME> too).
struct GatewayOptions {
  // --http_listen: HTTP/JSON and the dashboard; empty: no HTTP.
  std::string http_listen = "127.0.0.1:0";
  // --web_dir: the built dashboard; empty: the build tree's.
  std::string web_dir;
  BackendOptions backends;  // --cache_ttl, --backend_timeout
  ViewOptions views;
};

struct GatewayConfig : GatewayOptions {
  // --listen, --tls_*, --<service>_addr, --metrics_listen, --otlp_endpoint...
  // (--db and the pool options are not used).
  server::ServerConfig server;
};

// For ServiceMain: reads the gateway's flags with the common ones.
server::ServiceDefinition Definition();

// The dashboard built with the binary (services/gateway/web/dist in the
// build tree).
std::string DefaultWebDir();

// A gateway running in-process (tests, benchmarks). Thread-safe.
class Gateway {
 public:
  virtual ~Gateway() = default;
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(GatewayConfig config);
  virtual int grpc_port() const = 0;
  // 0 without HTTP.
  virtual int http_port() const = 0;
  // 0 without --metrics_listen.
  virtual int metrics_port() const = 0;
  virtual const Backends& backends() const = 0;
  // Stops HTTP, then gRPC after up to `grace` for calls in flight.
  virtual void Shutdown(absl::Duration grace) = 0;
};

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_GATEWAY_DEFINITION_H_
