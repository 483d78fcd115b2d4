// TranslateException: libpqxx 6.4 exceptions to absl::Status.
//
// PostgreSQL's error text has a primary message, then DETAIL/HINT/CONTEXT
// lines that may quote row values ("Key (email)=(a@b.c) already exists"),
// and libpqxx keeps the query text next to it. A status may travel to a
// client, so only the SQLSTATE and the primary message's first line are
// kept, and only for the classes whose primary message names schema objects
// rather than data.
#include "libs/db/errors.h"

#include <string>

#include <pqxx/except>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace hpedu::db {
namespace {

// The first line of a libpq message, without its "ERROR:  " severity prefix.
absl::string_view PrimaryMessage(absl::string_view message) {
  message = message.substr(0, message.find('\n'));
  for (absl::string_view severity : {"ERROR:", "FATAL:", "PANIC:"}) {
    if (absl::ConsumePrefix(&message, severity)) break;
  }
  return absl::StripAsciiWhitespace(message);
}

// SQLSTATE classes whose primary message names constraints, relations or
// the server's state but does not quote values.
bool MessageNamesOnlySchemaObjects(absl::string_view sqlstate) {
  absl::string_view klass = sqlstate.substr(0, 2);
  for (absl::string_view safe :
       {"08", "0A", "23", "25", "3F", "40", "42", "53", "54", "55", "57"}) {
    if (klass == safe) return true;
  }
  return false;
}

// The SQLSTATE of `e`. libpqxx 6.4 leaves sqlstate() empty when it throws
// some of its own subclasses (insufficient_privilege, for one); their class
// then says which state it was.
template <typename T>
bool Is(const std::exception& e) {
  return dynamic_cast<const T*>(&e) != nullptr;
}

std::string SqlState(const pqxx::sql_error& e) {
  if (!e.sqlstate().empty()) return e.sqlstate();
  // Most derived classes first.
  if (Is<pqxx::unique_violation>(e)) return "23505";
  if (Is<pqxx::check_violation>(e)) return "23514";
  if (Is<pqxx::not_null_violation>(e)) return "23502";
  if (Is<pqxx::foreign_key_violation>(e)) return "23503";
  if (Is<pqxx::restrict_violation>(e)) return "23001";
  if (Is<pqxx::integrity_constraint_violation>(e)) return "23000";
  if (Is<pqxx::data_exception>(e)) return "22000";
  if (Is<pqxx::insufficient_privilege>(e)) return "42501";
  if (Is<pqxx::undefined_table>(e)) return "42P01";
  if (Is<pqxx::undefined_column>(e)) return "42703";
  if (Is<pqxx::undefined_function>(e)) return "42883";
  if (Is<pqxx::syntax_error>(e)) return "42601";
  if (Is<pqxx::feature_not_supported>(e)) return "0A000";
  if (Is<pqxx::insufficient_resources>(e)) return "53000";
  return "";
}

std::string Describe(const pqxx::sql_error& e, absl::string_view reason) {
  const std::string sqlstate = SqlState(e);
  if (MessageNamesOnlySchemaObjects(sqlstate)) {
    return absl::StrCat(reason, " (SQLSTATE ", sqlstate,
                        "): ", PrimaryMessage(e.what()));
  }
  return absl::StrCat(reason, " (SQLSTATE ", sqlstate, ")");
}

absl::Status TranslateSqlError(const pqxx::sql_error& e) {
  const std::string state = SqlState(e);
  // Decide on the SQLSTATE rather than the exception class: libpqxx 6 has no
  // class for some of them (query_canceled, for one).
  if (state == "40001") {
    return absl::AbortedError(Describe(e, "serialization failure"));
  }
  if (state == "40P01") {
    return absl::AbortedError(Describe(e, "deadlock detected"));
  }
  if (state == "23505") {
    return absl::AlreadyExistsError(Describe(e, "unique violation"));
  }
  if (state == "23514") {
    return absl::InvalidArgumentError(Describe(e, "check violation"));
  }
  if (state == "23502") {
    return absl::InvalidArgumentError(Describe(e, "not-null violation"));
  }
  if (state == "23503") {
    return absl::FailedPreconditionError(
        Describe(e, "foreign key violation"));
  }
  if (absl::StartsWith(state, "22")) {
    return absl::InvalidArgumentError(Describe(e, "data exception"));
  }
  if (state == "42501") {
    return absl::PermissionDeniedError(Describe(e, "insufficient privilege"));
  }
  if (state == "57014") {
    return absl::DeadlineExceededError(Describe(e, "statement canceled"));
  }
  // admin_shutdown, crash_shutdown, cannot_connect_now, and class 08.
  if (absl::StartsWith(state, "57P") || absl::StartsWith(state, "08")) {
    return absl::UnavailableError(Describe(e, "database unavailable"));
  }
  if (state == "3F000") {
    return absl::FailedPreconditionError(Describe(e, "schema missing"));
  }
  if (absl::StartsWith(state, "40")) {
    return absl::AbortedError(Describe(e, "transaction rolled back"));
  }
  return absl::InternalError(Describe(e, "database error"));
}

}  // namespace

absl::Status TranslateException(const std::exception& e) {
  // Most derived classes first: in_doubt_error and transaction_rollback are
  // pqxx::failure, as sql_error and broken_connection are.
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    return TranslateSqlError(*sql);
  }
  if (Is<pqxx::in_doubt_error>(e)) {
    return absl::UnavailableError(
        "connection lost during commit; the transaction may or may not have "
        "been committed");
  }
  if (Is<pqxx::broken_connection>(e)) {
    return absl::UnavailableError(
        absl::StrCat("database connection broken: ", PrimaryMessage(e.what())));
  }
  if (Is<pqxx::serialization_failure>(e)) {
    return absl::AbortedError("serialization failure (SQLSTATE 40001)");
  }
  if (Is<pqxx::deadlock_detected>(e)) {
    return absl::AbortedError("deadlock detected (SQLSTATE 40P01)");
  }
  if (Is<pqxx::transaction_rollback>(e)) {
    return absl::AbortedError("transaction rolled back (SQLSTATE 40000)");
  }
  // Programming errors: misuse of libpqxx, an unexpected row count. Their
  // messages come from libpqxx and describe the call, not the data.
  if (Is<pqxx::usage_error>(e) ||
      Is<pqxx::range_error>(e) ||
      Is<pqxx::argument_error>(e)) {
    return absl::InternalError(
        absl::StrCat("database client error: ", PrimaryMessage(e.what())));
  }
  // conversion_error quotes the value it could not convert; other exceptions
  // are not ours to print.
  if (Is<pqxx::conversion_error>(e)) {
    return absl::InternalError("cannot convert a database value");
  }
  return absl::InternalError("unexpected exception in database work");
}

bool IsConnectionError(const std::exception& e) {
  if (Is<pqxx::broken_connection>(e) ||
      Is<pqxx::in_doubt_error>(e)) {
    return true;
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string state = SqlState(*sql);
    return absl::StartsWith(state, "08") || absl::StartsWith(state, "57P");
  }
  return false;
}

}  // namespace hpedu::db
