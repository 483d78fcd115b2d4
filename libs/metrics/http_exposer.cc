#include "libs/metrics/http_exposer.h"

#include <exception>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "prometheus/exposer.h"

namespace hpedu::metrics {

absl::StatusOr<std::unique_ptr<HttpExposer>> HttpExposer::Start(
    const std::string& address, Registry* registry) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address must be host:port, got ", address));
  }
  // civetweb's listening_ports: "host:port", "[v6]:port", or a bare port for
  // every interface.
  const std::string host = address.substr(0, colon);
  const std::string listen =
      host.empty() ? absl::StrCat(port) : absl::StrCat(host, ":", port);
  std::unique_ptr<HttpExposer> exposer(new HttpExposer());
  try {
    exposer->exposer_ = std::make_unique<prometheus::Exposer>(listen);
  } catch (const std::exception& e) {  // CivetException: cannot bind
    return absl::UnavailableError(absl::StrCat(
        "cannot listen for metrics on ", address, ": ", e.what()));
  }
  const std::vector<int> ports = exposer->exposer_->GetListeningPorts();
  if (ports.empty() || ports.front() <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for metrics on ", address));
  }
  exposer->port_ = ports.front();
  exposer->exposer_->RegisterCollectable(registry->collectable());
  return exposer;
}

HttpExposer::~HttpExposer() = default;

}  // namespace hpedu::metrics
