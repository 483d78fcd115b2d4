#include "libs/auth/caller.h"

#include <utility>

namespace hpedu::auth {
namespace {

constexpr std::pair<Role, std::string_view> kRoleNames[] = {
    {Role::kService, "service"},
    {Role::kLeadership, "leadership"},
    {Role::kDivision, "division"},
    {Role::kCommuneOfficer, "commune_officer"},
    {Role::kSchoolOfficer, "school_officer"},
    {Role::kIntegration, "integration"},
    {Role::kOperator, "operator"},
};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unspecified";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [r, n] : kRoleNames) {
    if (n == name) return r;
  }
  return std::nullopt;
}

}  // namespace hpedu::auth
