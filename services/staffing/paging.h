// AIP-158 pages of listings the store returns whole (reference data: norms,
// standards, quotas, a person's movements, a unit's classes): sorted by a
// key of the item, cut after the cursor's key (keyset, so a page stays
// right while rows come and go) and the next page's opaque token from
// libs/api/page_token. Pure; no I/O.
#ifndef HPEDU_SERVICES_STAFFING_PAGING_H_
#define HPEDU_SERVICES_STAFFING_PAGING_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "libs/api/page_token.h"

namespace hpedu::staffing {

// One page asked for: its size and the cursor it starts after (none: the
// first page). `fingerprint` binds the tokens to the request's filters.
struct PageRequest {
  int page_size = 50;
  std::optional<api::PageCursor> after;
  uint64_t fingerprint = 0;
};

// A number as a key that sorts as the number does (non-negative).
inline std::string NumberKey(int64_t n) { return absl::StrFormat("%020d", n); }

// The page of `items` that `page` asks for, ordered by `key_of(item)` (a
// std::vector<std::string>, unique per item), and the token of the next
// page ("" for the last).
template <typename T, typename KeyOf>
std::pair<std::vector<T>, std::string> PageOf(std::vector<T> items,
                                              KeyOf key_of,
                                              const PageRequest& page) {
  std::vector<std::pair<std::vector<std::string>, T>> keyed;
  keyed.reserve(items.size());
  for (T& item : items) {
    std::vector<std::string> key = key_of(item);
    if (page.after && !(page.after->keys < key)) continue;
    keyed.emplace_back(std::move(key), std::move(item));
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::pair<std::vector<T>, std::string> result;
  for (auto& [key, item] : keyed) {
    if (static_cast<int>(result.first.size()) == page.page_size) {
      result.second = api::EncodePageToken(
          api::PageCursor{key_of(result.first.back())}, page.fingerprint);
      break;
    }
    result.first.push_back(std::move(item));
  }
  return result;
}

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_PAGING_H_
