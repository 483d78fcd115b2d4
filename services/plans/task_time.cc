#include "services/plans/task_time.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "libs/api/dates.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/text/vietnamese.h"

namespace hpedu::plans {
namespace {

int DaysInMonth(int year, int month) {
  const absl::CivilMonth m(year, month);
  return static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
}

bool YearInRange(int year) {
  return year >= api::kMinYear && year <= api::kMaxYear;
}

int ToInt(const std::string& digits) {
  int value = 0;
  // Called on checked runs of at most 4 digits: cannot fail.
  (void)absl::SimpleAtoi(digits, &value);
  return value;
}

// The folded text without the words that only introduce the time, and
// without a trailing full stop.
std::string Canonical(std::string_view text) {
  std::string folded = hpedu::text::FoldForSearch(
      ToStd(absl::StrReplaceAll(ToAbsl(text), {{"\u2013", "-"},
                                               {"\u2014", "-"}})));
  while (!folded.empty() && (folded.back() == '.' || folded.back() == ' ')) {
    folded.pop_back();
  }
  for (std::string_view prefix : {"truoc ngay ", "truoc thang ", "trong nam ",
                                  "giai doan ", "nam ", "thang ", "ngay "}) {
    if (absl::StartsWith(folded, ToAbsl(prefix))) {
      folded.erase(0, prefix.size());
      break;
    }
  }
  return folded;
}

bool AllDigits(std::string_view text, size_t min_size, size_t max_size) {
  if (text.size() < min_size || text.size() > max_size) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// `canonical` without spaces if it is only digits, '/', '-' and spaces;
// empty otherwise.
std::string NumericShape(std::string_view canonical) {
  std::string compact;
  for (char c : canonical) {
    if (c == ' ') continue;
    if ((c < '0' || c > '9') && c != '/' && c != '-') return "";
    compact.push_back(c);
  }
  return compact;
}

}  // namespace

absl::CivilDay OccurrenceIn(int year, RecurringDue due) {
  const int day = std::min(due.day, DaysInMonth(year, due.month));
  return absl::CivilDay(year, due.month, day);
}

absl::StatusOr<ParsedTime> ParseTaskTime(std::string_view text,
                                         std::string_view field,
                                         RecurringDue recurring) {
  const std::string canonical = Canonical(text);
  if (canonical.empty()) return InvalidField(field, "bắt buộc (required)");
  if (recurring.month < 1 || recurring.month > 12 || recurring.day < 1 ||
      recurring.day > DaysInMonth(2024, recurring.month)) {
    return InvalidField(field, "hạn hằng năm không hợp lệ (invalid recurring due)");
  }
  const auto impossible = [&] {
    return InvalidField(field, absl::StrCat("thời gian không hợp lệ (impossible time): ",
                                            hpedu::text::ToValidUtf8(text)));
  };
  ParsedTime parsed;
  const auto make_date = [&](int year, int month,
                             int day) -> absl::StatusOr<ParsedTime> {
    if (!YearInRange(year) || month < 1 || month > 12 || day < 1 ||
        day > DaysInMonth(year, month)) {
      return impossible();
    }
    parsed.form = v1::DATE;
    parsed.due = absl::CivilDay(year, month, day);
    return parsed;
  };
  const std::string shape = NumericShape(canonical);
  const std::vector<std::string> slash = absl::StrSplit(shape, '/');
  const std::vector<std::string> dash = absl::StrSplit(shape, '-');
  if (shape.empty()) {
    // Not numeric: recurring or free text below.
  } else if (slash.size() == 2 && AllDigits(slash[0], 1, 2) &&
             AllDigits(slash[1], 4, 4)) {
    const int month = ToInt(slash[0]);
    const int year = ToInt(slash[1]);
    if (!YearInRange(year) || month < 1 || month > 12) return impossible();
    parsed.form = v1::MONTH;
    parsed.due = absl::CivilDay(year, month, DaysInMonth(year, month));
    return parsed;
  } else if (slash.size() == 3 && AllDigits(slash[0], 1, 2) &&
             AllDigits(slash[1], 1, 2) && AllDigits(slash[2], 4, 4)) {
    return make_date(ToInt(slash[2]), ToInt(slash[1]), ToInt(slash[0]));
  } else if (dash.size() == 3 && AllDigits(dash[0], 4, 4) &&
             AllDigits(dash[1], 2, 2) && AllDigits(dash[2], 2, 2)) {
    return make_date(ToInt(dash[0]), ToInt(dash[1]), ToInt(dash[2]));
  } else if (dash.size() == 2 && AllDigits(dash[0], 4, 4) &&
             AllDigits(dash[1], 4, 4)) {
    const int first = ToInt(dash[0]);
    const int last = ToInt(dash[1]);
    if (!YearInRange(first) || !YearInRange(last) || first > last) {
      return impossible();
    }
    parsed.form = v1::YEAR_RANGE;
    parsed.start_year = first;
    parsed.end_year = last;
    parsed.due = absl::CivilDay(last, 12, 31);
    return parsed;
  } else if (AllDigits(shape, 4, 4)) {
    const int year = ToInt(shape);
    if (!YearInRange(year)) return impossible();
    parsed.form = v1::YEAR;
    parsed.start_year = parsed.end_year = year;
    parsed.due = absl::CivilDay(year, 12, 31);
    return parsed;
  }
  if (canonical == "hang nam" || canonical == "moi nam" ||
      canonical == "thuong nien") {
    parsed.form = v1::RECURRING_YEARLY;
    parsed.recurring = recurring;
    return parsed;
  }
  parsed.form = v1::FREE_TEXT;
  return parsed;
}

v1::TaskTime ToProto(std::string_view text, const ParsedTime& parsed) {
  v1::TaskTime time;
  time.set_text(std::string(text));
  time.set_form(parsed.form);
  if (parsed.due) *time.mutable_due_date() = api::ToProtoDate(*parsed.due);
  time.set_start_year(parsed.start_year);
  time.set_end_year(parsed.end_year);
  if (parsed.form == v1::RECURRING_YEARLY) {
    time.mutable_recurring_due()->set_month(parsed.recurring.month);
    time.mutable_recurring_due()->set_day(parsed.recurring.day);
  }
  time.set_computable(parsed.form != v1::FREE_TEXT);
  return time;
}

}  // namespace hpedu::plans
