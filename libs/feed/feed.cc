#include "libs/feed/feed.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/page_token.h"
#include "libs/db/journal.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/server/log.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_macros.h"

namespace hpedu::feed {
namespace {

// What a change records, in recorded_changes and in changes.
#define HPEDU_CHANGE_COLUMNS \
  "kind, resource, type_url, value, unit, method, request_id"

// The sequencer. Its first statement takes the counter row, so that one
// sequencer of the service (of any replica) numbers at a time and each
// sees what the one before it moved; the move then numbers every recorded
// change that has committed, in the order recorded.
constexpr char kAnyRecorded[] = "SELECT EXISTS (SELECT FROM recorded_changes)";
constexpr char kTakeCounter[] =
    "SELECT last FROM change_sequence FOR UPDATE";
constexpr char kNumber[] =
    "WITH moved AS (DELETE FROM recorded_changes RETURNING *)"
    " INSERT INTO changes (sequence, change_time, " HPEDU_CHANGE_COLUMNS ")"
    " SELECT $1::bigint + row_number() OVER (ORDER BY id), change_time, "
    HPEDU_CHANGE_COLUMNS " FROM moved";
#undef HPEDU_CHANGE_COLUMNS
constexpr char kAdvanceCounter[] = "UPDATE change_sequence SET last = $1";
// The channel is the role's: one per service in a shared database.
constexpr char kNotify[] =
    "SELECT pg_notify('hpedu_changes_' || current_user, '')";

// The newest committed sequence, and the one before the oldest kept.
constexpr char kBounds[] =
    "SELECT s.last, COALESCE((SELECT min(sequence) - 1 FROM changes), s.last)"
    " FROM change_sequence s";
constexpr char kRead[] =
    "SELECT sequence, (extract(epoch FROM change_time) * 1000000)::bigint,"
    " kind, resource, type_url, value, unit, method, request_id"
    " FROM changes WHERE sequence > $1 ORDER BY sequence LIMIT $2";
// Deletes the changes up to the newest one older than retention ($1
// seconds), so that what is kept stays a suffix of the sequence.
constexpr char kPrune[] =
    "DELETE FROM changes WHERE sequence <= (SELECT max(sequence) FROM changes"
    " WHERE change_time < now() - make_interval(secs => $1))";

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// A stream's reads: a page at a time, each with this long to run.
constexpr int kStreamPage = 200;
constexpr absl::Duration kReadTimeout = absl::Seconds(10);
// How often followers look for new changes without a notification.
constexpr absl::Duration kPollInterval = absl::Seconds(1);

Written Make(v1::Change::Kind kind, std::string_view resource,
             const google::protobuf::Message* value, std::string_view unit) {
  Written written;
  written.kind = kind;
  written.resource = std::string(resource);
  written.unit = std::string(unit);
  if (value != nullptr) written.value.PackFrom(*value);
  return written;
}

struct Page {
  std::vector<v1::Change> changes;
  int64_t head = 0;
};

absl::Status Expired(int64_t after, int64_t oldest) {
  return WithErrorInfo(absl::OutOfRangeError(absl::StrCat(
                           "các thay đổi sau số ", after,
                           " đã quá thời hạn lưu; hãy đọc lại từ số ", oldest,
                           " (changes after ", after,
                           " are past retention; resume after ", oldest, ")")),
                       "CHANGE_SEQUENCE_EXPIRED",
                       {{"after_sequence", absl::StrCat(after)},
                        {"oldest_after", absl::StrCat(oldest)}});
}

absl::Status Ahead(int64_t after, int64_t head) {
  return WithErrorInfo(
      absl::OutOfRangeError(absl::StrCat(
          "luồng thay đổi mới đến số ", head, ", chưa có số ", after,
          " (the feed has reached ", head, ", not ", after,
          ": another database, or one restored from an older backup?)")),
      "CHANGE_SEQUENCE_AHEAD",
      {{"after_sequence", absl::StrCat(after)},
       {"head_sequence", absl::StrCat(head)}});
}

// Reads at most `limit` changes after `after`, checking it against the
// feed's bounds in the same snapshot.
absl::StatusOr<Page> ReadPage(db::Pool& pool, absl::Time deadline,
                              int64_t after, int limit) {
  return db::InTransaction<Page>(
      pool, deadline,
      db::TransactionOptions{.isolation = db::Isolation::kRepeatableRead,
                             .read_only = true},
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<Page> {
        const pqxx::row bounds = tx.exec1(kBounds);
        Page page;
        page.head = bounds[0].as<int64_t>();
        const int64_t oldest = bounds[1].as<int64_t>();
        int64_t from = after;
        if (after == 0) {
          from = oldest;
        } else if (after < oldest) {
          return Expired(after, oldest);
        } else if (after > page.head) {
          return Ahead(after, page.head);
        }
        for (const pqxx::row& row : tx.exec_params(kRead, from, limit)) {
          v1::Change& change = page.changes.emplace_back();
          change.set_sequence(row[0].as<int64_t>());
          *change.mutable_change_time() =
              google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
                  row[1].as<int64_t>());
          change.set_kind(static_cast<v1::Change::Kind>(row[2].as<int>()));
          change.set_resource(row[3].c_str());
          if (!row[4].is_null() && row[4].size() > 0) {
            change.mutable_value()->set_type_url(row[4].c_str());
            const pqxx::binarystring bytes(row[5]);
            change.mutable_value()->set_value(bytes.str());
          }
          change.set_unit(row[6].c_str());
          change.set_method(row[7].c_str());
          change.set_request_id(row[8].c_str());
        }
        return page;
      });
}

class ChangeFeedImpl;

// Numbers the changes recorded and committed so far, continuing the
// counter, and notifies the service's listeners. The new head, or nothing
// if there was nothing to number. With `look_first`, finds that out
// without taking the counter.
std::optional<int64_t> NumberRecorded(pqxx::transaction_base& tx,
                                      bool look_first) {
  if (look_first && !tx.exec1(kAnyRecorded)[0].as<bool>()) return std::nullopt;
  const int64_t last = tx.exec1(kTakeCounter)[0].as<int64_t>();
  const int64_t moved =
      static_cast<int64_t>(tx.exec_params(kNumber, last).affected_rows());
  if (moved == 0) return std::nullopt;
  tx.exec_params(kAdvanceCounter, last + moved);
  tx.exec(kNotify);
  return last + moved;
}

// The feeds this process serves, by role (a service's), so that a commit
// that recorded changes wakes its service's sequencer at once.
class Feeds {
 public:
  static Feeds& Get() {
    static Feeds* const feeds = new Feeds;
    return *feeds;
  }
  void Add(const std::string& role, ChangeFeedImpl* feed) {
    absl::MutexLock lock(&mu_);
    feeds_.emplace(role, feed);
  }
  void Remove(ChangeFeedImpl* feed) {
    absl::MutexLock lock(&mu_);
    std::erase_if(feeds_, [feed](const auto& entry) {
      return entry.second == feed;
    });
  }
  void Nudge(const std::string& role);

 private:
  absl::Mutex mu_;
  std::multimap<std::string, ChangeFeedImpl*> feeds_ ABSL_GUARDED_BY(mu_);
};

// One WatchChanges stream. Shared ownership: the stream itself until gRPC
// calls OnDone, and each read in flight, so a read that outlives the call
// finds it still there (and finished).
//
// One "driver" at a time moves the stream on: a read on the executor, or
// the write it produced, or the caller finishing it. Only the driver calls
// StartWrite and Finish, so none comes after Finish; while no driver runs
// the stream waits for the feed to wake it.
class Watch final : public grpc::ServerWriteReactor<v1::Change>,
                    public std::enable_shared_from_this<Watch> {
 public:
  Watch(ChangeFeedImpl* feed, int64_t after) : feed_(feed), position_(after) {}

  // Takes its own first reference and starts reading, or finishes at once
  // with `refusal`.
  void Start(std::shared_ptr<Watch> self, const absl::Status& refusal);

  // From the feed: the newest sequence is `head`. A waiting stream behind
  // it starts reading. False if it waits on (it is not behind). Thread-safe.
  bool Wake(int64_t head);
  // From the feed at shutdown: ends the stream with `status`.
  void Stop(const grpc::Status& status);

  void OnWriteDone(bool ok) override;
  void OnCancel() override { Stop(grpc::Status::CANCELLED); }
  void OnDone() override;

 private:
  // Runs as the driver: writes what is pending, finishes, or reads more.
  void Drive();
  void Read();

  ChangeFeedImpl* const feed_;
  absl::Mutex mu_;
  int64_t position_ ABSL_GUARDED_BY(mu_);  // the last sequence read
  std::deque<v1::Change> pending_ ABSL_GUARDED_BY(mu_);
  bool waiting_ ABSL_GUARDED_BY(mu_) = false;  // no driver; the feed wakes it
  std::optional<grpc::Status> stop_ ABSL_GUARDED_BY(mu_);
  v1::Change writing_;           // the driver's: the write in flight
  std::shared_ptr<Watch> self_;  // until OnDone
};

class ChangeFeedImpl final : public ChangeFeed {
 public:
  ChangeFeedImpl(server::ServiceEnv& env, auth::Authorizer authorizer)
      : pool_(env.pool),
        calls_(env.calls),
        conninfo_(env.config.db),
        service_(env.config.service),
        authorizer_(std::move(authorizer)),
        retention_(env.config.change_retention) {
    env.on_shutdown.push_back([this] { StopStreams(); });
    listener_ = std::thread([this] { Listen(); });
    Feeds::Get().Add(service_, this);
  }

  ~ChangeFeedImpl() override {
    // No commit wakes it from now on; a run queued or running ends.
    Feeds::Get().Remove(this);
    sequencer_mu_.LockWhen(absl::Condition(
        +[](Sequencer* state) { return *state == Sequencer::kIdle; },
        &sequencer_));
    sequencer_mu_.Unlock();
    StopStreams();
    stopping_.Notify();
    listener_.join();
  }

  absl::StatusOr<v1::ListChangesResponse> List(
      const server::CallContext& call,
      const v1::ListChangesRequest& request) const override {
    RETURN_IF_ERROR(CanFollow(call.caller()));
    RETURN_IF_ERROR(CheckAfter(request.after_sequence()));
    ASSIGN_OR_RETURN(const int page_size,
                     api::EffectivePageSize(request.page_size(),
                                            kDefaultPageSize, kMaxPageSize));
    // What the caller's own writes recorded is in the page even if the
    // sequencer has not numbered it yet.
    RETURN_IF_ERROR(db::RunInTransaction(
        pool_, call.deadline(), {}, [](pqxx::transaction_base& tx) {
          NumberRecorded(tx, /*look_first=*/true);
          return absl::OkStatus();
        }));
    ASSIGN_OR_RETURN(Page page, ReadPage(pool_, call.deadline(),
                                         request.after_sequence(), page_size));
    v1::ListChangesResponse response;
    response.set_head_sequence(page.head);
    response.set_next_after_sequence(
        page.changes.empty() ? std::max(request.after_sequence(), int64_t{0})
                             : page.changes.back().sequence());
    for (v1::Change& change : page.changes) {
      *response.add_changes() = std::move(change);
    }
    return response;
  }

  grpc::ServerWriteReactor<v1::Change>* Watch(
      grpc::CallbackServerContext* context,
      const v1::WatchChangesRequest* request) override {
    auto watch = std::make_shared<feed::Watch>(this, request->after_sequence());
    absl::Status refusal = CheckAfter(request->after_sequence());
    if (refusal.ok()) {
      absl::StatusOr<server::CallContext> call =
          calls_.contexts().Make(context);
      refusal = call.ok() ? CanFollow(call->caller()) : call.status();
    }
    if (refusal.ok()) {
      absl::MutexLock lock(&mu_);
      if (stopped_) {
        refusal = absl::UnavailableError("dịch vụ đang dừng (stopping)");
      } else {
        streams_.push_back(watch);
      }
    }
    feed::Watch* reactor = watch.get();
    reactor->Start(std::move(watch), refusal);
    return reactor;
  }

  // For streams: their reads, the newest sequence seen, and waiting.
  server::Executor& executor() const { return calls_.executor(); }
  db::Pool& pool() const { return pool_; }

  // From a commit that recorded changes: numbers them soon, on the
  // executor. Calls while it runs make it run once more; none waits.
  void Nudge() {
    {
      absl::MutexLock lock(&sequencer_mu_);
      if (sequencer_ != Sequencer::kIdle) {
        sequencer_ = Sequencer::kAgain;  // the running one goes again
        return;
      }
      sequencer_ = Sequencer::kRunning;
    }
    if (!calls_.executor().Submit([this] { Sequence(); })) {
      absl::MutexLock lock(&sequencer_mu_);
      sequencer_ = Sequencer::kIdle;  // the listener's poll numbers them
    }
  }

  // Parks `watch` until the feed passes `position`; false, without parking,
  // if it already has.
  bool Park(const std::shared_ptr<feed::Watch>& watch, int64_t position) {
    absl::MutexLock lock(&mu_);
    if (head_ > position) return false;
    parked_.push_back(watch);
    return true;
  }

 private:
  absl::Status CanFollow(const auth::Caller& caller) const {
    switch (caller.role) {
      case auth::Role::kService:
      case auth::Role::kLeadership:
      case auth::Role::kDivision:
        return absl::OkStatus();
      case auth::Role::kIntegration:
        return authorizer_.CanReadAggregate(caller);
      default:
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(caller));
        return auth::RoleDenied(
            caller, "theo dõi luồng thay đổi / follow the change feed");
    }
  }

  static absl::Status CheckAfter(int64_t after) {
    if (after < 0) {
      return InvalidField("after_sequence",
                          "không được âm (must not be negative)");
    }
    return absl::OkStatus();
  }

  void StopStreams() {
    std::vector<std::weak_ptr<feed::Watch>> streams;
    {
      absl::MutexLock lock(&mu_);
      stopped_ = true;
      streams.swap(streams_);
    }
    const grpc::Status stopping(
        grpc::StatusCode::UNAVAILABLE,
        "dịch vụ đang dừng; hãy kết nối lại với số thay đổi cuối cùng đã nhận "
        "(the service is stopping; reconnect with the last sequence received)");
    for (const auto& weak : streams) {
      if (std::shared_ptr<feed::Watch> watch = weak.lock())
        watch->Stop(stopping);
    }
  }

  // Wakes the parked streams behind `head`.
  void Advance(int64_t head) {
    std::vector<std::weak_ptr<feed::Watch>> parked;
    {
      absl::MutexLock lock(&mu_);
      head_ = std::max(head_, head);
      parked.swap(parked_);
      std::erase_if(streams_, [](const auto& weak) { return weak.expired(); });
    }
    std::vector<std::weak_ptr<feed::Watch>> still;
    for (const auto& weak : parked) {
      std::shared_ptr<feed::Watch> watch = weak.lock();
      if (watch != nullptr && !watch->Wake(head)) still.push_back(weak);
    }
    if (still.empty()) return;
    absl::MutexLock lock(&mu_);
    parked_.insert(parked_.end(), still.begin(), still.end());
  }

  // The sequencer's run on the executor: numbers, and wakes this process's
  // streams without waiting for the notification.
  void Sequence() {
    while (true) {
      absl::StatusOr<std::optional<int64_t>> head =
          db::InTransaction<std::optional<int64_t>>(
              pool_, absl::Now() + kReadTimeout, {},
              [](pqxx::transaction_base& tx)
                  -> absl::StatusOr<std::optional<int64_t>> {
                return NumberRecorded(tx, /*look_first=*/false);
              });
      if (!head.ok()) {
        server::Log(server::LogLevel::kWarning, service_,
                    "change feed sequencer failed; the poll retries",
                    {{"error", head.status().ToString()}});
      } else if (head->has_value()) {
        Advance(**head);
      }
      absl::MutexLock lock(&sequencer_mu_);
      if (sequencer_ == Sequencer::kRunning) {
        sequencer_ = Sequencer::kIdle;
        return;
      }
      sequencer_ = Sequencer::kRunning;  // nudged meanwhile: once more
    }
  }

  // The listener thread: LISTEN for the service's commits, read the head on
  // each notification and every poll interval, prune to retention.
  void Listen();

  db::Pool& pool_;
  server::UnaryCalls& calls_;
  const std::string conninfo_;
  const std::string service_;
  const auth::Authorizer authorizer_;
  const absl::Duration retention_;

  absl::Mutex mu_;
  int64_t head_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::weak_ptr<feed::Watch>> parked_ ABSL_GUARDED_BY(mu_);
  std::vector<std::weak_ptr<feed::Watch>> streams_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;

  enum class Sequencer {
    kIdle,
    kRunning,  // queued or running on the executor
    kAgain,    // running, and nudged since
  };
  absl::Mutex sequencer_mu_;
  Sequencer sequencer_ ABSL_GUARDED_BY(sequencer_mu_) = Sequencer::kIdle;

  absl::Notification stopping_;
  std::thread listener_;
};

void Feeds::Nudge(const std::string& role) {
  absl::MutexLock lock(&mu_);
  const auto [begin, end] = feeds_.equal_range(role);
  for (auto it = begin; it != end; ++it) it->second->Nudge();
}

// libpqxx 6 delivers notifications to a receiver registered per channel.
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const std::string& channel)
      : pqxx::notification_receiver(connection, channel) {}
  void operator()(const std::string& /*payload*/, int /*pid*/) override {
    notified = true;
  }
  bool notified = false;
};

void ChangeFeedImpl::Listen() {
  const std::string channel = "hpedu_changes_" + service_;
  const absl::Duration prune_every = std::min(retention_ / 10, absl::Hours(1));
  absl::Time next_prune = absl::Now();
  while (!stopping_.HasBeenNotified()) {
    try {
      pqxx::connection connection(conninfo_);
      Receiver receiver(connection, channel);
      absl::Time next_poll = absl::InfinitePast();
      while (!stopping_.HasBeenNotified()) {
        const absl::Time now = absl::Now();
        if (now >= next_poll) {
          // What no sequencer was woken for: a writer that stopped between
          // its commit and the nudge, or wrote outside RunInTransaction.
          pqxx::work tx(connection);
          NumberRecorded(tx, /*look_first=*/true);
          tx.commit();
        }
        if (receiver.notified || now >= next_poll) {
          receiver.notified = false;
          next_poll = now + kPollInterval;
          pqxx::nontransaction tx(connection);
          Advance(
              tx.exec1("SELECT last FROM change_sequence")[0].as<int64_t>());
        }
        if (now >= next_prune) {
          next_prune = now + prune_every;
          pqxx::work tx(connection);
          const pqxx::result pruned =
              tx.exec_params(kPrune, absl::ToDoubleSeconds(retention_));
          tx.commit();
          if (pruned.affected_rows() > 0) {
            server::Log(
                server::LogLevel::kInfo, service_, "change feed pruned",
                {{"changes", static_cast<int64_t>(pruned.affected_rows())}});
          }
        }
        // Short waits, so that a stop is noticed soon.
        connection.await_notification(0, 200'000);
      }
    } catch (const std::exception& e) {
      server::Log(server::LogLevel::kWarning, service_,
                  "change feed listener reconnecting", {{"error", e.what()}});
      stopping_.WaitForNotificationWithTimeout(absl::Seconds(1));
    }
  }
}

void Watch::Start(std::shared_ptr<Watch> self, const absl::Status& refusal) {
  self_ = std::move(self);
  if (!refusal.ok()) {
    Finish(ToGrpcStatus(refusal));
    return;
  }
  Read();  // the first driver
}

bool Watch::Wake(int64_t head) {
  {
    absl::MutexLock lock(&mu_);
    if (!waiting_) return true;  // stopped meanwhile
    if (head <= position_) return false;
    waiting_ = false;
  }
  Read();
  return true;
}

void Watch::Stop(const grpc::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    if (!stop_) stop_ = status;
    if (!waiting_) return;  // the driver will see it
    waiting_ = false;
  }
  Drive();
}

void Watch::OnWriteDone(bool ok) {
  if (!ok) {
    absl::MutexLock lock(&mu_);
    if (!stop_) stop_ = grpc::Status::CANCELLED;
  }
  Drive();
}

void Watch::OnDone() {
  std::shared_ptr<Watch> last = std::move(self_);
  // `last` may be the final reference: this ends here.
}

void Watch::Drive() {
  std::optional<grpc::Status> finish;
  {
    absl::ReleasableMutexLock lock(&mu_);
    if (stop_) {
      finish = *stop_;
    } else if (!pending_.empty()) {
      writing_ = std::move(pending_.front());
      pending_.pop_front();
    } else {
      // Nothing pending: read more (after a full page, or to know that
      // there is nothing).
      lock.Release();
      Read();
      return;
    }
  }
  if (finish) {
    Finish(*finish);
  } else {
    StartWrite(&writing_);
  }
}

void Watch::Read() {
  std::shared_ptr<Watch> self = shared_from_this();
  const bool queued = feed_->executor().Submit([self] {
    int64_t after;
    {
      absl::ReleasableMutexLock lock(&self->mu_);
      if (self->stop_) {
        lock.Release();
        self->Drive();
        return;
      }
      after = self->position_;
    }
    bool park = false;  // this driver waits for the feed
    absl::StatusOr<Page> page = ReadPage(
        self->feed_->pool(), absl::Now() + kReadTimeout, after, kStreamPage);
    {
      absl::MutexLock lock(&self->mu_);
      if (!page.ok()) {
        if (!self->stop_) self->stop_ = ToGrpcStatus(page.status());
      } else if (page->changes.empty()) {
        // Cancelled or stopped during the read: finish instead of parking.
        if (!self->stop_) self->waiting_ = park = true;
      } else {
        self->position_ = page->changes.back().sequence();
        for (v1::Change& change : page->changes) {
          self->pending_.push_back(std::move(change));
        }
      }
    }
    if (park) {
      // Parked until the feed passes `after`, unless it already has.
      if (self->feed_->Park(self, after)) return;
      absl::MutexLock lock(&self->mu_);
      if (!self->waiting_) return;  // woken or stopped meanwhile: theirs
      self->waiting_ = false;
    }
    self->Drive();
  });
  if (!queued) {
    {
      absl::MutexLock lock(&mu_);
      if (!stop_) {
        stop_ = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             "máy chủ quá tải (server overloaded)");
      }
    }
    // Without a read in flight, this thread is the driver.
    Drive();
  }
}

}  // namespace

Written Created(std::string_view resource,
                const google::protobuf::Message& value, std::string_view unit) {
  return Make(v1::Change::CREATED, resource, &value, unit);
}
Written Updated(std::string_view resource,
                const google::protobuf::Message& value, std::string_view unit) {
  return Make(v1::Change::UPDATED, resource, &value, unit);
}
Written Deleted(std::string_view resource, std::string_view unit) {
  return Make(v1::Change::DELETED, resource, nullptr, unit);
}

void Record(pqxx::transaction_base& tx, const server::CallContext& call,
            const std::vector<Written>& changes) {
  if (changes.empty()) return;
  std::vector<db::JournalChange> rows;
  rows.reserve(changes.size());
  for (const Written& change : changes) {
    rows.push_back(
        db::JournalChange{.kind = static_cast<int>(change.kind),
                          .resource = change.resource,
                          .type_url = change.value.type_url(),
                          .value = change.value.value(),
                          .unit = change.unit,
                          .method = call.method().empty() ? "-" : call.method(),
                          .request_id = call.request_id()});
  }
  db::AppendChanges(tx, std::move(rows));
  db::AfterCommit(tx, [role = std::string(tx.conn().username())] {
    Feeds::Get().Nudge(role);
  });
}

std::unique_ptr<ChangeFeed> ChangeFeed::Create(server::ServiceEnv& env,
                                               auth::Authorizer authorizer) {
  return std::make_unique<ChangeFeedImpl>(env, std::move(authorizer));
}

}  // namespace hpedu::feed
