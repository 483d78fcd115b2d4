// The authorization matrix of the staffing service: every RPC × {no
// identity, wrong role, wrong commune, right caller}; refused calls write
// nothing.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu::staffing {
namespace {

using ::hpedu::testing::CallAs;
using ::hpedu::testing::RpcCase;
using ::hpedu::testing::TestIdentity;
using Stub = v1::StaffingService::Stub;
using SourceStub = hpedu::indicators::v1::IndicatorSourceService::Stub;
using auth::Role;
namespace rv1 = ::hpedu::registry::v1;

constexpr char kRosterHeader[] =
    "staff_id,school,display_name,birth_year,sex,position,level,subject,"
    "employment,qualification,qualification_date,start_date,generated\n";

TEST(StaffingAuthorizationTest, EveryRpcChecksRoleAndScope) {
  const auto& registry = registry::testing::SharedDemoRegistry();
  // A primary school, its commune, and another commune.
  std::string school, commune, other;
  for (const rv1::Unit& unit : registry.units) {
    if (unit.kind() == rv1::SCHOOL && !unit.has_valid_until() &&
        unit.school().levels_size() == 1 && unit.school().levels(0) == rv1::TH &&
        school.empty()) {
      school = unit.name().substr(6);
      commune = unit.parent().substr(6);
    }
  }
  for (const rv1::Unit& unit : registry.units) {
    if ((unit.kind() == rv1::WARD || unit.kind() == rv1::COMMUNE) &&
        unit.name().substr(6) != commune) {
      other = unit.name().substr(6);
      break;
    }
  }
  ASSERT_FALSE(school.empty());
  ASSERT_FALSE(other.empty());

  hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
  ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
  ASSERT_OK_AND_ASSIGN(std::string db, pg.ProvisionService(database, "staffing"));
  server::ServerConfig config = hpedu::testing::TestServerConfig("staffing", db);
  config.peer_addresses["registry"] = registry.address;
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<server::ServiceHost> host,
      server::ServiceHost::Start(
          config, Definition([] { return absl::CivilDay(2026, 6, 15); })));
  const std::string address = absl::StrCat("127.0.0.1:", host->port());

  const std::string leadership = TestIdentity::Token(Role::kLeadership);
  const std::string mine = TestIdentity::Token(Role::kCommuneOfficer, "units/" + commune);
  const std::string theirs = TestIdentity::Token(Role::kCommuneOfficer, "units/" + other);
  const std::string operator_token = TestIdentity::Token(Role::kOperator);
  const std::string integration = TestIdentity::Token(Role::kIntegration);
  const std::string staffing_division =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-tccb");

  auto line = [&](const std::string& id) {
    return absl::StrCat(id, ",", school, ",Lê Thị Hà,1988,FEMALE,TEACHER,TH,,",
                        "PERMANENT,BACHELOR,2010-06-01,2020-09-01,\n");
  };
  v1::ImportRosterRequest seed;
  seed.set_csv_content(absl::StrCat(kRosterHeader, line("gv-z1")));
  ASSERT_TRUE(CallAs(address, leadership, &Stub::ImportRoster, seed).ok());

  const std::string unit = "units/" + school;
  const std::string commune_unit = "units/" + commune;
  v1::GetStaffMemberRequest get;
  get.set_name("staff/gv-z1");
  v1::ListStaffMembersRequest list;
  list.set_org_unit(unit);
  v1::CreateStaffMemberRequest create;
  create.set_staff_member_id("gv-z2");
  create.mutable_staff_member()->set_display_name("Vũ Văn Nam");
  create.mutable_staff_member()->set_birth_year(1990);
  create.mutable_staff_member()->set_sex(v1::MALE);
  create.mutable_staff_member()->set_employment(v1::CONTRACT);
  create.mutable_staff_member()->set_qualification(v1::BACHELOR);
  create.mutable_placement()->set_school(unit);
  create.mutable_placement()->set_position(v1::TEACHER);
  create.mutable_placement()->set_level("TH");
  *create.mutable_start_date() = api::ToProtoDate(absl::CivilDay(2025, 9, 1));
  v1::UpdateStaffMemberRequest update;
  update.mutable_staff_member()->set_name("staff/gv-z1");
  update.mutable_staff_member()->set_birth_year(1989);
  update.mutable_update_mask()->add_paths("birth_year");
  v1::CreateMovementRequest move;
  move.set_parent("staff/gv-z1");
  move.mutable_movement()->set_kind(v1::REASSIGNMENT);
  *move.mutable_movement()->mutable_effective_date() =
      api::ToProtoDate(absl::CivilDay(2025, 10, 1));
  move.mutable_movement()->mutable_placement()->set_school(unit);
  move.mutable_movement()->mutable_placement()->set_position(v1::MANAGER);
  move.mutable_movement()->mutable_placement()->set_level("TH");
  v1::ListMovementsRequest movements;
  movements.set_parent("staff/gv-z1");
  v1::ImportRosterRequest roster;
  roster.set_school(unit);
  roster.set_csv_content(absl::StrCat(kRosterHeader, line("gv-z3")));
  v1::ImportSchoolClassesRequest classes;
  classes.set_csv_content(absl::StrCat(
      "school,school_year,grade,sessions_per_day,classes,pupils\n", school,
      ",2025-2026,1,2,3,100\n"));
  v1::ListSchoolClassesRequest list_classes;
  list_classes.set_org_unit(unit);
  list_classes.set_school_year("2025-2026");
  v1::CreateNormRequest norm;
  norm.mutable_norm()->set_level("THPT");
  norm.mutable_norm()->set_subject("vat-ly");
  norm.mutable_norm()->set_teachers_per_class("0.118");
  *norm.mutable_norm()->mutable_valid_from() =
      api::ToProtoDate(absl::CivilDay(2026, 9, 1));
  norm.mutable_norm()->set_source("Thông tư (test)");
  v1::CreateTrainingStandardRequest standard;
  standard.mutable_training_standard()->set_level("MN");
  standard.mutable_training_standard()->set_minimum(v1::BACHELOR);
  *standard.mutable_training_standard()->mutable_valid_from() =
      api::ToProtoDate(absl::CivilDay(2030, 1, 1));
  standard.mutable_training_standard()->set_source("Luật (test)");
  v1::SetQuotaRequest quota;
  quota.mutable_quota()->set_org_unit(commune_unit);
  quota.mutable_quota()->set_school_year("2025-2026");
  quota.mutable_quota()->set_posts(40);
  v1::ListQuotasRequest quotas;
  quotas.set_school_year("2025-2026");
  v1::GetStaffingBalanceRequest balance;
  balance.set_org_unit(commune_unit);
  balance.set_school_year("2025-2026");
  v1::GetShortageViewRequest view;
  view.set_org_unit(commune_unit);
  view.set_school_year("2025-2026");
  v1::GetTrainingStandardSharesRequest shares;
  shares.set_org_unit(commune_unit);
  *shares.mutable_as_of() = api::ToProtoDate(absl::CivilDay(2025, 9, 5));
  v1::GetHeadcountRequest heads;
  heads.set_org_unit(commune_unit);
  *heads.mutable_as_of() = api::ToProtoDate(absl::CivilDay(2025, 9, 5));

  auto call = [&](auto method, const auto& request) {
    return [&address, method, request](const std::string& token) {
      return CallAs(address, token, method, request);
    };
  };
  std::vector<RpcCase> cases = {
      {"GetStaffMember", call(&Stub::GetStaffMember, get), mine, operator_token, theirs},
      {"ListStaffMembers", call(&Stub::ListStaffMembers, list), mine, operator_token,
       theirs},
      {"CreateStaffMember", call(&Stub::CreateStaffMember, create), mine, integration,
       theirs},
      {"UpdateStaffMember", call(&Stub::UpdateStaffMember, update), mine, integration,
       theirs},
      {"CreateMovement", call(&Stub::CreateMovement, move), mine, integration, theirs},
      {"ListMovements", call(&Stub::ListMovements, movements), mine, operator_token,
       theirs},
      {"ImportRoster", call(&Stub::ImportRoster, roster), mine, integration, theirs},
      {"ImportSchoolClasses", call(&Stub::ImportSchoolClasses, classes), mine,
       integration, theirs},
      {"ListSchoolClasses", call(&Stub::ListSchoolClasses, list_classes), mine,
       operator_token, theirs},
      // Norms and standards are the staffing division's, city-wide.
      {"CreateNorm", call(&Stub::CreateNorm, norm), staffing_division, mine, ""},
      {"ListNorms", call(&Stub::ListNorms, v1::ListNormsRequest()), mine,
       operator_token, ""},
      {"CreateTrainingStandard", call(&Stub::CreateTrainingStandard, standard),
       staffing_division, mine, ""},
      {"ListTrainingStandards",
       call(&Stub::ListTrainingStandards, v1::ListTrainingStandardsRequest()), mine,
       operator_token, ""},
      {"SetQuota", call(&Stub::SetQuota, quota), mine, integration, theirs},
      {"ListQuotas", call(&Stub::ListQuotas, quotas), mine, operator_token, ""},
      {"GetStaffingBalance", call(&Stub::GetStaffingBalance, balance), mine,
       operator_token, theirs},
      {"GetShortageView", call(&Stub::GetShortageView, view), mine, operator_token,
       theirs},
      {"GetTrainingStandardShares", call(&Stub::GetTrainingStandardShares, shares),
       mine, operator_token, theirs},
      {"GetHeadcount", call(&Stub::GetHeadcount, heads), mine, operator_token, theirs},
      // The audit trail is the Sở's.
      {"ListAuditEvents",
       call(&Stub::ListAuditEvents, audit::v1::ListAuditEventsRequest()),
       leadership, mine, ""},
  };
  for (hpedu::testing::RpcCase& feed :
       hpedu::testing::FeedCases<Stub>(address, leadership, mine)) {
    cases.push_back(std::move(feed));
  }
  hpedu::testing::RunAuthorizationMatrix(
      v1::StaffingService::service_full_name(), cases,
      hpedu::testing::DatabaseProbes(db, "staffing"));

  // Indicators 10-13 for the indicators service: a unit's aggregate, as
  // GetTrainingStandardShares (the indicators service asks with its
  // certificate, a service, or with the token of the person who asked it).
  hpedu::indicators::v1::ComputeIndicatorValuesRequest compute;
  compute.set_indicator_code("HP-11");
  compute.set_period("2025-2026");
  compute.add_org_units("units/" + school);
  hpedu::testing::RunAuthorizationMatrix(
      hpedu::indicators::v1::IndicatorSourceService::service_full_name(),
      {{"ComputeIndicatorValues",
        call(&SourceStub::ComputeIndicatorValues, compute), mine,
        operator_token, theirs}},
      hpedu::testing::DatabaseProbes(db, "staffing"));
  EXPECT_TRUE(CallAs(address, leadership, &SourceStub::ComputeIndicatorValues,
                     compute)
                  .ok());

  // A commune officer may not list the whole city's records.
  v1::ListStaffMembersRequest city;
  EXPECT_EQ(CallAs(address, mine, &Stub::ListStaffMembers, city).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(CallAs(address, leadership, &Stub::ListStaffMembers, city).ok());
  host->Shutdown(absl::Seconds(5));
  host->Wait();
}

}  // namespace
}  // namespace hpedu::staffing
