#include "libs/server/unary.h"

#include <string_view>

#include <algorithm>
#include <chrono>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "libs/status/grpc_status.h"

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

absl::StatusOr<Caller> CallContextFactory::ResolveCaller(
    const grpc::CallbackServerContext& context) const {
  std::string peer = PeerIdentity(context);
  if (peer.empty()) return Caller{"anonymous", false};
  return Caller{std::move(peer), true};
}

absl::StatusOr<CallContext> CallContextFactory::Make(
    grpc::CallbackServerContext* context) const {
  absl::StatusOr<Caller> caller = ResolveCaller(*context);
  if (!caller.ok()) return caller.status();

  thread_local absl::BitGen gen;
  TraceContext trace =
      TraceContext::Parse(FindMetadata(*context, "traceparent"));
  if (trace.trace_id.empty()) {
    trace.trace_id = RandomHex(gen, 16);
    trace.sampled = false;
  }
  trace.span_id = RandomHex(gen, 8);  // this call's own span

  std::string request_id(FindMetadata(*context, "x-request-id"));
  if (!IsAcceptableRequestId(request_id)) request_id = RandomHex(gen, 16);

  // A call without a deadline carries the maximum time point.
  absl::Time deadline = absl::Now() + default_deadline_;
  auto client_deadline = context->deadline();
  if (client_deadline != std::chrono::system_clock::time_point::max()) {
    deadline = std::min(deadline, absl::FromChrono(client_deadline));
  }
  return CallContext(context, *std::move(caller), std::move(trace),
                     std::move(request_id), deadline);
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

  bool queued = executor_->Submit(
      [reactor, call = *std::move(call), handler = std::move(handler)] {
        if (call.cancelled()) {
          // It waited in the queue past its deadline or its caller left:
          // starting the work now would only waste a database connection.
          reactor->Finish(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                       "deadline passed before the call "
                                       "could start"));
          return;
        }
        reactor->Finish(ToGrpcStatus(handler(call)));
      });
  if (!queued) {
    reactor->Finish(ToGrpcStatus(absl::ResourceExhaustedError(
        "server overloaded: request queue is full; retry with backoff")));
  }
  return reactor;
}

}  // namespace hpedu::server
