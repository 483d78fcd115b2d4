#include "services/gateway/views.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::gateway {
namespace {

namespace bv1 = ::hpedu::budget::v1;
namespace iv1 = ::hpedu::indicators::v1;
namespace pv1 = ::hpedu::plans::v1;
namespace rv1 = ::hpedu::registry::v1;
namespace sv1 = ::hpedu::staffing::v1;
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

// The budget service's lagging projects (and one on plan, which a
// lagging_only answer would not have).
bv1::ListProjectProgressResponse Lagging() {
  bv1::ListProjectProgressResponse response;
  bv1::ProjectProgress* city = response.add_projects();
  city->set_project("projects/da-1");
  city->set_display_name("Nhà đa năng");
  city->set_budget_unit("units/hp");
  city->set_planned_to_date_dong(500'000'000);
  city->set_lag_dong(500'000'000);
  city->set_lagging(true);
  bv1::ProjectProgress* commune = response.add_projects();
  commune->set_project("projects/da-2");
  commune->set_display_name("Xây dựng, cải tạo Trường Tiểu học Bàng La");
  commune->set_budget_unit("units/b");
  commune->set_unit("units/th-bang-la");
  commune->set_planned_to_date_dong(12'345'678'901);
  commune->set_actual_to_date_dong(1'234'567'890);
  commune->set_lag_dong(11'111'111'011);
  commune->set_plan_fulfilment_percent("10.00");
  commune->set_lagging(true);
  bv1::ProjectProgress* on_plan = response.add_projects();
  on_plan->set_project("projects/da-3");
  on_plan->set_budget_unit("units/a");
  on_plan->set_planned_to_date_dong(100'000'000);
  on_plan->set_actual_to_date_dong(100'000'000);
  on_plan->set_plan_fulfilment_percent("100.00");
  response.set_lagging_count(2);
  return response;
}

TEST(ReasonForTest, VietnameseReasonWithDetail) {
  EXPECT_EQ(ReasonFor(absl::UnavailableError("")), "dịch vụ không truy cập được");
  EXPECT_EQ(ReasonFor(absl::DeadlineExceededError("")),
            "dịch vụ không trả lời kịp thời hạn");
  EXPECT_EQ(ReasonFor(absl::InternalError("boom")), "dịch vụ báo lỗi (boom)");
  EXPECT_EQ(ReasonFor(absl::UnimplementedError("")),
            "dịch vụ chưa hỗ trợ chức năng này");
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

  const absl::CivilMonth month(2025, 12);
  gv1::ChasingView all = ComposeChasing(Answer(list), Answer(Lagging()), month,
                                        "", "units/hp", Names(), kNow);
  EXPECT_EQ(all.overdue(), 2);
  ASSERT_EQ(all.items_size(), 3);
  EXPECT_EQ(all.items(0).item(), "t2");
  EXPECT_EQ(all.items(0).commune().display_name(), "Phường Đồ Sơn");
  ASSERT_EQ(all.by_lead_size(), 1);
  EXPECT_EQ(all.by_lead(0).overdue(), 2);
  EXPECT_EQ(all.by_lead(0).due_soon(), 1);
  // One section per service; no staffing placeholder. The lagging projects
  // are in their own section, counted there, not among the tasks.
  ASSERT_EQ(all.sections_size(), 2);
  EXPECT_EQ(all.sections(0).service(), "plans");
  EXPECT_EQ(all.sections(1).service(), "budget");
  EXPECT_TRUE(all.sections(1).available());
  EXPECT_EQ(all.budget().lagging(), 2);
  EXPECT_EQ(all.budget().items_size(), 2);
  for (const gv1::ChasingItem& item : all.items()) {
    EXPECT_EQ(item.source(), "plans");
  }

  gv1::ChasingView one = ComposeChasing(Answer(list), Answer(Lagging()), month,
                                        "units/a", "units/hp", Names(), kNow);
  EXPECT_EQ(one.overdue(), 1);
  ASSERT_EQ(one.items_size(), 2);
  EXPECT_EQ(one.items(0).item(), "t1");

  // Budget down: its section says why; the tasks stay.
  gv1::ChasingView down = ComposeChasing(
      Answer(list),
      Failure<bv1::ListProjectProgressResponse>(absl::UnavailableError("")),
      month, "", "units/hp", Names(), kNow);
  EXPECT_EQ(down.overdue(), 2);
  EXPECT_EQ(down.items_size(), 3);
  EXPECT_TRUE(down.sections(0).available());
  EXPECT_FALSE(down.sections(1).available());
  EXPECT_EQ(down.sections(1).code(), "UNAVAILABLE");
  EXPECT_EQ(down.sections(1).reason(), "dịch vụ không truy cập được");
  EXPECT_FALSE(down.budget().status().available());
  EXPECT_EQ(down.budget().lagging(), 0);
  EXPECT_TRUE(down.budget().items().empty());
}

TEST(LastMonthEndedTest, TheDaysMonthOnlyOnItsLastDay) {
  EXPECT_EQ(LastMonthEnded(absl::CivilDay(2026, 1, 5)), absl::CivilMonth(2025, 12));
  EXPECT_EQ(LastMonthEnded(absl::CivilDay(2026, 1, 31)), absl::CivilMonth(2026, 1));
  EXPECT_EQ(LastMonthEnded(absl::CivilDay(2024, 2, 28)), absl::CivilMonth(2024, 1));
  EXPECT_EQ(LastMonthEnded(absl::CivilDay(2024, 2, 29)), absl::CivilMonth(2024, 2));
  EXPECT_EQ(LastMonthEnded(absl::CivilDay(2026, 12, 31)), absl::CivilMonth(2026, 12));
}

TEST(ComposeLaggingProjectsTest, EachLaggingProjectAnItemInTrieuDong) {
  const gv1::ChasingBudget section = ComposeLaggingProjects(
      Answer(Lagging(), absl::Seconds(2), true), absl::CivilMonth(2025, 12),
      "units/hp", Names(), kNow);
  EXPECT_TRUE(section.status().available());
  EXPECT_EQ(section.status().service(), "budget");
  EXPECT_TRUE(section.status().cached());
  EXPECT_EQ(section.as_of_year(), 2025);
  EXPECT_EQ(section.as_of_month(), 12);
  // The project on plan is left out; the largest lag first.
  EXPECT_EQ(section.lagging(), 2);
  ASSERT_EQ(section.items_size(), 2);
  const gv1::ChasingItem& first = section.items(0);
  EXPECT_EQ(first.source(), "budget");
  EXPECT_EQ(first.item(), "projects/da-2");
  EXPECT_EQ(first.content(),
            "Dự án Xây dựng, cải tạo Trường Tiểu học Bàng La: kế hoạch giải "
            "ngân đến hết tháng 12/2025 12.345,68 triệu đồng, đã giải ngân "
            "1.234,57 triệu đồng (đạt 10,00%), chậm 11.111,11 triệu đồng");
  EXPECT_EQ(first.lead().name(), "units/b");
  EXPECT_EQ(first.lead().display_name(), "Phường Đồ Sơn");
  EXPECT_EQ(first.commune().display_name(), "Phường Đồ Sơn");
  EXPECT_EQ(first.planned_dong(), 12'345'678'901);
  EXPECT_EQ(first.disbursed_dong(), 1'234'567'890);
  EXPECT_EQ(first.lag_dong(), 11'111'111'011);
  EXPECT_EQ(first.plan_fulfilment_percent(), "10.00");
  EXPECT_EQ(first.days_overdue(), 0);
  EXPECT_FALSE(first.has_due_date());
  // Paid by the city: the city leads, no commune; nothing planned yet: no
  // percentage.
  const gv1::ChasingItem& second = section.items(1);
  EXPECT_EQ(second.item(), "projects/da-1");
  EXPECT_EQ(second.lead().display_name(), "hp");
  EXPECT_FALSE(second.has_commune());
  EXPECT_EQ(second.content(),
            "Dự án Nhà đa năng: kế hoạch giải ngân đến hết tháng 12/2025 "
            "500,00 triệu đồng, đã giải ngân 0,00 triệu đồng, chậm 500,00 "
            "triệu đồng");
}

TEST(ComposeStaffingTest, OneLinePerLevelSubjectsLeftOut) {
  sv1::GetStaffingBalanceResponse response;
  sv1::Balance* th = response.add_balances();
  th->set_level("TH");
  th->set_required(27);
  th->set_actual(21);
  th->set_shortage(9);
  th->set_surplus(3);
  sv1::Balance* math = response.add_balances();
  math->set_level("THCS");
  math->set_subject("toan");
  math->set_required(4);
  const gv1::StaffingSection section =
      ComposeStaffing(Answer(response, absl::Seconds(2), true), kNow);
  EXPECT_TRUE(section.status().available());
  EXPECT_TRUE(section.status().cached());
  ASSERT_EQ(section.lines_size(), 1);
  EXPECT_EQ(section.lines(0).level(), "TH");
  EXPECT_EQ(section.lines(0).required(), 27);
  EXPECT_EQ(section.lines(0).actual(), 21);
  EXPECT_EQ(section.lines(0).shortage(), 9);
  EXPECT_EQ(section.lines(0).surplus(), 3);

  const gv1::StaffingSection failed = ComposeStaffing(
      Failure<sv1::GetStaffingBalanceResponse>(absl::UnavailableError("")),
      kNow);
  EXPECT_FALSE(failed.status().available());
  EXPECT_EQ(failed.status().service(), "staffing");
  EXPECT_TRUE(failed.lines().empty());
  EXPECT_FALSE(ComposeStaffing(std::nullopt, kNow).status().available());
}

bv1::ComplianceRow Row(bv1::RowKind kind, const std::string& unit,
                       const std::string& education_percent) {
  bv1::ComplianceRow row;
  row.set_kind(kind);
  row.set_org_unit(unit);
  row.set_fiscal_year(2026);
  row.set_has_data(!education_percent.empty());
  row.mutable_education()->set_percent(education_percent);
  row.mutable_education()->set_threshold_percent("20");
  row.mutable_education()->set_meets(education_percent >= "20");
  row.mutable_education()->set_amount_dong(30);
  row.mutable_education()->set_base_dong(100);
  row.mutable_investment()->set_percent("2.00");
  row.mutable_investment()->set_threshold_percent("5");
  row.mutable_investment()->set_gap_dong(-3);
  return row;
}

TEST(ComposeBudgetTest, LocalTotalForTheCityTheCommunesOwnRowForACommune) {
  bv1::ComplianceReport report;
  *report.add_rows() = Row(bv1::LOCAL_TOTAL, "units/hai-phong", "21.00");
  *report.add_rows() = Row(bv1::CITY_LEVEL, "units/hai-phong", "22.00");
  *report.add_rows() = Row(bv1::COMMUNE_BUDGET, "units/a", "30.00");
  *report.add_rows() = Row(bv1::COMMUNE_BUDGET, "units/b", "");
  const gv1::BudgetSection city = ComposeBudget(Answer(report), "", kNow);
  EXPECT_TRUE(city.status().available());
  EXPECT_EQ(city.fiscal_year(), 2026);
  ASSERT_EQ(city.shares_size(), 2);
  EXPECT_EQ(city.shares(0).share_percent(), "21.00");
  EXPECT_EQ(city.shares(0).threshold_percent(), "20");
  EXPECT_TRUE(city.shares(0).meets());
  EXPECT_EQ(city.shares(0).numerator_dong(), 30);
  EXPECT_EQ(city.shares(0).denominator_dong(), 100);
  EXPECT_EQ(city.shares(1).share_percent(), "2.00");
  EXPECT_EQ(city.shares(1).threshold_percent(), "5");
  EXPECT_FALSE(city.shares(1).meets());
  EXPECT_EQ(city.shares(1).gap_dong(), -3);

  EXPECT_EQ(ComposeBudget(Answer(report), "units/a", kNow).shares(0).share_percent(),
            "30.00");
  // A commune without an estimate: available, no shares.
  const gv1::BudgetSection none = ComposeBudget(Answer(report), "units/b", kNow);
  EXPECT_TRUE(none.status().available());
  EXPECT_TRUE(none.shares().empty());

  const gv1::BudgetSection failed = ComposeBudget(
      Failure<bv1::ComplianceReport>(absl::DeadlineExceededError("")), "", kNow);
  EXPECT_FALSE(failed.status().available());
  EXPECT_EQ(failed.status().code(), "DEADLINE_EXCEEDED");
  EXPECT_TRUE(failed.shares().empty());
}

}  // namespace
}  // namespace hpedu::gateway
