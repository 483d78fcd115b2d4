// The one place where libpqxx exceptions become absl::Status values.
// Repository code catches nothing itself; RunInTransaction calls this.
#ifndef HPEDU_LIBS_DB_ERRORS_H_
#define HPEDU_LIBS_DB_ERRORS_H_

#include <exception>

#include "absl/status/status.h"

namespace hpedu::db {

// Maps an exception thrown by libpqxx (or by code under a transaction):
//   serialization_failure, deadlock_detected -> ABORTED
//   broken_connection, in_doubt_error        -> UNAVAILABLE
//   unique_violation                         -> ALREADY_EXISTS
//   check_violation, not_null_violation,
//   foreign_key_violation, data_exception    -> INVALID_ARGUMENT /
//                                               FAILED_PRECONDITION (fk)
//   insufficient_privilege                   -> PERMISSION_DENIED
//   query_canceled (statement timeout)       -> DEADLINE_EXCEEDED
//   anything else                            -> INTERNAL
// The message names the SQLSTATE and the constraint, never parameters.
absl::Status TranslateException(const std::exception& e);

// True if the error means the connection cannot be reused.
bool IsConnectionError(const std::exception& e);

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_ERRORS_H_
