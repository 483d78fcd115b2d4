// ApplyMigrations: verify what was applied, then apply what is pending, all
// in one transaction under an advisory lock keyed by the schema.
#include "libs/db/migrations.h"

#include <cstddef>
#include <map>
#include <string>
#include <utility>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/db/errors.h"
#include "libs/db/internal/identifier.h"
#include "libs/status/status_macros.h"

namespace hpedu::db {
namespace {

struct Applied {
  std::string name;
  std::string checksum;
};

absl::Status ValidateOrder(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migration ", migration.name, " has version ", migration.version,
          ", not above the previous one (", previous,
          "): versions must be positive and strictly increasing"));
    }
    if (migration.name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration ", migration.version, " has no name"));
    }
    previous = migration.version;
  }
  return absl::OkStatus();
}

std::string Checksum(pqxx::work& tx, const std::string& sql) {
  return tx
      .exec_params1("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", sql)
      [0]
      .as<std::string>();
}

absl::Status Apply(pqxx::connection& connection, const std::string& schema,
                   const std::vector<Migration>& migrations) {
  const std::string table =
      absl::StrCat(connection.quote_name(schema), ".schema_migrations");
  pqxx::work tx(connection);
  // Replicas starting together queue here; the lock ends with the
  // transaction, so a crashed applier leaves nothing behind.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                 absl::StrCat("hpedu.migrations.", schema));
  tx.exec(absl::StrCat("CREATE TABLE IF NOT EXISTS ", table,
                       " (version int PRIMARY KEY,"
                       " name text NOT NULL,"
                       " checksum text NOT NULL,"
                       " applied_at timestamptz NOT NULL DEFAULT now())"));

  std::map<int, Applied> applied;
  for (const pqxx::row& row : tx.exec(
           absl::StrCat("SELECT version, name, checksum FROM ", table))) {
    applied[row[0].as<int>()] = {row[1].as<std::string>(),
                                 row[2].as<std::string>()};
  }

  // Verify everything before applying anything.
  std::map<int, const Migration*> known;
  for (const Migration& migration : migrations) {
    known[migration.version] = &migration;
  }
  for (const auto& [version, record] : applied) {
    auto it = known.find(version);
    if (it == known.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has migration ", record.name, " (version ", version,
          ") in schema ", schema,
          ", which this binary does not know: a newer binary has migrated "
          "this database; run that one"));
    }
    const Migration& migration = *it->second;
    const std::string checksum = Checksum(tx, migration.sql);
    if (record.name != migration.name || record.checksum != checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", migration.name, " was changed after it was applied "
          "(", record.name, " with checksum ", record.checksum,
          " in the database, checksum ", checksum,
          " in this binary); restore it and add a new migration instead"));
    }
  }

  bool search_path_set = false;
  for (const Migration& migration : migrations) {
    if (applied.count(migration.version) > 0) continue;
    if (!search_path_set) {
      // Unqualified names in migrations land in the service's schema.
      tx.exec_params("SELECT set_config('search_path', $1, true)",
                     connection.quote_name(schema));
      search_path_set = true;
    }
    try {
      tx.exec(migration.sql);
    } catch (const std::exception& e) {
      absl::Status status = TranslateException(e);
      return absl::Status(status.code(),
                          absl::StrCat("migration ", migration.name,
                                       " failed: ", status.message()));
    }
    tx.exec_params(absl::StrCat("INSERT INTO ", table,
                                " (version, name, checksum)"
                                " VALUES ($1, $2, $3)"),
                   migration.version, migration.name,
                   Checksum(tx, migration.sql));
  }
  tx.commit();
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyMigrations(const std::string& conninfo,
                             std::string_view schema_name,
                             const std::vector<Migration>& migrations) {
  const std::string schema(schema_name);
  RETURN_IF_ERROR(internal::ValidatePlainIdentifier("schema name", schema));
  RETURN_IF_ERROR(ValidateOrder(migrations));
  try {
    pqxx::connection connection(conninfo);
    return Apply(connection, schema, migrations);
  } catch (const std::exception& e) {
    absl::Status status = TranslateException(e);
    return absl::Status(status.code(), absl::StrCat("migrating schema ",
                                                    schema, ": ",
                                                    status.message()));
  }
}

}  // namespace hpedu::db
