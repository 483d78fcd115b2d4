#include "libs/api/resource_name.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::api {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOkAndHolds;

TEST(IsValidResourceIdTest, FollowsAip122) {
  EXPECT_TRUE(IsValidResourceId("do-son"));
  EXPECT_TRUE(IsValidResourceId("a"));
  EXPECT_TRUE(IsValidResourceId("thpt-ngo-quyen-2"));
  EXPECT_TRUE(IsValidResourceId(std::string(63, 'a')));
  EXPECT_FALSE(IsValidResourceId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidResourceId(""));
  EXPECT_FALSE(IsValidResourceId("1abc"));
  EXPECT_FALSE(IsValidResourceId("-abc"));
  EXPECT_FALSE(IsValidResourceId("Do-son"));
  EXPECT_FALSE(IsValidResourceId("do_son"));
  EXPECT_FALSE(IsValidResourceId("đồ-sơn"));
}

TEST(ResourceNameTest, Joins) {
  EXPECT_EQ(ResourceName("units", "do-son"), "units/do-son");
}

TEST(ParseResourceIdTest, ReturnsId) {
  EXPECT_THAT(ParseResourceId("units/do-son", "units", "name"),
              IsOkAndHolds("do-son"));
}

TEST(ParseResourceIdTest, RejectsMalformedNames) {
  for (const char* name : {"", "units/", "units", "schools/x", "units/x/y",
                           "units/X", "/units/x", "unitsx/y"}) {
    EXPECT_THAT(ParseResourceId(name, "units", "unit.parent"),
                HasFieldViolation("unit.parent"))
        << name;
  }
}

}  // namespace
}  // namespace hpedu::api
