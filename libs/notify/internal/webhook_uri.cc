#include "libs/notify/internal/webhook_uri.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "libs/notify/internal/checks.h"

namespace hpedu::notify::internal {

absl::Status BadWebhookUri(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "không phải địa chỉ webhook hợp lệ (not a webhook URI): ", why));
}

namespace {

bool IsLoopback(absl::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

}  // namespace

absl::StatusOr<WebhookTarget> ParseWebhookUri(absl::string_view uri) {
  for (char c : uri) {
    if (c <= 0x20 || c >= 0x7F) {
      return BadWebhookUri(
          "spaces, control and non-ASCII characters must be "
          "percent-encoded");
    }
  }
  const size_t scheme_end = uri.find("://");
  if (scheme_end == absl::string_view::npos) return BadWebhookUri("no scheme");
  const std::string scheme = absl::AsciiStrToLower(uri.substr(0, scheme_end));
  WebhookTarget target;
  if (scheme == "https") {
    target.https = true;
    target.port = 443;
  } else if (scheme == "http") {
    target.port = 80;
  } else {
    return BadWebhookUri(absl::StrCat("scheme \"",
                                      internal::Excerpt(scheme, 16),
                                      "\" is neither https nor http"));
  }
  absl::string_view rest = uri.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == absl::string_view::npos ? absl::string_view()
                                                  : rest.substr(authority_end);
  if (absl::StrContains(authority, '@')) {
    return BadWebhookUri("user information is not supported");
  }

  absl::string_view host = authority;
  absl::string_view port;
  const bool ipv6 = absl::StartsWith(authority, "[");
  if (ipv6) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return BadWebhookUri("unclosed '['");
    host = authority.substr(1, close - 1);
    const absl::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':')
      return BadWebhookUri("junk after ']'");
    if (!after.empty()) port = after.substr(1);
  } else if (const size_t colon = authority.find(':');
             colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return BadWebhookUri("no host");
  for (char c : host) {
    const bool valid =
        ipv6 ? absl::ascii_isxdigit(static_cast<unsigned char>(c)) ||
                   c == ':' || c == '.'
             : absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                   c == '.';
    if (!valid) return BadWebhookUri("malformed host");
  }
  target.host = absl::AsciiStrToLower(host);
  if (!port.empty()) {  // an empty port means the scheme's
    int number = 0;
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(),
                     [](char c) {
                       return absl::ascii_isdigit(
                           static_cast<unsigned char>(c));
                     }) ||
        !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
      return BadWebhookUri("malformed port");
    }
    target.port = number;
  }
  if (!target.https && !IsLoopback(target.host)) {
    return BadWebhookUri(
        "plain http is only for 127.0.0.1, localhost and [::1]; "
        "use https");
  }

  // The fragment stays with the client.
  rest = rest.substr(0, rest.find('#'));
  target.path =
      absl::StartsWith(rest, "/") ? std::string(rest) : absl::StrCat("/", rest);
  return target;
}

}  // namespace hpedu::notify::internal
