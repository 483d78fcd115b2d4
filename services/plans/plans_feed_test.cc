// The plans service's change feed followed live (WatchChanges) through a
// restart of the service and one of PostgreSQL: the follower resumes after
// the last change it received and sees every write, in order, once, as the
// audit trail recorded them. The service runs on a PostgreSQL of its own,
// which the test stops and starts; the registry it resolves agencies with
// runs on the shared one.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
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

using ::hpedu::testing::StatusIs;
using ::hpedu::testing::TestIdentity;
using ::testing::ElementsAreArray;

// Follows the feed on a thread of its own, reconnecting to wherever the
// service listens now after each end of the stream.
class Follower {
 public:
  explicit Follower(std::string address) : address_(std::move(address)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Follower() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
      if (context_ != nullptr) context_->TryCancel();
    }
    thread_.join();
  }

  void MoveTo(std::string address) {
    absl::MutexLock lock(&mu_);
    address_ = std::move(address);
  }

  // Waits until `count` changes have arrived or `timeout` passes.
  std::vector<feed::v1::Change> WaitFor(size_t count, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, count] {
      mu_.AssertHeld();
      return received_.size() >= count;
    };
    mu_.AwaitWithTimeout(absl::Condition(&enough), timeout);
    return received_;
  }

  int reconnects() {
    absl::MutexLock lock(&mu_);
    return reconnects_;
  }

 private:
  void Run() {
    while (true) {
      grpc::ClientContext context;
      std::string address;
      int64_t after;
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
        context_ = &context;
        address = address_;
        after = received_.empty() ? 0 : received_.back().sequence();
      }
      auto stub = v1::PlansService::NewStub(TestIdentity::Channel(
          address, TestIdentity::Token(auth::Role::kDivision)));
      feed::v1::WatchChangesRequest request;
      request.set_after_sequence(after);
      std::unique_ptr<grpc::ClientReader<feed::v1::Change>> stream =
          stub->WatchChanges(&context, request);
      feed::v1::Change change;
      while (stream->Read(&change)) {
        absl::MutexLock lock(&mu_);
        received_.push_back(change);
      }
      const grpc::Status status = stream->Finish();
      absl::MutexLock lock(&mu_);
      context_ = nullptr;
      if (stopping_) return;
      // Only the ends a follower expects: the service or its database away.
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << status.error_message();
      ++reconnects_;
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::Milliseconds(200));
    }
  }

  absl::Mutex mu_;
  std::string address_ ABSL_GUARDED_BY(mu_);
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<feed::v1::Change> received_ ABSL_GUARDED_BY(mu_);
  int reconnects_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

class PlansFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(pg_, hpedu::testing::PostgresServer::Start());
    ASSERT_OK_AND_ASSIGN(std::string database, pg_->CreateDatabase());
    ASSERT_OK_AND_ASSIGN(std::string conninfo,
                         pg_->ProvisionService(database, "plans"));
    config_ = hpedu::testing::TestServerConfig("plans", conninfo);
    config_.peer_addresses["registry"] =
        registry::testing::SharedDemoRegistry().address;
    StartService();
  }

  void TearDown() override { StopService(absl::Seconds(5)); }

  void StartService() {
    ASSERT_OK_AND_ASSIGN(host_, server::ServiceHost::Start(config_, Definition()));
    address_ = absl::StrCat("127.0.0.1:", host_->port());
    stub_ = v1::PlansService::NewStub(TestIdentity::Channel(
        address_, TestIdentity::Token(auth::Role::kLeadership)));
  }

  void StopService(absl::Duration grace) {
    if (host_ == nullptr) return;
    host_->Shutdown(grace);
    host_->Wait();
    host_.reset();
  }

  // Creates task `n` of the document, retrying while the service or its
  // database is away; the request id makes a retry of a write that did
  // commit return it instead of writing it twice.
  void CreateTask(int n) {
    v1::CreateTaskRequest request;
    request.set_parent("documents/kh-feed");
    request.set_task_id(absl::StrCat("t-", n));
    request.set_request_id(absl::StrFormat("00000000-0000-4000-8000-%012d", n));
    request.mutable_task()->set_content(
        absl::StrCat("Nhiệm vụ ", n, ": rà soát mạng lưới trường"));
    request.mutable_task()->set_lead_agency_text(
        "Sở Giáo dục và Đào tạo Hải Phòng");
    request.mutable_task()->mutable_time()->set_text("Năm 2026");
    grpc::Status status;
    for (absl::Time end = absl::Now() + absl::Seconds(60); absl::Now() < end;
         absl::SleepFor(absl::Milliseconds(200))) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
      v1::Task task;
      status = stub_->CreateTask(&context, request, &task);
      if (status.ok()) return;
      ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << status.error_message();
    }
    FAIL() << "task " << n << " was never written: " << status.error_message();
  }

  std::unique_ptr<hpedu::testing::PostgresServer> pg_;
  server::ServerConfig config_;
  std::unique_ptr<server::ServiceHost> host_;
  std::string address_;
  std::unique_ptr<v1::PlansService::Stub> stub_;
};

TEST_F(PlansFeedTest, AFollowerSeesEveryWriteOnceInOrderThroughRestarts) {
  {
    v1::CreateDocumentRequest request;
    request.set_document_id("kh-feed");
    v1::Document* document = request.mutable_document();
    document->set_number("99/KH-SGDĐT");
    document->set_kind(v1::PLAN);
    document->set_issuer_text("Sở Giáo dục và Đào tạo Hải Phòng");
    document->set_level(v1::CITY_DEPARTMENT);
    document->set_title("Kế hoạch theo dõi thay đổi");
    document->mutable_issue_date()->set_year(2026);
    document->mutable_issue_date()->set_month(1);
    document->mutable_issue_date()->set_day(5);
    grpc::ClientContext context;
    v1::Document created;
    ASSERT_TRUE(stub_->CreateDocument(&context, request, &created).ok());
  }
  Follower follower(address_);
  for (int n = 1; n <= 10; ++n) CreateTask(n);

  // The service restarts: its open stream ends at once (UNAVAILABLE), not
  // after the grace period, and the follower resumes on the new instance.
  const absl::Time stopping = absl::Now();
  StopService(absl::Seconds(60));
  EXPECT_LT(absl::Now() - stopping, absl::Seconds(20));
  StartService();
  follower.MoveTo(address_);
  for (int n = 11; n <= 20; ++n) CreateTask(n);

  // PostgreSQL goes away and comes back while a write waits for it.
  ASSERT_OK(pg_->Stop());
  std::thread restart([this] {
    absl::SleepFor(absl::Seconds(1));
    ASSERT_OK(pg_->Restart());
  });
  for (int n = 21; n <= 30; ++n) CreateTask(n);
  restart.join();

  const std::vector<feed::v1::Change> received =
      follower.WaitFor(31, absl::Seconds(30));
  EXPECT_GE(follower.reconnects(), 2);
  std::vector<int64_t> sequences;
  std::vector<std::string> resources;
  for (const feed::v1::Change& change : received) {
    sequences.push_back(change.sequence());
    resources.push_back(change.resource());
  }
  std::vector<int64_t> expected_sequences;
  for (int64_t s = 1; s <= 31; ++s) expected_sequences.push_back(s);
  EXPECT_THAT(sequences, ElementsAreArray(expected_sequences));

  // The audit trail of the same writes, oldest first.
  std::vector<std::string> audited;
  audit::v1::ListAuditEventsRequest request;
  do {
    grpc::ClientContext context;
    audit::v1::ListAuditEventsResponse page;
    ASSERT_TRUE(stub_->ListAuditEvents(&context, request, &page).ok());
    for (const audit::v1::AuditEvent& event : page.audit_events()) {
      audited.insert(audited.begin(), event.resource());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  EXPECT_THAT(resources, ElementsAreArray(audited));
  ASSERT_EQ(resources.size(), 31u);
  EXPECT_EQ(resources.front(), "documents/kh-feed");
  EXPECT_EQ(resources.back(), "documents/kh-feed/tasks/t-30");
  v1::Task task;
  ASSERT_TRUE(received.back().value().UnpackTo(&task));
  EXPECT_EQ(task.content(), "Nhiệm vụ 30: rà soát mạng lưới trường");
  EXPECT_EQ(received.back().kind(), feed::v1::Change::CREATED);
}

TEST_F(PlansFeedTest, CommuneOfficersCannotFollowAndLateTokensAreRefused) {
  auto commune = v1::PlansService::NewStub(TestIdentity::Channel(
      address_, TestIdentity::Token(auth::Role::kCommuneOfficer, "units/31")));
  grpc::ClientContext context;
  feed::v1::WatchChangesRequest request;
  auto stream = commune->WatchChanges(&context, request);
  feed::v1::Change change;
  EXPECT_FALSE(stream->Read(&change));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // A sequence the feed has not reached (another database?) ends the
  // stream at once with OUT_OF_RANGE naming the head.
  grpc::ClientContext ahead_context;
  request.set_after_sequence(500);
  auto ahead = stub_->WatchChanges(&ahead_context, request);
  EXPECT_FALSE(ahead->Read(&change));
  const absl::Status status = FromGrpcStatus(ahead->Finish());
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_EQ(GetErrorInfo(status).reason(), "CHANGE_SEQUENCE_AHEAD");
}

}  // namespace
}  // namespace hpedu::plans
