#include "services/cli/request_flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hpedu/registry/v1/registry_service.pb.h"
#include "libs/status/status_matchers.h"

namespace hpedu::cli {
namespace {

using ::hpedu::registry::v1::BatchGetUnitsRequest;
using ::hpedu::registry::v1::ImportUnitsRequest;
using ::hpedu::registry::v1::ListUnitsRequest;
using ::hpedu::registry::v1::UpdateUnitRequest;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ApplyFieldFlagsTest, FillsListUnitsRequest) {
  ListUnitsRequest request;
  ASSERT_THAT(ApplyFieldFlags({{"kind", "WARD"},
                               {"as_of", "2026-01-01"},
                               {"query", "do son"},
                               {"show-history", "true"},
                               {"pageSize", "20"},
                               {"level", "thcs"}},
                              request),
              IsOk());
  EXPECT_EQ(request.kind(), hpedu::registry::v1::WARD);
  EXPECT_EQ(request.as_of().year(), 2026);
  EXPECT_EQ(request.as_of().month(), 1);
  EXPECT_EQ(request.as_of().day(), 1);
  EXPECT_EQ(request.query(), "do son");
  EXPECT_TRUE(request.show_history());
  EXPECT_EQ(request.page_size(), 20);
  EXPECT_EQ(request.level(), hpedu::registry::v1::THCS);
}

TEST(SetFieldTest, EnumByNumberAndBoolWords) {
  ListUnitsRequest request;
  EXPECT_THAT(SetField(request, "kind", "7"), IsOk());
  EXPECT_EQ(request.kind(), hpedu::registry::v1::COMMUNE);
  EXPECT_THAT(SetField(request, "show_history", "có"), IsOk());
  EXPECT_TRUE(request.show_history());
  EXPECT_THAT(SetField(request, "show_history", "no"), IsOk());
  EXPECT_FALSE(request.show_history());
}

TEST(SetFieldTest, RepeatedFieldsAppend) {
  BatchGetUnitsRequest request;
  ASSERT_THAT(
      ApplyFieldFlags({{"names", "units/a"}, {"names", "units/b"}}, request),
      IsOk());
  EXPECT_THAT(request.names(), ElementsAre("units/a", "units/b"));
}

TEST(SetFieldTest, NestedPathsMasksAndBytes) {
  UpdateUnitRequest request;
  ASSERT_THAT(ApplyFieldFlags({{"unit.name", "units/do-son"},
                               {"unit.display_name", "Phường Đồ Sơn"},
                               {"unit.valid_from", "2025-07-01"},
                               {"unit.create_time", "2026-01-01T00:00:00Z"},
                               {"update_mask", "display_name,parent"}},
                              request),
              IsOk());
  EXPECT_EQ(request.unit().name(), "units/do-son");
  EXPECT_EQ(request.unit().display_name(), "Phường Đồ Sơn");
  EXPECT_EQ(request.unit().valid_from().day(), 1);
  EXPECT_EQ(request.unit().create_time().seconds(), 1767225600);
  EXPECT_THAT(request.update_mask().paths(),
              ElementsAre("display_name", "parent"));

  ImportUnitsRequest import;
  ASSERT_THAT(SetField(import, "csv_content", "a,b\n"), IsOk());
  EXPECT_EQ(import.csv_content(), "a,b\n");
}

TEST(SetFieldTest, OtherMessagesTakeJson) {
  UpdateUnitRequest request;
  ASSERT_THAT(SetField(request, "unit.school", R"({"levels":["TH","THCS"]})"),
              IsOk());
  EXPECT_EQ(request.unit().school().levels_size(), 2);
}

TEST(SetFieldTest, ReportsBadInput) {
  ListUnitsRequest request;
  EXPECT_THAT(SetField(request, "kindd", "WARD"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("các trường (fields): page_size")));
  EXPECT_THAT(SetField(request, "kind", "VILLAGE"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("WARD")));
  EXPECT_THAT(
      SetField(request, "as_of", "2026-02-30"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("YYYY-MM-DD")));
  EXPECT_THAT(SetField(request, "page_size", "many"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SetField(request, "show_history", "maybe"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(SetField(request, "query.x", "1"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace hpedu::cli
