// The bootstrap every hpedu service process uses: configuration, database
// migrations and pool, a gRPC server with health (backed by a real database
// probe), reflection, keepalive, message-size limits and the interceptor
// chain, and graceful shutdown.
//
//   int main(int argc, char** argv) {
//     return hpedu::server::ServiceMain(argc, argv, registry::Definition());
//   }
//
// Tests start the same host in-process on port 0 with ServiceHost::Start.
//
// A service without a database (the gateway) sets has_database = false: no
// migrations or pool, --db not required, health SERVING while it runs. It
// may add its own flags and serve something beside gRPC (a Frontend).
#ifndef HPEDU_LIBS_SERVER_SERVICE_HOST_H_
#define HPEDU_LIBS_SERVER_SERVICE_HOST_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/service_type.h"
#include "libs/db/migrations.h"
#include "libs/db/pool.h"
#include "libs/server/config.h"
#include "libs/server/executor.h"
#include "libs/server/peers.h"
#include "libs/server/unary.h"

namespace hpedu::server {

// What a service's handlers get to build themselves.
struct ServiceEnv {
  const ServerConfig& config;
  // Without a database, a pool that refuses every lease
  // (FAILED_PRECONDITION).
  db::Pool& pool;
  UnaryCalls& calls;
  // Channels to the services this one calls (--<service>_addr).
  PeerChannels& peers;
  // Run when shutdown begins, once health is NOT_SERVING and before the
  // server drains its calls: long-lived streams end themselves here, so
  // that draining does not wait the grace period out for them.
  std::vector<std::function<void()>>& on_shutdown;
};

// Something a service serves beside gRPC (the gateway's HTTP/JSON server),
// calling its own gRPC services in-process.
class Frontend {
 public:
  virtual ~Frontend() = default;
  // Stops accepting and finishes requests in flight (while gRPC still
  // serves them).
  virtual void Stop() = 0;
};

// What makes one service: its name, schema and gRPC services. The host
// keeps the definition, and so what its functions capture, until it is
// destroyed: after the services, before the peer channels.
struct ServiceDefinition {
  // Short name: "registry". Also the schema and the role.
  std::string name;
  // Applied to the schema at start.
  const std::vector<db::Migration>* migrations = nullptr;
  // Prepared on every pooled connection.
  std::vector<db::PreparedStatement> statements;
  // Full names of the gRPC services, e.g. "hpedu.registry.v1.RegistryService":
  // health reports each (and "") SERVING while the database is reachable.
  std::vector<std::string> service_names;
  // Builds the gRPC services once pool and executor exist.
  std::function<absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>>(
      ServiceEnv&)>
      make_services;
  // False: no migrations, statements or pool (env.pool refuses leases), --db
  // not required, no database probe (health SERVING until shutdown), no pool
  // gauges.
  bool has_database = true;
  // The service's own flags, read by ServiceMain with the common ones.
  std::vector<ServiceFlag> flags;
  // Optional: started once gRPC listens (`server` serves InProcessChannel),
  // stopped first at shutdown.
  std::function<absl::StatusOr<std::unique_ptr<Frontend>>(ServiceEnv&,
                                                          grpc::Server& server)>
      start_frontend;
};

// A running service. Thread-safe.
class ServiceHost {
 public:
  virtual ~ServiceHost() = default;

  // Applies migrations (FAILED_PRECONDITION on a tampered one), creates the
  // pool and the services, and starts listening on config.listen_address.
  // UNAVAILABLE if the address cannot be bound or the database is
  // unreachable for migrations.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Start(
      ServerConfig config, ServiceDefinition definition);

  // The port actually bound (useful with port 0).
  virtual int port() const = 0;

  // The port serving /metrics, 0 when --metrics_listen is off.
  virtual int metrics_port() const = 0;

  // Health NOT_SERVING, stop the Frontend, stop accepting calls, wait up
  // to `grace` for calls in flight (then cancel them), stop workers, close
  // the pool. Idempotent.
  virtual void Shutdown(absl::Duration grace) = 0;

  // Blocks until Shutdown has completed.
  virtual void Wait() = 0;
};

// Loads the configuration from flags and environment, starts the service,
// runs until SIGTERM or SIGINT, then shuts down gracefully. Returns the exit
// code: 0 after a clean shutdown, 1 if it could not start (with a message).
int ServiceMain(int argc, char** argv, ServiceDefinition definition);

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_SERVICE_HOST_H_
