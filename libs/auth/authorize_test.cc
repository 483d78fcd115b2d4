#include "libs/auth/authorize.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"

namespace hpedu::auth {
namespace {

using ::absl::StatusCode;

Caller Make(Role role, std::string unit = "",
            std::vector<std::string> grants = {}) {
  return Caller{"someone", true, role, std::move(unit), std::move(grants)};
}

const Scope kCity{};
const Scope kDoSon{.commune = "units/do-son"};
const Scope kDoSonSchool{.commune = "units/do-son", .school = "units/thcs-1"};
const Scope kDuongKinh{.commune = "units/duong-kinh"};
const Scope kLedByPrimary{.lead_agency = "units/phong-gdth"};

TEST(AuthorizerTest, UnauthenticatedCallerIsRefusedAsSuch) {
  Authorizer authz("plans");
  Caller anonymous;
  EXPECT_EQ(authz.CanRead(anonymous, kCity).code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(authz.CanWrite(anonymous, kCity).code(),
            StatusCode::kUnauthenticated);
}

TEST(AuthorizerTest, CommuneOfficerReadsCityAndOwnCommuneWritesOnlyOwn) {
  Authorizer authz("plans");
  Caller officer = Make(Role::kCommuneOfficer, "units/do-son");
  EXPECT_TRUE(authz.CanReadAggregate(officer).ok());
  EXPECT_TRUE(authz.CanRead(officer, kCity).ok());
  EXPECT_TRUE(authz.CanRead(officer, kDoSon).ok());
  EXPECT_TRUE(authz.CanRead(officer, kDoSonSchool).ok());
  EXPECT_EQ(authz.CanRead(officer, kDuongKinh).code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(authz.CanWrite(officer, kDoSon).ok());
  EXPECT_TRUE(authz.CanWrite(officer, kDoSonSchool).ok());
  EXPECT_EQ(authz.CanWrite(officer, kCity).code(),
            StatusCode::kPermissionDenied);
  absl::Status other = authz.CanWrite(officer, kDuongKinh);
  EXPECT_EQ(other.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(GetErrorInfo(other).reason(), "SCOPE_DENIED");
  EXPECT_EQ(GetErrorInfo(other).metadata().at("resource_scope"),
            "units/duong-kinh");
}

TEST(AuthorizerTest, SchoolOfficerIsConfinedToTheirSchool) {
  Authorizer authz("staffing");
  Caller officer = Make(Role::kSchoolOfficer, "units/thcs-1");
  EXPECT_TRUE(authz.CanRead(officer, kDoSonSchool).ok());
  EXPECT_TRUE(authz.CanWrite(officer, kDoSonSchool).ok());
  EXPECT_EQ(authz.CanRead(officer, kDoSon).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(authz.CanWrite(officer, kDoSon).code(),
            StatusCode::kPermissionDenied);
  Scope other_school{.commune = "units/do-son", .school = "units/thcs-2"};
  EXPECT_EQ(authz.CanRead(officer, other_school).code(),
            StatusCode::kPermissionDenied);
}

TEST(AuthorizerTest, DivisionWritesWhatItLeads) {
  Authorizer authz("plans");
  Caller division = Make(Role::kDivision, "units/phong-gdth");
  EXPECT_TRUE(authz.CanRead(division, kDuongKinh).ok());
  EXPECT_TRUE(authz.CanWrite(division, kLedByPrimary).ok());
  Scope led_by_other{.lead_agency = "units/phong-tccb"};
  EXPECT_EQ(authz.CanWrite(division, led_by_other).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(authz.CanWrite(division, kCity).code(),
            StatusCode::kPermissionDenied);
}

TEST(AuthorizerTest, IntegrationReadsGrantedServicesOnlyAndNeverWrites) {
  Caller system = Make(Role::kIntegration, "", {"indicators"});
  EXPECT_TRUE(Authorizer("indicators").CanRead(system, kDuongKinh).ok());
  EXPECT_EQ(Authorizer("indicators").CanWrite(system, kDuongKinh).code(),
            StatusCode::kPermissionDenied);
  absl::Status ungranted = Authorizer("staffing").CanReadAggregate(system);
  EXPECT_EQ(ungranted.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(GetErrorInfo(ungranted).reason(), "ROLE_DENIED");
}

TEST(AuthorizerTest, OperatorReadsNothing) {
  Authorizer authz("budget");
  Caller op = Make(Role::kOperator);
  EXPECT_EQ(authz.CanReadAggregate(op).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(authz.CanRead(op, kCity).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(authz.CanWrite(op, kCity).code(), StatusCode::kPermissionDenied);
}

TEST(AuthorizerTest, LeadershipAndServicesDoEverything) {
  Authorizer authz("budget");
  for (Role role : {Role::kLeadership, Role::kService}) {
    Caller caller = Make(role);
    EXPECT_TRUE(authz.CanWrite(caller, kDuongKinh).ok());
    EXPECT_TRUE(authz.CanWrite(caller, kCity).ok());
    EXPECT_TRUE(authz.CanRead(caller, kDoSonSchool).ok());
  }
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : {Role::kService, Role::kLeadership, Role::kDivision,
                    Role::kCommuneOfficer, Role::kSchoolOfficer,
                    Role::kIntegration, Role::kOperator}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(ParseRole("admin"), std::nullopt);
}

}  // namespace
}  // namespace hpedu::auth
