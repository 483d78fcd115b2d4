#include "libs/status/errors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FieldViolationsTest, EmptyIsOk) {
  FieldViolations violations;
  EXPECT_TRUE(violations.empty());
  EXPECT_THAT(violations.ToStatus(), IsOk());
}

TEST(FieldViolationsTest, CarriesEveryFieldAndErrorInfo) {
  FieldViolations violations;
  violations.Add("unit.display_name", "bắt buộc");
  violations.Add("unit_id", "sai định dạng");
  absl::Status status = violations.ToStatus();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("unit.display_name: bắt buộc")));
  EXPECT_THAT(status, HasFieldViolation("unit.display_name"));
  EXPECT_THAT(status, HasFieldViolation("unit_id"));
  EXPECT_THAT(status, ::testing::Not(HasFieldViolation("parent")));
  EXPECT_EQ(GetBadRequest(status).field_violations_size(), 2);
  EXPECT_EQ(GetErrorInfo(status).reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(GetErrorInfo(status).domain(), "hpedu.vn");
}

TEST(WithErrorInfoTest, KeepsCodeAndAddsMetadata) {
  absl::Status status = WithErrorInfo(absl::AbortedError("stale"),
                                      "ETAG_MISMATCH", {{"etag", "\"3\""}});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAborted));
  google::rpc::ErrorInfo info = GetErrorInfo(status);
  EXPECT_EQ(info.reason(), "ETAG_MISMATCH");
  EXPECT_EQ(info.metadata().at("etag"), "\"3\"");
}

TEST(WithErrorInfoTest, LeavesOkAlone) {
  EXPECT_THAT(WithErrorInfo(absl::OkStatus(), "X"), IsOk());
}

}  // namespace
}  // namespace hpedu
