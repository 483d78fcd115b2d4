// A throwaway SMTP server for tests: Debian's aiosmtpd (python3-aiosmtpd)
// on a free port of 127.0.0.1, storing what it accepts in a Maildir in a
// temporary directory. Killed and deleted on destruction. No mock: the
// client under test speaks SMTP to a real server.
//
//   ASSERT_OK_AND_ASSIGN(std::unique_ptr<SmtpServer> smtp,
//   SmtpServer::Start());
//   ... send to smtp->url() ...
//   ASSERT_OK_AND_ASSIGN(std::vector<ReceivedEmail> emails,
//                        smtp->WaitFor(1, absl::Seconds(10)));
#ifndef HPEDU_LIBS_TESTING_SMTP_SERVER_H_
#define HPEDU_LIBS_TESTING_SMTP_SERVER_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hpedu::testing {

// One stored email, decoded.
struct ReceivedEmail {
  std::string mail_from;   // the envelope sender (MAIL FROM)
  std::string rcpt_to;     // the envelope recipients (RCPT TO), ", "-joined
  std::string from;        // the From header, RFC 2047 words decoded
  std::string to;          // the To header
  std::string subject;     // the Subject header, RFC 2047 words decoded
  std::string message_id;  // the Message-ID header, angle brackets included
  std::string date;        // the Date header
  // The body, base64 decoded when Content-Transfer-Encoding says so, line
  // ends made "\n".
  std::string text;
  // Every header as stored, unfolded, in order: for what the fields above
  // do not cover.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Parses one RFC 5322 message (CRLF or LF line ends): headers with their
// continuation lines, the fields of ReceivedEmail. INVALID_ARGUMENT if there
// is no blank line after the headers or the base64 body does not decode.
// Exposed to test message formatting without a server.
absl::StatusOr<ReceivedEmail> ParseEmail(absl::string_view message);

// Decodes the RFC 2047 encoded-words (B and Q, UTF-8 or US-ASCII) in a
// header value, dropping the whitespace between adjacent ones. Words it
// cannot decode stay as they are.
std::string DecodeEncodedWords(absl::string_view value);

// Thread-compatible: one thread starts, stops and restarts it; Received and
// WaitFor only read the Maildir and may run on any thread.
class SmtpServer {
 public:
  // Starts aiosmtpd (/usr/bin/python3 -m aiosmtpd, with the
  // aiosmtpd.handlers.Mailbox handler) and waits until it accepts
  // connections. UNAVAILABLE with its output if it does not within 10 s.
  // The child is killed if the thread that started it exits. A message
  // larger than `max_message_bytes` is refused with 552 (0: aiosmtpd's
  // default, 32 MiB).
  static absl::StatusOr<std::unique_ptr<SmtpServer>> Start(
      int64_t max_message_bytes = 0);

  // Kills the server, reaps it, removes its directory.
  ~SmtpServer();

  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  int port() const { return port_; }
  // "smtp://127.0.0.1:<port>"
  std::string url() const;
  // The temporary directory: maildir/ and server.log.
  const std::string& directory() const { return dir_; }

  // Every email stored so far (also those from before a Restart), oldest
  // first.
  absl::StatusOr<std::vector<ReceivedEmail>> Received() const;
  // Received() once it holds at least `count` emails; DEADLINE_EXCEEDED
  // saying how many there were if that takes longer than `timeout`.
  absl::StatusOr<std::vector<ReceivedEmail>> WaitFor(
      size_t count, absl::Duration timeout) const;

  // Stops the server (SIGTERM, then reaps it): clients are refused.
  absl::Status Stop();
  // Starts it again on the same port and Maildir.
  absl::Status Restart();

 private:
  SmtpServer(std::string dir, int64_t max_message_bytes)
      : dir_(std::move(dir)), max_message_bytes_(max_message_bytes) {}
  // Spawns aiosmtpd on port_ and waits until it accepts connections.
  absl::Status Launch();
  std::string LogPath() const { return dir_ + "/server.log"; }
  std::string MaildirPath() const { return dir_ + "/maildir"; }

  const std::string dir_;
  const int64_t max_message_bytes_;
  int port_ = 0;
  pid_t pid_ = -1;  // the running server, or -1
};

}  // namespace hpedu::testing

#endif  // HPEDU_LIBS_TESTING_SMTP_SERVER_H_
