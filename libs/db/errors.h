// The one place where libpqxx exceptions become absl::Status values.
// Repository code catches nothing itself; RunInTransaction calls this.
#ifndef HPEDU_LIBS_DB_ERRORS_H_
#define HPEDU_LIBS_DB_ERRORS_H_

#include <exception>

#include "absl/status/status.h"

namespace hpedu::db {

// Maps an exception thrown by libpqxx (or by code under a transaction), by
// SQLSTATE where libpqxx has one and by exception class otherwise:
//   serialization_failure (40001), deadlock_detected (40P01),
//   other class 40                           -> ABORTED
//   broken_connection, in_doubt_error,
//   class 08, 57P01..57P03 (server shutdown) -> UNAVAILABLE
//   unique_violation (23505)                 -> ALREADY_EXISTS
//   check_violation (23514), not_null_violation (23502),
//   data_exception (class 22)                -> INVALID_ARGUMENT
//   foreign_key_violation (23503),
//   invalid_schema_name (3F000)              -> FAILED_PRECONDITION
//   insufficient_privilege (42501)           -> PERMISSION_DENIED
//   query_canceled (57014, statement timeout)-> DEADLINE_EXCEEDED
//   anything else                            -> INTERNAL
// The message names the SQLSTATE and, for classes whose server message names
// constraints and relations rather than data, that message's first line (so
// the constraint). Never parameters, DETAIL lines, the query text, or the
// text of a non-libpqxx exception.
absl::Status TranslateException(const std::exception& e);

// True if the error means the connection cannot be reused: lost, in doubt
// after a failed commit, or terminated by the server.
bool IsConnectionError(const std::exception& e);

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_ERRORS_H_
