// Whether a channel can send to an address: the checks each channel's Send
// makes first, for a service to validate addresses before it stores them.
#ifndef HPEDU_LIBS_NOTIFY_ADDRESS_H_
#define HPEDU_LIBS_NOTIFY_ADDRESS_H_

#include <string_view>

#include "absl/status/status.h"

namespace hpedu::notify {

// OK for a plain "local@domain" address the SMTP channel takes;
// INVALID_ARGUMENT, in Vietnamese and English, otherwise.
absl::Status CheckEmailAddress(std::string_view address);

// OK for a URI the webhook channel posts to: https://, or http:// to the
// machine itself (127.0.0.1, localhost, [::1]); INVALID_ARGUMENT saying
// what is wrong otherwise.
absl::Status CheckWebhookUri(std::string_view uri);

}  // namespace hpedu::notify

#endif  // HPEDU_LIBS_NOTIFY_ADDRESS_H_
