// The journal of a transaction, between journal.cc (which gathers it) and
// transaction.cc (which writes it before the commit). Private to libs/db.
#ifndef HPEDU_LIBS_DB_INTERNAL_JOURNAL_H_
#define HPEDU_LIBS_DB_INTERNAL_JOURNAL_H_

#include <vector>

#include "libs/db/journal.h"

namespace hpedu::db::internal {

struct Journal {
  std::vector<JournalEvent> events;
  std::vector<JournalChange> changes;
  bool empty() const { return events.empty() && changes.empty(); }
};

// The journal of `tx` if it is the transaction RunInTransaction runs on
// this thread, else nullptr.
Journal* PendingJournal(pqxx::transaction_base& tx);

// Writes `journal` in one statement. Throws what libpqxx throws.
void WriteJournal(pqxx::transaction_base& tx, const Journal& journal);

}  // namespace hpedu::db::internal

#endif  // HPEDU_LIBS_DB_INTERNAL_JOURNAL_H_
