#include "services/staffing/norm_store_pg.h"

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/status_macros.h"
#include "services/staffing/internal/pg_fields.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {
namespace {

using internal::Day;
using internal::EnumOf;
using internal::Iso;
using internal::kRead;
using internal::kWrite;
using internal::Text;

// The columns NormFromRow reads.
#define HPEDU_NORM_COLUMNS                                                   \
  "id, level, grade, sessions_per_day, subject, per_class_milli, max_pupils, " \
  "valid_from::text AS valid_from, valid_until::text AS valid_until, source "

// The columns StandardFromRow reads.
#define HPEDU_STANDARD_COLUMNS                                          \
  "id, level, minimum, valid_from::text AS valid_from, "                \
  "valid_until::text AS valid_until, source "

NormRule NormFromRow(const pqxx::row& row) {
  NormRule norm;
  norm.id = row["id"].as<int64_t>();
  norm.level = Text(row["level"]);
  norm.grade = Text(row["grade"]);
  norm.sessions_per_day = row["sessions_per_day"].as<int>();
  norm.subject = Text(row["subject"]);
  norm.teachers_per_class_milli = row["per_class_milli"].as<int64_t>();
  norm.max_pupils_per_class = row["max_pupils"].as<int>();
  norm.valid_from = Day(row["valid_from"]).value_or(absl::CivilDay());
  norm.valid_until = Day(row["valid_until"]);
  norm.source = Text(row["source"]);
  return norm;
}

StandardRule StandardFromRow(const pqxx::row& row) {
  StandardRule standard;
  standard.id = row["id"].as<int64_t>();
  standard.level = Text(row["level"]);
  standard.minimum = EnumOf(row["minimum"], &v1::Qualification_Parse);
  standard.valid_from = Day(row["valid_from"]).value_or(absl::CivilDay());
  standard.valid_until = Day(row["valid_until"]);
  standard.source = Text(row["source"]);
  return standard;
}

// A norm and a standard as the service returns them (staffing_service.cc):
// what the change feed records.
v1::Norm NormToProto(const NormRule& norm) {
  v1::Norm proto;
  proto.set_name(absl::StrCat("norms/", norm.id));
  proto.set_level(norm.level);
  proto.set_grade(norm.grade);
  proto.set_sessions_per_day(norm.sessions_per_day);
  proto.set_subject(norm.subject);
  proto.set_teachers_per_class(FormatMilli(norm.teachers_per_class_milli));
  proto.set_max_pupils_per_class(norm.max_pupils_per_class);
  *proto.mutable_valid_from() = api::ToProtoDate(norm.valid_from);
  if (norm.valid_until) {
    *proto.mutable_valid_until() = api::ToProtoDate(*norm.valid_until);
  }
  proto.set_source(norm.source);
  return proto;
}

v1::TrainingStandard StandardToProto(const StandardRule& standard) {
  v1::TrainingStandard proto;
  proto.set_name(absl::StrCat("trainingStandards/", standard.id));
  proto.set_level(standard.level);
  proto.set_minimum(standard.minimum);
  *proto.mutable_valid_from() = api::ToProtoDate(standard.valid_from);
  if (standard.valid_until) {
    *proto.mutable_valid_until() = api::ToProtoDate(*standard.valid_until);
  }
  proto.set_source(standard.source);
  return proto;
}

class PostgresNormStore final : public NormStore {
 public:
  explicit PostgresNormStore(db::Pool& pool) : pool_(pool) {}

  static constexpr char kNormByRequest[] = "staffing_norm_by_request";
  static constexpr char kNormByRequestSql[] =
      "SELECT " HPEDU_NORM_COLUMNS "FROM norms WHERE request_id = $1";
  static constexpr char kOpenNorm[] = "staffing_open_norm";
  static constexpr char kOpenNormSql[] =
      "SELECT id, valid_from::text AS valid_from FROM norms WHERE level = $1 "
      "  AND grade = $2 AND sessions_per_day = $3::int AND subject = $4 "
      "  AND valid_until IS NULL FOR UPDATE";
  static constexpr char kCloseNorm[] = "staffing_close_norm";
  static constexpr char kCloseNormSql[] =
      "UPDATE norms SET valid_until = $2::date WHERE id = $1::bigint "
      "RETURNING " HPEDU_NORM_COLUMNS;
  static constexpr char kInsertNorm[] = "staffing_insert_norm";
  static constexpr char kInsertNormSql[] =
      "INSERT INTO norms (level, grade, sessions_per_day, subject, "
      "  per_class_milli, max_pupils, valid_from, source, request_id) "
      "VALUES ($1, $2, $3::int, $4, $5::int, $6::int, $7::date, $8, $9) "
      "RETURNING " HPEDU_NORM_COLUMNS;
  absl::StatusOr<NormRule> CreateNorm(const server::CallContext& call,
                                      const NormRule& norm,
                                      const std::string& request_id) override {
    return db::InTransaction<NormRule>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<NormRule> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kNormByRequest);
            if (!earlier.empty()) return NormFromRow(earlier[0]);
          }
          const pqxx::result open = db::Params()
                                        .Add(norm.level)
                                        .Add(norm.grade)
                                        .Add(std::to_string(norm.sessions_per_day))
                                        .Add(norm.subject)
                                        .Exec(tx, kOpenNorm);
          std::vector<feed::Written> changes;
          if (!open.empty()) {
            RETURN_IF_ERROR(CheckNewerNorm(*Day(open[0]["valid_from"]),
                                           norm.valid_from));
            const v1::Norm closed =
                NormToProto(NormFromRow(db::Params()
                                            .Add(Text(open[0]["id"]))
                                            .Add(Iso(norm.valid_from))
                                            .Exec(tx, kCloseNorm)[0]));
            changes.push_back(feed::Updated(closed.name(), closed));
          }
          const NormRule created = NormFromRow(
              db::Params()
                  .Add(norm.level)
                  .Add(norm.grade)
                  .Add(std::to_string(norm.sessions_per_day))
                  .Add(norm.subject)
                  .Add(std::to_string(norm.teachers_per_class_milli))
                  .Add(std::to_string(norm.max_pupils_per_class))
                  .Add(Iso(norm.valid_from))
                  .Add(norm.source)
                  .AddOrNull(request_id)
                  .Exec(tx, kInsertNorm)[0]);
          audit::Record(tx, call, absl::StrCat("norms/", created.id),
                        {{"level", created.level}, {"grade", created.grade},
                         {"subject", created.subject},
                         {"teachers_per_class_milli", created.teachers_per_class_milli},
                         {"valid_from", Iso(created.valid_from)},
                         {"source", created.source}});
          const v1::Norm proto = NormToProto(created);
          changes.insert(changes.begin(), feed::Created(proto.name(), proto));
          feed::Record(tx, call, changes);
          return created;
        });
  }

  static constexpr char kListNorms[] = "staffing_list_norms";
  static constexpr char kListNormsSql[] =
      "SELECT " HPEDU_NORM_COLUMNS "FROM norms "
      "ORDER BY level, subject, grade, sessions_per_day, valid_from";
  absl::StatusOr<std::vector<NormRule>> ListNorms(
      const server::CallContext& call) override {
    return db::InTransaction<std::vector<NormRule>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<NormRule>> {
          std::vector<NormRule> norms;
          for (const pqxx::row& row : db::Params().Exec(tx, kListNorms)) {
            norms.push_back(NormFromRow(row));
          }
          return norms;
        });
  }

  static constexpr char kStandardByRequest[] = "staffing_standard_by_request";
  static constexpr char kStandardByRequestSql[] =
      "SELECT " HPEDU_STANDARD_COLUMNS
      "FROM training_standards WHERE request_id = $1";
  static constexpr char kOpenStandard[] = "staffing_open_standard";
  static constexpr char kOpenStandardSql[] =
      "SELECT id, valid_from::text AS valid_from FROM training_standards "
      "WHERE level = $1 AND valid_until IS NULL FOR UPDATE";
  static constexpr char kCloseStandard[] = "staffing_close_standard";
  static constexpr char kCloseStandardSql[] =
      "UPDATE training_standards SET valid_until = $2::date "
      "WHERE id = $1::bigint RETURNING " HPEDU_STANDARD_COLUMNS;
  static constexpr char kInsertStandard[] = "staffing_insert_standard";
  static constexpr char kInsertStandardSql[] =
      "INSERT INTO training_standards (level, minimum, valid_from, source, "
      "  request_id) VALUES ($1, $2, $3::date, $4, $5) "
      "RETURNING " HPEDU_STANDARD_COLUMNS;
  absl::StatusOr<StandardRule> CreateStandard(
      const server::CallContext& call, const StandardRule& standard,
      const std::string& request_id) override {
    return db::InTransaction<StandardRule>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<StandardRule> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kStandardByRequest);
            if (!earlier.empty()) return StandardFromRow(earlier[0]);
          }
          const pqxx::result open =
              db::Params().Add(standard.level).Exec(tx, kOpenStandard);
          std::vector<feed::Written> changes;
          if (!open.empty()) {
            RETURN_IF_ERROR(CheckNewerStandard(*Day(open[0]["valid_from"]),
                                               standard.valid_from));
            const v1::TrainingStandard closed = StandardToProto(
                StandardFromRow(db::Params()
                                    .Add(Text(open[0]["id"]))
                                    .Add(Iso(standard.valid_from))
                                    .Exec(tx, kCloseStandard)[0]));
            changes.push_back(feed::Updated(closed.name(), closed));
          }
          const StandardRule created = StandardFromRow(
              db::Params()
                  .Add(standard.level)
                  .Add(v1::Qualification_Name(standard.minimum))
                  .Add(Iso(standard.valid_from))
                  .Add(standard.source)
                  .AddOrNull(request_id)
                  .Exec(tx, kInsertStandard)[0]);
          audit::Record(tx, call, absl::StrCat("trainingStandards/", created.id),
                        {{"level", created.level},
                         {"minimum", v1::Qualification_Name(created.minimum)},
                         {"valid_from", Iso(created.valid_from)},
                         {"source", created.source}});
          const v1::TrainingStandard proto = StandardToProto(created);
          changes.insert(changes.begin(), feed::Created(proto.name(), proto));
          feed::Record(tx, call, changes);
          return created;
        });
  }

  static constexpr char kListStandards[] = "staffing_list_standards";
  static constexpr char kListStandardsSql[] =
      "SELECT " HPEDU_STANDARD_COLUMNS
      "FROM training_standards ORDER BY level, valid_from";
  absl::StatusOr<std::vector<StandardRule>> ListStandards(
      const server::CallContext& call) override {
    return db::InTransaction<std::vector<StandardRule>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<StandardRule>> {
          std::vector<StandardRule> standards;
          for (const pqxx::row& row : db::Params().Exec(tx, kListStandards)) {
            standards.push_back(StandardFromRow(row));
          }
          return standards;
        });
  }

 private:
  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& NormStatements() {
  using S = PostgresNormStore;
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {S::kNormByRequest, S::kNormByRequestSql},
      {S::kOpenNorm, S::kOpenNormSql},
      {S::kCloseNorm, S::kCloseNormSql},
      {S::kInsertNorm, S::kInsertNormSql},
      {S::kListNorms, S::kListNormsSql},
      {S::kStandardByRequest, S::kStandardByRequestSql},
      {S::kOpenStandard, S::kOpenStandardSql},
      {S::kCloseStandard, S::kCloseStandardSql},
      {S::kInsertStandard, S::kInsertStandardSql},
      {S::kListStandards, S::kListStandardsSql},
  };
  return *kStatements;
}

std::unique_ptr<NormStore> NewPostgresNormStore(db::Pool& pool) {
  return std::make_unique<PostgresNormStore>(pool);
}

}  // namespace hpedu::staffing
