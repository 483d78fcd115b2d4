// AIP-122 resource names of the form `{collection}/{id}`, e.g. `units/do-son`.
#ifndef HPEDU_LIBS_API_RESOURCE_NAME_H_
#define HPEDU_LIBS_API_RESOURCE_NAME_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hpedu::api {

// True if `id` is 1 to 63 characters of [a-z0-9-] starting with a letter
// (AIP-122, also a valid DNS label prefix).
bool IsValidResourceId(std::string_view id);

// "{collection}/{id}". Does not validate.
std::string ResourceName(std::string_view collection, std::string_view id);

// The id of `name` if it is "{collection}/{id}" with a valid id; otherwise
// INVALID_ARGUMENT with a field violation on `field` (e.g. "unit.parent").
absl::StatusOr<std::string> ParseResourceId(std::string_view name,
                                            std::string_view collection,
                                            std::string_view field);

}  // namespace hpedu::api

#endif  // HPEDU_LIBS_API_RESOURCE_NAME_H_
