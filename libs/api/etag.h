// AIP-154 etags derived from a resource's revision counter.
#ifndef HPEDU_LIBS_API_ETAG_H_
#define HPEDU_LIBS_API_ETAG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace hpedu::api {

// The strong etag of `revision`: the decimal number in double quotes, as in
// HTTP, e.g. "\"42\"".
std::string EtagFromRevision(int64_t revision);

// OK if `sent` is empty (the client did not ask for a check) or names the
// same revision as `current`; a client that dropped the double quotes still
// matches. Otherwise ABORTED with ErrorInfo reason "ETAG_MISMATCH": the
// resource changed since the client read it; it should read it again.
absl::Status CheckEtag(std::string_view sent, std::string_view current);

}  // namespace hpedu::api

#endif  // HPEDU_LIBS_API_ETAG_H_
