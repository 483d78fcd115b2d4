#include "libs/notify/address.h"

#include "absl/strings/str_cat.h"
#include "libs/notify/internal/checks.h"
#include "libs/notify/internal/webhook_uri.h"

namespace hpedu::notify {

absl::Status CheckEmailAddress(std::string_view address) {
  const absl::string_view text(address.data(), address.size());
  if (internal::IsEmailAddress(text)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("\"", internal::Excerpt(text, 80),
                   "\" không phải địa chỉ email (is not an email address)"));
}

absl::Status CheckWebhookUri(std::string_view uri) {
  return internal::ParseWebhookUri(absl::string_view(uri.data(), uri.size()))
      .status();
}

}  // namespace hpedu::notify
