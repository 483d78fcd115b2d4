// Indicators computed by other services, end to end against the real
// services: the registry (shared demo registry), staffing with a small
// roster written by hand, budget with two communes' 2026 estimates, and the
// indicators service configured with all three as peers, each on its own
// database of the shared test PostgreSQL. RefreshComputedValues asks
// staffing (HP-10..13, school years) and budget (R71-15/16, calendar
// years) and stores their answers; roll-ups are then checked by hand.
// "Today" is 15 June 2026: 2025-2026 and 2026 are open, 2024-2025 closed.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "services/budget/budget_definition.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/indicators_definition.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu::indicators {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::StatusIs;
using ::hpedu::testing::TestIdentity;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using Stub = v1::IndicatorsService::Stub;
namespace bv1 = ::hpedu::budget::v1;
namespace rv1 = ::hpedu::registry::v1;
namespace sv1 = ::hpedu::staffing::v1;

constexpr int kOk = 0;
constexpr int kInvalidArgument = 3;
constexpr int kFailedPrecondition = 9;
constexpr int kUnavailable = 14;

absl::CivilDay Today() { return absl::CivilDay(2026, 6, 15); }

std::string Leadership() {
  return TestIdentity::Token(auth::Role::kLeadership, "", "lanh-dao-so");
}

template <typename StubT, typename Request, typename Response>
absl::StatusOr<Response> CallOn(const std::string& address,
                                grpc::Status (StubT::*method)(
                                    grpc::ClientContext*, const Request&,
                                    Response*),
                                const Request& request,
                                const std::string& token = Leadership()) {
  return hpedu::testing::CallFor(address, token, method, request);
}

// Schools of the demo registry teaching one level only, open today.
struct Schools {
  std::string mn1, mn2, th1;
  std::vector<std::string> communes;  // two, for the budgets
};

const Schools& PickSchools() {
  static const Schools* schools = [] {
    auto* s = new Schools;
    for (const rv1::Unit& unit : registry::testing::SharedDemoRegistry().units) {
      if ((unit.kind() == rv1::WARD || unit.kind() == rv1::COMMUNE) &&
          s->communes.size() < 2) {
        s->communes.push_back(unit.name());
      }
      if (unit.kind() != rv1::SCHOOL || unit.has_valid_until() ||
          unit.school().levels_size() != 1) {
        continue;
      }
      const std::string id = unit.name().substr(6);
      if (unit.school().levels(0) == rv1::MN) {
        if (s->mn1.empty()) {
          s->mn1 = id;
        } else if (s->mn2.empty()) {
          s->mn2 = id;
        }
      }
      if (unit.school().levels(0) == rv1::TH && s->th1.empty()) s->th1 = id;
    }
    return s;
  }();
  return *schools;
}

std::string RosterLine(const std::string& id, const std::string& school,
                       const std::string& level, const std::string& qualification,
                       const std::string& position = "TEACHER") {
  return absl::StrCat(id, ",", school, ",Nguyễn Thị Lan,1985,FEMALE,", position,
                      ",", level, ",,PERMANENT,", qualification,
                      ",2015-06-01,2020-09-01,true\n");
}

bv1::BudgetLine Line(const std::string& unit, bv1::Function function,
                     bv1::EconomicType type, int64_t amount) {
  bv1::BudgetLine line;
  line.set_unit(unit);
  line.set_function(function);
  if (function == bv1::EDUCATION_TRAINING) {
    line.set_sub_sector(bv1::PRIMARY);
  } else {
    line.set_sector("Y tế");
  }
  line.set_economic_type(type);
  line.set_source(bv1::STATE_BUDGET);
  line.set_approving_document("NQ 1/NQ-HĐND (thử nghiệm)");
  line.set_amount_dong(amount);
  return line;
}

class ComputedValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string registry = registry::testing::SharedDemoRegistry().address;
    auto with_registry = [&registry](server::ServerConfig& config) {
      config.peer_addresses["registry"] = registry;
    };
    ASSERT_OK_AND_ASSIGN(staffing_, hpedu::testing::StartTestService(
                                        staffing::Definition(&Today),
                                        with_registry));
    ASSERT_OK_AND_ASSIGN(budget_, hpedu::testing::StartTestService(
                                      budget::Definition(&Today), with_registry));
    ASSERT_OK_AND_ASSIGN(
        indicators_,
        hpedu::testing::StartTestService(
            Definition(&Today), [&](server::ServerConfig& config) {
              config.peer_addresses["registry"] = registry;
              config.peer_addresses["staffing"] = staffing_.address;
              config.peer_addresses["budget"] = budget_.address;
            }));

    // The indicators of the plans (not their targets).
    ASSERT_OK_AND_ASSIGN(const demo::DemoCatalogue catalogue,
                         demo::DemoIndicators(demo::EmbeddedIndicatorsCsv(),
                                              demo::EmbeddedTargetsCsv()));
    for (const v1::CreateIndicatorRequest& request : catalogue.indicators) {
      ASSERT_OK(Call(&Stub::CreateIndicator, request).status());
    }

    // Preschool mn1: intermediate, college, bachelor -> 2 of 3 meet the
    // standard (college); a non-teacher does not count. Preschool mn2: four
    // college, one intermediate -> 4 of 5. Primary th1: bachelor, college
    // -> 1 of 2 (bachelor).
    const Schools& s = PickSchools();
    ASSERT_FALSE(s.mn2.empty());
    ASSERT_FALSE(s.th1.empty());
    std::string roster =
        "staff_id,school,display_name,birth_year,sex,position,level,subject,"
        "employment,qualification,qualification_date,start_date,generated\n";
    roster += RosterLine("gv-a1", s.mn1, "MN", "INTERMEDIATE") +
              RosterLine("gv-a2", s.mn1, "MN", "COLLEGE") +
              RosterLine("gv-a3", s.mn1, "MN", "BACHELOR") +
              RosterLine("nv-a4", s.mn1, "MN", "INTERMEDIATE", "STAFF") +
              RosterLine("gv-b5", s.mn2, "MN", "INTERMEDIATE");
    for (int i = 1; i <= 4; ++i) {
      roster += RosterLine(absl::StrCat("gv-b", i), s.mn2, "MN", "COLLEGE");
    }
    roster += RosterLine("gv-c1", s.th1, "TH", "BACHELOR") +
              RosterLine("gv-c2", s.th1, "TH", "COLLEGE");
    sv1::ImportRosterRequest import;
    import.set_csv_content(roster);
    ASSERT_OK(CallOn(staffing_.address, &sv1::StaffingService::Stub::ImportRoster,
                     import)
                  .status());

    // Two communes' 2026 estimates: education (recurrent and investment)
    // and another sector.
    const std::vector<std::vector<int64_t>> amounts = {{300, 100, 600},
                                                       {100, 50, 1850}};
    for (size_t i = 0; i < 2; ++i) {
      bv1::CreateBudgetVersionRequest create;
      create.set_parent(
          absl::StrCat("budgets/", s.communes[i].substr(6), "~2026"));
      create.set_stage(bv1::ESTIMATE);
      bv1::BudgetVersion* version = create.mutable_budget_version();
      *version->add_lines() = Line(s.communes[i], bv1::EDUCATION_TRAINING,
                                   bv1::RECURRENT, amounts[i][0] * 1'000'000);
      *version->add_lines() =
          Line(s.communes[i], bv1::EDUCATION_TRAINING,
               bv1::DEVELOPMENT_INVESTMENT, amounts[i][1] * 1'000'000);
      *version->add_lines() = Line(s.communes[i], bv1::OTHER_SECTOR,
                                   bv1::RECURRENT, amounts[i][2] * 1'000'000);
      ASSERT_OK(CallOn(budget_.address,
                       &bv1::BudgetService::Stub::CreateBudgetVersion, create)
                    .status());
    }
  }

  void TearDown() override {
    for (hpedu::testing::TestService* service :
         {&indicators_, &budget_, &staffing_}) {
      if (service->host) {
        service->host->Shutdown(absl::Seconds(5));
        service->host->Wait();
      }
    }
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, const std::string& token = Leadership()) {
    return CallOn(indicators_.address, method, request, token);
  }

  absl::StatusOr<v1::RefreshComputedValuesResponse> Refresh(
      const std::string& indicator, const std::string& period,
      const std::string& override_reason = "") {
    v1::RefreshComputedValuesRequest request;
    request.set_indicator(indicator);
    request.set_period(period);
    request.set_override_reason(override_reason);
    return Call(&Stub::RefreshComputedValues, request);
  }

  absl::StatusOr<v1::Figure> CityFigure(const std::string& indicator,
                                        const std::string& period) {
    v1::RollUpRequest request;
    request.set_indicator(indicator);
    request.set_period(period);
    ASSIGN_OR_RETURN(const v1::RollUpResponse response,
                     Call(&Stub::RollUp, request));
    if (response.roll_ups_size() != 1) {
      return absl::InternalError("expected one roll-up");
    }
    return response.roll_ups(0).total();
  }

  std::vector<v1::ReportedValue> Values(const std::string& indicator,
                                        const std::string& period) {
    v1::ListReportedValuesRequest request;
    request.set_parent(indicator);
    request.set_period(period);
    request.set_page_size(1000);
    absl::StatusOr<v1::ListReportedValuesResponse> response =
        Call(&Stub::ListReportedValues, request);
    EXPECT_OK(response.status());
    if (!response.ok()) return {};
    return {response->values().begin(), response->values().end()};
  }

  // Events of multi-value writes.
  int AuditEvents() {
    audit::v1::ListAuditEventsRequest request;
    request.set_resource("indicators/-/values");
    request.set_page_size(1000);
    absl::StatusOr<audit::v1::ListAuditEventsResponse> events =
        Call(&Stub::ListAuditEvents, request);
    EXPECT_OK(events.status());
    return events.ok() ? events->audit_events_size() : -1;
  }

  hpedu::testing::TestService staffing_;
  hpedu::testing::TestService budget_;
  hpedu::testing::TestService indicators_;
};

std::map<std::string, v1::ComputedRefresh> ByIndicator(
    const v1::RefreshComputedValuesResponse& response) {
  std::map<std::string, v1::ComputedRefresh> by;
  for (const v1::ComputedRefresh& refresh : response.refreshes()) {
    by[refresh.indicator()] = refresh;
  }
  return by;
}

TEST_F(ComputedValuesTest, StaffingFiguresRollUpAsRatiosOfSums) {
  // Before any refresh: not yet computed, never a number.
  ASSERT_OK_AND_ASSIGN(v1::Figure before,
                       CityFigure("indicators/hp-10", "2025-2026"));
  EXPECT_EQ(before.state(), v1::NOT_YET_COMPUTED);
  EXPECT_EQ(before.value(), "");
  const int audit_before = AuditEvents();

  ASSERT_OK_AND_ASSIGN(const v1::RefreshComputedValuesResponse refreshed,
                       Refresh("indicators/-", "2025-2026"));
  // The four school-year indicators of staffing, nothing else.
  std::map<std::string, v1::ComputedRefresh> by = ByIndicator(refreshed);
  ASSERT_THAT(by, SizeIs(4));
  for (const char* id : {"hp-10", "hp-11", "hp-12", "hp-13"}) {
    const v1::ComputedRefresh& one = by[absl::StrCat("indicators/", id)];
    EXPECT_EQ(one.code(), kOk) << id << " " << one.message();
    EXPECT_EQ(one.service(), "staffing");
    EXPECT_GT(one.units_asked(), 0) << id;
  }
  EXPECT_EQ(by["indicators/hp-10"].values(), 2);  // mn1, mn2
  EXPECT_EQ(by["indicators/hp-11"].values(), 1);  // th1
  EXPECT_EQ(by["indicators/hp-12"].values(), 0);
  ASSERT_THAT(refreshed.sources(), SizeIs(1));
  EXPECT_EQ(refreshed.sources(0).service(), "staffing");
  EXPECT_EQ(refreshed.sources(0).code(), kOk);
  EXPECT_EQ(refreshed.created(), 3);
  EXPECT_EQ(AuditEvents(), audit_before + 1);  // one write, audited

  // HP-10: (2 + 4) / (3 + 5) = 75%, not the average of 66.67% and 80%
  // (73.33%); 2 of the city's preschools reported.
  ASSERT_OK_AND_ASSIGN(const v1::Figure hp10,
                       CityFigure("indicators/hp-10", "2025-2026"));
  EXPECT_EQ(hp10.state(), v1::COMPUTED);
  EXPECT_EQ(hp10.numerator(), 6);
  EXPECT_EQ(hp10.denominator(), 8);
  EXPECT_EQ(hp10.value(), "75");
  EXPECT_EQ(hp10.reporters(), 2);
  EXPECT_EQ(hp10.expected_reporters(), by["indicators/hp-10"].units_asked());
  ASSERT_OK_AND_ASSIGN(const v1::Figure hp11,
                       CityFigure("indicators/hp-11", "2025-2026"));
  EXPECT_EQ(hp11.value(), "50");
  // Values are stored as computed, by the caller who asked.
  const std::vector<v1::ReportedValue> values =
      Values("indicators/hp-10", "2025-2026");
  ASSERT_THAT(values, SizeIs(2));
  for (const v1::ReportedValue& value : values) {
    EXPECT_EQ(value.provenance(), v1::COMPUTED_FROM_SERVICE);
    EXPECT_EQ(value.reporter(), "lanh-dao-so");
    EXPECT_EQ(value.revision(), 1);
  }
  // No school teaches THCS in the roster: computed, nothing to count.
  ASSERT_OK_AND_ASSIGN(const v1::Figure hp12,
                       CityFigure("indicators/hp-12", "2025-2026"));
  EXPECT_EQ(hp12.state(), v1::NOT_YET_COMPUTED);

  // Again with the same data: nothing new, no new revision.
  ASSERT_OK_AND_ASSIGN(const v1::RefreshComputedValuesResponse again,
                       Refresh("indicators/hp-10", "2025-2026"));
  EXPECT_EQ(again.created(), 0);
  EXPECT_EQ(again.corrected(), 0);
  EXPECT_EQ(again.unchanged(), 2);
  v1::ListValueRevisionsRequest revisions;
  revisions.set_name(values[0].name());
  ASSERT_OK_AND_ASSIGN(const v1::ListValueRevisionsResponse history,
                       Call(&Stub::ListValueRevisions, revisions));
  EXPECT_THAT(history.revisions(), SizeIs(1));

  // A correction in staffing (mn1's intermediate teacher earns a college
  // degree on 1 September 2025) is one new revision: 7 of 8.
  sv1::ImportRosterRequest correction;
  correction.set_csv_content(absl::StrCat(
      "staff_id,school,display_name,birth_year,sex,position,level,subject,"
      "employment,qualification,qualification_date,start_date,generated\n",
      "gv-a1,", PickSchools().mn1,
      ",Nguyễn Thị Lan,1985,FEMALE,TEACHER,MN,,PERMANENT,COLLEGE,2025-09-01,"
      "2020-09-01,true\n"));
  ASSERT_OK(CallOn(staffing_.address, &sv1::StaffingService::Stub::ImportRoster,
                   correction)
                .status());
  ASSERT_OK_AND_ASSIGN(const v1::RefreshComputedValuesResponse corrected,
                       Refresh("indicators/hp-10", "2025-2026"));
  EXPECT_EQ(corrected.corrected(), 1);
  EXPECT_EQ(corrected.unchanged(), 1);
  ASSERT_OK_AND_ASSIGN(const v1::Figure hp10_after,
                       CityFigure("indicators/hp-10", "2025-2026"));
  EXPECT_EQ(hp10_after.value(), "87.5");

  // A closed year needs an override; refused per indicator, nothing asked.
  ASSERT_OK_AND_ASSIGN(const v1::RefreshComputedValuesResponse closed,
                       Refresh("indicators/hp-10", "2024-2025"));
  ASSERT_THAT(closed.refreshes(), SizeIs(1));
  EXPECT_EQ(closed.refreshes(0).code(), kFailedPrecondition);
  EXPECT_THAT(Values("indicators/hp-10", "2024-2025"), SizeIs(0));
  ASSERT_OK_AND_ASSIGN(
      const v1::RefreshComputedValuesResponse overridden,
      Refresh("indicators/hp-10", "2024-2025", "bổ sung số liệu (late data)"));
  EXPECT_EQ(overridden.refreshes(0).code(), kOk);
  EXPECT_EQ(overridden.created(), 2);

  // A reported indicator is not refreshed; bad requests write nothing.
  EXPECT_THAT(Refresh("indicators/hp-16", "2025-2026"),
              HasFieldViolation("indicator"));
  EXPECT_THAT(Refresh("indicators/-", "2025-2026-hk1"),
              HasFieldViolation("period"));
  EXPECT_THAT(Refresh("indicators/-", ""), HasFieldViolation("period"));
}

TEST_F(ComputedValuesTest, BudgetSharesRollUpFromTheBudgetService) {
  ASSERT_OK_AND_ASSIGN(const v1::RefreshComputedValuesResponse refreshed,
                       Refresh("indicators/-", "2026"));
  std::map<std::string, v1::ComputedRefresh> by = ByIndicator(refreshed);
  EXPECT_EQ(by["indicators/r71-15"].code(), kOk)
      << by["indicators/r71-15"].message();
  EXPECT_EQ(by["indicators/r71-15"].service(), "budget");
  EXPECT_EQ(by["indicators/r71-15"].values(), 2);
  EXPECT_EQ(by["indicators/r71-16"].values(), 2);
  // Resolution 71's staffing goals (managers and teachers, calendar years)
  // are not among what staffing computes: it says so, nothing is stored.
  EXPECT_EQ(by["indicators/r71-04"].service(), "staffing");
  EXPECT_EQ(by["indicators/r71-04"].code(), kInvalidArgument);
  EXPECT_THAT(Values("indicators/r71-04", "2026"), SizeIs(0));

  // The city's share: the sum of the communes' education spending over the
  // sum of their totals, as the budget service counts them.
  bv1::GetBudgetSharesRequest shares;
  shares.set_fiscal_year(2026);
  for (const std::string& commune : PickSchools().communes) {
    shares.add_org_units(commune);
  }
  ASSERT_OK_AND_ASSIGN(
      const bv1::GetBudgetSharesResponse budget,
      CallOn(budget_.address, &bv1::BudgetService::Stub::GetBudgetShares, shares));
  ASSERT_THAT(budget.shares(), SizeIs(2));
  int64_t education = 0;
  int64_t total = 0;
  for (const bv1::BudgetShare& share : budget.shares()) {
    education += share.education_dong();
    total += share.state_total_dong();
  }
  // 400 + 150 of 1000 + 2000 million đồng.
  EXPECT_EQ(education, 550'000'000);
  EXPECT_EQ(total, 3'000'000'000);
  ASSERT_OK_AND_ASSIGN(const v1::Figure r71_15,
                       CityFigure("indicators/r71-15", "2026"));
  EXPECT_EQ(r71_15.state(), v1::COMPUTED);
  EXPECT_EQ(r71_15.numerator(), education);
  EXPECT_EQ(r71_15.denominator(), total);
  EXPECT_EQ(r71_15.value(), "18.33");
  EXPECT_EQ(r71_15.reporters(), 2);
}

TEST_F(ComputedValuesTest, ASourceThatIsDownFailsOnlyItsIndicators) {
  staffing_.host->Shutdown(absl::Seconds(5));
  staffing_.host->Wait();
  staffing_.host.reset();

  ASSERT_OK_AND_ASSIGN(const v1::RefreshComputedValuesResponse school_year,
                       Refresh("indicators/-", "2025-2026"));
  for (const v1::ComputedRefresh& refresh : school_year.refreshes()) {
    EXPECT_EQ(refresh.code(), kUnavailable) << refresh.indicator();
    EXPECT_THAT(refresh.message(), HasSubstr("staffing")) << refresh.indicator();
  }
  ASSERT_THAT(school_year.sources(), SizeIs(1));
  EXPECT_EQ(school_year.sources(0).code(), kUnavailable);
  EXPECT_EQ(school_year.created(), 0);
  EXPECT_THAT(Values("indicators/hp-10", "2025-2026"), SizeIs(0));
  ASSERT_OK_AND_ASSIGN(const v1::Figure hp10,
                       CityFigure("indicators/hp-10", "2025-2026"));
  EXPECT_EQ(hp10.state(), v1::NOT_YET_COMPUTED);

  // In one refresh, staffing's indicator fails and budget's are stored.
  ASSERT_OK_AND_ASSIGN(const v1::RefreshComputedValuesResponse year,
                       Refresh("indicators/-", "2026"));
  std::map<std::string, v1::ComputedRefresh> by = ByIndicator(year);
  EXPECT_EQ(by["indicators/r71-04"].code(), kUnavailable);
  EXPECT_THAT(by["indicators/r71-04"].message(), HasSubstr("staffing"));
  EXPECT_EQ(by["indicators/r71-15"].code(), kOk);
  EXPECT_EQ(by["indicators/r71-16"].code(), kOk);
  EXPECT_EQ(year.created(), 4);
  std::map<std::string, int> source_codes;
  for (const v1::SourceStatus& source : year.sources()) {
    source_codes[source.service()] = source.code();
  }
  EXPECT_EQ(source_codes["staffing"], kUnavailable);
  // Budget answered every call; its allowance goals are not its to compute.
  EXPECT_EQ(source_codes.count("budget"), 1u);
  EXPECT_THAT(Values("indicators/r71-15", "2026"), SizeIs(2));
}

TEST_F(ComputedValuesTest, RefreshIsAWriteOfTheLeadDivision) {
  v1::RefreshComputedValuesRequest request;
  request.set_indicator("indicators/hp-10");
  request.set_period("2025-2026");
  // HP-10..13 are led by the staffing division (Tổ chức cán bộ).
  ASSERT_OK_AND_ASSIGN(const v1::Indicator hp10,
                       Call(&Stub::GetIndicator, [] {
                         v1::GetIndicatorRequest get;
                         get.set_name("indicators/hp-10");
                         return get;
                       }()));
  EXPECT_OK(Call(&Stub::RefreshComputedValues, request,
                 TestIdentity::Token(auth::Role::kDivision, hp10.lead_agency()))
                .status());
  EXPECT_THAT(Call(&Stub::RefreshComputedValues, request,
                   TestIdentity::Token(auth::Role::kDivision,
                                       "units/so-gddt-khtc")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Every computed indicator: only who may write each one.
  request.set_indicator("indicators/-");
  EXPECT_THAT(Call(&Stub::RefreshComputedValues, request,
                   TestIdentity::Token(auth::Role::kDivision,
                                       "units/so-gddt-khtc")),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace hpedu::indicators
