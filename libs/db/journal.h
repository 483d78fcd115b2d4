// What every write adds to its service's audit trail and change feed
// (libs/audit, libs/feed; the tables provisioning makes: audit_events and
// recorded_changes). The rows a transaction adds are gathered and written
// in one statement just before RunInTransaction commits it, so that a
// write pays one round trip for both, whatever the number of rows; they
// are written at once in a transaction RunInTransaction does not run.
// Either way they commit or roll back with the write.
#ifndef HPEDU_LIBS_DB_JOURNAL_H_
#define HPEDU_LIBS_DB_JOURNAL_H_

#include <string>
#include <vector>

namespace pqxx {
class transaction_base;
}  // namespace pqxx

namespace hpedu::db {

// A row of audit_events.
struct JournalEvent {
  std::string caller;
  std::string caller_role;
  std::string method;
  std::string resource;
  std::string change_json;
  std::string request_id;
};

// A row of recorded_changes (numbered by the feed's sequencer once it has
// committed).
struct JournalChange {
  int kind = 0;
  std::string resource;
  std::string type_url;
  std::string value;  // serialized bytes
  std::string unit;
  std::string method;
  std::string request_id;
};

// Adds to what `tx` writes, after what was added before. Throws what
// libpqxx throws when written at once.
void AppendEvent(pqxx::transaction_base& tx, JournalEvent event);
void AppendChanges(pqxx::transaction_base& tx,
                   std::vector<JournalChange> changes);

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_JOURNAL_H_
