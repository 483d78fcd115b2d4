#include "libs/auth/authorize.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"

namespace hpedu::auth {
namespace {

std::string Describe(const Scope& scope) {
  if (!scope.school.empty()) return scope.school;
  if (!scope.commune.empty()) return scope.commune;
  if (!scope.lead_agency.empty()) return scope.lead_agency;
  return "thành phố";
}

bool IsCityLevel(const Scope& scope) {
  return scope.commune.empty() && scope.school.empty();
}

}  // namespace

absl::Status RoleDenied(const Caller& caller, std::string_view what) {
  return WithErrorInfo(
      absl::PermissionDeniedError(absl::StrCat(
          "Vai trò ", ToAbsl(RoleName(caller.role)), " không được ",
          ToAbsl(what), " / role ", ToAbsl(RoleName(caller.role)),
          " may not ", ToAbsl(what))),
      "ROLE_DENIED", {{"role", std::string(RoleName(caller.role))}});
}

absl::Status ScopeDenied(const Caller& caller, std::string_view what,
                         std::string_view resource_scope) {
  return WithErrorInfo(
      absl::PermissionDeniedError(absl::StrCat(
          "Ngoài phạm vi ", caller.unit, ": không được ", ToAbsl(what),
          " dữ liệu của ", ToAbsl(resource_scope),
          " / outside the caller's scope")),
      "SCOPE_DENIED",
      {{"role", std::string(RoleName(caller.role))},
       {"caller_unit", caller.unit},
       {"resource_scope", std::string(resource_scope)}});
}

absl::Status Authorizer::CheckAuthenticated(const Caller& caller) const {
  if (!caller.authenticated || caller.role == Role::kUnspecified) {
    return WithErrorInfo(
        absl::UnauthenticatedError(
            "Chưa xác thực / the call carries no accepted identity"),
        "UNAUTHENTICATED");
  }
  return absl::OkStatus();
}

absl::Status Authorizer::CanReadOperations(const Caller& caller,
                                           std::string_view what) const {
  if (absl::Status s = CheckAuthenticated(caller); !s.ok()) return s;
  switch (caller.role) {
    case Role::kService:
    case Role::kLeadership:
    case Role::kDivision:
      return absl::OkStatus();
    default:
      return RoleDenied(caller, what);
  }
}

absl::Status Authorizer::CanReadAggregate(const Caller& caller) const {
  if (absl::Status s = CheckAuthenticated(caller); !s.ok()) return s;
  switch (caller.role) {
    case Role::kOperator:
      return RoleDenied(caller, "đọc dữ liệu / read data");
    case Role::kIntegration:
      if (std::find(caller.granted_services.begin(),
                    caller.granted_services.end(),
                    service_) == caller.granted_services.end()) {
        return RoleDenied(caller,
                          absl::StrCat("đọc dịch vụ ", service_, " / read"));
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

absl::Status Authorizer::CanRead(const Caller& caller,
                                 const Scope& scope) const {
  if (absl::Status s = CanReadAggregate(caller); !s.ok()) return s;
  switch (caller.role) {
    case Role::kCommuneOfficer:
      if (scope.commune.empty() ? scope.school.empty()
                                : scope.commune == caller.unit) {
        return absl::OkStatus();
      }
      return ScopeDenied(caller, "xem", Describe(scope));
    case Role::kSchoolOfficer:
      if (IsCityLevel(scope) || scope.school == caller.unit) {
        return absl::OkStatus();
      }
      return ScopeDenied(caller, "xem", Describe(scope));
    default:
      return absl::OkStatus();
  }
}

absl::Status Authorizer::CanWrite(const Caller& caller,
                                  const Scope& scope) const {
  if (absl::Status s = CheckAuthenticated(caller); !s.ok()) return s;
  switch (caller.role) {
    case Role::kService:
    case Role::kLeadership:
      return absl::OkStatus();
    case Role::kDivision:
      if (!scope.lead_agency.empty() && scope.lead_agency == caller.unit) {
        return absl::OkStatus();
      }
      return ScopeDenied(caller, "ghi", Describe(scope));
    case Role::kCommuneOfficer:
      if (!scope.commune.empty() && scope.commune == caller.unit) {
        return absl::OkStatus();
      }
      return ScopeDenied(caller, "ghi", Describe(scope));
    case Role::kSchoolOfficer:
      if (!scope.school.empty() && scope.school == caller.unit) {
        return absl::OkStatus();
      }
      return ScopeDenied(caller, "ghi", Describe(scope));
    case Role::kIntegration:
    case Role::kOperator:
    case Role::kUnspecified:
      return RoleDenied(caller, "ghi dữ liệu / write");
  }
  return RoleDenied(caller, "ghi dữ liệu / write");
}

}  // namespace hpedu::auth
