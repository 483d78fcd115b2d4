// Schema migrations per service: ordered SQL files, embedded in the binary
// (hpedu_embed_sql in cmake/hpedu.cmake), applied at start.
//
// ApplyMigrations takes a transaction-scoped advisory lock so that replicas
// starting together apply each migration once, records every applied
// migration with its SHA-256 in <schema>.schema_migrations, and refuses to
// start if an applied migration's text has changed since: a migration is
// history, and editing it would make databases diverge.
#ifndef HPEDU_LIBS_DB_MIGRATIONS_H_
#define HPEDU_LIBS_DB_MIGRATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace hpedu::db {

struct Migration {
  int version;       // from the file name NNNN_..., strictly increasing
  std::string name;  // the file name without .sql
  std::string sql;   // the statements, run in one transaction
};

// Applies the migrations that are not yet recorded in `schema`, each in
// order, in a single transaction with the bookkeeping. Returns
// FAILED_PRECONDITION naming the migration if an applied one's checksum
// differs, or if the database has a migration this binary does not know
// (a newer binary ran); INVALID_ARGUMENT if `migrations` is not strictly
// increasing; UNAVAILABLE if the database cannot be reached.
absl::Status ApplyMigrations(const std::string& conninfo,
                             std::string_view schema,
                             const std::vector<Migration>& migrations);

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_MIGRATIONS_H_
