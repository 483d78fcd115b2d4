#include "libs/db/journal.h"

#include <pqxx/pqxx>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/db/internal/journal.h"
#include "libs/db/params.h"
#include "libs/trace/trace.h"

namespace hpedu::db {
namespace internal {
namespace {

// Both tables in one statement, each in the order appended (the ids of
// audit_events and recorded_changes follow it). Values travel hex-encoded
// (libpqxx 6 has no bytea arrays).
constexpr char kName[] = "hpedu_journal_write";
constexpr char kWrite[] =
    "WITH events AS ("
    "  INSERT INTO audit_events"
    "    (caller, caller_role, method, resource, change, request_id)"
    "  SELECT e.caller, e.role, e.method, e.resource, e.change::jsonb,"
    "    e.request_id"
    "  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
    "              $5::text[], $6::text[])"
    "    WITH ORDINALITY AS e(caller, role, method, resource, change,"
    "                         request_id, n)"
    "  ORDER BY e.n) "
    "INSERT INTO recorded_changes"
    "  (kind, resource, type_url, value, unit, method, request_id)"
    " SELECT c.kind::smallint, c.resource, c.type_url, decode(c.value, 'hex'),"
    "   c.unit, c.method, c.request_id"
    " FROM unnest($7::text[], $8::text[], $9::text[], $10::text[],"
    "             $11::text[], $12::text[], $13::text[])"
    "   WITH ORDINALITY AS c(kind, resource, type_url, value, unit, method,"
    "                        request_id, n)"
    " ORDER BY c.n";

}  // namespace

void WriteJournal(pqxx::transaction_base& tx, const Journal& journal) {
  std::vector<std::string> columns[13];
  for (const JournalEvent& e : journal.events) {
    columns[0].push_back(e.caller);
    columns[1].push_back(e.caller_role);
    columns[2].push_back(e.method);
    columns[3].push_back(e.resource);
    columns[4].push_back(e.change_json);
    columns[5].push_back(e.request_id);
  }
  for (const JournalChange& c : journal.changes) {
    columns[6].push_back(absl::StrCat(c.kind));
    columns[7].push_back(c.resource);
    columns[8].push_back(c.type_url);
    columns[9].push_back(absl::BytesToHexString(c.value));
    columns[10].push_back(c.unit);
    columns[11].push_back(c.method);
    columns[12].push_back(c.request_id);
  }
  std::string arrays[13];
  for (int i = 0; i < 13; ++i) arrays[i] = TextArrayLiteral(columns[i]);
  // Prepared on the connection's first journal (libpqxx 6 prepares a
  // declared statement on its first use; declaring it again is a no-op).
  tx.conn().prepare(kName, kWrite);
  trace::ScopedSpan span(kName, trace::SpanKind::kClient);
  span.SetAttribute("db.system", "postgresql");
  tx.exec_prepared(kName, arrays[0], arrays[1], arrays[2], arrays[3], arrays[4],
                   arrays[5], arrays[6], arrays[7], arrays[8], arrays[9],
                   arrays[10], arrays[11], arrays[12]);
}

}  // namespace internal

void AppendEvent(pqxx::transaction_base& tx, JournalEvent event) {
  if (internal::Journal* journal = internal::PendingJournal(tx)) {
    journal->events.push_back(std::move(event));
    return;
  }
  internal::Journal now;
  now.events.push_back(std::move(event));
  internal::WriteJournal(tx, now);
}

void AppendChanges(pqxx::transaction_base& tx,
                   std::vector<JournalChange> changes) {
  if (changes.empty()) return;
  if (internal::Journal* journal = internal::PendingJournal(tx)) {
    for (JournalChange& change : changes) {
      journal->changes.push_back(std::move(change));
    }
    return;
  }
  internal::Journal now;
  now.changes = std::move(changes);
  internal::WriteJournal(tx, now);
}

}  // namespace hpedu::db
