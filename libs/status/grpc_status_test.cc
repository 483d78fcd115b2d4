#include "libs/status/grpc_status.h"

#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/error_details.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu {
namespace {

using ::hpedu::testing::HasFieldViolation;

TEST(GrpcStatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, DetailsTravelAsGoogleRpcStatus) {
  absl::Status status = InvalidField("unit.kind", "must be set");
  grpc::Status wire = ToGrpcStatus(status);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(wire.error_message(), status.message());

  google::rpc::Status rpc_status;
  ASSERT_TRUE(grpc::ExtractErrorDetails(wire, &rpc_status).ok());
  EXPECT_EQ(rpc_status.code(), 3);
  google::rpc::BadRequest bad_request;
  bool found = false;
  for (const auto& any : rpc_status.details()) {
    if (any.UnpackTo(&bad_request)) found = true;
  }
  ASSERT_TRUE(found);
  EXPECT_EQ(bad_request.field_violations(0).field(), "unit.kind");
}

TEST(GrpcStatusTest, RoundTripKeepsCodeMessageAndDetails) {
  absl::Status original = InvalidField("names[2]", "not a unit name");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), original.code());
  EXPECT_EQ(back.message(), original.message());
  EXPECT_THAT(back, HasFieldViolation("names[2]"));
  EXPECT_EQ(GetErrorInfo(back).reason(), "INVALID_ARGUMENT");
}

TEST(GrpcStatusTest, PlainErrorHasNoDetails) {
  absl::Status back = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"));
  EXPECT_EQ(back.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(back.message(), "connection refused");
  EXPECT_TRUE(GetBadRequest(back).field_violations().empty());
}

}  // namespace
}  // namespace hpedu
