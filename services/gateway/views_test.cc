#include "services/gateway/views.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::gateway {
namespace {

namespace iv1 = ::hpedu::indicators::v1;
namespace pv1 = ::hpedu::plans::v1;
namespace rv1 = ::hpedu::registry::v1;
using ::testing::ElementsAre;

const absl::Time kNow = absl::FromUnixSeconds(1'780'000'000);

template <typename T>
Part<T> Answer(T value, absl::Duration age = absl::ZeroDuration(),
               bool cached = false) {
  Fetched<T> fetched;
  fetched.value = std::make_shared<const T>(std::move(value));
  fetched.fetched_time = kNow - age;
  fetched.cached = cached;
  return fetched;
}

template <typename T>
Part<T> Failure(absl::Status status) {
  Fetched<T> fetched;
  fetched.value = std::move(status);
  fetched.fetched_time = kNow;
  return fetched;
}

iv1::Figure FigureOf(const std::string& unit, const std::string& value,
                     iv1::Comparator comparator = iv1::GREATER_OR_EQUAL,
                     const std::string& target = "") {
  iv1::Figure figure;
  figure.set_indicator("indicators/hp-1");
  figure.set_org_unit(unit);
  figure.set_state(value.empty() ? iv1::NO_REPORTS : iv1::COMPUTED);
  figure.set_value(value);
  if (!target.empty()) {
    iv1::TargetAssessment* assessment = figure.add_targets();
    assessment->set_comparator(comparator);
    assessment->set_target_value(target);
    assessment->set_status(iv1::AT_RISK);
  }
  return figure;
}

UnitNames Names() {
  std::vector<rv1::Unit> units;
  for (auto [name, display] : std::vector<std::pair<std::string, std::string>>{
           {"units/a", "Xã Ân Thi"}, {"units/b", "Phường Đồ Sơn"},
           {"units/c", "Phường Anh Dũng"}, {"units/d", "Xã An Lão"}}) {
    rv1::Unit unit;
    unit.set_name(name);
    unit.set_display_name(display);
    units.push_back(unit);
  }
  return UnitNames(units);
}

TEST(ReasonForTest, VietnameseReasonWithDetail) {
  EXPECT_EQ(ReasonFor(absl::UnavailableError("")), "dịch vụ không truy cập được");
  EXPECT_EQ(ReasonFor(absl::DeadlineExceededError("")),
            "dịch vụ không trả lời kịp thời hạn");
  EXPECT_EQ(ReasonFor(absl::InternalError("boom")), "dịch vụ báo lỗi (boom)");
  EXPECT_EQ(NotYetAvailable("budget").reason(), "chưa có dịch vụ");
  EXPECT_EQ(NotYetAvailable("budget").code(), "UNIMPLEMENTED");
}

TEST(SectionBuilderTest, OldestAnswerAndFirstFailure) {
  SectionBuilder ok("plans", kNow);
  ok.Add(Answer(pv1::ChasingList(), absl::Seconds(3), true))
      .Add(Answer(pv1::ChasingList(), absl::Seconds(1)));
  gv1::SectionStatus status = ok.Build();
  EXPECT_TRUE(status.available());
  EXPECT_TRUE(status.cached());
  EXPECT_EQ(status.age().seconds(), 3);

  SectionBuilder bad("plans", kNow);
  bad.Add(Answer(pv1::ChasingList()))
      .Add(Part<pv1::ChasingList>())  // did not come in time
      .Add(Failure<pv1::ChasingList>(absl::UnavailableError("")));
  status = bad.Build();
  EXPECT_FALSE(status.available());
  EXPECT_EQ(status.code(), "DEADLINE_EXCEEDED");
  EXPECT_FALSE(status.has_fetched_time());
}

TEST(UnitNamesTest, FallsBackToTheIdAndSortsInVietnameseOrder) {
  UnitNames names = Names();
  EXPECT_EQ(names.Ref("units/zz").display_name(), "zz");
  std::vector<gv1::UnitRef> refs = {names.Ref("units/a"), names.Ref("units/b"),
                                    names.Ref("units/c"), names.Ref("units/d")};
  SortByName(refs);
  std::vector<std::string> order;
  for (const auto& ref : refs) order.push_back(ref.display_name());
  // "Đ" after "D" after "A", "Ân" after "An" (not byte order).
  EXPECT_THAT(order, ElementsAre("Phường Anh Dũng", "Phường Đồ Sơn",
                                 "Xã An Lão", "Xã Ân Thi"));
}

TEST(IndicatorLineTest, AttainmentBothDirections) {
  gv1::IndicatorLine higher =
      IndicatorLineFor(nullptr, FigureOf("units/x", "45", iv1::GREATER_OR_EQUAL, "90"));
  EXPECT_EQ(higher.attainment_percent(), "50.00");
  EXPECT_EQ(higher.target_value(), "90");
  EXPECT_EQ(higher.status(), iv1::AT_RISK);
  gv1::IndicatorLine lower =
      IndicatorLineFor(nullptr, FigureOf("units/x", "20", iv1::LESS_OR_EQUAL, "10"));
  EXPECT_EQ(lower.attainment_percent(), "50.00");
  gv1::IndicatorLine none = IndicatorLineFor(nullptr, FigureOf("units/x", ""));
  EXPECT_EQ(none.attainment_percent(), "");
}

TEST(ComposeIndicatorsTest, ChildrenColouredAgainstTheParentsTarget) {
  iv1::RollUpResponse response;
  for (const char* target : {"50", "80"}) {
    iv1::IndicatorRollUp* roll = response.add_roll_ups();
    *roll->mutable_total() =
        FigureOf("units/hai-phong", "60", iv1::GREATER_OR_EQUAL, target);
    *roll->add_children() = FigureOf("units/a", "90");
    *roll->add_children() = FigureOf("units/b", "55");
    *roll->add_children() = FigureOf("units/c", "10");
    *roll->add_children() = FigureOf("units/d", "");
  }
  gv1::IndicatorsSection section = ComposeIndicators(
      Answer(std::vector<iv1::Indicator>()), Answer(response), Names(), kNow);
  EXPECT_TRUE(section.status().available());
  ASSERT_EQ(section.children_size(), 4);
  std::map<std::string, gv1::ChildUnitStatus> by_unit;
  for (const auto& child : section.children()) by_unit[child.unit().name()] = child;
  EXPECT_EQ(by_unit["units/a"].status(), gv1::GOOD);     // 2 of 2 met
  EXPECT_EQ(by_unit["units/b"].status(), gv1::WATCH);    // 1 of 2
  EXPECT_EQ(by_unit["units/c"].status(), gv1::LAGGING);  // 0 of 2
  EXPECT_EQ(by_unit["units/d"].status(), gv1::NO_DATA_STATUS);
  EXPECT_EQ(by_unit["units/d"].no_data(), 2);
  // Vietnamese order.
  EXPECT_EQ(section.children(0).unit().display_name(), "Phường Anh Dũng");
}

TEST(ComposeIndicatorsTest, FailedRollUpLeavesTheSectionEmptyWithReason) {
  gv1::IndicatorsSection section = ComposeIndicators(
      Answer(std::vector<iv1::Indicator>()),
      Failure<iv1::RollUpResponse>(absl::UnavailableError("connect failed")),
      Names(), kNow);
  EXPECT_FALSE(section.status().available());
  EXPECT_EQ(section.status().reason(),
            "dịch vụ không truy cập được (connect failed)");
  EXPECT_TRUE(section.indicators().empty());
}

TEST(ComposeRankingTest, BestFirstTiesShareARankNoFigureLast) {
  iv1::RollUpResponse response;
  iv1::IndicatorRollUp* roll = response.add_roll_ups();
  *roll->mutable_total() =
      FigureOf("units/hai-phong", "50", iv1::GREATER_OR_EQUAL, "60");
  *roll->add_children() = FigureOf("units/a", "40");
  *roll->add_children() = FigureOf("units/b", "70");
  *roll->add_children() = FigureOf("units/c", "");
  *roll->add_children() = FigureOf("units/d", "70");
  gv1::CommuneRanking ranking =
      ComposeRanking(Answer(std::vector<iv1::Indicator>()), "indicators/hp-1",
                     Answer(response), Names(), kNow);
  ASSERT_EQ(ranking.communes_size(), 4);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& row : ranking.communes()) {
    got.emplace_back(row.rank(), row.unit().name());
  }
  EXPECT_THAT(got, ElementsAre(std::pair(1, "units/b"), std::pair(1, "units/d"),
                               std::pair(3, "units/a"), std::pair(0, "units/c")));
  EXPECT_EQ(ranking.communes(0).status(), iv1::MET);
  EXPECT_EQ(ranking.communes(2).status(), iv1::NOT_MET);
  EXPECT_EQ(ranking.communes(3).status(), iv1::NO_DATA);

  // Lower is better: reversed.
  iv1::Indicator meta;
  meta.set_name("indicators/hp-1");
  meta.set_direction(iv1::LOWER_IS_BETTER);
  ranking = ComposeRanking(Answer(std::vector<iv1::Indicator>{meta}),
                           "indicators/hp-1", Answer(response), Names(), kNow);
  EXPECT_EQ(ranking.communes(0).unit().name(), "units/a");
}

TEST(ComposeChasingTest, OneCommuneOrAllMostOverdueFirst) {
  pv1::ChasingList list;
  list.set_overdue(2);
  list.set_due_soon(1);
  pv1::ChasingGroup* lead = list.add_by_lead_agency();
  lead->set_unit("units/so");
  for (auto [task, days, commune] :
       std::vector<std::tuple<std::string, int, std::string>>{
           {"t1", 3, "units/a"}, {"t2", 10, "units/b"}, {"t3", -2, "units/a"}}) {
    pv1::ChasingEntry* entry = lead->add_entries();
    entry->set_task(task);
    entry->set_days_overdue(days);
    entry->set_lead_agency("units/so");
    entry->set_commune(commune);
  }
  pv1::ChasingGroup* a = list.add_by_commune();
  a->set_unit("units/a");
  a->set_overdue(1);
  a->set_due_soon(1);
  *a->add_entries() = lead->entries(0);
  *a->add_entries() = lead->entries(2);

  gv1::ChasingView all = ComposeChasing(Answer(list), "", Names(), kNow);
  EXPECT_EQ(all.overdue(), 2);
  ASSERT_EQ(all.items_size(), 3);
  EXPECT_EQ(all.items(0).item(), "t2");
  EXPECT_EQ(all.items(0).commune().display_name(), "Phường Đồ Sơn");
  ASSERT_EQ(all.by_lead_size(), 1);
  EXPECT_EQ(all.by_lead(0).overdue(), 2);
  EXPECT_EQ(all.by_lead(0).due_soon(), 1);
  EXPECT_EQ(all.sections(1).reason(), "chưa có dịch vụ");

  gv1::ChasingView one = ComposeChasing(Answer(list), "units/a", Names(), kNow);
  EXPECT_EQ(one.overdue(), 1);
  ASSERT_EQ(one.items_size(), 2);
  EXPECT_EQ(one.items(0).item(), "t1");
}

}  // namespace
}  // namespace hpedu::gateway
