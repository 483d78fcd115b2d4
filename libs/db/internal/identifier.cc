#include "libs/db/internal/identifier.h"

#include "absl/strings/str_cat.h"

namespace hpedu::db::internal {

bool IsPlainIdentifier(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

absl::Status ValidatePlainIdentifier(absl::string_view what,
                                     absl::string_view name) {
  if (IsPlainIdentifier(name)) return absl::OkStatus();
  // The name is not echoed: it may be anything, including secrets.
  return absl::InvalidArgumentError(absl::StrCat(
      what, " must match [a-z][a-z0-9_]* and be at most 63 characters"));
}

}  // namespace hpedu::db::internal
