#include "services/plans/coverage.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::plans {
namespace {

using ::testing::ElementsAre;

TEST(BuildCascadeCoverageTest, TreeAndCommunes) {
  // d-root <- d-a (xa-a) <- d-c (xa-c); d-root <- d-b (no commune);
  // d-c also implements d-b, so it appears under both.
  const std::vector<CoverageDocument> documents = {
      {.id = "d-a", .number = "A", .commune_id = "xa-a",
       .implemented_ids = {"d-root"}},
      {.id = "d-b", .number = "B", .commune_id = "", .implemented_ids = {"d-root"}},
      {.id = "d-c", .number = "C", .commune_id = "xa-c",
       .implemented_ids = {"d-a", "d-b"}},
      {.id = "d-root", .number = "R", .commune_id = "xa-r",
       .implemented_ids = {}},
  };
  const v1::CascadeCoverage coverage = BuildCascadeCoverage(
      "d-root", documents, {"units/xa-a", "units/xa-b", "units/xa-c", "units/xa-r"});
  EXPECT_EQ(coverage.tree().document(), "documents/d-root");
  EXPECT_EQ(coverage.tree().number(), "R");
  ASSERT_EQ(coverage.tree().implemented_by_size(), 2);
  EXPECT_EQ(coverage.tree().implemented_by(0).document(), "documents/d-a");
  EXPECT_EQ(coverage.tree().implemented_by(0).commune(), "units/xa-a");
  EXPECT_EQ(coverage.tree().implemented_by(0).implemented_by(0).document(),
            "documents/d-c");
  EXPECT_EQ(coverage.tree().implemented_by(1).document(), "documents/d-b");
  EXPECT_EQ(coverage.tree().implemented_by(1).commune(), "");
  EXPECT_EQ(coverage.tree().implemented_by(1).implemented_by(0).document(),
            "documents/d-c");
  // The root's own commune does not count as covered.
  EXPECT_THAT(coverage.covered(), ElementsAre("units/xa-a", "units/xa-c"));
  EXPECT_THAT(coverage.missing(), ElementsAre("units/xa-b", "units/xa-r"));
}

}  // namespace
}  // namespace hpedu::plans
