#include "services/staffing/org_units.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hpedu::staffing {

OrgDirectory::Kind OrgDirectory::KindOf(const std::string& id) const {
  if (id == city_id) return Kind::kCity;
  if (communes.count(id)) return Kind::kCommune;
  if (schools.count(id)) return Kind::kSchool;
  return Kind::kUnknown;
}

std::string OrgDirectory::DisplayName(const std::string& id) const {
  if (id == city_id) return city_name;
  if (auto it = communes.find(id); it != communes.end()) return it->second;
  if (auto it = schools.find(id); it != schools.end()) {
    return it->second.display_name;
  }
  return "";
}

std::string OrgDirectory::CommuneOf(const std::string& school) const {
  auto it = schools.find(school);
  return it == schools.end() ? "" : it->second.commune;
}

std::map<std::string, std::string> OrgDirectory::ChildOf(
    const std::string& unit_id) const {
  std::map<std::string, std::string> child;
  for (const auto& [id, school] : schools) {
    if (unit_id == city_id) {
      child[id] = school.commune;
    } else if (unit_id == school.commune || unit_id == id) {
      child[id] = id;
    }
  }
  return child;
}

std::map<std::string, std::string> OrgDirectory::WithinOf(
    const std::string& unit_id) const {
  std::map<std::string, std::string> within;
  for (const auto& [id, school] : schools) {
    if (unit_id == city_id || unit_id == school.commune || unit_id == id) {
      within[id] = unit_id;
    }
  }
  return within;
}

std::map<std::string, std::string> OrgDirectory::CommuneOfSchools() const {
  std::map<std::string, std::string> commune_of;
  for (const auto& [id, school] : schools) commune_of[id] = school.commune;
  return commune_of;
}

std::string MaskName(std::string_view display_name) {
  std::string masked;
  for (absl::string_view word :
       absl::StrSplit(absl::string_view(display_name.data(), display_name.size()),
                      ' ', absl::SkipEmpty())) {
    if (!masked.empty()) masked += ' ';
    // The first character (1-4 bytes of UTF-8), then one '*' per other
    // character.
    size_t first = 1;
    while (first < word.size() && (word[first] & 0xC0) == 0x80) ++first;
    masked += std::string(word.substr(0, first));
    for (size_t i = first; i < word.size(); ++i) {
      if ((word[i] & 0xC0) != 0x80) masked += '*';
    }
  }
  return masked;
}

std::string MaskedForLog(const v1::StaffMember& member) {
  return absl::StrCat(member.name(), " (", MaskName(member.display_name()),
                      ", ", v1::Position_Name(member.placement().position()),
                      ")");
}

}  // namespace hpedu::staffing
