// Calendar dates at the API boundary: google.type.Date <-> absl::CivilDay,
// ISO 8601 text, and "today" as Hai Phong's calendar has it.
#ifndef HPEDU_LIBS_API_DATES_H_
#define HPEDU_LIBS_API_DATES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "google/type/date.pb.h"

namespace hpedu::api {

// The years any hpedu date may fall in; anything outside is a typo.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2200;

// The day `date` names. INVALID_ARGUMENT with a violation on `field` if it
// is partial (year, month or day zero), impossible (2025-02-30) or outside
// kMinYear..kMaxYear.
absl::StatusOr<absl::CivilDay> FromProtoDate(const google::type::Date& date,
                                             std::string_view field);

google::type::Date ToProtoDate(absl::CivilDay day);

// Today in Asia/Ho_Chi_Minh; UTC+7 if the time zone database is missing
// (Vietnam has no daylight saving time, so the two agree). Thread-safe.
absl::CivilDay TodayInVietnam();

// Parses exactly "YYYY-MM-DD". INVALID_ARGUMENT (no field violation) for any
// other text, impossible dates and years outside kMinYear..kMaxYear.
absl::StatusOr<absl::CivilDay> ParseIsoDate(std::string_view text);

// "YYYY-MM-DD".
std::string FormatIsoDate(absl::CivilDay day);

}  // namespace hpedu::api

#endif  // HPEDU_LIBS_API_DATES_H_
