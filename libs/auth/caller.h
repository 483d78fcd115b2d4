// Who is calling, once authenticated: a person (from a bearer token) or a
// system (from its TLS client certificate), with the role and the scope that
// authorization checks against.
#ifndef HPEDU_LIBS_AUTH_CALLER_H_
#define HPEDU_LIBS_AUTH_CALLER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hpedu::auth {

enum class Role {
  kUnspecified,
  // Another hpedu service or the local operator CLI, over mutual TLS.
  kService,
  // The Sở's leadership: reads and writes city-wide.
  kLeadership,
  // A Sở division: reads city-wide, writes what its agency (`unit`) leads.
  kDivision,
  // A commune or ward officer: reads city-level data and their own commune
  // (`unit`); writes only their commune and its schools.
  kCommuneOfficer,
  // A school officer: their own school (`unit`).
  kSchoolOfficer,
  // Another government system: reads the services it is granted.
  kIntegration,
  // Operations: health and metrics only, no RPC.
  kOperator,
};

// "leadership", "division", "commune_officer", "school_officer",
// "integration", "operator", "service".
std::string_view RoleName(Role role);
// The inverse of RoleName; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

struct Caller {
  // A stable identifier: a person's "sub", a certificate's subject.
  std::string id;
  bool authenticated = false;
  Role role = Role::kUnspecified;
  // The scope of the role, a registry name "units/{id}": the commune of a
  // commune officer, the school of a school officer, the agency of a
  // division. Empty for the other roles.
  std::string unit;
  // For kIntegration: the services it may read, e.g. "indicators".
  std::vector<std::string> granted_services;
  // True when the identity came from a bearer token (a person).
  bool from_token = false;
};

}  // namespace hpedu::auth

#endif  // HPEDU_LIBS_AUTH_CALLER_H_
