#include "libs/api/etag.h"

#include "absl/strings/str_cat.h"
#include "libs/status/errors.h"
#include "libs/text/vietnamese.h"

namespace hpedu::api {
namespace {

std::string_view Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag.remove_prefix(1);
    etag.remove_suffix(1);
  }
  return etag;
}

}  // namespace

std::string EtagFromRevision(int64_t revision) {
  return absl::StrCat("\"", revision, "\"");
}

absl::Status CheckEtag(std::string_view sent, std::string_view current) {
  if (sent.empty() || Unquote(sent) == Unquote(current)) {
    return absl::OkStatus();
  }
  return WithErrorInfo(
      absl::AbortedError(absl::StrCat(
          "etag ", text::ToValidUtf8(sent.substr(0, 80)), " đã cũ, hiện là ",
          std::string(current),
          "; hãy đọc lại rồi sửa (stale etag: read the resource again)")),
      "ETAG_MISMATCH",
      {{"sent_etag", text::ToValidUtf8(sent)},
       {"current_etag", std::string(current)}});
}

}  // namespace hpedu::api
