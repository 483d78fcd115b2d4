// GoogleMock matchers for absl::Status and absl::StatusOr<T>, for tests.
//
//   EXPECT_THAT(store.Get(name), IsOk());
//   EXPECT_THAT(store.Get(name), StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(result, IsOkAndHolds(Property(&Unit::name, "units/x")));
//   EXPECT_THAT(status, HasFieldViolation("unit.display_name"));
//   ASSERT_OK(pool.Close());
//   ASSERT_OK_AND_ASSIGN(Unit unit, store.Get(name));
#ifndef HPEDU_LIBS_STATUS_STATUS_MATCHERS_H_
#define HPEDU_LIBS_STATUS_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

MATCHER_P(StatusIs, code,
          "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code) + " and a message " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::Matches(message_matcher)(std::string(status.message()));
}

// The description cannot name the value type (`arg` is not in scope there);
// the explanation below says what the value did not match.
MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

// Matches an INVALID_ARGUMENT status with a BadRequest violation of `field`.
MATCHER_P(HasFieldViolation, field,
          std::string("is INVALID_ARGUMENT with a violation of ") + field) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  if (status.code() != absl::StatusCode::kInvalidArgument) return false;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) {
    if (v.field() == field) return true;
  }
  return false;
}

}  // namespace hpedu::testing

// Fail the test unless `expr`, an absl::Status or absl::StatusOr<T>, is OK
// (ASSERT_OK fatally, EXPECT_OK not); the failure message shows the status.
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::hpedu::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::hpedu::testing::IsOk())

#define HPEDU_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr)           \
  auto statusor = (rexpr);                                               \
  ASSERT_TRUE(statusor.ok()) << #rexpr << " failed: " << statusor.status(); \
  lhs = *std::move(statusor)

// Evaluates `rexpr`, an absl::StatusOr<T>; fails the test fatally if it is
// not OK, otherwise move-assigns its value to `lhs`, which may be a
// declaration. Like ASSIGN_OR_RETURN, it expands to more than one statement.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                    \
  HPEDU_ASSERT_OK_AND_ASSIGN_IMPL_(                                         \
      HPEDU_STATUS_CONCAT_(hpedu_assert_statusor_, __LINE__), lhs, rexpr)

#endif  // HPEDU_LIBS_STATUS_STATUS_MATCHERS_H_
