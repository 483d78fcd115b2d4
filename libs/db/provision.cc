// ProvisionServiceSchema: one role, one schema it owns, nothing else.
//
// DDL cannot take bind parameters, so the role and schema names are checked
// against [a-z][a-z0-9_]* and quoted with quote_name, and the password is
// quoted with quote; everything that can be a parameter (catalog lookups)
// is one.
#include "libs/db/provision.h"

#include <memory>
#include <string>
#include <string_view>

#include <libpq-fe.h>
#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/db/errors.h"
#include "libs/db/internal/identifier.h"
#include "libs/status/status_macros.h"

namespace hpedu::db {
namespace {

// A conninfo value in single quotes, with \ and ' escaped (libpq's rules).
std::string QuoteConninfoValue(absl::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  quoted += '\'';
  return quoted;
}

// `conninfo` (key=value or URI form) with user and password replaced.
absl::StatusOr<std::string> WithCredentials(const std::string& conninfo,
                                            const std::string& user,
                                            const std::string& password) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), &error), &PQconninfoFree);
  if (options == nullptr) {
    // The parse error may quote the conninfo, password and all.
    if (error != nullptr) PQfreemem(error);
    return absl::InvalidArgumentError("superuser conninfo does not parse");
  }
  std::string result;
  auto append = [&result](absl::string_view key, absl::string_view value) {
    if (!result.empty()) result += ' ';
    absl::StrAppend(&result, key, "=", QuoteConninfoValue(value));
  };
  for (const PQconninfoOption* option = options.get(); option->keyword;
       ++option) {
    const absl::string_view key = option->keyword;
    if (key == "user" || key == "password" || option->val == nullptr) continue;
    append(key, option->val);
  }
  append("user", user);
  append("password", password);
  return result;
}

absl::Status Provision(pqxx::connection& connection,
                       const std::string& service,
                       const std::string& password) {
  const std::string name = connection.quote_name(service);
  pqxx::work tx(connection);
  // Provisioning the same database from two places at once is serialised.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                 "hpedu.provision");

  const bool role_exists =
      !tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", service)
           .empty();
  tx.exec(absl::StrCat(role_exists ? "ALTER ROLE " : "CREATE ROLE ", name,
                       " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                       "PASSWORD ",
                       tx.quote(password)));

  const pqxx::result owner = tx.exec_params(
      "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $1",
      service);
  if (owner.empty()) {
    tx.exec(absl::StrCat("CREATE SCHEMA ", name, " AUTHORIZATION ", name));
  } else if (owner[0][0].as<std::string>() != service) {
    return absl::FailedPreconditionError(
        absl::StrCat("schema ", service, " exists and is owned by ",
                     owner[0][0].as<std::string>(), ", not by role ", service));
  }
  // The audit trail lives in a schema the provisioning role owns: the
  // service may read and append, never update, delete, truncate or drop
  // (libs/audit writes and reads it).
  const std::string audit = connection.quote_name(service + "_audit");
  tx.exec(absl::StrCat("CREATE SCHEMA IF NOT EXISTS ", audit));
  tx.exec(absl::StrCat(
      "CREATE TABLE IF NOT EXISTS ", audit, ".audit_events ("
      " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
      " event_time timestamptz NOT NULL DEFAULT clock_timestamp(),"
      " caller text NOT NULL,"
      " caller_role text NOT NULL,"
      " method text NOT NULL,"
      " resource text NOT NULL,"
      " change jsonb NOT NULL,"
      " request_id text NOT NULL)"));
  tx.exec(absl::StrCat("CREATE INDEX IF NOT EXISTS audit_events_resource ON ",
                       audit, ".audit_events (resource, id)"));
  tx.exec(absl::StrCat("CREATE INDEX IF NOT EXISTS audit_events_caller ON ",
                       audit, ".audit_events (caller, id)"));
  // The change feed (libs/feed) beside it. Writes append to
  // recorded_changes, unnumbered (`id` orders them as they were recorded);
  // the service's sequencer moves what has committed into `changes`,
  // numbered after the counter row, which only it updates. Changes are
  // pruned to the service's retention, the oldest first, so what is kept is
  // a suffix.
  // A change's columns, the same recorded and numbered.
  constexpr char kChange[] =
      " change_time timestamptz NOT NULL DEFAULT now(),"
      " kind smallint NOT NULL,"
      " resource text NOT NULL,"
      " type_url text NOT NULL,"
      " value bytea NOT NULL,"
      " unit text NOT NULL,"
      " method text NOT NULL,"
      " request_id text NOT NULL";
  tx.exec(absl::StrCat("CREATE TABLE IF NOT EXISTS ", audit,
                       ".recorded_changes ("
                       " id bigint GENERATED ALWAYS AS IDENTITY,",
                       kChange, ")"));
  tx.exec(absl::StrCat(
      "CREATE TABLE IF NOT EXISTS ", audit,
      ".change_sequence ("
      " only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),"
      " last bigint NOT NULL)"));
  tx.exec(absl::StrCat("INSERT INTO ", audit,
                       ".change_sequence (last) VALUES (0)"
                       " ON CONFLICT DO NOTHING"));
  tx.exec(absl::StrCat("CREATE TABLE IF NOT EXISTS ", audit,
                       ".changes ("
                       " sequence bigint PRIMARY KEY,",
                       kChange, ")"));
  // The runs of the service's scheduled jobs (libs/jobs): one row per job
  // and slot, claimed by the replica that runs it.
  tx.exec(absl::StrCat("CREATE TABLE IF NOT EXISTS ", audit,
                       ".job_runs ("
                       " job text NOT NULL,"
                       " slot_time timestamptz NOT NULL,"
                       " replica text NOT NULL,"
                       " attempt integer NOT NULL,"
                       " start_time timestamptz NOT NULL,"
                       " end_time timestamptz,"
                       " code integer,"
                       " message text NOT NULL DEFAULT '',"
                       " PRIMARY KEY (job, slot_time))"));
  tx.exec(absl::StrCat("REVOKE ALL ON SCHEMA ", audit, " FROM PUBLIC"));
  tx.exec(absl::StrCat("GRANT USAGE ON SCHEMA ", audit, " TO ", name));
  tx.exec(absl::StrCat("REVOKE ALL ON ", audit, ".audit_events FROM ", name));
  tx.exec(absl::StrCat("GRANT SELECT, INSERT ON ", audit, ".audit_events TO ",
                       name));
  tx.exec(absl::StrCat("REVOKE ALL ON ", audit, ".change_sequence, ", audit,
                       ".changes, ", audit, ".recorded_changes FROM ", name));
  tx.exec(absl::StrCat("GRANT SELECT, INSERT, DELETE ON ", audit,
                       ".recorded_changes TO ", name));
  tx.exec(absl::StrCat("GRANT SELECT, UPDATE ON ", audit,
                       ".change_sequence TO ", name));
  tx.exec(absl::StrCat("GRANT SELECT, INSERT, DELETE ON ", audit,
                       ".changes TO ", name));
  tx.exec(absl::StrCat("REVOKE ALL ON ", audit, ".job_runs FROM ", name));
  tx.exec(absl::StrCat("GRANT SELECT, INSERT, UPDATE, DELETE ON ", audit,
                       ".job_runs TO ", name));
  tx.exec(absl::StrCat("ALTER ROLE ", name, " SET search_path TO ", name, ", ",
                       audit));
  tx.exec(absl::StrCat("REVOKE ALL ON SCHEMA ", name, " FROM PUBLIC"));

  // PostgreSQL 15 no longer lets PUBLIC create in public, but a database
  // created from an older template or by hand may; close it either way.
  tx.exec("REVOKE ALL ON SCHEMA public FROM PUBLIC");
  tx.exec(absl::StrCat("REVOKE ALL ON SCHEMA public FROM ", name));
  const std::string database =
      tx.exec1("SELECT current_database()")[0].as<std::string>();
  tx.exec(absl::StrCat("REVOKE CREATE ON DATABASE ",
                       connection.quote_name(database), " FROM PUBLIC"));
  tx.exec(absl::StrCat("REVOKE CREATE ON DATABASE ",
                       connection.quote_name(database), " FROM ", name));
  tx.commit();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ProvisionServiceSchema(
    const std::string& superuser_conninfo, std::string_view service_name,
    std::string_view password_text) {
  const std::string service(service_name);
  const std::string password(password_text);
  RETURN_IF_ERROR(internal::ValidatePlainIdentifier("service name", service));
  if (password.empty()) {
    return absl::InvalidArgumentError("service password is empty");
  }
  ASSIGN_OR_RETURN(std::string conninfo,
                   WithCredentials(superuser_conninfo, service, password));
  try {
    pqxx::connection connection(superuser_conninfo);
    RETURN_IF_ERROR(Provision(connection, service, password));
  } catch (const std::exception& e) {
    absl::Status status = TranslateException(e);
    return absl::Status(status.code(),
                        absl::StrCat("provisioning ", service, ": ",
                                     status.message()));
  }
  return conninfo;
}

}  // namespace hpedu::db
