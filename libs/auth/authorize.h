// Object-level authorization (OWASP API1): a handler names what the resource
// it reads or writes belongs to — its commune, its school, the agency that
// leads it — and asks whether the caller's role and scope allow it.
//
//   Authorizer authz("indicators");
//   RETURN_IF_ERROR(authz.CanWrite(call.caller(),
//       {.commune = "units/123", .school = "units/4567"}));
//
// The rules (issue 3):
//   service        everything (hpedu services and the operator CLI, mTLS)
//   leadership     reads and writes everything
//   division       reads everything; writes where lead_agency is its unit
//   commune        reads city-level data and its own commune in detail;
//                  writes only its own commune and that commune's schools
//   school         reads city-level data and its own school; writes its school
//   integration    reads the services it is granted; never writes
//   operator       nothing (health and metrics are outside the RPCs)
// Refusals are PERMISSION_DENIED with ErrorInfo reason ROLE_DENIED or
// SCOPE_DENIED; an unauthenticated caller gets UNAUTHENTICATED.
#ifndef HPEDU_LIBS_AUTH_AUTHORIZE_H_
#define HPEDU_LIBS_AUTH_AUTHORIZE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "libs/auth/caller.h"

namespace hpedu::auth {

// What a resource belongs to. Empty fields mean "city level": a resource
// with no commune and no school is the city's.
struct Scope {
  std::string commune;      // "units/{id}" of the commune or ward
  std::string school;       // "units/{id}" of the school, if any
  std::string lead_agency;  // "units/{id}" of the Sở division leading it
};

// The refusals, for rules beyond these (a workflow's reviewers):
// PERMISSION_DENIED with ErrorInfo ROLE_DENIED naming the role, or
// SCOPE_DENIED naming the caller's unit and `resource_scope`. `what` is the
// refused action in Vietnamese, with its English after a slash.
absl::Status RoleDenied(const Caller& caller, std::string_view what);
absl::Status ScopeDenied(const Caller& caller, std::string_view what,
                         std::string_view resource_scope);

// Thread-safe; immutable.
class Authorizer {
 public:
  // `service` is this service's short name ("plans"), matched against an
  // integration's grants.
  explicit Authorizer(std::string service) : service_(std::move(service)) {}

  // Reading the detail of a resource in `scope`.
  absl::Status CanRead(const Caller& caller, const Scope& scope) const;
  // Creating, changing or deleting a resource in `scope`.
  absl::Status CanWrite(const Caller& caller, const Scope& scope) const;
  // Reading city-wide aggregates and reference data (catalogues, the unit
  // directory): every role but the operator and ungranted integrations.
  absl::Status CanReadAggregate(const Caller& caller) const;
  // Reading how the service runs, across every unit (its audit trail, its
  // jobs, its outbox): the Sở's leadership and divisions, and hpedu
  // services. `what` is the refused reading, in Vietnamese with its
  // English after a slash.
  absl::Status CanReadOperations(const Caller& caller,
                                 std::string_view what) const;

  // Whether a decision for `caller` depends on a resource's commune or
  // school (commune and school officers): callers may skip resolving a
  // unit's scope, which costs a registry call, when it does not.
  static bool ScopeMatters(const Caller& caller) {
    return caller.role == Role::kCommuneOfficer ||
           caller.role == Role::kSchoolOfficer;
  }

  const std::string& service() const { return service_; }

 private:
  absl::Status CheckAuthenticated(const Caller& caller) const;
  std::string service_;
};

}  // namespace hpedu::auth

#endif  // HPEDU_LIBS_AUTH_AUTHORIZE_H_
