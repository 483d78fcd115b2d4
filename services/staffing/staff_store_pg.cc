#include "services/staffing/staff_store_pg.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/dates.h"
#include "libs/audit/audit.h"
#include "libs/api/etag.h"
#include "libs/base/string_view.h"
#include "libs/csv/line_errors.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::staffing {

using ::google::protobuf::util::TimeUtil;
namespace {

// The staff columns, then the placement on $2 and the qualifications.
#define HPEDU_STAFF_COLUMNS                                                  \
  "s.id, s.display_name, s.birth_year, s.sex, s.employment, s.generated, "  \
  "s.revision, (extract(epoch FROM s.create_time) * 1000000)::bigint, "     \
  "(extract(epoch FROM s.update_time) * 1000000)::bigint, "                 \
  "p.school, p.position, p.level, p.subject, q.qualification, "             \
  "q.awarded_on::text, hq.qualification "

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

#define HPEDU_MOVEMENT_COLUMNS                                                \
  "m.staff_id, m.id, m.kind, m.effective_date::text, m.end_date::text, "     \
  "m.school, m.position, m.level, m.subject, m.prev_school, m.prev_position, " \
  "m.prev_level, m.prev_subject, m.decision, "                               \
  "(extract(epoch FROM m.create_time) * 1000000)::bigint "

#define HPEDU_NORM_COLUMNS                                                   \
  "id, level, grade, sessions_per_day, subject, per_class_milli, max_pupils, " \
  "valid_from::text, valid_until::text, source "

#define HPEDU_STANDARD_COLUMNS \
  "id, level, minimum, valid_from::text, valid_until::text, source "

constexpr char kGetStaff[] = "staffing_get_staff";
constexpr char kLockStaff[] = "staffing_lock_staff";
constexpr char kStaffExists[] = "staffing_staff_exists";
constexpr char kStaffByRequest[] = "staffing_staff_by_request";
constexpr char kListStaff[] = "staffing_list_staff";
constexpr char kInsertStaff[] = "staffing_insert_staff";
constexpr char kUpdateStaff[] = "staffing_update_staff";
constexpr char kUpsertStaff[] = "staffing_upsert_staff";
constexpr char kUpsertQualifications[] = "staffing_upsert_qualifications";
constexpr char kInsertPlacements[] = "staffing_insert_placements";
constexpr char kCorrectPlacements[] = "staffing_correct_placements";
constexpr char kInsertAppointments[] = "staffing_insert_appointments";
constexpr char kExistingStaff[] = "staffing_existing_staff";
constexpr char kLockExistingStaff[] = "staffing_lock_existing_staff";
constexpr char kExistingPlacements[] = "staffing_existing_placements";
constexpr char kExistingQualifications[] = "staffing_existing_qualifications";
constexpr char kOpenPlacement[] = "staffing_open_placement";
constexpr char kLastPlacementEnd[] = "staffing_last_placement_end";
constexpr char kClosePlacement[] = "staffing_close_placement";
constexpr char kInsertPlacement[] = "staffing_insert_placement";
constexpr char kInsertMovement[] = "staffing_insert_movement";
constexpr char kMovementByRequest[] = "staffing_movement_by_request";
constexpr char kListMovements[] = "staffing_list_movements";
constexpr char kExistingClasses[] = "staffing_existing_classes";
constexpr char kUpsertClasses[] = "staffing_upsert_classes";
constexpr char kListClasses[] = "staffing_list_classes";
constexpr char kCountClasses[] = "staffing_count_classes";
constexpr char kOpenNorm[] = "staffing_open_norm";
constexpr char kCloseNorm[] = "staffing_close_norm";
constexpr char kInsertNorm[] = "staffing_insert_norm";
constexpr char kNormById[] = "staffing_norm_by_id";
constexpr char kNormByRequest[] = "staffing_norm_by_request";
constexpr char kListNorms[] = "staffing_list_norms";
constexpr char kOpenStandard[] = "staffing_open_standard";
constexpr char kCloseStandard[] = "staffing_close_standard";
constexpr char kInsertStandard[] = "staffing_insert_standard";
constexpr char kStandardById[] = "staffing_standard_by_id";
constexpr char kStandardByRequest[] = "staffing_standard_by_request";
constexpr char kListStandards[] = "staffing_list_standards";
constexpr char kUpsertQuota[] = "staffing_upsert_quota";
constexpr char kListQuotas[] = "staffing_list_quotas";
constexpr char kCountTeachers[] = "staffing_count_teachers";
constexpr char kCountQualifications[] = "staffing_count_qualifications";
constexpr char kCountHeadcount[] = "staffing_count_headcount";
constexpr char kCandidates[] = "staffing_candidates";
constexpr char kAnalyze[] = "staffing_analyze";

// Imports of at least this many lines refresh the planner's statistics at
// once (reports join placements with qualifications).
constexpr size_t kAnalyzeAfterRows = 5000;

const db::TransactionOptions kRead = {.isolation = db::Isolation::kReadCommitted,
                                      .read_only = true};
const db::TransactionOptions kWrite = {.isolation = db::Isolation::kSerializable,
                                       .read_only = false};

std::string Text(const pqxx::field& field) {
  return field.is_null() ? std::string() : std::string(field.c_str());
}

std::optional<absl::CivilDay> Day(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(field.c_str());
  if (!day.ok()) return std::nullopt;
  return *day;
}

std::string Iso(absl::CivilDay day) { return api::FormatIsoDate(day); }

template <typename Enum>
Enum EnumOf(const pqxx::field& field,
            bool (*parse)(const std::string&, Enum*)) {
  Enum value = Enum();
  if (!field.is_null()) parse(field.c_str(), &value);
  return value;
}

int RankOf(v1::Qualification q) { return static_cast<int>(q); }

absl::Status StaffNotFound(const std::string& id) {
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có cán bộ staff/", id,
                                       " (staff member not found)")),
      "STAFF_NOT_FOUND", {{"name", "staff/" + id}});
}

v1::Placement PlacementOf(const pqxx::row& row, int first) {
  v1::Placement placement;
  placement.set_school("units/" + Text(row[first]));
  placement.set_position(EnumOf(row[first + 1], &v1::Position_Parse));
  placement.set_level(Text(row[first + 2]));
  placement.set_subject(Text(row[first + 3]));
  return placement;
}

v1::StaffMember StaffFromRow(const pqxx::row& row, absl::CivilDay day,
                             const std::vector<StandardRule>& standards) {
  v1::StaffMember member;
  member.set_name("staff/" + Text(row[0]));
  member.set_display_name(Text(row[1]));
  member.set_birth_year(row[2].as<int>());
  member.set_sex(EnumOf(row[3], &v1::Sex_Parse));
  member.set_employment(EnumOf(row[4], &v1::Employment_Parse));
  member.set_generated(row[5].as<bool>());
  member.set_etag(api::EtagFromRevision(row[6].as<int64_t>()));
  *member.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[7].as<int64_t>());
  *member.mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
  if (!row[9].is_null()) *member.mutable_placement() = PlacementOf(row, 9);
  member.set_qualification(EnumOf(row[13], &v1::Qualification_Parse));
  if (std::optional<absl::CivilDay> awarded = Day(row[14])) {
    *member.mutable_qualification_date() = api::ToProtoDate(*awarded);
  }
  *member.mutable_as_of() = api::ToProtoDate(day);
  if (member.has_placement() && member.placement().position() == v1::TEACHER) {
    member.set_standard_status(
        Classify(standards, member.placement().level(),
                 EnumOf(row[15], &v1::Qualification_Parse), day));
  }
  return member;
}

v1::Movement MovementFromRow(const pqxx::row& row) {
  v1::Movement movement;
  movement.set_name(absl::StrCat("staff/", Text(row[0]), "/movements/",
                                 Text(row[1])));
  movement.set_kind(EnumOf(row[2], &v1::MovementKind_Parse));
  if (auto day = Day(row[3])) {
    *movement.mutable_effective_date() = api::ToProtoDate(*day);
  }
  if (auto day = Day(row[4])) *movement.mutable_end_date() = api::ToProtoDate(*day);
  if (!row[5].is_null()) *movement.mutable_placement() = PlacementOf(row, 5);
  if (!row[9].is_null()) *movement.mutable_previous() = PlacementOf(row, 9);
  movement.set_decision(Text(row[13]));
  *movement.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[14].as<int64_t>());
  return movement;
}

NormRule NormFromRow(const pqxx::row& row) {
  NormRule norm;
  norm.id = row[0].as<int64_t>();
  norm.level = Text(row[1]);
  norm.grade = Text(row[2]);
  norm.sessions_per_day = row[3].as<int>();
  norm.subject = Text(row[4]);
  norm.teachers_per_class_milli = row[5].as<int64_t>();
  norm.max_pupils_per_class = row[6].as<int>();
  norm.valid_from = Day(row[7]).value_or(absl::CivilDay());
  norm.valid_until = Day(row[8]);
  norm.source = Text(row[9]);
  return norm;
}

StandardRule StandardFromRow(const pqxx::row& row) {
  StandardRule standard;
  standard.id = row[0].as<int64_t>();
  standard.level = Text(row[1]);
  standard.minimum = EnumOf(row[2], &v1::Qualification_Parse);
  standard.valid_from = Day(row[3]).value_or(absl::CivilDay());
  standard.valid_until = Day(row[4]);
  standard.source = Text(row[5]);
  return standard;
}

std::vector<StandardRule> LoadStandards(pqxx::transaction_base& tx) {
  std::vector<StandardRule> standards;
  for (const pqxx::row& row : db::Params().Exec(tx, kListStandards)) {
    standards.push_back(StandardFromRow(row));
  }
  return standards;
}

std::optional<v1::StaffMember> LoadStaff(pqxx::transaction_base& tx,
                                         const std::string& id,
                                         absl::CivilDay day) {
  const pqxx::result result = db::Params().Add(id).Add(Iso(day)).Exec(tx, kGetStaff);
  if (result.empty()) return std::nullopt;
  return StaffFromRow(result[0], day, LoadStandards(tx));
}

absl::Status MovementDoesNotFit(const std::string& staff_id,
                                std::string_view why) {
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "không ghi được biến động của staff/", staff_id, ": ", ToAbsl(why))),
      "MOVEMENT_CONFLICT", {{"name", "staff/" + staff_id}});
}

// The arrays of a bulk statement, one per column.
class Columns {
 public:
  explicit Columns(size_t n) : columns_(n) {}
  void Row(std::vector<std::string> values) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      columns_[i].push_back(std::move(values[i]));
    }
  }
  bool empty() const { return columns_.empty() || columns_[0].empty(); }
  void Exec(pqxx::transaction_base& tx, const char* statement) const {
    if (empty()) return;
    db::Params params;
    for (const auto& column : columns_) params.Add(db::TextArrayLiteral(column));
    params.Exec(tx, statement);
  }

 private:
  std::vector<std::vector<std::string>> columns_;
};

class PostgresStaffStore final : public StaffStore {
 public:
  explicit PostgresStaffStore(db::Pool& pool) : pool_(pool) {}

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
              return *LoadStaff(tx, Text(earlier[0][0]), start);
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
          InsertMovement(tx, id, "APPOINTMENT", start, std::nullopt, &placement,
                         nullptr, decision, "");
          // Who and where, never the name or birth year.
          audit::Record(tx, call, "staff/" + id,
                        {{"created", true},
                         {"placement", audit::ChangeOf(placement)},
                         {"start_date", Iso(start)}});
          return *LoadStaff(tx, id, start);
        });
  }

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
          return *LoadStaff(tx, update.id, today);
        });
  }

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
            return written;
          };
          const pqxx::result open =
              db::Params().Add(staff_id).Exec(tx, kOpenPlacement);
          if (movement.kind() == v1::APPOINTMENT) {
            if (!open.empty()) {
              return MovementDoesNotFit(staff_id,
                                        "đang công tác (already placed)");
            }
            const pqxx::result last =
                db::Params().Add(staff_id).Exec(tx, kLastPlacementEnd);
            if (std::optional<absl::CivilDay> left = Day(last[0][0]);
                left && day < *left) {
              return MovementDoesNotFit(
                  staff_id, "trước ngày nghỉ gần nhất (before the last leaving)");
            }
            InsertPlacement(tx, staff_id, day, std::nullopt, movement.placement());
            return recorded(InsertMovement(tx, staff_id, kind, day, std::nullopt,
                                           &movement.placement(), nullptr,
                                           movement.decision(), request_id));
          }
          if (open.empty()) {
            return MovementDoesNotFit(staff_id,
                                      "không đang công tác (not placed)");
          }
          const absl::CivilDay open_from = *Day(open[0][0]);
          if (day <= open_from) {
            return MovementDoesNotFit(
                staff_id, absl::StrCat("phải sau ngày ", Iso(open_from),
                                       " (must follow the last movement)"));
          }
          const v1::Placement previous = PlacementOf(open[0], 1);
          db::Params()
              .Add(staff_id)
              .Add(Iso(open_from))
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
          ASSIGN_OR_RETURN(const ImportCounts counts,
                           Roster(tx, lines, validate_only));
          if (!validate_only) {
            audit::Record(tx, call, "staff",
                          {{"roster_import", true}, {"created", counts.created},
                           {"updated", counts.updated},
                           {"unchanged", counts.unchanged}});
          }
          return counts;
        });
  }

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
            existing[{Text(row[0]), Text(row[1]), Text(row[2]), row[3].as<int>()}] =
                {row[4].as<int>(), row[5].as<int>(), row[6].as<bool>()};
          }
          ImportCounts counts;
          Columns upserts(7);
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
          }
          if (!validate_only) {
            upserts.Exec(tx, kUpsertClasses);
            audit::Record(tx, call, "schoolClasses",
                          {{"created", counts.created}, {"updated", counts.updated},
                           {"unchanged", counts.unchanged}});
          }
          if (!validate_only && lines.size() >= kAnalyzeAfterRows) {
            db::Params().Exec(tx, kAnalyze);
          }
          return counts;
        });
  }

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
            v1::SchoolClasses& c = result.emplace_back();
            c.set_school("units/" + Text(row[0]));
            c.set_school_year(school_year);
            c.set_grade(Text(row[1]));
            c.set_sessions_per_day(row[2].as<int>());
            c.set_classes(row[3].as<int>());
            c.set_pupils(row[4].as<int>());
            c.set_generated(row[5].as<bool>());
          }
          return result;
        });
  }

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
          if (!open.empty()) {
            if (*Day(open[0][1]) >= norm.valid_from) {
              return WithErrorInfo(
                  absl::FailedPreconditionError(absl::StrCat(
                      "định mức hiện hành có hiệu lực từ ", Text(open[0][1]),
                      "; định mức mới phải sau ngày đó (a newer norm exists)")),
                  "NORM_NOT_NEWER", {{"valid_from", Text(open[0][1])}});
            }
            db::Params()
                .Add(Text(open[0][0]))
                .Add(Iso(norm.valid_from))
                .Exec(tx, kCloseNorm);
          }
          const pqxx::result inserted =
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
                  .Exec(tx, kInsertNorm);
          const NormRule created = NormFromRow(
              db::Params().Add(Text(inserted[0][0])).Exec(tx, kNormById)[0]);
          audit::Record(tx, call, absl::StrCat("norms/", created.id),
                        {{"level", created.level}, {"grade", created.grade},
                         {"subject", created.subject},
                         {"teachers_per_class_milli", created.teachers_per_class_milli},
                         {"valid_from", Iso(created.valid_from)},
                         {"source", created.source}});
          return created;
        });
  }

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
          if (!open.empty()) {
            if (*Day(open[0][1]) >= standard.valid_from) {
              return WithErrorInfo(
                  absl::FailedPreconditionError(absl::StrCat(
                      "chuẩn hiện hành có hiệu lực từ ", Text(open[0][1]),
                      " (a newer standard exists)")),
                  "STANDARD_NOT_NEWER", {{"valid_from", Text(open[0][1])}});
            }
            db::Params()
                .Add(Text(open[0][0]))
                .Add(Iso(standard.valid_from))
                .Exec(tx, kCloseStandard);
          }
          const pqxx::result inserted =
              db::Params()
                  .Add(standard.level)
                  .Add(v1::Qualification_Name(standard.minimum))
                  .Add(Iso(standard.valid_from))
                  .Add(standard.source)
                  .AddOrNull(request_id)
                  .Exec(tx, kInsertStandard);
          const StandardRule created = StandardFromRow(
              db::Params().Add(Text(inserted[0][0])).Exec(tx, kStandardById)[0]);
          audit::Record(tx, call, absl::StrCat("trainingStandards/", created.id),
                        {{"level", created.level},
                         {"minimum", v1::Qualification_Name(created.minimum)},
                         {"valid_from", Iso(created.valid_from)},
                         {"source", created.source}});
          return created;
        });
  }

  absl::StatusOr<std::vector<StandardRule>> ListStandards(
      const server::CallContext& call) override {
    return db::InTransaction<std::vector<StandardRule>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<StandardRule>> {
          return LoadStandards(tx);
        });
  }

  absl::StatusOr<v1::Quota> SetQuota(const server::CallContext& call,
                                     const v1::Quota& quota) override {
    return db::InTransaction<v1::Quota>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Quota> {
          db::Params()
              .Add(SchoolId(quota.org_unit()))
              .Add(quota.school_year())
              .Add(std::to_string(quota.posts()))
              .Add(quota.decision())
              .Exec(tx, kUpsertQuota);
          audit::Record(tx, call,
                        absl::StrCat("quotas/", SchoolId(quota.org_unit()), "~",
                                     quota.school_year()),
                        audit::ChangeOf(quota));
          return quota;
        });
  }

  absl::StatusOr<std::vector<v1::Quota>> ListQuotas(
      const server::CallContext& call, const std::string& school_year) override {
    return db::InTransaction<std::vector<v1::Quota>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<v1::Quota>> {
          std::vector<v1::Quota> quotas;
          for (const pqxx::row& row :
               db::Params().Add(school_year).Exec(tx, kListQuotas)) {
            v1::Quota& quota = quotas.emplace_back();
            quota.set_org_unit(Text(row[0]));
            quota.set_school_year(school_year);
            quota.set_posts(row[1].as<int>());
            quota.set_decision(Text(row[2]));
          }
          return quotas;
        });
  }

  absl::StatusOr<std::vector<ClassCount>> CountClasses(
      const server::CallContext& call, const std::string& school_year) override {
    return db::InTransaction<std::vector<ClassCount>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<ClassCount>> {
          std::vector<ClassCount> counts;
          for (const pqxx::row& row :
               db::Params().Add(school_year).Exec(tx, kCountClasses)) {
            counts.push_back({Text(row[0]), Text(row[1]), row[2].as<int>(),
                              row[3].as<int64_t>(), row[4].as<int64_t>()});
          }
          return counts;
        });
  }

  absl::StatusOr<std::vector<TeacherCount>> CountTeachers(
      const server::CallContext& call, absl::CivilDay day) override {
    return db::InTransaction<std::vector<TeacherCount>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<TeacherCount>> {
          std::vector<TeacherCount> counts;
          for (const pqxx::row& row :
               db::Params().Add(Iso(day)).Exec(tx, kCountTeachers)) {
            counts.push_back({Text(row[0]), Text(row[1]), Text(row[2]),
                              row[3].as<int64_t>()});
          }
          return counts;
        });
  }

  absl::StatusOr<std::vector<QualificationCount>> CountQualifications(
      const server::CallContext& call, absl::CivilDay day) override {
    return db::InTransaction<std::vector<QualificationCount>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<QualificationCount>> {
          std::vector<QualificationCount> counts;
          for (const pqxx::row& row :
               db::Params().Add(Iso(day)).Exec(tx, kCountQualifications)) {
            counts.push_back({Text(row[0]), Text(row[1]),
                              static_cast<v1::Qualification>(row[2].as<int>()),
                              row[3].as<int64_t>()});
          }
          return counts;
        });
  }

  absl::StatusOr<std::vector<HeadcountRow>> CountHeadcount(
      const server::CallContext& call, absl::CivilDay day) override {
    return db::InTransaction<std::vector<HeadcountRow>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<HeadcountRow>> {
          std::vector<HeadcountRow> rows;
          for (const pqxx::row& row :
               db::Params().Add(Iso(day)).Exec(tx, kCountHeadcount)) {
            rows.push_back({Text(row[0]), EnumOf(row[1], &v1::Position_Parse),
                            EnumOf(row[2], &v1::Employment_Parse), Text(row[3]),
                            row[4].as<int64_t>()});
          }
          return rows;
        });
  }

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
            ids.push_back("staff/" + Text(row[0]));
          }
          return ids;
        });
  }

 private:
  static std::string SchoolId(const std::string& name) {
    return name.starts_with("units/") ? name.substr(6) : name;
  }

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

  static void InsertPlacement(pqxx::transaction_base& tx,
                              const std::string& staff_id, absl::CivilDay from,
                              std::optional<absl::CivilDay> until,
                              const v1::Placement& placement) {
    db::Params()
        .Add(staff_id)
        .Add(Iso(from))
        .Add(SchoolId(placement.school()))
        .Add(v1::Position_Name(placement.position()))
        .Add(placement.level())
        .Add(placement.subject())
        .AddOrNull(until ? Iso(*until) : "")
        .Exec(tx, kInsertPlacement);
  }

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
        params.Add(SchoolId(p->school()))
            .Add(v1::Position_Name(p->position()))
            .Add(p->level())
            .Add(p->subject());
      }
    }
    params.Add(decision).AddOrNull(request_id);
    return MovementFromRow(params.Exec(tx, kInsertMovement)[0]);
  }

  absl::StatusOr<ImportCounts> Roster(pqxx::transaction_base& tx,
                                      const std::vector<RosterLine>& lines,
                                      bool validate_only) {
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
      Existing& e = existing[Text(row[0])];
      e.display_name = Text(row[1]);
      e.birth_year = row[2].as<int>();
      e.sex = Text(row[3]);
      e.employment = Text(row[4]);
      e.generated = row[5].as<bool>();
    }
    for (const pqxx::row& row :
         db::Params().Add(id_array).Exec(tx, kExistingPlacements)) {
      Existing& e = existing[Text(row[0])];
      e.placed_before = true;
      if (row[1].as<bool>()) {
        e.open.emplace(Text(row[2]), Text(row[3]), Text(row[4]), Text(row[5]));
      }
    }
    for (const pqxx::row& row :
         db::Params().Add(id_array).Exec(tx, kExistingQualifications)) {
      existing[Text(row[0])].qualifications[Text(row[1])] = Text(row[2]);
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
    }
    RETURN_IF_ERROR(errors.ToStatus());
    if (validate_only) return counts;
    staff.Exec(tx, kUpsertStaff);
    qualifications.Exec(tx, kUpsertQualifications);
    placements.Exec(tx, kInsertPlacements);
    corrections.Exec(tx, kCorrectPlacements);
    appointments.Exec(tx, kInsertAppointments);
    if (lines.size() >= kAnalyzeAfterRows) db::Params().Exec(tx, kAnalyze);
    return counts;
  }

  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& StaffStatements() {
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {kGetStaff,
       "SELECT " HPEDU_STAFF_COLUMNS "FROM staff s "
       "LEFT JOIN placements p ON p.staff_id = s.id AND "
       HPEDU_ON_DAY("p", "$2::date") HPEDU_STAFF_QUALIFICATIONS
       "WHERE s.id = $1"},
      {kLockStaff, "SELECT id FROM staff WHERE id = $1 FOR UPDATE"},
      {kStaffByRequest, "SELECT id FROM staff WHERE request_id = $1"},
      {kListStaff,
       "SELECT " HPEDU_STAFF_COLUMNS "FROM staff s "
       "JOIN placements p ON p.staff_id = s.id AND " HPEDU_ON_DAY("p", "$2::date")
       HPEDU_STAFF_QUALIFICATIONS
       "WHERE s.id > $1 AND ($3::text[] IS NULL OR p.school = ANY($3::text[])) "
       "  AND ($4::text IS NULL OR p.position = $4) "
       "  AND ($5::text IS NULL OR p.level = $5) "
       "ORDER BY s.id LIMIT $6::int"},
      {kInsertStaff,
       "INSERT INTO staff (id, display_name, birth_year, sex, employment, "
       "  generated, request_id) "
       "VALUES ($1, $2, $3::int, $4, $5, $6::boolean, $7)"},
      {kUpdateStaff,
       "UPDATE staff SET display_name = $2, birth_year = $3::int, sex = $4, "
       "  employment = $5, revision = revision + 1, update_time = now() "
       "WHERE id = $1"},
      {kUpsertStaff,
       "INSERT INTO staff (id, display_name, birth_year, sex, employment, "
       "  generated) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], "
       "  $5::text[], $6::boolean[]) "
       "ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, "
       "  birth_year = excluded.birth_year, sex = excluded.sex, "
       "  employment = excluded.employment, generated = excluded.generated, "
       "  revision = staff.revision + 1, update_time = now()"},
      {kUpsertQualifications,
       "INSERT INTO qualifications (staff_id, qualification, rank, awarded_on) "
       "SELECT a, b, c, NULLIF(d, '')::date FROM unnest($1::text[], "
       "  $2::text[], $3::int[], $4::text[]) AS t(a, b, c, d) "
       "ON CONFLICT (staff_id, qualification) DO UPDATE SET "
       "  awarded_on = excluded.awarded_on"},
      {kInsertPlacements,
       "INSERT INTO placements (staff_id, valid_from, school, position, level, "
       "  subject) "
       "SELECT a, b::date, c, d, e, f FROM unnest($1::text[], $2::text[], "
       "  $3::text[], $4::text[], $5::text[], $6::text[]) AS t(a, b, c, d, e, f)"},
      {kCorrectPlacements,
       "UPDATE placements p SET position = t.position, level = t.level, "
       "  subject = t.subject "
       "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) "
       "  AS t(staff_id, position, level, subject) "
       "WHERE p.staff_id = t.staff_id AND p.valid_until IS NULL"},
      {kInsertAppointments,
       "INSERT INTO movements (staff_id, kind, effective_date, school, "
       "  position, level, subject, decision) "
       "SELECT a, 'APPOINTMENT', b::date, c, d, e, f, 'roster import' "
       "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
       "  $5::text[], $6::text[]) AS t(a, b, c, d, e, f)"},
      {kStaffExists, "SELECT id FROM staff WHERE id = $1"},
      {kExistingStaff,
       "SELECT id, display_name, birth_year, sex, employment, generated "
       "FROM staff WHERE id = ANY($1::text[])"},
      {kLockExistingStaff,
       "SELECT id, display_name, birth_year, sex, employment, generated "
       "FROM staff WHERE id = ANY($1::text[]) FOR UPDATE"},
      {kExistingPlacements,
       "SELECT staff_id, valid_until IS NULL, school, position, level, subject "
       "FROM placements WHERE staff_id = ANY($1::text[])"},
      {kExistingQualifications,
       "SELECT staff_id, qualification, coalesce(awarded_on::text, '') "
       "FROM qualifications WHERE staff_id = ANY($1::text[])"},
      {kOpenPlacement,
       "SELECT valid_from::text, school, position, level, subject "
       "FROM placements WHERE staff_id = $1 AND valid_until IS NULL"},
      {kLastPlacementEnd,
       "SELECT max(valid_until)::text FROM placements WHERE staff_id = $1"},
      {kClosePlacement,
       "UPDATE placements SET valid_until = $3::date "
       "WHERE staff_id = $1 AND valid_from = $2::date"},
      {kInsertPlacement,
       "INSERT INTO placements (staff_id, valid_from, school, position, level, "
       "  subject, valid_until) "
       "VALUES ($1, $2::date, $3, $4, $5, $6, $7::date)"},
      {kInsertMovement,
       "INSERT INTO movements AS m (staff_id, kind, effective_date, end_date, "
       "  school, position, level, subject, prev_school, prev_position, "
       "  prev_level, prev_subject, decision, request_id) "
       "VALUES ($1, $2, $3::date, $4::date, $5, $6, $7, $8, $9, $10, $11, "
       "  $12, $13, $14) "
       "RETURNING " HPEDU_MOVEMENT_COLUMNS},
      {kMovementByRequest,
       "SELECT " HPEDU_MOVEMENT_COLUMNS "FROM movements m WHERE m.request_id = $1"},
      {kListMovements,
       "SELECT " HPEDU_MOVEMENT_COLUMNS "FROM movements m WHERE m.staff_id = $1 "
       "ORDER BY m.effective_date, m.id"},
      {kExistingClasses,
       "SELECT c.school, c.school_year, c.grade, c.sessions_per_day, c.classes, "
       "  c.pupils, c.generated FROM school_classes c "
       "JOIN (SELECT DISTINCT y, s FROM unnest($1::text[], $2::text[]) "
       "  AS t(y, s)) k ON c.school_year = k.y AND c.school = k.s"},
      {kUpsertClasses,
       "INSERT INTO school_classes (school, school_year, grade, "
       "  sessions_per_day, classes, pupils, generated) "
       "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], "
       "  $5::int[], $6::int[], $7::boolean[]) "
       "ON CONFLICT (school_year, school, grade, sessions_per_day) DO UPDATE "
       "  SET classes = excluded.classes, pupils = excluded.pupils, "
       "  generated = excluded.generated"},
      {kListClasses,
       "SELECT school, grade, sessions_per_day, classes, pupils, generated "
       "FROM school_classes WHERE school_year = $1 "
       "  AND ($2::text[] IS NULL OR school = ANY($2::text[])) "
       "ORDER BY school, length(grade), grade, sessions_per_day"},
      {kCountClasses,
       "SELECT school, grade, sessions_per_day, classes, pupils "
       "FROM school_classes WHERE school_year = $1"},
      {kOpenNorm,
       "SELECT id, valid_from::text FROM norms WHERE level = $1 AND grade = $2 "
       "  AND sessions_per_day = $3::int AND subject = $4 "
       "  AND valid_until IS NULL FOR UPDATE"},
      {kCloseNorm, "UPDATE norms SET valid_until = $2::date WHERE id = $1::bigint"},
      {kInsertNorm,
       "INSERT INTO norms (level, grade, sessions_per_day, subject, "
       "  per_class_milli, max_pupils, valid_from, source, request_id) "
       "VALUES ($1, $2, $3::int, $4, $5::int, $6::int, $7::date, $8, $9) "
       "RETURNING id"},
      {kNormById, "SELECT " HPEDU_NORM_COLUMNS "FROM norms WHERE id = $1::bigint"},
      {kNormByRequest,
       "SELECT " HPEDU_NORM_COLUMNS "FROM norms WHERE request_id = $1"},
      {kListNorms,
       "SELECT " HPEDU_NORM_COLUMNS "FROM norms "
       "ORDER BY level, subject, grade, sessions_per_day, valid_from"},
      {kOpenStandard,
       "SELECT id, valid_from::text FROM training_standards WHERE level = $1 "
       "  AND valid_until IS NULL FOR UPDATE"},
      {kCloseStandard,
       "UPDATE training_standards SET valid_until = $2::date "
       "WHERE id = $1::bigint"},
      {kInsertStandard,
       "INSERT INTO training_standards (level, minimum, valid_from, source, "
       "  request_id) VALUES ($1, $2, $3::date, $4, $5) RETURNING id"},
      {kStandardById, "SELECT " HPEDU_STANDARD_COLUMNS
                      "FROM training_standards WHERE id = $1::bigint"},
      {kStandardByRequest, "SELECT " HPEDU_STANDARD_COLUMNS
                           "FROM training_standards WHERE request_id = $1"},
      {kListStandards, "SELECT " HPEDU_STANDARD_COLUMNS
                       "FROM training_standards ORDER BY level, valid_from"},
      {kUpsertQuota,
       "INSERT INTO quotas (org_unit, school_year, posts, decision) "
       "VALUES ($1, $2, $3::int, $4) "
       "ON CONFLICT (school_year, org_unit) DO UPDATE SET posts = excluded.posts, "
       "  decision = excluded.decision, update_time = now()"},
      {kListQuotas,
       "SELECT org_unit, posts, decision FROM quotas WHERE school_year = $1 "
       "ORDER BY org_unit"},
      {kCountTeachers,
       "SELECT p.school, p.level, p.subject, count(*) FROM placements p "
       "WHERE p.position = 'TEACHER' AND " HPEDU_ON_DAY("p", "$1::date")
       "GROUP BY 1, 2, 3"},
      {kCountQualifications,
       "SELECT p.school, p.level, coalesce(q.best, 0), count(*) "
       "FROM placements p "
       "LEFT JOIN LATERAL (SELECT max(rank) AS best FROM qualifications q "
       "  WHERE q.staff_id = p.staff_id AND (q.awarded_on IS NULL OR "
       "  q.awarded_on <= $1::date)) q ON true "
       "WHERE p.position = 'TEACHER' AND " HPEDU_ON_DAY("p", "$1::date")
       "GROUP BY 1, 2, 3"},
      {kCountHeadcount,
       "SELECT p.school, p.position, s.employment, p.level, count(*) "
       "FROM placements p JOIN staff s ON s.id = p.staff_id "
       "WHERE " HPEDU_ON_DAY("p", "$1::date") "GROUP BY 1, 2, 3, 4"},
      {kCandidates,
       "SELECT p.staff_id FROM placements p JOIN staff s ON s.id = p.staff_id "
       "WHERE p.school = $1 AND " HPEDU_ON_DAY("p", "$2::date")
       "  AND p.position = 'TEACHER' AND p.level = $3 "
       "  AND ($4 = '' OR p.subject = $4) "
       "ORDER BY s.employment = 'PERMANENT' DESC, p.valid_from DESC, p.staff_id "
       "LIMIT $5::int"},
      {kAnalyze, "ANALYZE placements, qualifications, school_classes"},
  };
  return *kStatements;
}

std::unique_ptr<StaffStore> NewPostgresStaffStore(db::Pool& pool) {
  return std::make_unique<PostgresStaffStore>(pool);
}

}  // namespace hpedu::staffing
