#include "libs/metrics/http_exposer.h"

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

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
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  std::unique_ptr<HttpExposer> exposer(new HttpExposer());
  exposer->server_ = std::make_unique<httplib::Server>();
  exposer->server_->Get(
      "/metrics", [registry](const httplib::Request&, httplib::Response& res) {
        res.set_content(registry->Render(), std::string(kTextContentType));
      });
  if (port == 0) {
    exposer->port_ = exposer->server_->bind_to_any_port(host);
  } else if (exposer->server_->bind_to_port(host, port)) {
    exposer->port_ = port;
  } else {
    exposer->port_ = -1;
  }
  if (exposer->port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for metrics on ", address));
  }
  httplib::Server* server = exposer->server_.get();
  exposer->thread_ = std::thread([server] { server->listen_after_bind(); });
  // Bound already: connections wait in the backlog until it listens.
  return exposer;
}

HttpExposer::~HttpExposer() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace hpedu::metrics
