// Channels to the other hpedu services. A service never reads another's
// tables; it calls it over gRPC through these, with the caller's deadline,
// cancellation and trace (CallContext::NewClientContext).
#ifndef HPEDU_LIBS_SERVER_PEERS_H_
#define HPEDU_LIBS_SERVER_PEERS_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"

namespace hpedu::server {

// Thread-safe. One channel per peer, made on first use and then shared (a
// gRPC channel multiplexes calls and reconnects by itself).
class PeerChannels {
 public:
  // `addresses` maps a service name ("registry") to host:port.
  // `credentials` are the client side of the services' mutual TLS.
  PeerChannels(std::map<std::string, std::string> addresses,
               int max_message_bytes,
               std::shared_ptr<grpc::ChannelCredentials> credentials);

  // The channel to `service`. FAILED_PRECONDITION naming the flag to set if
  // no address is configured for it.
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Get(std::string_view service);

 private:
  const std::map<std::string, std::string> addresses_;
  const int max_message_bytes_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>> channels_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_PEERS_H_
