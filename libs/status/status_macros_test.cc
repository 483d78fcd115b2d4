#include "libs/status/status_macros.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu {
namespace {

using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::StatusIs;

absl::Status FailIf(bool fail) {
  return fail ? absl::NotFoundError("missing") : absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<int>> MakeInt(bool fail) {
  if (fail) return absl::UnavailableError("down");
  return std::make_unique<int>(42);
}

absl::StatusOr<int> Chain(bool fail_first, bool fail_second) {
  RETURN_IF_ERROR(FailIf(fail_first));
  ASSIGN_OR_RETURN(std::unique_ptr<int> value, MakeInt(fail_second));
  return *value + 1;
}

TEST(StatusMacrosTest, PassesValuesThrough) {
  EXPECT_THAT(Chain(false, false), IsOkAndHolds(43));
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsTheError) {
  EXPECT_THAT(Chain(true, false), StatusIs(absl::StatusCode::kNotFound));
}

TEST(StatusMacrosTest, AssignOrReturnReturnsTheErrorOfMoveOnlyValue) {
  EXPECT_THAT(Chain(false, true), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace hpedu
