// Outbound notifications: one message to one address, by email (SMTP,
// through libcurl) or by an HTTPS webhook (a JSON POST). Only the transport:
// retries, scheduling and bookkeeping belong to the caller's outbox, which
// reads the returned status to decide whether to try again.
//
//   std::unique_ptr<Channel> email = NewSmtpChannel({.url = "smtp://mx:25"});
//   absl::Status sent = email->Send("vanthu@thpt-ngoquyen.edu.vn", message);
//   if (absl::IsUnavailable(sent)) { /* keep it in the outbox, retry later */ }
#ifndef HPEDU_LIBS_NOTIFY_NOTIFY_H_
#define HPEDU_LIBS_NOTIFY_NOTIFY_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace hpedu::notify {

// One message, sent to one address of a channel.
struct Message {
  // Unique and stable per message: sending it again sends the same id, so a
  // receiver can drop the repeat. Becomes the email's Message-ID
  // <id@hpedu.haiphong.gov.vn> and the webhook's Idempotency-Key header.
  // 1 to 128 characters of [A-Za-z0-9._-]; anything else is
  // INVALID_ARGUMENT.
  std::string id;
  std::string subject;  // UTF-8 (Vietnamese); the email's Subject
  std::string text;     // UTF-8 plain text; the email's body
  std::string json;     // the webhook's body (application/json; charset=utf-8)
};

// Where a message goes and how. Thread-safe: Send may be called from many
// threads at once; each call uses its own connection.
class Channel {
 public:
  virtual ~Channel() = default;

  // Delivers `message` to `address`: an email address for SMTP, an https://
  // URI for a webhook (http:// only for the loopback hosts 127.0.0.1,
  // localhost and [::1]). Blocks no longer than the channel's timeout allows.
  //
  // OK: the receiver accepted it (SMTP 250 after DATA; HTTP 2xx).
  // INVALID_ARGUMENT: a malformed address or message id; nothing was sent.
  // UNAVAILABLE: worth retrying: no connection, connection reset, TLS
  //   failure, SMTP 4xx, HTTP 5xx, 408 or 429.
  // DEADLINE_EXCEEDED: timed out (SMTP; a webhook's connect); worth
  //   retrying. A webhook that stops answering midway is UNAVAILABLE.
  // FAILED_PRECONDITION: refused for good (SMTP 5xx, any other HTTP status),
  //   or the channel is misconfigured (SmtpOptions::from, the url's scheme).
  // The message of an error says what the receiver answered: the status
  // code and the first part of the SMTP reply or the HTTP body. It never
  // contains a webhook URI's path or query, which may hold a secret.
  virtual absl::Status Send(const std::string& address,
                            const Message& message) = 0;
};

struct SmtpOptions {
  // smtp:// or smtps:// (implicit TLS), as libcurl takes it. A path names
  // the EHLO domain (smtp://mx.example:25/hpedu.haiphong.gov.vn); user and
  // password in the URL log in (smtps://user:secret@mx.example).
  std::string url = "smtp://127.0.0.1:25";
  // The envelope sender and the From: address.
  std::string from = "hpedu@localhost";
  // The From: display name.
  std::string from_name = "Sở Giáo dục và Đào tạo Hải Phòng";
  // For the whole exchange with the server, connection included.
  absl::Duration timeout = absl::Seconds(30);
};

// Sends email through the SMTP server at `options.url`, one connection per
// message.
std::unique_ptr<Channel> NewSmtpChannel(SmtpOptions options);

struct WebhookOptions {
  // Bounds connecting, then writing the request, then each read of the
  // response (not their sum).
  absl::Duration timeout = absl::Seconds(10);
};

// POSTs `Message::json` to the address, with the headers
//   Content-Type: application/json; charset=utf-8
//   Idempotency-Key: <Message::id>
//   User-Agent: hpedu-notify
// Redirects are not followed (a 3xx is FAILED_PRECONDITION). HTTPS verifies
// the server's certificate against the system's CA store.
std::unique_ptr<Channel> NewWebhookChannel(WebhookOptions options);

// The RFC 5322 message the SMTP channel uploads for `message` to `to`, dated
// `date` (written in UTC): From (the display name RFC 2047-encoded), To,
// Subject (RFC 2047 "=?UTF-8?B?...?=" encoded-words, one per line, whole
// characters each), Date, Message-ID, Auto-Submitted: auto-generated (so
// vacation responders stay quiet), MIME-Version, Content-Type: text/plain;
// charset=UTF-8 and Content-Transfer-Encoding: base64; then the body (line
// ends made CRLF) in base64, 76 columns. Every line ends with CRLF and stays
// within 78 characters, save a From line with an address that long. Does not
// validate: Send does that first.
std::string FormatEmail(const SmtpOptions& options, const std::string& to,
                        const Message& message, absl::Time date);

}  // namespace hpedu::notify

#endif  // HPEDU_LIBS_NOTIFY_NOTIFY_H_
