#include "libs/server/call_context.h"

#include "libs/trace/trace.h"

#include <cstdio>
#include <string_view>

#include "grpc/grpc_security_constants.h"
#include "libs/base/string_view.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hpedu::server {
namespace {

bool IsLowerHex(absl::string_view s, size_t length) {
  if (s.size() != length) return false;
  bool all_zero = true;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    if (c != '0') all_zero = false;
  }
  return !all_zero;  // all-zero ids are invalid (W3C trace context §3.2.2)
}

}  // namespace

TraceContext TraceContext::Parse(std::string_view traceparent) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(ToAbsl(traceparent), '-');
  if (parts.size() < 4) return {};
  absl::string_view version = parts[0];
  if (version.size() != 2 || version == "ff") return {};
  // Version 00 has exactly four parts; later versions may append more.
  if (version == "00" && parts.size() != 4) return {};
  if (!IsLowerHex(parts[1], 32) || !IsLowerHex(parts[2], 16)) return {};
  if (parts[3].size() != 2) return {};
  unsigned flags = 0;
  if (std::sscanf(std::string(parts[3]).c_str(), "%2x", &flags) != 1) return {};
  TraceContext trace;
  trace.trace_id = std::string(parts[1]);
  trace.span_id = std::string(parts[2]);
  trace.sampled = (flags & 0x01) != 0;
  return trace;
}

std::string TraceContext::ToTraceparent() const {
  if (trace_id.empty() || span_id.empty()) return "";
  return absl::StrCat("00-", trace_id, "-", span_id, sampled ? "-01" : "-00");
}

std::string PeerIdentity(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  for (const char* property :
       {GRPC_X509_CN_PROPERTY_NAME, GRPC_X509_SAN_PROPERTY_NAME}) {
    std::vector<grpc::string_ref> values = auth->FindPropertyValues(property);
    if (!values.empty()) {
      return std::string(values.front().data(), values.front().size());
    }
  }
  std::vector<grpc::string_ref> identity = auth->GetPeerIdentity();
  if (identity.empty()) return "";
  return std::string(identity.front().data(), identity.front().size());
}

CallContext CallContext::ForTesting(absl::Duration timeout) {
  Caller caller;
  caller.id = "test";
  caller.authenticated = true;
  caller.role = auth::Role::kService;
  return ForTesting(std::move(caller), timeout);
}

CallContext CallContext::ForTesting(Caller caller, absl::Duration timeout) {
  return CallContext(nullptr, std::move(caller), TraceContext{},
                     "test-request", absl::Now() + timeout);
}

bool CallContext::cancelled() const {
  if (expired()) return true;
  return server_context_ != nullptr && server_context_->IsCancelled();
}

std::unique_ptr<grpc::ClientContext> CallContext::NewClientContext() const {
  std::unique_ptr<grpc::ClientContext> client;
  if (server_context_ != nullptr) {
    // Propagates the caller's deadline and cancellation (gRPC core takes the
    // earlier of the parent's deadline and the one set below).
    client = grpc::ClientContext::FromCallbackServerContext(*server_context_);
  } else {
    client = std::make_unique<grpc::ClientContext>();
  }
  client->set_deadline(absl::ToChronoTime(deadline_));
  if (!trace_.trace_id.empty()) {
    TraceContext child = trace_;
    child.span_id = trace::NewSpanId();
    client->AddMetadata("traceparent", child.ToTraceparent());
    if (!trace_.span_id.empty()) {
      client->AddMetadata(std::string(kParentSpanMetadataKey), trace_.span_id);
    }
  }
  client->AddMetadata("x-request-id", request_id_);
  if (!bearer_token_.empty()) {
    client->AddMetadata("authorization", "Bearer " + bearer_token_);
  }
  return client;
}

}  // namespace hpedu::server
