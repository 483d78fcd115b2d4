#include "services/registry/unit_validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/api/page_token.h"
#include "libs/status/status_matchers.h"

namespace hpedu::registry {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Not;

constexpr absl::CivilDay kToday(2025, 10, 1);

v1::Unit ValidWard() {
  v1::Unit unit;
  unit.set_kind(v1::WARD);
  unit.set_display_name("Phường Đồ Sơn");
  unit.set_parent("units/hai-phong");
  unit.mutable_valid_from()->set_year(2025);
  unit.mutable_valid_from()->set_month(7);
  unit.mutable_valid_from()->set_day(1);
  unit.add_predecessors("units/quan-do-son");
  return unit;
}

v1::CreateUnitRequest ValidCreate() {
  v1::CreateUnitRequest request;
  request.set_unit_id("phuong-do-son");
  *request.mutable_unit() = ValidWard();
  request.set_request_id("123e4567-e89b-12d3-a456-426614174000");
  return request;
}

TEST(ValidateCreateUnitRequestTest, AcceptsAValidWardAndNormalizes) {
  v1::CreateUnitRequest request = ValidCreate();
  // Combining marks and extra spaces, as typed on some keyboards.
  request.mutable_unit()->set_display_name(
      "  Phường  \xC4\x90o\xCC\x82\xCC\x80 S\xC6\xA1n ");
  request.mutable_unit()->set_etag("\"7\"");
  absl::StatusOr<CreateUnitCommand> command = ValidateCreateUnitRequest(request);
  ASSERT_THAT(command, IsOk());
  EXPECT_EQ(command->row.unit.name(), "units/phuong-do-son");
  EXPECT_EQ(command->row.unit.display_name(), "Phường Đồ Sơn");
  EXPECT_EQ(command->row.unit.etag(), "");
  EXPECT_EQ(command->request_id, "123e4567-e89b-12d3-a456-426614174000");
}

TEST(ValidateCreateUnitRequestTest, ReportsEveryBadFieldAtOnce) {
  v1::CreateUnitRequest request;
  request.set_unit_id("Phuong Do Son");
  request.set_request_id("not-a-uuid");
  v1::Unit* unit = request.mutable_unit();
  unit->set_display_name("   ");
  unit->set_parent("communes/hai-phong");
  unit->mutable_valid_from()->set_year(2025);
  unit->mutable_valid_from()->set_month(2);
  unit->mutable_valid_from()->set_day(30);
  unit->add_predecessors("units/a");
  unit->add_predecessors("units/a");
  unit->mutable_school()->add_levels(v1::MN);

  const absl::Status status = ValidateCreateUnitRequest(request).status();
  EXPECT_THAT(status, HasFieldViolation("unit_id"));
  EXPECT_THAT(status, HasFieldViolation("request_id"));
  EXPECT_THAT(status, HasFieldViolation("unit.kind"));
  EXPECT_THAT(status, HasFieldViolation("unit.display_name"));
  EXPECT_THAT(status, HasFieldViolation("unit.parent"));
  EXPECT_THAT(status, HasFieldViolation("unit.valid_from"));
  EXPECT_THAT(status, HasFieldViolation("unit.predecessors[1]"));
  EXPECT_THAT(status, HasFieldViolation("unit.school"));
}

TEST(ValidateCreateUnitRequestTest, RequiresUnitAndId) {
  const absl::Status status =
      ValidateCreateUnitRequest(v1::CreateUnitRequest()).status();
  EXPECT_THAT(status, HasFieldViolation("unit_id"));
  EXPECT_THAT(status, HasFieldViolation("unit"));
}

TEST(ValidateCreateUnitRequestTest, SchoolsNeedLevelsAndOthersNoDetails) {
  v1::CreateUnitRequest school = ValidCreate();
  school.set_unit_id("mn-do-son");
  school.mutable_unit()->set_kind(v1::SCHOOL);
  school.mutable_unit()->clear_predecessors();
  school.mutable_unit()->mutable_school();
  EXPECT_THAT(ValidateCreateUnitRequest(school).status(),
              HasFieldViolation("unit.school.levels"));
  school.mutable_unit()->mutable_school()->add_levels(v1::MN);
  school.mutable_unit()->mutable_school()->add_levels(v1::MN);
  EXPECT_THAT(ValidateCreateUnitRequest(school).status(),
              HasFieldViolation("unit.school.levels[1]"));
  school.mutable_unit()->mutable_school()->set_levels(1, v1::TH);
  EXPECT_THAT(ValidateCreateUnitRequest(school), IsOk());

  v1::CreateUnitRequest ward = ValidCreate();
  ward.mutable_unit()->mutable_agency()->set_role(v1::DIVISION);
  EXPECT_THAT(ValidateCreateUnitRequest(ward).status(),
              HasFieldViolation("unit.agency"));
}

TEST(ValidateCreateUnitRequestTest, NameMustAgreeWithUnitId) {
  v1::CreateUnitRequest request = ValidCreate();
  request.mutable_unit()->set_name("units/other");
  EXPECT_THAT(ValidateCreateUnitRequest(request).status(),
              HasFieldViolation("unit.name"));
  request.mutable_unit()->set_name("units/phuong-do-son");
  EXPECT_THAT(ValidateCreateUnitRequest(request), IsOk());
}

TEST(ValidateCreateUnitRequestTest, RejectsInvalidUtf8AndOverlongNames) {
  v1::CreateUnitRequest request = ValidCreate();
  request.mutable_unit()->set_display_name("Phường \xC3\x28");
  EXPECT_THAT(ValidateCreateUnitRequest(request).status(),
              HasFieldViolation("unit.display_name"));
  std::string long_name;
  for (int i = 0; i < kMaxDisplayNameChars + 1; ++i) long_name += "đ";
  request.mutable_unit()->set_display_name(long_name);
  EXPECT_THAT(ValidateCreateUnitRequest(request).status(),
              HasFieldViolation("unit.display_name"));
  long_name.resize(long_name.size() - 2);  // exactly the limit
  request.mutable_unit()->set_display_name(long_name);
  EXPECT_THAT(ValidateCreateUnitRequest(request), IsOk());
}

TEST(ValidateGetUnitRequestTest, ReturnsTheIdOrNamesTheField) {
  v1::GetUnitRequest request;
  request.set_name("units/phuong-do-son");
  EXPECT_THAT(ValidateGetUnitRequest(request),
              ::hpedu::testing::IsOkAndHolds("phuong-do-son"));
  request.set_name("phuong-do-son");
  EXPECT_THAT(ValidateGetUnitRequest(request).status(),
              HasFieldViolation("name"));
  request.clear_name();
  EXPECT_THAT(ValidateGetUnitRequest(request).status(),
              HasFieldViolation("name"));
}

TEST(ValidateBatchGetUnitsRequestTest, OneToAThousandValidNames) {
  v1::BatchGetUnitsRequest request;
  EXPECT_THAT(ValidateBatchGetUnitsRequest(request).status(),
              HasFieldViolation("names"));
  request.add_names("units/a");
  request.add_names("units/B");
  request.add_names("units/a");
  const absl::Status status = ValidateBatchGetUnitsRequest(request).status();
  EXPECT_THAT(status, HasFieldViolation("names[1]"));
  EXPECT_THAT(status, Not(HasFieldViolation("names[0]")));
  request.set_names(1, "units/b");
  EXPECT_THAT(ValidateBatchGetUnitsRequest(request),
              ::hpedu::testing::IsOkAndHolds(ElementsAre("a", "b", "a")));
  for (int i = 0; i < kMaxBatchGet; ++i) request.add_names("units/c");
  EXPECT_THAT(ValidateBatchGetUnitsRequest(request).status(),
              HasFieldViolation("names"));
}

TEST(ValidateListUnitsRequestTest, DefaultsToTodayAndFifty) {
  absl::StatusOr<UnitListQuery> query =
      ValidateListUnitsRequest(v1::ListUnitsRequest(), kToday);
  ASSERT_THAT(query, IsOk());
  EXPECT_EQ(query->page_size, 50);
  ASSERT_TRUE(query->valid_on.has_value());
  EXPECT_EQ(*query->valid_on, kToday);
  EXPECT_FALSE(query->after.has_value());
  EXPECT_EQ(query->folded_search, "");
}

TEST(ValidateListUnitsRequestTest, FiltersAreParsed) {
  v1::ListUnitsRequest request;
  request.set_page_size(5000);
  request.set_kind(v1::SCHOOL);
  request.set_parent("units/phuong-do-son");
  request.set_level(v1::THCS);
  request.set_query("  Đồ  SƠN ");
  request.mutable_as_of()->set_year(2024);
  request.mutable_as_of()->set_month(1);
  request.mutable_as_of()->set_day(1);
  absl::StatusOr<UnitListQuery> query =
      ValidateListUnitsRequest(request, kToday);
  ASSERT_THAT(query, IsOk());
  EXPECT_EQ(query->page_size, 1000);
  EXPECT_EQ(query->kind, v1::SCHOOL);
  EXPECT_EQ(query->parent_id, "phuong-do-son");
  EXPECT_EQ(query->level, v1::THCS);
  EXPECT_EQ(query->folded_search, "do son");
  EXPECT_EQ(*query->valid_on, absl::CivilDay(2024, 1, 1));

  request.set_show_history(true);
  query = ValidateListUnitsRequest(request, kToday);
  ASSERT_THAT(query, IsOk());
  EXPECT_FALSE(query->valid_on.has_value());
}

TEST(ValidateListUnitsRequestTest, ReportsEveryBadField) {
  v1::ListUnitsRequest request;
  request.set_page_size(-1);
  request.set_page_token("garbage");
  request.set_kind(static_cast<v1::UnitKind>(99));
  request.set_parent("hai-phong");
  request.set_level(static_cast<v1::SchoolLevel>(42));
  request.mutable_as_of()->set_year(2025);
  const absl::Status status = ValidateListUnitsRequest(request, kToday).status();
  EXPECT_THAT(status, HasFieldViolation("page_size"));
  EXPECT_THAT(status, HasFieldViolation("page_token"));
  EXPECT_THAT(status, HasFieldViolation("kind"));
  EXPECT_THAT(status, HasFieldViolation("parent"));
  EXPECT_THAT(status, HasFieldViolation("level"));
  EXPECT_THAT(status, HasFieldViolation("as_of"));
}

TEST(ValidateListUnitsRequestTest, PageTokenIsBoundToTheFilters) {
  v1::ListUnitsRequest request;
  request.set_kind(v1::WARD);
  request.set_page_token(api::EncodePageToken(
      api::PageCursor{{"Phường Đồ Sơn", "phuong-do-son"}},
      api::QueryFingerprint(request)));
  absl::StatusOr<UnitListQuery> query =
      ValidateListUnitsRequest(request, kToday);
  ASSERT_THAT(query, IsOk());
  ASSERT_TRUE(query->after.has_value());
  EXPECT_EQ(query->after->display_name, "Phường Đồ Sơn");
  EXPECT_EQ(query->after->id, "phuong-do-son");

  request.set_kind(v1::COMMUNE);  // same token, other filters
  EXPECT_THAT(ValidateListUnitsRequest(request, kToday).status(),
              HasFieldViolation("page_token"));
}

TEST(ValidateUpdateUnitRequestTest, TakesOnlyTheMaskedFields) {
  v1::UpdateUnitRequest request;
  *request.mutable_unit() = ValidWard();
  request.mutable_unit()->set_name("units/phuong-do-son");
  request.mutable_unit()->set_etag("\"3\"");
  request.mutable_update_mask()->add_paths("display_name");
  absl::StatusOr<UnitUpdate> update = ValidateUpdateUnitRequest(request);
  ASSERT_THAT(update, IsOk());
  EXPECT_EQ(update->id, "phuong-do-son");
  EXPECT_EQ(update->etag, "\"3\"");
  EXPECT_EQ(update->display_name, "Phường Đồ Sơn");
  EXPECT_FALSE(update->parent_id.has_value());
  EXPECT_FALSE(update->school.has_value());

  request.mutable_update_mask()->add_paths("parent");
  request.mutable_unit()->clear_parent();
  update = ValidateUpdateUnitRequest(request);
  ASSERT_THAT(update, IsOk());
  EXPECT_EQ(update->parent_id, "");
}

TEST(ValidateUpdateUnitRequestTest, ReportsBadMaskNameAndFields) {
  v1::UpdateUnitRequest request;
  request.mutable_unit()->set_name("units/x");
  EXPECT_THAT(ValidateUpdateUnitRequest(request).status(),
              HasFieldViolation("update_mask"));
  request.mutable_update_mask()->add_paths("kind");
  EXPECT_THAT(ValidateUpdateUnitRequest(request).status(),
              HasFieldViolation("update_mask"));

  request.mutable_update_mask()->Clear();
  request.mutable_update_mask()->add_paths("display_name");
  request.mutable_update_mask()->add_paths("parent");
  request.mutable_update_mask()->add_paths("school");
  request.mutable_unit()->set_name("units/x");
  request.mutable_unit()->set_parent("units/x");
  const absl::Status status = ValidateUpdateUnitRequest(request).status();
  EXPECT_THAT(status, HasFieldViolation("unit.display_name"));
  EXPECT_THAT(status, HasFieldViolation("unit.parent"));
  EXPECT_THAT(status, HasFieldViolation("unit.school"));

  request.mutable_unit()->set_name("x");
  EXPECT_THAT(ValidateUpdateUnitRequest(request).status(),
              HasFieldViolation("unit.name"));
}

TEST(ValidateResolveUnitRequestTest, QueryRequiredDateAndKindChecked) {
  v1::ResolveUnitRequest request;
  EXPECT_THAT(ValidateResolveUnitRequest(request, kToday).status(),
              HasFieldViolation("query"));
  request.set_query("Quận Đồ Sơn");
  request.set_kind(static_cast<v1::UnitKind>(77));
  request.mutable_as_of()->set_year(1800);
  request.mutable_as_of()->set_month(1);
  request.mutable_as_of()->set_day(1);
  const absl::Status status =
      ValidateResolveUnitRequest(request, kToday).status();
  EXPECT_THAT(status, HasFieldViolation("kind"));
  EXPECT_THAT(status, HasFieldViolation("as_of"));

  request.clear_kind();
  request.clear_as_of();
  absl::StatusOr<ResolveQuery> query =
      ValidateResolveUnitRequest(request, kToday);
  ASSERT_THAT(query, IsOk());
  EXPECT_EQ(query->as_of, kToday);
  EXPECT_EQ(query->text, "Quận Đồ Sơn");
}

TEST(ValidateImportUnitsRequestTest, ContentRequired) {
  EXPECT_THAT(ValidateImportUnitsRequest(v1::ImportUnitsRequest()),
              HasFieldViolation("csv_content"));
  v1::ImportUnitsRequest request;
  request.set_csv_content("id\n");
  EXPECT_THAT(ValidateImportUnitsRequest(request), IsOk());
}

}  // namespace
}  // namespace hpedu::registry
