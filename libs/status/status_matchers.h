// GoogleMock matchers for absl::Status and absl::StatusOr<T>, for tests.
//
//   EXPECT_THAT(store.Get(name), IsOk());
//   EXPECT_THAT(store.Get(name), StatusIs(absl::StatusCode::kNotFound));
//   EXPECT_THAT(result, IsOkAndHolds(Property(&Unit::name, "units/x")));
//   EXPECT_THAT(status, HasFieldViolation("unit.display_name"));
#ifndef HPEDU_LIBS_STATUS_STATUS_MATCHERS_H_
#define HPEDU_LIBS_STATUS_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "libs/status/errors.h"

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

MATCHER_P(IsOkAndHolds, value_matcher,
          "is OK and holds a value that " +
              ::testing::DescribeMatcher<
                  typename std::decay_t<decltype(arg)>::value_type>(
                  value_matcher)) {
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
  for (const auto& v : GetBadRequest(status).field_violations()) {
    if (v.field() == field) return true;
  }
  return false;
}

}  // namespace hpedu::testing

#endif  // HPEDU_LIBS_STATUS_STATUS_MATCHERS_H_
