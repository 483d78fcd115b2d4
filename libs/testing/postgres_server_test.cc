// The fixture itself: a real server that can be stopped and restarted.
#include "libs/testing/postgres_server.h"

#include <filesystem>
#include <memory>
#include <string>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Ne;
using ::testing::StartsWith;

std::string QueryOne(const std::string& conninfo, const std::string& sql) {
  pqxx::connection connection(conninfo);
  pqxx::nontransaction tx(connection);
  return tx.exec1(sql)[0].as<std::string>();
}

TEST(PostgresServerTest, StartsPostgres15WithIcu) {
  PostgresServer& server = SharedPostgresServer();
  EXPECT_THAT(QueryOne(server.SuperuserConninfo(), "SHOW server_version"),
              StartsWith("15."));
  EXPECT_EQ(QueryOne(server.SuperuserConninfo(),
                     "SELECT count(*) FROM pg_collation "
                     "WHERE collname = 'vi-x-icu'"),
            "1");
  EXPECT_EQ(QueryOne(server.SuperuserConninfo(), "SHOW fsync"), "off");
  EXPECT_EQ(&server, &SharedPostgresServer());
}

TEST(PostgresServerTest, CreatesDatabasesWithUniqueNames) {
  PostgresServer& server = SharedPostgresServer();
  ASSERT_OK_AND_ASSIGN(std::string first, server.CreateDatabase());
  ASSERT_OK_AND_ASSIGN(std::string second, server.CreateDatabase());
  EXPECT_THAT(first, Ne(second));
  EXPECT_EQ(QueryOne(server.SuperuserConninfo(second), "SELECT current_database()"),
            second);
}

TEST(PostgresServerTest, ProvisionsAServiceRole) {
  PostgresServer& server = SharedPostgresServer();
  ASSERT_OK_AND_ASSIGN(std::string database, server.CreateDatabase());
  ASSERT_OK_AND_ASSIGN(std::string conninfo,
                       server.ProvisionService(database, "registry"));
  EXPECT_EQ(QueryOne(conninfo, "SELECT current_user"), "registry");
  EXPECT_EQ(QueryOne(conninfo, "SELECT current_schema()"), "registry");
}

TEST(PostgresServerTest, StopMakesConnectionsFailAndRestartBringsItBack) {
  // A server of its own: stopping the shared one would disturb other tests.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<PostgresServer> server,
                       PostgresServer::Start());
  ASSERT_OK_AND_ASSIGN(std::string database, server->CreateDatabase());
  const std::string conninfo = server->SuperuserConninfo(database);
  {
    pqxx::connection connection(conninfo);
    pqxx::nontransaction tx(connection);
    tx.exec("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)");
  }
  pqxx::connection open_before_stop(conninfo);
  const int port = server->port();

  ASSERT_OK(server->Stop());
  EXPECT_THROW(pqxx::connection{conninfo}, pqxx::broken_connection);
  EXPECT_THROW(
      {
        pqxx::nontransaction tx(open_before_stop);
        tx.exec("SELECT 1");
      },
      pqxx::broken_connection);

  ASSERT_OK(server->Restart());
  EXPECT_EQ(server->port(), port);
  EXPECT_EQ(QueryOne(conninfo, "SELECT n FROM kept"), "7");
}

TEST(PostgresServerTest, DestructionStopsTheServerAndRemovesItsDirectory) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<PostgresServer> server,
                       PostgresServer::Start());
  const std::string directory = server->directory();
  const std::string conninfo = server->SuperuserConninfo();
  ASSERT_TRUE(std::filesystem::exists(directory + "/data/PG_VERSION"));
  server.reset();
  EXPECT_FALSE(std::filesystem::exists(directory));
  EXPECT_THROW(pqxx::connection{conninfo}, pqxx::broken_connection);
}

}  // namespace
}  // namespace hpedu::testing
