// What both channels check before sending, and how they quote a receiver's
// answer in a status message. Private to libs/notify.
#ifndef HPEDU_LIBS_NOTIFY_INTERNAL_CHECKS_H_
#define HPEDU_LIBS_NOTIFY_INTERNAL_CHECKS_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hpedu::notify::internal {

// OK when `id` is a valid Message::id (see notify.h), INVALID_ARGUMENT
// naming the problem otherwise.
absl::Status CheckMessageId(absl::string_view id);

// True for a plain address "local@domain": one '@', a local part of RFC 5322
// atext and dots, a domain of letters, digits, '-' and dots, at most 254
// characters; nothing that could break a header or an SMTP command (spaces,
// CR, LF, '<', '>', ',', quotes, non-ASCII).
bool IsEmailAddress(absl::string_view address);

// At most `max_bytes` of `answer`, cut on a UTF-8 character boundary, with
// control characters (CR and LF too) made spaces and the ends trimmed:
// something safe to put on one line of a log.
std::string Excerpt(absl::string_view answer, size_t max_bytes = 200);

}  // namespace hpedu::notify::internal

#endif  // HPEDU_LIBS_NOTIFY_INTERNAL_CHECKS_H_
