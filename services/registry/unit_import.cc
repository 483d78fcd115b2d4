#include "services/registry/unit_import.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/api/dates.h"
#include "libs/api/resource_name.h"
#include "libs/csv/csv_reader.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/registry/unit_validation.h"

namespace hpedu::registry {
namespace {

constexpr char kUnitPrefix[] = "units/";

// A unit reference as written in the file: an id or a name.
std::string AsUnitName(const std::string& cell) {
  const absl::string_view text = absl::StripAsciiWhitespace(cell);
  if (text.empty() || absl::StartsWith(text, kUnitPrefix)) {
    return std::string(text);
  }
  return absl::StrCat(kUnitPrefix, text);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

// Parses an enum value name; `parse` is the generated *_Parse function.
template <typename Enum, typename Parse>
bool ParseEnumName(const std::string& text, Parse parse, Enum* value) {
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  return parse(upper, value) && static_cast<int>(*value) != 0;
}

std::string DateText(const google::type::Date& date) {
  return api::FormatIsoDate(absl::CivilDay(date.year(), date.month(),
                                           date.day()));
}

absl::CivilDay DayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

// The row of one record, adding an error per bad cell to `errors`.
// `bad_columns` receives the columns reported, so that the later field
// checks do not report them twice.
UnitRow ParseRecord(const csv::CsvTable& table, const csv::CsvRecord& record,
                    csv::LineErrors& line_errors,
                    std::set<std::string>& bad_columns) {
  struct Reporter {
    csv::LineErrors& errors;
    std::set<std::string>& columns;
    void Add(int line, std::string_view column, std::string_view message) {
      columns.emplace(column);
      errors.Add(line, column, message);
    }
  } errors{line_errors, bad_columns};
  const auto cell = [&](std::string_view column) -> std::string {
    return std::string(absl::StripAsciiWhitespace(
        record.fields[static_cast<size_t>(table.ColumnIndex(column))]));
  };
  UnitRow row;
  row.line = record.line;
  v1::Unit& unit = row.unit;
  unit.set_name(AsUnitName(cell("id")));
  if (cell("id").empty()) unit.clear_name();

  v1::UnitKind kind = v1::UNIT_KIND_UNSPECIFIED;
  if (!cell("kind").empty() &&
      !ParseEnumName(cell("kind"), v1::UnitKind_Parse, &kind)) {
    errors.Add(record.line, "kind",
               absl::StrCat("loại \"", cell("kind"),
                            "\" không hợp lệ (unknown kind)"));
  }
  unit.set_kind(kind);
  unit.set_display_name(cell("display_name"));
  unit.set_parent(AsUnitName(cell("parent")));

  if (!cell("valid_from").empty()) {
    absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(cell("valid_from"));
    if (day.ok()) {
      *unit.mutable_valid_from() = api::ToProtoDate(*day);
    } else {
      errors.Add(record.line, "valid_from",
                 "ngày phải có dạng YYYY-MM-DD (date must be YYYY-MM-DD)");
    }
  }
  for (const std::string& predecessor : SplitList(cell("predecessors"))) {
    unit.add_predecessors(AsUnitName(predecessor));
  }

  const bool school_cells = !cell("levels").empty() || !cell("ownership").empty();
  if (kind == v1::SCHOOL || school_cells) {
    v1::SchoolDetails* school = unit.mutable_school();
    for (const std::string& text : SplitList(cell("levels"))) {
      v1::SchoolLevel level = v1::SCHOOL_LEVEL_UNSPECIFIED;
      if (!ParseEnumName(text, v1::SchoolLevel_Parse, &level)) {
        errors.Add(record.line, "levels",
                   absl::StrCat("cấp học \"", text,
                                "\" không hợp lệ (unknown level)"));
        continue;
      }
      school->add_levels(level);
    }
    v1::Ownership ownership = v1::OWNERSHIP_UNSPECIFIED;
    if (!cell("ownership").empty() &&
        !ParseEnumName(cell("ownership"), v1::Ownership_Parse, &ownership)) {
      errors.Add(record.line, "ownership",
                 "phải là PUBLIC hoặc PRIVATE (must be PUBLIC or PRIVATE)");
    }
    school->set_ownership(ownership);
  }

  const bool agency_cells =
      !cell("agency_role").empty() || !cell("short_name").empty();
  if (kind == v1::AGENCY || agency_cells) {
    v1::AgencyDetails* agency = unit.mutable_agency();
    v1::AgencyRole role = v1::AGENCY_ROLE_UNSPECIFIED;
    if (!cell("agency_role").empty() &&
        !ParseEnumName(cell("agency_role"), v1::AgencyRole_Parse, &role)) {
      errors.Add(record.line, "agency_role",
                 absl::StrCat("vai trò \"", cell("agency_role"),
                              "\" không hợp lệ (unknown agency role)"));
    }
    agency->set_role(role);
    agency->set_short_name(cell("short_name"));
  }

  const std::string generated = absl::AsciiStrToLower(cell("generated"));
  if (generated == "true" || generated == "1") {
    unit.set_generated(true);
  } else if (!generated.empty() && generated != "false" && generated != "0") {
    errors.Add(record.line, "generated",
               "phải là true hoặc false (must be true or false)");
  }
  return row;
}

// Orders rows so that each comes after the rows of its parent and its
// predecessors (Kahn's algorithm, taking the earliest ready row first, so a
// file already in order stays in order). Reports rows caught in a cycle.
std::vector<UnitRow> DependencyOrder(std::vector<UnitRow> rows,
                                     csv::LineErrors& errors) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < rows.size(); ++i) index.emplace(rows[i].unit.name(), i);

  std::vector<std::vector<size_t>> dependents(rows.size());
  std::vector<int> waiting_for(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    std::set<size_t> needs;
    const auto need = [&](const std::string& name) {
      auto it = index.find(name);
      if (it != index.end() && it->second != i) needs.insert(it->second);
    };
    need(rows[i].unit.parent());
    for (const std::string& p : rows[i].unit.predecessors()) need(p);
    for (size_t n : needs) dependents[n].push_back(i);
    waiting_for[i] = static_cast<int>(needs.size());
  }

  std::set<size_t> ready;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (waiting_for[i] == 0) ready.insert(i);
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t next = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(next);
    for (size_t dependent : dependents[next]) {
      if (--waiting_for[dependent] == 0) ready.insert(dependent);
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (waiting_for[i] > 0) {
      errors.Add(rows[i].line, "parent",
                 "vòng lặp giữa parent/predecessors (a cycle of parents or "
                 "predecessors)");
    }
  }
  std::vector<UnitRow> ordered;
  ordered.reserve(order.size());
  for (size_t i : order) ordered.push_back(std::move(rows[i]));
  return ordered;
}

bool SameDetails(const v1::Unit& a, const v1::Unit& b) {
  if (a.details_case() != b.details_case()) return false;
  if (a.has_school()) {
    return std::set<int>(a.school().levels().begin(),
                         a.school().levels().end()) ==
               std::set<int>(b.school().levels().begin(),
                             b.school().levels().end()) &&
           a.school().ownership() == b.school().ownership();
  }
  if (a.has_agency()) {
    return a.agency().role() == b.agency().role() &&
           a.agency().short_name() == b.agency().short_name();
  }
  return true;
}

std::set<std::string> AsSet(
    const google::protobuf::RepeatedPtrField<std::string>& names) {
  return std::set<std::string>(names.begin(), names.end());
}

}  // namespace

std::string UnitIdOf(std::string_view name) {
  if (name.starts_with(kUnitPrefix)) name.remove_prefix(sizeof(kUnitPrefix) - 1);
  return std::string(name);
}

std::string CsvColumnOfField(std::string_view field) {
  const std::string_view path = field.substr(0, field.find('['));
  if (path == "name") return "id";
  if (path == "school.levels" || path == "school") return "levels";
  if (path == "school.ownership") return "ownership";
  if (path == "agency.role" || path == "agency") return "agency_role";
  if (path == "agency.short_name") return "short_name";
  return std::string(path);
}

absl::StatusOr<std::vector<UnitRow>> ParseUnitsCsv(std::string_view content) {
  ASSIGN_OR_RETURN(csv::CsvTable table, csv::CsvTable::Parse(content));
  RETURN_IF_ERROR(table.RequireColumns(
      {"id", "kind", "display_name", "parent", "valid_from", "predecessors",
       "levels", "ownership", "agency_role", "short_name", "generated"}));

  csv::LineErrors errors;
  std::vector<UnitRow> rows;
  std::map<std::string, int> first_line;
  for (const csv::CsvRecord& record : table.records()) {
    std::set<std::string> bad_columns;
    UnitRow row = ParseRecord(table, record, errors, bad_columns);
    FieldViolations violations;
    ValidateUnitFields(row.unit, "", violations);
    for (const auto& v : violations.bad_request().field_violations()) {
      const std::string column = CsvColumnOfField(v.field());
      if (!bad_columns.contains(column)) {
        errors.Add(record.line, column, v.description());
      }
    }
    if (!row.unit.name().empty()) {
      auto [it, inserted] = first_line.emplace(row.unit.name(), record.line);
      if (!inserted) {
        errors.Add(record.line, "id",
                   absl::StrCat("trùng với dòng ", it->second,
                                " (duplicate of line ", it->second, ")"));
      }
    }
    row.unit = NormalizeUnit(row.unit);
    rows.push_back(std::move(row));
  }
  if (table.records().empty()) {
    errors.Add(1, "id", "tệp không có dòng dữ liệu nào (no data rows)");
  }
  RETURN_IF_ERROR(errors.ToStatus());
  std::vector<UnitRow> ordered = DependencyOrder(std::move(rows), errors);
  RETURN_IF_ERROR(errors.ToStatus());
  return ordered;
}

std::string FormatUnitsCsv(const std::vector<v1::Unit>& units) {
  std::string out = csv::CsvLine(std::vector<std::string>(
      std::begin(kUnitCsvColumns), std::end(kUnitCsvColumns)));
  for (const v1::Unit& unit : units) {
    std::vector<std::string> predecessors;
    for (const std::string& p : unit.predecessors()) {
      predecessors.push_back(UnitIdOf(p));
    }
    std::vector<std::string> levels;
    std::string ownership, role, short_name;
    if (unit.has_school()) {
      for (int level : unit.school().levels()) {
        levels.push_back(v1::SchoolLevel_Name(level));
      }
      if (unit.school().ownership() != v1::OWNERSHIP_UNSPECIFIED) {
        ownership = v1::Ownership_Name(unit.school().ownership());
      }
    }
    if (unit.has_agency()) {
      role = v1::AgencyRole_Name(unit.agency().role());
      short_name = unit.agency().short_name();
    }
    out += csv::CsvLine({UnitIdOf(unit.name()), v1::UnitKind_Name(unit.kind()),
                         unit.display_name(), UnitIdOf(unit.parent()),
                         DateText(unit.valid_from()),
                         absl::StrJoin(predecessors, ";"),
                         absl::StrJoin(levels, ";"), ownership, role,
                         short_name, unit.generated() ? "true" : "false"});
  }
  return out;
}

UnitPlan PlanUnitChanges(const std::vector<UnitRow>& rows,
                         const std::map<std::string, v1::Unit>& stored) {
  UnitPlan plan;
  // The units as they will be once the rows before the current one are
  // written: stored ones, then each row's effect.
  std::map<std::string, v1::Unit> state = stored;

  for (size_t i = 0; i < rows.size(); ++i) {
    const v1::Unit& unit = rows[i].unit;
    const std::string id = UnitIdOf(unit.name());
    const auto problem = [&](std::string field, std::string message) {
      plan.problems.push_back({i, std::move(field), std::move(message)});
    };

    if (!unit.parent().empty() && !state.contains(UnitIdOf(unit.parent()))) {
      problem("parent", absl::StrCat("không có đơn vị ", unit.parent(),
                                     " (no such unit)"));
    }

    auto existing = state.find(id);
    if (existing != state.end()) {
      const v1::Unit& old = existing->second;
      if (old.kind() != unit.kind()) {
        problem("kind", absl::StrCat("không đổi được, đang là ",
                                     v1::UnitKind_Name(old.kind()),
                                     " (immutable)"));
      }
      if (DayOf(old.valid_from()) != DayOf(unit.valid_from())) {
        problem("valid_from", absl::StrCat("không đổi được, đang là ",
                                           DateText(old.valid_from()),
                                           " (immutable)"));
      }
      if (AsSet(old.predecessors()) != AsSet(unit.predecessors())) {
        problem("predecessors", "không đổi được (immutable)");
      }
      if (old.generated() != unit.generated()) {
        problem("generated", "không đổi được (immutable)");
      }
      const bool same = old.display_name() == unit.display_name() &&
                        old.parent() == unit.parent() &&
                        SameDetails(old, unit);
      plan.changes.push_back({same ? PlannedChange::Action::kUnchanged
                                   : PlannedChange::Action::kUpdate,
                              i});
      ++(same ? plan.counts.unchanged : plan.counts.updated);
      v1::Unit& next = existing->second;
      next.set_display_name(unit.display_name());
      next.set_parent(unit.parent());
      continue;
    }

    const absl::CivilDay from = DayOf(unit.valid_from());
    for (int p = 0; p < unit.predecessors_size(); ++p) {
      const std::string field = absl::StrCat("predecessors[", p, "]");
      auto predecessor = state.find(UnitIdOf(unit.predecessors(p)));
      if (predecessor == state.end()) {
        problem(field, absl::StrCat("không có đơn vị ", unit.predecessors(p),
                                    " (no such unit)"));
        continue;
      }
      v1::Unit& old = predecessor->second;
      const bool open = !old.has_valid_until();
      const bool existed_day_before =
          DayOf(old.valid_from()) <= from - 1 &&
          (open || DayOf(old.valid_until()) >= from);
      if (!existed_day_before) {
        problem(field, absl::StrCat("không tồn tại vào ngày ",
                                    api::FormatIsoDate(from - 1),
                                    ", ngày trước valid_from (did not exist "
                                    "the day before valid_from)"));
        continue;
      }
      if (open) {
        plan.closures.push_back({UnitIdOf(old.name()), from});
        *old.mutable_valid_until() = api::ToProtoDate(from);
      }
      old.add_successors(unit.name());
    }
    plan.changes.push_back({PlannedChange::Action::kCreate, i});
    ++plan.counts.created;
    state.emplace(id, unit);
  }
  return plan;
}

absl::Status ImportProblemsToStatus(const std::vector<UnitRow>& rows,
                                    const std::vector<UnitProblem>& problems) {
  csv::LineErrors errors;
  for (const UnitProblem& problem : problems) {
    errors.Add(rows[problem.row].line, CsvColumnOfField(problem.field),
               problem.message);
  }
  return errors.ToStatus();
}

}  // namespace hpedu::registry
