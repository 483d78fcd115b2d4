// Params against a real PostgreSQL: NULLs, arrays and LIKE escapes arrive
// as the database should see them.
#include "libs/db/params.h"

#include <pqxx/pqxx>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/db/pool.h"
#include "libs/db/transaction.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::db {
namespace {

using ::hpedu::testing::IsOk;

TEST(ParamsTest, LiteralsAreExact) {
  EXPECT_EQ(TextArrayLiteral({}), "{}");
  EXPECT_EQ(TextArrayLiteral({"a", "b c", "q\"t", "b\\s"}),
            "{\"a\",\"b c\",\"q\\\"t\",\"b\\\\s\"}");
  EXPECT_EQ(EscapeLike("50%_a\\b"), "50\\%\\_a\\\\b");
}

TEST(ParamsTest, NullsArraysAndLikeReachTheDatabase) {
  auto& pg = hpedu::testing::SharedPostgresServer();
  ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
  ASSERT_OK_AND_ASSIGN(std::string conninfo,
                       pg.ProvisionService(database, "paramtest"));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Pool> pool,
      Pool::Create(PoolOptions{
          conninfo, 1,
          {{"probe",
            "SELECT $1::text IS NULL, cardinality($2::text[]), "
            "($2::text[])[3], 'a%b_c' LIKE '%' || $3 || '%' ESCAPE '\\', "
            "'axbyc' LIKE '%' || $3 || '%' ESCAPE '\\'"}}}));
  absl::Status status = RunInTransaction(
      *pool, absl::Now() + absl::Seconds(10), {},
      [](pqxx::transaction_base& tx) {
        pqxx::result row = Params()
                               .AddOrNull("")
                               .Add(TextArrayLiteral({"x", "y", "q\"z"}))
                               .Add(EscapeLike("%b_"))
                               .Exec(tx, "probe");
        EXPECT_TRUE(row[0][0].as<bool>());
        EXPECT_EQ(row[0][1].as<int>(), 3);
        EXPECT_EQ(row[0][2].as<std::string>(), "q\"z");
        EXPECT_TRUE(row[0][3].as<bool>());   // "a%b_c" contains "%b_"
        EXPECT_FALSE(row[0][4].as<bool>());  // "axbyc" does not, literally
        return absl::OkStatus();
      });
  EXPECT_THAT(status, IsOk());
}

}  // namespace
}  // namespace hpedu::db
