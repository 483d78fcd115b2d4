#include "services/staffing/staff_store_pg.h"

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/csv/line_errors.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/staffing/internal/pg_fields.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {
namespace {

using ::google::protobuf::util::TimeUtil;
using internal::Columns;
using internal::Day;
using internal::EnumOf;
using internal::Iso;
using internal::kAnalyzeAfterRows;
using internal::kRead;
using internal::kWrite;
using internal::Text;
using internal::UnitId;

// The columns StaffFromRow reads: the record, its placement on $2 and its
// qualifications.
#define HPEDU_STAFF_COLUMNS                                                  \
  "s.id, s.display_name, s.birth_year, s.sex, s.employment, s.generated, "  \
  "s.revision, "                                                            \
  "(extract(epoch FROM s.create_time) * 1000000)::bigint AS create_micros, " \
  "(extract(epoch FROM s.update_time) * 1000000)::bigint AS update_micros, " \
  "p.school, p.position, p.level, p.subject, q.qualification, "             \
  "q.awarded_on::text AS awarded_on, hq.qualification AS counted_qualification "

// The qualification records show (the highest) and the one that counts on
// $2 (the highest awarded by then).
#define HPEDU_STAFF_QUALIFICATIONS                                           \
  "LEFT JOIN LATERAL (SELECT qualification, awarded_on FROM qualifications " \
  "  WHERE staff_id = s.id ORDER BY rank DESC LIMIT 1) q ON true "          \
  "LEFT JOIN LATERAL (SELECT qualification FROM qualifications "            \
  "  WHERE staff_id = s.id AND (awarded_on IS NULL OR awarded_on <= $2::date) " \
  "  ORDER BY rank DESC LIMIT 1) hq ON true "

#define HPEDU_ON_DAY(p, day) \
  p ".valid_from <= " day " AND (" p ".valid_until IS NULL OR " p ".valid_until > " day ") "

// The columns MovementFromRow reads.
#define HPEDU_MOVEMENT_COLUMNS                                                \
  "m.staff_id, m.id, m.kind, m.effective_date::text AS effective_date, "     \
  "m.end_date::text AS end_date, m.school, m.position, m.level, m.subject, " \
  "m.prev_school, m.prev_position, m.prev_level, m.prev_subject, m.decision, " \
  "(extract(epoch FROM m.create_time) * 1000000)::bigint AS create_micros "

int RankOf(v1::Qualification q) { return static_cast<int>(q); }

absl::Status StaffNotFound(const std::string& id) {
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có cán bộ staff/", id,
                                       " (staff member not found)")),
      "STAFF_NOT_FOUND", {{"name", "staff/" + id}});
}

// The placement in the columns `prefix` + school, position, level, subject.
v1::Placement PlacementOf(const pqxx::row& row, const std::string& prefix) {
  v1::Placement placement;
  placement.set_school("units/" + Text(row[prefix + "school"]));
  placement.set_position(EnumOf(row[prefix + "position"], &v1::Position_Parse));
  placement.set_level(Text(row[prefix + "level"]));
  placement.set_subject(Text(row[prefix + "subject"]));
  return placement;
}

v1::StaffMember StaffFromRow(const pqxx::row& row, absl::CivilDay day,
                             const std::vector<StandardRule>& standards) {
  v1::StaffMember member;
  member.set_name("staff/" + Text(row["id"]));
  member.set_display_name(Text(row["display_name"]));
  member.set_birth_year(row["birth_year"].as<int>());
  member.set_sex(EnumOf(row["sex"], &v1::Sex_Parse));
  member.set_employment(EnumOf(row["employment"], &v1::Employment_Parse));
  member.set_generated(row["generated"].as<bool>());
  member.set_etag(api::EtagFromRevision(row["revision"].as<int64_t>()));
  *member.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row["create_micros"].as<int64_t>());
  *member.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(row["update_micros"].as<int64_t>());
  if (!row["school"].is_null()) *member.mutable_placement() = PlacementOf(row, "");
  member.set_qualification(EnumOf(row["qualification"], &v1::Qualification_Parse));
  if (std::optional<absl::CivilDay> awarded = Day(row["awarded_on"])) {
    *member.mutable_qualification_date() = api::ToProtoDate(*awarded);
  }
  *member.mutable_as_of() = api::ToProtoDate(day);
  if (member.has_placement() && member.placement().position() == v1::TEACHER) {
    member.set_standard_status(Classify(
        standards, member.placement().level(),
        EnumOf(row["counted_qualification"], &v1::Qualification_Parse), day));
  }
  return member;
}

v1::Movement MovementFromRow(const pqxx::row& row) {
  v1::Movement movement;
  movement.set_name(absl::StrCat("staff/", Text(row["staff_id"]), "/movements/",
                                 Text(row["id"])));
  movement.set_kind(EnumOf(row["kind"], &v1::MovementKind_Parse));
  if (auto day = Day(row["effective_date"])) {
    *movement.mutable_effective_date() = api::ToProtoDate(*day);
  }
  if (auto day = Day(row["end_date"])) {
    *movement.mutable_end_date() = api::ToProtoDate(*day);
  }
  if (!row["school"].is_null()) *movement.mutable_placement() = PlacementOf(row, "");
  if (!row["prev_school"].is_null()) {
    *movement.mutable_previous() = PlacementOf(row, "prev_");
  }
  movement.set_decision(Text(row["decision"]));
  *movement.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row["create_micros"].as<int64_t>());
  return movement;
}

// The training standards a record's status is classified against (the
// norm store's rows, read in this transaction).
constexpr char kStaffStandards[] = "staffing_staff_standards";
constexpr char kStaffStandardsSql[] =
    "SELECT id, level, minimum, valid_from::text AS valid_from, "
    "  valid_until::text AS valid_until, source "
    "FROM training_standards ORDER BY level, valid_from";
std::vector<StandardRule> LoadStandards(pqxx::transaction_base& tx) {
  std::vector<StandardRule> standards;
  for (const pqxx::row& row : db::Params().Exec(tx, kStaffStandards)) {
    StandardRule& standard = standards.emplace_back();
    standard.id = row["id"].as<int64_t>();
    standard.level = Text(row["level"]);
    standard.minimum = EnumOf(row["minimum"], &v1::Qualification_Parse);
    standard.valid_from = Day(row["valid_from"]).value_or(absl::CivilDay());
    standard.valid_until = Day(row["valid_until"]);
    standard.source = Text(row["source"]);
  }
  return standards;
}

constexpr char kGetStaff[] = "staffing_get_staff";
constexpr char kGetStaffSql[] =
    "SELECT " HPEDU_STAFF_COLUMNS "FROM staff s "
    "LEFT JOIN placements p ON p.staff_id = s.id AND "
    HPEDU_ON_DAY("p", "$2::date") HPEDU_STAFF_QUALIFICATIONS
    "WHERE s.id = $1";
std::optional<v1::StaffMember> LoadStaff(pqxx::transaction_base& tx,
                                         const std::string& id,
                                         absl::CivilDay day) {
  const pqxx::result result = db::Params().Add(id).Add(Iso(day)).Exec(tx, kGetStaff);
  if (result.empty()) return std::nullopt;
  return StaffFromRow(result[0], day, LoadStandards(tx));
}

// The school a record is placed in on its as_of day, "units/{id}" ("" if
// not placed then): the unit of its changes in the feed.
std::string UnitOf(const v1::StaffMember& member) {
  return member.has_placement() ? member.placement().school() : "";
}

// The school a movement places the person in (the one left, LEAVING).
std::string UnitOf(const v1::Movement& movement) {
  return movement.has_placement() ? movement.placement().school()
                                  : movement.previous().school();
}

class PostgresStaffStore final : public StaffStore {
 public:
  explicit PostgresStaffStore(db::Pool& pool) : pool_(pool) {}

  static constexpr char kLockStaff[] = "staffing_lock_staff";
  static constexpr char kLockStaffSql[] =
      "SELECT id FROM staff WHERE id = $1 FOR UPDATE";

  static constexpr char kListStaff[] = "staffing_list_staff";
  static constexpr char kListStaffSql[] =
      "SELECT " HPEDU_STAFF_COLUMNS "FROM staff s "
      "JOIN placements p ON p.staff_id = s.id AND " HPEDU_ON_DAY("p", "$2::date")
      HPEDU_STAFF_QUALIFICATIONS
      "WHERE s.id > $1 AND ($3::text[] IS NULL OR p.school = ANY($3::text[])) "
      "  AND ($4::text IS NULL OR p.position = $4) "
      "  AND ($5::text IS NULL OR p.level = $5) "
      "ORDER BY s.id LIMIT $6::int";
  absl::StatusOr<v1::StaffMember> GetStaff(const server::CallContext& call,
                                           const std::string& id,
                                           absl::CivilDay day) override {
    return db::InTransaction<v1::StaffMember>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::StaffMember> {
          std::optional<v1::StaffMember> member = LoadStaff(tx, id, day);
          if (!member) return StaffNotFound(id);
          return *std::move(member);
        });
  }

  absl::StatusOr<std::pair<std::vector<v1::StaffMember>, bool>> ListStaff(
      const server::CallContext& call, const StaffQuery& query) override {
    using Page = std::pair<std::vector<v1::StaffMember>, bool>;
    return db::InTransaction<Page>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Page> {
          db::Params params;
          params.Add(query.after_id).Add(Iso(query.day));
          if (query.schools.empty()) {
            params.AddNull();
          } else {
            params.Add(db::TextArrayLiteral(query.schools));
          }
          params
              .AddOrNull(query.position == v1::POSITION_UNSPECIFIED
                             ? ""
                             : v1::Position_Name(query.position))
              .AddOrNull(query.level)
              .Add(std::to_string(query.page_size + 1));
          const std::vector<StandardRule> standards = LoadStandards(tx);
          Page page;
          for (const pqxx::row& row : params.Exec(tx, kListStaff)) {
            if (static_cast<int>(page.first.size()) == query.page_size) {
              page.second = true;
              break;
            }
            page.first.push_back(StaffFromRow(row, query.day, standards));
          }
          return page;
        });
  }

  static constexpr char kStaffByRequest[] = "staffing_staff_by_request";
  static constexpr char kStaffByRequestSql[] =
      "SELECT id FROM staff WHERE request_id = $1";
  static constexpr char kInsertStaff[] = "staffing_insert_staff";
  static constexpr char kInsertStaffSql[] =
      "INSERT INTO staff (id, display_name, birth_year, sex, employment, "
      "  generated, request_id) "
      "VALUES ($1, $2, $3::int, $4, $5, $6::boolean, $7)";
  absl::StatusOr<v1::StaffMember> CreateStaff(
      const server::CallContext& call, const std::string& id,
      const v1::StaffMember& member, const v1::Placement& placement,
      absl::CivilDay start, const std::string& decision,
      const std::string& request_id) override {
    return db::InTransaction<v1::StaffMember>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::StaffMember> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kStaffByRequest);
            if (!earlier.empty()) {
              return *LoadStaff(tx, Text(earlier[0]["id"]), start);
            }
          }
          if (!db::Params().Add(id).Exec(tx, kLockStaff).empty()) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "cán bộ staff/", id, " đã có (staff member exists)")),
                "STAFF_ALREADY_EXISTS", {{"name", "staff/" + id}});
          }
          db::Params()
              .Add(id)
              .Add(member.display_name())
              .Add(std::to_string(member.birth_year()))
              .Add(v1::Sex_Name(member.sex()))
              .Add(v1::Employment_Name(member.employment()))
              .Add(member.generated() ? "true" : "false")
              .AddOrNull(request_id)
              .Exec(tx, kInsertStaff);
          UpsertQualification(tx, id, member);
          InsertPlacement(tx, id, start, std::nullopt, placement);
          const v1::Movement appointment =
              InsertMovement(tx, id, "APPOINTMENT", start, std::nullopt,
                             &placement, nullptr, decision, "");
          // Who and where, never the name or birth year.
          audit::Record(tx, call, "staff/" + id,
                        {{"created", true},
                         {"placement", audit::ChangeOf(placement)},
                         {"start_date", Iso(start)}});
          v1::StaffMember created = *LoadStaff(tx, id, start);
          feed::Record(tx, call,
                       {feed::Created(created.name(), created, UnitOf(created)),
                        feed::Created(appointment.name(), appointment,
                                      UnitOf(appointment))});
          return created;
        });
  }

  static constexpr char kUpdateStaff[] = "staffing_update_staff";
  static constexpr char kUpdateStaffSql[] =
      "UPDATE staff SET display_name = $2, birth_year = $3::int, sex = $4, "
      "  employment = $5, revision = revision + 1, update_time = now() "
      "WHERE id = $1";
  absl::StatusOr<v1::StaffMember> UpdateStaff(
      const server::CallContext& call, const StaffUpdate& update) override {
    return db::InTransaction<v1::StaffMember>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::StaffMember> {
          const absl::CivilDay today = api::TodayInVietnam();
          if (db::Params().Add(update.id).Exec(tx, kLockStaff).empty()) {
            return StaffNotFound(update.id);
          }
          std::optional<v1::StaffMember> current = LoadStaff(tx, update.id, today);
          RETURN_IF_ERROR(api::CheckEtag(update.etag, current->etag()));
          v1::StaffMember next = *current;
          const v1::StaffMember& f = update.fields;
          bool qualification = false;
          for (const std::string& path : update.paths) {
            if (path == "display_name") next.set_display_name(f.display_name());
            if (path == "birth_year") next.set_birth_year(f.birth_year());
            if (path == "sex") next.set_sex(f.sex());
            if (path == "employment") next.set_employment(f.employment());
            if (path == "qualification" || path == "qualification_date") {
              qualification = true;
            }
          }
          db::Params()
              .Add(update.id)
              .Add(next.display_name())
              .Add(std::to_string(next.birth_year()))
              .Add(v1::Sex_Name(next.sex()))
              .Add(v1::Employment_Name(next.employment()))
              .Exec(tx, kUpdateStaff);
          if (qualification) UpsertQualification(tx, update.id, f);
          audit::Record(tx, call, "staff/" + update.id,
                        {{"updated_fields", update.paths}});
          v1::StaffMember updated = *LoadStaff(tx, update.id, today);
          feed::Record(
              tx, call,
              {feed::Updated(updated.name(), updated, UnitOf(updated))});
          return updated;
        });
  }

  static constexpr char kMovementByRequest[] = "staffing_movement_by_request";
  static constexpr char kMovementByRequestSql[] =
      "SELECT " HPEDU_MOVEMENT_COLUMNS "FROM movements m WHERE m.request_id = $1";
  static constexpr char kOpenPlacement[] = "staffing_open_placement";
  static constexpr char kOpenPlacementSql[] =
      "SELECT valid_from::text AS valid_from, school, position, level, subject "
      "FROM placements WHERE staff_id = $1 AND valid_until IS NULL";
  static constexpr char kLastPlacementEnd[] = "staffing_last_placement_end";
  static constexpr char kLastPlacementEndSql[] =
      "SELECT max(valid_until)::text AS last_left FROM placements "
      "WHERE staff_id = $1";
  static constexpr char kClosePlacement[] = "staffing_close_placement";
  static constexpr char kClosePlacementSql[] =
      "UPDATE placements SET valid_until = $3::date "
      "WHERE staff_id = $1 AND valid_from = $2::date";
  absl::StatusOr<v1::Movement> CreateMovement(
      const server::CallContext& call, const std::string& staff_id,
      const v1::Movement& movement, const std::string& request_id) override {
    return db::InTransaction<v1::Movement>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Movement> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kMovementByRequest);
            if (!earlier.empty()) return MovementFromRow(earlier[0]);
          }
          if (db::Params().Add(staff_id).Exec(tx, kLockStaff).empty()) {
            return StaffNotFound(staff_id);
          }
          const absl::CivilDay day = *api::FromProtoDate(
              movement.effective_date(), "movement.effective_date");
          std::optional<absl::CivilDay> end;
          if (movement.has_end_date()) {
            end = *api::FromProtoDate(movement.end_date(), "movement.end_date");
          }
          const std::string kind = v1::MovementKind_Name(movement.kind());
          auto recorded = [&](v1::Movement written) {
            audit::Record(tx, call, written.name(), audit::ChangeOf(written));
            feed::Record(
                tx, call,
                {feed::Created(written.name(), written, UnitOf(written))});
            return written;
          };
          const pqxx::result open =
              db::Params().Add(staff_id).Exec(tx, kOpenPlacement);
          const std::optional<absl::CivilDay> open_from =
              open.empty() ? std::nullopt : Day(open[0]["valid_from"]);
          const std::optional<absl::CivilDay> last_left = Day(
              db::Params().Add(staff_id).Exec(tx, kLastPlacementEnd)[0]["last_left"]);
          RETURN_IF_ERROR(CheckMovementFits(staff_id, movement.kind(), open_from,
                                            last_left, day));
          if (movement.kind() == v1::APPOINTMENT) {
            InsertPlacement(tx, staff_id, day, std::nullopt, movement.placement());
            return recorded(InsertMovement(tx, staff_id, kind, day, std::nullopt,
                                           &movement.placement(), nullptr,
                                           movement.decision(), request_id));
          }
          const v1::Placement previous = PlacementOf(open[0], "");
          db::Params()
              .Add(staff_id)
              .Add(Iso(*open_from))
              .Add(Iso(day))
              .Exec(tx, kClosePlacement);
          if (movement.kind() == v1::LEAVING) {
            return recorded(InsertMovement(tx, staff_id, kind, day, std::nullopt,
                                           nullptr, &previous, movement.decision(),
                                           request_id));
          }
          InsertPlacement(tx, staff_id, day, end, movement.placement());
          if (movement.kind() == v1::SECONDMENT) {
            // Back home on end_date.
            InsertPlacement(tx, staff_id, *end, std::nullopt, previous);
          }
          return recorded(InsertMovement(tx, staff_id, kind, day, end,
                                         &movement.placement(), &previous,
                                         movement.decision(), request_id));
        });
  }

  static constexpr char kStaffExists[] = "staffing_staff_exists";
  static constexpr char kStaffExistsSql[] = "SELECT id FROM staff WHERE id = $1";
  static constexpr char kListMovements[] = "staffing_list_movements";
  static constexpr char kListMovementsSql[] =
      "SELECT " HPEDU_MOVEMENT_COLUMNS "FROM movements m WHERE m.staff_id = $1 "
      "ORDER BY m.effective_date, m.id";
  absl::StatusOr<std::vector<v1::Movement>> ListMovements(
      const server::CallContext& call, const std::string& staff_id) override {
    return db::InTransaction<std::vector<v1::Movement>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<v1::Movement>> {
          if (db::Params().Add(staff_id).Exec(tx, kStaffExists).empty()) {
            return StaffNotFound(staff_id);
          }
          std::vector<v1::Movement> movements;
          for (const pqxx::row& row :
               db::Params().Add(staff_id).Exec(tx, kListMovements)) {
            movements.push_back(MovementFromRow(row));
          }
          return movements;
        });
  }

  absl::StatusOr<ImportCounts> ImportRoster(
      const server::CallContext& call, const std::vector<RosterLine>& lines,
      bool validate_only) override {
    db::TransactionOptions options = kWrite;
    options.read_only = validate_only;
    return db::InTransaction<ImportCounts>(
        pool_, call.deadline(), options,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<ImportCounts> {
          std::vector<std::pair<const RosterLine*, bool>> written;
          ASSIGN_OR_RETURN(const ImportCounts counts,
                           Roster(tx, lines, validate_only, written));
          if (!validate_only) {
            audit::Record(tx, call, "staff",
                          {{"roster_import", true}, {"created", counts.created},
                           {"updated", counts.updated},
                           {"unchanged", counts.unchanged}});
            feed::Record(tx, call, RosterChanges(tx, written));
          }
          return counts;
        });
  }

  static constexpr char kCountTeachers[] = "staffing_count_teachers";
  static constexpr char kCountTeachersSql[] =
      "SELECT p.school, p.level, p.subject, count(*) AS teachers "
      "FROM placements p "
      "WHERE p.position = 'TEACHER' AND " HPEDU_ON_DAY("p", "$1::date")
      "GROUP BY 1, 2, 3";
  absl::StatusOr<std::vector<TeacherCount>> CountTeachers(
      const server::CallContext& call, absl::CivilDay day) override {
    return db::InTransaction<std::vector<TeacherCount>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<TeacherCount>> {
          std::vector<TeacherCount> counts;
          for (const pqxx::row& row :
               db::Params().Add(Iso(day)).Exec(tx, kCountTeachers)) {
            counts.push_back({Text(row["school"]), Text(row["level"]),
                              Text(row["subject"]), row["teachers"].as<int64_t>()});
          }
          return counts;
        });
  }

  static constexpr char kCountQualifications[] = "staffing_count_qualifications";
  static constexpr char kCountQualificationsSql[] =
      "SELECT p.school, p.level, coalesce(q.best, 0) AS best_rank, "
      "  count(*) AS teachers "
      "FROM placements p "
      "LEFT JOIN LATERAL (SELECT max(rank) AS best FROM qualifications q "
      "  WHERE q.staff_id = p.staff_id AND (q.awarded_on IS NULL OR "
      "  q.awarded_on <= $1::date)) q ON true "
      "WHERE p.position = 'TEACHER' AND " HPEDU_ON_DAY("p", "$1::date")
      "GROUP BY 1, 2, 3";
  absl::StatusOr<std::vector<QualificationCount>> CountQualifications(
      const server::CallContext& call, absl::CivilDay day) override {
    return db::InTransaction<std::vector<QualificationCount>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<QualificationCount>> {
          std::vector<QualificationCount> counts;
          for (const pqxx::row& row :
               db::Params().Add(Iso(day)).Exec(tx, kCountQualifications)) {
            counts.push_back(
                {Text(row["school"]), Text(row["level"]),
                 static_cast<v1::Qualification>(row["best_rank"].as<int>()),
                 row["teachers"].as<int64_t>()});
          }
          return counts;
        });
  }

  static constexpr char kCountHeadcount[] = "staffing_count_headcount";
  static constexpr char kCountHeadcountSql[] =
      "SELECT p.school, p.position, s.employment, p.level, count(*) AS staff "
      "FROM placements p JOIN staff s ON s.id = p.staff_id "
      "WHERE " HPEDU_ON_DAY("p", "$1::date") "GROUP BY 1, 2, 3, 4";
  absl::StatusOr<std::vector<HeadcountRow>> CountHeadcount(
      const server::CallContext& call, absl::CivilDay day) override {
    return db::InTransaction<std::vector<HeadcountRow>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<HeadcountRow>> {
          std::vector<HeadcountRow> rows;
          for (const pqxx::row& row :
               db::Params().Add(Iso(day)).Exec(tx, kCountHeadcount)) {
            rows.push_back({Text(row["school"]),
                            EnumOf(row["position"], &v1::Position_Parse),
                            EnumOf(row["employment"], &v1::Employment_Parse),
                            Text(row["level"]), row["staff"].as<int64_t>()});
          }
          return rows;
        });
  }

  static constexpr char kCandidates[] = "staffing_candidates";
  static constexpr char kCandidatesSql[] =
      "SELECT p.staff_id FROM placements p JOIN staff s ON s.id = p.staff_id "
      "WHERE p.school = $1 AND " HPEDU_ON_DAY("p", "$2::date")
      "  AND p.position = 'TEACHER' AND p.level = $3 "
      "  AND ($4 = '' OR p.subject = $4) "
      "ORDER BY s.employment = 'PERMANENT' DESC, p.valid_from DESC, p.staff_id "
      "LIMIT $5::int";
  absl::StatusOr<std::vector<std::string>> TransferCandidates(
      const server::CallContext& call, const std::string& school,
      const std::string& level, const std::string& subject, absl::CivilDay day,
      int limit) override {
    return db::InTransaction<std::vector<std::string>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<std::string>> {
          std::vector<std::string> ids;
          for (const pqxx::row& row : db::Params()
                                          .Add(school)
                                          .Add(Iso(day))
                                          .Add(level)
                                          .Add(subject)
                                          .Add(std::to_string(limit))
                                          .Exec(tx, kCandidates)) {
            ids.push_back("staff/" + Text(row["staff_id"]));
          }
          return ids;
        });
  }

  // The steps the writes share.
  static constexpr char kUpsertQualifications[] = "staffing_upsert_qualifications";
  static constexpr char kUpsertQualificationsSql[] =
      "INSERT INTO qualifications (staff_id, qualification, rank, awarded_on) "
      "SELECT a, b, c, NULLIF(d, '')::date FROM unnest($1::text[], "
      "  $2::text[], $3::int[], $4::text[]) AS t(a, b, c, d) "
      "ON CONFLICT (staff_id, qualification) DO UPDATE SET "
      "  awarded_on = excluded.awarded_on";
  static void UpsertQualification(pqxx::transaction_base& tx,
                                  const std::string& id,
                                  const v1::StaffMember& member) {
    std::string awarded;
    if (member.has_qualification_date()) {
      awarded = Iso(*api::FromProtoDate(member.qualification_date(), "q"));
    }
    Columns q(4);
    q.Row({id, v1::Qualification_Name(member.qualification()),
           std::to_string(RankOf(member.qualification())), awarded});
    q.Exec(tx, kUpsertQualifications);
  }

  static constexpr char kInsertPlacement[] = "staffing_insert_placement";
  static constexpr char kInsertPlacementSql[] =
      "INSERT INTO placements (staff_id, valid_from, school, position, level, "
      "  subject, valid_until) "
      "VALUES ($1, $2::date, $3, $4, $5, $6, $7::date)";
  static void InsertPlacement(pqxx::transaction_base& tx,
                              const std::string& staff_id, absl::CivilDay from,
                              std::optional<absl::CivilDay> until,
                              const v1::Placement& placement) {
    db::Params()
        .Add(staff_id)
        .Add(Iso(from))
        .Add(UnitId(placement.school()))
        .Add(v1::Position_Name(placement.position()))
        .Add(placement.level())
        .Add(placement.subject())
        .AddOrNull(until ? Iso(*until) : "")
        .Exec(tx, kInsertPlacement);
  }

  static constexpr char kInsertMovement[] = "staffing_insert_movement";
  static constexpr char kInsertMovementSql[] =
      "INSERT INTO movements AS m (staff_id, kind, effective_date, end_date, "
      "  school, position, level, subject, prev_school, prev_position, "
      "  prev_level, prev_subject, decision, request_id) "
      "VALUES ($1, $2, $3::date, $4::date, $5, $6, $7, $8, $9, $10, $11, "
      "  $12, $13, $14) "
      "RETURNING " HPEDU_MOVEMENT_COLUMNS;
  static v1::Movement InsertMovement(
      pqxx::transaction_base& tx, const std::string& staff_id,
      const std::string& kind, absl::CivilDay day,
      std::optional<absl::CivilDay> end, const v1::Placement* placement,
      const v1::Placement* previous, const std::string& decision,
      const std::string& request_id) {
    db::Params params;
    params.Add(staff_id).Add(kind).Add(Iso(day)).AddOrNull(end ? Iso(*end) : "");
    for (const v1::Placement* p : {placement, previous}) {
      if (p == nullptr) {
        params.AddNull().AddNull().AddNull().AddNull();
      } else {
        params.Add(UnitId(p->school()))
            .Add(v1::Position_Name(p->position()))
            .Add(p->level())
            .Add(p->subject());
      }
    }
    params.Add(decision).AddOrNull(request_id);
    return MovementFromRow(params.Exec(tx, kInsertMovement)[0]);
  }

  static constexpr char kExistingStaff[] = "staffing_existing_staff";
  static constexpr char kExistingStaffSql[] =
      "SELECT id, display_name, birth_year, sex, employment, generated "
      "FROM staff WHERE id = ANY($1::text[])";
  static constexpr char kLockExistingStaff[] = "staffing_lock_existing_staff";
  static constexpr char kLockExistingStaffSql[] =
      "SELECT id, display_name, birth_year, sex, employment, generated "
      "FROM staff WHERE id = ANY($1::text[]) FOR UPDATE";
  static constexpr char kExistingPlacements[] = "staffing_existing_placements";
  static constexpr char kExistingPlacementsSql[] =
      "SELECT staff_id, valid_until IS NULL AS is_open, school, position, "
      "  level, subject "
      "FROM placements WHERE staff_id = ANY($1::text[])";
  static constexpr char kExistingQualifications[] =
      "staffing_existing_qualifications";
  static constexpr char kExistingQualificationsSql[] =
      "SELECT staff_id, qualification, "
      "  coalesce(awarded_on::text, '') AS awarded_on "
      "FROM qualifications WHERE staff_id = ANY($1::text[])";
  static constexpr char kUpsertStaff[] = "staffing_upsert_staff";
  static constexpr char kUpsertStaffSql[] =
      "INSERT INTO staff (id, display_name, birth_year, sex, employment, "
      "  generated) "
      "SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], "
      "  $5::text[], $6::boolean[]) "
      "ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, "
      "  birth_year = excluded.birth_year, sex = excluded.sex, "
      "  employment = excluded.employment, generated = excluded.generated, "
      "  revision = staff.revision + 1, update_time = now()";
  static constexpr char kInsertPlacements[] = "staffing_insert_placements";
  static constexpr char kInsertPlacementsSql[] =
      "INSERT INTO placements (staff_id, valid_from, school, position, level, "
      "  subject) "
      "SELECT a, b::date, c, d, e, f FROM unnest($1::text[], $2::text[], "
      "  $3::text[], $4::text[], $5::text[], $6::text[]) AS t(a, b, c, d, e, f)";
  static constexpr char kCorrectPlacements[] = "staffing_correct_placements";
  static constexpr char kCorrectPlacementsSql[] =
      "UPDATE placements p SET position = t.position, level = t.level, "
      "  subject = t.subject "
      "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
      "  AS t(staff_id, position, level, subject) "
      "WHERE p.staff_id = t.staff_id AND p.valid_until IS NULL";
  static constexpr char kInsertAppointments[] = "staffing_insert_appointments";
  static constexpr char kInsertAppointmentsSql[] =
      "INSERT INTO movements (staff_id, kind, effective_date, school, "
      "  position, level, subject, decision) "
      "SELECT a, 'APPOINTMENT', b::date, c, d, e, f, 'roster import' "
      "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
      "  $5::text[], $6::text[]) AS t(a, b, c, d, e, f)";
  static constexpr char kAnalyzeStaff[] = "staffing_analyze_staff";
  static constexpr char kAnalyzeStaffSql[] = "ANALYZE placements, qualifications";
  // The roster against the records it touches: new people are appointed,
  // known ones corrected in place; a person who left or is placed at
  // another school is a line error (a movement, not an import).
  // `written` gets the lines it creates (true) or changes (false) a record
  // of.
  absl::StatusOr<ImportCounts> Roster(
      pqxx::transaction_base& tx, const std::vector<RosterLine>& lines,
      bool validate_only,
      std::vector<std::pair<const RosterLine*, bool>>& written) {
    std::vector<std::string> ids;
    ids.reserve(lines.size());
    for (const RosterLine& line : lines) ids.push_back(line.staff_id);
    const std::string id_array = db::TextArrayLiteral(ids);
    struct Existing {
      std::string display_name;
      int birth_year = 0;
      std::string sex, employment;
      bool generated = false;
      std::optional<std::tuple<std::string, std::string, std::string,
                               std::string>> open;  // school, position, level, subject
      bool placed_before = false;
      std::map<std::string, std::string> qualifications;  // -> awarded_on
    };
    std::map<std::string, Existing> existing;
    // A dry run reads in a read-only transaction, without locks.
    for (const pqxx::row& row : db::Params().Add(id_array).Exec(
             tx, validate_only ? kExistingStaff : kLockExistingStaff)) {
      Existing& e = existing[Text(row["id"])];
      e.display_name = Text(row["display_name"]);
      e.birth_year = row["birth_year"].as<int>();
      e.sex = Text(row["sex"]);
      e.employment = Text(row["employment"]);
      e.generated = row["generated"].as<bool>();
    }
    for (const pqxx::row& row :
         db::Params().Add(id_array).Exec(tx, kExistingPlacements)) {
      Existing& e = existing[Text(row["staff_id"])];
      e.placed_before = true;
      if (row["is_open"].as<bool>()) {
        e.open.emplace(Text(row["school"]), Text(row["position"]),
                       Text(row["level"]), Text(row["subject"]));
      }
    }
    for (const pqxx::row& row :
         db::Params().Add(id_array).Exec(tx, kExistingQualifications)) {
      existing[Text(row["staff_id"])].qualifications[Text(row["qualification"])] =
          Text(row["awarded_on"]);
    }

    csv::LineErrors errors;
    ImportCounts counts;
    Columns staff(6), qualifications(4), placements(6), corrections(4),
        appointments(6);
    for (const RosterLine& line : lines) {
      const v1::Placement& p = line.placement;
      const std::string position = v1::Position_Name(p.position());
      const std::string sex = v1::Sex_Name(line.sex);
      const std::string employment = v1::Employment_Name(line.employment);
      const std::string qualification = v1::Qualification_Name(line.qualification);
      const std::string awarded =
          line.qualification_date ? Iso(*line.qualification_date) : "";
      const std::vector<std::string> staff_row = {
          line.staff_id, line.display_name, std::to_string(line.birth_year),
          sex, employment, line.generated ? "true" : "false"};
      const std::vector<std::string> qualification_row = {
          line.staff_id, qualification,
          std::to_string(RankOf(line.qualification)), awarded};
      const std::vector<std::string> placement_row = {
          line.staff_id, Iso(line.start_date), p.school(), position, p.level(),
          p.subject()};
      auto it = existing.find(line.staff_id);
      if (it == existing.end() || it->second.display_name.empty()) {
        ++counts.created;
        staff.Row(staff_row);
        qualifications.Row(qualification_row);
        placements.Row(placement_row);
        appointments.Row(placement_row);
        written.emplace_back(&line, true);
        continue;
      }
      const Existing& e = it->second;
      if (!e.open) {
        errors.Add(line.line, "staff_id",
                   absl::StrCat("staff/", line.staff_id,
                                " đã nghỉ; ghi bổ nhiệm bằng CreateMovement "
                                "(has left: record an appointment)"));
        continue;
      }
      const auto& [school, open_position, level, subject] = *e.open;
      if (school != p.school()) {
        errors.Add(line.line, "school",
                   absl::StrCat("staff/", line.staff_id,
                                " đang công tác tại units/", school,
                                "; ghi điều động bằng CreateMovement (placed "
                                "at another school: record a transfer)"));
        continue;
      }
      bool changed = false;
      if (e.display_name != line.display_name ||
          e.birth_year != line.birth_year || e.sex != sex ||
          e.employment != employment || e.generated != line.generated) {
        staff.Row(staff_row);
        changed = true;
      }
      auto q = e.qualifications.find(qualification);
      if (q == e.qualifications.end() || q->second != awarded) {
        qualifications.Row(qualification_row);
        changed = true;
      }
      if (open_position != position || level != p.level() ||
          subject != p.subject()) {
        corrections.Row({line.staff_id, position, p.level(), p.subject()});
        changed = true;
      }
      ++(changed ? counts.updated : counts.unchanged);
      if (changed) written.emplace_back(&line, false);
    }
    RETURN_IF_ERROR(errors.ToStatus());
    if (validate_only) return counts;
    staff.Exec(tx, kUpsertStaff);
    qualifications.Exec(tx, kUpsertQualifications);
    placements.Exec(tx, kInsertPlacements);
    corrections.Exec(tx, kCorrectPlacements);
    appointments.Exec(tx, kInsertAppointments);
    if (lines.size() >= kAnalyzeAfterRows) db::Params().Exec(tx, kAnalyzeStaff);
    return counts;
  }

  static constexpr char kStaffOn[] = "staffing_staff_on";
  static constexpr char kStaffOnSql[] =
      "SELECT " HPEDU_STAFF_COLUMNS
      "FROM staff s "
      "LEFT JOIN placements p ON p.staff_id = s.id AND " HPEDU_ON_DAY(
          "p", "$2::date") HPEDU_STAFF_QUALIFICATIONS
      "WHERE s.id = ANY($1::text[])";
  static constexpr char kAppointmentsOf[] = "staffing_appointments_of";
  static constexpr char kAppointmentsOfSql[] =
      "SELECT " HPEDU_MOVEMENT_COLUMNS
      "FROM movements m "
      "WHERE m.staff_id = ANY($1::text[]) AND m.kind = 'APPOINTMENT'";
  // What a roster import wrote, as the change feed records it, in line
  // order: each record as GetStaffMember reads it (a new one on its start
  // date, as CreateStaffMember returns it; a corrected one today, as
  // UpdateStaffMember does), a new one followed by its appointment.
  static std::vector<feed::Written> RosterChanges(
      pqxx::transaction_base& tx,
      const std::vector<std::pair<const RosterLine*, bool>>& written) {
    if (written.empty()) return {};
    const absl::CivilDay today = api::TodayInVietnam();
    std::map<absl::CivilDay, std::vector<std::string>> ids_on;
    std::vector<std::string> created_ids;
    for (const auto& [line, created] : written) {
      ids_on[created ? line->start_date : today].push_back(line->staff_id);
      if (created) created_ids.push_back(line->staff_id);
    }
    const std::vector<StandardRule> standards = LoadStandards(tx);
    std::map<std::string, v1::StaffMember> members;
    for (const auto& [day, ids] : ids_on) {
      for (const pqxx::row& row : db::Params()
                                      .Add(db::TextArrayLiteral(ids))
                                      .Add(Iso(day))
                                      .Exec(tx, kStaffOn)) {
        members[Text(row["id"])] = StaffFromRow(row, day, standards);
      }
    }
    std::map<std::string, v1::Movement> appointments;
    if (!created_ids.empty()) {
      for (const pqxx::row& row : db::Params()
                                      .Add(db::TextArrayLiteral(created_ids))
                                      .Exec(tx, kAppointmentsOf)) {
        appointments[Text(row["staff_id"])] = MovementFromRow(row);
      }
    }
    std::vector<feed::Written> changes;
    for (const auto& [line, created] : written) {
      const std::string unit = "units/" + line->placement.school();
      const v1::StaffMember& member = members.at(line->staff_id);
      if (!created) {
        changes.push_back(feed::Updated(member.name(), member, unit));
        continue;
      }
      changes.push_back(feed::Created(member.name(), member, unit));
      if (auto it = appointments.find(line->staff_id);
          it != appointments.end()) {
        changes.push_back(feed::Created(it->second.name(), it->second, unit));
      }
    }
    return changes;
  }

 private:
  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& StaffStatements() {
  using S = PostgresStaffStore;
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {kStaffStandards, kStaffStandardsSql},
      {kGetStaff, kGetStaffSql},
      {S::kLockStaff, S::kLockStaffSql},
      {S::kListStaff, S::kListStaffSql},
      {S::kStaffByRequest, S::kStaffByRequestSql},
      {S::kInsertStaff, S::kInsertStaffSql},
      {S::kUpdateStaff, S::kUpdateStaffSql},
      {S::kMovementByRequest, S::kMovementByRequestSql},
      {S::kOpenPlacement, S::kOpenPlacementSql},
      {S::kLastPlacementEnd, S::kLastPlacementEndSql},
      {S::kClosePlacement, S::kClosePlacementSql},
      {S::kStaffExists, S::kStaffExistsSql},
      {S::kListMovements, S::kListMovementsSql},
      {S::kCountTeachers, S::kCountTeachersSql},
      {S::kCountQualifications, S::kCountQualificationsSql},
      {S::kCountHeadcount, S::kCountHeadcountSql},
      {S::kCandidates, S::kCandidatesSql},
      {S::kUpsertQualifications, S::kUpsertQualificationsSql},
      {S::kInsertPlacement, S::kInsertPlacementSql},
      {S::kInsertMovement, S::kInsertMovementSql},
      {S::kExistingStaff, S::kExistingStaffSql},
      {S::kLockExistingStaff, S::kLockExistingStaffSql},
      {S::kExistingPlacements, S::kExistingPlacementsSql},
      {S::kExistingQualifications, S::kExistingQualificationsSql},
      {S::kUpsertStaff, S::kUpsertStaffSql},
      {S::kInsertPlacements, S::kInsertPlacementsSql},
      {S::kCorrectPlacements, S::kCorrectPlacementsSql},
      {S::kInsertAppointments, S::kInsertAppointmentsSql},
      {S::kAnalyzeStaff, S::kAnalyzeStaffSql},
      {S::kStaffOn, S::kStaffOnSql},
      {S::kAppointmentsOf, S::kAppointmentsOfSql},
  };
  return *kStatements;
}

std::unique_ptr<StaffStore> NewPostgresStaffStore(db::Pool& pool) {
  return std::make_unique<PostgresStaffStore>(pool);
}

}  // namespace hpedu::staffing
