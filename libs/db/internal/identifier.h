// Checks for the identifiers hpedu puts into DDL. DDL takes no parameters,
// so identifiers are validated strictly here and then still quoted with
// pqxx::connection::quote_name where they are used.
#ifndef HPEDU_LIBS_DB_INTERNAL_IDENTIFIER_H_
#define HPEDU_LIBS_DB_INTERNAL_IDENTIFIER_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace hpedu::db::internal {

// True if `name` matches [a-z][a-z0-9_]* and fits PostgreSQL's 63 bytes.
bool IsPlainIdentifier(absl::string_view name);

// INVALID_ARGUMENT naming `what` unless IsPlainIdentifier(name).
absl::Status ValidatePlainIdentifier(absl::string_view what,
                                     absl::string_view name);

}  // namespace hpedu::db::internal

#endif  // HPEDU_LIBS_DB_INTERNAL_IDENTIFIER_H_
