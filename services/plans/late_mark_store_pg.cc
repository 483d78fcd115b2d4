#include "services/plans/late_mark_store_pg.h"

#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "libs/api/dates.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "services/plans/internal/pg_rows.h"

namespace hpedu::plans {
namespace {

using internal::DayOfProto;
using internal::kWrite;
using internal::Statement;
using internal::UnitId;

class PostgresLateMarkStore final : public LateMarkStore {
 public:
  explicit PostgresLateMarkStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<std::vector<v1::LateMark>> RecordLateMarks(
      const server::CallContext& call,
      const std::vector<v1::LateMark>& marks) override;

 private:
  db::Pool& pool_;
};

// Every mark in one statement; the names of those not there before.
constexpr Statement kInsertMarks = {
    "plans_insert_late_marks",
    "INSERT INTO late_marks "
    "  (name, subject, title, unit_id, due_date, mark_date) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
    "                     $5::date[], $6::date[]) "
    "ON CONFLICT (name) DO NOTHING RETURNING name"};

absl::StatusOr<std::vector<v1::LateMark>>
PostgresLateMarkStore::RecordLateMarks(const server::CallContext& call,
                                       const std::vector<v1::LateMark>& marks) {
  if (marks.empty()) return std::vector<v1::LateMark>();
  std::vector<std::string> names, subjects, titles, units, due, marked;
  for (const v1::LateMark& mark : marks) {
    names.push_back(mark.name());
    subjects.push_back(mark.subject());
    titles.push_back(mark.title());
    units.push_back(UnitId(mark.unit()));
    due.push_back(api::FormatIsoDate(DayOfProto(mark.due_date())));
    marked.push_back(api::FormatIsoDate(DayOfProto(mark.mark_date())));
  }
  return db::InTransaction<std::vector<v1::LateMark>>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::vector<v1::LateMark>> {
        std::set<std::string> inserted;
        for (const pqxx::row& row :
             db::Params()
                 .Add(db::TextArrayLiteral(names))
                 .Add(db::TextArrayLiteral(subjects))
                 .Add(db::TextArrayLiteral(titles))
                 .Add(db::TextArrayLiteral(units))
                 .Add(db::TextArrayLiteral(due))
                 .Add(db::TextArrayLiteral(marked))
                 .Exec(tx, kInsertMarks.name)) {
          inserted.insert(row[0].as<std::string>());
        }
        std::vector<v1::LateMark> recorded;
        std::vector<feed::Written> changes;
        for (const v1::LateMark& mark : marks) {
          if (!inserted.contains(mark.name())) continue;
          audit::Record(tx, call, mark.name(), audit::ChangeOf(mark));
          changes.push_back(feed::Created(mark.name(), mark, mark.unit()));
          recorded.push_back(mark);
        }
        feed::Record(tx, call, changes);
        return recorded;
      });
}

}  // namespace

const std::vector<db::PreparedStatement>& LateMarkStatements() {
  static const auto* const kStatements =
      new std::vector<db::PreparedStatement>(
          internal::ToPrepared({kInsertMarks}));
  return *kStatements;
}

std::unique_ptr<LateMarkStore> NewPostgresLateMarkStore(db::Pool& pool) {
  return std::make_unique<PostgresLateMarkStore>(pool);
}

}  // namespace hpedu::plans
