// The plans service's reminders end to end, with a real SMTP server
// (Debian's python3-aiosmtpd) and a webhook receiver started by the test:
// each unit with something due gets its own digest in Vietnamese, once,
// across an SMTP outage and a restart of the replica sending it; a webhook
// that fails three times gets exactly one delivery, and the failing channel
// does not hold the email back.
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/metrics/metrics.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/authz_matrix.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "libs/testing/smtp_server.h"
#include "libs/testing/webhook_receiver.h"
#include "nlohmann/json.hpp"
#include "services/plans/plans_definition.h"
#include "services/registry/testing/demo_registry.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::ReceivedEmail;
using ::hpedu::testing::StatusIs;
using ::hpedu::testing::TestIdentity;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;
using Stub = v1::PlansService::Stub;

constexpr char kDuongKinhEmail[] = "vanthu@duongkinh.haiphong.gov.vn";
constexpr char kDoSonEmail[] = "vanthu@doson.haiphong.gov.vn";
constexpr char kSoEmail[] = "vanphong@haiphong.edu.vn";

// "15/12/2026": a task's time as the seeds write a date.
std::string TimeText(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

class PlansRemindersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = registry::testing::SharedDemoRegistry().address;
    ASSERT_OK_AND_ASSIGN(smtp_, hpedu::testing::SmtpServer::Start());
    ASSERT_OK_AND_ASSIGN(webhook_, hpedu::testing::WebhookReceiver::Start());
    ASSERT_OK_AND_ASSIGN(
        writer_, hpedu::testing::StartTestService(
                     Definition(), [this](server::ServerConfig& config) {
                       config.peer_addresses["registry"] = registry_;
                     }));
    const absl::CivilDay today = api::TodayInVietnam();

    v1::CreateDocumentRequest document;
    document.set_document_id("kh-nhac");
    v1::Document* d = document.mutable_document();
    d->set_number("20/KH-SGDĐT");
    d->set_kind(v1::PLAN);
    d->set_issuer_text("Sở Giáo dục và Đào tạo Hải Phòng");
    d->set_level(v1::CITY_DEPARTMENT);
    d->set_title("Kế hoạch có nhắc việc");
    *d->mutable_issue_date() = api::ToProtoDate(today - 200);
    ASSERT_OK(Call(&Stub::CreateDocument, document).status());
    // The Sở's: one task 40 days late, one due in a week.
    for (const auto& [id, due] :
         {std::pair{"t-tre", today - 40}, std::pair{"t-tuan", today + 7}}) {
      v1::CreateTaskRequest task;
      task.set_parent("documents/kh-nhac");
      task.set_task_id(id);
      task.mutable_task()->set_content(absl::StrCat("Nhiệm vụ ", id));
      task.mutable_task()->set_lead_agency_text(
          "Sở Giáo dục và Đào tạo Hải Phòng");
      task.mutable_task()->mutable_time()->set_text(TimeText(due));
      ASSERT_OK(Call(&Stub::CreateTask, task).status());
    }
    // A report due tomorrow from two wards; Đồ Sơn sent it already.
    v1::CreateReportCycleRequest cycle;
    cycle.set_parent("documents/kh-nhac");
    cycle.set_report_cycle_id("bc-nhanh");
    v1::ReportCycle* c = cycle.mutable_report_cycle();
    c->set_title("Báo cáo nhanh tình hình đầu năm học");
    c->set_frequency(v1::FIXED_DATES);
    *c->add_fixed_dates() = api::ToProtoDate(today + 1);
    *c->mutable_first_day() = api::ToProtoDate(today - 100);
    c->add_reporting_units("units/phuong-do-son");
    c->add_reporting_units("units/phuong-duong-kinh");
    ASSERT_OK(Call(&Stub::CreateReportCycle, cycle).status());
    v1::SubmitReportRequest submit;
    submit.set_report_cycle("documents/kh-nhac/reportCycles/bc-nhanh");
    submit.mutable_submission()->set_unit("units/phuong-do-son");
    *submit.mutable_submission()->mutable_due_date() =
        api::ToProtoDate(today + 1);
    *submit.mutable_submission()->mutable_submitted_date() =
        api::ToProtoDate(today);
    ASSERT_OK(Call(&Stub::SubmitReport, submit).status());

    SetChannels("units/phuong-duong-kinh", kDuongKinhEmail, webhook_->uri());
    SetChannels("units/phuong-do-son", kDoSonEmail, "");
    SetChannels("units/so-gddt", kSoEmail, "");
  }

  void TearDown() override { StopReplicas(); }

  void SetChannels(const std::string& unit, const std::string& email,
                   const std::string& webhook) {
    v1::UpdateReminderSettingsRequest update;
    update.mutable_reminder_settings()->set_name(unit + "/reminderSettings");
    update.mutable_reminder_settings()->set_email(email);
    update.mutable_reminder_settings()->set_webhook_uri(webhook);
    update.mutable_update_mask()->add_paths("email");
    update.mutable_update_mask()->add_paths("webhook_uri");
    ASSERT_OK(Call(&Stub::UpdateReminderSettings, update).status());
  }

  // A replica that runs the jobs, sending every second and retrying a
  // failed reminder after 50 ms (then 100, 200...): at its next run.
  void StartReplica() {
    server::ServerConfig config =
        hpedu::testing::TestServerConfig("plans", writer_.db);
    config.peer_addresses["registry"] = registry_;
    config.run_jobs = true;
    config.job_check_interval = absl::Milliseconds(20);
    PlansOptions options;
    options.smtp.url = smtp_->url();
    options.smtp.timeout = absl::Seconds(5);
    options.reminders.dashboard_url = "https://hpedu.haiphong.gov.vn/";
    options.reminders.send_interval = absl::Seconds(1);
    options.reminders.retry_base = absl::Milliseconds(50);
    ASSERT_OK_AND_ASSIGN(
        std::unique_ptr<server::ServiceHost> host,
        server::ServiceHost::Start(config, Definition(options)));
    replicas_.push_back(std::move(host));
  }

  void StopReplicas() {
    for (auto& replica : replicas_) {
      replica->Shutdown(absl::Seconds(5));
      replica->Wait();
    }
    replicas_.clear();
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) {
    return hpedu::testing::CallFor(writer_.address,
                                   TestIdentity::Token(auth::Role::kLeadership),
                                   method, request);
  }

  std::vector<v1::Reminder> Reminders() {
    v1::ListRemindersRequest request;
    request.set_parent("units/-");
    absl::StatusOr<v1::ListRemindersResponse> listed =
        Call(&Stub::ListReminders, request);
    EXPECT_OK(listed.status());
    if (!listed.ok()) return {};
    return {listed->reminders().begin(), listed->reminders().end()};
  }

  // Waits up to 20 s for `predicate` to hold of the reminders.
  template <typename Predicate>
  std::vector<v1::Reminder> WaitForReminders(Predicate predicate) {
    std::vector<v1::Reminder> reminders;
    for (absl::Time end = absl::Now() + absl::Seconds(20); absl::Now() < end;
         absl::SleepFor(absl::Milliseconds(50))) {
      reminders = Reminders();
      if (predicate(reminders)) break;
    }
    return reminders;
  }

  const ReceivedEmail* EmailTo(const std::vector<ReceivedEmail>& emails,
                               const std::string& to) {
    for (const ReceivedEmail& email : emails) {
      if (absl::StrContains(email.to, to)) return &email;
    }
    return nullptr;
  }

  std::string registry_;
  std::unique_ptr<hpedu::testing::SmtpServer> smtp_;
  std::unique_ptr<hpedu::testing::WebhookReceiver> webhook_;
  hpedu::testing::TestService writer_;
  std::vector<std::unique_ptr<server::ServiceHost>> replicas_;
};

TEST_F(PlansRemindersTest, EachUnitGetsItsDigestOnceAcrossAnOutageAndARestart) {
  // The mail server is down when the day's reminders are first sent.
  ASSERT_OK(smtp_->Stop());
  StartReplica();
  std::vector<v1::Reminder> reminders =
      WaitForReminders([](const std::vector<v1::Reminder>& all) {
        int retried = 0;
        for (const v1::Reminder& r : all) {
          if (r.channel() == v1::EMAIL && r.attempts() >= 2) ++retried;
        }
        return retried == 2;
      });
  // Đồ Sơn sent its report: nothing to remind it of.
  std::vector<std::string> names;
  for (const v1::Reminder& reminder : reminders)
    names.push_back(reminder.name());
  const std::string day = api::FormatIsoDate(api::TodayInVietnam());
  EXPECT_THAT(names,
              UnorderedElementsAre(
                  "units/phuong-duong-kinh/reminders/" + day + "~email",
                  "units/phuong-duong-kinh/reminders/" + day + "~webhook",
                  "units/so-gddt/reminders/" + day + "~email"));
  for (const v1::Reminder& reminder : reminders) {
    if (reminder.channel() != v1::EMAIL) continue;
    EXPECT_EQ(reminder.state(), v1::Reminder::PENDING) << reminder.name();
    EXPECT_FALSE(reminder.last_error().empty()) << reminder.name();
  }

  // The replica stops; the mail server comes back; another replica sends.
  StopReplicas();
  ASSERT_OK(smtp_->Restart());
  StartReplica();
  ASSERT_OK_AND_ASSIGN(const std::vector<ReceivedEmail> emails,
                       smtp_->WaitFor(2, absl::Seconds(20)));
  ASSERT_THAT(emails, SizeIs(2));

  const ReceivedEmail* ward = EmailTo(emails, kDuongKinhEmail);
  ASSERT_NE(ward, nullptr);
  EXPECT_EQ(ward->subject, "Nhắc việc: 1 báo cáo sắp đến hạn");
  EXPECT_THAT(ward->text, HasSubstr("Kính gửi: Phường Dương Kinh"));
  EXPECT_THAT(ward->text, HasSubstr("Báo cáo nhanh tình hình đầu năm học"));
  EXPECT_THAT(ward->text, HasSubstr("còn 1 ngày"));
  EXPECT_THAT(ward->text,
              HasSubstr("https://hpedu.haiphong.gov.vn/#/bao-cao-dinh-ky"));
  // Not the Sở's tasks.
  EXPECT_THAT(ward->text, Not(HasSubstr("Nhiệm vụ t-")));

  const ReceivedEmail* so = EmailTo(emails, kSoEmail);
  ASSERT_NE(so, nullptr);
  EXPECT_EQ(so->subject,
            "Nhắc việc: 1 nhiệm vụ quá hạn, 1 nhiệm vụ sắp đến hạn");
  EXPECT_THAT(so->text,
              HasSubstr("Kính gửi: Sở Giáo dục và Đào tạo Hải Phòng"));
  EXPECT_THAT(so->text, HasSubstr("- Nhiệm vụ t-tre\n  Hạn"));
  EXPECT_THAT(so->text, HasSubstr("quá hạn 40 ngày"));
  EXPECT_THAT(so->text, HasSubstr("- Nhiệm vụ t-tuan\n  Hạn"));
  EXPECT_THAT(so->text, Not(HasSubstr("Báo cáo nhanh")));
  EXPECT_NE(ward->message_id, so->message_id);

  reminders = WaitForReminders([](const std::vector<v1::Reminder>& all) {
    for (const v1::Reminder& r : all) {
      if (r.channel() == v1::EMAIL && r.state() != v1::Reminder::SENT) {
        return false;
      }
    }
    return true;
  });
  for (const v1::Reminder& reminder : reminders) {
    if (reminder.channel() != v1::EMAIL) continue;
    EXPECT_EQ(reminder.state(), v1::Reminder::SENT);
    EXPECT_TRUE(reminder.has_send_time());
    EXPECT_GE(reminder.attempts(), 3);
  }

  // The day's queueing run again, by a replica that has not seen it done:
  // nothing is queued or sent twice.
  StopReplicas();
  {
    pqxx::connection connection(writer_.db);
    pqxx::work tx(connection);
    tx.exec("DELETE FROM job_runs");
    tx.commit();
  }
  StartReplica();
  absl::SleepFor(absl::Seconds(1));
  ASSERT_OK_AND_ASSIGN(const std::vector<ReceivedEmail> again,
                       smtp_->Received());
  EXPECT_THAT(again, SizeIs(2));
  EXPECT_THAT(Reminders(), SizeIs(3));
}

// The replica's count of reminder attempts (in this process).
double Attempts(const std::string& channel, const std::string& outcome) {
  return metrics::Registry::Default()
      .AddCounter(std::string(kAttemptsMetric), "", {"channel", "outcome"})
      .With({channel, outcome})
      .Value();
}

TEST_F(PlansRemindersTest, AWebhookFailingThreeTimesGetsOneDelivery) {
  const double retried_before = Attempts("webhook", "retry");
  const double sent_before = Attempts("webhook", "sent");
  webhook_->FailNext(3, 503);
  StartReplica();
  // The email is not held back by the failing webhook.
  ASSERT_OK_AND_ASSIGN(const std::vector<ReceivedEmail> emails,
                       smtp_->WaitFor(2, absl::Seconds(20)));
  EXPECT_THAT(emails, SizeIs(2));

  ASSERT_OK_AND_ASSIGN(const std::vector<hpedu::testing::WebhookRequest> posts,
                       webhook_->WaitFor(4, absl::Seconds(20)));
  // Time for a fifth, which must not come.
  absl::SleepFor(absl::Milliseconds(800));
  const std::vector<hpedu::testing::WebhookRequest> all = webhook_->Requests();
  ASSERT_THAT(all, SizeIs(4));
  int accepted = 0;
  for (const auto& post : all) {
    accepted += post.status == 200 ? 1 : 0;
    EXPECT_EQ(post.idempotency_key, all[0].idempotency_key);
    EXPECT_THAT(post.content_type, HasSubstr("application/json"));
  }
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(all[3].status, 200);
  // Operators see it in the metrics.
  EXPECT_EQ(Attempts("webhook", "retry") - retried_before, 3);
  EXPECT_EQ(Attempts("webhook", "sent") - sent_before, 1);

  const nlohmann::json body = nlohmann::json::parse(all[3].body);
  EXPECT_EQ(body["unit"], "units/phuong-duong-kinh");
  EXPECT_EQ(body["unitTitle"], "Phường Dương Kinh");
  EXPECT_EQ(body["subject"], "Nhắc việc: 1 báo cáo sắp đến hạn");
  ASSERT_EQ(body["dueReports"].size(), 1);
  EXPECT_EQ(body["dueReports"][0]["name"],
            "documents/kh-nhac/reportCycles/bc-nhanh");
  EXPECT_EQ(body["dueReports"][0]["daysOverdue"], -1);

  const std::vector<v1::Reminder> reminders =
      WaitForReminders([](const std::vector<v1::Reminder>& listed) {
        for (const v1::Reminder& r : listed) {
          if (r.state() != v1::Reminder::SENT) return false;
        }
        return !listed.empty();
      });
  for (const v1::Reminder& reminder : reminders) {
    EXPECT_EQ(reminder.state(), v1::Reminder::SENT) << reminder.name();
    if (reminder.channel() == v1::WEBHOOK) {
      EXPECT_EQ(reminder.attempts(), 4);
      EXPECT_THAT(reminder.last_error(), HasSubstr("503"));
      EXPECT_EQ(reminder.address(), webhook_->uri());
    } else {
      EXPECT_EQ(reminder.attempts(), 1) << reminder.name();
    }
  }
}

TEST_F(PlansRemindersTest, SettingsAreValidatedAndGuarded) {
  const std::string do_son =
      TestIdentity::Token(auth::Role::kCommuneOfficer, "units/phuong-do-son");
  auto update_as = [&](const std::string& token,
                       const v1::UpdateReminderSettingsRequest& request) {
    return hpedu::testing::CallFor(writer_.address, token,
                                   &Stub::UpdateReminderSettings, request);
  };
  ASSERT_OK_AND_ASSIGN(const std::string before,
                       hpedu::testing::SchemaFingerprint(writer_.db, "plans"));

  // Both addresses bad: both reported, nothing written.
  v1::UpdateReminderSettingsRequest bad;
  bad.mutable_reminder_settings()->set_name(
      "units/phuong-do-son/reminderSettings");
  bad.mutable_reminder_settings()->set_email("van thu@");
  bad.mutable_reminder_settings()->set_webhook_uri("http://example.com/hook");
  bad.mutable_update_mask()->add_paths("email");
  bad.mutable_update_mask()->add_paths("webhook_uri");
  const absl::Status invalid = update_as(do_son, bad).status();
  EXPECT_THAT(invalid, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(invalid.message(),
              AllOf(HasSubstr("reminder_settings.email"),
                    HasSubstr("reminder_settings.webhook_uri")));

  // Another ward's settings are not Đồ Sơn's to change.
  v1::UpdateReminderSettingsRequest other;
  other.mutable_reminder_settings()->set_name(
      "units/phuong-duong-kinh/reminderSettings");
  other.mutable_reminder_settings()->set_email("x@doson.haiphong.gov.vn");
  other.mutable_update_mask()->add_paths("email");
  EXPECT_THAT(update_as(do_son, other).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Unknown units are bad input.
  other.mutable_reminder_settings()->set_name(
      "units/khong-co/reminderSettings");
  EXPECT_THAT(
      update_as(TestIdentity::Token(auth::Role::kLeadership), other).status(),
      StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(const std::string after,
                       hpedu::testing::SchemaFingerprint(writer_.db, "plans"));
  EXPECT_EQ(before, after);

  // Its own: the email only, by field mask, against the etag it read.
  v1::GetReminderSettingsRequest get;
  get.set_name("units/phuong-do-son/reminderSettings");
  ASSERT_OK_AND_ASSIGN(
      const v1::ReminderSettings current,
      hpedu::testing::CallFor(writer_.address, do_son,
                              &Stub::GetReminderSettings, get));
  EXPECT_EQ(current.email(), kDoSonEmail);
  v1::UpdateReminderSettingsRequest own;
  *own.mutable_reminder_settings() = current;
  own.mutable_reminder_settings()->set_email("bgd@doson.haiphong.gov.vn");
  own.mutable_reminder_settings()->set_webhook_uri("https://ignored.example/");
  own.mutable_update_mask()->add_paths("email");
  ASSERT_OK_AND_ASSIGN(const v1::ReminderSettings updated,
                       update_as(do_son, own));
  EXPECT_EQ(updated.email(), "bgd@doson.haiphong.gov.vn");
  EXPECT_EQ(updated.webhook_uri(), "");
  EXPECT_NE(updated.etag(), current.etag());
  // The etag it used is stale now.
  EXPECT_THAT(update_as(do_son, own).status(),
              StatusIs(absl::StatusCode::kAborted));

  // Its own reminders it may list; every unit's it may not.
  v1::ListRemindersRequest list;
  list.set_parent("units/-");
  EXPECT_THAT(hpedu::testing::CallFor(writer_.address, do_son,
                                      &Stub::ListReminders, list)
                  .status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace hpedu::plans
