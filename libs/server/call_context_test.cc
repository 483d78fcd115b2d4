#include "libs/server/call_context.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::server {
namespace {

constexpr char kTraceparent[] =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContextTest, ParsesW3cExample) {
  TraceContext trace = TraceContext::Parse(kTraceparent);
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace.span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(trace.sampled);
  EXPECT_EQ(trace.ToTraceparent(), kTraceparent);
}

TEST(TraceContextTest, RejectsMalformedValues) {
  for (const char* bad : {
           "",
           "garbage",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
       }) {
    EXPECT_TRUE(TraceContext::Parse(bad).trace_id.empty()) << bad;
  }
}

TEST(TraceContextTest, FutureVersionsMayAppendFields) {
  TraceContext trace = TraceContext::Parse(
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-what");
  EXPECT_EQ(trace.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_FALSE(trace.sampled);
}

TEST(CallContextTest, OutgoingContextCarriesDeadlineAndIds) {
  CallContext call(nullptr, Caller{"svc", true, auth::Role::kService},
                   TraceContext::Parse(kTraceparent), "req-1",
                   absl::Now() + absl::Seconds(3));
  std::unique_ptr<grpc::ClientContext> client = call.NewClientContext();
  absl::Duration left = absl::FromChrono(client->deadline()) - absl::Now();
  EXPECT_GT(left, absl::Seconds(2));
  EXPECT_LE(left, absl::Seconds(3));
  EXPECT_FALSE(call.expired());
  EXPECT_FALSE(call.cancelled());
}

TEST(CallContextTest, ExpiredDeadlineIsCancelled) {
  CallContext call = CallContext::ForTesting(-absl::Seconds(1));
  EXPECT_TRUE(call.expired());
  EXPECT_TRUE(call.cancelled());
}

}  // namespace
}  // namespace hpedu::server
