// TranslateException on exceptions built as libpqxx 6.4 builds them: the
// SQLSTATE picks the code, and neither DETAIL lines nor the query text (which
// may hold values) reach the message.
#include "libs/db/errors.h"

#include <stdexcept>

#include <pqxx/except>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::db {
namespace {

using ::hpedu::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kQuery[] = "INSERT INTO units VALUES ('secret-value')";

TEST(TranslateExceptionTest, UniqueViolationIsAlreadyExistsWithoutValues) {
  pqxx::unique_violation e(
      "ERROR:  duplicate key value violates unique constraint \"units_pkey\"\n"
      "DETAIL:  Key (name)=(secret-value) already exists.\n",
      kQuery, "23505");
  EXPECT_THAT(TranslateException(e),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr("23505"), HasSubstr("units_pkey"),
                             Not(HasSubstr("secret-value")),
                             Not(HasSubstr("DETAIL")))));
}

TEST(TranslateExceptionTest, ConstraintViolations) {
  EXPECT_THAT(TranslateException(pqxx::check_violation(
                  "ERROR:  new row violates check constraint \"c\"", kQuery,
                  "23514")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"c\"")));
  EXPECT_THAT(TranslateException(pqxx::not_null_violation(
                  "ERROR:  null value in column", kQuery, "23502")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(TranslateException(pqxx::foreign_key_violation(
                  "ERROR:  violates foreign key", kQuery, "23503")),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(TranslateExceptionTest, DataExceptionDropsTheMessageWhichQuotesValues) {
  pqxx::data_exception e(
      "ERROR:  invalid input syntax for type integer: \"secret-value\"",
      kQuery, "22P02");
  EXPECT_THAT(TranslateException(e),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("22P02"),
                             Not(HasSubstr("secret-value")))));
}

TEST(TranslateExceptionTest, RetryableFailuresAreAborted) {
  EXPECT_THAT(TranslateException(pqxx::serialization_failure(
                  "ERROR:  could not serialize access")),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(TranslateException(pqxx::sql_error(
                  "ERROR:  could not serialize access", kQuery, "40001")),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(TranslateException(
                  pqxx::sql_error("ERROR:  deadlock detected", kQuery, "40P01")),
              StatusIs(absl::StatusCode::kAborted));
}

TEST(TranslateExceptionTest, ServerStateAndPrivileges) {
  EXPECT_THAT(TranslateException(pqxx::insufficient_privilege(
                  "ERROR:  permission denied for table t", kQuery, "42501")),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("permission denied for table t")));
  EXPECT_THAT(TranslateException(pqxx::sql_error(
                  "ERROR:  canceling statement due to statement timeout",
                  kQuery, "57014")),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(TranslateException(pqxx::sql_error(
                  "FATAL:  terminating connection due to administrator command",
                  kQuery, "57P01")),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(TranslateException(pqxx::sql_error(
                  "ERROR:  relation \"x\" does not exist", kQuery, "42P01")),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr("42P01"), Not(HasSubstr("secret")))));
}

// libpqxx 6.4 throws some subclasses without the SQLSTATE.
TEST(TranslateExceptionTest, ClassStandsInForAMissingSqlstate) {
  EXPECT_THAT(TranslateException(pqxx::insufficient_privilege(
                  "ERROR:  permission denied for schema plans", kQuery)),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("42501"),
                             HasSubstr("permission denied for schema plans"))));
  EXPECT_THAT(TranslateException(pqxx::unique_violation("ERROR:  dup", kQuery)),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("23505")));
  EXPECT_THAT(TranslateException(pqxx::serialization_failure("ERROR:  x")),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("40001")));
}

TEST(TranslateExceptionTest, ConnectionErrors) {
  pqxx::broken_connection broken("server closed the connection unexpectedly");
  EXPECT_THAT(TranslateException(broken),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsConnectionError(broken));
  pqxx::in_doubt_error in_doubt("lost connection during commit");
  EXPECT_THAT(TranslateException(in_doubt),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(IsConnectionError(in_doubt));
  EXPECT_TRUE(IsConnectionError(pqxx::sql_error("FATAL: x", "", "57P01")));
  EXPECT_FALSE(IsConnectionError(pqxx::unique_violation("x", "", "23505")));
  EXPECT_FALSE(IsConnectionError(std::runtime_error("x")));
}

TEST(TranslateExceptionTest, OtherExceptionsAreInternalAndNotPrinted) {
  EXPECT_THAT(TranslateException(pqxx::usage_error("transaction already open")),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("transaction already open")));
  EXPECT_THAT(TranslateException(
                  pqxx::conversion_error("Could not convert 'secret-value'")),
              StatusIs(absl::StatusCode::kInternal, Not(HasSubstr("secret"))));
  EXPECT_THAT(TranslateException(std::runtime_error("secret-value")),
              StatusIs(absl::StatusCode::kInternal, Not(HasSubstr("secret"))));
}

}  // namespace
}  // namespace hpedu::db
