#include "libs/notify/internal/checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hpedu::notify::internal {
namespace {

constexpr size_t kMaxMessageIdLength = 128;
constexpr size_t kMaxAddressLength = 254;

bool IsAtext(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::StrContains("!#$%&'*+-/=?^_`{|}~", c);
}

bool IsDomainChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.';
}

// A sequence of dot-separated non-empty atoms, each accepted by `is_char`.
template <typename Predicate>
bool IsDotAtom(absl::string_view text, Predicate is_char) {
  if (text.empty() || text.front() == '.' || text.back() == '.' ||
      absl::StrContains(text, "..")) {
    return false;
  }
  for (char c : text) {
    if (c != '.' && !is_char(c)) return false;
  }
  return true;
}

}  // namespace

absl::Status CheckMessageId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxMessageIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "message id must have 1 to ", kMaxMessageIdLength, " characters"));
  }
  const bool valid = IsDotAtom(id, [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
           c == '_';
  });
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("message id \"", Excerpt(id, 64),
                     "\" may hold only letters, digits, '-', '_' and single "
                     "inner dots"));
  }
  return absl::OkStatus();
}

bool IsEmailAddress(absl::string_view address) {
  if (address.size() > kMaxAddressLength) return false;
  const size_t at = address.find('@');
  if (at == absl::string_view::npos ||
      address.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  return IsDotAtom(address.substr(0, at), IsAtext) &&
         IsDotAtom(address.substr(at + 1), IsDomainChar);
}

std::string Excerpt(absl::string_view answer, size_t max_bytes) {
  if (answer.size() > max_bytes) {
    size_t end = max_bytes;
    // Back up over continuation bytes to the start of the cut character.
    while (end > 0 &&
           (static_cast<unsigned char>(answer[end]) & 0xC0) == 0x80) {
      --end;
    }
    answer = answer.substr(0, end);
  }
  std::string excerpt(answer);
  for (char& c : excerpt) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return std::string(absl::StripAsciiWhitespace(excerpt));
}

}  // namespace hpedu::notify::internal
