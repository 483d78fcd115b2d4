// The webhook channel: a JSON POST with cpp-httplib, one client (and
// connection) per Send.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/notify/internal/checks.h"
#include "libs/notify/internal/webhook_uri.h"
#include "libs/notify/notify.h"
#include "libs/status/status_macros.h"

namespace hpedu::notify {
namespace {

constexpr char kContentType[] = "application/json; charset=utf-8";

// Blocks SIGPIPE in this thread while alive, and discards one raised
// meanwhile. httplib writes TLS through OpenSSL's socket BIO, which uses
// write(2): a peer that resets the connection would otherwise kill the
// process. (The same way libcurl protects itself.)
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    blocked_ = pthread_sigmask(SIG_BLOCK, &sigpipe_, &old_mask_) == 0;
  }
  ~ScopedSigpipeBlock() {
    if (!blocked_) return;
    if (!was_pending_) {
      sigset_t pending;
      sigemptyset(&pending);
      if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
        const timespec now = {0, 0};
        while (sigtimedwait(&sigpipe_, nullptr, &now) < 0 && errno == EINTR) {
        }
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t sigpipe_;
  sigset_t old_mask_;
  bool was_pending_ = false;
  bool blocked_ = false;
};

class WebhookChannel final : public Channel {
 public:
  explicit WebhookChannel(WebhookOptions options) : options_(options) {}

  absl::Status Send(const std::string& address,
                    const Message& message) override {
    ASSIGN_OR_RETURN(const internal::WebhookTarget target,
                     internal::ParseWebhookUri(address));
    RETURN_IF_ERROR(internal::CheckMessageId(message.id));

    const std::string origin = target.Origin();
    httplib::Client client(origin);
    if (!client.is_valid()) {
      return internal::BadWebhookUri(
          absl::StrCat("httplib does not take ", origin));
    }
    const int64_t micros =
        std::max<int64_t>(absl::ToInt64Microseconds(options_.timeout), 1000);
    const time_t seconds = static_cast<time_t>(micros / 1000000);
    const time_t rest = static_cast<time_t>(micros % 1000000);
    client.set_connection_timeout(seconds, rest);
    client.set_read_timeout(seconds, rest);
    client.set_write_timeout(seconds, rest);

    const httplib::Headers headers = {{"Idempotency-Key", message.id},
                                      {"User-Agent", "hpedu-notify"}};
    httplib::Result result = [&] {
      ScopedSigpipeBlock no_sigpipe;
      return client.Post(target.path, headers, message.json, kContentType);
    }();
    if (!result) return StatusOfFailure(origin, result.error());

    const httplib::Response& response = result.value();
    const int code = response.status;
    if (code >= 200 && code < 300) return absl::OkStatus();
    std::string text =
        absl::StrCat("webhook ", origin, " answered HTTP ", code);
    if (!response.body.empty()) {
      absl::StrAppend(&text, ": ", internal::Excerpt(response.body));
    }
    if (response.has_header("Retry-After")) {
      absl::StrAppend(
          &text, " (Retry-After: ",
          internal::Excerpt(response.get_header_value("Retry-After"), 40), ")");
    }
    if (code >= 500 || code == 408 || code == 429) {
      return absl::UnavailableError(text);
    }
    return absl::FailedPreconditionError(text);
  }

 private:
  static absl::Status StatusOfFailure(const std::string& origin,
                                      httplib::Error error) {
    const char* what = "failed";
    switch (error) {
      case httplib::Error::Connection:
        what = "cannot connect";
        break;
      case httplib::Error::ConnectionTimeout:
        what = "connect timed out";
        break;
      case httplib::Error::Read:
        what = "no answer (reset or timed out)";
        break;
      case httplib::Error::Write:
        what = "sending failed";
        break;
      case httplib::Error::SSLConnection:
        what = "TLS handshake failed";
        break;
      case httplib::Error::SSLServerVerification:
        what = "server certificate not trusted";
        break;
      case httplib::Error::SSLLoadingCerts:
        what = "cannot load CA certificates";
        break;
      default:
        break;
    }
    const std::string text =
        absl::StrCat("webhook ", origin, ": ", what,
                     " (httplib: ", httplib::to_string(error), ")");
    switch (error) {
      case httplib::Error::ConnectionTimeout:
        return absl::DeadlineExceededError(text);
      case httplib::Error::SSLLoadingCerts:
        return absl::InternalError(text);
      default:
        // Refused or reset, read or write failure (a read timeout too), TLS
        // handshake or certificate: maybe better later.
        return absl::UnavailableError(text);
    }
  }

  const WebhookOptions options_;
};

}  // namespace

std::unique_ptr<Channel> NewWebhookChannel(WebhookOptions options) {
  return std::make_unique<WebhookChannel>(options);
}

}  // namespace hpedu::notify
