// The audit trail against a real PostgreSQL provisioned as deploy does.
#include "libs/audit/audit.h"

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/db/transaction.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::audit {
namespace {

using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;

server::CallContext As(auth::Role role, std::string id) {
  server::Caller caller;
  caller.id = std::move(id);
  caller.authenticated = true;
  caller.role = role;
  return server::CallContext(nullptr, caller, server::TraceContext{},
                             "req-" + caller.id,
                             absl::Now() + absl::Seconds(30),
                             "/hpedu.test.v1.TestService/Write");
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(conninfo_, pg.ProvisionService(database, "audited"));
    ASSERT_OK_AND_ASSIGN(pool_, db::Pool::Create(db::PoolOptions{conninfo_, 2}));
  }

  absl::Status Write(const server::CallContext& call, std::string resource,
                     bool fail = false) {
    return db::RunInTransaction(
        *pool_, call.deadline(), {}, [&](pqxx::transaction_base& tx) {
          Record(tx, call, resource, {{"title", resource + " mới"}});
          if (fail) return absl::InvalidArgumentError("the write fails");
          return absl::OkStatus();
        });
  }

  std::string conninfo_;
  std::unique_ptr<db::Pool> pool_;
  const auth::Authorizer authorizer_{"audited"};
};

TEST_F(AuditTest, RecordsWhoWhatWhereAndPagesNewestFirst) {
  ASSERT_OK(Write(As(auth::Role::kCommuneOfficer, "can-bo-a"), "tasks/1"));
  ASSERT_OK(Write(As(auth::Role::kLeadership, "lanh-dao"), "tasks/2"));
  ASSERT_OK(Write(As(auth::Role::kCommuneOfficer, "can-bo-a"), "tasks/1"));
  // A write that fails leaves no record: both roll back.
  EXPECT_THAT(Write(As(auth::Role::kLeadership, "lanh-dao"), "tasks/3", true),
              StatusIs(absl::StatusCode::kInvalidArgument));

  AuditLog log(*pool_, authorizer_);
  const server::CallContext reader = As(auth::Role::kLeadership, "thanh-tra");
  v1::ListAuditEventsRequest request;
  request.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(v1::ListAuditEventsResponse first,
                       log.List(reader, request));
  ASSERT_EQ(first.audit_events_size(), 2);
  EXPECT_EQ(first.audit_events(0).resource(), "tasks/1");
  EXPECT_EQ(first.audit_events(0).caller(), "can-bo-a");
  EXPECT_EQ(first.audit_events(0).caller_role(), "commune_officer");
  EXPECT_EQ(first.audit_events(0).method(), "/hpedu.test.v1.TestService/Write");
  EXPECT_EQ(first.audit_events(0).request_id(), "req-can-bo-a");
  EXPECT_EQ(first.audit_events(0).change().fields().at("title").string_value(),
            "tasks/1 mới");
  EXPECT_GT(first.audit_events(0).event_time().seconds(), 0);
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(v1::ListAuditEventsResponse second,
                       log.List(reader, request));
  ASSERT_EQ(second.audit_events_size(), 1);
  EXPECT_EQ(second.audit_events(0).resource(), "tasks/1");
  EXPECT_TRUE(second.next_page_token().empty());

  v1::ListAuditEventsRequest by_caller;
  by_caller.set_caller("lanh-dao");
  ASSERT_OK_AND_ASSIGN(v1::ListAuditEventsResponse mine,
                       log.List(reader, by_caller));
  ASSERT_EQ(mine.audit_events_size(), 1);
  EXPECT_EQ(mine.audit_events(0).resource(), "tasks/2");
  v1::ListAuditEventsRequest by_resource;
  by_resource.set_resource("tasks/1");
  ASSERT_OK_AND_ASSIGN(v1::ListAuditEventsResponse one,
                       log.List(reader, by_resource));
  EXPECT_EQ(one.audit_events_size(), 2);
}

TEST_F(AuditTest, TheTrailIsForTheSo) {
  AuditLog log(*pool_, authorizer_);
  EXPECT_THAT(
      log.List(As(auth::Role::kCommuneOfficer, "x"), {}),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(log.List(As(auth::Role::kOperator, "x"), {}),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_OK(log.List(As(auth::Role::kDivision, "x"), {}).status());
}

TEST_F(AuditTest, TheServiceRoleCannotAlterTheTrail) {
  ASSERT_OK(Write(As(auth::Role::kLeadership, "lanh-dao"), "tasks/1"));
  pqxx::connection connection(conninfo_);
  {
    // Not the owner: granting itself more is a no-op (with a warning).
    pqxx::work grant(connection);
    grant.exec("GRANT UPDATE, DELETE ON audit_events TO audited");
    grant.commit();
  }
  for (const char* statement :
       {"UPDATE audit_events SET caller = 'ai-do'", "DELETE FROM audit_events",
        "TRUNCATE audit_events", "DROP TABLE audit_events",
        "ALTER TABLE audit_events DISABLE TRIGGER ALL"}) {
    pqxx::work tx(connection);
    EXPECT_THROW(tx.exec(statement), pqxx::sql_error) << statement;
  }
  pqxx::work tx(connection);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM audit_events")[0].as<int>(), 1);
  EXPECT_EQ(tx.exec1("SELECT caller FROM audit_events")[0].as<std::string>(),
            "lanh-dao");
}

}  // namespace
}  // namespace hpedu::audit
