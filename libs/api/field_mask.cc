#include "libs/api/field_mask.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/api/internal/strings.h"
#include "libs/status/errors.h"

namespace hpedu::api {
namespace {

// Debian's Abseil has its own absl::string_view, which std::string_view does
// not convert to, so StrJoin needs a formatter for std::string_view.
std::string JoinPaths(std::initializer_list<std::string_view> paths) {
  return absl::StrJoin(
      paths, ", ",
      [](std::string* out, std::string_view path) { out->append(path); });
}

}  // namespace

absl::Status ValidateFieldMask(const google::protobuf::FieldMask& mask,
                               std::initializer_list<std::string_view> allowed,
                               std::string_view field) {
  if (mask.paths().empty()) {
    return InvalidField(field,
                        absl::StrCat("bắt buộc; các trường được sửa: ",
                                     JoinPaths(allowed), " (required)"));
  }
  std::vector<std::string> rejected;
  for (const std::string& path : mask.paths()) {
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      rejected.push_back(path);
    }
  }
  if (rejected.empty()) return absl::OkStatus();
  return InvalidField(
      field,
      absl::StrCat("không sửa được: ", absl::StrJoin(rejected, ", "),
                   "; chỉ được: ", JoinPaths(allowed),
                   " (paths not updatable)"));
}

}  // namespace hpedu::api
