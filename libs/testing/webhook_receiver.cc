// WebhookReceiver: an httplib::Server answering POSTs from a script.
#include "libs/testing/webhook_receiver.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace hpedu::testing {

absl::StatusOr<std::unique_ptr<WebhookReceiver>> WebhookReceiver::Start() {
  std::unique_ptr<WebhookReceiver> receiver(new WebhookReceiver());
  WebhookReceiver* self = receiver.get();
  self->server_.Post(".*", [self](const httplib::Request& request,
                                  httplib::Response& response) {
    self->Handle(request, response);
  });
  self->port_ = self->server_.bind_to_any_port("127.0.0.1");
  if (self->port_ <= 0) {
    return absl::UnavailableError("cannot bind 127.0.0.1:0");
  }
  // Bound and listening already: connections queue until the thread
  // accepts them.
  self->thread_ = std::thread([self] { self->server_.listen_after_bind(); });
  // stop() is a no-op until the server runs; wait for that so the
  // destructor cannot miss it.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!self->server_.is_running()) {
    if (absl::Now() >= deadline) {
      self->server_.stop();
      return absl::UnavailableError("the webhook receiver does not start");
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return receiver;
}

WebhookReceiver::~WebhookReceiver() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

std::string WebhookReceiver::uri(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

void WebhookReceiver::FailNext(int count, int status) {
  absl::MutexLock lock(&mutex_);
  for (int i = 0; i < count; ++i) scripted_.push_back(status);
}

void WebhookReceiver::Handle(const httplib::Request& request,
                             httplib::Response& response) {
  WebhookRequest recorded;
  recorded.path = request.target;
  recorded.idempotency_key = request.get_header_value("Idempotency-Key");
  recorded.content_type = request.get_header_value("Content-Type");
  recorded.user_agent = request.get_header_value("User-Agent");
  recorded.body = request.body;
  {
    absl::MutexLock lock(&mutex_);
    recorded.status = 200;
    if (!scripted_.empty()) {
      recorded.status = scripted_.front();
      scripted_.pop_front();
    }
    requests_.push_back(recorded);
  }
  response.status = recorded.status;
  response.set_content(recorded.status == 200
                           ? std::string("accepted")
                           : absl::StrCat("scripted answer ", recorded.status),
                       "text/plain; charset=utf-8");
}

std::vector<WebhookRequest> WebhookReceiver::Requests() const {
  absl::MutexLock lock(&mutex_);
  return requests_;
}

absl::StatusOr<std::vector<WebhookRequest>> WebhookReceiver::WaitFor(
    size_t count, absl::Duration timeout) const {
  absl::MutexLock lock(&mutex_);
  auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return requests_.size() >= count;
  };
  if (!mutex_.AwaitWithTimeout(absl::Condition(&enough), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("the webhook receiver got ", requests_.size(), " of ",
                     count, " requests after ", absl::FormatDuration(timeout)));
  }
  return requests_;
}

}  // namespace hpedu::testing
