// The indicators service's scheduled job, refresh-computed, with two
// replicas of the service on one database and everything talking mutual
// TLS, as deployed: a job has no person's token to pass on, so it calls
// staffing, budget and the registry as the service. Exactly one replica
// runs the hour's refresh, which stores what staffing computed.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/identity.h"
#include "libs/testing/pki.h"
#include "services/budget/budget_definition.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/indicators_definition.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu::indicators {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using Stub = v1::IndicatorsService::Stub;
namespace rv1 = ::hpedu::registry::v1;
namespace sv1 = ::hpedu::staffing::v1;

absl::CivilDay Today() { return absl::CivilDay(2026, 6, 15); }

class IndicatorsJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(
        pki_, hpedu::testing::TestPki::Create({"registry", "staffing", "budget",
                                               "indicators", "hpedu-cli"}));
    ASSERT_OK_AND_ASSIGN(registry_, registry::testing::StartDemoRegistry(
                                        [this](server::ServerConfig& config) {
                                          config.tls = pki_->Files("registry");
                                        },
                                        [this](const std::string& address) {
                                          return pki_->Channel(address,
                                                               "hpedu-cli");
                                        }));
    ASSERT_OK_AND_ASSIGN(
        staffing_, hpedu::testing::StartTestService(
                       staffing::Definition(&Today), Configure("staffing")));
    ASSERT_OK_AND_ASSIGN(
        budget_, hpedu::testing::StartTestService(budget::Definition(&Today),
                                                  Configure("budget")));
    ASSERT_OK_AND_ASSIGN(
        writer_, hpedu::testing::StartTestService(Definition(&Today),
                                                  Configure("indicators")));

    ASSERT_OK_AND_ASSIGN(const demo::DemoCatalogue catalogue,
                         demo::DemoIndicators(demo::EmbeddedIndicatorsCsv(),
                                              demo::EmbeddedTargetsCsv()));
    for (const v1::CreateIndicatorRequest& request : catalogue.indicators) {
      ASSERT_OK(
          Call(writer_.address, &Stub::CreateIndicator, request).status());
    }
    // A preschool of three teachers, two of them meeting the standard.
    for (const rv1::Unit& unit : registry_.units) {
      if (unit.kind() == rv1::SCHOOL && !unit.has_valid_until() &&
          unit.school().levels_size() == 1 &&
          unit.school().levels(0) == rv1::MN) {
        school_ = unit.name().substr(6);
        break;
      }
    }
    ASSERT_FALSE(school_.empty());
    std::string roster =
        "staff_id,school,display_name,birth_year,sex,position,level,subject,"
        "employment,qualification,qualification_date,start_date,generated\n";
    for (const auto& [id, qualification] :
         {std::pair{"gv-1", "INTERMEDIATE"}, std::pair{"gv-2", "COLLEGE"},
          std::pair{"gv-3", "BACHELOR"}}) {
      absl::StrAppend(&roster, id, ",", school_,
                      ",Nguyễn Thị Lan,1985,FEMALE,TEACHER,MN,,PERMANENT,",
                      qualification, ",2015-06-01,2020-09-01,true\n");
    }
    sv1::ImportRosterRequest import;
    import.set_csv_content(roster);
    ASSERT_OK(Call(staffing_.address, &sv1::StaffingService::Stub::ImportRoster,
                   import)
                  .status());
  }

  void TearDown() override {
    for (auto& replica : replicas_) {
      replica->Shutdown(absl::Seconds(5));
      replica->Wait();
    }
  }

  // The service's TLS identity and its peers' addresses.
  std::function<void(server::ServerConfig&)> Configure(std::string name) {
    return [this, name](server::ServerConfig& config) {
      config.tls = pki_->Files(name);
      config.peer_addresses["registry"] = registry_.address;
      if (name == "indicators" || name == "budget") {
        config.peer_addresses["staffing"] = staffing_.address;
      }
      if (name == "indicators") {
        config.peer_addresses["budget"] = budget_.address;
      }
    };
  }

  void StartReplica() {
    server::ServerConfig config =
        hpedu::testing::TestServerConfig("indicators", writer_.db);
    Configure("indicators")(config);
    config.run_jobs = true;
    config.job_check_interval = absl::Milliseconds(20);
    ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<server::ServiceHost> host,
        server::ServiceHost::Start(config, Definition(&Today)));
    replicas_.push_back(std::move(host));
  }

  // A call as the operator's command (a service), over mutual TLS.
  template <typename StubT, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      const std::string& address,
      grpc::Status (StubT::*method)(grpc::ClientContext*, const Request&,
                                    Response*),
      const Request& request) {
    StubT stub(pki_->Channel(address, "hpedu-cli"));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    Response response;
    const grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response;
  }

  // The runs of refresh-computed once `count` have ended (up to 30 s).
  std::vector<jobs::v1::JobRun> WaitForRuns(int count) {
    std::vector<jobs::v1::JobRun> runs;
    for (absl::Time end = absl::Now() + absl::Seconds(30); absl::Now() < end;
         absl::SleepFor(absl::Milliseconds(50))) {
      absl::StatusOr<jobs::v1::ListJobsResponse> jobs =
          Call(writer_.address, &Stub::ListJobs, jobs::v1::ListJobsRequest());
      EXPECT_OK(jobs.status());
      if (!jobs.ok() || jobs->jobs_size() != 1) return {};
      EXPECT_EQ(jobs->jobs(0).name(), "jobs/refresh-computed");
      runs.assign(jobs->jobs(0).runs().begin(), jobs->jobs(0).runs().end());
      int ended = 0;
      for (const auto& run : runs) ended += run.has_end_time() ? 1 : 0;
      if (ended >= count) break;
    }
    return runs;
  }

  std::optional<hpedu::testing::TestPki> pki_;
  registry::testing::DemoRegistry registry_;
  hpedu::testing::TestService staffing_;
  hpedu::testing::TestService budget_;
  hpedu::testing::TestService writer_;
  std::vector<std::unique_ptr<server::ServiceHost>> replicas_;
  std::string school_;
};

TEST_F(IndicatorsJobsTest, OneOfTwoReplicasRefreshesTheComputedIndicators) {
  StartReplica();
  StartReplica();
  std::vector<jobs::v1::JobRun> runs = WaitForRuns(1);
  // Both keep looking, fifty times a second each.
  absl::SleepFor(absl::Seconds(1));
  runs = WaitForRuns(1);
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_EQ(runs[0].code(), 0) << runs[0].message();
  EXPECT_EQ(runs[0].attempt(), 1);
  // The school year under way on 15 June 2026 and the fiscal years.
  EXPECT_THAT(runs[0].message(), HasSubstr("2025-2026 1 mới"));
  EXPECT_THAT(runs[0].message(), HasSubstr("2026 "));

  // What staffing computed is stored, as computed, by the job.
  v1::ListReportedValuesRequest list;
  list.set_parent("indicators/hp-10");
  list.set_period("2025-2026");
  ASSERT_OK_AND_ASSIGN(const v1::ListReportedValuesResponse values,
                       Call(writer_.address, &Stub::ListReportedValues, list));
  ASSERT_THAT(values.values(), SizeIs(1));
  EXPECT_EQ(values.values(0).org_unit(), "units/" + school_);
  EXPECT_EQ(values.values(0).numerator(), 2);
  EXPECT_EQ(values.values(0).denominator(), 3);
  EXPECT_EQ(values.values(0).provenance(), v1::COMPUTED_FROM_SERVICE);
  EXPECT_EQ(values.values(0).reporter(), "indicators-scheduler");
}

}  // namespace
}  // namespace hpedu::indicators
