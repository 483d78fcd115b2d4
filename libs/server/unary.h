// Runs a unary RPC's handler off the gRPC callback thread.
//
//   grpc::ServerUnaryReactor* RegistryServiceImpl::GetUnit(
//       grpc::CallbackServerContext* context, const GetUnitRequest* request,
//       Unit* response) {
//     return calls_.Run(context, response,
//         [this, request](const CallContext& call) {
//           return store_->GetUnit(call, request->name()); });
//   }
//
// The handler runs on the Executor with a CallContext; its absl::Status
// becomes the call's grpc::Status with google.rpc details. Work that waited
// in the queue past its deadline, or for a caller who left, is not started.
#ifndef HPEDU_LIBS_SERVER_UNARY_H_
#define HPEDU_LIBS_SERVER_UNARY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/auth/jwt.h"
#include "libs/server/call_context.h"
#include "libs/server/config.h"
#include "libs/server/executor.h"

namespace hpedu::server {

// Builds the CallContext of an incoming call: the authenticated caller,
// trace, request id, method and the effective deadline. Thread-safe; shared
// by all services of a process.
//
// Authentication: a call with `authorization: Bearer <JWT>` is the person the
// verified token names (role and unit from its claims); otherwise the TLS
// client certificate's subject is the caller, with the role that
// ServerConfig::mtls_callers gives it. Anything else is UNAUTHENTICATED.
class CallContextFactory {
 public:
  // INVALID_ARGUMENT if the token options are unusable (keys without an
  // issuer, say).
  static absl::StatusOr<std::unique_ptr<CallContextFactory>> Create(
      const ServerConfig& config);

  // UNAUTHENTICATED, with an ErrorInfo reason (NO_IDENTITY, TOKEN_*), unless
  // the call carries an accepted identity.
  absl::StatusOr<CallContext> Make(grpc::CallbackServerContext* context) const {
    return Make(context, default_deadline_);
  }
  // The same with another cap on the deadline (long imports).
  absl::StatusOr<CallContext> Make(grpc::CallbackServerContext* context,
                                   absl::Duration max_deadline) const;

  // The service's short name ("registry"), for its spans.
  const std::string& service() const { return service_; }

 private:
  CallContextFactory(const ServerConfig& config,
                     std::unique_ptr<auth::JwtVerifier> verifier);

  absl::StatusOr<Caller> Authenticate(
      const grpc::CallbackServerContext& context,
      std::string* bearer_token) const;

  std::string service_;
  absl::Duration default_deadline_;
  std::unique_ptr<auth::JwtVerifier> verifier_;  // null: tokens refused
  std::map<std::string, Caller> mtls_callers_;
};

// Thread-safe. Owned by a service; must outlive its calls.
class UnaryCalls {
 public:
  UnaryCalls(Executor* executor, const CallContextFactory* contexts)
      : executor_(executor), contexts_(contexts) {}

  // For handlers that are not unary (client streams): the same contexts.
  const CallContextFactory& contexts() const { return *contexts_; }
  Executor& executor() const { return *executor_; }

  // Runs `handler` on the executor and finishes the call with its result,
  // which is moved into `*response` when OK.
  template <typename Response>
  grpc::ServerUnaryReactor* Run(
      grpc::CallbackServerContext* context, Response* response,
      std::function<absl::StatusOr<Response>(const CallContext&)> handler) {
    return Start(context, [response, handler = std::move(handler)](
                              const CallContext& call) -> absl::Status {
      absl::StatusOr<Response> result = handler(call);
      if (!result.ok()) return result.status();
      *response = *std::move(result);
      return absl::OkStatus();
    });
  }

 private:
  grpc::ServerUnaryReactor* Start(
      grpc::CallbackServerContext* context,
      std::function<absl::Status(const CallContext&)> handler);

  Executor* executor_;
  const CallContextFactory* contexts_;
};

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_UNARY_H_
