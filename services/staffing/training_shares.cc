#include "services/staffing/training_shares.h"

#include <array>

#include "absl/strings/str_format.h"

#include "libs/status/status_macros.h"

namespace hpedu::staffing {

TrainingSums SumTrainingStandard(
    const std::vector<StandardRule>& standards,
    const std::vector<QualificationCount>& counts,
    const std::map<std::string, std::string>& unit_of, absl::CivilDay day) {
  TrainingSums sums;
  for (const QualificationCount& c : counts) {
    auto unit = unit_of.find(c.school);
    if (unit == unit_of.end()) continue;
    TrainingSum& sum = sums[{unit->second, c.level}];
    sum.teachers += c.teachers;
    switch (Classify(standards, c.level, c.qualification, day)) {
      case v1::BELOW_STANDARD:
        sum.below += c.teachers;
        break;
      case v1::MEETS_STANDARD:
        sum.meeting += c.teachers;
        break;
      case v1::ABOVE_STANDARD:
        sum.meeting += c.teachers;
        sum.above += c.teachers;
        break;
      default:
        break;
    }
  }
  return sums;
}

bool HasStandard(const std::vector<StandardRule>& standards,
                 std::string_view level, absl::CivilDay day) {
  // Classify says BELOW for an unknown qualification when a standard is
  // valid, UNSPECIFIED when none is.
  return Classify(standards, level, v1::QUALIFICATION_UNSPECIFIED, day) !=
         v1::STANDARD_STATUS_UNSPECIFIED;
}

std::optional<std::string> TrainingIndicatorLevel(std::string_view code) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4>
      kIndicators = {{{"HP-10", "MN"},
                      {"HP-11", "TH"},
                      {"HP-12", "THCS"},
                      {"HP-13", "THPT"}}};
  for (const auto& [indicator, level] : kIndicators) {
    if (indicator == code) return std::string(level);
  }
  return std::nullopt;
}

absl::StatusOr<absl::CivilDay> TrainingIndicatorDay(std::string_view period,
                                                    std::string_view field) {
  ASSIGN_OR_RETURN(const int first_year, ParseSchoolYear(period, field));
  return SchoolYearReferenceDay(first_year);
}

std::string SharePercent(int64_t part, int64_t whole) {
  if (whole == 0) return "";
  const int64_t hundredths = (part * 20000 / whole + 1) / 2;
  return absl::StrFormat("%d.%02d", hundredths / 100, hundredths % 100);
}

std::vector<IndicatorShare> IndicatorShares(
    const std::vector<StandardRule>& standards,
    const std::vector<QualificationCount>& counts,
    const OrgDirectory& directory, const std::vector<std::string>& units,
    const std::string& level, absl::CivilDay day) {
  std::map<std::string, std::string> unit_of;
  for (const std::string& unit : units) unit_of.merge(directory.WithinOf(unit));
  std::vector<IndicatorShare> shares;
  for (const auto& [key, sum] :
       SumTrainingStandard(standards, counts, unit_of, day)) {
    if (key.second != level || sum.teachers == 0) continue;
    shares.push_back({key.first, sum.meeting, sum.teachers});
  }
  return shares;
}

}  // namespace hpedu::staffing
