// The plans service's scheduled job, mark-late, with two replicas of the
// service on one database: exactly one runs the day's marking, which marks
// each overdue task and each missing periodic report once, in the feed and
// the audit trail. A third replica started later finds the day done; a
// marking run again marks nothing twice.
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "services/plans/plans_definition.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::TestIdentity;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using Stub = v1::PlansService::Stub;

google::type::Date Date(int y, int m, int d) {
  return api::ToProtoDate(absl::CivilDay(y, m, d));
}

class PlansJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = registry::testing::SharedDemoRegistry().address;
    // The replica the test writes through runs no jobs (TestServerConfig):
    // the data is there before any marking.
    ASSERT_OK_AND_ASSIGN(
        writer_, hpedu::testing::StartTestService(
                     Definition(), [this](server::ServerConfig& config) {
                       config.peer_addresses["registry"] = registry_;
                     }));

    v1::CreateDocumentRequest document;
    document.set_document_id("kh-lich");
    v1::Document* d = document.mutable_document();
    d->set_number("12/KH-SGDĐT");
    d->set_kind(v1::PLAN);
    d->set_issuer_text("Sở Giáo dục và Đào tạo Hải Phòng");
    d->set_level(v1::CITY_DEPARTMENT);
    d->set_title("Kế hoạch có hạn");
    *d->mutable_issue_date() = Date(2026, 1, 5);
    ASSERT_OK(Call(&Stub::CreateDocument, document).status());
    // Due at the end of June 2026, still open: overdue. Due in 2030: not.
    for (const auto& [id, time] : {std::pair{"t-tre", "6/2026"},
                                   std::pair{"t-xa", "12/2030"}}) {
      v1::CreateTaskRequest task;
      task.set_parent("documents/kh-lich");
      task.set_task_id(id);
      task.mutable_task()->set_content(absl::StrCat("Nhiệm vụ ", id));
      task.mutable_task()->set_lead_agency_text(
          "Sở Giáo dục và Đào tạo Hải Phòng");
      task.mutable_task()->mutable_time()->set_text(time);
      ASSERT_OK(Call(&Stub::CreateTask, task).status());
    }
    // A report due on 31 January 2026 from two wards: one sent it.
    v1::CreateReportCycleRequest cycle;
    cycle.set_parent("documents/kh-lich");
    cycle.set_report_cycle_id("bc-hk1");
    v1::ReportCycle* c = cycle.mutable_report_cycle();
    c->set_title("Báo cáo sơ kết học kỳ I");
    c->set_frequency(v1::FIXED_DATES);
    *c->add_fixed_dates() = Date(2026, 1, 31);
    *c->mutable_first_day() = Date(2025, 8, 1);
    c->add_reporting_units("units/phuong-do-son");
    c->add_reporting_units("units/phuong-duong-kinh");
    ASSERT_OK(Call(&Stub::CreateReportCycle, cycle).status());
    v1::SubmitReportRequest submit;
    submit.set_report_cycle("documents/kh-lich/reportCycles/bc-hk1");
    submit.mutable_submission()->set_unit("units/phuong-do-son");
    *submit.mutable_submission()->mutable_due_date() = Date(2026, 1, 31);
    *submit.mutable_submission()->mutable_submitted_date() = Date(2026, 1, 30);
    ASSERT_OK(Call(&Stub::SubmitReport, submit).status());
  }

  void TearDown() override {
    for (auto& replica : replicas_) {
      replica->Shutdown(absl::Seconds(5));
      replica->Wait();
    }
  }

  // Another replica on the same database, looking for work every 20 ms.
  void StartReplica() {
    server::ServerConfig config =
        hpedu::testing::TestServerConfig("plans", writer_.db);
    config.peer_addresses["registry"] = registry_;
    config.run_jobs = true;
    config.job_check_interval = absl::Milliseconds(20);
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<server::ServiceHost> host,
                         server::ServiceHost::Start(config, Definition()));
    replicas_.push_back(std::move(host));
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) {
    return hpedu::testing::CallFor(
        writer_.address, TestIdentity::Token(auth::Role::kLeadership), method,
        request);
  }

  // The runs of mark-late, newest first.
  std::vector<jobs::v1::JobRun> Runs() {
    absl::StatusOr<jobs::v1::ListJobsResponse> jobs =
        Call(&Stub::ListJobs, jobs::v1::ListJobsRequest());
    EXPECT_OK(jobs.status());
    if (!jobs.ok()) return {};
    for (const jobs::v1::Job& job : jobs->jobs()) {
      if (job.name() == "jobs/mark-late") {
        return {job.runs().begin(), job.runs().end()};
      }
    }
    ADD_FAILURE() << "no job mark-late";
    return {};
  }

  // Waits up to 20 s for `count` runs to have ended.
  std::vector<jobs::v1::JobRun> WaitForRuns(int count) {
    std::vector<jobs::v1::JobRun> runs;
    for (absl::Time end = absl::Now() + absl::Seconds(20); absl::Now() < end;
         absl::SleepFor(absl::Milliseconds(50))) {
      runs = Runs();
      int ended = 0;
      for (const auto& run : runs) ended += run.has_end_time() ? 1 : 0;
      if (ended >= count) break;
    }
    return runs;
  }

  // The marks in the feed, in order.
  std::vector<v1::LateMark> MarksInFeed() {
    feed::v1::ListChangesRequest request;
    request.set_page_size(1000);
    absl::StatusOr<feed::v1::ListChangesResponse> changes =
        Call(&Stub::ListChanges, request);
    EXPECT_OK(changes.status());
    std::vector<v1::LateMark> marks;
    if (!changes.ok()) return marks;
    for (const feed::v1::Change& change : changes->changes()) {
      v1::LateMark mark;
      if (!change.value().UnpackTo(&mark)) continue;
      EXPECT_EQ(change.kind(), feed::v1::Change::CREATED);
      EXPECT_EQ(change.resource(), mark.name());
      EXPECT_EQ(change.unit(), mark.unit());
      EXPECT_EQ(change.method(), "jobs/mark-late");
      marks.push_back(mark);
    }
    return marks;
  }

  std::string registry_;
  hpedu::testing::TestService writer_;
  std::vector<std::unique_ptr<server::ServiceHost>> replicas_;
};

std::vector<std::string> Names(const std::vector<v1::LateMark>& marks) {
  std::vector<std::string> names;
  for (const v1::LateMark& mark : marks) names.push_back(mark.name());
  return names;
}

TEST_F(PlansJobsTest, OneOfTwoReplicasMarksEachLateDeadlineOnce) {
  StartReplica();
  StartReplica();
  std::vector<jobs::v1::JobRun> runs = WaitForRuns(1);
  // Both replicas keep looking, fifty times a second each.
  absl::SleepFor(absl::Seconds(1));
  runs = Runs();
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_EQ(runs[0].code(), 0) << runs[0].message();
  EXPECT_EQ(runs[0].attempt(), 1);
  EXPECT_THAT(runs[0].message(),
              HasSubstr("1 nhiệm vụ quá hạn mới, 1 báo cáo chưa nộp mới"));

  const std::vector<v1::LateMark> marks = MarksInFeed();
  EXPECT_THAT(Names(marks),
              ElementsAre("documents/kh-lich/tasks/t-tre/lateMarks/2026-06-30",
                          "documents/kh-lich/reportCycles/bc-hk1/lateMarks/"
                          "phuong-duong-kinh~2026-01-31"));
  ASSERT_THAT(marks, SizeIs(2));
  EXPECT_EQ(marks[0].title(), "Nhiệm vụ t-tre");
  EXPECT_EQ(marks[1].unit(), "units/phuong-duong-kinh");
  EXPECT_EQ(marks[1].title(), "Báo cáo sơ kết học kỳ I");

  // Each mark has its audit event.
  audit::v1::ListAuditEventsRequest audit;
  audit.set_resource(marks[1].name());
  ASSERT_OK_AND_ASSIGN(const audit::v1::ListAuditEventsResponse events,
                       Call(&Stub::ListAuditEvents, audit));
  ASSERT_THAT(events.audit_events(), SizeIs(1));
  EXPECT_EQ(events.audit_events(0).method(), "jobs/mark-late");

  // A replica started later finds the day done.
  StartReplica();
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_THAT(Runs(), SizeIs(1));

  // Run again for the day (its run forgotten, by a replica that has not
  // seen it done): nothing is marked twice.
  {
    pqxx::connection connection(writer_.db);
    pqxx::work tx(connection);
    tx.exec("DELETE FROM job_runs");
    tx.commit();
  }
  StartReplica();
  runs = WaitForRuns(1);
  ASSERT_THAT(runs, SizeIs(1));
  EXPECT_THAT(runs[0].message(),
              HasSubstr("0 nhiệm vụ quá hạn mới, 0 báo cáo chưa nộp mới"));
  EXPECT_THAT(MarksInFeed(), SizeIs(2));
}

TEST_F(PlansJobsTest, CommuneOfficersCannotListJobs) {
  EXPECT_THAT(
      hpedu::testing::CallFor(
          writer_.address,
          TestIdentity::Token(auth::Role::kCommuneOfficer, "units/31"),
          &Stub::ListJobs, jobs::v1::ListJobsRequest()),
      hpedu::testing::StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace hpedu::plans
