#include "services/registry/resolve.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::registry {
namespace {

using ::hpedu::registry::v1::Unit;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::CivilDay kReform(2025, 7, 1);
constexpr absl::CivilDay kBefore(2024, 1, 1);
constexpr absl::CivilDay kAfter(2025, 10, 1);

google::type::Date ProtoDate(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

Unit MakeUnit(std::string id, v1::UnitKind kind, std::string display_name,
              absl::CivilDay from, std::optional<absl::CivilDay> until = {},
              std::vector<std::string> successors = {}) {
  Unit unit;
  unit.set_name("units/" + id);
  unit.set_kind(kind);
  unit.set_display_name(std::move(display_name));
  *unit.mutable_valid_from() = ProtoDate(from);
  if (until) *unit.mutable_valid_until() = ProtoDate(*until);
  for (std::string& s : successors) unit.add_successors("units/" + s);
  return unit;
}

// A slice of the real registry: the Đồ Sơn area before and after the
// reform, the two Cẩm Giang/Cẩm Giàng communes, the two cities named Hải
// Phòng, and committees.
class ResolveTest : public ::testing::Test {
 protected:
  ResolveTest() {
    known_ = {
        MakeUnit("quan-do-son", v1::URBAN_DISTRICT, "Quận Đồ Sơn",
                 absl::CivilDay(2000, 1, 1), kReform,
                 {"phuong-do-son", "phuong-nam-do-son"}),
        MakeUnit("phuong-do-son", v1::WARD, "Phường Đồ Sơn", kReform),
        MakeUnit("phuong-nam-do-son", v1::WARD, "Phường Nam Đồ Sơn", kReform),
        MakeUnit("ubnd-phuong-do-son", v1::AGENCY, "UBND phường Đồ Sơn",
                 kReform),
        MakeUnit("btv-dang-uy-phuong-do-son", v1::AGENCY,
                 "Ban Thường vụ Đảng ủy phường Đồ Sơn", kReform),
        MakeUnit("xa-cam-giang", v1::COMMUNE, "Xã Cẩm Giang", kReform),
        MakeUnit("xa-cam-giang-2", v1::COMMUNE, "Xã Cẩm Giàng", kReform),
        MakeUnit("hai-phong-cu", v1::CITY, "Thành phố Hải Phòng",
                 absl::CivilDay(2000, 1, 1), kReform, {"hai-phong"}),
        MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng", kReform),
        MakeUnit("ubnd-hai-phong", v1::AGENCY, "UBND thành phố Hải Phòng",
                 absl::CivilDay(2000, 1, 1)),
        MakeUnit("thanh-pho-thuy-nguyen", v1::DISTRICT_TOWN,
                 "Thành phố Thủy Nguyên", absl::CivilDay(2025, 1, 1), kReform,
                 {"phuong-thuy-nguyen", "xa-viet-khe"}),
        MakeUnit("phuong-thuy-nguyen", v1::WARD, "Phường Thủy Nguyên",
                 kReform),
        MakeUnit("xa-viet-khe", v1::COMMUNE, "Xã Việt Khê", kReform),
        MakeUnit("phuong-viet-hoa", v1::WARD, "Phường Việt Hòa", kReform),
    };
    Unit division = MakeUnit("so-gddt-gdmn-gdth", v1::AGENCY,
                             "Phòng GDMN–GDTH", absl::CivilDay(2000, 1, 1));
    division.mutable_agency()->set_role(v1::DIVISION);
    division.mutable_agency()->set_short_name("GDMN, GDTH");
    known_.push_back(division);
  }

  // The names ResolveName returns for `text` on `day`.
  std::vector<std::string> Resolve(
      std::string text, absl::CivilDay day,
      v1::UnitKind kind = v1::UNIT_KIND_UNSPECIFIED) {
    absl::StatusOr<Resolution> resolution =
        ResolveName({std::move(text), day, kind}, Candidates(known_));
    EXPECT_THAT(resolution, IsOk());
    std::vector<std::string> names;
    if (!resolution.ok()) return names;
    for (const Unit& unit : resolution->units) names.push_back(unit.name());
    return names;
  }

  // Only what the store would fetch: key matches and their successors
  // (here: everything, which ResolveName must tolerate).
  static std::vector<Unit> Candidates(const std::vector<Unit>& all) {
    return all;
  }

  std::vector<Unit> known_;
};

TEST(SplitUnitNameTest, StripsAdministrativeAndBodyPrefixes) {
  NameParts ward = SplitUnitName("Phường Đồ Sơn");
  EXPECT_EQ(ward.body_prefix, "");
  EXPECT_EQ(ward.admin_prefix, "phuong");
  EXPECT_EQ(ward.core, "đồ sơn");
  EXPECT_EQ(ward.core_key, "do son");

  NameParts committee = SplitUnitName("Ủy ban nhân dân  phường Dương Kinh");
  EXPECT_EQ(committee.body_prefix, "ubnd");
  EXPECT_EQ(committee.admin_prefix, "phuong");
  EXPECT_EQ(committee.core, "dương kinh");

  EXPECT_EQ(SplitUnitName("UBND phường Dương Kinh").body_prefix, "ubnd");
  EXPECT_EQ(SplitUnitName("Ban Thường vụ Đảng ủy phường Đồ Sơn").body_prefix,
            "btv dang uy");
  EXPECT_EQ(SplitUnitName("Đảng ủy xã An Lão").body_prefix, "dang uy");
  EXPECT_EQ(SplitUnitName("Thị xã Kinh Môn").admin_prefix, "thi xa");
  EXPECT_EQ(SplitUnitName("Thành phố Thủy Nguyên").admin_prefix, "thanh pho");
  EXPECT_EQ(SplitUnitName("Huyện Cát Hải").core, "cát hải");
  EXPECT_EQ(SplitUnitName("Đặc khu Bạch Long Vĩ").core, "bạch long vĩ");
  EXPECT_EQ(SplitUnitName("Quận Lê Chân").admin_prefix, "quan");
}

TEST(SplitUnitNameTest, NameOfOnlyPrefixesIsAllCore) {
  NameParts parts = SplitUnitName("Phường");
  EXPECT_EQ(parts.admin_prefix, "");
  EXPECT_EQ(parts.core, "phường");
}

TEST(SplitUnitNameTest, PrecomposedAndCombiningMarksGiveTheSameKeys) {
  // "Đồ Sơn" typed with combining marks (o + circumflex + grave).
  const std::string combining = "Phường \xC4\x90o\xCC\x82\xCC\x80 S\xC6\xA1n";
  EXPECT_EQ(SplitUnitName(combining).core, SplitUnitName("Phường Đồ Sơn").core);
  EXPECT_EQ(NameKey(combining), "do son");
}

TEST(ExactKeyTest, FoldsCaseKeepsDiacritics) {
  EXPECT_EQ(ExactKey("XÃ CẨM GIÀNG"), ExactKey("Xã Cẩm Giàng"));
  EXPECT_NE(ExactKey("Xã Cẩm Giàng"), ExactKey("Xã Cẩm Giang"));
}

TEST_F(ResolveTest, CurrentNameResolvesToItself) {
  EXPECT_THAT(Resolve("Phường Đồ Sơn", kAfter),
              ElementsAre("units/phuong-do-son"));
}

TEST_F(ResolveTest, FormerDistrictResolvesToItsSuccessorsAfterTheReform) {
  absl::StatusOr<Resolution> resolution =
      ResolveName({"Quận Đồ Sơn", kAfter, v1::UNIT_KIND_UNSPECIFIED}, known_);
  ASSERT_THAT(resolution, IsOk());
  std::vector<std::string> names;
  for (const Unit& unit : resolution->units) names.push_back(unit.name());
  // Vietnamese order: "Phường Đồ Sơn" < "Phường Nam Đồ Sơn".
  EXPECT_THAT(names,
              ElementsAre("units/phuong-do-son", "units/phuong-nam-do-son"));
  EXPECT_THAT(resolution->matched, ElementsAre("units/quan-do-son"));
  EXPECT_FALSE(resolution->accent_insensitive);
}

TEST_F(ResolveTest, FormerDistrictResolvesToItselfBeforeTheReform) {
  EXPECT_THAT(Resolve("Quận Đồ Sơn", kBefore),
              ElementsAre("units/quan-do-son"));
  // The day before the reform is the district's last day.
  EXPECT_THAT(Resolve("Quận Đồ Sơn", kReform - 1),
              ElementsAre("units/quan-do-son"));
  EXPECT_THAT(Resolve("Quận Đồ Sơn", kReform),
              ElementsAre("units/phuong-do-son", "units/phuong-nam-do-son"));
}

TEST_F(ResolveTest, UnitsThatDidNotExistYetMeanNothing) {
  EXPECT_THAT(ResolveName({"Phường Nam Đồ Sơn", kBefore,
                           v1::UNIT_KIND_UNSPECIFIED},
                          known_),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ResolveTest, BareNamePrefersThePlaceInUseOnTheDate) {
  EXPECT_THAT(Resolve("Đồ Sơn", kAfter), ElementsAre("units/phuong-do-son"));
  EXPECT_THAT(Resolve("Đồ Sơn", kBefore), ElementsAre("units/quan-do-son"));
}

TEST_F(ResolveTest, AccentInsensitiveOnlyWhenNothingMatchesExactly) {
  absl::StatusOr<Resolution> folded =
      ResolveName({"phuong do son", kAfter, v1::UNIT_KIND_UNSPECIFIED}, known_);
  ASSERT_THAT(folded, IsOk());
  ASSERT_EQ(folded->units.size(), 1u);
  EXPECT_EQ(folded->units[0].name(), "units/phuong-do-son");
  EXPECT_TRUE(folded->accent_insensitive);

  absl::StatusOr<Resolution> exact =
      ResolveName({"phường đồ sơn", kAfter, v1::UNIT_KIND_UNSPECIFIED}, known_);
  ASSERT_THAT(exact, IsOk());
  EXPECT_FALSE(exact->accent_insensitive);
}

TEST_F(ResolveTest, CamGiangAndCamGiangAreDifferentCommunes) {
  EXPECT_THAT(Resolve("Xã Cẩm Giang", kAfter),
              ElementsAre("units/xa-cam-giang"));
  EXPECT_THAT(Resolve("Xã Cẩm Giàng", kAfter),
              ElementsAre("units/xa-cam-giang-2"));
  EXPECT_THAT(Resolve("cẩm giàng", kAfter), ElementsAre("units/xa-cam-giang-2"));
  // Without diacritics the name is ambiguous: both, in Vietnamese order.
  EXPECT_THAT(Resolve("xa cam giang", kAfter),
              ElementsAre("units/xa-cam-giang", "units/xa-cam-giang-2"));
}

TEST_F(ResolveTest, BodyPrefixSelectsTheCommittee) {
  EXPECT_THAT(Resolve("UBND phường Đồ Sơn", kAfter),
              ElementsAre("units/ubnd-phuong-do-son"));
  EXPECT_THAT(Resolve("Ủy ban nhân dân phường Đồ Sơn", kAfter),
              ElementsAre("units/ubnd-phuong-do-son"));
  EXPECT_THAT(Resolve("Ban Thường vụ Đảng ủy phường Đồ Sơn", kAfter),
              ElementsAre("units/btv-dang-uy-phuong-do-son"));
}

TEST_F(ResolveTest, KindRestrictsTheMeaning) {
  // The committee's document, asked for the ward it belongs to.
  EXPECT_THAT(Resolve("UBND phường Đồ Sơn", kAfter, v1::WARD),
              ElementsAre("units/phuong-do-son"));
  EXPECT_THAT(Resolve("Quận Đồ Sơn", kBefore, v1::URBAN_DISTRICT),
              ElementsAre("units/quan-do-son"));
  EXPECT_THAT(ResolveName({"Quận Đồ Sơn", kBefore, v1::WARD}, known_),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ResolveTest, SameNameTwoCitiesResolvesByDate) {
  EXPECT_THAT(Resolve("Thành phố Hải Phòng", kBefore),
              ElementsAre("units/hai-phong-cu"));
  EXPECT_THAT(Resolve("Thành phố Hải Phòng", kAfter),
              ElementsAre("units/hai-phong"));
  EXPECT_THAT(Resolve("Hải Phòng", kAfter), ElementsAre("units/hai-phong"));
  EXPECT_THAT(Resolve("UBND thành phố Hải Phòng", kAfter),
              ElementsAre("units/ubnd-hai-phong"));
}

TEST_F(ResolveTest, AdministrativePrefixDisambiguatesSameCore) {
  EXPECT_THAT(Resolve("Thành phố Thủy Nguyên", kAfter),
              ElementsAre("units/phuong-thuy-nguyen", "units/xa-viet-khe"));
  EXPECT_THAT(Resolve("Phường Thủy Nguyên", kAfter),
              ElementsAre("units/phuong-thuy-nguyen"));
}

TEST_F(ResolveTest, OldStyleToneMarkFallsBackToFolding) {
  // "Hoà" (old style) and "Hòa" differ in NFC.
  absl::StatusOr<Resolution> resolution = ResolveName(
      {"Phường Việt Hoà", kAfter, v1::UNIT_KIND_UNSPECIFIED}, known_);
  ASSERT_THAT(resolution, IsOk());
  ASSERT_EQ(resolution->units.size(), 1u);
  EXPECT_EQ(resolution->units[0].name(), "units/phuong-viet-hoa");
  EXPECT_TRUE(resolution->accent_insensitive);
}

TEST_F(ResolveTest, ShortNameResolvesAnAgency) {
  EXPECT_THAT(Resolve("GDMN, GDTH", kAfter),
              ElementsAre("units/so-gddt-gdmn-gdth"));
  EXPECT_THAT(Resolve("gdmn, gdth", kAfter),
              ElementsAre("units/so-gddt-gdmn-gdth"));
}

TEST_F(ResolveTest, UnknownNameIsNotFound) {
  EXPECT_THAT(ResolveName({"Phường Không Có", kAfter,
                           v1::UNIT_KIND_UNSPECIFIED},
                          known_),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ResolveName({"Đồ Sơn", kAfter, v1::UNIT_KIND_UNSPECIFIED}, {}),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ResolveTest, FollowsSuccessorsThroughSeveralReorganisations) {
  // A ward that was itself merged later: the name means the latest unit.
  known_ = {
      MakeUnit("a", v1::URBAN_DISTRICT, "Quận A", absl::CivilDay(2000, 1, 1),
               absl::CivilDay(2010, 1, 1), {"b"}),
      MakeUnit("b", v1::URBAN_DISTRICT, "Quận B", absl::CivilDay(2010, 1, 1),
               absl::CivilDay(2020, 1, 1), {"c"}),
      MakeUnit("c", v1::WARD, "Phường C", absl::CivilDay(2020, 1, 1)),
  };
  EXPECT_THAT(Resolve("Quận A", absl::CivilDay(2015, 1, 1)),
              ElementsAre("units/b"));
  EXPECT_THAT(Resolve("Quận A", absl::CivilDay(2021, 1, 1)),
              ElementsAre("units/c"));
  EXPECT_THAT(Resolve("Quận A", absl::CivilDay(2005, 1, 1)),
              ElementsAre("units/a"));
}

TEST(IsValidOnTest, IntervalIsHalfOpen) {
  Unit unit;
  *unit.mutable_valid_from() = ProtoDate(absl::CivilDay(2020, 1, 1));
  *unit.mutable_valid_until() = ProtoDate(kReform);
  EXPECT_FALSE(IsValidOn(unit, absl::CivilDay(2019, 12, 31)));
  EXPECT_TRUE(IsValidOn(unit, absl::CivilDay(2020, 1, 1)));
  EXPECT_TRUE(IsValidOn(unit, kReform - 1));
  EXPECT_FALSE(IsValidOn(unit, kReform));
  unit.clear_valid_until();
  EXPECT_TRUE(IsValidOn(unit, absl::CivilDay(2100, 1, 1)));
}

}  // namespace
}  // namespace hpedu::registry
