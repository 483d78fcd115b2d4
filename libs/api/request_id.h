// AIP-155 request ids: the client's UUID that makes a Create idempotent.
#ifndef HPEDU_LIBS_API_REQUEST_ID_H_
#define HPEDU_LIBS_API_REQUEST_ID_H_

#include <string_view>

namespace hpedu::api {

// True for the textual form of a UUID: 8-4-4-4-12 hex digits, any case.
bool IsUuid(std::string_view text);

}  // namespace hpedu::api

#endif  // HPEDU_LIBS_API_REQUEST_ID_H_
