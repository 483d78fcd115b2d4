#include "libs/api/dates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/api/internal/strings.h"
#include "libs/status/errors.h"

namespace hpedu::api {
namespace {

// The day for (year, month, day) if it exists and is in range.
bool MakeDay(int64_t year, int month, int day, absl::CivilDay& out) {
  if (year < kMinYear || year > kMaxYear) return false;
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const absl::CivilDay candidate(year, month, day);
  // CivilDay normalizes 2025-02-30 to 2025-03-02; a changed field means the
  // date does not exist.
  if (candidate.year() != year || candidate.month() != month ||
      candidate.day() != day) {
    return false;
  }
  out = candidate;
  return true;
}

absl::TimeZone VietnamTimeZone() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Asia/Ho_Chi_Minh", &zone)) {
    zone = absl::FixedTimeZone(7 * 60 * 60);
  }
  return zone;
}

}  // namespace

absl::StatusOr<absl::CivilDay> FromProtoDate(const google::type::Date& date,
                                             std::string_view field) {
  absl::CivilDay day;
  if (!MakeDay(date.year(), date.month(), date.day(), day)) {
    return InvalidField(
        field,
        absl::StrFormat("ngày %04d-%02d-%02d không hợp lệ; cần ngày "
                        "đầy đủ, năm %d-%d (invalid date)",
                        date.year(), date.month(), date.day(), kMinYear,
                        kMaxYear));
  }
  return day;
}

google::type::Date ToProtoDate(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

absl::CivilDay TodayInVietnam() {
  static const absl::TimeZone* const zone =
      new absl::TimeZone(VietnamTimeZone());
  return absl::ToCivilDay(absl::Now(), *zone);
}

absl::StatusOr<absl::CivilDay> ParseIsoDate(std::string_view text) {
  const auto invalid = [text] {
    return absl::InvalidArgumentError(
        absl::StrCat(internal::QuoteForMessage(text),
                     " không phải ngày dạng YYYY-MM-DD (not a YYYY-MM-DD "
                     "date)"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return invalid();
  const auto number = [text](size_t from, size_t length, int& out) {
    out = 0;
    for (size_t i = from; i < from + length; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0;
  int month = 0;
  int day_of_month = 0;
  absl::CivilDay day;
  if (!number(0, 4, year) || !number(5, 2, month) ||
      !number(8, 2, day_of_month) || !MakeDay(year, month, day_of_month, day)) {
    return invalid();
  }
  return day;
}

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace hpedu::api
