// The registry end to end: the real service (ServiceHost, as main.cc starts
// it) on port 0 over a real PostgreSQL, called through the generated stub.
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "libs/text/vietnamese.h"
#include "services/registry/demo/demo_units.h"
#include "services/registry/registry_definition.h"
#include "services/registry/unit_import.h"

namespace hpedu::registry {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;
using Stub = v1::RegistryService::Stub;
using ::hpedu::testing::TestIdentity;

constexpr char kHeader[] =
    "id,kind,display_name,parent,valid_from,predecessors,levels,ownership,"
    "agency_role,short_name,generated\n";

class RegistryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(std::string db,
                         pg.ProvisionService(database, "registry"));
    ASSERT_OK_AND_ASSIGN(
        host_, server::ServiceHost::Start(
                   hpedu::testing::TestServerConfig("registry", db),
                   Definition()));
    stub_ = v1::RegistryService::NewStub(TestIdentity::Channel(
        absl::StrCat("127.0.0.1:", host_->port()),
        TestIdentity::Token(auth::Role::kLeadership)));
  }

  void TearDown() override {
    if (host_) {
      host_->Shutdown(absl::Seconds(5));
      host_->Wait();
    }
  }

  // Calls `method` with `request`; the wire status comes back as an
  // absl::Status with its google.rpc details.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    Response response;
    const grpc::Status status = (stub_.get()->*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  absl::StatusOr<v1::Unit> Create(const std::string& id, v1::UnitKind kind,
                                  const std::string& display_name) {
    v1::CreateUnitRequest request;
    request.set_unit_id(id);
    request.mutable_unit()->set_kind(kind);
    request.mutable_unit()->set_display_name(display_name);
    request.mutable_unit()->mutable_valid_from()->set_year(2025);
    request.mutable_unit()->mutable_valid_from()->set_month(7);
    request.mutable_unit()->mutable_valid_from()->set_day(1);
    return Call(&Stub::CreateUnit, request);
  }

  // The number of units of every date.
  int CountUnits() {
    v1::ListUnitsRequest request;
    request.set_show_history(true);
    absl::StatusOr<v1::ListUnitsResponse> response =
        Call(&Stub::ListUnits, request);
    EXPECT_THAT(response, IsOk());
    return response.ok() ? response->total_size() : -1;
  }

  absl::StatusOr<v1::ImportUnitsResponse> Import(const std::string& csv,
                                                 bool validate_only = false) {
    v1::ImportUnitsRequest request;
    request.set_csv_content(csv);
    request.set_validate_only(validate_only);
    return Call(&Stub::ImportUnits, request);
  }

  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(RegistryServiceTest, BadInputToEveryRpcNamesTheFieldsAndWritesNothing) {
  v1::GetUnitRequest get;
  get.set_name("phuong-do-son");
  EXPECT_THAT(Call(&Stub::GetUnit, get), HasFieldViolation("name"));

  v1::ListUnitsRequest list;
  list.set_page_size(-5);
  list.set_kind(static_cast<v1::UnitKind>(99));
  list.set_page_token("not-a-token");
  const absl::Status list_status = Call(&Stub::ListUnits, list).status();
  EXPECT_THAT(list_status, HasFieldViolation("page_size"));
  EXPECT_THAT(list_status, HasFieldViolation("kind"));
  EXPECT_THAT(list_status, HasFieldViolation("page_token"));

  v1::BatchGetUnitsRequest batch;
  EXPECT_THAT(Call(&Stub::BatchGetUnits, batch), HasFieldViolation("names"));
  batch.add_names("units/ok");
  batch.add_names("units/NOT OK");
  EXPECT_THAT(Call(&Stub::BatchGetUnits, batch), HasFieldViolation("names[1]"));

  v1::CreateUnitRequest create;
  create.set_unit_id("Bad Id");
  create.mutable_unit()->set_display_name("");
  create.mutable_unit()->set_parent("hai-phong");
  const absl::Status create_status = Call(&Stub::CreateUnit, create).status();
  EXPECT_THAT(create_status, HasFieldViolation("unit_id"));
  EXPECT_THAT(create_status, HasFieldViolation("unit.kind"));
  EXPECT_THAT(create_status, HasFieldViolation("unit.display_name"));
  EXPECT_THAT(create_status, HasFieldViolation("unit.parent"));
  EXPECT_THAT(create_status, HasFieldViolation("unit.valid_from"));

  v1::UpdateUnitRequest update;
  update.mutable_unit()->set_name("x/y");
  const absl::Status update_status = Call(&Stub::UpdateUnit, update).status();
  EXPECT_THAT(update_status, HasFieldViolation("unit.name"));
  EXPECT_THAT(update_status, HasFieldViolation("update_mask"));

  v1::ResolveUnitRequest resolve;
  resolve.set_kind(static_cast<v1::UnitKind>(42));
  const absl::Status resolve_status = Call(&Stub::ResolveUnit, resolve).status();
  EXPECT_THAT(resolve_status, HasFieldViolation("query"));
  EXPECT_THAT(resolve_status, HasFieldViolation("kind"));

  EXPECT_THAT(Call(&Stub::ImportUnits, v1::ImportUnitsRequest()),
              HasFieldViolation("csv_content"));

  EXPECT_EQ(CountUnits(), 0);
}

TEST_F(RegistryServiceTest, NotFound) {
  v1::GetUnitRequest get;
  get.set_name("units/khong-co");
  EXPECT_THAT(Call(&Stub::GetUnit, get),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/khong-co")));

  ASSERT_OK(Create("phuong-a", v1::WARD, "Phường A"));
  v1::BatchGetUnitsRequest batch;
  batch.add_names("units/phuong-a");
  batch.add_names("units/phuong-b");
  EXPECT_THAT(Call(&Stub::BatchGetUnits, batch),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/phuong-b")));

  v1::ResolveUnitRequest resolve;
  resolve.set_query("Phường Không Có");
  EXPECT_THAT(Call(&Stub::ResolveUnit, resolve),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RegistryServiceTest, CreateUpdateEtagsAndConflicts) {
  ASSERT_OK_AND_ASSIGN(v1::Unit created,
                       Create("phuong-a", v1::WARD, "Phường A"));
  EXPECT_EQ(created.name(), "units/phuong-a");
  EXPECT_THAT(Create("phuong-a", v1::WARD, "Phường A"),
              StatusIs(absl::StatusCode::kAlreadyExists));

  v1::UpdateUnitRequest update;
  update.mutable_unit()->set_name("units/phuong-a");
  update.mutable_unit()->set_display_name("Phường Á");
  update.mutable_unit()->set_etag(created.etag());
  update.mutable_update_mask()->add_paths("display_name");
  ASSERT_OK_AND_ASSIGN(v1::Unit updated, Call(&Stub::UpdateUnit, update));
  EXPECT_EQ(updated.display_name(), "Phường Á");
  EXPECT_NE(updated.etag(), created.etag());

  update.mutable_unit()->set_display_name("Phường B");
  const absl::Status stale = Call(&Stub::UpdateUnit, update).status();
  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(GetErrorInfo(stale).reason(), "ETAG_MISMATCH");

  v1::GetUnitRequest get;
  get.set_name("units/phuong-a");
  ASSERT_OK_AND_ASSIGN(v1::Unit got, Call(&Stub::GetUnit, get));
  EXPECT_EQ(got.display_name(), "Phường Á");

  update.mutable_unit()->set_name("units/khong-co");
  update.mutable_unit()->clear_etag();
  EXPECT_THAT(Call(&Stub::UpdateUnit, update),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RegistryServiceTest, ImportDryRunWritesNothing) {
  const std::string csv = std::string(kHeader) +
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,\n"
      "phuong-a,WARD,Phường A,hai-phong,2025-07-01,,,,,,\n";
  ASSERT_OK_AND_ASSIGN(v1::ImportUnitsResponse dry, Import(csv, true));
  EXPECT_EQ(dry.created(), 2);
  EXPECT_EQ(CountUnits(), 0);
  ASSERT_OK_AND_ASSIGN(v1::ImportUnitsResponse real, Import(csv));
  EXPECT_EQ(real.created(), 2);
  EXPECT_EQ(CountUnits(), 2);
  ASSERT_OK_AND_ASSIGN(v1::ImportUnitsResponse dry_again, Import(csv, true));
  EXPECT_EQ(dry_again.unchanged(), 2);
}

TEST_F(RegistryServiceTest, BadCsvIsRejectedWholeWithLineNumbers) {
  const std::string csv = std::string(kHeader) +
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,\n"   // 2: fine
      "phuong-a,WARD,Phường A,hai-phong,2025-07-01,,,,,,\n"       // 3: fine
      "phuong-b,VILLAGE,Phường B,hai-phong,2025-07-01,,,,,,\n"    // 4: kind
      "phuong-c,WARD,Phường C,hai-phong,2025-13-01,,,,,,\n"       // 5: date
      "\"phuong-d\",WARD,\"Phường D\",hai-phong,2025-07-01,,,,,,yes\n";  // 6
  const absl::Status status = Import(csv).status();
  ASSERT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<std::string> descriptions;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) {
    EXPECT_EQ(v.field(), "csv_content");
    descriptions.push_back(v.description());
  }
  EXPECT_THAT(descriptions, ElementsAre(StartsWith("dòng 4, cột kind:"),
                                        StartsWith("dòng 5, cột valid_from:"),
                                        StartsWith("dòng 6, cột generated:")));
  EXPECT_EQ(CountUnits(), 0);

  // Lines that only the stored data shows wrong are reported the same way.
  const std::string dangling = std::string(kHeader) +
      "phuong-a,WARD,Phường A,hai-phong,2025-07-01,,,,,,\n"
      "phuong-b,WARD,Phường B,,2025-07-01,quan-x,,,,,\n";
  const absl::Status dangling_status = Import(dangling).status();
  const google::rpc::BadRequest dangling_request = GetBadRequest(dangling_status);
  ASSERT_EQ(dangling_request.field_violations_size(), 2);
  EXPECT_THAT(dangling_request.field_violations(0).description(),
              StartsWith("dòng 2, cột parent:"));
  EXPECT_THAT(dangling_request.field_violations(1).description(),
              StartsWith("dòng 3, cột predecessors:"));
  EXPECT_EQ(CountUnits(), 0);
}

TEST_F(RegistryServiceTest, DemoDataImportsListsAndResolves) {
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Unit> demo,
                       demo::DemoUnits(demo::EmbeddedCommunesCsv()));
  const std::string csv = FormatUnitsCsv(demo);
  ASSERT_OK_AND_ASSIGN(v1::ImportUnitsResponse imported, Import(csv));
  EXPECT_EQ(imported.created(), static_cast<int>(demo.size()));
  ASSERT_OK_AND_ASSIGN(v1::ImportUnitsResponse again, Import(csv));
  EXPECT_EQ(again.unchanged(), static_cast<int>(demo.size()));
  EXPECT_EQ(again.created() + again.updated(), 0);

  // The 114 commune-level units under the city, page by page, in
  // Vietnamese order.
  v1::ListUnitsRequest request;
  request.set_parent("units/hai-phong");
  request.set_page_size(40);
  std::vector<std::string> display_names;
  std::set<std::string> seen;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(v1::ListUnitsResponse page, Call(&Stub::ListUnits, request));
    ++pages;
    for (const v1::Unit& unit : page.units()) {
      EXPECT_TRUE(seen.insert(unit.name()).second) << unit.name();
      if (unit.kind() == v1::WARD || unit.kind() == v1::COMMUNE ||
          unit.kind() == v1::SPECIAL_ZONE) {
        display_names.push_back(unit.display_name());
      }
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty() && pages < 20);
  EXPECT_GT(pages, 3);
  ASSERT_THAT(display_names, SizeIs(114));
  std::vector<std::string> sorted = display_names;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const std::string& a, const std::string& b) {
                     return text::VietnameseCollator::Get().Less(a, b);
                   });
  EXPECT_THAT(display_names, ElementsAreArray(sorted));

  // Wards only, with the total.
  v1::ListUnitsRequest wards;
  wards.set_kind(v1::WARD);
  wards.set_page_size(10);
  ASSERT_OK_AND_ASSIGN(v1::ListUnitsResponse first, Call(&Stub::ListUnits, wards));
  EXPECT_EQ(first.total_size(), 45);
  EXPECT_EQ(first.units_size(), 10);

  // Accent-insensitive search.
  v1::ListUnitsRequest search;
  search.set_query("do son");
  search.set_kind(v1::WARD);
  ASSERT_OK_AND_ASSIGN(v1::ListUnitsResponse found, Call(&Stub::ListUnits, search));
  std::vector<std::string> found_names;
  for (const v1::Unit& unit : found.units()) found_names.push_back(unit.display_name());
  EXPECT_THAT(found_names, ElementsAre("Phường Đồ Sơn", "Phường Nam Đồ Sơn"));

  // A former district resolves to its successors today, to itself before.
  v1::ResolveUnitRequest resolve;
  resolve.set_query("Quận Đồ Sơn");
  ASSERT_OK_AND_ASSIGN(v1::ResolveUnitResponse now, Call(&Stub::ResolveUnit, resolve));
  std::vector<std::string> now_names;
  for (const v1::Unit& unit : now.units()) now_names.push_back(unit.name());
  EXPECT_THAT(now_names, ElementsAre("units/phuong-do-son", "units/phuong-nam-do-son"));
  EXPECT_THAT(now.matched(), ElementsAre("units/quan-do-son"));
  resolve.mutable_as_of()->set_year(2024);
  resolve.mutable_as_of()->set_month(6);
  resolve.mutable_as_of()->set_day(1);
  ASSERT_OK_AND_ASSIGN(v1::ResolveUnitResponse before, Call(&Stub::ResolveUnit, resolve));
  ASSERT_EQ(before.units_size(), 1);
  EXPECT_EQ(before.units(0).name(), "units/quan-do-son");

  v1::ResolveUnitRequest cam_giang;
  cam_giang.set_query("Xã Cẩm Giàng");
  ASSERT_OK_AND_ASSIGN(v1::ResolveUnitResponse exact, Call(&Stub::ResolveUnit, cam_giang));
  ASSERT_EQ(exact.units_size(), 1);
  EXPECT_EQ(exact.units(0).display_name(), "Xã Cẩm Giàng");
  EXPECT_FALSE(exact.accent_insensitive());

  v1::ResolveUnitRequest lead;
  lead.set_query("GDMN, GDTH");
  ASSERT_OK_AND_ASSIGN(v1::ResolveUnitResponse division, Call(&Stub::ResolveUnit, lead));
  ASSERT_EQ(division.units_size(), 1);
  EXPECT_EQ(division.units(0).name(), "units/so-gddt-gdmn-gdth");

  // BatchGet in request order.
  v1::BatchGetUnitsRequest batch;
  batch.add_names("units/so-gddt");
  batch.add_names("units/hai-phong");
  ASSERT_OK_AND_ASSIGN(v1::BatchGetUnitsResponse got, Call(&Stub::BatchGetUnits, batch));
  ASSERT_EQ(got.units_size(), 2);
  EXPECT_EQ(got.units(0).display_name(), "Sở Giáo dục và Đào tạo Hải Phòng");
  EXPECT_EQ(got.units(1).display_name(), "Thành phố Hải Phòng");
}

}  // namespace
}  // namespace hpedu::registry
