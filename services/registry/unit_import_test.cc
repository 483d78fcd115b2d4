#include "services/registry/unit_import.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/api/dates.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::registry {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr char kHeader[] =
    "id,kind,display_name,parent,valid_from,predecessors,levels,ownership,"
    "agency_role,short_name,generated\n";

std::vector<std::string> Descriptions(const absl::Status& status) {
  std::vector<std::string> descriptions;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) {
    EXPECT_EQ(v.field(), "csv_content");
    descriptions.push_back(v.description());
  }
  return descriptions;
}

std::vector<std::string> Names(const std::vector<UnitRow>& rows) {
  std::vector<std::string> names;
  for (const UnitRow& row : rows) names.push_back(row.unit.name());
  return names;
}

TEST(ParseUnitsCsvTest, ParsesEveryColumn) {
  const std::string csv = std::string(kHeader) +
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,false\n"
      "mn-do-son,SCHOOL,Trường Mầm non Đồ Sơn,units/hai-phong,2025-07-01,,"
      "MN;TH,PUBLIC,,,true\n"
      "so-gddt,AGENCY,Sở Giáo dục và Đào tạo Hải Phòng,hai-phong,2000-01-01,,"
      ",,DEPARTMENT,SGDĐT,\n";
  absl::StatusOr<std::vector<UnitRow>> rows = ParseUnitsCsv(csv);
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 3u);
  const v1::Unit& school = (*rows)[1].unit;
  EXPECT_EQ((*rows)[1].line, 3);
  EXPECT_EQ(school.name(), "units/mn-do-son");
  EXPECT_EQ(school.kind(), v1::SCHOOL);
  EXPECT_EQ(school.parent(), "units/hai-phong");
  EXPECT_THAT(school.school().levels(), ElementsAre(v1::MN, v1::TH));
  EXPECT_EQ(school.school().ownership(), v1::PUBLIC);
  EXPECT_TRUE(school.generated());
  const v1::Unit& so = (*rows)[2].unit;
  EXPECT_EQ(so.parent(), "units/hai-phong");
  EXPECT_EQ(so.agency().role(), v1::DEPARTMENT);
  EXPECT_EQ(so.agency().short_name(), "SGDĐT");
  EXPECT_FALSE(so.generated());
}

TEST(ParseUnitsCsvTest, SortsParentsAndPredecessorsFirst) {
  const std::string csv = std::string(kHeader) +
      "phuong-do-son,WARD,Phường Đồ Sơn,hai-phong,2025-07-01,quan-do-son,,,,,\n"
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,\n"
      "quan-do-son,URBAN_DISTRICT,Quận Đồ Sơn,,2000-01-01,,,,,,true\n"
      "xa-a,COMMUNE,Xã A,hai-phong,2025-07-01,,,,,,\n";
  absl::StatusOr<std::vector<UnitRow>> rows = ParseUnitsCsv(csv);
  ASSERT_THAT(rows, IsOk());
  EXPECT_THAT(Names(*rows),
              ElementsAre("units/hai-phong", "units/quan-do-son",
                          "units/phuong-do-son", "units/xa-a"));
}

TEST(ParseUnitsCsvTest, ReportsEveryBadLineWithItsNumber) {
  const std::string csv = std::string(kHeader) +
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,\n"  // line 2: ok
      "Bad Id,WARD,Phường X,hai-phong,2025-07-01,,,,,,\n"         // line 3
      "phuong-y,TOWN,Phường Y,hai-phong,2025-07-01,,,,,,\n"       // line 4
      "phuong-z,WARD,,hai-phong,01/07/2025,,,,,,maybe\n"          // line 5
      "mn-a,SCHOOL,Trường Mầm non A,hai-phong,2025-07-01,,XX,,,,\n"  // 6
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,\n";  // 7: dup
  const absl::Status status = ParseUnitsCsv(csv).status();
  ASSERT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  const std::vector<std::string> errors = Descriptions(status);
  const auto has = [&](std::string_view prefix) {
    for (const std::string& e : errors) {
      if (e.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("dòng 3, cột id:")) << ::testing::PrintToString(errors);
  EXPECT_TRUE(has("dòng 4, cột kind:"));
  EXPECT_TRUE(has("dòng 5, cột display_name:"));
  EXPECT_TRUE(has("dòng 5, cột valid_from:"));
  EXPECT_TRUE(has("dòng 5, cột generated:"));
  EXPECT_TRUE(has("dòng 6, cột levels:"));
  EXPECT_TRUE(has("dòng 7, cột id:"));
  EXPECT_FALSE(has("dòng 2,"));
  // One error per bad cell: the unknown kind is not reported twice.
  int kind_errors = 0;
  for (const std::string& e : errors) kind_errors += e.rfind("dòng 4, cột kind", 0) == 0;
  EXPECT_EQ(kind_errors, 1);
}

TEST(ParseUnitsCsvTest, MissingColumnsAndEmptyFiles) {
  EXPECT_THAT(ParseUnitsCsv("id,kind\nx,WARD\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseUnitsCsv(kHeader),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ParseUnitsCsvTest, CyclesAreReported) {
  const std::string csv = std::string(kHeader) +
      "a,AGENCY,A,b,2025-07-01,,,,OTHER_AGENCY,,\n"
      "b,AGENCY,B,a,2025-07-01,,,,OTHER_AGENCY,,\n";
  const absl::Status status = ParseUnitsCsv(csv).status();
  EXPECT_THAT(Descriptions(status),
              ElementsAre(::testing::StartsWith("dòng 2, cột parent:"),
                          ::testing::StartsWith("dòng 3, cột parent:")));
}

TEST(FormatUnitsCsvTest, RoundTripsThroughParse) {
  const std::string csv = std::string(kHeader) +
      "hai-phong,CITY,Thành phố Hải Phòng,,2025-07-01,,,,,,false\n"
      "mn-do-son,SCHOOL,\"Trường Mầm non Đồ Sơn, số 2\",hai-phong,2025-07-01,,"
      "MN;TH,PRIVATE,,,true\n";
  absl::StatusOr<std::vector<UnitRow>> rows = ParseUnitsCsv(csv);
  ASSERT_THAT(rows, IsOk());
  std::vector<v1::Unit> units;
  for (const UnitRow& row : *rows) units.push_back(row.unit);
  absl::StatusOr<std::vector<UnitRow>> again = ParseUnitsCsv(FormatUnitsCsv(units));
  ASSERT_THAT(again, IsOk());
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ((*again)[1].unit.SerializeAsString(), (*rows)[1].unit.SerializeAsString());
}

// PlanUnitChanges: the rules shared by CreateUnit and ImportUnits.
class PlanTest : public ::testing::Test {
 protected:
  static v1::Unit Stored(std::string id, v1::UnitKind kind, std::string name,
                         absl::CivilDay from,
                         std::optional<absl::CivilDay> until = {}) {
    v1::Unit unit;
    unit.set_name("units/" + id);
    unit.set_kind(kind);
    unit.set_display_name(std::move(name));
    *unit.mutable_valid_from() = api::ToProtoDate(from);
    if (until) *unit.mutable_valid_until() = api::ToProtoDate(*until);
    return unit;
  }
  static UnitRow Row(v1::Unit unit, int line = 0) {
    unit.clear_valid_until();
    return UnitRow{line, std::move(unit)};
  }
};

TEST_F(PlanTest, MergerClosesOpenPredecessorsOnce) {
  std::map<std::string, v1::Unit> stored = {
      {"quan-do-son", Stored("quan-do-son", v1::URBAN_DISTRICT, "Quận Đồ Sơn",
                             absl::CivilDay(2000, 1, 1))}};
  v1::Unit ward = Stored("phuong-do-son", v1::WARD, "Phường Đồ Sơn",
                         absl::CivilDay(2025, 7, 1));
  ward.add_predecessors("units/quan-do-son");
  v1::Unit south = Stored("phuong-nam-do-son", v1::WARD, "Phường Nam Đồ Sơn",
                          absl::CivilDay(2025, 7, 1));
  south.add_predecessors("units/quan-do-son");

  const UnitPlan plan = PlanUnitChanges({Row(ward), Row(south)}, stored);
  EXPECT_THAT(plan.problems, IsEmpty());
  EXPECT_EQ(plan.counts.created, 2);
  ASSERT_EQ(plan.closures.size(), 1u);
  EXPECT_EQ(plan.closures[0].id, "quan-do-son");
  EXPECT_EQ(plan.closures[0].day, absl::CivilDay(2025, 7, 1));
}

TEST_F(PlanTest, PredecessorMustExistTheDayBefore) {
  std::map<std::string, v1::Unit> stored = {
      {"old", Stored("old", v1::URBAN_DISTRICT, "Quận Cũ",
                     absl::CivilDay(2000, 1, 1), absl::CivilDay(2010, 1, 1))},
      {"young", Stored("young", v1::URBAN_DISTRICT, "Quận Trẻ",
                       absl::CivilDay(2025, 7, 1))}};
  v1::Unit unit = Stored("new", v1::WARD, "Phường Mới",
                         absl::CivilDay(2025, 7, 1));
  unit.add_predecessors("units/old");
  unit.add_predecessors("units/young");
  unit.add_predecessors("units/missing");
  unit.set_parent("units/nowhere");
  const UnitPlan plan = PlanUnitChanges({Row(unit)}, stored);
  std::vector<std::string> fields;
  for (const UnitProblem& p : plan.problems) fields.push_back(p.field);
  EXPECT_THAT(fields, UnorderedElementsAre("parent", "predecessors[0]",
                                           "predecessors[1]",
                                           "predecessors[2]"));
  EXPECT_THAT(plan.closures, IsEmpty());
}

TEST_F(PlanTest, ReimportIsUnchangedAndChangesAreUpdates) {
  v1::Unit stored_ward = Stored("phuong-a", v1::WARD, "Phường A",
                                absl::CivilDay(2025, 7, 1));
  std::map<std::string, v1::Unit> stored = {{"phuong-a", stored_ward}};

  UnitPlan plan = PlanUnitChanges({Row(stored_ward)}, stored);
  EXPECT_THAT(plan.problems, IsEmpty());
  EXPECT_EQ(plan.counts.unchanged, 1);
  EXPECT_EQ(plan.counts.created + plan.counts.updated, 0);

  v1::Unit renamed = stored_ward;
  renamed.set_display_name("Phường A Mới");
  plan = PlanUnitChanges({Row(renamed)}, stored);
  EXPECT_EQ(plan.counts.updated, 1);
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].action, PlannedChange::Action::kUpdate);
}

TEST_F(PlanTest, ImmutableFieldsCannotChange) {
  v1::Unit stored_ward = Stored("phuong-a", v1::WARD, "Phường A",
                                absl::CivilDay(2025, 7, 1));
  v1::Unit changed = stored_ward;
  changed.set_kind(v1::COMMUNE);
  *changed.mutable_valid_from() = api::ToProtoDate(absl::CivilDay(2025, 1, 1));
  changed.set_generated(true);
  const UnitPlan plan =
      PlanUnitChanges({Row(changed)}, {{"phuong-a", stored_ward}});
  std::vector<std::string> fields;
  for (const UnitProblem& p : plan.problems) fields.push_back(p.field);
  EXPECT_THAT(fields, UnorderedElementsAre("kind", "valid_from", "generated"));
}

TEST(CsvColumnOfFieldTest, MapsFieldPathsToColumns) {
  EXPECT_EQ(CsvColumnOfField("name"), "id");
  EXPECT_EQ(CsvColumnOfField("predecessors[3]"), "predecessors");
  EXPECT_EQ(CsvColumnOfField("school.levels[0]"), "levels");
  EXPECT_EQ(CsvColumnOfField("agency.short_name"), "short_name");
  EXPECT_EQ(CsvColumnOfField("display_name"), "display_name");
}

}  // namespace
}  // namespace hpedu::registry
