// Webhook URIs taken apart and checked: what the webhook channel sends to
// and what address.h's CheckWebhookUri accepts. Private to libs/notify.
#ifndef HPEDU_LIBS_NOTIFY_INTERNAL_WEBHOOK_URI_H_
#define HPEDU_LIBS_NOTIFY_INTERNAL_WEBHOOK_URI_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hpedu::notify::internal {

// A webhook URI taken apart, as httplib wants it.
struct WebhookTarget {
  bool https = false;
  std::string host;  // lower case; an IPv6 address without brackets
  int port = 0;
  std::string path;  // path and query, at least "/"

  // scheme://host:port: the client's constructor argument, and all of the
  // URI an error message may show.
  std::string Origin() const {
    const bool ipv6 = absl::StrContains(host, ':');
    return absl::StrCat(https ? "https" : "http", "://", ipv6 ? "[" : "", host,
                        ipv6 ? "]" : "", ":", port);
  }
};

// INVALID_ARGUMENT: the URI is bad, and `why`.
absl::Status BadWebhookUri(absl::string_view why);

// `uri` taken apart: https://, or http:// to 127.0.0.1, localhost or [::1];
// a host, an optional port, no user information, printable ASCII only.
// INVALID_ARGUMENT saying what is wrong otherwise.
absl::StatusOr<WebhookTarget> ParseWebhookUri(absl::string_view uri);

}  // namespace hpedu::notify::internal

#endif  // HPEDU_LIBS_NOTIFY_INTERNAL_WEBHOOK_URI_H_
