#include "services/staffing/staffing_validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/api/dates.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::staffing {
namespace {

using ::hpedu::testing::StatusIs;
using ::testing::UnorderedElementsAre;

namespace iv1 = ::hpedu::indicators::v1;

const absl::CivilDay kToday(2025, 10, 1);
constexpr char kUuid[] = "123e4567-e89b-12d3-a456-426614174000";

OrgDirectory Directory() {
  OrgDirectory directory;
  directory.city_id = "hai-phong";
  directory.city_name = "Hải Phòng";
  directory.communes = {{"xa-a", "Xã A"}};
  directory.schools["th-a"] = {"th-a", "TH A", "xa-a", {"TH"}};
  return directory;
}

// The fields of the violations `status` carries.
std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> fields;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) {
    fields.push_back(v.field());
  }
  return fields;
}

v1::Placement Teacher() {
  v1::Placement placement;
  placement.set_school("units/th-a");
  placement.set_position(v1::TEACHER);
  placement.set_level("TH");
  return placement;
}

v1::CreateStaffMemberRequest ValidCreate() {
  v1::CreateStaffMemberRequest request;
  request.set_staff_member_id("gv-001");
  v1::StaffMember& m = *request.mutable_staff_member();
  m.set_display_name("Nguyễn Thị Lan");
  m.set_birth_year(1990);
  m.set_sex(v1::FEMALE);
  m.set_employment(v1::PERMANENT);
  m.set_qualification(v1::BACHELOR);
  *request.mutable_placement() = Teacher();
  *request.mutable_start_date() = api::ToProtoDate(absl::CivilDay(2025, 9, 5));
  request.set_request_id(kUuid);
  return request;
}

TEST(ValidatePageTest, DefaultsAndRejectsBadTokens) {
  v1::ListNormsRequest request;
  FieldViolations violations;
  const PageRequest page = ValidatePage(request, 0, "", violations);
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(page.page_size, 50);
  EXPECT_FALSE(page.after.has_value());
  ValidatePage(request, -1, "not-a-token", violations);
  EXPECT_THAT(Fields(violations.ToStatus()),
              UnorderedElementsAre("page_size", "page_token"));
}

TEST(ValidatePageTest, AcceptsATokenOfTheSameQueryOnly) {
  v1::ListNormsRequest request;
  const std::string token = api::EncodePageToken(
      api::PageCursor{{"x"}}, api::QueryFingerprint(request));
  FieldViolations violations;
  const PageRequest page = ValidatePage(request, 10, token, violations);
  EXPECT_TRUE(violations.empty());
  ASSERT_TRUE(page.after.has_value());
  EXPECT_EQ(page.after->keys[0], "x");
  *request.mutable_valid_on() = api::ToProtoDate(kToday);
  ValidatePage(request, 10, token, violations);
  EXPECT_THAT(Fields(violations.ToStatus()), UnorderedElementsAre("page_token"));
}

TEST(ParseOrgUnitTest, EmptyIsTheCityUnknownIsInvalid) {
  EXPECT_EQ(*ParseOrgUnit("", Directory(), "org_unit"), "hai-phong");
  EXPECT_EQ(*ParseOrgUnit("units/xa-a", Directory(), "org_unit"), "xa-a");
  EXPECT_THAT(ParseOrgUnit("units/nowhere", Directory(), "org_unit"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseOrgUnit("xa-a", Directory(), "org_unit"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValidateCreateStaffMemberRequestTest, AcceptsAValidRequest) {
  absl::StatusOr<absl::CivilDay> start =
      ValidateCreateStaffMemberRequest(ValidCreate(), Directory());
  ASSERT_TRUE(start.ok()) << start.status();
  EXPECT_EQ(*start, absl::CivilDay(2025, 9, 5));
}

TEST(ValidateCreateStaffMemberRequestTest, ReportsEveryBadField) {
  v1::CreateStaffMemberRequest request = ValidCreate();
  request.set_staff_member_id("9bad");
  request.mutable_staff_member()->set_birth_year(1800);
  request.mutable_staff_member()->clear_sex();
  request.clear_start_date();
  request.set_request_id("nope");
  EXPECT_THAT(Fields(ValidateCreateStaffMemberRequest(request, Directory()).status()),
              UnorderedElementsAre("staff_member_id", "staff_member.birth_year",
                                   "staff_member.sex", "start_date", "request_id"));
}

TEST(ValidateUpdateStaffMemberRequestTest, ChecksOnlyTheMaskedFields) {
  v1::UpdateStaffMemberRequest request;
  request.mutable_staff_member()->set_name("staff/gv-001");
  request.mutable_staff_member()->set_birth_year(1991);
  request.mutable_update_mask()->add_paths("birth_year");
  absl::StatusOr<StaffUpdate> update = ValidateUpdateStaffMemberRequest(request);
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->id, "gv-001");
  EXPECT_THAT(update->paths, UnorderedElementsAre("birth_year"));
  request.mutable_update_mask()->add_paths("qualification_date");
  request.mutable_update_mask()->add_paths("generated");
  EXPECT_THAT(Fields(ValidateUpdateStaffMemberRequest(request).status()),
              ::testing::Contains("update_mask"));
}

TEST(ValidateCreateMovementRequestTest, ASecondmentNeedsAnEndAfterItsStart) {
  v1::CreateMovementRequest request;
  request.set_parent("staff/gv-001");
  v1::Movement& m = *request.mutable_movement();
  m.set_kind(v1::SECONDMENT);
  *m.mutable_placement() = Teacher();
  *m.mutable_effective_date() = api::ToProtoDate(kToday);
  EXPECT_THAT(Fields(ValidateCreateMovementRequest(request, Directory()).status()),
              UnorderedElementsAre("movement.end_date"));
  *m.mutable_end_date() = api::ToProtoDate(kToday + 30);
  absl::StatusOr<std::pair<std::string, absl::CivilDay>> valid =
      ValidateCreateMovementRequest(request, Directory());
  ASSERT_TRUE(valid.ok()) << valid.status();
  EXPECT_EQ(valid->first, "gv-001");
  EXPECT_EQ(valid->second, kToday);
}

TEST(ValidateCreateMovementRequestTest, LeavingTakesNoPlacement) {
  v1::CreateMovementRequest request;
  request.set_parent("staff/gv-001");
  v1::Movement& m = *request.mutable_movement();
  m.set_kind(v1::LEAVING);
  *m.mutable_placement() = Teacher();
  *m.mutable_end_date() = api::ToProtoDate(kToday);
  EXPECT_THAT(Fields(ValidateCreateMovementRequest(request, Directory()).status()),
              UnorderedElementsAre("movement.placement", "movement.end_date",
                                   "movement.effective_date"));
}

TEST(ValidateMovementSchoolTest, TransfersLeaveReassignmentsStay) {
  v1::Movement movement;
  *movement.mutable_placement() = Teacher();
  const std::optional<v1::Placement> here = Teacher();
  v1::Placement elsewhere = Teacher();
  elsewhere.set_school("units/th-b");
  movement.set_kind(v1::TRANSFER);
  EXPECT_THAT(ValidateMovementSchool(movement, here),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(ValidateMovementSchool(movement, elsewhere).ok());
  movement.set_kind(v1::REASSIGNMENT);
  EXPECT_TRUE(ValidateMovementSchool(movement, here).ok());
  EXPECT_THAT(ValidateMovementSchool(movement, elsewhere),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(ValidateMovementSchool(movement, std::nullopt).ok());
}

TEST(ValidateCreateNormRequestTest, BuildsTheRuleOrReportsEveryField) {
  v1::CreateNormRequest request;
  v1::Norm& n = *request.mutable_norm();
  n.set_level("THCS");
  n.set_grade("6");
  n.set_teachers_per_class("1.9");
  *n.mutable_valid_from() = api::ToProtoDate(kToday);
  n.set_source("TT 20/2023");
  absl::StatusOr<NormRule> norm = ValidateCreateNormRequest(request);
  ASSERT_TRUE(norm.ok()) << norm.status();
  EXPECT_EQ(norm->teachers_per_class_milli, 1900);
  EXPECT_EQ(norm->valid_from, kToday);
  n.set_grade("10");
  n.set_sessions_per_day(3);
  n.set_teachers_per_class("x");
  n.clear_source();
  EXPECT_THAT(Fields(ValidateCreateNormRequest(request).status()),
              UnorderedElementsAre("norm.grade", "norm.sessions_per_day",
                                   "norm.teachers_per_class", "norm.source"));
}

TEST(ValidateCreateTrainingStandardRequestTest, NeedsLevelMinimumDateSource) {
  v1::CreateTrainingStandardRequest request;
  EXPECT_THAT(Fields(ValidateCreateTrainingStandardRequest(request).status()),
              UnorderedElementsAre("training_standard.level",
                                   "training_standard.minimum",
                                   "training_standard.valid_from",
                                   "training_standard.source"));
  v1::TrainingStandard& s = *request.mutable_training_standard();
  s.set_level("TH");
  s.set_minimum(v1::BACHELOR);
  *s.mutable_valid_from() = api::ToProtoDate(kToday);
  s.set_source("Luật Giáo dục 2019");
  EXPECT_TRUE(ValidateCreateTrainingStandardRequest(request).ok());
}

TEST(ValidateSetQuotaRequestTest, ACommuneOrSchoolOnly) {
  v1::SetQuotaRequest request;
  request.mutable_quota()->set_org_unit("units/xa-a");
  request.mutable_quota()->set_school_year("2025-2026");
  request.mutable_quota()->set_posts(10);
  EXPECT_EQ(*ValidateSetQuotaRequest(request, Directory()), "xa-a");
  request.mutable_quota()->set_org_unit("units/hai-phong");
  request.mutable_quota()->set_school_year("2025-2027");
  request.mutable_quota()->set_posts(-1);
  EXPECT_THAT(Fields(ValidateSetQuotaRequest(request, Directory()).status()),
              UnorderedElementsAre("quota.org_unit", "quota.school_year",
                                   "quota.posts"));
}

TEST(ValidateListQuotasRequestTest, CountsOnTheReferenceDayByDefault) {
  v1::ListQuotasRequest request;
  request.set_school_year("2025-2026");
  EXPECT_EQ(ValidateListQuotasRequest(request)->first, absl::CivilDay(2025, 9, 5));
  request.set_school_year("2025");
  EXPECT_THAT(ValidateListQuotasRequest(request),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ValidateGetShortageViewRequestTest, DefaultsAndCapsTheLimit) {
  v1::GetShortageViewRequest request;
  request.set_school_year("2025-2026");
  EXPECT_EQ(ValidateGetShortageViewRequest(request, Directory())->limit, 100);
  request.set_limit(5000);
  EXPECT_EQ(ValidateGetShortageViewRequest(request, Directory())->limit, 1000);
  request.set_limit(-1);
  request.set_level("DH");
  request.set_subject("Toán");
  EXPECT_THAT(Fields(ValidateGetShortageViewRequest(request, Directory()).status()),
              UnorderedElementsAre("limit", "level", "subject"));
}

TEST(ValidateGetHeadcountRequestTest, AsOfIsRequired) {
  v1::GetHeadcountRequest request;
  request.set_org_unit("units/xa-a");
  EXPECT_THAT(Fields(ValidateGetHeadcountRequest(request, Directory()).status()),
              UnorderedElementsAre("as_of"));
  *request.mutable_as_of() = api::ToProtoDate(kToday);
  absl::StatusOr<UnitDay> where = ValidateGetHeadcountRequest(request, Directory());
  ASSERT_TRUE(where.ok());
  EXPECT_EQ(where->unit, "xa-a");
  EXPECT_EQ(where->day, kToday);
}

TEST(ValidateComputeIndicatorValuesRequestTest, GroupsUnitsByKind) {
  iv1::ComputeIndicatorValuesRequest request;
  request.set_indicator_code("HP-11");
  request.set_period("2025-2026");
  request.add_org_units("units/xa-a");
  request.add_org_units("units/th-a");
  absl::StatusOr<IndicatorQuery> query =
      ValidateComputeIndicatorValuesRequest(request, Directory());
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->level, "TH");
  EXPECT_EQ(query->units_by_kind.size(), 2u);
  request.set_indicator_code("HP-01");
  request.add_org_units("");
  EXPECT_THAT(Fields(ValidateComputeIndicatorValuesRequest(request, Directory())
                         .status()),
              UnorderedElementsAre("indicator_code", "org_units[2]"));
}

}  // namespace
}  // namespace hpedu::staffing
