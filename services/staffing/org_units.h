// The schools and communes staffing figures are grouped by, as the
// registry gives them (this service never reads the registry's tables),
// and the masking of personal data for logs. Pure; no I/O.
#ifndef HPEDU_SERVICES_STAFFING_ORG_UNITS_H_
#define HPEDU_SERVICES_STAFFING_ORG_UNITS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "hpedu/staffing/v1/staffing.pb.h"

namespace hpedu::staffing {

struct SchoolInfo {
  std::string id;
  std::string display_name;
  std::string commune;  // id of the commune-level unit it sits in
  std::set<std::string> levels;  // MN, TH, THCS, THPT among its levels
};

// The city, its commune-level units and their schools, valid today.
struct OrgDirectory {
  std::string city_id;
  std::string city_name;
  // Commune-level unit id -> display name.
  std::map<std::string, std::string> communes;
  // School id -> school.
  std::map<std::string, SchoolInfo> schools;

  enum class Kind { kUnknown, kCity, kCommune, kSchool };
  Kind KindOf(const std::string& id) const;
  std::string DisplayName(const std::string& id) const;
  // The commune of a school, "" if unknown.
  std::string CommuneOf(const std::string& school) const;
  // school -> unit directly below `unit_id` it belongs to (a commune for
  // the city, the school itself for a commune or a school).
  std::map<std::string, std::string> ChildOf(const std::string& unit_id) const;
  // school -> `unit_id` for the schools in it.
  std::map<std::string, std::string> WithinOf(const std::string& unit_id) const;
  std::map<std::string, std::string> CommuneOfSchools() const;
};

// "Nguyễn Thị Lan" -> "N*** T** L**": what logs may show of a name.
std::string MaskName(std::string_view display_name);

// The fields of a staff record that may be logged: id, masked name,
// position; no birth year or sex.
std::string MaskedForLog(const v1::StaffMember& member);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_ORG_UNITS_H_
