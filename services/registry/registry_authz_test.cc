// The authorization matrix of the registry: every RPC × {no identity, wrong
// role, wrong commune, right caller}; refused calls write nothing.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/registry/demo/demo_units.h"
#include "services/registry/registry_definition.h"
#include "services/registry/unit_import.h"

namespace hpedu::registry {
namespace {

using ::hpedu::testing::CallAs;
using ::hpedu::testing::RpcCase;
using ::hpedu::testing::TestIdentity;
using Stub = v1::RegistryService::Stub;
using auth::Role;

TEST(RegistryAuthorizationTest, EveryRpcChecksRoleAndScope) {
  ASSERT_OK_AND_ASSIGN(hpedu::testing::TestService service,
                       hpedu::testing::StartTestService(Definition()));
  const std::string& address = service.address;
  const std::string& db = service.db;
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Unit> units,
                       demo::DemoUnits(demo::EmbeddedCommunesCsv()));
  v1::ImportUnitsRequest demo;
  demo.set_csv_content(FormatUnitsCsv(units));
  const std::string leadership = TestIdentity::Token(Role::kLeadership);
  ASSERT_TRUE(CallAs(address, leadership, &Stub::ImportUnits, demo).ok());

  const std::string do_son = TestIdentity::Token(Role::kCommuneOfficer,
                                                 "units/phuong-do-son");
  const std::string duong_kinh = TestIdentity::Token(
      Role::kCommuneOfficer, "units/phuong-duong-kinh");
  const std::string operator_token = TestIdentity::Token(Role::kOperator);
  const std::string integration = TestIdentity::Token(Role::kIntegration);
  const std::string division =
      TestIdentity::Token(Role::kDivision, "units/phong-gdtx");

  v1::GetUnitRequest get;
  get.set_name("units/phuong-do-son");
  v1::ListUnitsRequest list;
  list.set_kind(v1::WARD);
  v1::BatchGetUnitsRequest batch;
  batch.add_names("units/phuong-do-son");
  v1::ResolveUnitRequest resolve;
  resolve.set_query("Đồ Sơn");
  v1::CreateUnitRequest create;
  create.set_unit_id("th-do-son-moi");
  create.mutable_unit()->set_kind(v1::SCHOOL);
  create.mutable_unit()->set_display_name("Trường Tiểu học Đồ Sơn mới");
  create.mutable_unit()->set_parent("units/phuong-do-son");
  create.mutable_unit()->mutable_school()->add_levels(v1::TH);
  create.mutable_unit()->mutable_school()->set_ownership(v1::PUBLIC);
  *create.mutable_unit()->mutable_valid_from() = [] {
    google::type::Date d;
    d.set_year(2025);
    d.set_month(9);
    d.set_day(1);
    return d;
  }();
  v1::UpdateUnitRequest update;
  update.mutable_unit()->set_name("units/mn-do-son");
  update.mutable_unit()->set_display_name("Trường Mầm non Đồ Sơn (đổi tên)");
  update.mutable_update_mask()->add_paths("display_name");

  auto call = [&](auto method, const auto& request) {
    return [&address, method, request](const std::string& token) {
      return CallAs(address, token, method, request);
    };
  };
  std::vector<RpcCase> cases = {
      {"GetUnit", call(&Stub::GetUnit, get), do_son, operator_token, ""},
      {"ListUnits", call(&Stub::ListUnits, list), do_son, operator_token, ""},
      {"BatchGetUnits", call(&Stub::BatchGetUnits, batch), do_son,
       operator_token, ""},
      {"ResolveUnit", call(&Stub::ResolveUnit, resolve), do_son,
       operator_token, ""},
      {"CreateUnit", call(&Stub::CreateUnit, create), do_son, integration,
       duong_kinh, true},
      {"UpdateUnit", call(&Stub::UpdateUnit, update), do_son, integration,
       duong_kinh, true},
      // The whole directory is the city's: a division leads none of it.
      {"ImportUnits", call(&Stub::ImportUnits, demo), leadership, do_son,
       division, true},
      // The audit trail is the Sở's.
      {"ListAuditEvents",
       call(&Stub::ListAuditEvents, audit::v1::ListAuditEventsRequest()),
       leadership, do_son, ""},
  };
  for (hpedu::testing::RpcCase& feed :
       hpedu::testing::FeedCases<Stub>(address, leadership, do_son)) {
    cases.push_back(std::move(feed));
  }
  hpedu::testing::RunAuthorizationMatrix(
      v1::RegistryService::service_full_name(), cases,
      hpedu::testing::DatabaseProbes(db, "registry"));
}

}  // namespace
}  // namespace hpedu::registry
