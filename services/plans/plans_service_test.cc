// The plans service end to end: the real registry and plans services
// (ServiceHost, as main.cc starts them) on port 0 over a real PostgreSQL,
// the registry loaded with the demo units, called through the generated
// stubs.
#include <fstream>
#include <memory>
#include <sstream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/plans/plans_definition.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using Stub = v1::PlansService::Stub;
using ::hpedu::testing::TestIdentity;

constexpr char kTaskHeader[] =
    "group,no,content,lead_agency,coordinating,approval_level,submission_time\n";

class PlansServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(std::string conninfo,
                         pg.ProvisionService(database, "plans"));
    server::ServerConfig config =
        hpedu::testing::TestServerConfig("plans", conninfo);
    config.peer_addresses["registry"] =
        registry::testing::SharedDemoRegistry().address;
    ASSERT_OK_AND_ASSIGN(host_, server::ServiceHost::Start(config, Definition()));
    stub_ = v1::PlansService::NewStub(TestIdentity::Channel(
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

  absl::StatusOr<v1::Document> CreateDocument(
      const std::string& id, const std::string& number,
      const std::string& issuer_text, v1::DocumentLevel level,
      std::vector<std::string> implements = {}) {
    v1::CreateDocumentRequest request;
    request.set_document_id(id);
    v1::Document* document = request.mutable_document();
    document->set_number(number);
    document->set_kind(v1::PLAN);
    document->set_issuer_text(issuer_text);
    document->set_level(level);
    document->set_title("Thực hiện Nghị quyết 71-NQ/TW");
    document->mutable_issue_date()->set_year(2025);
    document->mutable_issue_date()->set_month(10);
    document->mutable_issue_date()->set_day(20);
    for (const std::string& name : implements) document->add_implements(name);
    return Call(&Stub::CreateDocument, request);
  }

  absl::StatusOr<v1::Task> CreateTask(const std::string& document,
                                      const std::string& id,
                                      const std::string& time_text) {
    v1::CreateTaskRequest request;
    request.set_parent(document);
    request.set_task_id(id);
    request.mutable_task()->set_content("Rà soát, sắp xếp mạng lưới trường");
    request.mutable_task()->set_lead_agency_text("Sở Giáo dục và Đào tạo Hải Phòng");
    request.mutable_task()->mutable_time()->set_text(time_text);
    return Call(&Stub::CreateTask, request);
  }

  absl::StatusOr<v1::StatusReport> Report(const std::string& task,
                                          v1::TaskState state, int y, int m,
                                          int d) {
    v1::CreateStatusReportRequest request;
    request.set_parent(task);
    request.mutable_status_report()->set_state(state);
    request.mutable_status_report()->set_progress_percent(50);
    request.mutable_status_report()->set_evidence("Công văn 123/SGDĐT");
    request.mutable_status_report()->mutable_report_date()->set_year(y);
    request.mutable_status_report()->mutable_report_date()->set_month(m);
    request.mutable_status_report()->mutable_report_date()->set_day(d);
    return Call(&Stub::CreateStatusReport, request);
  }

  int CountDocuments() {
    absl::StatusOr<v1::ListDocumentsResponse> list =
        Call(&Stub::ListDocuments, v1::ListDocumentsRequest());
    EXPECT_THAT(list, IsOk());
    return list.ok() ? list->documents_size() : -1;
  }

  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(PlansServiceTest, DocumentsResolveIssuersAndRefuseCycles) {
  ASSERT_OK_AND_ASSIGN(v1::Document nq71,
                       CreateDocument("nq-71", "71-NQ/TW", "Bộ Chính trị",
                                      v1::CENTRAL_PARTY));
  EXPECT_EQ(nq71.issuer(), "units/bo-chinh-tri");
  ASSERT_OK_AND_ASSIGN(
      v1::Document ctr02,
      CreateDocument("ctr-02", "02-CTr/TU", "Ban Thường vụ Thành ủy Hải Phòng",
                     v1::CITY_PARTY, {"documents/nq-71"}));
  EXPECT_THAT(ctr02.implements(), Contains("documents/nq-71"));
  EXPECT_TRUE(ctr02.commune().empty());
  ASSERT_OK_AND_ASSIGN(
      v1::Document duong_kinh,
      CreateDocument("ctr-07-duong-kinh", "07-CTr/ĐU",
                     "Ban Thường vụ Đảng ủy phường Dương Kinh", v1::WARD_PARTY,
                     {"documents/ctr-02"}));
  EXPECT_EQ(duong_kinh.commune(), "units/phuong-duong-kinh");

  // 71-NQ/TW implementing the ward's programme would close a cycle.
  v1::UpdateDocumentRequest update;
  update.mutable_document()->set_name("documents/nq-71");
  update.mutable_document()->add_implements("documents/ctr-07-duong-kinh");
  update.mutable_update_mask()->add_paths("implements");
  EXPECT_THAT(Call(&Stub::UpdateDocument, update),
              HasFieldViolation("document.implements"));
  ASSERT_OK_AND_ASSIGN(v1::Document unchanged,
                       Call(&Stub::GetDocument, [] {
                         v1::GetDocumentRequest r;
                         r.set_name("documents/nq-71");
                         return r;
                       }()));
  EXPECT_TRUE(unchanged.implements().empty());

  // Targets name the indicators service's targets.
  v1::UpdateDocumentRequest targets;
  targets.mutable_document()->set_name("documents/ctr-02");
  targets.mutable_document()->add_targets(
      "indicators/chi-tieu-14/targets/nam-2030");
  targets.mutable_update_mask()->add_paths("targets");
  ASSERT_OK_AND_ASSIGN(v1::Document with_targets,
                       Call(&Stub::UpdateDocument, targets));
  EXPECT_THAT(with_targets.targets(),
              ::testing::ElementsAre("indicators/chi-tieu-14/targets/nam-2030"));
  EXPECT_EQ(with_targets.implements_size(), 1);
  targets.mutable_document()->add_targets("chi-tieu-14");
  EXPECT_THAT(Call(&Stub::UpdateDocument, targets),
              HasFieldViolation("document.targets[1]"));

  // A stale etag.
  update.mutable_document()->set_etag("\"999\"");
  update.mutable_document()->clear_implements();
  EXPECT_THAT(Call(&Stub::UpdateDocument, update),
              StatusIs(absl::StatusCode::kAborted));

  // Unknown issuer, missing implemented document: nothing written.
  const int before = CountDocuments();
  EXPECT_THAT(CreateDocument("x", "1/X", "Bộ Không Tồn Tại", v1::CENTRAL_PARTY),
              HasFieldViolation("document.issuer_text"));
  EXPECT_THAT(CreateDocument("y", "2/Y", "Bộ Chính trị", v1::CENTRAL_PARTY,
                             {"documents/missing"}),
              HasFieldViolation("document.implements[0]"));
  EXPECT_THAT(CreateDocument("nq-71", "3/Z", "Bộ Chính trị", v1::CENTRAL_PARTY),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(CountDocuments(), before);
}

TEST_F(PlansServiceTest, BadTasksAreRefusedWithFieldViolations) {
  ASSERT_OK(CreateDocument("kh", "KH-1", "UBND thành phố Hải Phòng",
                           v1::CITY_GOVERNMENT)
                .status());
  v1::CreateTaskRequest request;
  request.set_parent("documents/kh");
  request.set_task_id("t-1");
  request.mutable_task()->set_lead_agency_text("Bộ Không Tồn Tại");
  request.mutable_task()->mutable_time()->set_text("13/2025");
  const absl::Status status = Call(&Stub::CreateTask, request).status();
  EXPECT_THAT(status, HasFieldViolation("task.content"));
  EXPECT_THAT(status, HasFieldViolation("task.time.text"));

  request.mutable_task()->set_content("Nội dung");
  request.mutable_task()->mutable_time()->set_text("10/2025");
  EXPECT_THAT(Call(&Stub::CreateTask, request),
              HasFieldViolation("task.lead_agency_text"));
  v1::ListTasksRequest list;
  list.set_parent("documents/kh");
  ASSERT_OK_AND_ASSIGN(v1::ListTasksResponse tasks, Call(&Stub::ListTasks, list));
  EXPECT_EQ(tasks.tasks_size(), 0);
}

TEST_F(PlansServiceTest, CascadeToEveryCommuneAndCountChildrenDone) {
  ASSERT_OK(CreateDocument("ctr-02", "02-CTr/TU",
                           "Ban Thường vụ Thành ủy Hải Phòng", v1::CITY_PARTY)
                .status());
  ASSERT_OK(CreateTask("documents/ctr-02", "t-1", "12/2025").status());
  v1::CascadeTaskRequest cascade;
  cascade.set_name("documents/ctr-02/tasks/t-1");
  ASSERT_OK_AND_ASSIGN(v1::CascadeTaskResponse first,
                       Call(&Stub::CascadeTask, cascade));
  EXPECT_EQ(first.created(), 114);
  EXPECT_EQ(first.task().children_total(), 114);
  EXPECT_EQ(first.task().children_done(), 0);
  // Idempotent.
  ASSERT_OK_AND_ASSIGN(v1::CascadeTaskResponse again,
                       Call(&Stub::CascadeTask, cascade));
  EXPECT_EQ(again.created(), 0);
  EXPECT_EQ(again.existing(), 114);

  const std::string child = "documents/ctr-02/tasks/t-1-phuong-do-son";
  ASSERT_OK(Report(child, v1::DONE, 2025, 12, 1).status());
  ASSERT_OK_AND_ASSIGN(v1::StatusReport late,
                       Report("documents/ctr-02/tasks/t-1-phuong-duong-kinh",
                              v1::DONE, 2026, 1, 3));
  EXPECT_EQ(late.state(), v1::DONE_LATE);
  v1::GetTaskRequest get;
  get.set_name("documents/ctr-02/tasks/t-1");
  ASSERT_OK_AND_ASSIGN(v1::Task parent, Call(&Stub::GetTask, get));
  EXPECT_EQ(parent.children_done(), 2);
  get.set_name(child);
  ASSERT_OK_AND_ASSIGN(v1::Task done, Call(&Stub::GetTask, get));
  EXPECT_EQ(done.state(), v1::DONE);
  EXPECT_EQ(done.progress_percent(), 100);
  EXPECT_EQ(done.commune(), "units/phuong-do-son");

  // History is kept, newest first.
  ASSERT_OK(Report(child, v1::IN_PROGRESS, 2025, 12, 5).status());
  v1::ListStatusReportsRequest history;
  history.set_parent(child);
  ASSERT_OK_AND_ASSIGN(v1::ListStatusReportsResponse reports,
                       Call(&Stub::ListStatusReports, history));
  ASSERT_EQ(reports.status_reports_size(), 2);
  EXPECT_EQ(reports.status_reports(0).state(), v1::IN_PROGRESS);
  EXPECT_EQ(reports.status_reports(1).state(), v1::DONE);

  // The chasing list on 5 January 2026: 112 communes' tasks plus the
  // reopened one (in progress again) are overdue; each commune is a group.
  v1::GetChasingListRequest chase;
  chase.mutable_as_of()->set_year(2026);
  chase.mutable_as_of()->set_month(1);
  chase.mutable_as_of()->set_day(5);
  ASSERT_OK_AND_ASSIGN(v1::ChasingList list, Call(&Stub::GetChasingList, chase));
  EXPECT_EQ(list.overdue(), 1 + 113);  // the parent and 113 open children
  EXPECT_EQ(list.by_commune_size(), 113);
  EXPECT_EQ(list.by_commune(0).entries(0).days_overdue(), 5);
  // On 1 December 2025 with a 30-day window everything is due soon.
  chase.mutable_as_of()->set_month(12);
  chase.mutable_as_of()->set_year(2025);
  chase.mutable_as_of()->set_day(1);
  chase.set_due_within_days(30);
  ASSERT_OK_AND_ASSIGN(list, Call(&Stub::GetChasingList, chase));
  EXPECT_EQ(list.overdue(), 0);
  EXPECT_EQ(list.due_soon(), 1 + 113);
}

TEST_F(PlansServiceTest, CascadeCoverageListsCommunesWithoutAPlan) {
  ASSERT_OK(CreateDocument("nq-71", "71-NQ/TW", "Bộ Chính trị", v1::CENTRAL_PARTY)
                .status());
  ASSERT_OK(CreateDocument("ctr-02", "02-CTr/TU",
                           "Ban Thường vụ Thành ủy Hải Phòng", v1::CITY_PARTY,
                           {"documents/nq-71"})
                .status());
  ASSERT_OK(CreateDocument("ctr-07", "07-CTr/ĐU",
                           "Ban Thường vụ Đảng ủy phường Dương Kinh",
                           v1::WARD_PARTY, {"documents/ctr-02"})
                .status());
  ASSERT_OK(CreateDocument("kh-27", "27-KH/ĐU",
                           "Ban Thường vụ Đảng ủy phường Đồ Sơn", v1::WARD_PARTY,
                           {"documents/ctr-02"})
                .status());
  v1::GetCascadeCoverageRequest request;
  request.set_document("documents/nq-71");
  ASSERT_OK_AND_ASSIGN(v1::CascadeCoverage coverage,
                       Call(&Stub::GetCascadeCoverage, request));
  EXPECT_THAT(coverage.covered(),
              ::testing::UnorderedElementsAre("units/phuong-duong-kinh",
                                              "units/phuong-do-son"));
  EXPECT_EQ(coverage.missing_size(), 112);
  EXPECT_THAT(coverage.missing(), Not(Contains("units/phuong-do-son")));
  ASSERT_EQ(coverage.tree().implemented_by_size(), 1);
  EXPECT_EQ(coverage.tree().implemented_by(0).number(), "02-CTr/TU");
  EXPECT_EQ(coverage.tree().implemented_by(0).implemented_by_size(), 2);
}

TEST_F(PlansServiceTest, ImportIsDryRunnableAtomicAndIdempotent) {
  ASSERT_OK(CreateDocument("kh-51", "KH-UBND-HP-NQ51", "UBND thành phố Hải Phòng",
                           v1::CITY_GOVERNMENT)
                .status());
  const std::string good = std::string(kTaskHeader) +
      "I. LUẬT,1,Xây dựng Luật Nhà giáo,Bộ Giáo dục và Đào tạo,\"Bộ, ngành, "
      "địa phương\",Quốc hội,5/2025\n"
      "I. LUẬT,7,Sửa đổi bổ sung Luật Giáo dục quốc phòng và an ninh,Bộ Quốc "
      "phòng,\"Bộ, ngành, địa phương\",Quốc hội,2025-2030\n"
      "II. NGHỊ ĐỊNH NGHỊ QUYẾT,4,Nghị định sửa đổi Nghị định 106/2020/NĐ-CP,"
      "Bộ Nội vụ,\"Bộ, ngành, địa phương\",Chính phủ,\"Theo lộ trình sửa các "
      "Luật: Tổ chức Chính phủ, Tổ chức chính quyền địa phương, Cán bộ, công "
      "chức, viên chức\"\n";
  v1::ImportTasksRequest request;
  request.set_parent("documents/kh-51");
  request.set_csv_content(good);
  request.set_validate_only(true);
  ASSERT_OK_AND_ASSIGN(v1::ImportTasksResponse dry, Call(&Stub::ImportTasks, request));
  EXPECT_EQ(dry.created(), 3);
  v1::ListTasksRequest list;
  list.set_parent("documents/kh-51");
  ASSERT_OK_AND_ASSIGN(v1::ListTasksResponse tasks, Call(&Stub::ListTasks, list));
  EXPECT_EQ(tasks.tasks_size(), 0);

  // One unknown agency rejects the whole file, naming its line.
  v1::ImportTasksRequest bad = request;
  bad.set_validate_only(false);
  bad.set_csv_content(good + "III. QĐ,1,Đề án,Bộ Không Tồn Tại,,,5/2025\n");
  const absl::Status rejected = Call(&Stub::ImportTasks, bad).status();
  EXPECT_THAT(rejected, HasFieldViolation("csv_content"));
  const google::rpc::BadRequest bad_request = GetBadRequest(rejected);
  ASSERT_GE(bad_request.field_violations_size(), 1);
  EXPECT_THAT(bad_request.field_violations(0).description(),
              HasSubstr("dòng 5, cột lead_agency"));
  ASSERT_OK_AND_ASSIGN(tasks, Call(&Stub::ListTasks, list));
  EXPECT_EQ(tasks.tasks_size(), 0);

  request.set_validate_only(false);
  ASSERT_OK_AND_ASSIGN(v1::ImportTasksResponse first, Call(&Stub::ImportTasks, request));
  EXPECT_EQ(first.created(), 3);
  ASSERT_OK_AND_ASSIGN(v1::ImportTasksResponse second, Call(&Stub::ImportTasks, request));
  EXPECT_EQ(second.created(), 0);
  EXPECT_EQ(second.unchanged(), 3);
  ASSERT_OK_AND_ASSIGN(tasks, Call(&Stub::ListTasks, list));
  ASSERT_EQ(tasks.tasks_size(), 3);
  EXPECT_EQ(tasks.tasks(0).name(), "documents/kh-51/tasks/i-1");
  EXPECT_EQ(tasks.tasks(0).lead_agency(), "units/bo-gddt");
  EXPECT_EQ(tasks.tasks(1).name(), "documents/kh-51/tasks/i-7");
  EXPECT_EQ(tasks.tasks(1).time().form(), v1::YEAR_RANGE);
  const v1::Task& free_text = tasks.tasks(2);
  EXPECT_EQ(free_text.time().form(), v1::FREE_TEXT);
  EXPECT_FALSE(free_text.time().computable());
  EXPECT_THAT(free_text.time().text(), HasSubstr("Theo lộ trình"));

  // The free-text task is counted, never chased.
  v1::GetChasingListRequest chase;
  chase.mutable_as_of()->set_year(2026);
  chase.mutable_as_of()->set_month(1);
  chase.mutable_as_of()->set_day(5);
  ASSERT_OK_AND_ASSIGN(v1::ChasingList chasing, Call(&Stub::GetChasingList, chase));
  EXPECT_EQ(chasing.overdue(), 1);  // the May 2025 law
  EXPECT_EQ(chasing.without_deadline(), 1);
}

std::string ReadDemoFile(const std::string& name) {
  std::ifstream file(std::string(HPEDU_PLANS_DEMO_DIR) + "/" + name);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

TEST_F(PlansServiceTest, SeedDocumentsAndTasksImportAndCover71) {
  v1::ImportDocumentsRequest documents;
  documents.set_csv_content(ReadDemoFile("plan_documents.csv"));
  ASSERT_OK_AND_ASSIGN(v1::ImportDocumentsResponse first,
                       Call(&Stub::ImportDocuments, documents));
  EXPECT_EQ(first.created(), 19);
  ASSERT_OK_AND_ASSIGN(v1::ImportDocumentsResponse again,
                       Call(&Stub::ImportDocuments, documents));
  EXPECT_EQ(again.created(), 0);
  EXPECT_EQ(again.unchanged(), 19);

  v1::ImportTasksRequest tasks;
  tasks.set_parent("documents/d-kh-ubnd-hp-nq51");
  tasks.set_csv_content(ReadDemoFile("tasks_kh_51nqcp_appendix.csv"));
  ASSERT_OK_AND_ASSIGN(v1::ImportTasksResponse imported,
                       Call(&Stub::ImportTasks, tasks));
  EXPECT_EQ(imported.created(), 38);

  // Resolution 71: Dương Kinh (07-CTr/ĐU) and Đồ Sơn (27-KH/ĐU and the
  // ward's plan) have implementing documents; the other 112 have none.
  v1::GetCascadeCoverageRequest coverage_request;
  coverage_request.set_document("documents/d-71-nq-tw");
  ASSERT_OK_AND_ASSIGN(v1::CascadeCoverage coverage,
                       Call(&Stub::GetCascadeCoverage, coverage_request));
  EXPECT_THAT(coverage.covered(),
              ::testing::UnorderedElementsAre("units/phuong-duong-kinh",
                                              "units/phuong-do-son"));
  EXPECT_EQ(coverage.missing_size(), 112);

  // A document that would implement a ward's plan from 71-NQ/TW closes a
  // cycle.
  v1::UpdateDocumentRequest update;
  update.mutable_document()->set_name("documents/d-71-nq-tw");
  update.mutable_document()->add_implements("documents/d-kh-ubnd-doson-nq71");
  update.mutable_update_mask()->add_paths("implements");
  EXPECT_THAT(Call(&Stub::UpdateDocument, update),
              HasFieldViolation("document.implements"));
}

TEST_F(PlansServiceTest, TaskUpdateChecksTheEtagAndCreateIsIdempotent) {
  ASSERT_OK(CreateDocument("kh", "KH-1", "UBND thành phố Hải Phòng",
                           v1::CITY_GOVERNMENT)
                .status());
  v1::CreateTaskRequest create;
  create.set_parent("documents/kh");
  create.set_task_id("t-1");
  create.set_request_id("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
  create.mutable_task()->set_content("Báo cáo sơ kết");
  create.mutable_task()->set_lead_agency("units/so-gddt");
  create.mutable_task()->mutable_time()->set_text("Hằng năm");
  create.mutable_task()->mutable_time()->mutable_recurring_due()->set_month(1);
  create.mutable_task()->mutable_time()->mutable_recurring_due()->set_day(31);
  ASSERT_OK_AND_ASSIGN(v1::Task task, Call(&Stub::CreateTask, create));
  EXPECT_EQ(task.time().form(), v1::RECURRING_YEARLY);
  EXPECT_EQ(task.time().recurring_due().month(), 1);
  create.set_task_id("t-2");  // same request id: the first task comes back
  ASSERT_OK_AND_ASSIGN(v1::Task retried, Call(&Stub::CreateTask, create));
  EXPECT_EQ(retried.name(), task.name());

  v1::UpdateTaskRequest update;
  update.mutable_task()->set_name(task.name());
  update.mutable_task()->set_etag(task.etag());
  update.mutable_task()->mutable_time()->set_text("10/2025");
  update.mutable_update_mask()->add_paths("time");
  ASSERT_OK_AND_ASSIGN(v1::Task updated, Call(&Stub::UpdateTask, update));
  EXPECT_EQ(updated.time().form(), v1::MONTH);
  EXPECT_EQ(updated.time().due_date().day(), 31);
  EXPECT_NE(updated.etag(), task.etag());
  EXPECT_THAT(Call(&Stub::UpdateTask, update),
              StatusIs(absl::StatusCode::kAborted));
  update.mutable_task()->clear_etag();
  update.mutable_update_mask()->add_paths("owner");
  EXPECT_THAT(Call(&Stub::UpdateTask, update), HasFieldViolation("update_mask"));
}

TEST_F(PlansServiceTest, ListsPageWithOpaqueTokens) {
  v1::ImportDocumentsRequest documents;
  documents.set_csv_content(ReadDemoFile("plan_documents.csv"));
  ASSERT_OK(Call(&Stub::ImportDocuments, documents).status());
  v1::ImportTasksRequest tasks;
  tasks.set_parent("documents/d-kh-ubnd-hp-nq51");
  tasks.set_csv_content(ReadDemoFile("tasks_kh_51nqcp_appendix.csv"));
  ASSERT_OK(Call(&Stub::ImportTasks, tasks).status());

  std::vector<std::string> names;
  v1::ListTasksRequest list;
  list.set_parent("documents/d-kh-ubnd-hp-nq51");
  list.set_page_size(10);
  do {
    ASSERT_OK_AND_ASSIGN(v1::ListTasksResponse page, Call(&Stub::ListTasks, list));
    for (const v1::Task& task : page.tasks()) names.push_back(task.name());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  ASSERT_EQ(names.size(), 38u);
  // Group order, then number as a number: i-1..i-7, ii-1..ii-13, iii-1...
  EXPECT_EQ(names[0], "documents/d-kh-ubnd-hp-nq51/tasks/i-1");
  EXPECT_EQ(names[7], "documents/d-kh-ubnd-hp-nq51/tasks/ii-1");
  EXPECT_EQ(names[16], "documents/d-kh-ubnd-hp-nq51/tasks/ii-10");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 38u);

  list.set_page_token("forged");
  EXPECT_THAT(Call(&Stub::ListTasks, list), HasFieldViolation("page_token"));
}

TEST_F(PlansServiceTest, SubmissionTrackingOnTimeLateMissing) {
  ASSERT_OK(CreateDocument("kh-so", "KH-SGDDT-2025-2026",
                           "Sở Giáo dục và Đào tạo Hải Phòng",
                           v1::CITY_DEPARTMENT)
                .status());
  v1::CreateReportCycleRequest create;
  create.set_parent("documents/kh-so");
  create.set_report_cycle_id("bao-cao-nam-hoc");
  create.set_all_communes(true);
  v1::ReportCycle* cycle = create.mutable_report_cycle();
  cycle->set_title("Báo cáo theo hạn của Sở năm học 2025-2026");
  cycle->set_frequency(v1::FIXED_DATES);
  for (auto [y, m, d] : {std::tuple{2025, 9, 10}, std::tuple{2026, 1, 31},
                         std::tuple{2026, 6, 25}}) {
    google::type::Date* date = cycle->add_fixed_dates();
    date->set_year(y);
    date->set_month(m);
    date->set_day(d);
  }
  cycle->mutable_first_day()->set_year(2025);
  cycle->mutable_first_day()->set_month(8);
  cycle->mutable_first_day()->set_day(1);
  ASSERT_OK_AND_ASSIGN(v1::ReportCycle created,
                       Call(&Stub::CreateReportCycle, create));
  EXPECT_EQ(created.reporting_units_size(), 114);

  const auto submit = [&](const std::string& unit, int due_y, int due_m,
                          int due_d, int y, int m, int d) {
    v1::SubmitReportRequest request;
    request.set_report_cycle("documents/kh-so/reportCycles/bao-cao-nam-hoc");
    request.mutable_submission()->set_unit(unit);
    request.mutable_submission()->mutable_due_date()->set_year(due_y);
    request.mutable_submission()->mutable_due_date()->set_month(due_m);
    request.mutable_submission()->mutable_due_date()->set_day(due_d);
    request.mutable_submission()->mutable_submitted_date()->set_year(y);
    request.mutable_submission()->mutable_submitted_date()->set_month(m);
    request.mutable_submission()->mutable_submitted_date()->set_day(d);
    return Call(&Stub::SubmitReport, request);
  };
  ASSERT_OK(submit("units/phuong-do-son", 2025, 9, 10, 2025, 9, 8).status());
  ASSERT_OK(submit("units/phuong-duong-kinh", 2025, 9, 10, 2025, 9, 15).status());
  // The first submission counts.
  ASSERT_OK_AND_ASSIGN(v1::Submission again,
                       submit("units/phuong-duong-kinh", 2025, 9, 10, 2025, 9, 9));
  EXPECT_EQ(again.submitted_date().day(), 15);
  // Not a due date of the cycle; not a reporting unit.
  EXPECT_THAT(submit("units/phuong-do-son", 2025, 9, 11, 2025, 9, 8),
              HasFieldViolation("submission.due_date"));
  EXPECT_THAT(submit("units/so-gddt", 2025, 9, 10, 2025, 9, 8),
              HasFieldViolation("submission.unit"));

  v1::GetSubmissionStatusRequest status_request;
  status_request.set_report_cycle("documents/kh-so/reportCycles/bao-cao-nam-hoc");
  status_request.mutable_as_of()->set_year(2025);
  status_request.mutable_as_of()->set_month(10);
  status_request.mutable_as_of()->set_day(1);
  ASSERT_OK_AND_ASSIGN(v1::SubmissionStatus status,
                       Call(&Stub::GetSubmissionStatus, status_request));
  EXPECT_EQ(status.on_time(), 1);
  EXPECT_EQ(status.late(), 1);
  EXPECT_EQ(status.missing(), 112);
  EXPECT_EQ(status.pending(), 0);
  status_request.set_horizon_days(366);
  ASSERT_OK_AND_ASSIGN(status, Call(&Stub::GetSubmissionStatus, status_request));
  EXPECT_EQ(status.pending(), 2 * 114);

  // Listed, by document then id, a page at a time.
  create.set_report_cycle_id("bao-cao-hoc-ky");
  ASSERT_OK(Call(&Stub::CreateReportCycle, create).status());
  v1::ListReportCyclesRequest list;
  list.set_parent("documents/-");
  list.set_page_size(1);
  ASSERT_OK_AND_ASSIGN(v1::ListReportCyclesResponse first,
                       Call(&Stub::ListReportCycles, list));
  ASSERT_EQ(first.report_cycles_size(), 1);
  EXPECT_EQ(first.report_cycles(0).name(),
            "documents/kh-so/reportCycles/bao-cao-hoc-ky");
  EXPECT_EQ(first.report_cycles(0).fixed_dates_size(), 3);
  ASSERT_FALSE(first.next_page_token().empty());
  list.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(v1::ListReportCyclesResponse second,
                       Call(&Stub::ListReportCycles, list));
  ASSERT_EQ(second.report_cycles_size(), 1);
  EXPECT_EQ(second.report_cycles(0).name(),
            "documents/kh-so/reportCycles/bao-cao-nam-hoc");
  EXPECT_TRUE(second.next_page_token().empty());
  list.set_page_token("");
  list.set_parent("documents/kh-so");
  list.set_page_size(0);
  ASSERT_OK_AND_ASSIGN(v1::ListReportCyclesResponse of_document,
                       Call(&Stub::ListReportCycles, list));
  EXPECT_EQ(of_document.report_cycles_size(), 2);
  list.set_parent("kh-so");
  EXPECT_THAT(Call(&Stub::ListReportCycles, list), HasFieldViolation("parent"));
}

}  // namespace
}  // namespace hpedu::plans
