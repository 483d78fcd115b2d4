#include "services/staffing/staffing_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/api/dates.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"

namespace hpedu::staffing {

const std::vector<std::string>& Levels() {
  static const auto* const kLevels =
      new std::vector<std::string>{"MN", "TH", "THCS", "THPT"};
  return *kLevels;
}

bool IsLevel(std::string_view level) {
  const auto& levels = Levels();
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

absl::StatusOr<std::string> LevelOfGrade(std::string_view grade,
                                         std::string_view field) {
  if (grade == "NT" || grade == "MG") return std::string("MN");
  int number = 0;
  if (absl::SimpleAtoi(ToAbsl(grade), &number) && grade.size() <= 2 &&
      absl::ascii_isdigit(grade[0])) {
    if (number >= 1 && number <= 5) return std::string("TH");
    if (number >= 6 && number <= 9) return std::string("THCS");
    if (number >= 10 && number <= 12) return std::string("THPT");
  }
  return InvalidField(field, "cần NT, MG hoặc lớp 1-12 (NT, MG or 1-12)");
}

absl::StatusOr<int> ParseSchoolYear(std::string_view school_year,
                                    std::string_view field) {
  int first = 0;
  int second = 0;
  if (school_year.size() == 9 && school_year[4] == '-' &&
      absl::SimpleAtoi(ToAbsl(school_year.substr(0, 4)), &first) &&
      absl::SimpleAtoi(ToAbsl(school_year.substr(5)), &second) &&
      second == first + 1 && first >= 1900 && first < 2200) {
    return first;
  }
  return InvalidField(field, "cần năm học dạng 2025-2026 (a school year)");
}

absl::CivilDay SchoolYearReferenceDay(int first_year) {
  return absl::CivilDay(first_year, 9, 5);
}

absl::StatusOr<int64_t> ParseMilli(std::string_view text,
                                   std::string_view field) {
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? "" : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return absl::ascii_isdigit(c); });
  };
  int64_t units = 0;
  if (whole.empty() || whole.size() > 4 || !digits(whole) ||
      !digits(fraction) || fraction.size() > 3 ||
      (dot != std::string_view::npos && fraction.empty()) ||
      !absl::SimpleAtoi(ToAbsl(whole), &units) || units > 1000) {
    return InvalidField(field,
                        "cần số thập phân không âm, tối đa 3 chữ số lẻ "
                        "(a decimal such as 1.50)");
  }
  int64_t milli = units * 1000;
  int64_t scale = 100;
  for (char c : fraction) {
    milli += (c - '0') * scale;
    scale /= 10;
  }
  return milli;
}

std::string FormatMilli(int64_t milli) {
  const char* sign = milli < 0 ? "-" : "";
  const int64_t magnitude = milli < 0 ? -milli : milli;
  return absl::StrFormat("%s%d.%03d", sign, magnitude / 1000,
                         magnitude % 1000);
}

int64_t RoundMilli(int64_t milli) {
  return milli >= 0 ? (milli + 500) / 1000 : -((-milli + 499) / 1000);
}

bool ValidOn(const NormRule& norm, absl::CivilDay day) {
  return norm.valid_from <= day && (!norm.valid_until || day < *norm.valid_until);
}

bool ValidOn(const StandardRule& standard, absl::CivilDay day) {
  return standard.valid_from <= day &&
         (!standard.valid_until || day < *standard.valid_until);
}

const NormRule* FindNorm(const std::vector<NormRule>& norms,
                         std::string_view level, std::string_view grade,
                         int sessions, std::string_view subject,
                         absl::CivilDay day) {
  const NormRule* best = nullptr;
  int best_score = -1;
  for (const NormRule& norm : norms) {
    if (norm.level != level || norm.subject != subject || !ValidOn(norm, day)) {
      continue;
    }
    if (!norm.grade.empty() && norm.grade != grade) continue;
    if (norm.sessions_per_day != 0 && norm.sessions_per_day != sessions) {
      continue;
    }
    const int score = (norm.grade.empty() ? 0 : 2) +
                      (norm.sessions_per_day == 0 ? 0 : 1);
    // Equal specificity: the later circular.
    if (score > best_score ||
        (score == best_score && norm.valid_from > best->valid_from)) {
      best = &norm;
      best_score = score;
    }
  }
  return best;
}

std::vector<std::string> SubjectsWithNorms(const std::vector<NormRule>& norms,
                                           std::string_view level,
                                           absl::CivilDay day) {
  std::set<std::string> subjects;
  for (const NormRule& norm : norms) {
    if (norm.level == level && !norm.subject.empty() && ValidOn(norm, day)) {
      subjects.insert(norm.subject);
    }
  }
  return {subjects.begin(), subjects.end()};
}

v1::StandardStatus Classify(const std::vector<StandardRule>& standards,
                            std::string_view level,
                            v1::Qualification qualification,
                            absl::CivilDay day) {
  const StandardRule* rule = nullptr;
  for (const StandardRule& standard : standards) {
    if (standard.level == level && standard.valid_from <= day &&
        (!standard.valid_until || day < *standard.valid_until) &&
        (rule == nullptr || standard.valid_from > rule->valid_from)) {
      rule = &standard;
    }
  }
  if (rule == nullptr) return v1::STANDARD_STATUS_UNSPECIFIED;
  if (qualification < rule->minimum) return v1::BELOW_STANDARD;
  if (qualification == rule->minimum) return v1::MEETS_STANDARD;
  return v1::ABOVE_STANDARD;
}

absl::Status CheckNewerNorm(absl::CivilDay open_from,
                            absl::CivilDay valid_from) {
  if (open_from < valid_from) return absl::OkStatus();
  const std::string from = api::FormatIsoDate(open_from);
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "định mức hiện hành có hiệu lực từ ", from,
          "; định mức mới phải sau ngày đó (a newer norm exists)")),
      "NORM_NOT_NEWER", {{"valid_from", from}});
}

absl::Status CheckNewerStandard(absl::CivilDay open_from,
                                absl::CivilDay valid_from) {
  if (open_from < valid_from) return absl::OkStatus();
  const std::string from = api::FormatIsoDate(open_from);
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "chuẩn hiện hành có hiệu lực từ ", from,
          " (a newer standard exists)")),
      "STANDARD_NOT_NEWER", {{"valid_from", from}});
}

absl::Status CheckMovementFits(const std::string& staff_id,
                               v1::MovementKind kind,
                               std::optional<absl::CivilDay> open_from,
                               std::optional<absl::CivilDay> last_left,
                               absl::CivilDay day) {
  auto does_not_fit = [&](std::string_view why) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "không ghi được biến động của staff/", staff_id, ": ", ToAbsl(why))),
        "MOVEMENT_CONFLICT", {{"name", "staff/" + staff_id}});
  };
  if (kind == v1::APPOINTMENT) {
    if (open_from) return does_not_fit("đang công tác (already placed)");
    if (last_left && day < *last_left) {
      return does_not_fit("trước ngày nghỉ gần nhất (before the last leaving)");
    }
    return absl::OkStatus();
  }
  if (!open_from) return does_not_fit("không đang công tác (not placed)");
  if (day <= *open_from) {
    return does_not_fit(absl::StrCat("phải sau ngày ",
                                     api::FormatIsoDate(*open_from),
                                     " (must follow the last movement)"));
  }
  return absl::OkStatus();
}

}  // namespace hpedu::staffing
