// A task's time as the plans write it: "10/2025", "15/10/2025",
// "2025-2030", "Năm 2025 - 2026", "Hằng năm", or free text such as
// "Theo lộ trình sửa các Luật…". Parsing is pure and never guesses: text
// that is none of the recognised forms is FREE_TEXT, kept verbatim, with no
// deadline.
#ifndef HPEDU_SERVICES_PLANS_TASK_TIME_H_
#define HPEDU_SERVICES_PLANS_TASK_TIME_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/plans/v1/plans.pb.h"

namespace hpedu::plans {

// The default day each year's occurrence of a "Hằng năm" task is due.
inline constexpr int kDefaultRecurringMonth = 12;
inline constexpr int kDefaultRecurringDay = 31;

// The month and day a yearly task is due (the year is irrelevant).
struct RecurringDue {
  int month = kDefaultRecurringMonth;
  int day = kDefaultRecurringDay;

  friend bool operator==(const RecurringDue&, const RecurringDue&) = default;
};

// What a time text means.
struct ParsedTime {
  v1::TimeForm form = v1::FREE_TEXT;
  // MONTH, DATE, YEAR, YEAR_RANGE: the deadline (the last day of the month,
  // the date, 31 December of the last year).
  std::optional<absl::CivilDay> due;
  // YEAR, YEAR_RANGE: first and last year.
  int start_year = 0;
  int end_year = 0;
  // RECURRING_YEARLY only.
  RecurringDue recurring;
};

// Parses `text` (any spacing, with or without diacritics, "-" or "–").
// INVALID_ARGUMENT (a violation on `field`) only for text that has a
// recognised shape but an impossible value: "13/2025", "31/02/2025",
// "2030-2025", a year outside 1900..2200, or an empty text. `recurring` is
// the due point of a RECURRING_YEARLY time.
absl::StatusOr<ParsedTime> ParseTaskTime(std::string_view text,
                                         std::string_view field,
                                         RecurringDue recurring = {});

// The occurrence of a yearly due point in `year`; 29 February is 28 February
// in a common year.
absl::CivilDay OccurrenceIn(int year, RecurringDue due);

// The TaskTime message: `text` verbatim and what it parsed to.
v1::TaskTime ToProto(std::string_view text, const ParsedTime& parsed);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_TASK_TIME_H_
