// The authorization matrix of the plans service: every RPC × {no identity,
// wrong role, wrong commune, right caller}; refused calls write nothing.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/plans/plans_definition.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::CallAs;
using ::hpedu::testing::RpcCase;
using ::hpedu::testing::TestIdentity;
using Stub = v1::PlansService::Stub;
using auth::Role;

google::type::Date Day(int y, int m, int d) {
  google::type::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::CreateDocumentRequest NewDocument(const std::string& id,
                                      const std::string& number,
                                      const std::string& issuer,
                                      v1::DocumentLevel level) {
  v1::CreateDocumentRequest request;
  request.set_document_id(id);
  v1::Document* document = request.mutable_document();
  document->set_number(number);
  document->set_kind(v1::PLAN);
  document->set_issuer_text(issuer);
  document->set_level(level);
  document->set_title("Thực hiện Nghị quyết 71-NQ/TW");
  *document->mutable_issue_date() = Day(2025, 10, 20);
  return request;
}

v1::CreateTaskRequest NewTask(const std::string& document,
                              const std::string& id, const std::string& lead) {
  v1::CreateTaskRequest request;
  request.set_parent(document);
  request.set_task_id(id);
  request.mutable_task()->set_content("Rà soát mạng lưới trường lớp");
  request.mutable_task()->set_lead_agency_text(lead);
  request.mutable_task()->mutable_time()->set_text("12/2025");
  return request;
}

void WithRegistry(server::ServerConfig& config) {
  config.peer_addresses["registry"] =
      registry::testing::SharedDemoRegistry().address;
}

TEST(PlansAuthorizationTest, EveryRpcChecksRoleAndScope) {
  ASSERT_OK_AND_ASSIGN(hpedu::testing::TestService service,
                       hpedu::testing::StartTestService(Definition(), WithRegistry));
  const std::string& address = service.address;
  const std::string& db = service.db;

  const std::string leadership = TestIdentity::Token(Role::kLeadership);
  const std::string do_son = TestIdentity::Token(Role::kCommuneOfficer,
                                                 "units/phuong-do-son");
  const std::string duong_kinh = TestIdentity::Token(
      Role::kCommuneOfficer, "units/phuong-duong-kinh");
  const std::string operator_token = TestIdentity::Token(Role::kOperator);
  const std::string integration = TestIdentity::Token(Role::kIntegration);
  const std::string quality =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-qlcl");
  const std::string staffing_division =
      TestIdentity::Token(Role::kDivision, "units/so-gddt-tccb");

  // The world: a city plan with a task led by a division, and Đồ Sơn's own
  // plan with a task and a report cycle.
  auto must = [&](auto method, const auto& request) {
    grpc::Status status = CallAs(address, leadership, method, request);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  must(&Stub::CreateDocument,
       NewDocument("kh-so", "100/KH-SGDĐT", "Sở Giáo dục và Đào tạo Hải Phòng",
                   v1::CITY_DEPARTMENT));
  must(&Stub::CreateTask, NewTask("documents/kh-so", "t-city",
                                  "Phòng Quản lý chất lượng"));
  must(&Stub::CreateDocument,
       NewDocument("kh-do-son", "12/KH-UBND", "UBND phường Đồ Sơn",
                   v1::WARD_GOVERNMENT));
  must(&Stub::CreateTask,
       NewTask("documents/kh-do-son", "t-1", "UBND phường Đồ Sơn"));
  v1::CreateReportCycleRequest cycle;
  cycle.set_parent("documents/kh-do-son");
  cycle.set_report_cycle_id("quy");
  cycle.mutable_report_cycle()->set_title("Báo cáo quý");
  cycle.mutable_report_cycle()->set_frequency(v1::FIXED_DATES);
  *cycle.mutable_report_cycle()->add_fixed_dates() = Day(2026, 1, 31);
  *cycle.mutable_report_cycle()->mutable_first_day() = Day(2025, 8, 1);
  cycle.mutable_report_cycle()->add_reporting_units("units/phuong-do-son");
  must(&Stub::CreateReportCycle, cycle);
  cycle.set_report_cycle_id("quy-2");

  v1::GetDocumentRequest get_document;
  get_document.set_name("documents/kh-do-son");
  v1::UpdateDocumentRequest update_document;
  update_document.mutable_document()->set_name("documents/kh-do-son");
  update_document.mutable_document()->set_title("Kế hoạch (sửa đổi)");
  update_document.mutable_update_mask()->add_paths("title");
  v1::GetTaskRequest get_task;
  get_task.set_name("documents/kh-do-son/tasks/t-1");
  v1::ListTasksRequest list_tasks;
  list_tasks.set_parent("documents/kh-do-son");
  v1::UpdateTaskRequest update_task;
  update_task.mutable_task()->set_name("documents/kh-do-son/tasks/t-1");
  update_task.mutable_task()->set_content("Rà soát (sửa đổi)");
  update_task.mutable_update_mask()->add_paths("content");
  v1::CascadeTaskRequest cascade;
  cascade.set_name("documents/kh-so/tasks/t-city");
  v1::CreateStatusReportRequest report;
  report.set_parent("documents/kh-do-son/tasks/t-1");
  report.mutable_status_report()->set_state(v1::IN_PROGRESS);
  report.mutable_status_report()->set_progress_percent(40);
  report.mutable_status_report()->set_evidence("Công văn 15/UBND");
  *report.mutable_status_report()->mutable_report_date() = Day(2025, 11, 1);
  v1::ListStatusReportsRequest list_reports;
  list_reports.set_parent("documents/kh-do-son/tasks/t-1");
  v1::GetChasingListRequest chasing;
  chasing.set_due_within_days(30);
  v1::GetCascadeCoverageRequest coverage;
  coverage.set_document("documents/kh-so");
  v1::ImportTasksRequest import_tasks;
  import_tasks.set_parent("documents/kh-do-son");
  import_tasks.set_csv_content(
      "group,no,content,lead_agency,coordinating,approval_level,"
      "submission_time\nI,1,Tổ chức hội nghị,UBND phường Đồ Sơn,,,10/2025\n");
  v1::ImportDocumentsRequest import_documents;
  import_documents.set_csv_content(
      "number,kind,issuer,level,issued_on,title,implements,source_seed\n"
      "30/KH-UBND,Kế hoạch,UBND phường Đồ Sơn,ward_government,2025-12-01,"
      "Kế hoạch năm học,,\n");
  v1::SubmitReportRequest submit;
  submit.set_report_cycle("documents/kh-do-son/reportCycles/quy");
  submit.mutable_submission()->set_unit("units/phuong-do-son");
  *submit.mutable_submission()->mutable_due_date() = Day(2026, 1, 31);
  *submit.mutable_submission()->mutable_submitted_date() = Day(2026, 1, 20);
  v1::ListReportCyclesRequest list_cycles;
  list_cycles.set_parent("documents/kh-do-son");
  v1::GetSubmissionStatusRequest submission_status;
  submission_status.set_report_cycle("documents/kh-do-son/reportCycles/quy");
  v1::GetReminderSettingsRequest get_settings;
  get_settings.set_name("units/phuong-do-son/reminderSettings");
  v1::UpdateReminderSettingsRequest update_settings;
  update_settings.mutable_reminder_settings()->set_name(
      "units/phuong-do-son/reminderSettings");
  update_settings.mutable_reminder_settings()->set_email(
      "vanthu@doson.haiphong.gov.vn");
  update_settings.mutable_update_mask()->add_paths("email");
  v1::ListRemindersRequest unit_reminders;
  unit_reminders.set_parent("units/phuong-do-son");
  v1::ListRemindersRequest all_reminders;
  all_reminders.set_parent("units/-");

  auto call = [&](auto method, const auto& request) {
    return [&address, method, request](const std::string& token) {
      return CallAs(address, token, method, request);
    };
  };
  std::vector<RpcCase> cases = {
      {"CreateDocument",
       call(&Stub::CreateDocument,
            NewDocument("kh-do-son-2", "13/KH-UBND", "UBND phường Đồ Sơn",
                        v1::WARD_GOVERNMENT)),
       do_son, integration, duong_kinh, true},
      {"GetDocument", call(&Stub::GetDocument, get_document), do_son,
       operator_token, duong_kinh},
      {"ListDocuments", call(&Stub::ListDocuments, v1::ListDocumentsRequest()),
       do_son, operator_token, ""},
      {"UpdateDocument", call(&Stub::UpdateDocument, update_document), do_son,
       integration, duong_kinh, true},
      {"CreateTask",
       call(&Stub::CreateTask,
            NewTask("documents/kh-do-son", "t-2", "UBND phường Đồ Sơn")),
       do_son, integration, duong_kinh, true},
      {"GetTask", call(&Stub::GetTask, get_task), do_son, operator_token,
       duong_kinh},
      {"ListTasks", call(&Stub::ListTasks, list_tasks), do_son, operator_token,
       duong_kinh},
      {"UpdateTask", call(&Stub::UpdateTask, update_task), do_son, integration,
       duong_kinh, true},
      // A city task: the division that leads it cascades it, another
      // division may not.
      {"CascadeTask", call(&Stub::CascadeTask, cascade), quality, do_son,
       staffing_division, true},
      {"CreateStatusReport", call(&Stub::CreateStatusReport, report), do_son,
       integration, duong_kinh, true},
      {"ListStatusReports", call(&Stub::ListStatusReports, list_reports),
       do_son, operator_token, duong_kinh},
      {"GetChasingList", call(&Stub::GetChasingList, chasing), do_son,
       operator_token, ""},
      {"GetCascadeCoverage", call(&Stub::GetCascadeCoverage, coverage), do_son,
       operator_token, ""},
      {"ImportTasks", call(&Stub::ImportTasks, import_tasks), do_son,
       integration, duong_kinh, true},
      {"ImportDocuments", call(&Stub::ImportDocuments, import_documents),
       do_son, integration, duong_kinh, true},
      {"CreateReportCycle", call(&Stub::CreateReportCycle, cycle), do_son,
       integration, duong_kinh, true},
      {"ListReportCycles", call(&Stub::ListReportCycles, list_cycles), do_son,
       operator_token, duong_kinh},
      {"SubmitReport", call(&Stub::SubmitReport, submit), do_son, integration,
       duong_kinh, true},
      {"GetSubmissionStatus",
       call(&Stub::GetSubmissionStatus, submission_status), do_son,
       operator_token, duong_kinh},
      // The audit trail is the Sở's.
      {"ListAuditEvents",
       call(&Stub::ListAuditEvents, audit::v1::ListAuditEventsRequest()),
       leadership, do_son, ""},
      {"ListJobs", call(&Stub::ListJobs, jobs::v1::ListJobsRequest()),
       leadership, do_son, ""},
      // A unit's reminders are its own to set and read; every unit's
      // outbox is the Sở's.
      {"GetReminderSettings", call(&Stub::GetReminderSettings, get_settings),
       do_son, operator_token, duong_kinh},
      {"UpdateReminderSettings",
       call(&Stub::UpdateReminderSettings, update_settings), do_son,
       integration, duong_kinh, true},
      {"ListReminders", call(&Stub::ListReminders, unit_reminders), do_son,
       operator_token, duong_kinh},
      {"ListReminders", call(&Stub::ListReminders, all_reminders), leadership,
       do_son, ""},
  };
  for (hpedu::testing::RpcCase& feed :
       hpedu::testing::FeedCases<Stub>(address, leadership, do_son)) {
    cases.push_back(std::move(feed));
  }
  hpedu::testing::RunAuthorizationMatrix(
      v1::PlansService::service_full_name(), cases,
      hpedu::testing::DatabaseProbes(db, "plans"));
}

TEST(PlansAuthorizationTest, ListsHideOtherCommunesCascadedTasks) {
  ASSERT_OK_AND_ASSIGN(hpedu::testing::TestService service,
                       hpedu::testing::StartTestService(Definition(), WithRegistry));
  const std::string& address = service.address;
  const std::string leadership = TestIdentity::Token(Role::kLeadership);
  ASSERT_TRUE(CallAs(address, leadership, &Stub::CreateDocument,
                     NewDocument("kh-so", "100/KH-SGDĐT",
                                 "Sở Giáo dục và Đào tạo Hải Phòng",
                                 v1::CITY_DEPARTMENT))
                  .ok());
  ASSERT_TRUE(CallAs(address, leadership, &Stub::CreateTask,
                     NewTask("documents/kh-so", "t", "Sở Giáo dục và Đào tạo "
                                                     "Hải Phòng"))
                  .ok());
  v1::CascadeTaskRequest cascade;
  cascade.set_name("documents/kh-so/tasks/t");
  ASSERT_TRUE(CallAs(address, leadership, &Stub::CascadeTask, cascade).ok());

  v1::ListTasksRequest list;
  list.set_parent("documents/kh-so");
  list.set_include_cascaded(true);
  list.set_page_size(1000);
  auto count = [&](const std::string& token) {
    Stub stub(TestIdentity::Channel(address, token));
    grpc::ClientContext context;
    v1::ListTasksResponse response;
    EXPECT_TRUE(stub.ListTasks(&context, list, &response).ok());
    return response.tasks_size();
  };
  EXPECT_EQ(count(leadership), 1 + 114);
  // The city task and Đồ Sơn's own child only.
  EXPECT_EQ(count(TestIdentity::Token(Role::kCommuneOfficer,
                                      "units/phuong-do-son")),
            2);
}

}  // namespace
}  // namespace hpedu::plans
