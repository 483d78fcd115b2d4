#include "services/registry/demo/demo_units.h"

#include <map>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/api/resource_name.h"
#include "libs/status/status_matchers.h"
#include "services/registry/unit_import.h"

namespace hpedu::registry::demo {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::Le;
using ::testing::UnorderedElementsAre;

class DemoUnitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<v1::Unit>> units =
        DemoUnits(EmbeddedCommunesCsv());
    ASSERT_THAT(units, IsOk());
    units_ = *std::move(units);
    for (const v1::Unit& unit : units_) by_name_[unit.name()] = &unit;
  }

  const v1::Unit& Get(const std::string& id) {
    auto it = by_name_.find("units/" + id);
    if (it == by_name_.end()) ADD_FAILURE() << "no unit " << id;
    static const v1::Unit kEmpty;
    return it == by_name_.end() ? kEmpty : *it->second;
  }

  std::vector<v1::Unit> units_;
  std::map<std::string, const v1::Unit*> by_name_;
};

TEST(SlugifyTest, FoldsAndHyphenates) {
  EXPECT_EQ(Slugify("Phường Đồ Sơn"), "phuong-do-son");
  EXPECT_EQ(Slugify("Phòng GDMN–GDTH"), "phong-gdmn-gdth");
  EXPECT_EQ(Slugify("  Xã  Cẩm Giàng "), "xa-cam-giang");
  EXPECT_EQ(Slugify(std::string(100, 'a')).size(), 63u);
}

TEST(SlugAllocatorTest, LaterClaimsGetNumbered) {
  SlugAllocator ids;
  EXPECT_EQ(ids.Take("xa-cam-giang"), "xa-cam-giang");
  EXPECT_EQ(ids.Take("xa-cam-giang"), "xa-cam-giang-2");
  EXPECT_EQ(ids.Take("xa-cam-giang"), "xa-cam-giang-3");
  EXPECT_EQ(ids.Take(std::string(63, 'a')).size(), 63u);
  EXPECT_EQ(ids.Take(std::string(63, 'a')), std::string(61, 'a') + "-2");
}

TEST_F(DemoUnitsTest, HasTheCityItsCommunesAndFormerDistricts) {
  std::map<v1::UnitKind, int> kinds;
  for (const v1::Unit& unit : units_) ++kinds[unit.kind()];
  EXPECT_EQ(kinds[v1::WARD], 45);
  EXPECT_EQ(kinds[v1::COMMUNE], 67);
  EXPECT_EQ(kinds[v1::SPECIAL_ZONE], 2);
  EXPECT_EQ(kinds[v1::CITY], 2);  // before and after the merger
  EXPECT_EQ(kinds[v1::PROVINCE], 1);
  EXPECT_EQ(kinds[v1::URBAN_DISTRICT] + kinds[v1::RURAL_DISTRICT] +
                kinds[v1::DISTRICT_TOWN],
            15);
  EXPECT_THAT(kinds[v1::SCHOOL], AllOf(Ge(1800), Le(2300)));
  // 114 UBND + 114 Phòng Văn hóa - Xã hội + the Sở, its 7 divisions...
  EXPECT_THAT(kinds[v1::AGENCY], Ge(228 + 8));
}

TEST_F(DemoUnitsTest, IdsAreValidAndUnique) {
  std::set<std::string> names;
  for (const v1::Unit& unit : units_) {
    EXPECT_TRUE(names.insert(unit.name()).second) << unit.name();
    EXPECT_TRUE(api::IsValidResourceId(UnitIdOf(unit.name()))) << unit.name();
  }
  EXPECT_EQ(Get("xa-cam-giang").display_name(), "Xã Cẩm Giang");
  EXPECT_EQ(Get("xa-cam-giang-2").display_name(), "Xã Cẩm Giàng");
  EXPECT_EQ(Get("phuong-do-son").display_name(), "Phường Đồ Sơn");
  EXPECT_EQ(Get("dac-khu-cat-hai").kind(), v1::SPECIAL_ZONE);
}

TEST_F(DemoUnitsTest, LineageOfTheMerger) {
  const v1::Unit& city = Get("hai-phong");
  EXPECT_THAT(city.predecessors(),
              UnorderedElementsAre("units/hai-phong-cu", "units/hai-duong"));
  EXPECT_FALSE(city.generated());
  EXPECT_THAT(Get("phuong-nam-do-son").predecessors(),
              UnorderedElementsAre("units/quan-do-son"));
  EXPECT_THAT(Get("xa-nguyen-binh-khiem").predecessors(),
              UnorderedElementsAre("units/huyen-vinh-bao"));
  EXPECT_THAT(Get("dac-khu-bach-long-vi").predecessors(),
              UnorderedElementsAre("units/huyen-bach-long-vi"));
  EXPECT_TRUE(Get("quan-do-son").generated());
  EXPECT_EQ(Get("thanh-pho-thuy-nguyen").kind(), v1::DISTRICT_TOWN);
}

TEST_F(DemoUnitsTest, AgenciesMatchThePlans) {
  EXPECT_EQ(Get("so-gddt").display_name(), "Sở Giáo dục và Đào tạo Hải Phòng");
  EXPECT_EQ(Get("so-gddt").agency().short_name(), "SGDĐT");
  // indicators_2025_2026.csv's lead_division values.
  std::set<std::string> short_names;
  for (const v1::Unit& unit : units_) {
    if (unit.parent() == "units/so-gddt") {
      short_names.insert(unit.agency().short_name());
    }
  }
  EXPECT_EQ(short_names.size(), 7u);
  for (const char* lead : {"GDMN, GDTH", "GDTX, GDNN và Đại học",
                           "Tổ chức cán bộ", "Quản lý chất lượng",
                           "Kế hoạch tài chính"}) {
    EXPECT_TRUE(short_names.contains(lead)) << lead;
  }
  EXPECT_EQ(Get("ubnd-phuong-do-son").display_name(), "UBND phường Đồ Sơn");
  EXPECT_EQ(Get("vhxh-dac-khu-cat-hai").display_name(),
            "Phòng Văn hóa - Xã hội đặc khu Cát Hải");
  EXPECT_EQ(Get("btv-dang-uy-phuong-duong-kinh").display_name(),
            "Ban Thường vụ Đảng ủy phường Dương Kinh");
  EXPECT_EQ(Get("bo-gddt").agency().role(), v1::MINISTRY);
}

TEST_F(DemoUnitsTest, SchoolsAreGeneratedUnderCommunes) {
  int public_schools = 0;
  int schools = 0;
  for (const v1::Unit& unit : units_) {
    if (unit.kind() != v1::SCHOOL) continue;
    ++schools;
    EXPECT_TRUE(unit.generated()) << unit.name();
    EXPECT_FALSE(unit.school().levels().empty()) << unit.name();
    EXPECT_TRUE(by_name_.contains(unit.parent())) << unit.name();
    public_schools += unit.school().ownership() == v1::PUBLIC;
  }
  EXPECT_GT(public_schools * 10, schools * 8);  // mostly public
  EXPECT_EQ(Get("mn-do-son").display_name(), "Trường Mầm non Đồ Sơn");
  EXPECT_EQ(Get("th-nam-do-son-so-2").display_name(),
            "Trường Tiểu học Nam Đồ Sơn số 2");
  EXPECT_EQ(Get("th-nam-do-son-so-2").parent(), "units/phuong-nam-do-son");
}

TEST_F(DemoUnitsTest, IsDeterministicAndSeedDependent) {
  absl::StatusOr<std::vector<v1::Unit>> again =
      DemoUnits(EmbeddedCommunesCsv());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(FormatUnitsCsv(*again), FormatUnitsCsv(units_));
  absl::StatusOr<std::vector<v1::Unit>> other =
      DemoUnits(EmbeddedCommunesCsv(), kDefaultSeed + 1);
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(FormatUnitsCsv(*other), FormatUnitsCsv(units_));
}

TEST_F(DemoUnitsTest, ImportsCleanlyIntoAnEmptyRegistry) {
  absl::StatusOr<std::vector<UnitRow>> rows =
      ParseUnitsCsv(FormatUnitsCsv(units_));
  ASSERT_THAT(rows, IsOk());
  EXPECT_EQ(rows->size(), units_.size());
  const UnitPlan plan = PlanUnitChanges(*rows, {});
  EXPECT_THAT(plan.problems, IsEmpty());
  EXPECT_EQ(plan.counts.created, static_cast<int>(units_.size()));
  // Every former district and the two pre-merger top-level units close.
  EXPECT_EQ(plan.closures.size(), 17u);
}

TEST(DemoUnitsErrorsTest, RejectsAMalformedCommuneList) {
  EXPECT_THAT(DemoUnits("name,kind\nPhường X,town\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(DemoUnits("name\nPhường X\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace hpedu::registry::demo
