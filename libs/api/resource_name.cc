#include "libs/api/resource_name.h"

#include "absl/strings/str_cat.h"
#include "libs/api/internal/strings.h"
#include "libs/status/errors.h"

namespace hpedu::api {

bool IsValidResourceId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (id.front() < 'a' || id.front() > 'z') return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string ResourceName(std::string_view collection, std::string_view id) {
  std::string name(collection);
  name.push_back('/');
  name.append(id);
  return name;
}

absl::StatusOr<std::string> ParseResourceId(std::string_view name,
                                            std::string_view collection,
                                            std::string_view field) {
  if (name.empty()) {
    return InvalidField(field,
                        absl::StrCat("bắt buộc, dạng ", std::string(collection),
                                     "/{id} (required)"));
  }
  const std::string prefix = ResourceName(collection, "");
  if (name.substr(0, prefix.size()) != prefix) {
    return InvalidField(
        field,
        absl::StrCat(internal::QuoteForMessage(name), " không có dạng ", prefix,
                     "{id} (expected ", prefix, "{id})"));
  }
  std::string_view id = name.substr(prefix.size());
  if (!IsValidResourceId(id)) {
    return InvalidField(
        field,
        absl::StrCat("mã ", internal::QuoteForMessage(id),
                     " không hợp lệ: 1-63 ký tự a-z, 0-9, '-', bắt "
                     "đầu bằng chữ cái (invalid id)"));
  }
  return std::string(id);
}

}  // namespace hpedu::api
