// The audit trail of a service's writes (issue 3): every write records who,
// when, which RPC, which resource, what changed and the request id, in the
// write's own transaction, into the append-only table that provisioning
// creates (libs/db/provision.h: `<service>_audit.audit_events`, on the
// service role's search_path; the role may insert and read, nothing else).
//
//   // In a repository's write, inside db::InTransaction:
//   audit::Record(tx, call, task.name(), audit::ChangeOf(task));
//
//   // The ListAuditEvents handler:
//   return audit_log_.List(call, *request);
#ifndef HPEDU_LIBS_AUDIT_AUDIT_H_
#define HPEDU_LIBS_AUDIT_AUDIT_H_

#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "hpedu/audit/v1/audit.pb.h"
#include "libs/auth/authorize.h"
#include "libs/db/pool.h"
#include "libs/server/call_context.h"
#include "nlohmann/json.hpp"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace hpedu::audit {

// Appends one event for the write `call` is making, in `tx`, so the write
// and its record commit together or not at all. `change` is a JSON object.
// For repositories running under db::RunInTransaction: the event is written
// with the transaction's others and its feed changes, in one statement
// before it commits (db/journal.h); libpqxx's exceptions pass through to
// it.
void Record(pqxx::transaction_base& tx, const server::CallContext& call,
            std::string_view resource, const nlohmann::json& change);

// A resource as written, as a JSON object (proto3 JSON mapping).
nlohmann::json ChangeOf(const google::protobuf::Message& resource);

// Serves a service's ListAuditEvents. Thread-safe.
class AuditLog {
 public:
  // `pool` is the service's and must outlive the log.
  AuditLog(db::Pool& pool, auth::Authorizer authorizer)
      : pool_(pool), authorizer_(std::move(authorizer)) {}

  // Newest first, filtered by resource and caller. The trail is the Sở's:
  // leadership, divisions and services read it; others get
  // PERMISSION_DENIED.
  absl::StatusOr<v1::ListAuditEventsResponse> List(
      const server::CallContext& call,
      const v1::ListAuditEventsRequest& request) const;

 private:
  db::Pool& pool_;
  const auth::Authorizer authorizer_;
};

}  // namespace hpedu::audit

#endif  // HPEDU_LIBS_AUDIT_AUDIT_H_
