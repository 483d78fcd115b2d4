// RunInTransaction against a real PostgreSQL: commit, rollback, error
// translation, serialization retries and the statement timeout.
#include "libs/db/transaction.h"

#include <atomic>
#include <latch>
#include <memory>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::db {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::SharedPostgresServer;
using ::hpedu::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

absl::Time In(absl::Duration d) { return absl::Now() + d; }

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(std::string database,
                         SharedPostgresServer().CreateDatabase());
    ASSERT_OK_AND_ASSIGN(conninfo_, SharedPostgresServer().ProvisionService(
                                        database, "registry"));
    ASSERT_OK_AND_ASSIGN(pool_, Pool::Create({conninfo_, 4, {}}));
    ASSERT_OK(Run([](pqxx::transaction_base& tx) {
      tx.exec(
          "CREATE TABLE units (name text PRIMARY KEY,"
          " size int NOT NULL CHECK (size >= 0));"
          "CREATE TABLE counters (id int PRIMARY KEY, value int NOT NULL);"
          "INSERT INTO counters VALUES (1, 0)");
      return absl::OkStatus();
    }));
  }

  absl::Status Run(
      const std::function<absl::Status(pqxx::transaction_base&)>& work,
      TransactionOptions options = {}) {
    return RunInTransaction(*pool_, In(absl::Seconds(10)), options, work);
  }

  absl::StatusOr<int> Count(const std::string& name) {
    return InTransaction<int>(
        *pool_, In(absl::Seconds(10)), {},
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<int> {
          return tx.exec_params1("SELECT count(*) FROM units WHERE name = $1",
                                 name)[0]
              .as<int>();
        });
  }

  int Counter() {
    pqxx::connection connection(conninfo_);
    pqxx::work tx(connection);
    return tx.exec1("SELECT value FROM counters WHERE id = 1")[0].as<int>();
  }

  std::string conninfo_;
  std::unique_ptr<Pool> pool_;
};

TEST_F(TransactionTest, CommitsWhenWorkSucceeds) {
  ASSERT_OK(Run([](pqxx::transaction_base& tx) {
    tx.exec_params("INSERT INTO units VALUES ($1, $2)", "school-1", 30);
    return absl::OkStatus();
  }));
  EXPECT_THAT(Count("school-1"), IsOkAndHolds(1));
}

TEST_F(TransactionTest, RollsBackWhenWorkReturnsAnError) {
  EXPECT_THAT(Run([](pqxx::transaction_base& tx) {
                tx.exec_params("INSERT INTO units VALUES ($1, $2)", "school-2",
                               30);
                return absl::NotFoundError("parent missing");
              }),
              StatusIs(absl::StatusCode::kNotFound, "parent missing"));
  EXPECT_THAT(Count("school-2"), IsOkAndHolds(0));
}

TEST_F(TransactionTest, UniqueViolationIsAlreadyExistsWithoutTheValue) {
  auto insert = [](pqxx::transaction_base& tx) {
    tx.exec_params("INSERT INTO units VALUES ($1, $2)", "secret-name", 1);
    return absl::OkStatus();
  };
  ASSERT_OK(Run(insert));
  EXPECT_THAT(Run(insert),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       AllOf(HasSubstr("23505"), HasSubstr("units_pkey"),
                             Not(HasSubstr("secret-name")))));
}

TEST_F(TransactionTest, CheckAndNotNullViolationsAreInvalidArgument) {
  EXPECT_THAT(Run([](pqxx::transaction_base& tx) {
                tx.exec_params("INSERT INTO units VALUES ($1, $2)", "x", -1);
                return absl::OkStatus();
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("units_size_check")));
  EXPECT_THAT(Run([](pqxx::transaction_base& tx) {
                tx.exec("INSERT INTO units VALUES ('x', NULL)");
                return absl::OkStatus();
              }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("23502")));
  EXPECT_THAT(Count("x"), IsOkAndHolds(0));
}

TEST_F(TransactionTest, UsesTheRequestedIsolationAndAccessMode) {
  for (auto [isolation, name] :
       {std::pair{Isolation::kReadCommitted, "read committed"},
        std::pair{Isolation::kRepeatableRead, "repeatable read"},
        std::pair{Isolation::kSerializable, "serializable"}}) {
    EXPECT_THAT(
        InTransaction<std::string>(
            *pool_, In(absl::Seconds(10)), {isolation, true, 1},
            [](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
              return tx.exec1("SHOW transaction_isolation")[0]
                         .as<std::string>() +
                     "/" +
                     tx.exec1("SHOW transaction_read_only")[0]
                         .as<std::string>();
            }),
        IsOkAndHolds(std::string(name) + "/on"));
  }
  EXPECT_THAT(Run(
                  [](pqxx::transaction_base& tx) {
                    tx.exec("INSERT INTO units VALUES ('ro', 1)");
                    return absl::OkStatus();
                  },
                  {Isolation::kReadCommitted, /*read_only=*/true, 1}),
              Not(IsOk()));
  EXPECT_THAT(Count("ro"), IsOkAndHolds(0));
}

// Two serializable transactions read the counter, then both increment it:
// the second to write cannot serialize and must run again.
TEST_F(TransactionTest, SerializationFailureIsRetried) {
  std::latch both_read(2);
  std::atomic<int> attempts{0};
  auto increment = [&](pqxx::transaction_base& tx) {
    const int attempt = ++attempts;
    tx.exec("SELECT value FROM counters WHERE id = 1");
    if (attempt <= 2) both_read.arrive_and_wait();
    tx.exec("UPDATE counters SET value = value + 1 WHERE id = 1");
    return absl::OkStatus();
  };
  const TransactionOptions serializable{Isolation::kSerializable, false, 3};
  absl::Status first, second;
  std::thread a([&] { first = Run(increment, serializable); });
  std::thread b([&] { second = Run(increment, serializable); });
  a.join();
  b.join();
  EXPECT_OK(first);
  EXPECT_OK(second);
  EXPECT_EQ(attempts.load(), 3);
  EXPECT_EQ(Counter(), 2);
}

// Every attempt reads, then a concurrent transaction commits a change to the
// row it is about to write: each attempt fails to serialize.
TEST_F(TransactionTest, GivesUpAfterMaxAttempts) {
  pqxx::connection other(conninfo_);
  int attempts = 0;
  absl::Status status = Run(
      [&](pqxx::transaction_base& tx) {
        ++attempts;
        tx.exec("SELECT value FROM counters WHERE id = 1");
        {
          pqxx::work concurrent(other);
          concurrent.exec("UPDATE counters SET value = value + 10 WHERE id = 1");
          concurrent.commit();
        }
        tx.exec("UPDATE counters SET value = value + 1 WHERE id = 1");
        return absl::OkStatus();
      },
      {Isolation::kRepeatableRead, false, 3});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAborted,
                               AllOf(HasSubstr("40001"),
                                     HasSubstr("gave up after 3"))));
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(Counter(), 30);
}

TEST_F(TransactionTest, AbortedFromWorkIsNotRetried) {
  int attempts = 0;
  EXPECT_THAT(Run([&](pqxx::transaction_base&) {
                ++attempts;
                return absl::AbortedError("etag mismatch");
              }),
              StatusIs(absl::StatusCode::kAborted, "etag mismatch"));
  EXPECT_EQ(attempts, 1);
}

TEST_F(TransactionTest, StatementTimeoutFollowsTheDeadline) {
  const absl::Time start = absl::Now();
  absl::Status status = RunInTransaction(
      *pool_, start + absl::Milliseconds(300), {},
      [](pqxx::transaction_base& tx) {
        tx.exec("SELECT pg_sleep(5)");
        return absl::OkStatus();
      });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kDeadlineExceeded,
                               HasSubstr("57014")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));

  // The timeout was local to that transaction: the connection it used
  // (the pool hands back idle connections last in, first out) has none.
  EXPECT_THAT(InTransaction<std::string>(
                  *pool_, absl::InfiniteFuture(), {},
                  [](pqxx::transaction_base& tx) -> absl::StatusOr<std::string> {
                    return tx.exec1("SHOW statement_timeout")[0]
                        .as<std::string>();
                  }),
              IsOkAndHolds("0"));
}

TEST_F(TransactionTest, PassedDeadlineFailsWithoutRunningWork) {
  bool ran = false;
  EXPECT_THAT(RunInTransaction(*pool_, absl::Now() - absl::Seconds(1), {},
                               [&](pqxx::transaction_base&) {
                                 ran = true;
                                 return absl::OkStatus();
                               }),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace hpedu::db
