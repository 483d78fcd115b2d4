// Serves a Registry at GET /metrics on its own port with prometheus::Exposer
// (civetweb, two threads of its own; never a gRPC or worker thread).
#ifndef HPEDU_LIBS_METRICS_HTTP_EXPOSER_H_
#define HPEDU_LIBS_METRICS_HTTP_EXPOSER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "libs/metrics/metrics.h"

namespace prometheus {
class Exposer;
}

namespace hpedu::metrics {

class HttpExposer {
 public:
  // Listens on "host:port" (port 0 picks one; an empty host is every
  // interface). UNAVAILABLE if it cannot bind, INVALID_ARGUMENT for a
  // malformed address. `registry` must outlive the exposer.
  static absl::StatusOr<std::unique_ptr<HttpExposer>> Start(
      const std::string& address, Registry* registry);
  // Stops listening; waits for a scrape being served.
  ~HttpExposer();

  int port() const { return port_; }

 private:
  HttpExposer() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace hpedu::metrics

#endif  // HPEDU_LIBS_METRICS_HTTP_EXPOSER_H_
