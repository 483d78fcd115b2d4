// The per-call context every handler receives: who is calling, the trace the
// call belongs to, its request id and its effective deadline. Handlers pass
// it to the repository (for the deadline) and to outgoing calls (for
// deadline, cancellation and trace propagation).
//
// Identity and tracing are filled by CallContextFactory (unary.h): the caller
// is the person of a verified bearer token, else the TLS client certificate's
// subject mapped to a role; the trace comes from W3C `traceparent`.
#ifndef HPEDU_LIBS_SERVER_CALL_CONTEXT_H_
#define HPEDU_LIBS_SERVER_CALL_CONTEXT_H_

#include <string_view>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"
#include "libs/auth/caller.h"

namespace hpedu::server {

// Who made the call (libs/auth/caller.h).
using Caller = auth::Caller;

// W3C trace context of the call (https://www.w3.org/TR/trace-context/).
struct TraceContext {
  std::string trace_id;  // 32 lowercase hex digits; empty if none
  std::string span_id;   // 16 lowercase hex digits; empty if none
  // The caller's span (the parent of this call's server span); not part of
  // the header value.
  std::string parent_span_id;
  bool sampled = false;

  // Parses a `traceparent` header value; an empty context if malformed.
  static TraceContext Parse(std::string_view traceparent);
  // Formats as a `traceparent` header value; empty if trace_id is empty.
  std::string ToTraceparent() const;
};

// The authenticated TLS peer of a call: its certificate's subject CN, else
// its first SAN; empty for a plaintext or unauthenticated peer.
std::string PeerIdentity(const grpc::ServerContextBase& context);

// Immutable after construction; safe to read from any thread while the call
// is alive.
class CallContext {
 public:
  // `method` is the full gRPC method ("/hpedu.plans.v1.PlansService/GetTask");
  // `bearer_token` the caller's token, forwarded on calls made for them.
  CallContext(grpc::CallbackServerContext* server_context, Caller caller,
              TraceContext trace, std::string request_id, absl::Time deadline,
              std::string method = "", std::string bearer_token = "")
      : server_context_(server_context),
        caller_(std::move(caller)),
        trace_(std::move(trace)),
        request_id_(std::move(request_id)),
        deadline_(deadline),
        method_(std::move(method)),
        bearer_token_(std::move(bearer_token)) {}

  // A context for tests and background work, with no server call behind it.
  // Its caller is an authenticated hpedu service named "test".
  static CallContext ForTesting(absl::Duration timeout = absl::Seconds(10));
  // The same for a given caller.
  static CallContext ForTesting(Caller caller,
                                absl::Duration timeout = absl::Seconds(10));

  const Caller& caller() const { return caller_; }
  const TraceContext& trace() const { return trace_; }
  // The caller's `x-request-id`, or one generated for this call.
  const std::string& request_id() const { return request_id_; }
  // The caller's deadline, capped by the server's default deadline.
  absl::Time deadline() const { return deadline_; }
  bool expired() const { return absl::Now() >= deadline_; }
  // The full gRPC method name; empty outside a call.
  const std::string& method() const { return method_; }
  // True once the caller cancelled or the deadline passed.
  bool cancelled() const;

  // A client context for an outgoing call made on behalf of this one: it
  // inherits the deadline and cancellation and carries traceparent,
  // x-request-id and, when a person called, their bearer token, so the next
  // service authorizes the same person. The traceparent names a new span id,
  // the outgoing call's client span (recorded by the tracing client
  // interceptor), a child of this call's span.
  std::unique_ptr<grpc::ClientContext> NewClientContext() const;

 private:
  grpc::CallbackServerContext* server_context_;  // null in tests
  Caller caller_;
  TraceContext trace_;
  std::string request_id_;
  absl::Time deadline_;
  std::string method_;
  std::string bearer_token_;
};

// The metadata key under which the server's interceptor chain hands the
// call's method name to the CallContextFactory. Clients cannot set it: the
// interceptor removes any they send.
inline constexpr std::string_view kMethodMetadataKey = "hpedu-internal-method";
// The trailing-metadata key under which a handled call names its caller for
// the request log; the logging interceptor removes it before it is sent.
inline constexpr std::string_view kCallerMetadataKey = "hpedu-internal-caller";
// The client-side metadata key under which NewClientContext names the span
// an outgoing call's client span is a child of; the tracing client
// interceptor removes it before the call leaves (and servers drop it).
inline constexpr std::string_view kParentSpanMetadataKey =
    "hpedu-internal-parent-span";

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_CALL_CONTEXT_H_
