// The gateway process. It has no database, so it does not use ServiceHost
// (which applies migrations, opens a pool and reports health from a database
// probe); it is built from the same pieces: ServerConfig and its flags, the
// interceptor chain, TLS, peer channels and CallContextFactory, plus the
// HTTP/JSON server and the dashboard.
#ifndef HPEDU_SERVICES_GATEWAY_GATEWAY_DEFINITION_H_
#define HPEDU_SERVICES_GATEWAY_GATEWAY_DEFINITION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/server/config.h"
#include "services/gateway/backends.h"
#include "services/gateway/gateway_service.h"

namespace hpedu::gateway {

struct GatewayConfig {
  // --listen, --tls_*, --<service>_addr, --default_deadline, --log_requests
  // (--db and the pool options are not used).
  server::ServerConfig server;
  // --http_listen: HTTP/JSON and the dashboard; empty: no HTTP.
  std::string http_listen = "127.0.0.1:0";
  // --web_dir: the built dashboard; empty: the build tree's.
  std::string web_dir;
  BackendOptions backends;  // --cache_ttl, --backend_timeout
  ViewOptions views;
};

// Flags and environment as for every service (HPEDU_GATEWAY_<NAME>), plus
// --http_listen, --web_dir, --cache_ttl and --backend_timeout.
absl::StatusOr<GatewayConfig> LoadGatewayConfig(int argc, char** argv);
std::string GatewayUsage();

// The dashboard built with the binary (services/gateway/web/dist in the
// build tree).
std::string DefaultWebDir();

// A running gateway. Thread-safe.
class Gateway {
 public:
  virtual ~Gateway() = default;
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(GatewayConfig config);
  virtual int grpc_port() const = 0;
  // 0 without HTTP.
  virtual int http_port() const = 0;
  virtual const Backends& backends() const = 0;
  // Stops HTTP, then gRPC after up to `grace` for calls in flight.
  virtual void Shutdown(absl::Duration grace) = 0;
};

// main(): runs until SIGTERM or SIGINT.
int GatewayMain(int argc, char** argv);

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_GATEWAY_DEFINITION_H_
