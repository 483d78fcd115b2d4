// The demo catalogue and generated values: every definition and every line
// passes the service's own checks; generation is deterministic.
#include "services/indicators/demo/demo_indicators.h"

#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "services/indicators/indicator_validation.h"
#include "services/registry/demo/demo_units.h"

namespace hpedu::indicators::demo {
namespace {

using ::testing::SizeIs;

TEST(DemoIndicatorsTest, CatalogueIsValid) {
  ASSERT_OK_AND_ASSIGN(const DemoCatalogue catalogue,
                       DemoIndicators(EmbeddedIndicatorsCsv(), EmbeddedTargetsCsv()));
  int so_indicators = 0;
  std::set<std::string> ids;
  for (const v1::CreateIndicatorRequest& request : catalogue.indicators) {
    ASSERT_OK(ValidateCreateIndicatorRequest(request).status())
        << request.indicator_id();
    ids.insert(request.indicator_id());
    if (request.indicator_id().starts_with("hp-")) ++so_indicators;
  }
  EXPECT_EQ(so_indicators, 25);
  EXPECT_EQ(ids.size(), catalogue.indicators.size());
  // 27 rows of the Sở's file (20 and 21 twice) plus every Resolution 71 row.
  EXPECT_EQ(catalogue.targets.size(), 27u + 40u);
  std::map<std::string, v1::Indicator> by_name;
  for (const auto& request : catalogue.indicators) {
    v1::Indicator indicator = request.indicator();
    indicator.set_name("indicators/" + request.indicator_id());
    by_name[indicator.name()] = indicator;
  }
  for (const v1::CreateTargetRequest& target : catalogue.targets) {
    ASSERT_TRUE(by_name.contains(target.parent())) << target.parent();
    EXPECT_OK(ValidateTarget(by_name[target.parent()], target).status())
        << target.parent() << " " << target.target_id();
  }
}

TEST(DemoIndicatorsTest, ValuesPassTheImportChecksAndAreDeterministic) {
  ASSERT_OK_AND_ASSIGN(const DemoCatalogue catalogue,
                       DemoIndicators(EmbeddedIndicatorsCsv(), EmbeddedTargetsCsv()));
  std::vector<v1::Indicator> indicators;
  for (const auto& request : catalogue.indicators) {
    v1::Indicator indicator = request.indicator();
    indicator.set_name("indicators/" + request.indicator_id());
    indicators.push_back(indicator);
  }
  ASSERT_OK_AND_ASSIGN(const auto units, registry::demo::DemoUnits(
                                             registry::demo::EmbeddedCommunesCsv()));
  const std::vector<ValueLine> lines = DemoValues(units);
  EXPECT_GT(lines.size(), 20000u);
  for (const ValueLine& line : lines) ASSERT_TRUE(line.generated);
  ASSERT_OK_AND_ASSIGN(const std::vector<ValueWrite> writes,
                       ParseValuesCsv(FormatValuesCsv(lines), indicators));
  EXPECT_THAT(writes, SizeIs(lines.size()));
  EXPECT_EQ(FormatValuesCsv(DemoValues(units)), FormatValuesCsv(lines));
  EXPECT_NE(FormatValuesCsv(DemoValues(units, kDefaultSeed + 1)),
            FormatValuesCsv(lines));
}

}  // namespace
}  // namespace hpedu::indicators::demo
