// The PostgreSQL UnitStore against a real, throwaway PostgreSQL 15: each
// test gets a fresh database with the registry's schema.
#include "services/registry/unit_store_pg.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/api/dates.h"
#include "libs/db/migrations.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"
#include "libs/text/vietnamese.h"
#include "services/registry/registry_definition.h"

namespace hpedu::registry {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr absl::CivilDay kReform(2025, 7, 1);

class UnitStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(std::string conninfo,
                         pg.ProvisionService(database, "registry"));
    ASSERT_OK(db::ApplyMigrations(conninfo, "registry", Migrations()));
    ASSERT_OK_AND_ASSIGN(pool_, db::Pool::Create({.conninfo = conninfo,
                                                  .size = 2,
                                                  .statements = UnitStatements()}));
    store_ = NewPostgresUnitStore(*pool_);
  }

  static v1::Unit MakeUnit(const std::string& id, v1::UnitKind kind,
                           const std::string& display_name,
                           absl::CivilDay from = kReform,
                           const std::string& parent = "") {
    v1::Unit unit;
    unit.set_name("units/" + id);
    unit.set_kind(kind);
    unit.set_display_name(display_name);
    *unit.mutable_valid_from() = api::ToProtoDate(from);
    if (!parent.empty()) unit.set_parent("units/" + parent);
    return unit;
  }

  absl::StatusOr<v1::Unit> Create(const v1::Unit& unit,
                                  const std::string& request_id = "") {
    return store_->CreateUnit(call_, UnitRow{0, unit}, request_id);
  }

  // Every page of `query`, following the store's positions.
  std::vector<std::string> ListAll(UnitListQuery query, int* pages = nullptr,
                                   int* total = nullptr) {
    std::vector<std::string> names;
    for (int page = 1; page <= 100; ++page) {
      absl::StatusOr<UnitPage> result = store_->ListUnits(call_, query);
      EXPECT_THAT(result, IsOk());
      if (!result.ok()) break;
      if (total) *total = result->total_size;
      for (const v1::Unit& unit : result->units) names.push_back(unit.name());
      if (pages) *pages = page;
      if (!result->more) break;
      const v1::Unit& last = result->units.back();
      query.after = UnitListPosition{last.display_name(), UnitIdOf(last.name())};
    }
    return names;
  }

  server::CallContext call_ = server::CallContext::ForTesting();
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<UnitStore> store_;
};

TEST_F(UnitStoreTest, CreateThenGet) {
  ASSERT_OK(Create(MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng")));
  v1::Unit school = MakeUnit("mn-do-son", v1::SCHOOL, "Trường Mầm non Đồ Sơn",
                             kReform, "hai-phong");
  school.mutable_school()->add_levels(v1::MN);
  school.mutable_school()->add_levels(v1::TH);
  school.mutable_school()->set_ownership(v1::PRIVATE);
  school.set_generated(true);
  ASSERT_OK_AND_ASSIGN(v1::Unit created, Create(school));

  ASSERT_OK_AND_ASSIGN(v1::Unit got, store_->GetUnit(call_, "mn-do-son"));
  EXPECT_EQ(got.SerializeAsString(), created.SerializeAsString());
  EXPECT_EQ(got.display_name(), "Trường Mầm non Đồ Sơn");
  EXPECT_EQ(got.parent(), "units/hai-phong");
  EXPECT_THAT(got.school().levels(), ElementsAre(v1::MN, v1::TH));
  EXPECT_EQ(got.school().ownership(), v1::PRIVATE);
  EXPECT_TRUE(got.generated());
  EXPECT_EQ(got.etag(), "\"1\"");
  EXPECT_EQ(api::FromProtoDate(got.valid_from(), "x").value(), kReform);
  EXPECT_FALSE(got.has_valid_until());
  EXPECT_GT(got.create_time().seconds(), 1700000000);

  EXPECT_THAT(store_->GetUnit(call_, "missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/missing")));
}

TEST_F(UnitStoreTest, TakenIdIsAlreadyExists) {
  ASSERT_OK(Create(MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng")));
  EXPECT_THAT(Create(MakeUnit("hai-phong", v1::CITY, "Khác")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  ASSERT_OK_AND_ASSIGN(v1::Unit got, store_->GetUnit(call_, "hai-phong"));
  EXPECT_EQ(got.display_name(), "Thành phố Hải Phòng");
}

TEST_F(UnitStoreTest, RequestIdMakesCreateIdempotent) {
  const std::string request_id = "123e4567-e89b-12d3-a456-426614174000";
  ASSERT_OK_AND_ASSIGN(
      v1::Unit first,
      Create(MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng"), request_id));
  // A retry, even one whose body differs, returns the first result.
  ASSERT_OK_AND_ASSIGN(
      v1::Unit retry,
      Create(MakeUnit("hai-phong", v1::CITY, "Tên khác"), request_id));
  EXPECT_EQ(retry.SerializeAsString(), first.SerializeAsString());
  // Without the request id the same body is a conflict.
  EXPECT_THAT(Create(MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng")),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(UnitStoreTest, MergerClosesPredecessorsAndLinksSuccessors) {
  ASSERT_OK(Create(MakeUnit("quan-do-son", v1::URBAN_DISTRICT, "Quận Đồ Sơn",
                            absl::CivilDay(2000, 1, 1))));
  for (const auto& [id, name] :
       std::vector<std::pair<std::string, std::string>>{
           {"phuong-do-son", "Phường Đồ Sơn"},
           {"phuong-nam-do-son", "Phường Nam Đồ Sơn"}}) {
    v1::Unit ward = MakeUnit(id, v1::WARD, name);
    ward.add_predecessors("units/quan-do-son");
    ASSERT_OK_AND_ASSIGN(v1::Unit created, Create(ward));
    EXPECT_THAT(created.predecessors(), ElementsAre("units/quan-do-son"));
  }
  ASSERT_OK_AND_ASSIGN(v1::Unit district, store_->GetUnit(call_, "quan-do-son"));
  EXPECT_EQ(api::FromProtoDate(district.valid_until(), "x").value(), kReform);
  EXPECT_THAT(district.successors(),
              ElementsAre("units/phuong-do-son", "units/phuong-nam-do-son"));
  EXPECT_EQ(district.etag(), "\"2\"");  // closed once, not twice

  UnitListQuery before;
  before.valid_on = kReform - 1;
  EXPECT_THAT(ListAll(before), ElementsAre("units/quan-do-son"));
  UnitListQuery after;
  after.valid_on = kReform;
  EXPECT_THAT(ListAll(after),
              ElementsAre("units/phuong-do-son", "units/phuong-nam-do-son"));
  UnitListQuery history;
  EXPECT_EQ(ListAll(history).size(), 3u);
}

TEST_F(UnitStoreTest, PredecessorMustExistTheDayBeforeAndNothingIsWritten) {
  ASSERT_OK(Create(MakeUnit("quan-moi", v1::URBAN_DISTRICT, "Quận Mới",
                            kReform)));
  v1::Unit ward = MakeUnit("phuong-a", v1::WARD, "Phường A");
  ward.add_predecessors("units/quan-moi");
  ward.add_predecessors("units/khong-co");
  ward.set_parent("units/khong-co");
  const absl::Status status = Create(ward).status();
  EXPECT_THAT(status, HasFieldViolation("unit.predecessors[0]"));
  EXPECT_THAT(status, HasFieldViolation("unit.predecessors[1]"));
  EXPECT_THAT(status, HasFieldViolation("unit.parent"));
  EXPECT_THAT(store_->GetUnit(call_, "phuong-a"),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(v1::Unit district, store_->GetUnit(call_, "quan-moi"));
  EXPECT_FALSE(district.has_valid_until());
}

TEST_F(UnitStoreTest, ListsInVietnameseOrderAcrossPages) {
  const std::vector<std::string> names = {
      "Phường Đông Hải", "Phường Dương Kinh", "Phường Ái Quốc",
      "Phường An Biên",  "Phường Đồ Sơn",     "Phường Gia Viên",
      "Phường Ân Thi",   "Phường Ă",          "Phường Hải An",
      "Phường Ê Đê",     "Phường E",          "Phường Yết Kiêu"};
  for (size_t i = 0; i < names.size(); ++i) {
    ASSERT_OK(Create(MakeUnit("p" + std::to_string(i), v1::WARD, names[i])));
  }
  // Two units with the same name are ordered by id.
  ASSERT_OK(Create(MakeUnit("z-dup", v1::WARD, "Phường An Biên")));

  std::vector<std::pair<std::string, std::string>> expected;
  for (size_t i = 0; i < names.size(); ++i) {
    expected.push_back({names[i], "units/p" + std::to_string(i)});
  }
  expected.push_back({"Phường An Biên", "units/z-dup"});
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    const int order = text::VietnameseCollator::Get().Compare(a.first, b.first);
    return order != 0 ? order < 0 : a.second < b.second;
  });
  std::vector<std::string> expected_names;
  for (const auto& [unused, name] : expected) expected_names.push_back(name);

  UnitListQuery query;
  query.page_size = 3;
  int pages = 0;
  int total = 0;
  EXPECT_THAT(ListAll(query, &pages, &total), ElementsAreArray(expected_names));
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(total, 13);
}

TEST_F(UnitStoreTest, SearchIsAccentInsensitiveAndLiteral) {
  ASSERT_OK(Create(MakeUnit("phuong-do-son", v1::WARD, "Phường Đồ Sơn")));
  ASSERT_OK(Create(MakeUnit("phuong-nam-do-son", v1::WARD, "Phường Nam Đồ Sơn")));
  ASSERT_OK(Create(MakeUnit("phuong-duong-kinh", v1::WARD, "Phường Dương Kinh")));
  ASSERT_OK(Create(MakeUnit("phuong-50", v1::WARD, "Phường 50% Xanh")));

  UnitListQuery query;
  query.folded_search = "do son";
  int total = 0;
  EXPECT_THAT(ListAll(query, nullptr, &total),
              ElementsAre("units/phuong-do-son", "units/phuong-nam-do-son"));
  EXPECT_EQ(total, 2);
  query.folded_search = "%";
  EXPECT_THAT(ListAll(query), ElementsAre("units/phuong-50"));
  query.folded_search = "_";
  EXPECT_THAT(ListAll(query), IsEmpty());
}

TEST_F(UnitStoreTest, FiltersByKindParentAndLevel) {
  ASSERT_OK(Create(MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng")));
  ASSERT_OK(Create(MakeUnit("phuong-a", v1::WARD, "Phường A", kReform,
                            "hai-phong")));
  for (const auto& [id, level] : std::vector<std::pair<std::string, v1::SchoolLevel>>{
           {"mn-a", v1::MN}, {"th-a", v1::TH}, {"thcs-a", v1::THCS}}) {
    v1::Unit school = MakeUnit(id, v1::SCHOOL, "Trường " + id, kReform, "phuong-a");
    school.mutable_school()->add_levels(level);
    ASSERT_OK(Create(school));
  }
  UnitListQuery query;
  query.parent_id = "phuong-a";
  EXPECT_EQ(ListAll(query).size(), 3u);
  query.level = v1::TH;
  EXPECT_THAT(ListAll(query), ElementsAre("units/th-a"));
  UnitListQuery wards;
  wards.kind = v1::WARD;
  EXPECT_THAT(ListAll(wards), ElementsAre("units/phuong-a"));
}

TEST_F(UnitStoreTest, UpdateChecksEtagParentAndKind) {
  ASSERT_OK(Create(MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng")));
  ASSERT_OK_AND_ASSIGN(v1::Unit ward,
                       Create(MakeUnit("phuong-a", v1::WARD, "Phường A",
                                       kReform, "hai-phong")));

  UnitUpdate rename{.id = "phuong-a", .etag = ward.etag(),
                    .display_name = "Phường Á"};
  ASSERT_OK_AND_ASSIGN(v1::Unit renamed, store_->UpdateUnit(call_, rename));
  EXPECT_EQ(renamed.display_name(), "Phường Á");
  EXPECT_NE(renamed.etag(), ward.etag());
  EXPECT_EQ(renamed.parent(), "units/hai-phong");

  // The same etag again is stale now.
  rename.display_name = "Phường B";
  EXPECT_THAT(store_->UpdateUnit(call_, rename),
              StatusIs(absl::StatusCode::kAborted));
  // No etag: no check.
  rename.etag.clear();
  ASSERT_OK(store_->UpdateUnit(call_, rename));

  UnitUpdate cycle{.id = "hai-phong", .parent_id = "phuong-a"};
  EXPECT_THAT(store_->UpdateUnit(call_, cycle), HasFieldViolation("unit.parent"));
  UnitUpdate orphan{.id = "phuong-a", .parent_id = ""};
  ASSERT_OK_AND_ASSIGN(v1::Unit top, store_->UpdateUnit(call_, orphan));
  EXPECT_EQ(top.parent(), "");
  UnitUpdate school{.id = "phuong-a", .school = v1::SchoolDetails()};
  EXPECT_THAT(store_->UpdateUnit(call_, school), HasFieldViolation("unit.school"));
  UnitUpdate missing{.id = "khong-co", .display_name = "X"};
  EXPECT_THAT(store_->UpdateUnit(call_, missing),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(UnitStoreTest, BatchGetKeepsRequestOrderAndNamesTheMissing) {
  ASSERT_OK(Create(MakeUnit("a", v1::WARD, "Phường A")));
  ASSERT_OK(Create(MakeUnit("b", v1::WARD, "Phường B")));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Unit> units,
                       store_->BatchGetUnits(call_, {"b", "a", "b"}));
  std::vector<std::string> names;
  for (const v1::Unit& unit : units) names.push_back(unit.name());
  EXPECT_THAT(names, ElementsAre("units/b", "units/a", "units/b"));
  EXPECT_THAT(store_->BatchGetUnits(call_, {"a", "x", "y"}),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("units/x"), HasSubstr("units/y"),
                             ::testing::Not(HasSubstr("units/a")))));
}

TEST_F(UnitStoreTest, ImportIsAllOrNothingAndIdempotent) {
  const std::string csv =
      "id,kind,display_name,parent,valid_from,predecessors,levels,ownership,"
      "agency_role,short_name,generated\n"
      "quan-do-son,URBAN_DISTRICT,Quận Đồ Sơn,,2000-01-01,,,,,,true\n"
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,\n"
      "phuong-do-son,WARD,Phường Đồ Sơn,hai-phong,2025-07-01,quan-do-son,,,,,\n"
      "mn-do-son,SCHOOL,Trường Mầm non Đồ Sơn,phuong-do-son,2025-07-01,,MN,"
      "PUBLIC,,,true\n";
  ASSERT_OK_AND_ASSIGN(std::vector<UnitRow> rows, ParseUnitsCsv(csv));

  ASSERT_OK_AND_ASSIGN(ImportCounts dry, store_->ImportUnits(call_, rows, true));
  EXPECT_EQ(dry.created, 4);
  EXPECT_THAT(store_->GetUnit(call_, "hai-phong"),
              StatusIs(absl::StatusCode::kNotFound));

  ASSERT_OK_AND_ASSIGN(ImportCounts first, store_->ImportUnits(call_, rows, false));
  EXPECT_EQ(first.created, 4);
  ASSERT_OK_AND_ASSIGN(v1::Unit district, store_->GetUnit(call_, "quan-do-son"));
  EXPECT_THAT(district.successors(), ElementsAre("units/phuong-do-son"));

  ASSERT_OK_AND_ASSIGN(ImportCounts again, store_->ImportUnits(call_, rows, false));
  EXPECT_EQ(again.created, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.unchanged, 4);

  // A renamed school updates; a changed kind rejects the whole file.
  rows[3].unit.set_display_name("Trường Mầm non Hoa Sen Đồ Sơn");
  ASSERT_OK_AND_ASSIGN(ImportCounts renamed, store_->ImportUnits(call_, rows, false));
  EXPECT_EQ(renamed.updated, 1);
  rows[3].unit.set_display_name("Trường Mầm non Đồ Sơn");
  rows[1].unit.set_kind(v1::PROVINCE);
  EXPECT_THAT(store_->ImportUnits(call_, rows, false),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(v1::Unit school, store_->GetUnit(call_, "mn-do-son"));
  EXPECT_EQ(school.display_name(), "Trường Mầm non Hoa Sen Đồ Sơn");
}

TEST_F(UnitStoreTest, ResolveCandidatesIncludeSuccessors) {
  ASSERT_OK(Create(MakeUnit("quan-do-son", v1::URBAN_DISTRICT, "Quận Đồ Sơn",
                            absl::CivilDay(2000, 1, 1))));
  v1::Unit ward = MakeUnit("phuong-bang-la", v1::WARD, "Phường Bàng La");
  ward.add_predecessors("units/quan-do-son");
  ASSERT_OK(Create(ward));
  ASSERT_OK(Create(MakeUnit("phuong-khac", v1::WARD, "Phường Khác")));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Unit> found,
                       store_->FindResolveCandidates(call_, "do son", "do son"));
  std::vector<std::string> names;
  for (const v1::Unit& unit : found) names.push_back(unit.name());
  EXPECT_THAT(names, UnorderedElementsAre("units/quan-do-son",
                                          "units/phuong-bang-la"));
}

}  // namespace
}  // namespace hpedu::registry
