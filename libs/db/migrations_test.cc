// ApplyMigrations against a real PostgreSQL, as the service's own role.
#include "libs/db/migrations.h"

#include <string>
#include <thread>
#include <vector>

#include <pqxx/pqxx>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::db {
namespace {

using ::hpedu::testing::SharedPostgresServer;
using ::hpedu::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

const Migration kUnits{1, "0001_units",
                       "CREATE TABLE units (name text PRIMARY KEY);"};
const Migration kSizes{2, "0002_sizes",
                       "ALTER TABLE units ADD COLUMN size int;"};
const Migration kSeed{3, "0003_seed",
                      "INSERT INTO units (name, size) VALUES ('a', 1);"};

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(database_, SharedPostgresServer().CreateDatabase());
    ASSERT_OK_AND_ASSIGN(conninfo_, SharedPostgresServer().ProvisionService(
                                        database_, "registry"));
  }

  std::string Query(const std::string& sql) {
    pqxx::connection connection(
        SharedPostgresServer().SuperuserConninfo(database_));
    pqxx::nontransaction tx(connection);
    pqxx::field field = tx.exec1(sql)[0];
    return field.is_null() ? "NULL" : field.as<std::string>();
  }

  std::string database_;
  std::string conninfo_;
};

TEST_F(MigrationsTest, AppliesToAFreshSchemaAndRecordsChecksums) {
  ASSERT_OK(ApplyMigrations(conninfo_, "registry", {kUnits, kSizes}));
  // Unqualified names in the migrations went into the service's schema.
  EXPECT_EQ(Query("SELECT to_regclass('registry.units')::text"),
            "registry.units");
  EXPECT_EQ(Query("SELECT string_agg(name, ',' ORDER BY version) "
                  "FROM registry.schema_migrations"),
            "0001_units,0002_sizes");
  EXPECT_EQ(Query("SELECT checksum FROM registry.schema_migrations "
                  "WHERE version = 1"),
            Query("SELECT encode(sha256(convert_to("
                  "'CREATE TABLE units (name text PRIMARY KEY);', 'UTF8')), "
                  "'hex')"));
  EXPECT_EQ(Query("SELECT pg_get_userbyid(relowner) FROM pg_class "
                  "WHERE oid = 'registry.units'::regclass"),
            "registry");
}

TEST_F(MigrationsTest, RerunIsANoOpAndAppliesOnlyWhatIsNew) {
  ASSERT_OK(ApplyMigrations(conninfo_, "registry", {kUnits, kSizes}));
  const std::string applied_at =
      Query("SELECT max(applied_at)::text FROM registry.schema_migrations");
  ASSERT_OK(ApplyMigrations(conninfo_, "registry", {kUnits, kSizes}));
  EXPECT_EQ(Query("SELECT max(applied_at)::text FROM registry.schema_migrations"),
            applied_at);
  ASSERT_OK(ApplyMigrations(conninfo_, "registry", {kUnits, kSizes, kSeed}));
  EXPECT_EQ(Query("SELECT count(*) FROM registry.schema_migrations"), "3");
  EXPECT_EQ(Query("SELECT count(*) FROM registry.units"), "1");
}

TEST_F(MigrationsTest, ChangedMigrationIsRefusedAndNothingIsApplied) {
  ASSERT_OK(ApplyMigrations(conninfo_, "registry", {kUnits}));
  Migration tampered = kUnits;
  tampered.sql = "CREATE TABLE units (name text PRIMARY KEY, extra int);";
  EXPECT_THAT(
      ApplyMigrations(conninfo_, "registry", {tampered, kSizes}),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("migration 0001_units was changed after it "
                               "was applied"),
                     HasSubstr("restore it and add a new migration instead"))));
  EXPECT_EQ(Query("SELECT count(*) FROM registry.schema_migrations"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM information_schema.columns "
                  "WHERE table_schema = 'registry' AND table_name = 'units'"),
            "1");
}

TEST_F(MigrationsTest, UnknownNewerMigrationIsRefused) {
  ASSERT_OK(ApplyMigrations(conninfo_, "registry", {kUnits, kSizes}));
  EXPECT_THAT(ApplyMigrations(conninfo_, "registry", {kUnits}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("0002_sizes"),
                             HasSubstr("does not know"))));
}

TEST_F(MigrationsTest, VersionsMustIncrease) {
  EXPECT_THAT(ApplyMigrations(conninfo_, "registry", {kSizes, kUnits}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("0001_units")));
  EXPECT_THAT(ApplyMigrations(conninfo_, "registry", {kUnits, kUnits}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ApplyMigrations(conninfo_, "Registry; DROP", {kUnits}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Query("SELECT to_regclass('registry.schema_migrations')::text"),
            "NULL");
}

TEST_F(MigrationsTest, FailingMigrationRollsBackTheWholeRun) {
  const Migration broken{2, "0002_broken", "ALTER TABLE nowhere ADD x int;"};
  EXPECT_THAT(ApplyMigrations(conninfo_, "registry", {kUnits, broken}),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr("0002_broken"), HasSubstr("42P01"))));
  EXPECT_EQ(Query("SELECT to_regclass('registry.units')::text"), "NULL");
}

TEST_F(MigrationsTest, SchemaTheRoleDoesNotHaveIsRefused) {
  EXPECT_THAT(ApplyMigrations(conninfo_, "plans", {kUnits}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(MigrationsTest, ConcurrentAppliersApplyOnce) {
  // Not idempotent on purpose: a second application would fail.
  const Migration once{1, "0001_once",
                       "CREATE TABLE applied (n int);"
                       "INSERT INTO applied VALUES (1);"};
  const Migration more{2, "0002_more", "ALTER TABLE applied ADD COLUMN m int;"};
  constexpr int kReplicas = 4;
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&, i] {
      results[i] = ApplyMigrations(conninfo_, "registry", {once, more});
    });
  }
  for (std::thread& replica : replicas) replica.join();
  for (const absl::Status& result : results) EXPECT_OK(result);
  EXPECT_EQ(Query("SELECT count(*) FROM registry.applied"), "1");
  EXPECT_EQ(Query("SELECT count(*) FROM registry.schema_migrations"), "2");
}

TEST_F(MigrationsTest, UnreachableDatabaseIsUnavailable) {
  EXPECT_THAT(ApplyMigrations("host=127.0.0.1 port=1 dbname=x user=x",
                              "registry", {kUnits}),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace hpedu::db
