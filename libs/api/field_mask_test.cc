#include "libs/api/field_mask.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::api {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::testing::AllOf;
using ::testing::HasSubstr;

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

TEST(ValidateFieldMaskTest, AcceptsAllowedPaths) {
  EXPECT_THAT(ValidateFieldMask(Mask({"display_name", "parent"}),
                                {"display_name", "parent", "school"}),
              IsOk());
}

TEST(ValidateFieldMaskTest, EmptyMaskIsRequired) {
  EXPECT_THAT(ValidateFieldMask(Mask({}), {"display_name"}),
              HasFieldViolation("update_mask"));
}

TEST(ValidateFieldMaskTest, ListsDisallowedPaths) {
  absl::Status status = ValidateFieldMask(
      Mask({"display_name", "kind", "etag"}), {"display_name"}, "mask");
  EXPECT_THAT(status, HasFieldViolation("mask"));
  const std::string description =
      GetBadRequest(status).field_violations(0).description();
  EXPECT_THAT(description, AllOf(HasSubstr("kind, etag"),
                                 HasSubstr("chỉ được: display_name")));
  EXPECT_THAT(ValidateFieldMask(Mask({"*"}), {"display_name"}),
              HasFieldViolation("update_mask"));
}

}  // namespace
}  // namespace hpedu::api
