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
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "libs/server/call_context.h"
#include "libs/server/executor.h"

namespace hpedu::server {

// Builds the CallContext of an incoming call: caller, trace, request id and
// the effective deadline. Thread-safe; shared by all services of a process.
class CallContextFactory {
 public:
  explicit CallContextFactory(absl::Duration default_deadline)
      : default_deadline_(default_deadline) {}
  virtual ~CallContextFactory() = default;

  // UNAUTHENTICATED if the caller must be known and is not (identity is an
  // extension point: the base class accepts everyone).
  virtual absl::StatusOr<CallContext> Make(
      grpc::CallbackServerContext* context) const;

 protected:
  // Who is calling. The base class uses the TLS peer identity if any.
  virtual absl::StatusOr<Caller> ResolveCaller(
      const grpc::CallbackServerContext& context) const;

 private:
  absl::Duration default_deadline_;
};

// Thread-safe. Owned by a service; must outlive its calls.
class UnaryCalls {
 public:
  UnaryCalls(Executor* executor, const CallContextFactory* contexts)
      : executor_(executor), contexts_(contexts) {}

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
