// The change feed of a service (issue 16): every write records the resources
// it wrote in the write's own transaction; the service numbers them 1, 2,
// 3, ... as they commit, into the table provisioning creates beside the
// audit trail (`<service>_audit.changes`, libs/db/provision.h). Followers
// read the changes after the last sequence they applied, a page at a time
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
// Numbering as changes commit: Record appends to recorded_changes, with no
// number and no lock, so writers never wait for each other. A sequencer
// numbers what has committed, in the order it was recorded (an identity
// column), after the last number given: a change committed later always
// gets a higher number, and a follower that has read up to N never misses
// one. The sequencer is the process's ChangeFeed: a commit that recorded
// changes wakes it (db::AfterCommit), it runs on the executor, and one
// replica's sequencer numbers at a time (it takes the counter row). Its
// listener also numbers, every second, whatever no sequencer was woken
// for; ListChanges numbers first, so it shows the caller's own writes.
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
// the method and request id of `call`; when `tx` commits, wakes that
// service's sequencer in this process to number them. Nothing happens for
// an empty list. For repositories running under db::RunInTransaction: the
// rows are written with the transaction's audit events, in one statement
// before it commits (db/journal.h); libpqxx's exceptions pass through to
// it.
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
