// The change feed against a real PostgreSQL provisioned as deploy does:
// numbering as changes commit, pages, bounds, retention and who may follow.
// The live stream is tested through a service (services/plans).
#include "libs/feed/feed.h"

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "libs/db/transaction.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::feed {
namespace {

using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;

server::CallContext As(auth::Role role, std::vector<std::string> granted = {}) {
  server::Caller caller;
  caller.id = std::string(auth::RoleName(role));
  caller.authenticated = true;
  caller.role = role;
  caller.granted_services = std::move(granted);
  return server::CallContext(
      nullptr, caller, server::TraceContext{}, "req-" + caller.id,
      absl::Now() + absl::Seconds(30), "/hpedu.test.v1.TestService/Write");
}

// A title as a resource's value.
google::protobuf::Value Title(const std::string& text) {
  google::protobuf::Value value;
  value.set_string_value(text);
  return value;
}

std::vector<int64_t> Sequences(const v1::ListChangesResponse& response) {
  std::vector<int64_t> sequences;
  for (const v1::Change& change : response.changes()) {
    sequences.push_back(change.sequence());
  }
  return sequences;
}

std::vector<std::string> Resources(const v1::ListChangesResponse& response) {
  std::vector<std::string> resources;
  for (const v1::Change& change : response.changes()) {
    resources.push_back(change.resource());
  }
  return resources;
}

class FeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(config_.db, pg.ProvisionService(database, "followed"));
    config_.service = "followed";
    ASSERT_OK_AND_ASSIGN(pool_,
                         db::Pool::Create(db::PoolOptions{config_.db, 4}));
    ASSERT_OK_AND_ASSIGN(contexts_,
                         server::CallContextFactory::Create(config_));
    calls_ = std::make_unique<server::UnaryCalls>(&executor_, contexts_.get());
  }

  std::unique_ptr<ChangeFeed> Feed(absl::Duration retention = absl::Hours(24 *
                                                                          7)) {
    config_.change_retention = retention;
    server::ServiceEnv env{config_, *pool_, *calls_, peers_, on_shutdown_};
    return ChangeFeed::Create(env, auth::Authorizer("followed"));
  }

  absl::Status Write(std::vector<std::string> resources, bool fail = false) {
    const server::CallContext call = As(auth::Role::kLeadership);
    return db::RunInTransaction(
        *pool_, call.deadline(), {}, [&](pqxx::transaction_base& tx) {
          std::vector<Written> changes;
          for (const std::string& resource : resources) {
            changes.push_back(Updated(resource, Title(resource), "units/31"));
          }
          Record(tx, call, changes);
          if (fail) return absl::InvalidArgumentError("the write fails");
          return absl::OkStatus();
        });
  }

  absl::StatusOr<v1::ListChangesResponse> List(const ChangeFeed& feed,
                                               int64_t after,
                                               int page_size = 0) {
    v1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(page_size);
    return feed.List(As(auth::Role::kDivision), request);
  }

  server::ServerConfig config_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<server::CallContextFactory> contexts_;
  server::Executor executor_{2, 16};
  std::unique_ptr<server::UnaryCalls> calls_;
  server::PeerChannels peers_{{}, 1 << 20, grpc::InsecureChannelCredentials()};
  std::vector<std::function<void()>> on_shutdown_;
};

TEST_F(FeedTest, NumbersChangesWithoutGapsAndPagesThemInOrder) {
  std::unique_ptr<ChangeFeed> feed = Feed();
  ASSERT_OK(Write({"tasks/1", "tasks/2"}));
  // A write that fails records nothing and takes no number.
  EXPECT_THAT(Write({"tasks/lost"}, /*fail=*/true),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK(Write({"tasks/3"}));

  ASSERT_OK_AND_ASSIGN(v1::ListChangesResponse first, List(*feed, 0, 2));
  EXPECT_THAT(Sequences(first), ElementsAre(1, 2));
  EXPECT_THAT(Resources(first), ElementsAre("tasks/1", "tasks/2"));
  EXPECT_EQ(first.next_after_sequence(), 2);
  EXPECT_EQ(first.head_sequence(), 3);
  const v1::Change& change = first.changes(0);
  EXPECT_EQ(change.kind(), v1::Change::UPDATED);
  EXPECT_EQ(change.unit(), "units/31");
  EXPECT_EQ(change.method(), "/hpedu.test.v1.TestService/Write");
  EXPECT_EQ(change.request_id(), "req-leadership");
  EXPECT_GT(change.change_time().seconds(), 0);
  google::protobuf::Value value;
  ASSERT_TRUE(change.value().UnpackTo(&value));
  EXPECT_EQ(value.string_value(), "tasks/1");

  ASSERT_OK_AND_ASSIGN(v1::ListChangesResponse rest,
                       List(*feed, first.next_after_sequence(), 2));
  EXPECT_THAT(Resources(rest), ElementsAre("tasks/3"));
  ASSERT_OK_AND_ASSIGN(v1::ListChangesResponse none,
                       List(*feed, rest.next_after_sequence()));
  EXPECT_TRUE(none.changes().empty());
  EXPECT_EQ(none.next_after_sequence(), 3);
}

TEST_F(FeedTest, AChangeIsNumberedWhenItCommitsAndNoWriterWaitsForAnother) {
  std::unique_ptr<ChangeFeed> feed = Feed();
  // The first writer records, then holds its transaction open; the second
  // records and commits meanwhile, without waiting for the first. Numbered
  // as they commit, the second's change cannot be given a number below one
  // still uncommitted, which a follower that already read past it would
  // never see.
  absl::Notification first_recorded, release_first;
  std::thread first([&] {
    const server::CallContext call = As(auth::Role::kLeadership);
    ASSERT_OK(db::RunInTransaction(
        *pool_, call.deadline(), {}, [&](pqxx::transaction_base& tx) {
          Record(tx, call, {Created("tasks/slow", Title("slow"))});
          first_recorded.Notify();
          release_first.WaitForNotification();
          return absl::OkStatus();
        }));
  });
  first_recorded.WaitForNotification();
  ASSERT_OK(Write({"tasks/fast"}));
  ASSERT_OK_AND_ASSIGN(v1::ListChangesResponse during, List(*feed, 0));
  EXPECT_THAT(Resources(during), ElementsAre("tasks/fast"));
  EXPECT_THAT(Sequences(during), ElementsAre(1));
  release_first.Notify();
  first.join();
  ASSERT_OK_AND_ASSIGN(v1::ListChangesResponse after,
                       List(*feed, during.next_after_sequence()));
  EXPECT_THAT(Resources(after), ElementsAre("tasks/slow"));
  EXPECT_THAT(Sequences(after), ElementsAre(2));
}

TEST_F(FeedTest, ASequenceBeyondTheHeadOrBeforeRetentionIsOutOfRange) {
  ASSERT_OK(Write({"tasks/1", "tasks/2", "tasks/3"}));
  {
    std::unique_ptr<ChangeFeed> feed = Feed();
    const absl::StatusOr<v1::ListChangesResponse> ahead = List(*feed, 9);
    EXPECT_THAT(ahead, StatusIs(absl::StatusCode::kOutOfRange));
    EXPECT_EQ(GetErrorInfo(ahead.status()).reason(), "CHANGE_SEQUENCE_AHEAD");
    EXPECT_EQ(GetErrorInfo(ahead.status()).metadata().at("head_sequence"), "3");
    EXPECT_THAT(List(*feed, -1), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  // Once the first three are older than retention, the feed prunes them.
  absl::SleepFor(absl::Milliseconds(1200));
  ASSERT_OK(Write({"tasks/4"}));
  std::unique_ptr<ChangeFeed> feed = Feed(absl::Seconds(1));
  absl::StatusOr<v1::ListChangesResponse> expired = List(*feed, 1);
  for (absl::Time end = absl::Now() + absl::Seconds(20);
       expired.ok() && absl::Now() < end; expired = List(*feed, 1)) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_THAT(expired, StatusIs(absl::StatusCode::kOutOfRange));
  const google::rpc::ErrorInfo info = GetErrorInfo(expired.status());
  EXPECT_EQ(info.reason(), "CHANGE_SEQUENCE_EXPIRED");
  EXPECT_EQ(info.metadata().at("oldest_after"), "3");
  // From the oldest kept, and from 0, the feed goes on.
  ASSERT_OK_AND_ASSIGN(v1::ListChangesResponse rest, List(*feed, 3));
  EXPECT_THAT(Resources(rest), ElementsAre("tasks/4"));
  ASSERT_OK_AND_ASSIGN(v1::ListChangesResponse oldest, List(*feed, 0));
  EXPECT_THAT(Resources(oldest), ElementsAre("tasks/4"));
}

TEST_F(FeedTest, TheSoAndGrantedSystemsMayFollowNotCommunesOrOthers) {
  std::unique_ptr<ChangeFeed> feed = Feed();
  ASSERT_OK(Write({"tasks/1"}));
  v1::ListChangesRequest request;
  for (const server::CallContext& call :
       {As(auth::Role::kService), As(auth::Role::kLeadership),
        As(auth::Role::kDivision),
        As(auth::Role::kIntegration, {"followed"})}) {
    EXPECT_OK(feed->List(call, request)) << call.caller().id;
  }
  for (const server::CallContext& call :
       {As(auth::Role::kCommuneOfficer), As(auth::Role::kSchoolOfficer),
        As(auth::Role::kIntegration, {"budget"}), As(auth::Role::kOperator)}) {
    EXPECT_THAT(feed->List(call, request),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << call.caller().id;
  }
}

}  // namespace
}  // namespace hpedu::feed
