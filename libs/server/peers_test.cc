#include "libs/server/peers.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::server {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PeerChannelsTest, UnconfiguredPeerNamesTheFlag) {
  PeerChannels peers({}, 1 << 20, grpc::InsecureChannelCredentials());
  EXPECT_THAT(peers.Get("registry"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("--registry_addr")));
}

TEST(PeerChannelsTest, OneSharedChannelPerPeer) {
  PeerChannels peers({{"registry", "127.0.0.1:1"}}, 1 << 20,
                     grpc::InsecureChannelCredentials());
  auto first = peers.Get("registry");
  auto second = peers.Get("registry");
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->get(), second->get());
}

}  // namespace
}  // namespace hpedu::server
