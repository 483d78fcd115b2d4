// The authorization matrix every service's tests walk (issue 3): every RPC
// of a service × {no identity, wrong role, right role in another commune,
// right role and scope}, expecting UNAUTHENTICATED, PERMISSION_DENIED,
// PERMISSION_DENIED and success, and nothing written by a refused call.
//
//   std::vector<RpcCase> cases = {
//     {"CreateTask", [&](const std::string& token) { ... call ... },
//      commune_officer_token, integration_token, other_commune_token},
//     ...};
//   RunAuthorizationMatrix(v1::PlansService::service_full_name(), cases,
//                          DatabaseProbes(conninfo, "plans"));
#ifndef HPEDU_LIBS_TESTING_AUTHZ_MATRIX_H_
#define HPEDU_LIBS_TESTING_AUTHZ_MATRIX_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "hpedu/feed/v1/feed.pb.h"
#include "libs/status/grpc_status.h"
#include "libs/testing/identity.h"

namespace hpedu::testing {

struct RpcCase {
  // The method's name in the service, e.g. "CreateTask".
  std::string method;
  // Makes the call with `token` as the bearer (no identity if empty).
  std::function<grpc::Status(const std::string& token)> call;
  // A caller whose role and scope allow the call.
  std::string allowed;
  // A caller whose role does not allow it.
  std::string wrong_role;
  // The allowed role scoped to another commune or school; empty when the
  // call concerns no commune (city reference data everyone may read).
  std::string wrong_scope;
  // Whether the call writes: the allowed call must then leave an audit
  // event.
  bool writes = false;
};

// How to look at the service's data: a fingerprint of its schema and the
// number of events in its audit trail.
struct MatrixProbes {
  std::function<absl::StatusOr<std::string>()> fingerprint;
  std::function<absl::StatusOr<int64_t>()> audit_events;
};

// Runs the refused calls first and checks each leaves the fingerprint and
// the audit trail unchanged, then the allowed call, which must leave an
// audit event if it writes. Fails the test if a method of the
// service (in the generated descriptor pool) has no case, so a new RPC
// cannot slip past the matrix.
void RunAuthorizationMatrix(
    std::string_view service_full_name, const std::vector<RpcCase>& cases,
    const MatrixProbes& probes);

// The probes of a service's database, through its role's `conninfo`.
MatrixProbes DatabaseProbes(std::string conninfo, std::string schema);

// Calls one unary method at `address` as the bearer of `token`:
//   CallAs(address, token, &v1::PlansService::Stub::GetTask, request)
template <typename Stub, typename Request, typename Response>
grpc::Status CallAs(const std::string& address, const std::string& token,
                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                 const Request&, Response*),
                    const Request& request) {
  Stub stub(TestIdentity::Channel(address, token));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  Response response;
  return (stub.*method)(&context, request, &response);
}

// As CallAs, with the answer (and two minutes: imports); a failed call's status as an absl::Status.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallFor(const std::string& address,
                                 const std::string& token,
                                 grpc::Status (Stub::*method)(
                                     grpc::ClientContext*, const Request&,
                                     Response*),
                                 const Request& request) {
  Stub stub(TestIdentity::Channel(address, token));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
  Response response;
  const grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

// Opens the service's WatchChanges at `address` as the bearer of `token`:
// OK if the stream sends a change or is still open after a second, else how
// it ended.
template <typename Stub>
grpc::Status WatchAs(const std::string& address, const std::string& token) {
  Stub stub(TestIdentity::Channel(address, token));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  auto stream = stub.WatchChanges(&context, feed::v1::WatchChangesRequest());
  feed::v1::Change change;
  if (stream->Read(&change)) {
    context.TryCancel();
    (void)stream->Finish();
    return grpc::Status::OK;
  }
  const grpc::Status status = stream->Finish();
  return status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? grpc::Status::OK
             : status;
}

// The cases of a service's change feed (libs/feed), which the Sở follows
// (`allowed`) and `wrong_role` (a commune officer) may not.
template <typename Stub>
std::vector<RpcCase> FeedCases(const std::string& address,
                               const std::string& allowed,
                               const std::string& wrong_role) {
  return {
      {"ListChanges",
       [address](const std::string& token) {
         return CallAs(address, token, &Stub::ListChanges,
                       feed::v1::ListChangesRequest());
       },
       allowed, wrong_role, ""},
      {"WatchChanges",
       [address](const std::string& token) {
         return WatchAs<Stub>(address, token);
       },
       allowed, wrong_role, ""},
  };
}

}  // namespace hpedu::testing

#endif  // HPEDU_LIBS_TESTING_AUTHZ_MATRIX_H_
