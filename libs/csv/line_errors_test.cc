#include "libs/csv/line_errors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::csv {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::testing::HasSubstr;

TEST(LineErrorsTest, EmptyIsOk) {
  LineErrors errors;
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(errors.size(), 0);
  EXPECT_THAT(errors.ToStatus(), IsOk());
}

TEST(LineErrorsTest, OneViolationPerError) {
  LineErrors errors("units_csv");
  errors.Add(3, "kind", "không hợp lệ (invalid)");
  errors.Add(7, "parent", "không tồn tại (not found)");
  EXPECT_FALSE(errors.empty());
  EXPECT_EQ(errors.size(), 2);
  absl::Status status = errors.ToStatus();
  EXPECT_THAT(status, HasFieldViolation("units_csv"));
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).description(),
            "dòng 3, cột kind: không hợp lệ (invalid)");
  EXPECT_EQ(bad_request.field_violations(1).description(),
            "dòng 7, cột parent: không tồn tại (not found)");
  EXPECT_THAT(std::string(status.message()), HasSubstr("2 lỗi"));
  EXPECT_EQ(GetErrorInfo(status).reason(), "INVALID_ARGUMENT");
}

}  // namespace
}  // namespace hpedu::csv
