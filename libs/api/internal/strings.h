// String helpers private to libs/api.
#ifndef HPEDU_LIBS_API_INTERNAL_STRINGS_H_
#define HPEDU_LIBS_API_INTERNAL_STRINGS_H_

#include <string>
#include <string_view>

#include "libs/base/string_view.h"
#include "libs/text/vietnamese.h"

namespace hpedu::api::internal {

using ::hpedu::ToAbsl;

// `input` in double quotes, cut to about 80 bytes and made valid UTF-8, so a
// huge or binary value cannot bloat or break an error message.
inline std::string QuoteForMessage(std::string_view input) {
  constexpr size_t kMaxBytes = 80;
  std::string quoted = "\"";
  if (input.size() > kMaxBytes) {
    quoted += text::ToValidUtf8(input.substr(0, kMaxBytes));
    quoted += "…";
  } else {
    quoted += text::ToValidUtf8(input);
  }
  quoted += "\"";
  return quoted;
}

}  // namespace hpedu::api::internal

#endif  // HPEDU_LIBS_API_INTERNAL_STRINGS_H_
