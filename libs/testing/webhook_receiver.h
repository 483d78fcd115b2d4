// A webhook receiver for tests: an HTTP server on a free port of 127.0.0.1
// that answers every POST with a scripted status (200 unless told
// otherwise) and records what it was sent.
//
//   ASSERT_OK_AND_ASSIGN(std::unique_ptr<WebhookReceiver> hook,
//                        WebhookReceiver::Start());
//   hook->FailNext(1, 503);           // the first POST gets 503, then 200s
//   ... POST to hook->uri() ...
//   ASSERT_OK_AND_ASSIGN(std::vector<WebhookRequest> requests,
//                        hook->WaitFor(2, absl::Seconds(5)));
#ifndef HPEDU_LIBS_TESTING_WEBHOOK_RECEIVER_H_
#define HPEDU_LIBS_TESTING_WEBHOOK_RECEIVER_H_

#include <httplib.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hpedu::testing {

// One POST the receiver answered.
struct WebhookRequest {
  std::string path;             // with the query, if any
  std::string idempotency_key;  // the Idempotency-Key header, or empty
  std::string content_type;     // the Content-Type header
  std::string user_agent;       // the User-Agent header
  std::string body;
  int status = 0;  // what the receiver answered
};

// Thread-safe.
class WebhookReceiver {
 public:
  // Listens on 127.0.0.1, a port the kernel picks, serving on its own
  // thread. UNAVAILABLE if it cannot bind.
  static absl::StatusOr<std::unique_ptr<WebhookReceiver>> Start();

  // Stops the server and joins its thread.
  ~WebhookReceiver();

  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>"
  std::string uri(const std::string& path = "/hook") const;

  // The next `count` POSTs (after those already scripted) are answered with
  // `status` and a short text body; the rest with 200.
  void FailNext(int count, int status = 503);

  // Every POST answered so far, in order.
  std::vector<WebhookRequest> Requests() const;
  // Requests() once it holds at least `count`; DEADLINE_EXCEEDED saying how
  // many there were if that takes longer than `timeout`.
  absl::StatusOr<std::vector<WebhookRequest>> WaitFor(
      size_t count, absl::Duration timeout) const;

 private:
  WebhookReceiver() = default;
  void Handle(const httplib::Request& request, httplib::Response& response);

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;  // runs server_.listen_after_bind()

  mutable absl::Mutex mutex_;
  std::deque<int> scripted_ ABSL_GUARDED_BY(mutex_);  // statuses to answer
  std::vector<WebhookRequest> requests_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace hpedu::testing

#endif  // HPEDU_LIBS_TESTING_WEBHOOK_RECEIVER_H_
