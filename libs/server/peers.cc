#include "libs/server/peers.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"

namespace hpedu::server {

PeerChannels::PeerChannels(
    std::map<std::string, std::string> addresses, int max_message_bytes,
    std::shared_ptr<grpc::ChannelCredentials> credentials)
    : addresses_(std::move(addresses)),
      max_message_bytes_(max_message_bytes),
      credentials_(std::move(credentials)) {}

absl::StatusOr<std::shared_ptr<grpc::Channel>> PeerChannels::Get(
    std::string_view service) {
  absl::MutexLock lock(&mu_);
  if (auto it = channels_.find(service); it != channels_.end()) {
    return it->second;
  }
  auto address = addresses_.find(std::string(service));
  if (address == addresses_.end()) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "no address for the ", ToAbsl(service), " service: set --",
            ToAbsl(service), "_addr")),
        "PEER_NOT_CONFIGURED", {{"service", std::string(service)}});
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_message_bytes_);
  args.SetMaxSendMessageSize(max_message_bytes_);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  // Rich error details (google.rpc.Status) can exceed the 8 KiB default.
  args.SetInt(GRPC_ARG_MAX_METADATA_SIZE, 1 << 20);
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      address->second, credentials_, args);
  channels_.emplace(std::string(service), channel);
  return channel;
}

}  // namespace hpedu::server
