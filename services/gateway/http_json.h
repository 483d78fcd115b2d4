// HTTP/1.1 + JSON for every unary RPC of some gRPC services, by one generic
// mapping (no per-route code): `POST {prefix}{Method}` with the request in
// proto3's canonical JSON, or `GET {prefix}{Method}?field=value&msg.field=v`;
// the answer is the response in canonical JSON. The gateway's own service
// is at `/api/v1/`, the others at `/api/{full service name}/`, e.g.
// `/api/hpedu.indicators.v1.ApprovalService/SubmitValues`. The call goes to
// the route's gRPC channel with the HTTP `Authorization` header as
// `authorization` metadata, and `traceparent` and `x-request-id` forwarded:
// the service authorizes the person exactly as over gRPC.
// Bad JSON is a 400 naming the offending field; gRPC errors map to their
// HTTP status with a google.rpc.Status-shaped body. With the tracer on, each
// API request is a server span (a child of its `traceparent`) and the call
// a child of it. `GET /api/openapi.json`
// is an OpenAPI 3 document generated from the service's descriptors.
// Everything else is a static file of the dashboard (`web_dir`).
#ifndef HPEDU_SERVICES_GATEWAY_HTTP_JSON_H_
#define HPEDU_SERVICES_GATEWAY_HTTP_JSON_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"
#include "libs/server/service_host.h"

namespace hpedu::gateway {

// The request message of `method` from JSON. INVALID_ARGUMENT with a
// google.rpc.BadRequest naming the offending field (its JSON path, e.g.
// "asOf.month") for malformed JSON, an unknown field or a wrong value.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> RequestFromJson(
    const google::protobuf::MethodDescriptor& method, std::string_view json);

// The same from URL query parameters: `period=2025-2026`, `asOf.year=2026`
// (field paths by JSON or proto name; repeated fields repeat the parameter).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> RequestFromQuery(
    const google::protobuf::MethodDescriptor& method,
    const std::multimap<std::string, std::string>& params);

// Canonical proto3 JSON, every field printed (zeros included).
std::string MessageToJson(const google::protobuf::Message& message);

// The HTTP status of a gRPC code (google/rpc/code.proto's mapping).
int HttpStatusFor(absl::StatusCode code);

// {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": ...,
//  "details": [{"@type": ".../google.rpc.BadRequest", ...}]}}
std::string ErrorJson(const absl::Status& status);

// One gRPC service served over HTTP/JSON.
struct HttpRoute {
  const google::protobuf::ServiceDescriptor* service = nullptr;
  // Where its calls go.
  std::shared_ptr<grpc::Channel> channel;
  // "/api/v1/" or "/api/hpedu.indicators.v1.ApprovalService/".
  std::string prefix;
  // A request without a bearer token is refused (401 NO_IDENTITY) instead
  // of being sent: over a channel with the gateway's own certificate, it
  // would act as the gateway.
  bool requires_token = false;
};

// `/api/{full service name}/`.
std::string RoutePrefix(const google::protobuf::ServiceDescriptor& service);

// OpenAPI 3.0 document of every unary method of the routes, each under its
// prefix.
std::string OpenApiDocument(const std::vector<HttpRoute>& routes);

struct HttpOptions {
  std::string listen = "127.0.0.1:0";  // host:port
  std::string web_dir;                 // static files; none if empty
  // Deadline of a call that brings no `grpc-timeout`-like header.
  absl::Duration default_deadline = absl::Seconds(10);
  // Connections served at once: the HTTP library gives every open
  // connection a thread of its own while it is open, and a browser keeps
  // up to six open per person.
  int threads = 64;
  // How long an idle connection keeps its thread. Short: with Chromium's
  // idle connections holding every thread for the library's default 5 s,
  // a few people's pages queued each other's requests for seconds.
  absl::Duration keep_alive = absl::Seconds(1);
};

// Served beside the gateway's gRPC by its ServiceHost, as a Frontend.
class HttpGateway : public server::Frontend {
 public:
  // Serves `routes`. UNAVAILABLE if it cannot bind.
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(
      HttpOptions options, std::vector<HttpRoute> routes);
  virtual int port() const = 0;
  // Stops accepting, finishes requests in flight. Idempotent.
  void Stop() override = 0;
};

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_HTTP_JSON_H_
