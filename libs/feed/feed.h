// The change feed of a service (issue 16): every write records the resources
// it wrote in the write's own transaction, numbered 1, 2, 3, ... per service
// in commit order, into the table provisioning creates beside the audit
// trail (`<service>_audit.changes`, libs/db/provision.h). Followers read the
// changes after the last sequence they applied, a page at a time
// (ListChanges) or live (WatchChanges); see hpedu/feed/v1/feed.proto.
//
//   // In a repository's write, inside db::InTransaction, after its writes:
//   feed::Record(tx, call, {feed::Updated(task.name(), task, commune)});
//
//   // The service's handlers:
//   return calls_.Run<feed::v1::ListChangesResponse>(context, response,
//       [this, request](const CallContext& call) {
//         return changes_->List(call, *request); });
//   return changes_->Watch(context, request);
//
// Numbering in commit order: Record takes the feed's counter row with an
// UPDATE, which holds its lock until the transaction ends, so writers that
// record changes commit one after another from that point. Call it once,
// last: a write holds the counter only for its commit, and a transaction
// that recorded no change never waits for it.
#ifndef HPEDU_LIBS_FEED_FEED_H_
#define HPEDU_LIBS_FEED_FEED_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/server_callback.h"
#include "hpedu/feed/v1/feed.pb.h"
#include "libs/auth/authorize.h"
#include "libs/server/call_context.h"
#include "libs/server/service_host.h"

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace hpedu::feed {

// One resource as a write left it.
struct Written {
  v1::Change::Kind kind = v1::Change::KIND_UNSPECIFIED;
  std::string resource;         // its name
  std::string unit;             // "units/{id}" it is about; "" for the city
  google::protobuf::Any value;  // empty when deleted
};

Written Created(std::string_view resource,
                const google::protobuf::Message& value,
                std::string_view unit = "");
Written Updated(std::string_view resource,
                const google::protobuf::Message& value,
                std::string_view unit = "");
Written Deleted(std::string_view resource, std::string_view unit = "");

// Appends `changes` to the feed of the service whose role runs `tx`, with
// the method and request id of `call`, and wakes its followers when `tx`
// commits. Nothing happens for an empty list. For repositories running
// under db::RunInTransaction: libpqxx's exceptions pass through to it.
void Record(pqxx::transaction_base& tx, const server::CallContext& call,
            const std::vector<Written>& changes);

// Serves one service's feed: ListChanges, WatchChanges, retention.
// Thread-safe. Owned by the service; it must outlive its calls, which the
// host's shutdown ensures: open streams end with UNAVAILABLE when shutdown
// begins (ServiceEnv::on_shutdown).
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;

  // Starts listening for the service's commits on a connection of its own
  // (env.config.db); no connection is needed to start. Changes older than
  // env.config.change_retention are deleted, the oldest first, checked every
  // tenth of it (at most hourly). Without a notification (one lost with a
  // dropped connection), followers still find new changes within a second.
  // `authorizer` names the service whose grant an integration needs.
  static std::unique_ptr<ChangeFeed> Create(server::ServiceEnv& env,
                                            auth::Authorizer authorizer);

  // The changes after request.after_sequence. PERMISSION_DENIED unless the
  // caller may follow the feed: the Sở's leadership and divisions, hpedu's
  // services and integrations granted this service. OUT_OF_RANGE with
  // ErrorInfo CHANGE_SEQUENCE_EXPIRED (metadata `oldest_after`) for a
  // sequence older than retention, CHANGE_SEQUENCE_AHEAD (metadata
  // `head_sequence`) for one the feed has not reached (another database, or
  // one restored from an older backup).
  virtual absl::StatusOr<v1::ListChangesResponse> List(
      const server::CallContext& call,
      const v1::ListChangesRequest& request) const = 0;

  // Serves WatchChanges: the same checks and pages, then each change as it
  // commits, without holding a thread while it waits. The stream ends with
  // UNAVAILABLE if the database cannot be read or the service stops.
  virtual grpc::ServerWriteReactor<v1::Change>* Watch(
      grpc::CallbackServerContext* context,
      const v1::WatchChangesRequest* request) = 0;
};

}  // namespace hpedu::feed

#endif  // HPEDU_LIBS_FEED_FEED_H_
