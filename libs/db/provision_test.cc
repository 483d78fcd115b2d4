// ProvisionServiceSchema: each service's role reaches its own schema and
// nothing else, and provisioning again changes nothing.
#include "libs/db/provision.h"

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <libpq-fe.h>
#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/db/pool.h"
#include "libs/db/transaction.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::db {
namespace {

using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::SharedPostgresServer;
using ::hpedu::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

class ProvisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(database_, SharedPostgresServer().CreateDatabase());
    superuser_ = SharedPostgresServer().SuperuserConninfo(database_);
  }

  // Runs `sql` as the role of `conninfo`, in a transaction.
  static absl::Status Exec(const std::string& conninfo, const std::string& sql) {
    absl::StatusOr<std::unique_ptr<Pool>> pool = Pool::Create({conninfo, 1, {}});
    if (!pool.ok()) return pool.status();
    return RunInTransaction(**pool, absl::Now() + absl::Seconds(10), {},
                            [&](pqxx::transaction_base& tx) {
                              tx.exec(sql);
                              return absl::OkStatus();
                            });
  }

  static std::string Query(const std::string& conninfo, const std::string& sql) {
    pqxx::connection connection(conninfo);
    pqxx::nontransaction tx(connection);
    return tx.exec1(sql)[0].as<std::string>();
  }

  std::string database_;
  std::string superuser_;
};

TEST_F(ProvisionTest, EachServiceReachesOnlyItsOwnSchema) {
  ASSERT_OK_AND_ASSIGN(std::string registry,
                       ProvisionServiceSchema(superuser_, "registry", "pw-r"));
  ASSERT_OK_AND_ASSIGN(std::string plans,
                       ProvisionServiceSchema(superuser_, "plans", "pw-p"));

  EXPECT_EQ(Query(registry, "SELECT current_user || '/' || current_schema()"),
            "registry/registry");
  ASSERT_OK(Exec(registry,
                 "CREATE TABLE units (name text PRIMARY KEY);"
                 "INSERT INTO units VALUES ('a');"));
  EXPECT_EQ(Query(registry, "SELECT count(*) FROM units"), "1");
  ASSERT_OK(Exec(plans, "CREATE TABLE items (n int); INSERT INTO items VALUES (1)"));

  EXPECT_THAT(Exec(registry, "SELECT * FROM plans.items"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("permission denied for schema plans")));
  EXPECT_THAT(Exec(registry, "CREATE TABLE plans.intruder (n int)"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Exec(registry, "CREATE TABLE public.intruder (n int)"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Exec(registry, "CREATE SCHEMA mine"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(Exec(plans, "SELECT * FROM registry.units"),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // Even the superuser's tables in public are out of reach.
  ASSERT_OK(Exec(superuser_, "CREATE TABLE public.shared (n int)"));
  EXPECT_THAT(Exec(registry, "SELECT * FROM public.shared"),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(ProvisionTest, IsIdempotent) {
  ASSERT_OK_AND_ASSIGN(std::string first,
                       ProvisionServiceSchema(superuser_, "registry", "pw-1"));
  ASSERT_OK(Exec(first, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (5)"));
  const std::string password_before = Query(
      superuser_, "SELECT rolpassword FROM pg_authid WHERE rolname = 'registry'");

  ASSERT_OK_AND_ASSIGN(std::string second,
                       ProvisionServiceSchema(superuser_, "registry", "pw-2"));
  EXPECT_THAT(second, HasSubstr("password='pw-2'"));
  EXPECT_EQ(Query(second, "SELECT n FROM kept"), "5");
  EXPECT_NE(Query(superuser_,
                  "SELECT rolpassword FROM pg_authid WHERE rolname = 'registry'"),
            password_before);
  EXPECT_EQ(Query(superuser_, "SELECT count(*) FROM pg_namespace "
                              "WHERE nspname = 'registry'"),
            "1");
}

TEST_F(ProvisionTest, ConninfoKeepsTheTargetAndQuotesTheCredentials) {
  const std::string password = "it's a \\ tricky one";
  ASSERT_OK_AND_ASSIGN(std::string conninfo,
                       ProvisionServiceSchema(superuser_, "registry", password));
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  ASSERT_NE(options, nullptr) << conninfo;
  std::map<std::string, std::string> values;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (o->val != nullptr) values[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  EXPECT_EQ(values["user"], "registry");
  EXPECT_EQ(values["password"], password);
  EXPECT_EQ(values["dbname"], database_);
  EXPECT_EQ(values["port"], std::to_string(SharedPostgresServer().port()));
  EXPECT_THAT(Query(superuser_, "SELECT rolpassword FROM pg_authid "
                                "WHERE rolname = 'registry'"),
              HasSubstr("SCRAM-SHA-256$"));
  EXPECT_EQ(Query(conninfo, "SELECT current_user"), "registry");
}

TEST_F(ProvisionTest, RejectsNamesThatAreNotPlainIdentifiers) {
  for (const char* name : {"", "Registry", "1plans", "plans; DROP ROLE x",
                           "pla\"ns", "a-b"}) {
    EXPECT_THAT(ProvisionServiceSchema(superuser_, name, "pw"),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << name;
  }
  EXPECT_THAT(ProvisionServiceSchema(superuser_, "registry", ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Query(superuser_, "SELECT count(*) FROM pg_roles "
                              "WHERE rolname ~ '[^a-z0-9_]|^[0-9]'"),
            "0");
}

TEST_F(ProvisionTest, UnreachableServerIsUnavailable) {
  EXPECT_THAT(ProvisionServiceSchema("host=127.0.0.1 port=1 user=postgres",
                                     "registry", "pw"),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace hpedu::db
