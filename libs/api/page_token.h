// Opaque AIP-158 page tokens for keyset pagination.
//
// A token carries the sort keys of the last item a page returned, so the
// next page starts strictly after it ("WHERE (k1, k2) > ($1, $2)") and stays
// correct while rows are inserted or deleted between calls. It also carries
// a fingerprint of the request's filters, so a token cannot be replayed
// against a different query.
//
//   const uint64_t fingerprint = QueryFingerprint(request);
//   PageCursor after;
//   if (!request.page_token().empty()) {
//     ASSIGN_OR_RETURN(after, DecodePageToken(request.page_token(),
//                                             fingerprint));
//   }
//   ... fetch page_size + 1 rows after `after` ...
//   if (more) response.set_next_page_token(
//       EncodePageToken(PageCursor{{last.sort_key, last.id}}, fingerprint));
#ifndef HPEDU_LIBS_API_PAGE_TOKEN_H_
#define HPEDU_LIBS_API_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace hpedu::api {

// A position in a listing: the sort keys of the last item returned. Keys are
// arbitrary bytes (a collation sort key is fine).
struct PageCursor {
  std::vector<std::string> keys;

  friend bool operator==(const PageCursor&, const PageCursor&) = default;
};

// The token for `cursor` under a query with `query_fingerprint`: versioned,
// checksummed binary, base64url without padding. The checksum detects
// corrupted and edited tokens; it is not a secret MAC, so a determined
// client could forge one, but a forged token can only move a keyset cursor
// (keys are always bound as query parameters), which is harmless.
std::string EncodePageToken(const PageCursor& cursor,
                            uint64_t query_fingerprint);

// The cursor in `token`. INVALID_ARGUMENT with a field violation on
// "page_token" if it is malformed, edited, of an unknown version, or was
// issued for a query with a different fingerprint.
absl::StatusOr<PageCursor> DecodePageToken(std::string_view token,
                                           uint64_t query_fingerprint);

// A fingerprint of a request's filters, stable across processes and
// machines running the same schema: the request with its page_token and
// page_size fields cleared (if it has them), serialized deterministically
// and hashed with FNV-1a 64 together with the message's full name.
uint64_t QueryFingerprint(const google::protobuf::Message& request);

// The page size to use: `default_size` for 0, `max_size` for anything
// larger. INVALID_ARGUMENT with a violation on "page_size" if negative.
absl::StatusOr<int> EffectivePageSize(int requested, int default_size = 50,
                                      int max_size = 1000);

}  // namespace hpedu::api

#endif  // HPEDU_LIBS_API_PAGE_TOKEN_H_
