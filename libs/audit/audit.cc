#include "libs/audit/audit.h"

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/page_token.h"
#include "libs/db/journal.h"
#include "libs/db/transaction.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::audit {
namespace {

// Newest first, after the cursor; $3 is NULL on the first page.
constexpr char kList[] =
    "SELECT id, (extract(epoch FROM event_time) * 1000000)::bigint, caller,"
    " caller_role, method, resource, change::text, request_id"
    " FROM audit_events"
    " WHERE ($1 = '' OR resource = $1) AND ($2 = '' OR caller = $2)"
    "   AND ($3::bigint IS NULL OR id < $3::bigint)"
    " ORDER BY id DESC LIMIT $4";

}  // namespace

void Record(pqxx::transaction_base& tx, const server::CallContext& call,
            std::string_view resource, const nlohmann::json& change) {
  db::AppendEvent(
      tx, db::JournalEvent{
              .caller = call.caller().id,
              .caller_role = std::string(auth::RoleName(call.caller().role)),
              .method = call.method().empty() ? "-" : call.method(),
              .resource = std::string(resource),
              .change_json = change.dump(),
              .request_id = call.request_id()});
}

nlohmann::json ChangeOf(const google::protobuf::Message& resource) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(resource, &json, options)
           .ok()) {
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
}

absl::StatusOr<v1::ListAuditEventsResponse> AuditLog::List(
    const server::CallContext& call,
    const v1::ListAuditEventsRequest& request) const {
  RETURN_IF_ERROR(authorizer_.CanReadOperations(
      call.caller(), "xem nhật ký kiểm toán / read the audit trail"));
  ASSIGN_OR_RETURN(const int page_size,
                   api::EffectivePageSize(request.page_size()));
  const uint64_t fingerprint = api::QueryFingerprint(request);
  std::optional<std::string> before;
  if (!request.page_token().empty()) {
    ASSIGN_OR_RETURN(const api::PageCursor cursor,
                     api::DecodePageToken(request.page_token(), fingerprint));
    int64_t id = 0;
    if (cursor.keys.size() != 1 || !absl::SimpleAtoi(cursor.keys[0], &id)) {
      return InvalidField("page_token", "không hợp lệ (invalid)");
    }
    before = cursor.keys[0];
  }
  v1::ListAuditEventsResponse response;
  RETURN_IF_ERROR(db::RunInTransaction(
      pool_, call.deadline(), db::TransactionOptions{.read_only = true},
      [&](pqxx::transaction_base& tx) {
        response.Clear();
        const pqxx::result rows =
            tx.exec_params(kList, request.resource(), request.caller(), before,
                           page_size + 1);
        for (const pqxx::row& row : rows) {
          if (response.audit_events_size() == page_size) {
            const std::string& last =
                response.audit_events().rbegin()->name();
            response.set_next_page_token(api::EncodePageToken(
                api::PageCursor{{last.substr(last.find('/') + 1)}},
                fingerprint));
            break;
          }
          v1::AuditEvent* event = response.add_audit_events();
          event->set_name(absl::StrCat("auditEvents/", row[0].c_str()));
          *event->mutable_event_time() =
              google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
                  row[1].as<int64_t>());
          event->set_caller(row[2].c_str());
          event->set_caller_role(row[3].c_str());
          event->set_method(row[4].c_str());
          event->set_resource(row[5].c_str());
          // Written by Record from a JSON object, so it parses.
          (void)google::protobuf::util::JsonStringToMessage(
              row[6].c_str(), event->mutable_change());
          event->set_request_id(row[7].c_str());
        }
        return absl::OkStatus();
      }));
  return response;
}

}  // namespace hpedu::audit
