// Creates the database side of a service: one login role and one schema it
// owns, and nothing else it can touch. Used by deploy/local/up.sh (through
// the hpedu command) and by the test fixture, so both provision alike.
#ifndef HPEDU_LIBS_DB_PROVISION_H_
#define HPEDU_LIBS_DB_PROVISION_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hpedu::db {

// Connected as a superuser to the target database: creates (if missing) a
// login role and a schema both named `service` ([a-z][a-z0-9_]*), the schema
// owned by the role, the role's search_path set to it; revokes the role's
// (and PUBLIC's) rights on the public schema and other schemas; creates the
// schema `<service>_audit`, owned by the superuser, with the append-only
// table audit_events the role may only read and insert into, the change
// feed's tables (libs/feed) and the scheduled jobs' runs (job_runs,
// libs/jobs), on the role's search_path after its own schema. Idempotent:
// re-running it sets the password again and changes nothing else.
// Returns the libpq conninfo for the role: `superuser_conninfo` with user and
// password replaced (rebuilt in key='value' form). INVALID_ARGUMENT for a bad
// name or an empty password, FAILED_PRECONDITION if the schema exists but
// another role owns it, UNAVAILABLE if the server cannot be reached.
absl::StatusOr<std::string> ProvisionServiceSchema(
    const std::string& superuser_conninfo, std::string_view service,
    std::string_view password);

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_PROVISION_H_
