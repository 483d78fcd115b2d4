#include "services/staffing/class_store_pg.h"

#include <map>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "services/staffing/internal/pg_fields.h"

namespace hpedu::staffing {
namespace {

using internal::Columns;
using internal::kAnalyzeAfterRows;
using internal::kRead;
using internal::kWrite;
using internal::Text;

// The columns ClassesFromRow reads.
#define HPEDU_CLASS_COLUMNS \
  "c.school, c.school_year, c.grade, c.sessions_per_day, c.classes, " \
  "c.pupils, c.generated "

// A school_classes row (school as an id).
v1::SchoolClasses ClassesFromRow(const pqxx::row& row) {
  v1::SchoolClasses c;
  c.set_school(Text(row["school"]));
  c.set_school_year(Text(row["school_year"]));
  c.set_grade(Text(row["grade"]));
  c.set_sessions_per_day(row["sessions_per_day"].as<int>());
  c.set_classes(row["classes"].as<int>());
  c.set_pupils(row["pupils"].as<int>());
  c.set_generated(row["generated"].as<bool>());
  return c;
}

class PostgresClassStore final : public ClassStore {
 public:
  explicit PostgresClassStore(db::Pool& pool) : pool_(pool) {}

  static constexpr char kExistingClasses[] = "staffing_existing_classes";
  static constexpr char kExistingClassesSql[] =
      "SELECT " HPEDU_CLASS_COLUMNS "FROM school_classes c "
      "JOIN (SELECT DISTINCT y, s FROM unnest($1::text[], $2::text[]) "
      "  AS t(y, s)) k ON c.school_year = k.y AND c.school = k.s";
  static constexpr char kUpsertClasses[] = "staffing_upsert_classes";
  static constexpr char kUpsertClassesSql[] =
      "INSERT INTO school_classes (school, school_year, grade, "
      "  sessions_per_day, classes, pupils, generated) "
      "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], "
      "  $5::int[], $6::int[], $7::boolean[]) "
      "ON CONFLICT (school_year, school, grade, sessions_per_day) DO UPDATE "
      "  SET classes = excluded.classes, pupils = excluded.pupils, "
      "  generated = excluded.generated";
  static constexpr char kAnalyzeClasses[] = "staffing_analyze_classes";
  static constexpr char kAnalyzeClassesSql[] = "ANALYZE school_classes";
  absl::StatusOr<ImportCounts> ImportClasses(
      const server::CallContext& call, const std::vector<ClassLine>& lines,
      bool validate_only) override {
    db::TransactionOptions options = kWrite;
    options.read_only = validate_only;
    return db::InTransaction<ImportCounts>(
        pool_, call.deadline(), options,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<ImportCounts> {
          std::vector<std::string> years;
          std::vector<std::string> schools;
          for (const ClassLine& line : lines) {
            years.push_back(line.classes.school_year());
            schools.push_back(line.classes.school());
          }
          using Key = std::tuple<std::string, std::string, std::string, int>;
          std::map<Key, std::tuple<int, int, bool>> existing;
          for (const pqxx::row& row : db::Params()
                                          .Add(db::TextArrayLiteral(years))
                                          .Add(db::TextArrayLiteral(schools))
                                          .Exec(tx, kExistingClasses)) {
            const v1::SchoolClasses c = ClassesFromRow(row);
            existing[{c.school(), c.school_year(), c.grade(), c.sessions_per_day()}] =
                {c.classes(), c.pupils(), c.generated()};
          }
          ImportCounts counts;
          Columns upserts(7);
          std::vector<feed::Written> changes;
          for (const ClassLine& line : lines) {
            const v1::SchoolClasses& c = line.classes;
            auto it = existing.find(
                {c.school(), c.school_year(), c.grade(), c.sessions_per_day()});
            if (it != existing.end() &&
                it->second == std::make_tuple(c.classes(), c.pupils(),
                                              c.generated())) {
              ++counts.unchanged;
              continue;
            }
            ++(it == existing.end() ? counts.created : counts.updated);
            upserts.Row({c.school(), c.school_year(), c.grade(),
                         std::to_string(c.sessions_per_day()),
                         std::to_string(c.classes()), std::to_string(c.pupils()),
                         c.generated() ? "true" : "false"});
            // As ListSchoolClasses reads it, named by its key (it has no
            // name of its own in the API).
            v1::SchoolClasses written = c;
            written.set_school("units/" + c.school());
            const std::string name =
                absl::StrCat("schoolClasses/", c.school(), "~", c.school_year(),
                             "~", c.grade(), "~", c.sessions_per_day());
            changes.push_back(
                it == existing.end()
                    ? feed::Created(name, written, written.school())
                    : feed::Updated(name, written, written.school()));
          }
          if (!validate_only) {
            upserts.Exec(tx, kUpsertClasses);
            audit::Record(tx, call, "schoolClasses",
                          {{"created", counts.created}, {"updated", counts.updated},
                           {"unchanged", counts.unchanged}});
          }
          if (!validate_only && lines.size() >= kAnalyzeAfterRows) {
            db::Params().Exec(tx, kAnalyzeClasses);
          }
          if (!validate_only) feed::Record(tx, call, changes);
          return counts;
        });
  }

  static constexpr char kListClasses[] = "staffing_list_classes";
  static constexpr char kListClassesSql[] =
      "SELECT " HPEDU_CLASS_COLUMNS "FROM school_classes c "
      "WHERE c.school_year = $1 "
      "  AND ($2::text[] IS NULL OR c.school = ANY($2::text[])) "
      "ORDER BY c.school, length(c.grade), c.grade, c.sessions_per_day";
  absl::StatusOr<std::vector<v1::SchoolClasses>> ListClasses(
      const server::CallContext& call, const std::string& school_year,
      const std::vector<std::string>& schools) override {
    return db::InTransaction<std::vector<v1::SchoolClasses>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<v1::SchoolClasses>> {
          db::Params params;
          params.Add(school_year);
          if (schools.empty()) {
            params.AddNull();
          } else {
            params.Add(db::TextArrayLiteral(schools));
          }
          std::vector<v1::SchoolClasses> result;
          for (const pqxx::row& row : params.Exec(tx, kListClasses)) {
            v1::SchoolClasses& c = result.emplace_back(ClassesFromRow(row));
            c.set_school("units/" + c.school());
          }
          return result;
        });
  }

  static constexpr char kCountClasses[] = "staffing_count_classes";
  static constexpr char kCountClassesSql[] =
      "SELECT " HPEDU_CLASS_COLUMNS "FROM school_classes c "
      "WHERE c.school_year = $1";
  absl::StatusOr<std::vector<ClassCount>> CountClasses(
      const server::CallContext& call, const std::string& school_year) override {
    return db::InTransaction<std::vector<ClassCount>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<ClassCount>> {
          std::vector<ClassCount> counts;
          for (const pqxx::row& row :
               db::Params().Add(school_year).Exec(tx, kCountClasses)) {
            const v1::SchoolClasses c = ClassesFromRow(row);
            counts.push_back({c.school(), c.grade(), c.sessions_per_day(),
                              c.classes(), c.pupils()});
          }
          return counts;
        });
  }

 private:
  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& ClassStatements() {
  using S = PostgresClassStore;
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {S::kExistingClasses, S::kExistingClassesSql},
      {S::kUpsertClasses, S::kUpsertClassesSql},
      {S::kAnalyzeClasses, S::kAnalyzeClassesSql},
      {S::kListClasses, S::kListClassesSql},
      {S::kCountClasses, S::kCountClassesSql},
  };
  return *kStatements;
}

std::unique_ptr<ClassStore> NewPostgresClassStore(db::Pool& pool) {
  return std::make_unique<PostgresClassStore>(pool);
}

}  // namespace hpedu::staffing
