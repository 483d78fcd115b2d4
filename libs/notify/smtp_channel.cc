// The SMTP channel: FormatEmail builds the message, libcurl delivers it, one
// easy handle (and connection) per Send.
#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "libs/notify/address.h"
#include "libs/notify/internal/checks.h"
#include "libs/notify/notify.h"
#include "libs/status/status_macros.h"

namespace hpedu::notify {
namespace {

constexpr char kMessageIdDomain[] = "hpedu.haiphong.gov.vn";
// 39 bytes make 52 base64 characters, a 64-character encoded-word: with
// "Subject: " or a folding space in front, a line of at most 73.
constexpr size_t kEncodedWordBytes = 39;
constexpr size_t kBase64LineLength = 76;

// RFC 2047 B encoded-words for `text`, each holding whole UTF-8 characters.
std::vector<std::string> EncodedWords(absl::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    size_t end = std::min(text.size(), kEncodedWordBytes);
    // Do not split a character: back up to the start of the one cut.
    while (end < text.size() && end > 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    words.push_back(absl::StrCat(
        "=?UTF-8?B?", absl::Base64Escape(text.substr(0, end)), "?="));
    text.remove_prefix(end);
  }
  return words;
}

// `value` as encoded-words folded one per line: "word1\r\n word2".
std::string FoldedEncodedWords(absl::string_view value) {
  return absl::StrJoin(EncodedWords(value), "\r\n ");
}

// RFC 5322 date-time in UTC, with English names whatever the locale.
std::string Rfc5322Date(absl::Time date) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilSecond civil =
      absl::ToCivilSecond(date, absl::UTCTimeZone());
  // absl::Weekday counts from Monday = 0.
  static constexpr const char* kWeekdays[] = {"Mon", "Tue", "Wed", "Thu",
                                              "Fri", "Sat", "Sun"};
  const char* weekday = kWeekdays[static_cast<int>(absl::GetWeekday(civil))];
  return absl::StrFormat("%s, %02d %s %d %02d:%02d:%02d +0000", weekday,
                         civil.day(), kMonths[civil.month() - 1], civil.year(),
                         civil.hour(), civil.minute(), civil.second());
}

// `text` with every line end (LF, CR or CRLF) made CRLF: the canonical form
// of text/plain that base64 must encode (RFC 2045, 6.8).
std::string CanonicalLineEnds(absl::string_view text) {
  std::string canonical;
  canonical.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      canonical += "\r\n";
    } else if (text[i] == '\n') {
      canonical += "\r\n";
    } else {
      canonical += text[i];
    }
  }
  return canonical;
}

void InitCurlOnce() {
  // Never cleaned up: curl_global_cleanup is not thread-safe, and at exit
  // another thread may still be sending. (OpenSSL 3 frees its own state at
  // exit; LeakSanitizer finds nothing left.)
  static absl::once_flag once;
  absl::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What one Send hands to libcurl's callbacks.
struct Exchange {
  absl::string_view upload;  // what is left of the message to send
  std::string last_reply;    // the server's most recent reply line
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* exchange = static_cast<Exchange*>(user);
  const size_t n = std::min(size * count, exchange->upload.size());
  std::memcpy(buffer, exchange->upload.data(), n);
  exchange->upload.remove_prefix(n);
  return n;
}

// Keeps the server's replies (CURLINFO_HEADER_IN, for SMTP) so an error
// can quote what the server said, not only its code.
int WatchReplies(CURL*, curl_infotype type, char* data, size_t size,
                 void* user) {
  if (type == CURLINFO_HEADER_IN) {
    static_cast<Exchange*>(user)->last_reply =
        internal::Excerpt(absl::string_view(data, size));
  }
  return 0;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

absl::Status StatusOfTransfer(CURLcode result, long reply_code,
                              const char* error, const Exchange& exchange) {
  if (result == CURLE_OK) return absl::OkStatus();
  std::string message = absl::StrCat(
      "SMTP: ", error[0] != '\0' ? error : curl_easy_strerror(result));
  if (reply_code >= 400 && !exchange.last_reply.empty()) {
    absl::StrAppend(&message, "; the server answered \"", exchange.last_reply,
                    "\"");
  }
  if (result == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(message);
  }
  if (reply_code >= 500 && reply_code < 600) {
    return absl::FailedPreconditionError(message);
  }
  if (reply_code >= 400 && reply_code < 500) {
    return absl::UnavailableError(message);
  }
  switch (result) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_LOGIN_DENIED:
      return absl::FailedPreconditionError(message);
    case CURLE_OUT_OF_MEMORY:
      return absl::ResourceExhaustedError(message);
    default:
      // Connection, TLS, unexpected replies: the server, or the way to it,
      // may be better later.
      return absl::UnavailableError(message);
  }
}

class SmtpChannel final : public Channel {
 public:
  explicit SmtpChannel(SmtpOptions options) : options_(std::move(options)) {}

  absl::Status Send(const std::string& address,
                    const Message& message) override {
    RETURN_IF_ERROR(CheckEmailAddress(address));
    RETURN_IF_ERROR(internal::CheckMessageId(message.id));
    if (!internal::IsEmailAddress(options_.from)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "SmtpOptions::from \"", internal::Excerpt(options_.from, 80),
          "\" is not an email address"));
    }
    InitCurlOnce();

    const std::string email =
        FormatEmail(options_, address, message, absl::Now());
    Exchange exchange{.upload = email};
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
    std::unique_ptr<curl_slist, CurlDeleter> recipients(
        curl_slist_append(nullptr, absl::StrCat("<", address, ">").c_str()));
    if (recipients == nullptr) return absl::InternalError("curl_slist_append");
    const std::string mail_from = absl::StrCat("<", options_.from, ">");
    char error[CURL_ERROR_SIZE] = "";

    CURL* handle = curl.get();
    curl_easy_setopt(handle, CURLOPT_URL, options_.url.c_str());
    // Nothing but SMTP, whatever the URL says.
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(
        handle, CURLOPT_TIMEOUT_MS,
        static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
    curl_easy_setopt(handle, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, &ReadUpload);
    curl_easy_setopt(handle, CURLOPT_READDATA, &exchange);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
    // The debug callback sees the server's replies; with it set, VERBOSE
    // prints nothing.
    curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, &WatchReplies);
    curl_easy_setopt(handle, CURLOPT_DEBUGDATA, &exchange);
    curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);

    const CURLcode result = curl_easy_perform(handle);
    long reply_code = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply_code);
    return StatusOfTransfer(result, reply_code, error, exchange);
  }

 private:
  const SmtpOptions options_;
};

}  // namespace

std::unique_ptr<Channel> NewSmtpChannel(SmtpOptions options) {
  return std::make_unique<SmtpChannel>(std::move(options));
}

std::string FormatEmail(const SmtpOptions& options, const std::string& to,
                        const Message& message, absl::Time date) {
  std::string email;
  if (options.from_name.empty()) {
    absl::StrAppend(&email, "From: ", options.from, "\r\n");
  } else {
    // The address on a line of its own keeps the lines short.
    absl::StrAppend(&email, "From: ", FoldedEncodedWords(options.from_name),
                    "\r\n <", options.from, ">\r\n");
  }
  absl::StrAppend(&email, "To: ", to, "\r\n");
  absl::StrAppend(&email, "Subject: ", FoldedEncodedWords(message.subject),
                  "\r\n");
  absl::StrAppend(&email, "Date: ", Rfc5322Date(date), "\r\n");
  absl::StrAppend(&email, "Message-ID: <", message.id, "@", kMessageIdDomain,
                  ">\r\n");
  absl::StrAppend(&email,
                  "Auto-Submitted: auto-generated\r\n"
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n"
                  "\r\n");
  const std::string body = absl::Base64Escape(CanonicalLineEnds(message.text));
  for (size_t start = 0; start < body.size(); start += kBase64LineLength) {
    absl::StrAppend(&email, body.substr(start, kBase64LineLength), "\r\n");
  }
  return email;
}

}  // namespace hpedu::notify
