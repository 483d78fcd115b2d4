// `hpedu follow` against a live registry (in-process, real PostgreSQL): the
// change feed as a script piping it to jq sees it, from the oldest change,
// from now, across a restart of the service, and its errors.
#include <cstdint>
#include <future>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/log.h"
#include "libs/server/service_host.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/identity.h"
#include "nlohmann/json.hpp"
#include "services/cli/commands.h"
#include "services/cli/dynamic_client.h"
#include "services/registry/registry_definition.h"

namespace hpedu::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

// How long a follow that should end is given to end.
constexpr absl::Duration kPatience = absl::Seconds(60);

// A stream buffer one thread writes while another reads.
class SharedBuffer : public std::streambuf {
 public:
  std::string Text() const {
    absl::MutexLock lock(&mutex_);
    return text_;
  }

 protected:
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      absl::MutexLock lock(&mutex_);
      text_.push_back(traits_type::to_char_type(c));
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    absl::MutexLock lock(&mutex_);
    text_.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  mutable absl::Mutex mutex_;
  std::string text_ ABSL_GUARDED_BY(mutex_);
};

// Sends std::cout and std::cerr to buffers the test can read while a
// command runs on another thread. Create it before the command starts and
// destroy it after the command has returned.
class CapturedOutput {
 public:
  CapturedOutput()
      : old_out_(std::cout.rdbuf(&out_)), old_err_(std::cerr.rdbuf(&err_)) {}
  ~CapturedOutput() {
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }

  std::string Out() const { return out_.Text(); }
  std::string Err() const { return err_.Text(); }

  // The non-empty lines printed so far.
  std::vector<std::string> OutLines() const {
    return absl::StrSplit(Out(), '\n', absl::SkipEmpty());
  }

  // Waits until `done` holds or kPatience has passed; returns `done()`.
  template <typename Predicate>
  bool Await(Predicate done) const {
    const absl::Time give_up = absl::Now() + kPatience;
    while (!done() && absl::Now() < give_up)
      absl::SleepFor(absl::Milliseconds(20));
    return done();
  }

 private:
  SharedBuffer out_;
  SharedBuffer err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
};

class CliFollowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server::SetLogSinkForTesting(+[](std::string_view) {});
    service_ = new hpedu::testing::TestService(
        hpedu::testing::StartTestService(registry::Definition()).value());
  }

  static void TearDownTestSuite() {
    service_->host->Shutdown(absl::Seconds(1));
    service_->host->Wait();
    delete service_;
    server::SetLogSinkForTesting(nullptr);
  }

  static Invocation Make(std::vector<std::string> args,
                         const std::string& address = service_->address) {
    Invocation invocation;
    invocation.args = std::move(args);
    invocation.addr = address;
    invocation.token =
        hpedu::testing::TestIdentity::Token(auth::Role::kLeadership);
    return invocation;
  }

  // `follow registry` with `after` and `limit`, on a thread of its own.
  static std::future<int> StartFollow(
      std::optional<int64_t> after, int limit,
      const std::string& address = service_->address) {
    Invocation follow = Make({"registry"}, address);
    follow.after = after;
    follow.limit = limit;
    return std::async(std::launch::async,
                      [follow] { return RunFollow(follow); });
  }

  // Calls `method` of the registry at `address` as the Sở's leadership,
  // without printing: the response as proto3 JSON.
  static nlohmann::json Call(const std::string& method,
                             const std::string& request_json,
                             const std::string& address) {
    const auto* descriptor = FindMethod(method).value();
    DynamicClient client(
        CreateChannel(address).value(), absl::Seconds(60),
        hpedu::testing::TestIdentity::Token(auth::Role::kLeadership));
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> response =
        client.Call(*descriptor,
                    *client.NewRequest(*descriptor, request_json).value());
    EXPECT_OK(response.status()) << method;
    if (!response.ok()) return nlohmann::json::object();
    return nlohmann::json::parse(MessageToJson(**response, /*pretty=*/false));
  }

  // Creates the ward units/<id>.
  static void CreateWard(const std::string& id,
                         const std::string& address = service_->address) {
    Call("RegistryService.CreateUnit",
         absl::StrCat(
             R"({"unitId": ")", id,
             R"(", "unit": {"kind": "WARD", "displayName": "Phường )", id,
             R"(", "validFrom": {"year": 2025, "month": 7, "day": 1}}})"),
         address);
  }

  // ListChanges after `after` (one page of up to 1000).
  static nlohmann::json ListChanges(
      int64_t after, const std::string& address = service_->address) {
    return Call("RegistryService.ListChanges",
                absl::StrCat(R"({"afterSequence": ")", after,
                             R"(", "pageSize": 1000})"),
                address);
  }

  static int64_t HeadSequence(const std::string& address = service_->address) {
    return Sequence(ListChanges(0, address), "headSequence");
  }

  // An int64 field of proto3 JSON: a string, absent when 0.
  static int64_t Sequence(const nlohmann::json& message,
                          const std::string& field = "sequence") {
    int64_t value = 0;
    if (message.contains(field)) {
      EXPECT_TRUE(
          absl::SimpleAtoi(message.at(field).get<std::string>(), &value))
          << message;
    }
    return value;
  }

  static std::vector<nlohmann::json> Parse(
      const std::vector<std::string>& lines) {
    std::vector<nlohmann::json> changes;
    for (const std::string& line : lines) {
      changes.push_back(nlohmann::json::parse(line));
    }
    return changes;
  }

  static hpedu::testing::TestService* service_;
};

hpedu::testing::TestService* CliFollowTest::service_ = nullptr;

TEST_F(CliFollowTest, FromTheOldestPrintsEveryChangeInOrderOneLineEach) {
  const int64_t before = HeadSequence();
  for (const char* id : {"phuong-lan", "phuong-cuc", "phuong-mai"}) {
    CreateWard(id);
  }
  // The changes as ListChanges pages them: what follow must print.
  const nlohmann::json page = ListChanges(0);
  const nlohmann::json& expected = page.at("changes");
  ASSERT_GE(expected.size(), static_cast<size_t>(before + 3)) << page;

  const int limit = static_cast<int>(expected.size());
  CapturedOutput output;
  std::future<int> follow = StartFollow(/*after=*/0, limit);
  ASSERT_EQ(follow.wait_for(absl::ToChronoSeconds(kPatience)),
            std::future_status::ready)
      << output.Err();
  ASSERT_EQ(follow.get(), kExitOk) << output.Err();

  const std::vector<std::string> lines = output.OutLines();
  ASSERT_THAT(lines, SizeIs(limit)) << output.Out();
  const std::vector<nlohmann::json> changes = Parse(lines);
  std::vector<std::string> created_wards;
  for (size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i], expected[i]) << "line " << i + 1;
    EXPECT_EQ(Sequence(changes[i]), static_cast<int64_t>(i + 1));
    if (Sequence(changes[i]) > before &&
        changes[i].value("kind", "") == std::string("CREATED")) {
      created_wards.push_back(changes[i].value("resource", ""));
    }
  }
  EXPECT_THAT(created_wards, ElementsAre("units/phuong-lan", "units/phuong-cuc",
                                         "units/phuong-mai"));
  const nlohmann::json& last = changes.back();
  EXPECT_EQ(last.at("value").at("@type"),
            "type.googleapis.com/hpedu.registry.v1.Unit");
  EXPECT_EQ(last.at("value").at("displayName"), "Phường phuong-mai");
  EXPECT_THAT(last.value("method", ""), HasSubstr("CreateUnit"));
  EXPECT_THAT(output.Err(), HasSubstr("(following registry after change 0)"));
}

TEST_F(CliFollowTest, AfterNStartsAfterThatChange) {
  CreateWard("phuong-dao");
  CreateWard("phuong-le");
  const nlohmann::json expected = ListChanges(0).at("changes");
  ASSERT_GE(expected.size(), 2u);
  const int64_t after = Sequence(expected[expected.size() - 2]) - 1;

  CapturedOutput output;
  std::future<int> follow = StartFollow(after, /*limit=*/2);
  ASSERT_EQ(follow.wait_for(absl::ToChronoSeconds(kPatience)),
            std::future_status::ready)
      << output.Err();
  ASSERT_EQ(follow.get(), kExitOk) << output.Err();
  const std::vector<nlohmann::json> changes = Parse(output.OutLines());
  ASSERT_THAT(changes, SizeIs(2)) << output.Out();
  EXPECT_EQ(changes[0], expected[expected.size() - 2]);
  EXPECT_EQ(changes[1], expected[expected.size() - 1]);
  EXPECT_EQ(Sequence(changes[0]), after + 1);
}

TEST_F(CliFollowTest, FromNowPrintsOnlyTheChangesMadeSinceItStarted) {
  CreateWard("phuong-cu");  // an old change follow must skip
  const int64_t head = HeadSequence();
  ASSERT_GT(head, 0);

  CapturedOutput output;
  std::future<int> follow = StartFollow(/*after=*/std::nullopt, /*limit=*/1);
  // Once it has read the head it cannot miss a later change.
  const std::string started =
      absl::StrCat("(following registry after change ", head, ")");
  ASSERT_TRUE(output.Await([&] {
    return absl::StrContains(output.Err(), started);
  })) << output.Err();
  EXPECT_THAT(output.Out(), Not(HasSubstr("phuong-cu")));
  CreateWard("phuong-moi");
  if (follow.wait_for(absl::ToChronoSeconds(kPatience)) !=
      std::future_status::ready) {
    // Unblock it with another change, so the test fails instead of hanging.
    CreateWard("phuong-moi-2");
    FAIL() << "follow printed nothing for the new unit: " << output.Err();
  }
  ASSERT_EQ(follow.get(), kExitOk) << output.Err();

  const std::vector<nlohmann::json> changes = Parse(output.OutLines());
  ASSERT_THAT(changes, SizeIs(1)) << output.Out();
  EXPECT_EQ(changes[0].value("resource", ""), "units/phuong-moi");
  EXPECT_EQ(changes[0].value("kind", ""), "CREATED");
  EXPECT_EQ(Sequence(changes[0]), head + 1);
  EXPECT_EQ(changes[0], ListChanges(head).at("changes").at(0));
}

TEST_F(CliFollowTest, ReconnectsAfterARestartAndResumesAfterTheLastPrinted) {
  // A registry of its own, restarted on the same port and database.
  hpedu::testing::TestService own =
      hpedu::testing::StartTestService(registry::Definition()).value();
  const int64_t head = HeadSequence(own.address);

  CapturedOutput output;
  std::future<int> follow = StartFollow(head, /*limit=*/2, own.address);
  CreateWard("phuong-truoc", own.address);
  ASSERT_TRUE(output.Await([&] { return output.OutLines().size() == 1; }))
      << output.Out() << output.Err();

  own.host->Shutdown(absl::Seconds(1));
  own.host->Wait();
  ASSERT_TRUE(output.Await([&] {
    return absl::StrContains(output.Err(), "mất kết nối");
  })) << output.Err();
  server::ServerConfig config =
      hpedu::testing::TestServerConfig("registry", own.db);
  config.listen_address = own.address;
  own.host = server::ServiceHost::Start(config, registry::Definition()).value();
  CreateWard("phuong-sau", own.address);

  ASSERT_EQ(follow.wait_for(absl::ToChronoSeconds(kPatience)),
            std::future_status::ready)
      << output.Err();
  ASSERT_EQ(follow.get(), kExitOk) << output.Err();
  const std::vector<nlohmann::json> changes = Parse(output.OutLines());
  ASSERT_THAT(changes, SizeIs(2)) << output.Out();
  EXPECT_EQ(changes[0].value("resource", ""), "units/phuong-truoc");
  EXPECT_EQ(changes[1].value("resource", ""), "units/phuong-sau");
  EXPECT_EQ(Sequence(changes[0]), head + 1);
  EXPECT_EQ(Sequence(changes[1]), head + 2);
  EXPECT_THAT(output.Err(),
              HasSubstr(absl::StrCat("(disconnected from ", own.address,
                                     ", retrying in 500ms)")));
  // The service stops right after the follower went away: the stream it
  // cancelled, perhaps while the service was reading the next page, must
  // still end, or this shutdown hangs.
  own.host->Shutdown(absl::Seconds(1));
  own.host->Wait();
}

TEST_F(CliFollowTest, OtherErrorsEndItWithTheServersError) {
  const int64_t head = HeadSequence();
  {
    CapturedOutput output;
    std::future<int> follow = StartFollow(head + 1000, /*limit=*/1);
    ASSERT_EQ(follow.wait_for(absl::ToChronoSeconds(kPatience)),
              std::future_status::ready)
        << output.Err();
    EXPECT_EQ(follow.get(), kExitFailed);
    EXPECT_EQ(output.Out(), "");
    EXPECT_THAT(output.Err(), HasSubstr("OUT_OF_RANGE"));
    EXPECT_THAT(output.Err(), HasSubstr("CHANGE_SEQUENCE_AHEAD"));
    EXPECT_THAT(output.Err(), Not(HasSubstr("mất kết nối")));
  }
  {
    Invocation follow = Make({"registry"});
    follow.token = hpedu::testing::TestIdentity::Token(
        auth::Role::kCommuneOfficer, "units/phuong-do-son");
    CapturedOutput output;
    std::future<int> result =
        std::async(std::launch::async, [follow] { return RunFollow(follow); });
    ASSERT_EQ(result.wait_for(absl::ToChronoSeconds(kPatience)),
              std::future_status::ready)
        << output.Err();
    EXPECT_EQ(result.get(), kExitFailed);
    EXPECT_THAT(output.Err(), HasSubstr("PERMISSION_DENIED"));
  }
}

TEST_F(CliFollowTest, NeedsAServiceWithAFeed) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunFollow(Make({"gateway"})), kExitUsage);
  EXPECT_EQ(RunFollow(Make({})), kExitUsage);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("change feed): registry"));
}

}  // namespace
}  // namespace hpedu::cli
