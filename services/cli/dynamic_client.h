// Calling any compiled-in hpedu method without generated stubs: descriptors
// come from the generated DescriptorPool, requests and responses are
// DynamicMessages converted from and to proto3 canonical JSON, and the call
// goes through grpc::GenericStub.
//
//   ASSIGN_OR_RETURN(const auto* method,
//   FindMethod("RegistryService.GetUnit")); DynamicClient
//   client(CreateChannel(address), absl::Seconds(10)); ASSIGN_OR_RETURN(auto
//   request, client.NewRequest(*method, R"({"name":"units/do-son"})"));
//   ASSIGN_OR_RETURN(auto response, client.Call(*method, *request));
//   std::cout << MessageToJson(*response, /*pretty=*/true);
#ifndef HPEDU_SERVICES_CLI_DYNAMIC_CLIENT_H_
#define HPEDU_SERVICES_CLI_DYNAMIC_CLIENT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "grpcpp/channel.h"

namespace hpedu::cli {

// The services compiled into this binary (HPEDU_CLI_SERVICES in
// CMakeLists.txt), in that order. Never empty in a correct build.
const std::vector<const google::protobuf::ServiceDescriptor*>& KnownServices();

// The files listed in HPEDU_CLI_SERVICES whose descriptors are not linked
// into this binary: empty for `hpedu` (it links them whole-archive; cli_test
// checks). Their services are left out of KnownServices().
std::vector<std::string> ServiceFilesNotCompiledIn();

// The method `spec` names: "Service.Method", "pkg.Service.Method",
// "pkg.Service/Method", "/pkg.Service/Method", or a bare "Method" that only
// one known service has. NOT_FOUND or INVALID_ARGUMENT (ambiguous) with a
// message naming the candidates.
absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(
    std::string_view spec);

// The message type named by its full name or by a short name unique among
// the known services' files and their imports; nullptr if none.
const google::protobuf::Descriptor* FindMessage(std::string_view name);

// Parses proto3 JSON into `message` (unknown fields are errors).
// INVALID_ARGUMENT describing the problem.
absl::Status JsonToMessage(std::string_view json,
                           google::protobuf::Message& message);

// Proto3 canonical JSON, with enum names, omitting default values;
// indented when `pretty`, otherwise on one line.
std::string MessageToJson(const google::protobuf::Message& message,
                          bool pretty);

// "registry" for "hpedu.registry.v1": the key of HPEDU_<KEY>_ADDR and of the
// default address table.
std::string ServiceKey(std::string_view package);

// Where the service with key `service_key` listens: `addr_flag` if not
// empty, else $HPEDU_<KEY>_ADDR, else the suite's default port on localhost.
// NOT_FOUND for an unknown key without either.
absl::StatusOr<std::string> ServiceAddress(std::string_view service_key,
                                           std::string_view addr_flag);

// The one place channels are made: mutual TLS when HPEDU_TLS_CERT,
// HPEDU_TLS_KEY and HPEDU_TLS_CA name PEM files (as deploy/local/up.sh sets
// them), plaintext otherwise. Allows large responses and large error
// trailers (an import's line-numbered violations). INVALID_ARGUMENT or
// FAILED_PRECONDITION for an incomplete or unreadable TLS setting.
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateChannel(
    const std::string& address);

// Unary and server-streaming calls over one channel. Thread-compatible: use
// one per thread.
class DynamicClient {
 public:
  // Each call gets a deadline of `timeout` from its start.
  // Every call carries `bearer_token`, if any, as `authorization: Bearer`.
  DynamicClient(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout,
                std::string bearer_token = "");

  // An empty request of `method`, or one parsed from `json`.
  std::unique_ptr<google::protobuf::Message> NewRequest(
      const google::protobuf::MethodDescriptor& method);
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> NewRequest(
      const google::protobuf::MethodDescriptor& method, std::string_view json);

  // Calls `method` with `request` (of its input type). The error is the
  // server's, details included (libs/status FromGrpcStatus).
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Call(
      const google::protobuf::MethodDescriptor& method,
      const google::protobuf::Message& request);

  // Calls the server-streaming `method` with `request` (of its input type)
  // and passes each message the server sends to `on_message`, in order, on
  // the calling thread, until the stream ends: then the server's status (OK,
  // or its error as for Call). When `on_message` returns false the call is
  // cancelled and Stream returns OK at once. The stream has no deadline (it
  // lasts as long as the server keeps it open); the message passed is valid
  // only during the callback. INVALID_ARGUMENT for a client-streaming method
  // or a request of another type; DATA_LOSS (the call cancelled) for a
  // message that does not parse as the method's output type.
  absl::Status Stream(
      const google::protobuf::MethodDescriptor& method,
      const google::protobuf::Message& request,
      absl::FunctionRef<bool(const google::protobuf::Message&)> on_message);

  // Calls "/package.Service/Method" with serialized bytes; for methods
  // whose protos are not compiled in (grpc.health.v1).
  absl::StatusOr<std::string> CallRaw(const std::string& path,
                                      const std::string& request_bytes);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  absl::Duration timeout_;
  std::string bearer_token_;
  google::protobuf::DynamicMessageFactory factory_;
};

// A human-readable report of a failed call: the code name and message, then
// one line per detail (each BadRequest violation, the ErrorInfo, any other
// google.rpc detail as JSON). Ends with a newline.
std::string FormatError(const absl::Status& status);

}  // namespace hpedu::cli

#endif  // HPEDU_SERVICES_CLI_DYNAMIC_CLIENT_H_
