// The gateway end to end: the real registry, plans and indicators services
// in-process over PostgreSQL with the demo data, the gateway in front, called
// over gRPC and HTTP/JSON; a fake indicators service (a real gRPC server)
// for a slow or failing backend.
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/gateway/v1/gateway_service.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/status/grpc_status.h"
#include "libs/testing/identity.h"
#include "libs/trace/trace.h"
#include "libs/status/status_matchers.h"
#include "nlohmann/json.hpp"
#include "services/gateway/gateway_definition.h"
#include "services/gateway/testing/backend_suite.h"

// Last: <netdb.h> (through httplib.h) defines NO_DATA, an enum value above.
#include <httplib.h>

namespace hpedu::gateway {
namespace {

using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using testing::BackendSuite;
using testing::FakeIndicators;
using testing::kDataCommune;
using testing::kFiscalYear;
using testing::kPeriod;
namespace bv1 = ::hpedu::budget::v1;
namespace iv1 = ::hpedu::indicators::v1;
namespace pv1 = ::hpedu::plans::v1;
namespace sv1 = ::hpedu::staffing::v1;

using ::hpedu::testing::TestIdentity;

std::string Bearer(auth::Role role = auth::Role::kLeadership,
                   std::string_view unit = "", std::string_view subject = "tester") {
  return absl::StrCat("Bearer ", TestIdentity::Token(role, unit, subject));
}

GatewayConfig Config(std::map<std::string, std::string> peers,
                     absl::Duration ttl = absl::ZeroDuration()) {
  GatewayConfig config;
  config.server = hpedu::testing::TestServerConfig("gateway", "");
  config.server.peer_addresses = std::move(peers);
  config.http_listen = "127.0.0.1:0";
  config.web_dir = "";
  config.backends.cache_ttl = ttl;
  return config;
}

class GatewayTest : public ::testing::Test {
 protected:
  void StartGateway(GatewayConfig config) {
    ASSERT_OK_AND_ASSIGN(gateway_, Gateway::Start(std::move(config)));
    stub_ = v1::GatewayService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", gateway_->grpc_port()),
        grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (gateway_) gateway_->Shutdown(absl::Seconds(1));
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (v1::GatewayService::Stub::*method)(grpc::ClientContext*,
                                                       const Request&, Response*),
      const Request& request, absl::Duration timeout = absl::Seconds(30),
      const std::string& authorization = Bearer()) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    if (!authorization.empty()) context.AddMetadata("authorization", authorization);
    Response response;
    grpc::Status status = (stub_.get()->*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  v1::GetCityOverviewRequest OverviewRequest() {
    v1::GetCityOverviewRequest request;
    request.set_period(kPeriod);
    request.mutable_as_of()->set_year(2026);
    request.mutable_as_of()->set_month(1);
    request.mutable_as_of()->set_day(5);
    return request;
  }

  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<v1::GatewayService::Stub> stub_;
};

template <typename Request, typename Response, typename Stub>
Response Direct(Stub& stub,
                grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                             Response*),
                const Request& request) {
  grpc::ClientContext context;
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

// The staffing service's own balance of `unit` by level, and the budget
// service's own compliance report of 2026's estimates.
sv1::GetStaffingBalanceResponse StaffingBalance(const std::string& unit) {
  auto staffing = sv1::StaffingService::NewStub(TestIdentity::Channel(
      BackendSuite::Shared().addresses().at("staffing"),
      TestIdentity::Token(auth::Role::kLeadership)));
  sv1::GetStaffingBalanceRequest request;
  request.set_org_unit(unit);
  request.set_school_year(kPeriod);
  return Direct(*staffing, &sv1::StaffingService::Stub::GetStaffingBalance,
                request);
}

bv1::ComplianceRow ComplianceRow(bv1::RowKind kind, const std::string& unit) {
  auto budget = bv1::BudgetService::NewStub(TestIdentity::Channel(
      BackendSuite::Shared().addresses().at("budget"),
      TestIdentity::Token(auth::Role::kLeadership)));
  bv1::GetComplianceReportRequest request;
  request.set_first_year(kFiscalYear);
  request.set_stage(bv1::ESTIMATE);
  const bv1::ComplianceReport report = Direct(
      *budget, &bv1::BudgetService::Stub::GetComplianceReport, request);
  for (const bv1::ComplianceRow& row : report.rows()) {
    if (row.kind() == kind && row.org_unit() == unit) return row;
  }
  ADD_FAILURE() << "no row " << unit;
  return {};
}

// The section's lines equal the service's balance by level.
void ExpectStaffingEquals(const v1::StaffingSection& section,
                          const sv1::GetStaffingBalanceResponse& balance) {
  EXPECT_TRUE(section.status().available()) << section.status().reason();
  EXPECT_EQ(section.status().service(), "staffing");
  ASSERT_EQ(section.lines_size(), balance.balances_size());
  for (int i = 0; i < balance.balances_size(); ++i) {
    const sv1::Balance& b = balance.balances(i);
    const v1::StaffingLine& line = section.lines(i);
    EXPECT_EQ(line.level(), b.level());
    EXPECT_EQ(line.required(), b.required());
    EXPECT_EQ(line.actual(), b.actual());
    EXPECT_EQ(line.shortage(), b.shortage());
    EXPECT_EQ(line.surplus(), b.surplus());
  }
}

void ExpectBudgetEquals(const v1::BudgetSection& section,
                        const bv1::ComplianceRow& row) {
  EXPECT_TRUE(section.status().available()) << section.status().reason();
  EXPECT_EQ(section.fiscal_year(), kFiscalYear);
  ASSERT_THAT(section.shares(), SizeIs(2));
  const bv1::ShareAssessment* rules[] = {&row.education(), &row.investment()};
  for (int i = 0; i < 2; ++i) {
    const v1::BudgetShare& share = section.shares(i);
    EXPECT_EQ(share.share_percent(), rules[i]->percent());
    EXPECT_EQ(share.threshold_percent(), rules[i]->threshold_percent());
    EXPECT_EQ(share.meets(), rules[i]->meets());
    EXPECT_EQ(share.numerator_dong(), rules[i]->amount_dong());
    EXPECT_EQ(share.denominator_dong(), rules[i]->base_dong());
    EXPECT_EQ(share.gap_dong(), rules[i]->gap_dong());
  }
}

TEST_F(GatewayTest, CityOverviewEqualsTheServicesFigures) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  ASSERT_OK_AND_ASSIGN(v1::Overview overview,
                       Call(&v1::GatewayService::Stub::GetCityOverview,
                            OverviewRequest()));
  EXPECT_EQ(overview.unit().name(), "units/hai-phong");
  EXPECT_EQ(overview.unit().display_name(), "Thành phố Hải Phòng");
  EXPECT_TRUE(overview.units_status().available());
  EXPECT_TRUE(overview.indicators().status().available())
      << overview.indicators().status().reason();
  EXPECT_TRUE(overview.plans().status().available())
      << overview.plans().status().reason();

  // Staffing and budget: the services' own figures.
  const sv1::GetStaffingBalanceResponse balance =
      StaffingBalance("units/hai-phong");
  ASSERT_FALSE(balance.balances().empty());
  ExpectStaffingEquals(overview.staffing(), balance);
  bool short_of_primary_teachers = false;
  for (const auto& line : overview.staffing().lines()) {
    if (line.level() == "TH") short_of_primary_teachers = line.shortage() > 0;
  }
  EXPECT_TRUE(short_of_primary_teachers);
  const bv1::ComplianceRow local =
      ComplianceRow(bv1::LOCAL_TOTAL, "units/hai-phong");
  ASSERT_TRUE(local.has_data());
  ExpectBudgetEquals(overview.budget(), local);
  EXPECT_EQ(overview.budget().shares(0).threshold_percent(), "20");
  EXPECT_EQ(overview.budget().shares(1).threshold_percent(), "5");

  // Figures equal the indicators service's own roll-up.
  auto indicators = iv1::IndicatorsService::NewStub(TestIdentity::Channel(
      suite.addresses().at("indicators"),
      TestIdentity::Token(auth::Role::kLeadership)));
  iv1::RollUpRequest roll_up;
  roll_up.set_indicator("indicators/-");
  roll_up.set_period(kPeriod);
  const iv1::RollUpResponse direct =
      Direct(*indicators, &iv1::IndicatorsService::Stub::RollUp, roll_up);
  ASSERT_EQ(overview.indicators().indicators_size(), direct.roll_ups_size());
  for (int i = 0; i < direct.roll_ups_size(); ++i) {
    const v1::IndicatorLine& line = overview.indicators().indicators(i);
    EXPECT_EQ(line.figure().value(), direct.roll_ups(i).total().value());
    EXPECT_EQ(line.figure().reporters(), direct.roll_ups(i).total().reporters());
    EXPECT_FALSE(line.display_name().empty());
  }
  // The 114 communes, named, in Vietnamese order, coloured.
  ASSERT_THAT(overview.indicators().children(), SizeIs(114));
  int coloured = 0;
  for (const auto& child : overview.indicators().children()) {
    EXPECT_NE(child.unit().display_name(), child.unit().name());
    coloured += child.status() != v1::UNIT_STATUS_UNSPECIFIED;
  }
  EXPECT_EQ(coloured, 114);

  // Plans: the chasing list's counts, and 71-NQ/TW's cascade (2 of 114).
  auto plans = pv1::PlansService::NewStub(TestIdentity::Channel(
      suite.addresses().at("plans"), TestIdentity::Token(auth::Role::kLeadership)));
  pv1::GetChasingListRequest chasing;
  *chasing.mutable_as_of() = OverviewRequest().as_of();
  chasing.set_due_within_days(14);
  const pv1::ChasingList list =
      Direct(*plans, &pv1::PlansService::Stub::GetChasingList, chasing);
  EXPECT_EQ(overview.plans().overdue(), list.overdue());
  EXPECT_EQ(overview.plans().due_soon(), list.due_soon());
  EXPECT_GT(overview.plans().overdue(), 0);
  ASSERT_THAT(overview.plans().cascades(), SizeIs(1));
  EXPECT_EQ(overview.plans().cascades(0).covered(), 2);
  EXPECT_EQ(overview.plans().cascades(0).missing(), 112);
}

TEST_F(GatewayTest, CommuneProfileDrillsDownToSchools) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  v1::GetCommuneProfileRequest request;
  request.set_commune("units/phuong-do-son");
  request.set_period(kPeriod);
  *request.mutable_as_of() = OverviewRequest().as_of();
  ASSERT_OK_AND_ASSIGN(v1::Overview profile,
                       Call(&v1::GatewayService::Stub::GetCommuneProfile, request));
  EXPECT_EQ(profile.unit().display_name(), "Phường Đồ Sơn");
  EXPECT_TRUE(profile.indicators().status().available());
  EXPECT_FALSE(profile.indicators().children().empty());  // its schools
  ASSERT_FALSE(profile.indicators().indicators().empty());
  // Each line keeps its schools' figures (the drill-down to a school).
  std::set<std::string> schools;
  for (const auto& school : profile.indicators().children()) {
    schools.insert(school.unit().name());
  }
  int school_figures = 0;
  for (const auto& line : profile.indicators().indicators()) {
    for (const auto& figure : line.children()) {
      EXPECT_TRUE(schools.count(figure.org_unit())) << figure.org_unit();
      ++school_figures;
    }
  }
  EXPECT_GT(school_figures, 0);
  for (const auto& school : profile.indicators().children()) {
    EXPECT_NE(school.unit().display_name(), school.unit().name());
  }
  // The commune's own staffing balance and budget.
  ExpectStaffingEquals(profile.staffing(), StaffingBalance(kDataCommune));
  const bv1::ComplianceRow own = ComplianceRow(bv1::COMMUNE_BUDGET, kDataCommune);
  ASSERT_TRUE(own.has_data());
  ExpectBudgetEquals(profile.budget(), own);
  EXPECT_FALSE(profile.budget().budget_version().empty());
  EXPECT_TRUE(profile.budget().shares(0).meets());
  EXPECT_FALSE(profile.budget().shares(1).meets());

  request.set_commune("phuong-do-son");
  EXPECT_THAT(Call(&v1::GatewayService::Stub::GetCommuneProfile, request),
              hpedu::testing::HasFieldViolation("commune"));
}

TEST_F(GatewayTest, BackendKilledMidRunEmptiesOnlyItsSectionThenRecovers) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  ASSERT_OK_AND_ASSIGN(v1::Overview before,
                       Call(&v1::GatewayService::Stub::GetCityOverview,
                            OverviewRequest()));
  ASSERT_TRUE(before.indicators().status().available());

  suite.StopIndicators();
  ASSERT_OK_AND_ASSIGN(v1::Overview during,
                       Call(&v1::GatewayService::Stub::GetCityOverview,
                            OverviewRequest(), absl::Seconds(3)));
  EXPECT_FALSE(during.indicators().status().available());
  EXPECT_EQ(during.indicators().status().code(), "UNAVAILABLE");
  EXPECT_THAT(during.indicators().status().reason(),
              HasSubstr("không truy cập được"));
  EXPECT_TRUE(during.indicators().indicators().empty());
  // The rest is whole and the same.
  EXPECT_TRUE(during.plans().status().available());
  EXPECT_EQ(during.plans().overdue(), before.plans().overdue());
  EXPECT_EQ(during.plans().cascades(0).missing(),
            before.plans().cascades(0).missing());
  EXPECT_TRUE(during.units_status().available());

  ASSERT_OK(suite.RestartIndicators());
  absl::StatusOr<v1::Overview> after;
  for (int attempt = 0; attempt < 50; ++attempt) {  // reconnection backoff
    after = Call(&v1::GatewayService::Stub::GetCityOverview, OverviewRequest());
    if (after.ok() && after->indicators().status().available()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_OK(after.status());
  EXPECT_TRUE(after->indicators().status().available());
  ASSERT_EQ(after->indicators().indicators_size(),
            before.indicators().indicators_size());
  EXPECT_EQ(after->indicators().indicators(0).figure().value(),
            before.indicators().indicators(0).figure().value());
}

// Nothing listens there: a backend that is down.
constexpr char kDownAddress[] = "127.0.0.1:1";

TEST_F(GatewayTest, StaffingOrBudgetDownMarksOnlyItsSection) {
  BackendSuite& suite = BackendSuite::Shared();
  for (const std::string down : {"staffing", "budget"}) {
    SCOPED_TRACE(down);
    std::map<std::string, std::string> peers = suite.addresses();
    peers[down] = kDownAddress;
    StartGateway(Config(peers));
    ASSERT_OK_AND_ASSIGN(v1::Overview overview,
                         Call(&v1::GatewayService::Stub::GetCityOverview,
                              OverviewRequest(), absl::Seconds(5)));
    v1::GetCommuneProfileRequest commune;
    commune.set_commune(kDataCommune);
    commune.set_period(kPeriod);
    *commune.mutable_as_of() = OverviewRequest().as_of();
    ASSERT_OK_AND_ASSIGN(v1::Overview profile,
                         Call(&v1::GatewayService::Stub::GetCommuneProfile,
                              commune, absl::Seconds(5)));
    for (const v1::Overview* view : {&overview, &profile}) {
      const v1::SectionStatus& failed = down == "staffing"
                                            ? view->staffing().status()
                                            : view->budget().status();
      const v1::SectionStatus& other = down == "staffing"
                                           ? view->budget().status()
                                           : view->staffing().status();
      EXPECT_FALSE(failed.available());
      EXPECT_EQ(failed.service(), down);
      EXPECT_EQ(failed.code(), "UNAVAILABLE");
      EXPECT_THAT(failed.reason(), HasSubstr("không truy cập được"));
      EXPECT_TRUE(other.available()) << other.reason();
      EXPECT_TRUE(view->indicators().status().available());
      EXPECT_TRUE(view->plans().status().available());
      EXPECT_TRUE(view->units_status().available());
    }
    if (down == "staffing") {
      EXPECT_TRUE(overview.staffing().lines().empty());
      EXPECT_THAT(overview.budget().shares(), SizeIs(2));
    } else {
      EXPECT_TRUE(overview.budget().shares().empty());
      EXPECT_FALSE(overview.staffing().lines().empty());
    }
    gateway_->Shutdown(absl::Seconds(1));
    gateway_.reset();
  }
}

TEST_F(GatewayTest, SlowBackendTimesOutAloneWithinTheCallersDeadline) {
  BackendSuite& suite = BackendSuite::Shared();
  FakeIndicators fake;
  fake.set_delay(absl::Seconds(5));
  auto peers = suite.addresses();
  peers["indicators"] = fake.address();
  StartGateway(Config(peers));

  const absl::Time start = absl::Now();
  const absl::Duration timeout = absl::Milliseconds(800);
  ASSERT_OK_AND_ASSIGN(v1::Overview overview,
                       Call(&v1::GatewayService::Stub::GetCityOverview,
                            OverviewRequest(), timeout));
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, timeout);
  EXPECT_FALSE(overview.indicators().status().available());
  EXPECT_EQ(overview.indicators().status().code(), "DEADLINE_EXCEEDED");
  EXPECT_TRUE(overview.plans().status().available());
  EXPECT_GT(overview.plans().overdue(), 0);

  // The deadline passed down: before the caller's, within the margin.
  ASSERT_FALSE(fake.calls().empty());
  for (const auto& call : fake.calls()) {
    EXPECT_LE(call.deadline, start + timeout);
    EXPECT_GE(call.deadline, start + timeout - absl::Milliseconds(250));
  }
}

TEST_F(GatewayTest, FailingBackendReasonAndNoCachingOfFailures) {
  BackendSuite& suite = BackendSuite::Shared();
  FakeIndicators fake;
  fake.set_failure(grpc::Status(grpc::StatusCode::INTERNAL, "boom"));
  auto peers = suite.addresses();
  peers["indicators"] = fake.address();
  StartGateway(Config(peers, absl::Seconds(60)));
  v1::RankCommunesRequest request;
  request.set_indicator("indicators/hp-16");
  request.set_period(kPeriod);
  ASSERT_OK_AND_ASSIGN(v1::CommuneRanking failed,
                       Call(&v1::GatewayService::Stub::RankCommunes, request));
  EXPECT_FALSE(failed.status().available());
  EXPECT_EQ(failed.status().reason(), "dịch vụ báo lỗi (boom)");
  EXPECT_EQ(failed.status().code(), "INTERNAL");

  fake.set_failure(grpc::Status::OK);
  ASSERT_OK_AND_ASSIGN(v1::CommuneRanking ok,
                       Call(&v1::GatewayService::Stub::RankCommunes, request));
  EXPECT_TRUE(ok.status().available()) << ok.status().reason();
  EXPECT_EQ(fake.calls_of("RollUp"), 2);
}

TEST_F(GatewayTest, IdenticalConcurrentRequestsShareOneBackendCall) {
  BackendSuite& suite = BackendSuite::Shared();
  FakeIndicators fake;
  fake.set_delay(absl::Milliseconds(300));
  auto peers = suite.addresses();
  peers["indicators"] = fake.address();
  StartGateway(Config(peers, absl::Seconds(60)));
  v1::RankCommunesRequest request;
  request.set_indicator("indicators/hp-16");
  request.set_period(kPeriod);

  const std::string same_person = Bearer(auth::Role::kLeadership, "", "an");
  std::vector<std::future<absl::StatusOr<v1::CommuneRanking>>> answers;
  for (int i = 0; i < 8; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      return Call(&v1::GatewayService::Stub::RankCommunes, request,
                  absl::Seconds(10), same_person);
    }));
  }
  for (auto& answer : answers) {
    absl::StatusOr<v1::CommuneRanking> ranking = answer.get();
    ASSERT_OK(ranking.status());
    EXPECT_TRUE(ranking->status().available());
  }
  EXPECT_EQ(fake.calls_of("RollUp"), 1);
  EXPECT_EQ(gateway_->backends().stats("RollUp").coalesced, 7);
  EXPECT_EQ(fake.calls()[0].authorization, same_person);

  // Then from the cache, saying so and how old.
  absl::SleepFor(absl::Milliseconds(20));
  ASSERT_OK_AND_ASSIGN(v1::CommuneRanking cached,
                       Call(&v1::GatewayService::Stub::RankCommunes, request,
                            absl::Seconds(10), same_person));
  EXPECT_TRUE(cached.status().cached());
  EXPECT_GT(cached.status().age().nanos() + cached.status().age().seconds(), 0);
  EXPECT_EQ(fake.calls_of("RollUp"), 1);

  // Another identity never shares an answer.
  ASSERT_OK(Call(&v1::GatewayService::Stub::RankCommunes, request,
                 absl::Seconds(10),
                 Bearer(auth::Role::kLeadership, "", "someone-else"))
                .status());
  EXPECT_EQ(fake.calls_of("RollUp"), 2);
}

// HTTP/JSON.

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

TEST_F(GatewayTest, HttpJsonRoundTripEqualsGrpc) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses(), absl::Seconds(60)));
  v1::RankCommunesRequest request;
  request.set_indicator("indicators/hp-16");
  request.set_period(kPeriod);
  const std::string bearer = Bearer();  // one identity: one cache entry
  ASSERT_OK_AND_ASSIGN(v1::CommuneRanking grpc_answer,
                       Call(&v1::GatewayService::Stub::RankCommunes, request,
                            absl::Seconds(30), bearer));

  httplib::Client http("127.0.0.1", gateway_->http_port());
  http.set_default_headers({{"Authorization", bearer}});
  httplib::Result post = http.Post("/api/v1/RankCommunes", Json(request),
                                   "application/json");
  ASSERT_TRUE(post);
  ASSERT_EQ(post->status, 200) << post->body;
  v1::CommuneRanking http_answer;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(post->body, &http_answer).ok());
  // Same figures (the view times differ).
  http_answer.clear_view_time();
  grpc_answer.clear_view_time();
  for (auto* answer : {&http_answer, &grpc_answer}) {
    answer->mutable_status()->clear_age();
    answer->mutable_status()->clear_cached();
    answer->mutable_units_status()->clear_age();
    answer->mutable_units_status()->clear_cached();
  }
  google::protobuf::util::MessageDifferencer differencer;
  std::string differences;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(http_answer, grpc_answer)) << differences;
  ASSERT_FALSE(http_answer.communes().empty());
  EXPECT_EQ(http_answer.communes(0).rank(), 1);

  // The same by GET with query parameters.
  httplib::Result get = http.Get(
      "/api/v1/RankCommunes?indicator=indicators/hp-16&period=2025-2026");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200) << get->body;
  EXPECT_THAT(get->body, HasSubstr("\"rank\":1,"));
}

// The value of `series` (name{labels}) on the gateway's /metrics, 0 if absent.
double Scrape(int metrics_port, const std::string& series) {
  httplib::Client metrics("127.0.0.1", metrics_port);
  httplib::Result page = metrics.Get("/metrics");
  if (!page || page->status != 200) return -1;
  for (absl::string_view line : absl::StrSplit(page->body, '\n')) {
    if (absl::ConsumePrefix(&line, series) && absl::ConsumePrefix(&line, " ")) {
      return std::stod(std::string(line));
    }
  }
  return 0;
}

// The gateway runs on the ServiceHost: /metrics counts its RPCs, those that
// came over HTTP/JSON included (they reach it in-process over gRPC).
TEST_F(GatewayTest, MetricsCountTheGatewaysCalls) {
  BackendSuite& suite = BackendSuite::Shared();
  GatewayConfig config = Config(suite.addresses());
  config.server.metrics_listen = "127.0.0.1:0";
  StartGateway(std::move(config));
  ASSERT_GT(gateway_->metrics_port(), 0);
  const std::string ok =
      "hpedu_rpc_requests_total{code=\"OK\",method=\"/hpedu.gateway.v1."
      "GatewayService/GetCityOverview\"}";
  const double before = Scrape(gateway_->metrics_port(), ok);  // process-wide
  ASSERT_GE(before, 0);
  ASSERT_THAT(Call(&v1::GatewayService::Stub::GetCityOverview, OverviewRequest()),
              ::hpedu::testing::IsOk());
  EXPECT_EQ(Scrape(gateway_->metrics_port(), ok), before + 1);

  httplib::Client http("127.0.0.1", gateway_->http_port());
  http.set_default_headers({{"Authorization", Bearer()}});
  httplib::Result result = http.Get("/api/v1/GetCityOverview?period=2025-2026");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(Scrape(gateway_->metrics_port(), ok), before + 2);
}

TEST_F(GatewayTest, BadJsonIs400NamingTheField) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  httplib::Client http("127.0.0.1", gateway_->http_port());
  http.set_default_headers({{"Authorization", Bearer()}});
  struct Case {
    std::string body;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"period": "2025-2026", "dueWithinDays": "soon"})", "dueWithinDays"},
           {R"({"period": "2025-2026", "colour": "red"})", "colour"},
           {R"({"period": "2025-2026", "asOf": {"year": 2026, "mnth": 1}})", "asOf.mnth"},
           {R"({"period": 2025})", "period"},
           {R"({"period": "2025-2026",)", "(body)"},
       }) {
    httplib::Result result =
        http.Post("/api/v1/GetCityOverview", c.body, "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << c.body;
    const nlohmann::json error = nlohmann::json::parse(result->body);
    EXPECT_EQ(error["error"]["status"], "INVALID_ARGUMENT");
    EXPECT_EQ(error["error"]["details"][0]["fieldViolations"][0]["field"], c.field)
        << result->body;
  }
  // A service-side INVALID_ARGUMENT maps the same way.
  httplib::Result missing = http.Post("/api/v1/GetCityOverview", "{}",
                                      "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_THAT(missing->body, HasSubstr("\"field\":\"period\""));
  httplib::Result unknown = http.Post("/api/v1/NoSuchMethod", "{}",
                                      "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

// Keeps what the tracer exports.
class SpanSink : public trace::SpanExporter {
 public:
  explicit SpanSink(std::shared_ptr<std::vector<trace::SpanData>> spans)
      : spans_(std::move(spans)) {}
  void Export(std::vector<trace::SpanData> batch) override {
    for (trace::SpanData& span : batch) spans_->push_back(std::move(span));
  }

 private:
  std::shared_ptr<std::vector<trace::SpanData>> spans_;
};

// The person's token goes to the backends. An HTTP request is a gateway
// span continuing its traceparent; the gRPC call is its child, and the
// backends' calls are the gRPC call's.
TEST_F(GatewayTest, HttpForwardsAuthorizationAndContinuesTheTrace) {
  BackendSuite& suite = BackendSuite::Shared();
  FakeIndicators fake;
  auto peers = suite.addresses();
  peers["indicators"] = fake.address();
  StartGateway(Config(peers));
  auto spans = std::make_shared<std::vector<trace::SpanData>>();
  trace::Tracer::Default().SetExporter(std::make_unique<SpanSink>(spans));
  httplib::Client http("127.0.0.1", gateway_->http_port());
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::string bearer = Bearer();
  httplib::Headers headers = {
      {"Authorization", bearer},
      {"traceparent", absl::StrCat("00-", trace_id, "-00f067aa0ba902b7-01")}};
  httplib::Result result = http.Post(
      "/api/v1/RankCommunes", headers,
      R"({"indicator": "indicators/hp-16", "period": "2025-2026"})",
      "application/json");
  trace::Tracer::Default().SetExporter(nullptr);  // flushes
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;

  const trace::SpanData* request = nullptr;
  const trace::SpanData* call = nullptr;
  for (const trace::SpanData& span : *spans) {
    if (span.service != "gateway" || span.trace_id != trace_id) continue;
    if (span.name == "POST /api/v1/RankCommunes") request = &span;
    if (span.name == "/hpedu.gateway.v1.GatewayService/RankCommunes") call = &span;
  }
  ASSERT_NE(request, nullptr);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(request->kind, trace::SpanKind::kServer);
  EXPECT_EQ(request->parent_span_id, "00f067aa0ba902b7");
  EXPECT_THAT(request->attributes,
              ::testing::Contains(std::pair<std::string, std::string>(
                  "http.status_code", "200")));
  EXPECT_EQ(call->parent_span_id, request->span_id);
  EXPECT_GE(request->end, call->end);
  ASSERT_FALSE(fake.calls().empty());
  for (const auto& backend : fake.calls()) {
    EXPECT_EQ(backend.authorization, bearer);
    EXPECT_EQ(backend.traceparent,
              absl::StrCat("00-", trace_id, "-", call->span_id, "-01"));
  }
}

TEST_F(GatewayTest, OpenApiDescribesEveryMethod) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  httplib::Client http("127.0.0.1", gateway_->http_port());
  httplib::Result result = http.Get("/api/openapi.json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200);
  const nlohmann::json document = nlohmann::json::parse(result->body);
  EXPECT_EQ(document["openapi"], "3.0.3");
  for (const char* method : {"GetCityOverview", "GetCommuneProfile",
                             "RankCommunes", "GetPlanCascade", "GetChasingList"}) {
    EXPECT_TRUE(document["paths"].contains(absl::StrCat("/api/v1/", method)))
        << method;
  }
  // The services passed through, each under its own prefix.
  EXPECT_TRUE(document["paths"].contains(
      "/api/hpedu.indicators.v1.ApprovalService/SubmitValues"));
  EXPECT_TRUE(document["paths"].contains(
      "/api/hpedu.registry.v1.RegistryService/GetUnit"));
  EXPECT_FALSE(document["paths"].contains(
      "/api/hpedu.indicators.v1.IndicatorsService/StreamImportReportedValues"));
  EXPECT_TRUE(document["components"]["schemas"].contains(
      "hpedu.gateway.v1.Overview"));
  EXPECT_EQ(document["components"]["schemas"]["hpedu.gateway.v1.Overview"]
                    ["properties"]["viewTime"]["format"],
            "date-time");
}

TEST_F(GatewayTest, CallersSeeWhatTheirRoleAllows) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  v1::GetCommuneProfileRequest own;
  own.set_commune("units/phuong-do-son");
  own.set_period(kPeriod);
  v1::GetCommuneProfileRequest other = own;
  other.set_commune("units/phuong-duong-kinh");
  const std::string officer =
      Bearer(auth::Role::kCommuneOfficer, "units/phuong-do-son");

  EXPECT_THAT(Call(&v1::GatewayService::Stub::GetCommuneProfile, own,
                   absl::Seconds(30), ""),
              StatusIs(absl::StatusCode::kUnauthenticated));
  ASSERT_OK_AND_ASSIGN(v1::Overview profile,
                       Call(&v1::GatewayService::Stub::GetCommuneProfile, own,
                            absl::Seconds(30), officer));
  EXPECT_TRUE(profile.indicators().status().available())
      << profile.indicators().status().reason();
  EXPECT_THAT(Call(&v1::GatewayService::Stub::GetCommuneProfile, other,
                   absl::Seconds(30), officer),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::GetChasingListRequest chasing;
  chasing.set_commune("units/phuong-duong-kinh");
  EXPECT_THAT(Call(&v1::GatewayService::Stub::GetChasingList, chasing,
                   absl::Seconds(30), officer),
              StatusIs(absl::StatusCode::kPermissionDenied));

  // Over HTTP the same: 401 without a token, 403 for another commune.
  httplib::Client http("127.0.0.1", gateway_->http_port());
  httplib::Result anonymous = http.Get(
      "/api/v1/GetCommuneProfile?commune=units/phuong-do-son&period=2025-2026");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  http.set_default_headers({{"Authorization", officer}});
  httplib::Result denied = http.Get(
      "/api/v1/GetCommuneProfile?commune=units/phuong-duong-kinh&period=2025-2026");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
}

// The revisions of phuong-do-son's 2025-2026 value of hp-01, read
// directly from the indicators service.
int Revisions() {
  auto indicators = iv1::IndicatorsService::NewStub(TestIdentity::Channel(
      BackendSuite::Shared().addresses().at("indicators"),
      TestIdentity::Token(auth::Role::kLeadership)));
  iv1::ListValueRevisionsRequest request;
  request.set_name("indicators/hp-01/values/phuong-do-son~2025-2026");
  return Direct(*indicators, &iv1::IndicatorsService::Stub::ListValueRevisions,
                request)
      .revisions_size();
}

TEST_F(GatewayTest, HttpPassesWritesToTheServiceAsThePerson) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  constexpr char kReport[] =
      "/api/hpedu.indicators.v1.IndicatorsService/ReportValue";
  httplib::Client http("127.0.0.1", gateway_->http_port());
  httplib::Result current = http.Get(
      "/api/hpedu.indicators.v1.IndicatorsService/ListReportedValues?parent="
      "indicators/hp-01&orgUnit=units/phuong-do-son&period=2025-2026",
      {{"Authorization", Bearer()}});
  ASSERT_TRUE(current);
  ASSERT_EQ(current->status, 200) << current->body;
  const nlohmann::json reported = nlohmann::json::parse(current->body)["values"];
  ASSERT_EQ(reported.size(), 1u) << current->body;
  const int64_t numerator = std::stoll(reported[0]["numerator"].get<std::string>());
  const int64_t denominator =
      std::stoll(reported[0]["denominator"].get<std::string>());
  auto body = [&](int64_t n) {
    return nlohmann::json{{"parent", "indicators/hp-01"},
                          {"value",
                           {{"orgUnit", "units/phuong-do-son"},
                            {"period", kPeriod},
                            {"numerator", n},
                            {"denominator", denominator}}}}
        .dump();
  };
  const int before = Revisions();

  // Refused, writing nothing: no token (the gateway's own certificate is
  // never lent), another commune's officer, a school officer, bad input.
  httplib::Result anonymous =
      http.Post(kReport, body(numerator - 1), "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401) << anonymous->body;
  EXPECT_THAT(anonymous->body, HasSubstr("NO_IDENTITY"));
  httplib::Result other = http.Post(
      kReport, {{"Authorization", Bearer(auth::Role::kCommuneOfficer,
                                         "units/phuong-duong-kinh")}},
      body(numerator - 1), "application/json");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 403) << other->body;
  httplib::Result integration = http.Post(
      kReport, {{"Authorization", Bearer(auth::Role::kIntegration)}},
      body(numerator - 1), "application/json");
  ASSERT_TRUE(integration);
  EXPECT_EQ(integration->status, 403) << integration->body;
  httplib::Result bad = http.Post(
      kReport, {{"Authorization", Bearer()}},
      R"({"parent": "indicators/hp-01", "value": {"numerator": "many"}})",
      "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("value.numerator"));
  EXPECT_EQ(Revisions(), before);

  // The commune's officer writes, and the revision is theirs.
  const std::string officer = Bearer(auth::Role::kCommuneOfficer,
                                     "units/phuong-do-son", "can-bo-do-son");
  httplib::Result written = http.Post(kReport, {{"Authorization", officer}},
                                      body(numerator - 1), "application/json");
  ASSERT_TRUE(written);
  ASSERT_EQ(written->status, 200) << written->body;
  EXPECT_EQ(nlohmann::json::parse(written->body)["reporter"], "can-bo-do-son");
  EXPECT_EQ(Revisions(), before + 1);
  // Put back as it was, for the other tests.
  httplib::Result restored = http.Post(kReport, {{"Authorization", officer}},
                                       body(numerator), "application/json");
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->status, 200) << restored->body;

  // Streaming methods are gRPC only; unknown services are not served.
  httplib::Result stream = http.Post(
      "/api/hpedu.indicators.v1.IndicatorsService/StreamImportReportedValues",
      {{"Authorization", officer}}, "{}", "application/json");
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->status, 501);
  httplib::Result internal = http.Post(
      "/api/hpedu.indicators.v1.IndicatorSourceService/ComputeIndicatorValues",
      {{"Authorization", officer}}, "{}", "application/json");
  ASSERT_TRUE(internal);
  EXPECT_EQ(internal->status, 404);
}

v1::GetChasingListRequest ChasingOn5January() {
  v1::GetChasingListRequest request;
  request.mutable_as_of()->set_year(2026);
  request.mutable_as_of()->set_month(1);
  request.mutable_as_of()->set_day(5);
  return request;
}

TEST_F(GatewayTest, PlanCascadeAndChasingList) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  v1::GetPlanCascadeRequest cascade_request;
  cascade_request.set_document("documents/d-71-nq-tw");
  ASSERT_OK_AND_ASSIGN(v1::PlanCascade cascade,
                       Call(&v1::GatewayService::Stub::GetPlanCascade,
                            cascade_request));
  EXPECT_TRUE(cascade.status().available()) << cascade.status().reason();
  EXPECT_EQ(cascade.document().number(), "71-NQ/TW");
  EXPECT_EQ(cascade.covered(), 2);
  ASSERT_THAT(cascade.communes(), SizeIs(114));
  int with_documents = 0;
  for (const auto& commune : cascade.communes()) {
    with_documents += !commune.documents().empty();
  }
  EXPECT_EQ(with_documents, 2);

  ASSERT_OK_AND_ASSIGN(v1::ChasingView view,
                       Call(&v1::GatewayService::Stub::GetChasingList,
                            ChasingOn5January()));
  EXPECT_GT(view.overdue(), 0);
  EXPECT_EQ(view.items_size(), view.overdue());
  EXPECT_FALSE(view.by_lead().empty());
  EXPECT_NE(view.items(0).lead().display_name(), view.items(0).lead().name());
  // Plans and budget; no staffing placeholder.
  ASSERT_THAT(view.sections(), SizeIs(2));
  EXPECT_EQ(view.sections(0).service(), "plans");
  EXPECT_TRUE(view.sections(0).available());
  EXPECT_EQ(view.sections(1).service(), "budget");
  EXPECT_TRUE(view.sections(1).available()) << view.sections(1).reason();
}

// The budget service's own lagging projects at the end of December 2025
// (the month ended by 5 January 2026).
bv1::ListProjectProgressResponse LaggingProjects(const std::string& budget_unit) {
  auto budget = bv1::BudgetService::NewStub(TestIdentity::Channel(
      BackendSuite::Shared().addresses().at("budget"),
      TestIdentity::Token(auth::Role::kLeadership)));
  bv1::ListProjectProgressRequest request;
  request.set_as_of_year(2025);
  request.set_as_of_month(12);
  request.set_budget_unit(budget_unit);
  request.set_lagging_only(true);
  return Direct(*budget, &bv1::BudgetService::Stub::ListProjectProgress,
                request);
}

TEST_F(GatewayTest, ChasingListHasTheLaggingProjectsInTheirOwnSection) {
  BackendSuite& suite = BackendSuite::Shared();
  StartGateway(Config(suite.addresses()));
  ASSERT_OK_AND_ASSIGN(v1::ChasingView view,
                       Call(&v1::GatewayService::Stub::GetChasingList,
                            ChasingOn5January()));
  const bv1::ListProjectProgressResponse lagging = LaggingProjects("");
  ASSERT_GT(lagging.lagging_count(), 0) << "the demo has lagging projects";

  const v1::ChasingBudget& budget = view.budget();
  EXPECT_TRUE(budget.status().available()) << budget.status().reason();
  EXPECT_EQ(budget.status().service(), "budget");
  EXPECT_EQ(budget.as_of_year(), 2025);
  EXPECT_EQ(budget.as_of_month(), 12);
  EXPECT_EQ(budget.lagging(), lagging.lagging_count());
  ASSERT_EQ(budget.items_size(), lagging.projects_size());
  for (int i = 0; i < budget.items_size(); ++i) {
    const v1::ChasingItem& item = budget.items(i);
    const bv1::ProjectProgress& project = lagging.projects(i);
    EXPECT_EQ(item.source(), "budget");
    EXPECT_EQ(item.item(), project.project());
    EXPECT_EQ(item.lag_dong(), project.lag_dong());
    EXPECT_EQ(item.planned_dong(), project.planned_to_date_dong());
    EXPECT_EQ(item.disbursed_dong(), project.actual_to_date_dong());
    EXPECT_GT(item.lag_dong(), 0);
    EXPECT_THAT(item.content(), HasSubstr(project.display_name()));
    EXPECT_THAT(item.content(), HasSubstr("đến hết tháng 12/2025"));
    EXPECT_THAT(item.content(), HasSubstr("triệu đồng"));
    // Paid by the school's commune (or the city, then no commune), named.
    EXPECT_EQ(item.lead().name(), project.budget_unit());
    EXPECT_NE(item.lead().display_name(), item.lead().name());
    if (project.budget_unit() == "units/hai-phong") {
      EXPECT_FALSE(item.has_commune());
    } else {
      EXPECT_EQ(item.commune().name(), project.budget_unit());
    }
  }
  // Not in the tasks' list or counts: those equal the plans service's.
  for (const v1::ChasingItem& item : view.items()) {
    EXPECT_EQ(item.source(), "plans");
  }
  EXPECT_EQ(view.items_size(), view.overdue());

  // A commune's list: the projects its own budget pays.
  std::string commune;
  for (const bv1::ProjectProgress& project : lagging.projects()) {
    if (project.budget_unit() != "units/hai-phong") {
      commune = project.budget_unit();
      break;
    }
  }
  ASSERT_FALSE(commune.empty());
  v1::GetChasingListRequest one = ChasingOn5January();
  one.set_commune(commune);
  ASSERT_OK_AND_ASSIGN(v1::ChasingView mine,
                       Call(&v1::GatewayService::Stub::GetChasingList, one));
  EXPECT_TRUE(mine.budget().status().available()) << mine.budget().status().reason();
  EXPECT_EQ(mine.budget().lagging(), LaggingProjects(commune).lagging_count());
  ASSERT_GT(mine.budget().items_size(), 0);
  for (const v1::ChasingItem& item : mine.budget().items()) {
    EXPECT_EQ(item.commune().name(), commune);
  }
}

TEST_F(GatewayTest, ChasingListWithBudgetDownKeepsThePlans) {
  BackendSuite& suite = BackendSuite::Shared();
  std::map<std::string, std::string> peers = suite.addresses();
  peers["budget"] = kDownAddress;
  StartGateway(Config(peers));
  ASSERT_OK_AND_ASSIGN(v1::ChasingView view,
                       Call(&v1::GatewayService::Stub::GetChasingList,
                            ChasingOn5January(), absl::Seconds(5)));
  ASSERT_THAT(view.sections(), SizeIs(2));
  EXPECT_TRUE(view.sections(0).available());
  const v1::SectionStatus& budget = view.sections(1);
  EXPECT_EQ(budget.service(), "budget");
  EXPECT_FALSE(budget.available());
  EXPECT_EQ(budget.code(), "UNAVAILABLE");
  EXPECT_THAT(budget.reason(), HasSubstr("không truy cập được"));
  EXPECT_FALSE(view.budget().status().available());
  EXPECT_TRUE(view.budget().items().empty());
  EXPECT_EQ(view.budget().lagging(), 0);
  EXPECT_GT(view.overdue(), 0);
  EXPECT_EQ(view.items_size(), view.overdue());
  EXPECT_FALSE(view.by_lead().empty());
}

}  // namespace
}  // namespace hpedu::gateway
