#include "services/staffing/staff_import.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/csv/csv_reader.h"
#include "libs/csv/csv_writer.h"
#include "libs/csv/line_errors.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {
namespace {

std::string Folded(std::string_view text) {
  return text::FoldForSearch(text);
}

// "units/x" or "x" -> "x".
std::string UnitId(std::string_view text) {
  std::string_view id = text;
  if (id.starts_with("units/")) id.remove_prefix(6);
  return std::string(id);
}

bool ParseInt(std::string_view text, int& out) {
  return absl::SimpleAtoi(ToAbsl(text), &out);
}

bool ParseBool(std::string_view text, bool& out) {
  if (text.empty() || text == "false") {
    out = false;
    return true;
  }
  if (text == "true") {
    out = true;
    return true;
  }
  return false;
}

}  // namespace

std::optional<v1::Sex> ParseSex(std::string_view text) {
  const std::string f = Folded(text);
  if (text == "FEMALE" || f == "nu") return v1::FEMALE;
  if (text == "MALE" || f == "nam") return v1::MALE;
  return std::nullopt;
}

std::optional<v1::Position> ParsePosition(std::string_view text) {
  const std::string f = Folded(text);
  if (text == "TEACHER" || f == "giao vien") return v1::TEACHER;
  if (text == "MANAGER" || f == "can bo quan ly") return v1::MANAGER;
  if (text == "STAFF" || f == "nhan vien") return v1::STAFF;
  return std::nullopt;
}

std::optional<v1::Employment> ParseEmployment(std::string_view text) {
  const std::string f = Folded(text);
  if (text == "PERMANENT" || f == "bien che") return v1::PERMANENT;
  if (text == "CONTRACT" || f == "hop dong") return v1::CONTRACT;
  return std::nullopt;
}

std::optional<v1::Qualification> ParseQualification(std::string_view text) {
  v1::Qualification q = v1::QUALIFICATION_UNSPECIFIED;
  if (v1::Qualification_Parse(std::string(text), &q) &&
      q != v1::QUALIFICATION_UNSPECIFIED) {
    return q;
  }
  const std::string f = Folded(text);
  if (f == "trung cap") return v1::INTERMEDIATE;
  if (f == "cao dang") return v1::COLLEGE;
  if (f == "dai hoc") return v1::BACHELOR;
  if (f == "thac si") return v1::MASTER;
  if (f == "tien si") return v1::DOCTORATE;
  return std::nullopt;
}

bool IsValidSubject(std::string_view subject) {
  return subject.size() <= 40 &&
         std::all_of(subject.begin(), subject.end(), [](char c) {
           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
         });
}

void CheckPlacement(const v1::Placement& placement,
                    const OrgDirectory& directory, std::string_view prefix,
                    std::vector<std::pair<std::string, std::string>>& problems) {
  const std::string p(prefix);
  if (placement.position() == v1::POSITION_UNSPECIFIED) {
    problems.emplace_back(p + "position",
                          "cần TEACHER, MANAGER hoặc STAFF (required)");
  }
  if (!IsLevel(placement.level())) {
    problems.emplace_back(p + "level", "cần MN, TH, THCS hoặc THPT");
  }
  if (!IsValidSubject(placement.subject())) {
    problems.emplace_back(p + "subject",
                          "chữ thường, số, '-' (a slug such as toan)");
  }
  const std::string school = UnitId(placement.school());
  auto it = directory.schools.find(school);
  if (it == directory.schools.end()) {
    problems.emplace_back(p + "school",
                          absl::StrCat("không có trường units/", school,
                                       " (unknown school)"));
  } else if (IsLevel(placement.level()) &&
             !it->second.levels.count(placement.level())) {
    problems.emplace_back(p + "level",
                          absl::StrCat("trường units/", school,
                                       " không dạy cấp ", placement.level(),
                                       " (school lacks the level)"));
  }
}

absl::StatusOr<std::vector<RosterLine>> ParseRosterCsv(
    std::string_view content, const OrgDirectory& directory,
    const std::string& school) {
  ASSIGN_OR_RETURN(const csv::CsvTable table, csv::CsvTable::Parse(content));
  RETURN_IF_ERROR(table.RequireColumns(
      {"staff_id", "school", "display_name", "birth_year", "sex", "position",
       "level", "subject", "employment", "qualification",
       "qualification_date", "start_date"}));
  const int c_id = table.ColumnIndex("staff_id");
  const int c_school = table.ColumnIndex("school");
  const int c_name = table.ColumnIndex("display_name");
  const int c_birth = table.ColumnIndex("birth_year");
  const int c_sex = table.ColumnIndex("sex");
  const int c_position = table.ColumnIndex("position");
  const int c_level = table.ColumnIndex("level");
  const int c_subject = table.ColumnIndex("subject");
  const int c_employment = table.ColumnIndex("employment");
  const int c_qualification = table.ColumnIndex("qualification");
  const int c_qdate = table.ColumnIndex("qualification_date");
  const int c_start = table.ColumnIndex("start_date");
  const int c_generated = table.ColumnIndex("generated");

  csv::LineErrors errors;
  std::set<std::string> seen;
  std::vector<RosterLine> lines;
  lines.reserve(table.records().size());
  for (const csv::CsvRecord& record : table.records()) {
    auto field = [&](int column) {
      return std::string(ToStd(absl::StripAsciiWhitespace(
          ToAbsl(record.fields[static_cast<size_t>(column)]))));
    };
    const int before = errors.size();
    RosterLine line;
    line.line = record.line;
    line.staff_id = field(c_id);
    if (!api::IsValidResourceId(line.staff_id)) {
      errors.Add(record.line, "staff_id",
                 "cần mã giả danh [a-z0-9-], bắt đầu bằng chữ (a pseudonymous id)");
    } else if (!seen.insert(line.staff_id).second) {
      errors.Add(record.line, "staff_id",
                 absl::StrCat("trùng mã ", line.staff_id, " (duplicate)"));
    }
    line.display_name = text::NormalizeNfc(field(c_name));
    if (line.display_name.empty() || line.display_name.size() > 200) {
      errors.Add(record.line, "display_name", "bắt buộc, tối đa 200 byte (required)");
    }
    if (!ParseInt(field(c_birth), line.birth_year) || line.birth_year < 1930 ||
        line.birth_year > 2020) {
      errors.Add(record.line, "birth_year", "cần năm 1930-2020 (a year)");
    }
    if (auto sex = ParseSex(field(c_sex))) {
      line.sex = *sex;
    } else {
      errors.Add(record.line, "sex", "cần FEMALE/MALE (Nữ/Nam)");
    }
    if (auto position = ParsePosition(field(c_position))) {
      line.placement.set_position(*position);
    }
    line.placement.set_level(field(c_level));
    line.placement.set_subject(field(c_subject));
    line.placement.set_school(UnitId(field(c_school)));
    std::vector<std::pair<std::string, std::string>> problems;
    CheckPlacement(line.placement, directory, "", problems);
    for (const auto& [column, message] : problems) {
      errors.Add(record.line, column, message);
    }
    if (!school.empty() && line.placement.school() != school) {
      errors.Add(record.line, "school",
                 absl::StrCat("tệp của trường units/", school,
                              " (the roster is of another school)"));
    }
    if (auto employment = ParseEmployment(field(c_employment))) {
      line.employment = *employment;
    } else {
      errors.Add(record.line, "employment", "cần PERMANENT/CONTRACT");
    }
    if (auto q = ParseQualification(field(c_qualification))) {
      line.qualification = *q;
    } else {
      errors.Add(record.line, "qualification",
                 "cần INTERMEDIATE, COLLEGE, BACHELOR, MASTER hoặc DOCTORATE");
    }
    if (const std::string qdate = field(c_qdate); !qdate.empty()) {
      absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(qdate);
      if (day.ok()) {
        line.qualification_date = *day;
      } else {
        errors.Add(record.line, "qualification_date", "cần YYYY-MM-DD");
      }
    }
    absl::StatusOr<absl::CivilDay> start = api::ParseIsoDate(field(c_start));
    if (start.ok()) {
      line.start_date = *start;
    } else {
      errors.Add(record.line, "start_date", "cần YYYY-MM-DD (required)");
    }
    if (c_generated >= 0 && !ParseBool(field(c_generated), line.generated)) {
      errors.Add(record.line, "generated", "cần true, false hoặc để trống");
    }
    if (errors.size() == before) lines.push_back(std::move(line));
  }
  RETURN_IF_ERROR(errors.ToStatus());
  return lines;
}

absl::StatusOr<std::vector<ClassLine>> ParseClassesCsv(
    std::string_view content, const OrgDirectory& directory) {
  ASSIGN_OR_RETURN(const csv::CsvTable table, csv::CsvTable::Parse(content));
  RETURN_IF_ERROR(table.RequireColumns({"school", "school_year", "grade",
                                        "sessions_per_day", "classes",
                                        "pupils"}));
  const int c_school = table.ColumnIndex("school");
  const int c_year = table.ColumnIndex("school_year");
  const int c_grade = table.ColumnIndex("grade");
  const int c_sessions = table.ColumnIndex("sessions_per_day");
  const int c_classes = table.ColumnIndex("classes");
  const int c_pupils = table.ColumnIndex("pupils");
  const int c_generated = table.ColumnIndex("generated");
  csv::LineErrors errors;
  std::set<std::tuple<std::string, std::string, std::string, int>> seen;
  std::vector<ClassLine> lines;
  for (const csv::CsvRecord& record : table.records()) {
    auto field = [&](int column) {
      return std::string(ToStd(absl::StripAsciiWhitespace(
          ToAbsl(record.fields[static_cast<size_t>(column)]))));
    };
    const int before = errors.size();
    ClassLine line;
    line.line = record.line;
    v1::SchoolClasses& c = line.classes;
    c.set_school(UnitId(field(c_school)));
    c.set_school_year(field(c_year));
    c.set_grade(field(c_grade));
    auto school = directory.schools.find(c.school());
    if (school == directory.schools.end()) {
      errors.Add(record.line, "school",
                 absl::StrCat("không có trường units/", c.school(),
                              " (unknown school)"));
    }
    if (!ParseSchoolYear(c.school_year(), "school_year").ok()) {
      errors.Add(record.line, "school_year", "cần năm học dạng 2025-2026");
    }
    absl::StatusOr<std::string> level = LevelOfGrade(c.grade(), "grade");
    if (!level.ok()) {
      errors.Add(record.line, "grade", "cần NT, MG hoặc 1-12");
    } else if (school != directory.schools.end() &&
               !school->second.levels.count(*level)) {
      errors.Add(record.line, "grade",
                 absl::StrCat("trường units/", c.school(), " không dạy cấp ",
                              *level, " (school lacks the level)"));
    }
    int number = 0;
    if (!ParseInt(field(c_sessions), number) || (number != 1 && number != 2)) {
      errors.Add(record.line, "sessions_per_day", "cần 1 hoặc 2");
    }
    c.set_sessions_per_day(number);
    if (!ParseInt(field(c_classes), number) || number < 0 || number > 1000) {
      errors.Add(record.line, "classes", "cần số nguyên 0-1000");
    }
    c.set_classes(number);
    if (!ParseInt(field(c_pupils), number) || number < 0 || number > 100000) {
      errors.Add(record.line, "pupils", "cần số nguyên 0-100000");
    }
    c.set_pupils(number);
    if (c.pupils() < c.classes()) {
      errors.Add(record.line, "pupils", "ít hơn số lớp (fewer than classes)");
    }
    bool generated = false;
    if (c_generated >= 0 && !ParseBool(field(c_generated), generated)) {
      errors.Add(record.line, "generated", "cần true, false hoặc để trống");
    }
    c.set_generated(generated);
    if (!seen.insert({c.school(), c.school_year(), c.grade(),
                      c.sessions_per_day()}).second) {
      errors.Add(record.line, "grade",
                 "trùng trường, năm học, khối, số buổi (duplicate)");
    }
    if (errors.size() == before) lines.push_back(std::move(line));
  }
  RETURN_IF_ERROR(errors.ToStatus());
  return lines;
}

std::string FormatRosterCsv(const std::vector<RosterLine>& lines) {
  std::string out = csv::CsvLine(
      {"staff_id", "school", "display_name", "birth_year", "sex", "position",
       "level", "subject", "employment", "qualification",
       "qualification_date", "start_date", "generated"});
  for (const RosterLine& l : lines) {
    out += csv::CsvLine(
        {l.staff_id, l.placement.school(), l.display_name,
         std::to_string(l.birth_year), v1::Sex_Name(l.sex),
         v1::Position_Name(l.placement.position()), l.placement.level(),
         l.placement.subject(), v1::Employment_Name(l.employment),
         v1::Qualification_Name(l.qualification),
         l.qualification_date ? api::FormatIsoDate(*l.qualification_date) : "",
         api::FormatIsoDate(l.start_date), l.generated ? "true" : "false"});
  }
  return out;
}

std::string FormatClassesCsv(const std::vector<v1::SchoolClasses>& classes) {
  std::string out = csv::CsvLine({"school", "school_year", "grade",
                                  "sessions_per_day", "classes", "pupils",
                                  "generated"});
  for (const v1::SchoolClasses& c : classes) {
    out += csv::CsvLine({UnitId(c.school()), c.school_year(), c.grade(),
                         std::to_string(c.sessions_per_day()),
                         std::to_string(c.classes()), std::to_string(c.pupils()),
                         c.generated() ? "true" : "false"});
  }
  return out;
}

}  // namespace hpedu::staffing
