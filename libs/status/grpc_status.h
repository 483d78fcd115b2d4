// Conversion between absl::Status and grpc::Status at the wire boundary.
// Payloads that are google.rpc detail messages travel as google.rpc.Status
// details (the `grpc-status-details-bin` trailer), so clients in any
// language can read BadRequest and ErrorInfo.
#ifndef HPEDU_LIBS_STATUS_GRPC_STATUS_H_
#define HPEDU_LIBS_STATUS_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace hpedu {

// Converts for the wire: same code and message; every payload whose type URL
// is "type.googleapis.com/<message>" becomes a google.rpc.Status detail.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a status received from a peer back, keeping its details as
// payloads, so errors propagate through a chain of services unchanged.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace hpedu

#endif  // HPEDU_LIBS_STATUS_GRPC_STATUS_H_
