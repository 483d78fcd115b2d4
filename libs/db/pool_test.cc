// Pool against a real PostgreSQL: leasing, the bound, waiting, broken
// connections and prepared statements.
#include "libs/db/pool.h"

#include <memory>
#include <string>
#include <thread>

#include <pqxx/pqxx>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/db/transaction.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::db {
namespace {

using ::hpedu::testing::SharedPostgresServer;
using ::hpedu::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Ne;
using ::testing::Not;

absl::Time In(absl::Duration d) { return absl::Now() + d; }

int BackendPid(Lease& lease) { return lease.connection().backendpid(); }

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(database_, SharedPostgresServer().CreateDatabase());
    ASSERT_OK_AND_ASSIGN(conninfo_, SharedPostgresServer().ProvisionService(
                                        database_, "registry"));
  }

  std::unique_ptr<Pool> MakePool(int size,
                                 std::vector<PreparedStatement> statements = {}) {
    absl::StatusOr<std::unique_ptr<Pool>> pool =
        Pool::Create({conninfo_, size, std::move(statements)});
    EXPECT_OK(pool);
    return pool.ok() ? *std::move(pool) : nullptr;
  }

  std::string database_;
  std::string conninfo_;
};

TEST_F(PoolTest, RejectsUnusableOptions) {
  EXPECT_THAT(Pool::Create({conninfo_, 0, {}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Pool::Create({"", 2, {}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PoolTest, LeaseIsReturnedAndReused) {
  std::unique_ptr<Pool> pool = MakePool(2);
  EXPECT_EQ(pool->Stats().open, 0) << "connections are opened lazily";
  int pid = 0;
  {
    ASSERT_OK_AND_ASSIGN(Lease lease, pool->Acquire(In(absl::Seconds(5))));
    pid = BackendPid(lease);
    pqxx::work tx(lease.connection());
    EXPECT_EQ(tx.exec1("SELECT current_user")[0].as<std::string>(),
              "registry");
    tx.commit();
    PoolStats stats = pool->Stats();
    EXPECT_EQ(stats.size, 2);
    EXPECT_EQ(stats.open, 1);
    EXPECT_EQ(stats.leased, 1);
  }
  PoolStats stats = pool->Stats();
  EXPECT_EQ(stats.open, 1);
  EXPECT_EQ(stats.leased, 0);

  ASSERT_OK_AND_ASSIGN(Lease again, pool->Acquire(In(absl::Seconds(5))));
  EXPECT_EQ(BackendPid(again), pid);
  EXPECT_EQ(pool->Stats().opened_total, 1);

  // Moving a lease moves the connection; only the last holder returns it.
  Lease moved = std::move(again);
  EXPECT_EQ(BackendPid(moved), pid);
  EXPECT_EQ(pool->Stats().leased, 1);
}

TEST_F(PoolTest, ExhaustedPoolFailsAtTheDeadline) {
  std::unique_ptr<Pool> pool = MakePool(2);
  ASSERT_OK_AND_ASSIGN(Lease first, pool->Acquire(In(absl::Seconds(5))));
  ASSERT_OK_AND_ASSIGN(Lease second, pool->Acquire(In(absl::Seconds(5))));
  EXPECT_NE(BackendPid(first), BackendPid(second));

  const absl::Time start = absl::Now();
  EXPECT_THAT(pool->Acquire(start + absl::Milliseconds(200)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  const absl::Duration waited = absl::Now() - start;
  EXPECT_GE(waited, absl::Milliseconds(190));
  EXPECT_LT(waited, absl::Seconds(1));
  EXPECT_EQ(pool->Stats().open, 2);
  EXPECT_EQ(pool->Stats().waiting, 0);
}

TEST_F(PoolTest, WaiterGetsTheConnectionThatIsReturned) {
  std::unique_ptr<Pool> pool = MakePool(1);
  auto held = std::make_unique<Lease>(*pool->Acquire(In(absl::Seconds(5))));
  const int pid = BackendPid(*held);

  absl::StatusOr<Lease> waited = absl::UnknownError("not run");
  std::thread waiter([&] { waited = pool->Acquire(In(absl::Seconds(10))); });
  const absl::Time give_up = In(absl::Seconds(5));
  while (pool->Stats().waiting == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(pool->Stats().waiting, 1);
  const absl::Time returned_at = absl::Now();
  held.reset();
  waiter.join();
  ASSERT_OK(waited);
  EXPECT_EQ(BackendPid(*waited), pid);
  EXPECT_LT(absl::Now() - returned_at, absl::Seconds(1));
  EXPECT_EQ(pool->Stats().opened_total, 1);
}

TEST_F(PoolTest, KilledConnectionIsDiscardedAndReplaced) {
  std::unique_ptr<Pool> pool = MakePool(1);
  int killed_pid = 0;
  {
    ASSERT_OK_AND_ASSIGN(Lease lease, pool->Acquire(In(absl::Seconds(5))));
    killed_pid = BackendPid(lease);
  }
  {
    pqxx::connection superuser(SharedPostgresServer().SuperuserConninfo());
    pqxx::nontransaction tx(superuser);
    EXPECT_TRUE(tx.exec_params1("SELECT pg_terminate_backend($1)", killed_pid)[0]
                    .as<bool>());
    // pg_terminate_backend signals; wait until the backend is gone.
    const absl::Time give_up = In(absl::Seconds(5));
    while (!tx.exec_params("SELECT 1 FROM pg_stat_activity WHERE pid = $1",
                           killed_pid)
                .empty() &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(10));
    }
  }

  absl::Status status = RunInTransaction(
      *pool, In(absl::Seconds(5)), {}, [](pqxx::transaction_base& tx) {
        tx.exec("SELECT 1");
        return absl::OkStatus();
      });
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable));
  PoolStats stats = pool->Stats();
  EXPECT_EQ(stats.discarded_total, 1);
  EXPECT_EQ(stats.open, 0);
  EXPECT_EQ(stats.leased, 0);

  ASSERT_OK_AND_ASSIGN(Lease fresh, pool->Acquire(In(absl::Seconds(5))));
  EXPECT_THAT(BackendPid(fresh), Ne(killed_pid));
  pqxx::work tx(fresh.connection());
  EXPECT_EQ(tx.exec1("SELECT 1")[0].as<int>(), 1);
  EXPECT_EQ(pool->Stats().opened_total, 2);
}

TEST_F(PoolTest, DiscardedLeaseIsClosed) {
  std::unique_ptr<Pool> pool = MakePool(1);
  int pid = 0;
  {
    ASSERT_OK_AND_ASSIGN(Lease lease, pool->Acquire(In(absl::Seconds(5))));
    pid = BackendPid(lease);
    lease.Discard();
  }
  EXPECT_EQ(pool->Stats().open, 0);
  EXPECT_EQ(pool->Stats().discarded_total, 1);
  ASSERT_OK_AND_ASSIGN(Lease lease, pool->Acquire(In(absl::Seconds(5))));
  EXPECT_NE(BackendPid(lease), pid);
}

TEST_F(PoolTest, StatementsArePreparedOnEveryNewConnection) {
  std::unique_ptr<Pool> pool =
      MakePool(2, {{"add_one", "SELECT $1::int + 1"}});
  ASSERT_OK_AND_ASSIGN(Lease first, pool->Acquire(In(absl::Seconds(5))));
  ASSERT_OK_AND_ASSIGN(Lease second, pool->Acquire(In(absl::Seconds(5))));
  for (Lease* lease : {&first, &second}) {
    pqxx::work tx(lease->connection());
    // Prepared on the server already, before any use.
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_prepared_statements "
                       "WHERE name = 'add_one'")[0]
                  .as<int>(),
              1);
    EXPECT_EQ(tx.exec_prepared1("add_one", 41)[0].as<int>(), 42);
  }
}

TEST_F(PoolTest, StatementThatDoesNotPrepareMakesAcquireUnavailable) {
  std::unique_ptr<Pool> pool =
      MakePool(1, {{"broken", "SELECT * FROM no_such_table"}});
  EXPECT_THAT(pool->Acquire(In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("broken"), HasSubstr("42P01"))));
  PoolStats stats = pool->Stats();
  EXPECT_EQ(stats.open, 0);
  EXPECT_EQ(stats.leased, 0);
}

TEST_F(PoolTest, ConnectFailureIsUnavailableAndHidesThePassword) {
  // Port 1 on loopback: nothing listens there.
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Pool> pool,
      Pool::Create({"host=127.0.0.1 port=1 user=registry "
                    "password=hunter2-secret dbname=x connect_timeout=2",
                    1,
                    {}}));
  EXPECT_THAT(pool->Acquire(In(absl::Seconds(5))),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("cannot connect"),
                             Not(HasSubstr("hunter2")))));
  EXPECT_EQ(pool->Stats().open, 0);
}

TEST_F(PoolTest, CloseRefusesAcquireAndWakesWaiters) {
  std::unique_ptr<Pool> pool = MakePool(1);
  auto held = std::make_unique<Lease>(*pool->Acquire(In(absl::Seconds(5))));
  absl::StatusOr<Lease> waited = absl::UnknownError("not run");
  std::thread waiter([&] { waited = pool->Acquire(In(absl::Seconds(30))); });
  while (pool->Stats().waiting == 0) absl::SleepFor(absl::Milliseconds(5));

  pool->Close();
  waiter.join();
  EXPECT_THAT(waited, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(pool->Acquire(In(absl::Seconds(1))),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(pool->Stats().open, 1);
  held.reset();  // Leased when closed: closed on return, not kept.
  EXPECT_EQ(pool->Stats().open, 0);
}

}  // namespace
}  // namespace hpedu::db
