// The indicators service end to end: the real service (ServiceHost, as
// main.cc starts it) on port 0 over a real PostgreSQL, with the registry
// running in-process too (demo units) for who is expected to report, called
// through the generated stub. Periods close 60 days after they end; "today"
// is fixed at 15 June 2026, so 2025-2026 is open and earlier years closed.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/indicators_definition.h"
#include "services/indicators/value_import.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::indicators {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using Stub = v1::IndicatorsService::Stub;
using ::hpedu::testing::TestIdentity;
namespace rv1 = ::hpedu::registry::v1;

constexpr char kOverride[] = "bổ sung số liệu muộn (late data)";

class IndicatorsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const registry::testing::DemoRegistry& registry =
        registry::testing::SharedDemoRegistry();
    hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(std::string db, pg.ProvisionService(database, "indicators"));
    server::ServerConfig config =
        hpedu::testing::TestServerConfig("indicators", db);
    config.peer_addresses["registry"] = registry.address;
    ASSERT_OK_AND_ASSIGN(
        host_, server::ServiceHost::Start(
                   config, Definition([] { return absl::CivilDay(2026, 6, 15); })));
    stub_ = v1::IndicatorsService::NewStub(TestIdentity::Channel(
        absl::StrCat("127.0.0.1:", host_->port()),
        TestIdentity::Token(auth::Role::kLeadership)));
  }

  void TearDown() override {
    if (host_) {
      host_->Shutdown(absl::Seconds(5));
      host_->Wait();
    }
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    Response response;
    const grpc::Status status =
        (stub_.get()->*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  // The demo catalogue: the 25 indicators, Resolution 71's, their targets.
  void LoadCatalogue() {
    ASSERT_OK_AND_ASSIGN(const demo::DemoCatalogue catalogue,
                         demo::DemoIndicators(demo::EmbeddedIndicatorsCsv(),
                                              demo::EmbeddedTargetsCsv()));
    for (const v1::CreateIndicatorRequest& request : catalogue.indicators) {
      ASSERT_OK(Call(&Stub::CreateIndicator, request).status())
          << request.indicator_id();
    }
    for (const v1::CreateTargetRequest& request : catalogue.targets) {
      ASSERT_OK(Call(&Stub::CreateTarget, request).status())
          << request.parent() << " " << request.target_id();
    }
  }

  absl::StatusOr<v1::ImportReportedValuesResponse> Import(
      const std::string& csv, bool validate_only = false,
      const std::string& override_reason = kOverride) {
    v1::ImportReportedValuesRequest request;
    request.set_csv_content(csv);
    request.set_validate_only(validate_only);
    request.set_override_reason(override_reason);
    return Call(&Stub::ImportReportedValues, request);
  }

  absl::StatusOr<v1::ReportedValue> Report(const std::string& indicator,
                                           const std::string& unit,
                                           const std::string& period,
                                           int64_t num, int64_t den,
                                           const std::string& override_reason = "") {
    v1::ReportValueRequest request;
    request.set_parent("indicators/" + indicator);
    request.mutable_value()->set_org_unit("units/" + unit);
    request.mutable_value()->set_period(period);
    request.mutable_value()->set_numerator(num);
    request.mutable_value()->set_denominator(den);
    request.set_override_reason(override_reason);
    return Call(&Stub::ReportValue, request);
  }

  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<Stub> stub_;
};

v1::CreateIndicatorRequest Percentage(const std::string& id) {
  v1::CreateIndicatorRequest request;
  request.set_indicator_id(id);
  v1::Indicator* indicator = request.mutable_indicator();
  indicator->set_code(absl::AsciiStrToUpper(id));
  indicator->set_display_name("Tỷ lệ huy động trẻ mẫu giáo");
  indicator->set_unit_label("%");
  indicator->set_kind(v1::RATIO);
  indicator->set_factor(100);
  indicator->set_direction(v1::HIGHER_IS_BETTER);
  indicator->set_reporting_level(v1::COMMUNE);
  indicator->set_period_type(v1::SCHOOL_YEAR);
  indicator->set_lock_after_days(60);
  return request;
}

TEST_F(IndicatorsServiceTest, CreateGetListIndicators) {
  v1::CreateIndicatorRequest request = Percentage("hp-02");
  request.set_request_id("3f2b8c1e-0d4a-4b6e-9a7c-1e2d3c4b5a69");
  ASSERT_OK_AND_ASSIGN(const v1::Indicator created,
                       Call(&Stub::CreateIndicator, request));
  EXPECT_EQ(created.name(), "indicators/hp-02");
  EXPECT_EQ(created.version(), 1);
  EXPECT_FALSE(created.etag().empty());
  // A retry with the same request_id returns the same indicator.
  ASSERT_OK_AND_ASSIGN(const v1::Indicator again,
                       Call(&Stub::CreateIndicator, request));
  EXPECT_EQ(again.etag(), created.etag());
  request.clear_request_id();
  EXPECT_THAT(Call(&Stub::CreateIndicator, request).status(),
              StatusIs(absl::StatusCode::kAlreadyExists));

  v1::GetIndicatorRequest get;
  get.set_name("indicators/hp-02");
  ASSERT_OK_AND_ASSIGN(const v1::Indicator fetched, Call(&Stub::GetIndicator, get));
  EXPECT_EQ(fetched.display_name(), "Tỷ lệ huy động trẻ mẫu giáo");
  get.set_name("indicators/hp-99");
  EXPECT_THAT(Call(&Stub::GetIndicator, get).status(),
              StatusIs(absl::StatusCode::kNotFound));
  get.set_name("chỉ tiêu");
  EXPECT_THAT(Call(&Stub::GetIndicator, get).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));

  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-01")).status());
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-03")).status());
  v1::ListIndicatorsRequest list;
  list.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(v1::ListIndicatorsResponse page,
                       Call(&Stub::ListIndicators, list));
  ASSERT_THAT(page.indicators(), SizeIs(2));
  EXPECT_EQ(page.indicators(0).code(), "HP-01");
  EXPECT_EQ(page.total_size(), 3);
  list.set_page_token(page.next_page_token());
  ASSERT_OK_AND_ASSIGN(page, Call(&Stub::ListIndicators, list));
  ASSERT_THAT(page.indicators(), SizeIs(1));
  EXPECT_EQ(page.indicators(0).code(), "HP-03");
  EXPECT_TRUE(page.next_page_token().empty());
}

TEST_F(IndicatorsServiceTest, CreateIndicatorNamesEveryBadField) {
  v1::CreateIndicatorRequest request = Percentage("Bad Id");
  request.mutable_indicator()->set_factor(0);
  request.mutable_indicator()->clear_direction();
  request.mutable_indicator()->set_lead_agency("agencies/x");
  request.set_request_id("not-a-uuid");
  const absl::Status status = Call(&Stub::CreateIndicator, request).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasFieldViolation("indicator_id"));
  EXPECT_THAT(status, HasFieldViolation("indicator.factor"));
  EXPECT_THAT(status, HasFieldViolation("indicator.direction"));
  EXPECT_THAT(status, HasFieldViolation("indicator.lead_agency"));
  EXPECT_THAT(status, HasFieldViolation("request_id"));
}

TEST_F(IndicatorsServiceTest, UpdateChecksEtagAndVersionsTheFormula) {
  ASSERT_OK_AND_ASSIGN(const v1::Indicator created,
                       Call(&Stub::CreateIndicator, Percentage("hp-02")));
  ASSERT_OK_AND_ASSIGN(const v1::ReportedValue before,
                       Report("hp-02", "phuong-do-son", "2025-2026", 90, 100));
  EXPECT_EQ(before.definition_version(), 1);

  v1::UpdateIndicatorRequest update;
  update.mutable_indicator()->set_name("indicators/hp-02");
  update.mutable_indicator()->set_etag(created.etag());
  update.mutable_indicator()->set_display_name("Tỷ lệ huy động trẻ 3-5 tuổi");
  update.mutable_indicator()->set_factor(1000);
  update.mutable_update_mask()->add_paths("display_name");
  update.mutable_update_mask()->add_paths("factor");
  ASSERT_OK_AND_ASSIGN(const v1::Indicator updated,
                       Call(&Stub::UpdateIndicator, update));
  EXPECT_EQ(updated.version(), 2);
  EXPECT_EQ(updated.factor(), 1000);
  EXPECT_NE(updated.etag(), created.etag());
  // The stale etag is refused.
  EXPECT_THAT(Call(&Stub::UpdateIndicator, update).status(),
              StatusIs(absl::StatusCode::kAborted));
  // Stored values keep the version they were reported under.
  v1::ListValueRevisionsRequest revisions;
  revisions.set_name("indicators/hp-02/values/phuong-do-son~2025-2026");
  ASSERT_OK_AND_ASSIGN(const v1::ListValueRevisionsResponse history,
                       Call(&Stub::ListValueRevisions, revisions));
  ASSERT_THAT(history.revisions(), SizeIs(1));
  EXPECT_EQ(history.revisions(0).definition_version(), 1);
  // A mask path that is not updatable.
  update.mutable_indicator()->set_etag(updated.etag());
  update.mutable_update_mask()->add_paths("kind");
  EXPECT_THAT(Call(&Stub::UpdateIndicator, update).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(IndicatorsServiceTest, ValuesAreValidatedAgainstTheDefinition) {
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-02")).status());
  absl::Status status =
      Report("hp-02", "phuong-do-son", "2025-2026", 101, 100).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasFieldViolation("value.numerator"));
  status = Report("hp-02", "phuong-do-son", "2025-26", 1, 0).status();
  EXPECT_THAT(status, HasFieldViolation("value.period"));
  EXPECT_THAT(status, HasFieldViolation("value.denominator"));
  status = Report("hp-02", "phuong-do-son", "2025-2026", -1, 10).status();
  EXPECT_THAT(status, HasFieldViolation("value.numerator"));
  EXPECT_THAT(Report("hp-77", "phuong-do-son", "2025-2026", 1, 1).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IndicatorsServiceTest, CorrectionsKeepEveryRevision) {
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-02")).status());
  ASSERT_OK_AND_ASSIGN(v1::ReportedValue first,
                       Report("hp-02", "phuong-do-son", "2025-2026", 90, 100));
  EXPECT_EQ(first.revision(), 1);
  EXPECT_EQ(first.provenance(), v1::ENTERED);
  EXPECT_EQ(first.reporter(), "tester");
  EXPECT_EQ(first.name(), "indicators/hp-02/values/phuong-do-son~2025-2026");
  ASSERT_OK_AND_ASSIGN(v1::ReportedValue second,
                       Report("hp-02", "phuong-do-son", "2025-2026", 95, 100));
  EXPECT_EQ(second.revision(), 2);
  // The same figures again change nothing.
  ASSERT_OK_AND_ASSIGN(v1::ReportedValue same,
                       Report("hp-02", "phuong-do-son", "2025-2026", 95, 100));
  EXPECT_EQ(same.revision(), 2);

  v1::ListValueRevisionsRequest request;
  request.set_name(first.name());
  ASSERT_OK_AND_ASSIGN(const v1::ListValueRevisionsResponse history,
                       Call(&Stub::ListValueRevisions, request));
  ASSERT_THAT(history.revisions(), SizeIs(2));
  EXPECT_EQ(history.revisions(0).numerator(), 95);  // newest first
  EXPECT_EQ(history.revisions(1).numerator(), 90);

  v1::ListReportedValuesRequest list;
  list.set_parent("indicators/hp-02");
  ASSERT_OK_AND_ASSIGN(const v1::ListReportedValuesResponse current,
                       Call(&Stub::ListReportedValues, list));
  ASSERT_THAT(current.values(), SizeIs(1));
  EXPECT_EQ(current.values(0).numerator(), 95);

  request.set_name("indicators/hp-02/values/phuong-do-son~2030-2031");
  EXPECT_THAT(Call(&Stub::ListValueRevisions, request).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(IndicatorsServiceTest, RequestIdMakesReportValueIdempotent) {
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-02")).status());
  v1::ReportValueRequest request;
  request.set_parent("indicators/hp-02");
  request.mutable_value()->set_org_unit("units/phuong-do-son");
  request.mutable_value()->set_period("2025-2026");
  request.mutable_value()->set_numerator(90);
  request.mutable_value()->set_denominator(100);
  request.set_request_id("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d");
  ASSERT_OK_AND_ASSIGN(const v1::ReportedValue first, Call(&Stub::ReportValue, request));
  request.mutable_value()->set_numerator(91);  // a retry, whatever its body
  ASSERT_OK_AND_ASSIGN(const v1::ReportedValue retry, Call(&Stub::ReportValue, request));
  EXPECT_EQ(retry.revision(), first.revision());
  EXPECT_EQ(retry.numerator(), 90);
}

TEST_F(IndicatorsServiceTest, ClosedPeriodsNeedAnOverride) {
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-02")).status());
  const absl::Status locked =
      Report("hp-02", "phuong-do-son", "2024-2025", 90, 100).status();
  EXPECT_THAT(locked, StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("2024-2025")));
  EXPECT_EQ(GetErrorInfo(locked).reason(), "PERIOD_LOCKED");
  ASSERT_OK_AND_ASSIGN(const v1::ReportedValue written,
                       Report("hp-02", "phuong-do-son", "2024-2025", 90, 100,
                              kOverride));
  EXPECT_EQ(written.lock_override_reason(), kOverride);
  // The open year needs none and records none.
  ASSERT_OK_AND_ASSIGN(const v1::ReportedValue open,
                       Report("hp-02", "phuong-do-son", "2025-2026", 90, 100,
                              kOverride));
  EXPECT_EQ(open.lock_override_reason(), "");
}

TEST_F(IndicatorsServiceTest, OutliersAreFlaggedNotRejected) {
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-02")).status());
  ASSERT_OK(Report("hp-02", "phuong-do-son", "2022-2023", 95, 100, kOverride).status());
  ASSERT_OK(Report("hp-02", "phuong-do-son", "2023-2024", 96, 100, kOverride).status());
  ASSERT_OK_AND_ASSIGN(const v1::ReportedValue usual,
                       Report("hp-02", "phuong-do-son", "2024-2025", 97, 100, kOverride));
  EXPECT_FALSE(usual.outlier());
  ASSERT_OK_AND_ASSIGN(const v1::ReportedValue odd,
                       Report("hp-02", "phuong-do-son", "2025-2026", 60, 100));
  EXPECT_TRUE(odd.outlier());
  EXPECT_EQ(odd.numerator(), 60);  // kept
}

constexpr char kHeader[] =
    "indicator,org_unit,period,disaggregation,numerator,denominator,value,"
    "generated\n";

TEST_F(IndicatorsServiceTest, ImportDryRunAtomicityAndIdempotence) {
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-02")).status());
  const std::string good = absl::StrCat(
      kHeader, "HP-02,phuong-do-son,2025-2026,,90,100,,\n",
      "indicators/hp-02,units/phuong-duong-kinh,2025-2026,,80,100,,true\n");
  ASSERT_OK_AND_ASSIGN(v1::ImportReportedValuesResponse dry,
                       Import(good, /*validate_only=*/true));
  EXPECT_EQ(dry.created(), 2);
  v1::ListReportedValuesRequest list;
  list.set_parent("indicators/hp-02");
  ASSERT_OK_AND_ASSIGN(v1::ListReportedValuesResponse stored,
                       Call(&Stub::ListReportedValues, list));
  EXPECT_THAT(stored.values(), SizeIs(0));

  // One good line and two bad ones: nothing is written, both are named.
  const std::string bad = absl::StrCat(
      kHeader, "HP-02,phuong-do-son,2025-2026,,90,100,,\n",
      "HP-02,phuong-duong-kinh,2025-2026,,120,100,,\n",
      "HP-99,phuong-duong-kinh,2025-2026,,1,100,,\n");
  const absl::Status rejected = Import(bad).status();
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  const google::rpc::BadRequest details = GetBadRequest(rejected);
  ASSERT_THAT(details.field_violations(), SizeIs(2));
  EXPECT_THAT(details.field_violations(0).description(), HasSubstr("dòng 3"));
  EXPECT_THAT(details.field_violations(1).description(), HasSubstr("dòng 4"));
  ASSERT_OK_AND_ASSIGN(stored, Call(&Stub::ListReportedValues, list));
  EXPECT_THAT(stored.values(), SizeIs(0));

  ASSERT_OK_AND_ASSIGN(v1::ImportReportedValuesResponse first, Import(good));
  EXPECT_EQ(first.created(), 2);
  ASSERT_OK_AND_ASSIGN(v1::ImportReportedValuesResponse second, Import(good));
  EXPECT_EQ(second.created(), 0);
  EXPECT_EQ(second.unchanged(), 2);
  ASSERT_OK_AND_ASSIGN(stored, Call(&Stub::ListReportedValues, list));
  ASSERT_THAT(stored.values(), SizeIs(2));
  EXPECT_EQ(stored.values(0).provenance(), v1::IMPORTED);
  EXPECT_TRUE(stored.values(0).generated() || stored.values(1).generated());

  // Duplicate lines within one file are refused.
  const std::string twice = absl::StrCat(
      kHeader, "HP-02,phuong-do-son,2025-2026,,91,100,,\n",
      "HP-02,phuong-do-son,2025-2026,,92,100,,\n");
  EXPECT_THAT(Import(twice).status(), StatusIs(absl::StatusCode::kInvalidArgument));

  // A closed year without override: refused whole.
  const std::string late =
      absl::StrCat(kHeader, "HP-02,phuong-do-son,2023-2024,,90,100,,\n");
  EXPECT_THAT(Import(late, false, "").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(IndicatorsServiceTest, StreamedImportInChunks) {
  ASSERT_OK(Call(&Stub::CreateIndicator, Percentage("hp-02")).status());
  const std::string csv = absl::StrCat(
      kHeader, "HP-02,phuong-do-son,2025-2026,,90,100,,\n",
      "HP-02,phuong-duong-kinh,2025-2026,,80,100,,\n");
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::ImportReportedValuesResponse response;
  auto writer = stub_->StreamImportReportedValues(&context, &response);
  // Split in the middle of a line: chunks are bytes, not records.
  for (const std::string& part : {csv.substr(0, 70), csv.substr(70)}) {
    v1::ImportReportedValuesRequest chunk;
    chunk.set_csv_content(part);
    ASSERT_TRUE(writer->Write(chunk));
  }
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.created(), 2);
}

// Sums, from the generated lines themselves, what the city's figure must be.
struct Expected {
  int64_t numerator = 0;
  int64_t denominator = 0;
  std::set<std::string> reporters;
};

TEST_F(IndicatorsServiceTest, CityRollUpOfTheDemoData) {
  LoadCatalogue();
  std::vector<ValueLine> lines = demo::DemoValues(registry::testing::SharedDemoRegistry().units);
  // Two communes have not reported HP-02 this year: coverage shows it.
  std::set<std::string> silent = {"phuong-do-son", "phuong-duong-kinh"};
  std::erase_if(lines, [&](const ValueLine& line) {
    return line.indicator == "HP-02" && line.period == "2025-2026" &&
           silent.contains(line.org_unit);
  });
  ASSERT_OK_AND_ASSIGN(const v1::ImportReportedValuesResponse imported,
                       Import(FormatValuesCsv(lines)));
  EXPECT_EQ(imported.created(), static_cast<int>(lines.size()));

  std::map<std::string, Expected> expected;  // indicator~disaggregation
  for (const ValueLine& line : lines) {
    if (line.period != "2025-2026" || line.numerator.empty()) continue;
    for (const std::string& key :
         {line.indicator, line.indicator + "~" + line.disaggregation}) {
      Expected& e = expected[key];
      e.numerator += std::stoll(line.numerator);
      e.denominator += std::stoll(line.denominator);
      e.reporters.insert(line.org_unit);
    }
  }

  v1::RollUpRequest request;
  request.set_indicator("indicators/hp-02");
  request.set_period("2025-2026");
  request.set_drill_down(true);
  ASSERT_OK_AND_ASSIGN(v1::RollUpResponse response, Call(&Stub::RollUp, request));
  ASSERT_THAT(response.roll_ups(), SizeIs(1));
  const v1::Figure& total = response.roll_ups(0).total();
  EXPECT_EQ(total.state(), v1::COMPUTED);
  EXPECT_EQ(total.numerator(), expected["HP-02"].numerator);
  EXPECT_EQ(total.denominator(), expected["HP-02"].denominator);
  EXPECT_EQ(total.expected_reporters(), 114);
  EXPECT_EQ(total.reporters(), 112);
  EXPECT_THAT(total.missing_reporters(),
              ElementsAre("units/phuong-do-son", "units/phuong-duong-kinh"));
  EXPECT_THAT(total.trend(), SizeIs(3));
  ASSERT_THAT(total.targets(), SizeIs(1));
  EXPECT_EQ(total.targets(0).target_value(), "99");
  EXPECT_NE(total.targets(0).status(), v1::TARGET_STATUS_UNSPECIFIED);
  EXPECT_THAT(response.roll_ups(0).children(), SizeIs(114));

  // School-reported, disaggregated by level: the total sums both levels.
  request.set_indicator("indicators/hp-20");
  request.set_drill_down(false);
  ASSERT_OK_AND_ASSIGN(response, Call(&Stub::RollUp, request));
  const v1::IndicatorRollUp& hp20 = response.roll_ups(0);
  EXPECT_EQ(hp20.total().numerator(), expected["HP-20"].numerator);
  EXPECT_EQ(hp20.total().denominator(), expected["HP-20"].denominator);
  ASSERT_THAT(hp20.by_disaggregation(), SizeIs(2));
  EXPECT_EQ(hp20.by_disaggregation(0).disaggregation(), "THCS");
  EXPECT_EQ(hp20.by_disaggregation(0).denominator(),
            expected["HP-20~THCS"].denominator);
  EXPECT_EQ(hp20.by_disaggregation(1).numerator(),
            expected["HP-20~THPT"].numerator);
  EXPECT_EQ(hp20.total().reporters(),
            static_cast<int>(expected["HP-20"].reporters.size()));
  int thcs_schools = 0;
  for (const rv1::Unit& unit : registry::testing::SharedDemoRegistry().units) {
    if (unit.kind() != rv1::SCHOOL || unit.has_valid_until()) continue;
    for (int level : unit.school().levels()) thcs_schools += level == rv1::THCS;
  }
  EXPECT_EQ(hp20.by_disaggregation(0).expected_reporters(), thcs_schools);
  EXPECT_LT(hp20.by_disaggregation(0).expected_reporters(),
            hp20.total().expected_reporters());
  // The Sở's targets for 20 are per level: 54.95 (THCS) and 54.88 (THPT).
  ASSERT_THAT(hp20.by_disaggregation(0).targets(), SizeIs(1));
  EXPECT_EQ(hp20.by_disaggregation(0).targets(0).target_value(), "54.95");
  EXPECT_EQ(hp20.by_disaggregation(1).targets(0).target_value(), "54.88");
  EXPECT_THAT(hp20.total().targets(), SizeIs(0));

  // Drill down into one commune: its schools.
  request.set_indicator("indicators/hp-18");
  request.set_org_unit("units/phuong-do-son");
  request.set_drill_down(true);
  ASSERT_OK_AND_ASSIGN(response, Call(&Stub::RollUp, request));
  const v1::IndicatorRollUp& commune = response.roll_ups(0);
  int64_t den = 0;
  for (const v1::Figure& child : commune.children()) {
    EXPECT_TRUE(absl::StartsWith(child.org_unit(), "units/th"))
        << child.org_unit();
    den += child.denominator();
  }
  EXPECT_EQ(commune.total().denominator(), den);
  EXPECT_GT(den, 0);

  // Every indicator at once; the teachers' ones are not yet computed.
  request.set_indicator("indicators/-");
  request.clear_org_unit();
  request.set_drill_down(false);
  ASSERT_OK_AND_ASSIGN(response, Call(&Stub::RollUp, request));
  EXPECT_THAT(response.roll_ups(), SizeIs(25));
  std::map<std::string, v1::Figure> by_indicator;
  for (const v1::IndicatorRollUp& one : response.roll_ups()) {
    by_indicator[one.total().indicator()] = one.total();
  }
  EXPECT_EQ(by_indicator["indicators/hp-10"].state(), v1::NOT_YET_COMPUTED);
  EXPECT_EQ(by_indicator["indicators/hp-10"].value(), "");
  const v1::Figure& universal = by_indicator["indicators/hp-05"];
  EXPECT_EQ(universal.state(), v1::COMPUTED);
  EXPECT_EQ(universal.denominator(), 114);  // communes that reported a level
  EXPECT_LE(universal.numerator(), 114);
  EXPECT_EQ(by_indicator["indicators/hp-15"].expected_reporters(), 1);

  // Bad requests.
  request.set_indicator("indicators/hp-02");
  request.set_period("2025");
  EXPECT_THAT(Call(&Stub::RollUp, request).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  request.set_period("2025-2026");
  request.set_org_unit("units/khong-co");
  EXPECT_THAT(Call(&Stub::RollUp, request).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

// The city's totals, kept by every write, must equal the sums of the
// reports themselves: the roll-up without drill-down reads the totals, the
// one with drill-down sums the reports of each commune's units.
TEST_F(IndicatorsServiceTest, CityTotalsFollowEveryWrite) {
  LoadCatalogue();
  std::vector<ValueLine> lines =
      demo::DemoValues(registry::testing::SharedDemoRegistry().units);
  // A commune that has not reported a commune-level indicator this year.
  std::erase_if(lines, [](const ValueLine& line) {
    return line.indicator == "HP-05" && line.period == "2025-2026" &&
           line.org_unit == "phuong-do-son";
  });
  ASSERT_OK(Import(FormatValuesCsv(lines)).status());

  auto roll_up = [&](bool drill_down) -> v1::RollUpResponse {
    v1::RollUpRequest request;
    request.set_indicator("indicators/-");
    request.set_period("2025-2026");
    request.set_drill_down(drill_down);
    absl::StatusOr<v1::RollUpResponse> response = Call(&Stub::RollUp, request);
    EXPECT_OK(response.status());
    return response.value_or(v1::RollUpResponse());
  };
  auto expect_same = [&](const std::string& when) {
    const v1::RollUpResponse totals = roll_up(false);
    const v1::RollUpResponse sums = roll_up(true);
    ASSERT_EQ(totals.roll_ups_size(), sums.roll_ups_size());
    for (int i = 0; i < totals.roll_ups_size(); ++i) {
      v1::IndicatorRollUp expected = sums.roll_ups(i);
      expected.clear_children();
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
          totals.roll_ups(i), expected))
          << when << "\ntotals:\n" << totals.roll_ups(i).DebugString()
          << "\nsums:\n" << expected.DebugString();
    }
  };
  expect_same("after the import");
  const v1::RollUpResponse before = roll_up(false);
  for (const v1::IndicatorRollUp& one : before.roll_ups()) {
    if (one.total().indicator() == "indicators/hp-05") {
      EXPECT_THAT(one.total().missing_reporters(),
                  ElementsAre("units/phuong-do-son"));
    }
  }

  // Corrections of ratios (one disaggregation of a school's report among
  // them), a new report, and the same file again.
  std::vector<ValueLine> changed;
  std::set<std::string> corrected;
  for (const ValueLine& line : lines) {
    if (line.period != "2025-2026" || line.numerator.empty() ||
        !corrected.insert(line.indicator).second) {
      continue;
    }
    ValueLine correction = line;
    const int64_t num = std::stoll(line.numerator);
    correction.numerator = std::to_string(num > 0 ? num - 1 : num + 1);
    changed.push_back(correction);
  }
  ASSERT_GT(changed.size(), 5u);
  ASSERT_OK_AND_ASSIGN(const v1::ImportReportedValuesResponse fixed,
                       Import(FormatValuesCsv(changed)));
  EXPECT_EQ(fixed.corrected(), static_cast<int>(changed.size()));
  ASSERT_OK(Report("hp-02", "phuong-do-son", "2025-2026", 1, 1).status());
  ASSERT_OK(Report("hp-02", "phuong-do-son", "2025-2026", 7, 9).status());
  ASSERT_OK_AND_ASSIGN(const v1::ImportReportedValuesResponse again,
                       Import(FormatValuesCsv(lines)));
  // The corrections and the hand-reported HP-02 go back to the file's.
  EXPECT_EQ(again.corrected(), static_cast<int>(changed.size()) + 1);
  EXPECT_EQ(again.created(), 0);
  expect_same("after corrections");
  // A dry run changes nothing.
  ASSERT_OK(Import(FormatValuesCsv(changed), /*validate_only=*/true).status());
  expect_same("after a dry run");

  // A new condition for a count of communes counts the stored levels anew.
  v1::GetIndicatorRequest get;
  get.set_name("indicators/hp-05");
  ASSERT_OK_AND_ASSIGN(const v1::Indicator hp05, Call(&Stub::GetIndicator, get));
  ASSERT_EQ(hp05.kind(), v1::UNIT_COUNT);
  v1::UpdateIndicatorRequest update;
  update.mutable_indicator()->set_name(hp05.name());
  update.mutable_indicator()->set_etag(hp05.etag());
  update.mutable_indicator()->set_condition_threshold("1");
  update.mutable_update_mask()->add_paths("condition_threshold");
  ASSERT_OK(Call(&Stub::UpdateIndicator, update).status());
  expect_same("after a new condition");
  const v1::RollUpResponse after = roll_up(false);
  for (const v1::IndicatorRollUp& one : after.roll_ups()) {
    if (one.total().indicator() == "indicators/hp-05") {
      // Every commune that reported a level meets level 1.
      EXPECT_EQ(one.total().numerator(), one.total().denominator());
      EXPECT_EQ(one.total().reporters(), 113);
    }
  }
}

TEST_F(IndicatorsServiceTest, TargetsOfSeveralIssuers) {
  LoadCatalogue();
  v1::ListTargetsRequest request;
  request.set_parent("indicators/-");
  request.set_org_unit("units/phuong-do-son");
  request.set_page_size(1000);
  ASSERT_OK_AND_ASSIGN(const v1::ListTargetsResponse targets,
                       Call(&Stub::ListTargets, request));
  bool found_88 = false;
  for (const v1::Target& target : targets.targets()) {
    EXPECT_EQ(target.org_unit(), "units/phuong-do-son");
    if (target.value() == "88" && target.horizon() == "2030") found_88 = true;
  }
  EXPECT_TRUE(found_88);
  // A target's horizon must be a period or a year.
  v1::CreateTargetRequest bad;
  bad.set_parent("indicators/hp-02");
  bad.set_target_id("x");
  bad.mutable_target()->set_org_unit("units/hai-phong");
  bad.mutable_target()->set_issuer("Sở");
  bad.mutable_target()->set_horizon("sớm");
  bad.mutable_target()->set_value("99,7");
  const absl::Status status = Call(&Stub::CreateTarget, bad).status();
  EXPECT_THAT(status, HasFieldViolation("target.horizon"));
  EXPECT_THAT(status, HasFieldViolation("target.value"));
  EXPECT_THAT(status, HasFieldViolation("target.comparator"));
}

}  // namespace
}  // namespace hpedu::indicators
