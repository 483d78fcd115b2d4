// Serves a Registry at GET /metrics on its own port with cpp-httplib, on a
// thread of its own (never on a gRPC or worker thread).
#ifndef HPEDU_LIBS_METRICS_HTTP_EXPOSER_H_
#define HPEDU_LIBS_METRICS_HTTP_EXPOSER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "libs/metrics/metrics.h"

namespace httplib {
class Server;
}

namespace hpedu::metrics {

class HttpExposer {
 public:
  // Listens on "host:port" (port 0 picks one). UNAVAILABLE if it cannot
  // bind, INVALID_ARGUMENT for a malformed address.
  static absl::StatusOr<std::unique_ptr<HttpExposer>> Start(
      const std::string& address, Registry* registry);
  ~HttpExposer();

  int port() const { return port_; }

 private:
  HttpExposer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace hpedu::metrics

#endif  // HPEDU_LIBS_METRICS_HTTP_EXPOSER_H_
