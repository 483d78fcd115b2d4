// The channels against real peers: aiosmtpd for SMTP, an httplib server for
// webhooks, both on ports of 127.0.0.1 the fixtures pick.
#include "libs/notify/notify.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/smtp_server.h"
#include "libs/testing/webhook_receiver.h"

namespace hpedu::notify {
namespace {

using ::hpedu::testing::DecodeEncodedWords;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::ParseEmail;
using ::hpedu::testing::ReceivedEmail;
using ::hpedu::testing::SmtpServer;
using ::hpedu::testing::StatusIs;
using ::hpedu::testing::WebhookReceiver;
using ::hpedu::testing::WebhookRequest;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Gt;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::SizeIs;

constexpr absl::Duration kWait = absl::Seconds(10);
constexpr char kFrom[] = "nhacviec@hpedu.haiphong.gov.vn";
constexpr char kFromName[] = "Sở Giáo dục và Đào tạo Hải Phòng";
constexpr char kTo[] = "vanthu@thpt-ngoquyen.edu.vn";
constexpr char kSubject[] = "Nhắc việc: 2 nhiệm vụ quá hạn";
// Lines longer than 76 bytes, so base64 has to wrap what was one line.
constexpr char kText[] =
    "Kính gửi: Trường THPT Ngô Quyền\n"
    "\n"
    "Theo kế hoạch năm học 2024–2025 của Sở Giáo dục và Đào tạo Hải Phòng, "
    "đơn vị còn 2 nhiệm vụ đã quá hạn chưa được báo cáo hoàn thành:\n"
    "1. Báo cáo sơ kết học kỳ I và kế hoạch triển khai nhiệm vụ học kỳ II "
    "(hạn 15/01/2025)\n"
    "2. Kế hoạch bồi dưỡng thường xuyên giáo viên (hạn 20/01/2025)\n"
    "\n"
    "Trân trọng./.\n";
constexpr char kJson[] =
    R"({"unit":"units/thpt-ngo-quyen","overdue":2,"title":"Nhắc việc: 2 nhiệm vụ quá hạn"})";

Message Digest(std::string id) {
  return Message{
      .id = std::move(id), .subject = kSubject, .text = kText, .json = kJson};
}

// Well-formed UTF-8 (no truncated or stray sequences); enough for tests.
bool IsUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = lead < 0x80           ? 1
                          : (lead >> 5) == 0x6  ? 2
                          : (lead >> 4) == 0xE  ? 3
                          : (lead >> 3) == 0x1E ? 4
                                                : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t j = 1; j < length; ++j) {
      if ((static_cast<unsigned char>(text[i + j]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

class SmtpChannelTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK_AND_ASSIGN(smtp_, SmtpServer::Start()); }

  std::unique_ptr<Channel> NewChannel() const {
    return NewSmtpChannel(
        {.url = smtp_->url(), .from = kFrom, .timeout = absl::Seconds(10)});
  }

  std::unique_ptr<SmtpServer> smtp_;
};

TEST_F(SmtpChannelTest, DeliversVietnameseSubjectAndBody) {
  const std::vector<std::string> lines = absl::StrSplit(kText, '\n');
  ASSERT_THAT(lines, Contains(SizeIs(Gt(76))));
  ASSERT_OK(NewChannel()->Send(kTo, Digest("digest-2025-01-21.unit-42")));

  ASSERT_OK_AND_ASSIGN(std::vector<ReceivedEmail> emails,
                       smtp_->WaitFor(1, kWait));
  ASSERT_THAT(emails, SizeIs(1));
  const ReceivedEmail& email = emails[0];
  EXPECT_EQ(email.mail_from, kFrom);
  EXPECT_EQ(email.rcpt_to, kTo);
  EXPECT_EQ(email.from, absl::StrCat(kFromName, " <", kFrom, ">"));
  EXPECT_EQ(email.to, kTo);
  EXPECT_EQ(email.subject, kSubject);
  EXPECT_EQ(email.message_id,
            "<digest-2025-01-21.unit-42@hpedu.haiphong.gov.vn>");
  EXPECT_EQ(email.text, kText);
  EXPECT_THAT(email.headers,
              Contains(Pair("Content-Type", "text/plain; charset=UTF-8")));
}

TEST_F(SmtpChannelTest, MalformedAddressIsInvalidArgumentAndSendsNothing) {
  std::unique_ptr<Channel> channel = NewChannel();
  for (const std::string& address : std::vector<std::string>{
           "", "no-at-sign", "a@b@thpt.edu.vn", "@thpt.edu.vn", "vanthu@",
           "van thu@thpt.edu.vn", "<vanthu@thpt.edu.vn>",
           "vanthu@thpt.edu.vn\r\nRCPT TO:<other@x.vn>", "a@x.vn,b@x.vn",
           "vanthu@thpt..edu.vn", "văn.thư@thpt.edu.vn"}) {
    EXPECT_THAT(channel->Send(address, Digest("bad-address")),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << address;
  }
  for (const std::string& id :
       std::vector<std::string>{"", "a b", "x\r\nBcc: y@x.vn", ".x", "a..b",
                                std::string(129, 'a')}) {
    EXPECT_THAT(channel->Send(kTo, Digest(id)),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << id;
  }

  // One good message afterwards: it must be the only one there.
  ASSERT_OK(channel->Send(kTo, Digest("after-bad-ones")));
  ASSERT_OK_AND_ASSIGN(std::vector<ReceivedEmail> emails,
                       smtp_->WaitFor(1, kWait));
  ASSERT_THAT(emails, SizeIs(1));
  EXPECT_EQ(emails[0].message_id, "<after-bad-ones@hpedu.haiphong.gov.vn>");
}

TEST_F(SmtpChannelTest, StoppedServerIsUnavailableUntilRestarted) {
  std::unique_ptr<Channel> channel = NewChannel();
  ASSERT_OK(smtp_->Stop());
  EXPECT_THAT(channel->Send(kTo, Digest("while-down")),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr(absl::StrCat("port ", smtp_->port()))));

  ASSERT_OK(smtp_->Restart());
  ASSERT_OK(channel->Send(kTo, Digest("while-down")));
  ASSERT_OK_AND_ASSIGN(std::vector<ReceivedEmail> emails,
                       smtp_->WaitFor(1, kWait));
  ASSERT_THAT(emails, SizeIs(1));
  EXPECT_EQ(emails[0].subject, kSubject);
  EXPECT_EQ(emails[0].message_id, "<while-down@hpedu.haiphong.gov.vn>");
}

TEST(SmtpChannelRefusalTest, OversizedMessageIsFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SmtpServer> smtp,
                       SmtpServer::Start(/*max_message_bytes=*/1024));
  std::unique_ptr<Channel> channel = NewSmtpChannel({.url = smtp->url()});
  Message big = Digest("too-big");
  for (int i = 0; i < 4; ++i) big.text += big.text;
  EXPECT_THAT(
      channel->Send(kTo, big),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("552")));

  // The server is fine; a small message still goes through.
  ASSERT_OK(channel->Send(
      kTo,
      Message{.id = "small", .subject = "Nhắc việc", .text = "Một dòng."}));
  ASSERT_OK_AND_ASSIGN(std::vector<ReceivedEmail> emails,
                       smtp->WaitFor(1, kWait));
  ASSERT_THAT(emails, SizeIs(1));
  EXPECT_EQ(emails[0].text, "Một dòng.");
}

TEST(SmtpChannelConfigTest, MalformedFromIsFailedPrecondition) {
  // Checked before connecting: no server needed.
  std::unique_ptr<Channel> channel =
      NewSmtpChannel({.url = "smtp://127.0.0.1:1", .from = "hpedu\r\nBcc: x"});
  EXPECT_THAT(channel->Send(kTo, Digest("bad-from")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("SmtpOptions::from")));
}

TEST(FormatEmailTest, LinesAreShortAndCrlfTerminated) {
  Message message = Digest("digest-7");
  // Long enough for several encoded-words, each of whole characters.
  message.subject =
      absl::StrCat(kSubject,
                   " — Trường THPT Ngô Quyền, Trường THCS Hồng Bàng, Trường "
                   "Tiểu học Đằng Hải, Trường Mầm non Hoa Phượng");
  const std::string email =
      FormatEmail(SmtpOptions{.from = kFrom}, kTo, message,
                  absl::FromCivil(absl::CivilSecond(2025, 1, 21, 7, 30, 5),
                                  absl::UTCTimeZone()));

  ASSERT_TRUE(absl::EndsWith(email, "\r\n"));
  std::vector<std::string> lines =
      absl::StrSplit(email.substr(0, email.size() - 2), "\r\n");
  int encoded_subject_lines = 0;
  for (const std::string& line : lines) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_THAT(line, AllOf(Not(HasSubstr("\r")), Not(HasSubstr("\n"))));
    if (absl::StartsWith(line, "Subject: ") ||
        (encoded_subject_lines > 0 && absl::StartsWith(line, " "))) {
      ++encoded_subject_lines;
      EXPECT_TRUE(IsUtf8(DecodeEncodedWords(
          absl::StripAsciiWhitespace(absl::StripPrefix(line, "Subject: ")))))
          << "an encoded-word splits a character: " << line;
    } else if (encoded_subject_lines > 0) {
      encoded_subject_lines = -encoded_subject_lines;  // subject done
    }
  }
  EXPECT_LE(encoded_subject_lines, -3);

  ASSERT_OK_AND_ASSIGN(ReceivedEmail parsed, ParseEmail(email));
  EXPECT_EQ(parsed.from, absl::StrCat(kFromName, " <", kFrom, ">"));
  EXPECT_EQ(parsed.to, kTo);
  EXPECT_EQ(parsed.subject, message.subject);
  EXPECT_EQ(parsed.date, "Tue, 21 Jan 2025 07:30:05 +0000");
  EXPECT_EQ(parsed.message_id, "<digest-7@hpedu.haiphong.gov.vn>");
  EXPECT_EQ(parsed.text, kText);
  EXPECT_THAT(parsed.headers,
              AllOf(Contains(Pair("MIME-Version", "1.0")),
                    Contains(Pair("Content-Type", "text/plain; charset=UTF-8")),
                    Contains(Pair("Content-Transfer-Encoding", "base64")),
                    Contains(Pair("Auto-Submitted", "auto-generated"))));
  // The body: base64 lines of exactly 76 characters, save the last.
  const size_t body = email.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  std::vector<std::string> body_lines =
      absl::StrSplit(email.substr(body + 4, email.size() - body - 6), "\r\n");
  ASSERT_THAT(body_lines, SizeIs(Gt(2)));
  body_lines.pop_back();
  EXPECT_THAT(body_lines, Each(SizeIs(76)));
}

TEST(FormatEmailTest, LoneLineFeedsBecomeCrlfInTheBody) {
  const std::string email =
      FormatEmail(SmtpOptions{}, kTo,
                  Message{.id = "x", .subject = "a", .text = "một\nhai\r\nba"},
                  absl::UnixEpoch());
  const size_t body = email.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(
      absl::StripAsciiWhitespace(email.substr(body + 4)), &decoded));
  EXPECT_EQ(decoded, "một\r\nhai\r\nba");
  EXPECT_THAT(email, HasSubstr("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
}

class WebhookChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(receiver_, WebhookReceiver::Start());
  }

  std::unique_ptr<WebhookReceiver> receiver_;
  std::unique_ptr<Channel> channel_ =
      NewWebhookChannel({.timeout = absl::Seconds(5)});
};

TEST_F(WebhookChannelTest, PostsJsonWithIdempotencyKey) {
  ASSERT_OK(channel_->Send(receiver_->uri("/hooks/hpedu?unit=42"),
                           Digest("digest-2025-01-21.unit-42")));

  const std::vector<WebhookRequest> requests = receiver_->Requests();
  ASSERT_THAT(requests, SizeIs(1));
  EXPECT_EQ(requests[0].path, "/hooks/hpedu?unit=42");
  EXPECT_EQ(requests[0].body, kJson);
  EXPECT_EQ(requests[0].idempotency_key, "digest-2025-01-21.unit-42");
  EXPECT_EQ(requests[0].content_type, "application/json; charset=utf-8");
  EXPECT_EQ(requests[0].user_agent, "hpedu-notify");
  EXPECT_EQ(requests[0].status, 200);
}

TEST_F(WebhookChannelTest, RetryableStatusesAreUnavailable) {
  const std::vector<int> statuses = {503, 500, 408, 429};
  for (int status : statuses) receiver_->FailNext(1, status);
  for (int status : statuses) {
    EXPECT_THAT(
        channel_->Send(receiver_->uri("/secret-token-8f3a"), Digest("retry-1")),
        StatusIs(absl::StatusCode::kUnavailable,
                 AllOf(HasSubstr(absl::StrCat("HTTP ", status)),
                       HasSubstr(absl::StrCat("scripted answer ", status)),
                       Not(HasSubstr("secret-token-8f3a")))));
  }
  // The script is used up: the retry is accepted.
  ASSERT_OK(channel_->Send(receiver_->uri(), Digest("retry-1")));

  const std::vector<WebhookRequest> requests = receiver_->Requests();
  ASSERT_THAT(requests, SizeIs(5));
  EXPECT_THAT(requests,
              Each(Field(&WebhookRequest::idempotency_key, "retry-1")));
  std::vector<int> answered;
  for (const WebhookRequest& request : requests) {
    answered.push_back(request.status);
  }
  EXPECT_THAT(answered, ElementsAre(503, 500, 408, 429, 200));
}

TEST_F(WebhookChannelTest, OtherClientErrorsAreFailedPrecondition) {
  for (int status : {404, 400, 410, 301}) {
    receiver_->FailNext(1, status);
    EXPECT_THAT(channel_->Send(receiver_->uri(), Digest("refused")),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         HasSubstr(absl::StrCat("HTTP ", status))));
  }
  EXPECT_THAT(receiver_->Requests(), SizeIs(4));
}

TEST_F(WebhookChannelTest, ClosedPortIsUnavailable) {
  std::string closed_uri;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<WebhookReceiver> gone,
                         WebhookReceiver::Start());
    closed_uri = gone->uri();
  }
  EXPECT_THAT(channel_->Send(closed_uri, Digest("nobody-home")),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(WebhookChannelTest, TlsHandshakeFailureIsUnavailable) {
  // The receiver speaks plain HTTP: the handshake fails.
  EXPECT_THAT(
      channel_->Send(
          absl::StrCat("https://127.0.0.1:", receiver_->port(), "/hook"),
          Digest("tls")),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("TLS")));
  EXPECT_THAT(receiver_->Requests(), IsEmpty());
}

TEST_F(WebhookChannelTest, MalformedUriOrIdIsInvalidArgumentAndSendsNothing) {
  const std::string port = absl::StrCat(receiver_->port());
  for (const std::string& uri : std::vector<std::string>{
           "ftp://x",
           "http://example.com/x",
           "http://10.0.0.1:" + port + "/hook",
           "",
           "127.0.0.1:" + port + "/hook",
           "https://",
           "https://user:pw@example.com/x",
           "https://exa mple.com/x",
           "https://[::1/x",
           "http://127.0.0.1:0/hook",
           "http://127.0.0.1:65536/hook",
           "http://127.0.0.1:+" + port + "/hook",
           "http://127.0.0.1:" + port + "/thư",
       }) {
    EXPECT_THAT(channel_->Send(uri, Digest("bad-uri")),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << uri;
  }
  for (const std::string& id :
       std::vector<std::string>{"", "a b", "x\r\nX-Evil: 1"}) {
    EXPECT_THAT(channel_->Send(receiver_->uri(), Digest(id)),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << id;
  }
  EXPECT_THAT(receiver_->Requests(), IsEmpty());
}

TEST_F(WebhookChannelTest, SendsFromManyThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_OK(channel_->Send(receiver_->uri(),
                                 Digest(absl::StrCat("m-", t, "-", i))));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_OK_AND_ASSIGN(std::vector<WebhookRequest> requests,
                       receiver_->WaitFor(kThreads * kPerThread, kWait));
  std::vector<std::string> keys;
  for (const WebhookRequest& request : requests) {
    keys.push_back(request.idempotency_key);
  }
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::unique(keys.begin(), keys.end()), keys.end());
  EXPECT_THAT(keys, SizeIs(kThreads * kPerThread));
}

}  // namespace
}  // namespace hpedu::notify
