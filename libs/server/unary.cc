#include "libs/server/unary.h"

#include <string_view>

#include <algorithm>
#include <chrono>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_macros.h"
#include "libs/trace/trace.h"

namespace hpedu::server {
namespace {

std::string_view FindMetadata(const grpc::CallbackServerContext& context,
                              std::string_view key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return {};
  return std::string_view(it->second.data(), it->second.size());
}

std::string RandomHex(absl::BitGen& gen, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    absl::StrAppendFormat(&out, "%02x", absl::Uniform<unsigned>(gen, 0, 256));
  }
  return out;
}

// Request ids come from clients and end up in logs: keep them short and
// printable, or replace them.
bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<CallContextFactory>> CallContextFactory::Create(
    const ServerConfig& config) {
  std::unique_ptr<auth::JwtVerifier> verifier;
  if (!config.jwt.public_keys_pem.empty()) {
    ASSIGN_OR_RETURN(verifier, auth::JwtVerifier::Create(config.jwt));
  }
  return std::unique_ptr<CallContextFactory>(
      new CallContextFactory(config, std::move(verifier)));
}

CallContextFactory::CallContextFactory(
    const ServerConfig& config, std::unique_ptr<auth::JwtVerifier> verifier)
    : service_(config.service),
      default_deadline_(config.default_deadline),
      verifier_(std::move(verifier)),
      mtls_callers_(config.mtls_callers) {
  // The suite's own services and the operator CLI, unless configured.
  std::vector<std::string> internal(std::begin(kPeerServices),
                                    std::end(kPeerServices));
  internal.push_back("hpedu-cli");
  for (std::string& subject : internal) {
    Caller caller;
    caller.id = subject;
    caller.authenticated = true;
    caller.role = auth::Role::kService;
    mtls_callers_.try_emplace(std::move(subject), std::move(caller));
  }
}

absl::StatusOr<Caller> CallContextFactory::Authenticate(
    const grpc::CallbackServerContext& context,
    std::string* bearer_token) const {
  std::string_view authorization = FindMetadata(context, "authorization");
  if (!authorization.empty()) {
    absl::string_view token = ToAbsl(authorization);
    if (!absl::ConsumePrefix(&token, "Bearer ")) {
      return WithErrorInfo(absl::UnauthenticatedError(
                               "authorization phải là \"Bearer <token>\" / "
                               "must be a bearer token"),
                           "TOKEN_MALFORMED");
    }
    if (verifier_ == nullptr) {
      return WithErrorInfo(
          absl::UnauthenticatedError("dịch vụ không nhận token / this "
                                     "service accepts no bearer tokens "
                                     "(no --jwt_keys)"),
          "TOKEN_NOT_ACCEPTED");
    }
    ASSIGN_OR_RETURN(auth::TokenClaims claims,
                     verifier_->Verify(ToStd(token), absl::Now()));
    std::optional<auth::Role> role = auth::ParseRole(claims.role);
    // A token names a person: the service role comes only with a
    // certificate.
    if (!role.has_value() || *role == auth::Role::kService) {
      return WithErrorInfo(
          absl::UnauthenticatedError(absl::StrCat(
              "vai trò không hợp lệ trong token / bad role claim: ",
              claims.role)),
          "TOKEN_CLAIMS");
    }
    Caller caller;
    caller.id = claims.subject;
    caller.authenticated = true;
    caller.role = *role;
    caller.unit = claims.unit;
    caller.from_token = true;
    *bearer_token = std::string(token);
    return caller;
  }
  std::string peer = PeerIdentity(context);
  if (peer.empty()) {
    return WithErrorInfo(
        absl::UnauthenticatedError(
            "Chưa xác thực: cần chứng thư TLS hoặc bearer token / "
            "unauthenticated: a client certificate or a bearer token is "
            "required"),
        "NO_IDENTITY");
  }
  if (auto it = mtls_callers_.find(peer); it != mtls_callers_.end()) {
    return it->second;
  }
  // Signed by our CA but not configured: known, and granted nothing.
  Caller caller;
  caller.id = std::move(peer);
  caller.authenticated = true;
  caller.role = auth::Role::kIntegration;
  return caller;
}

absl::StatusOr<CallContext> CallContextFactory::Make(
    grpc::CallbackServerContext* context, absl::Duration max_deadline) const {
  std::string bearer_token;
  ASSIGN_OR_RETURN(Caller caller, Authenticate(*context, &bearer_token));

  thread_local absl::BitGen gen;
  TraceContext trace =
      TraceContext::Parse(FindMetadata(*context, "traceparent"));
  if (trace.trace_id.empty()) {
    trace.trace_id = RandomHex(gen, 16);
    trace.sampled = false;
  }
  trace.parent_span_id = std::move(trace.span_id);
  trace.span_id = RandomHex(gen, 8);  // this call's own span

  std::string request_id(FindMetadata(*context, "x-request-id"));
  if (!IsAcceptableRequestId(request_id)) request_id = RandomHex(gen, 16);

  // A call without a deadline carries the maximum time point.
  absl::Time deadline = absl::Now() + max_deadline;
  auto client_deadline = context->deadline();
  if (client_deadline != std::chrono::system_clock::time_point::max()) {
    deadline = std::min(deadline, absl::FromChrono(client_deadline));
  }
  return CallContext(context, std::move(caller), std::move(trace),
                     std::move(request_id), deadline,
                     std::string(FindMetadata(*context, kMethodMetadataKey)),
                     std::move(bearer_token));
}

grpc::ServerUnaryReactor* UnaryCalls::Start(
    grpc::CallbackServerContext* context,
    std::function<absl::Status(const CallContext&)> handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<CallContext> call = contexts_->Make(context);
  if (!call.ok()) {
    reactor->Finish(ToGrpcStatus(call.status()));
    return reactor;
  }
  // Tell the caller (and the logging interceptor) which ids this call has.
  context->AddTrailingMetadata("x-request-id", call->request_id());
  context->AddTrailingMetadata("traceparent", call->trace().ToTraceparent());
  // For the request log only; the logging interceptor removes it.
  context->AddTrailingMetadata(std::string(kCallerMetadataKey),
                               call->caller().id);

  bool queued = executor_->Submit(
      [reactor, call = *std::move(call), handler = std::move(handler),
       service = contexts_->service(), start = absl::Now()] {
        // The call's server span; current on this thread while the handler
        // runs, so its database work and outgoing calls become children.
        trace::ScopedSpan span(service, call.trace().trace_id,
                               call.trace().span_id,
                               call.trace().parent_span_id, call.method(),
                               trace::SpanKind::kServer, start);
        if (call.cancelled()) {
          // It waited in the queue past its deadline or its caller left:
          // starting the work now would only waste a database connection.
          reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                       "deadline passed before the call "
                                       "could start"));
          return;
        }
        absl::Status status = handler(call);
        if (!status.ok()) {
          span.SetError(absl::StrCat(absl::StatusCodeToString(status.code()),
                                     ": ", status.message()));
        }
        span.SetAttribute("rpc.system", "grpc");
        reactor->Finish(ToGrpcStatus(status));
      });
  if (!queued) {
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(
        "server overloaded: request queue is full; retry with backoff")));
  }
  return reactor;
}

}  // namespace hpedu::server
