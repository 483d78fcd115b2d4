// What the plans service's PostgreSQL stores share (internal to
// services/plans; not part of any store's interface): transaction options,
// resource names, the one row mapping per type that more than one store
// reads (documents, tasks), and the loaders every store uses to check that
// a document or a task exists. Columns are read by name.
#ifndef HPEDU_SERVICES_PLANS_INTERNAL_PG_ROWS_H_
#define HPEDU_SERVICES_PLANS_INTERNAL_PG_ROWS_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/db/pool.h"
#include "libs/db/transaction.h"
#include "services/plans/task_time.h"

namespace hpedu::plans::internal {

// A prepared statement's name and SQL, declared next to the method that
// runs it; each store lists its own in its <Aggregate>Statements().
struct Statement {
  const char* name;
  const char* sql;
};

std::vector<db::PreparedStatement> ToPrepared(
    std::initializer_list<Statement> statements);

// The statements the loaders below run.
const std::vector<db::PreparedStatement>& CommonStatements();

inline constexpr db::TransactionOptions kRead = {
    .isolation = db::Isolation::kReadCommitted, .read_only = true};
inline constexpr db::TransactionOptions kReadSnapshot = {
    .isolation = db::Isolation::kRepeatableRead, .read_only = true};
inline constexpr db::TransactionOptions kWrite = {
    .isolation = db::Isolation::kSerializable, .read_only = false};

// Resource names; ids are validated before they reach a store.
std::string DocumentName(std::string_view id);
std::string TaskName(std::string_view document_id, std::string_view id);
std::string UnitName(std::string_view id);
// The id of a validated `units/{id}`.
std::string UnitId(std::string_view name);

// A date column formatted by to_char(..., 'YYYY-MM-DD'); nullopt if NULL.
std::optional<absl::CivilDay> DayOf(const pqxx::field& field);
// A ';'-joined text column (ids, enum names, ISO dates); empty if NULL.
std::vector<std::string> SplitList(const pqxx::field& field);
// A column of microseconds since the epoch.
google::protobuf::Timestamp TimestampOf(const pqxx::field& field);
absl::CivilDay DayOfProto(const google::type::Date& date);

// The columns DocumentFromRow reads, by name.
#define HPEDU_PLANS_DOCUMENT_COLUMNS                                         \
  "d.id, d.number, d.kind, d.issuer_id, d.issuer_text, d.level, "           \
  "to_char(d.issue_date, 'YYYY-MM-DD') AS issue_date, d.title, "            \
  "d.commune_id, d.revision, "                                              \
  "(extract(epoch FROM d.create_time) * 1000000)::bigint AS create_us, "    \
  "(extract(epoch FROM d.update_time) * 1000000)::bigint AS update_us, "    \
  "(SELECT string_agg(l.implemented_id, ';' ORDER BY l.implemented_id) "    \
  "   FROM document_links l WHERE l.document_id = d.id) AS implements, "    \
  "array_to_string(d.targets, ';') AS targets "

// The columns TaskFromRow reads, by name.
#define HPEDU_PLANS_TASK_COLUMNS                                              \
  "t.document_id, t.id, t.group_name, t.number, t.content, "                  \
  "t.lead_agency_id, t.lead_agency_text, t.coordinating, t.product, "         \
  "t.approving_level, t.time_text, t.time_form, "                             \
  "to_char(t.due_date, 'YYYY-MM-DD') AS due_date, t.start_year, t.end_year, " \
  "t.recurring_month, t.recurring_day, t.parent_task_id, t.commune_id, "      \
  "t.state, t.progress_percent, t.generated, t.revision, "                    \
  "(extract(epoch FROM t.create_time) * 1000000)::bigint AS create_us, "      \
  "(extract(epoch FROM t.update_time) * 1000000)::bigint AS update_us, "      \
  "(SELECT count(*) FROM tasks c WHERE c.document_id = t.document_id "        \
  "   AND c.parent_task_id = t.id) AS children_total, "                       \
  "(SELECT count(*) FROM tasks c WHERE c.document_id = t.document_id "        \
  "   AND c.parent_task_id = t.id AND c.state IN ('DONE', 'DONE_LATE')) "     \
  "   AS children_done "

// The one mapping of a document row (HPEDU_PLANS_DOCUMENT_COLUMNS).
v1::Document DocumentFromRow(const pqxx::row& row);
// The one mapping of a task row (HPEDU_PLANS_TASK_COLUMNS).
v1::Task TaskFromRow(const pqxx::row& row);
// The parsed time of a row with the columns time_form, due_date,
// start_year, end_year, recurring_month and recurring_day.
ParsedTime TimeFromRow(const pqxx::row& row);

absl::Status DocumentNotFound(std::string_view id);
absl::Status TaskNotFound(std::string_view document_id, std::string_view id);

// The stored document or task; nullopt if there is none. With
// `for_update`, the row is locked until the transaction ends.
std::optional<v1::Document> LoadDocument(pqxx::transaction_base& tx,
                                         const std::string& id,
                                         bool for_update = false);
std::optional<v1::Task> LoadTask(pqxx::transaction_base& tx,
                                 const std::string& document_id,
                                 const std::string& id,
                                 bool for_update = false);

}  // namespace hpedu::plans::internal

#endif  // HPEDU_SERVICES_PLANS_INTERNAL_PG_ROWS_H_
