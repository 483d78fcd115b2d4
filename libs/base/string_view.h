// std::string_view is the string view of hpedu's own APIs. Debian 12 builds
// Abseil with ABSL_OPTION_USE_STD_STRING_VIEW=0, so absl::string_view is a
// distinct type there and neither converts to the other implicitly; these
// two functions are the bridge, used where our code calls Abseil.
#ifndef HPEDU_LIBS_BASE_STRING_VIEW_H_
#define HPEDU_LIBS_BASE_STRING_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace hpedu {

inline absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

inline std::string_view ToStd(absl::string_view text) {
  return std::string_view(text.data(), text.size());
}

}  // namespace hpedu

#endif  // HPEDU_LIBS_BASE_STRING_VIEW_H_
