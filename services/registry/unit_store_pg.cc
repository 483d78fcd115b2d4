#include "services/registry/unit_store_pg.h"

#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"
#include "services/registry/resolve.h"

namespace hpedu::registry {

using ::google::protobuf::util::TimeUtil;
namespace {

// The columns UnitFromRow reads, in order. Lists come as ';'-joined text:
// ids and enum names never contain ';'.
#define HPEDU_UNIT_COLUMNS                                                    \
  "u.id, u.kind, u.display_name, u.parent_id, "                               \
  "to_char(u.valid_from, 'YYYY-MM-DD'), to_char(u.valid_until, 'YYYY-MM-DD'), " \
  "array_to_string(u.school_levels, ';'), u.ownership, u.agency_role, "       \
  "u.short_name, u.generated, u.revision, "                                   \
  "(extract(epoch FROM u.create_time) * 1000000)::bigint, "                   \
  "(extract(epoch FROM u.update_time) * 1000000)::bigint, "                   \
  "(SELECT string_agg(l.predecessor_id, ';' ORDER BY l.predecessor_id) "      \
  "   FROM unit_lineage l WHERE l.successor_id = u.id), "                     \
  "(SELECT string_agg(l.successor_id, ';' ORDER BY l.successor_id) "          \
  "   FROM unit_lineage l WHERE l.predecessor_id = u.id) "

// ListUnits' filters; a NULL parameter disables its filter.
#define HPEDU_UNIT_FILTERS                                                    \
  "WHERE ($1::text IS NULL OR u.kind = $1) "                                  \
  "  AND ($2::text IS NULL OR u.parent_id = $2) "                             \
  "  AND ($3::text IS NULL OR $3 = ANY (u.school_levels)) "                   \
  "  AND ($4::date IS NULL OR (u.valid_from <= $4 AND "                       \
  "       (u.valid_until IS NULL OR u.valid_until > $4))) "                   \
  "  AND ($5::text IS NULL OR u.search_name LIKE '%' || $5 || '%' ESCAPE '\\') "

constexpr char kGetUnit[] = "registry_get_unit";
constexpr char kGetUnitForUpdate[] = "registry_get_unit_for_update";
constexpr char kGetUnits[] = "registry_get_units";
constexpr char kGetUnitByRequest[] = "registry_get_unit_by_request";
constexpr char kListUnits[] = "registry_list_units";
constexpr char kCountUnits[] = "registry_count_units";
constexpr char kInsertUnit[] = "registry_insert_unit";
constexpr char kInsertLineage[] = "registry_insert_lineage";
constexpr char kCloseUnit[] = "registry_close_unit";
constexpr char kUpdateUnit[] = "registry_update_unit";
constexpr char kIsAncestor[] = "registry_is_ancestor";
constexpr char kResolveCandidates[] = "registry_resolve_candidates";

std::string UnitName(const std::string& id) { return "units/" + id; }

google::type::Date DateFromText(std::string_view text) {
  absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(text);
  // The column is a date and to_char formats it ISO: cannot fail.
  return api::ToProtoDate(day.ok() ? *day : absl::CivilDay());
}

std::vector<std::string> SplitIds(const pqxx::field& field) {
  if (field.is_null()) return {};
  return absl::StrSplit(field.c_str(), ';', absl::SkipEmpty());
}

v1::Unit UnitFromRow(const pqxx::row& row) {
  v1::Unit unit;
  unit.set_name(UnitName(row[0].c_str()));
  v1::UnitKind kind = v1::UNIT_KIND_UNSPECIFIED;
  v1::UnitKind_Parse(row[1].c_str(), &kind);
  unit.set_kind(kind);
  unit.set_display_name(row[2].c_str());
  if (!row[3].is_null()) unit.set_parent(UnitName(row[3].c_str()));
  *unit.mutable_valid_from() = DateFromText(row[4].c_str());
  if (!row[5].is_null()) *unit.mutable_valid_until() = DateFromText(row[5].c_str());
  if (kind == v1::SCHOOL) {
    v1::SchoolDetails* school = unit.mutable_school();
    for (const std::string& name : SplitIds(row[6])) {
      v1::SchoolLevel level = v1::SCHOOL_LEVEL_UNSPECIFIED;
      v1::SchoolLevel_Parse(name, &level);
      school->add_levels(level);
    }
    v1::Ownership ownership = v1::OWNERSHIP_UNSPECIFIED;
    if (!row[7].is_null()) v1::Ownership_Parse(row[7].c_str(), &ownership);
    school->set_ownership(ownership);
  }
  if (!row[8].is_null()) {
    v1::AgencyRole role = v1::AGENCY_ROLE_UNSPECIFIED;
    v1::AgencyRole_Parse(row[8].c_str(), &role);
    unit.mutable_agency()->set_role(role);
    if (!row[9].is_null()) unit.mutable_agency()->set_short_name(row[9].c_str());
  }
  unit.set_generated(row[10].as<bool>());
  unit.set_etag(api::EtagFromRevision(row[11].as<int64_t>()));
  *unit.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[12].as<int64_t>());
  *unit.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[13].as<int64_t>());
  for (const std::string& id : SplitIds(row[14])) unit.add_predecessors(UnitName(id));
  for (const std::string& id : SplitIds(row[15])) unit.add_successors(UnitName(id));
  return unit;
}

absl::Status UnitNotFound(const std::string& id) {
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có đơn vị ", UnitName(id),
                                       " (unit not found)")),
      "UNIT_NOT_FOUND", {{"name", UnitName(id)}});
}

// The stored units with `ids`, by id; missing ones are absent.
std::map<std::string, v1::Unit> LoadUnits(pqxx::transaction_base& tx,
                                          const std::set<std::string>& ids) {
  std::map<std::string, v1::Unit> units;
  if (ids.empty()) return units;
  const pqxx::result result =
      db::Params()
          .Add(db::TextArrayLiteral(std::vector<std::string>(ids.begin(), ids.end())))
          .Exec(tx, kGetUnits);
  for (const pqxx::row& row : result) {
    v1::Unit unit = UnitFromRow(row);
    units.emplace(UnitIdOf(unit.name()), std::move(unit));
  }
  return units;
}

std::optional<v1::Unit> LoadUnit(pqxx::transaction_base& tx,
                                 const std::string& statement,
                                 const std::string& key) {
  const pqxx::result result = db::Params().Add(key).Exec(tx, statement);
  if (result.empty()) return std::nullopt;
  return UnitFromRow(result[0]);
}

// The columns of `unit` that are derived or stored apart, for INSERT and
// UPDATE: school_levels, ownership, agency_role, short_name, short_key.
void AddDetails(const v1::Unit& unit, db::Params& params) {
  if (unit.has_school()) {
    std::vector<std::string> levels;
    for (int level : unit.school().levels()) {
      levels.push_back(v1::SchoolLevel_Name(level));
    }
    params.Add(db::TextArrayLiteral(levels));
    params.AddOrNull(unit.school().ownership() == v1::OWNERSHIP_UNSPECIFIED
                         ? ""
                         : v1::Ownership_Name(unit.school().ownership()));
  } else {
    params.AddNull().AddNull();
  }
  if (unit.has_agency()) {
    params.Add(v1::AgencyRole_Name(unit.agency().role()));
    params.AddOrNull(unit.agency().short_name());
    params.AddOrNull(unit.agency().short_name().empty()
                         ? ""
                         : ShortNameKey(unit.agency().short_name()));
  } else {
    params.AddNull().AddNull().AddNull();
  }
}

// Writes a plan from PlanUnitChanges: new units with their lineage, changed
// units, then the closing of predecessors. `request_id` goes with the
// created units (at most one, from CreateUnit).
void WritePlan(pqxx::transaction_base& tx, const std::vector<UnitRow>& rows,
               const UnitPlan& plan, const std::string& request_id) {
  for (const PlannedChange& change : plan.changes) {
    const v1::Unit& unit = rows[change.row].unit;
    const std::string id = UnitIdOf(unit.name());
    if (change.action == PlannedChange::Action::kCreate) {
      db::Params params;
      params.Add(id)
          .Add(v1::UnitKind_Name(unit.kind()))
          .Add(unit.display_name())
          .Add(hpedu::text::FoldForSearch(unit.display_name()))
          .Add(NameKey(unit.display_name()))
          .AddOrNull(UnitIdOf(unit.parent()))
          .Add(api::FormatIsoDate(absl::CivilDay(unit.valid_from().year(),
                                                 unit.valid_from().month(),
                                                 unit.valid_from().day())));
      AddDetails(unit, params);
      params.Add(unit.generated() ? "true" : "false").AddOrNull(request_id);
      params.Exec(tx, kInsertUnit);
      for (const std::string& predecessor : unit.predecessors()) {
        db::Params().Add(UnitIdOf(predecessor)).Add(id).Exec(tx, kInsertLineage);
      }
    } else if (change.action == PlannedChange::Action::kUpdate) {
      db::Params params;
      params.Add(id)
          .Add(unit.display_name())
          .Add(hpedu::text::FoldForSearch(unit.display_name()))
          .Add(NameKey(unit.display_name()))
          .AddOrNull(UnitIdOf(unit.parent()));
      AddDetails(unit, params);
      params.Exec(tx, kUpdateUnit);
    }
  }
  for (const PlannedClosure& closure : plan.closures) {
    db::Params().Add(closure.id).Add(api::FormatIsoDate(closure.day)).Exec(
        tx, kCloseUnit);
  }
}

// The units WritePlan wrote, as the change feed records them: created and
// updated ones in row order, then the predecessors it closed.
std::vector<feed::Written> PlanChanges(pqxx::transaction_base& tx,
                                       const std::vector<UnitRow>& rows,
                                       const UnitPlan& plan) {
  std::vector<std::pair<std::string, bool>> written;  // id, created
  for (const PlannedChange& change : plan.changes) {
    if (change.action == PlannedChange::Action::kCreate ||
        change.action == PlannedChange::Action::kUpdate) {
      written.emplace_back(UnitIdOf(rows[change.row].unit.name()),
                           change.action == PlannedChange::Action::kCreate);
    }
  }
  for (const PlannedClosure& closure : plan.closures) {
    written.emplace_back(closure.id, false);
  }
  std::set<std::string> ids;
  for (const auto& [id, created] : written) ids.insert(id);
  const std::map<std::string, v1::Unit> units = LoadUnits(tx, ids);
  std::vector<feed::Written> changes;
  for (const auto& [id, created] : written) {
    const auto unit = units.find(id);
    if (unit == units.end()) continue;
    const v1::Unit& value = unit->second;
    changes.push_back(created
                          ? feed::Created(value.name(), value, value.name())
                          : feed::Updated(value.name(), value, value.name()));
  }
  return changes;
}

// Every unit a set of rows names or refers to.
std::set<std::string> ReferencedIds(const std::vector<UnitRow>& rows) {
  std::set<std::string> ids;
  for (const UnitRow& row : rows) {
    ids.insert(UnitIdOf(row.unit.name()));
    if (!row.unit.parent().empty()) ids.insert(UnitIdOf(row.unit.parent()));
    for (const std::string& p : row.unit.predecessors()) ids.insert(UnitIdOf(p));
  }
  return ids;
}

const db::TransactionOptions kRead = {.isolation = db::Isolation::kReadCommitted,
                                      .read_only = true};
const db::TransactionOptions kReadSnapshot = {
    .isolation = db::Isolation::kRepeatableRead, .read_only = true};
const db::TransactionOptions kWrite = {.isolation = db::Isolation::kSerializable,
                                       .read_only = false};

class PostgresUnitStore final : public UnitStore {
 public:
  explicit PostgresUnitStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::Unit> GetUnit(const server::CallContext& call,
                                   const std::string& id) override {
    return db::InTransaction<v1::Unit>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Unit> {
          std::optional<v1::Unit> unit = LoadUnit(tx, kGetUnit, id);
          if (!unit) return UnitNotFound(id);
          return *std::move(unit);
        });
  }

  absl::StatusOr<std::vector<v1::Unit>> BatchGetUnits(
      const server::CallContext& call,
      const std::vector<std::string>& ids) override {
    return db::InTransaction<std::vector<v1::Unit>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<v1::Unit>> {
          const std::map<std::string, v1::Unit> found =
              LoadUnits(tx, std::set<std::string>(ids.begin(), ids.end()));
          std::vector<v1::Unit> units;
          std::vector<std::string> missing;
          for (const std::string& id : ids) {
            auto it = found.find(id);
            if (it == found.end()) {
              missing.push_back(UnitName(id));
            } else {
              units.push_back(it->second);
            }
          }
          if (!missing.empty()) {
            const std::string names = absl::StrJoin(missing, ", ");
            return WithErrorInfo(
                absl::NotFoundError(absl::StrCat(
                    "không có đơn vị (units not found): ", names)),
                "UNIT_NOT_FOUND", {{"names", names}});
          }
          return units;
        });
  }

  absl::StatusOr<UnitPage> ListUnits(const server::CallContext& call,
                                     const UnitListQuery& query) override {
    db::Params filters;
    filters
        .AddOrNull(query.kind == v1::UNIT_KIND_UNSPECIFIED
                       ? ""
                       : v1::UnitKind_Name(query.kind))
        .AddOrNull(query.parent_id)
        .AddOrNull(query.level == v1::SCHOOL_LEVEL_UNSPECIFIED
                       ? ""
                       : v1::SchoolLevel_Name(query.level));
    if (query.valid_on) {
      filters.Add(api::FormatIsoDate(*query.valid_on));
    } else {
      filters.AddNull();
    }
    filters.AddOrNull(db::EscapeLike(query.folded_search));

    db::Params page = filters;
    if (query.after) {
      page.Add(query.after->display_name).Add(query.after->id);
    } else {
      page.AddNull().AddNull();
    }
    // One more than asked, to know whether another page follows.
    page.Add(std::to_string(query.page_size + 1));

    return db::InTransaction<UnitPage>(
        pool_, call.deadline(), kReadSnapshot,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<UnitPage> {
          UnitPage result;
          const pqxx::result rows = page.Exec(tx, kListUnits);
          for (const pqxx::row& row : rows) {
            if (static_cast<int>(result.units.size()) == query.page_size) {
              result.more = true;
              break;
            }
            result.units.push_back(UnitFromRow(row));
          }
          result.total_size =
              filters.Exec(tx, kCountUnits)[0][0].as<int>();
          return result;
        });
  }

  absl::StatusOr<v1::Unit> CreateUnit(const server::CallContext& call,
                                      const UnitRow& row,
                                      const std::string& request_id) override {
    const std::string id = UnitIdOf(row.unit.name());
    const std::vector<UnitRow> rows = {row};
    return db::InTransaction<v1::Unit>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Unit> {
          if (!request_id.empty()) {
            std::optional<v1::Unit> earlier =
                LoadUnit(tx, kGetUnitByRequest, request_id);
            if (earlier) return *std::move(earlier);
          }
          if (LoadUnit(tx, kGetUnit, id)) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "đơn vị ", row.unit.name(),
                    " đã có (unit already exists)")),
                "UNIT_ALREADY_EXISTS", {{"name", row.unit.name()}});
          }
          const UnitPlan plan =
              PlanUnitChanges(rows, LoadUnits(tx, ReferencedIds(rows)));
          if (!plan.problems.empty()) {
            FieldViolations violations;
            for (const UnitProblem& problem : plan.problems) {
              violations.Add(absl::StrCat("unit.", problem.field),
                             problem.message);
            }
            return violations.ToStatus();
          }
          WritePlan(tx, rows, plan, request_id);
          v1::Unit created = *LoadUnit(tx, kGetUnit, id);
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          feed::Record(tx, call, PlanChanges(tx, rows, plan));
          return created;
        });
  }

  absl::StatusOr<v1::Unit> UpdateUnit(const server::CallContext& call,
                                      const UnitUpdate& update) override {
    return db::InTransaction<v1::Unit>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Unit> {
          std::optional<v1::Unit> current =
              LoadUnit(tx, kGetUnitForUpdate, update.id);
          if (!current) return UnitNotFound(update.id);
          RETURN_IF_ERROR(api::CheckEtag(update.etag, current->etag()));

          FieldViolations violations;
          v1::Unit next = *current;
          if (update.display_name) next.set_display_name(*update.display_name);
          if (update.parent_id) {
            next.clear_parent();
            if (!update.parent_id->empty()) {
              next.set_parent(UnitName(*update.parent_id));
              if (!LoadUnit(tx, kGetUnit, *update.parent_id)) {
                violations.Add("unit.parent",
                               absl::StrCat("không có đơn vị ", next.parent(),
                                            " (no such unit)"));
              } else if (db::Params()
                             .Add(*update.parent_id)
                             .Add(update.id)
                             .Exec(tx, kIsAncestor)[0][0]
                             .as<bool>()) {
                violations.Add("unit.parent",
                               "tạo thành vòng lặp (would make a cycle)");
              }
            }
          }
          if (update.school) {
            if (current->kind() != v1::SCHOOL) {
              violations.Add("unit.school",
                             "chỉ dành cho trường học (only for kind SCHOOL)");
            }
            *next.mutable_school() = *update.school;
          }
          if (update.agency) {
            if (current->kind() != v1::AGENCY) {
              violations.Add("unit.agency",
                             "chỉ dành cho cơ quan (only for kind AGENCY)");
            }
            *next.mutable_agency() = *update.agency;
          }
          RETURN_IF_ERROR(violations.ToStatus());

          db::Params params;
          params.Add(update.id)
              .Add(next.display_name())
              .Add(hpedu::text::FoldForSearch(next.display_name()))
              .Add(NameKey(next.display_name()))
              .AddOrNull(UnitIdOf(next.parent()));
          AddDetails(next, params);
          params.Exec(tx, kUpdateUnit);
          v1::Unit updated = *LoadUnit(tx, kGetUnit, update.id);
          audit::Record(tx, call, updated.name(), audit::ChangeOf(updated));
          feed::Record(
              tx, call,
              {feed::Updated(updated.name(), updated, updated.name())});
          return updated;
        });
  }

  absl::StatusOr<std::vector<v1::Unit>> FindResolveCandidates(
      const server::CallContext& call, const std::string& name_key,
      const std::string& short_key) override {
    return db::InTransaction<std::vector<v1::Unit>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<v1::Unit>> {
          std::vector<v1::Unit> units;
          for (const pqxx::row& row :
               db::Params().Add(name_key).Add(short_key).Exec(
                   tx, kResolveCandidates)) {
            units.push_back(UnitFromRow(row));
          }
          return units;
        });
  }

  absl::StatusOr<ImportCounts> ImportUnits(const server::CallContext& call,
                                           const std::vector<UnitRow>& rows,
                                           bool validate_only) override {
    db::TransactionOptions options = kWrite;
    options.read_only = validate_only;
    return db::InTransaction<ImportCounts>(
        pool_, call.deadline(), options,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<ImportCounts> {
          const UnitPlan plan =
              PlanUnitChanges(rows, LoadUnits(tx, ReferencedIds(rows)));
          if (!plan.problems.empty()) {
            return ImportProblemsToStatus(rows, plan.problems);
          }
          if (!validate_only) {
            WritePlan(tx, rows, plan, "");
            audit::Record(tx, call, "units",
                          {{"created", plan.counts.created},
                           {"updated", plan.counts.updated},
                           {"unchanged", plan.counts.unchanged}});
            feed::Record(tx, call, PlanChanges(tx, rows, plan));
          }
          return plan.counts;
        });
  }

 private:
  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& UnitStatements() {
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {kGetUnit, "SELECT " HPEDU_UNIT_COLUMNS "FROM units u WHERE u.id = $1"},
      {kGetUnitForUpdate, "SELECT " HPEDU_UNIT_COLUMNS
                          "FROM units u WHERE u.id = $1 FOR UPDATE OF u"},
      {kGetUnits, "SELECT " HPEDU_UNIT_COLUMNS
                  "FROM units u WHERE u.id = ANY ($1::text[])"},
      {kGetUnitByRequest, "SELECT " HPEDU_UNIT_COLUMNS
                          "FROM units u WHERE u.request_id = $1"},
      {kListUnits,
       "SELECT " HPEDU_UNIT_COLUMNS "FROM units u " HPEDU_UNIT_FILTERS
       "  AND ($6::text IS NULL OR (u.display_name COLLATE \"vi-x-icu\", u.id)"
       "       > ($6 COLLATE \"vi-x-icu\", $7::text)) "
       "ORDER BY u.display_name COLLATE \"vi-x-icu\", u.id "
       "LIMIT $8::int"},
      {kCountUnits, "SELECT count(*) FROM units u " HPEDU_UNIT_FILTERS},
      {kInsertUnit,
       "INSERT INTO units (id, kind, display_name, search_name, name_key, "
       "  parent_id, valid_from, school_levels, ownership, agency_role, "
       "  short_name, short_key, generated, request_id) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::text[], $9, $10, $11, "
       "  $12, $13::boolean, $14)"},
      {kInsertLineage,
       "INSERT INTO unit_lineage (predecessor_id, successor_id) "
       "VALUES ($1, $2)"},
      {kCloseUnit,
       "UPDATE units SET valid_until = $2::date, revision = revision + 1, "
       "  update_time = now() "
       "WHERE id = $1 AND valid_until IS NULL"},
      {kUpdateUnit,
       "UPDATE units SET display_name = $2, search_name = $3, name_key = $4, "
       "  parent_id = $5, school_levels = $6::text[], ownership = $7, "
       "  agency_role = $8, short_name = $9, short_key = $10, "
       "  revision = revision + 1, update_time = now() "
       "WHERE id = $1"},
      // Is $2 the unit $1 or one of its ancestors?
      {kIsAncestor,
       "WITH RECURSIVE up (id, parent_id) AS ("
       "  SELECT id, parent_id FROM units WHERE id = $1"
       "  UNION SELECT u.id, u.parent_id FROM units u"
       "        JOIN up ON u.id = up.parent_id) "
       "SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)"},
      // Units whose name or short name has the key, and all their successors.
      {kResolveCandidates,
       "WITH RECURSIVE found (id) AS ("
       "  SELECT id FROM units WHERE name_key = $1 OR short_key = $2"
       "  UNION SELECT l.successor_id FROM unit_lineage l"
       "        JOIN found f ON l.predecessor_id = f.id) "
       "SELECT " HPEDU_UNIT_COLUMNS
       "FROM units u WHERE u.id IN (SELECT id FROM found)"},
  };
  return *kStatements;
}

std::unique_ptr<UnitStore> NewPostgresUnitStore(db::Pool& pool) {
  return std::make_unique<PostgresUnitStore>(pool);
}

}  // namespace hpedu::registry
