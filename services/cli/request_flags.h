// Filling a request from command-line flags, generically by field name:
// `hpedu list units --kind=WARD --as_of=2026-01-01 --query="do son"`.
#ifndef HPEDU_SERVICES_CLI_REQUEST_FLAGS_H_
#define HPEDU_SERVICES_CLI_REQUEST_FLAGS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace hpedu::cli {

// Sets the field at `path` of `message` from `value`.
//
// `path` is a field name, or dotted names into submessages ("unit.parent");
// each name may be snake_case, lowerCamelCase (the JSON name) or use '-' for
// '_'. Values by field type:
//   string, bytes   as given
//   bool            true/false, 1/0, yes/no, có/không
//   integers, float decimal
//   enum            the value's name, case-insensitive ("ward" for WARD), or
//                   its number
//   google.type.Date        YYYY-MM-DD
//   google.protobuf.Timestamp  RFC 3339 ("2026-01-01T00:00:00Z")
//   google.protobuf.FieldMask  comma-separated paths
//   other messages  proto3 JSON ("{...}")
// Repeated fields get one element appended per call.
//
// INVALID_ARGUMENT naming the flag, with the fields available when the name
// is unknown.
absl::Status SetField(google::protobuf::Message& message, std::string_view path,
                      std::string_view value);

// SetField for each (path, value) in order; stops at the first error.
absl::Status ApplyFieldFlags(
    const std::vector<std::pair<std::string, std::string>>& flags,
    google::protobuf::Message& message);

}  // namespace hpedu::cli

#endif  // HPEDU_SERVICES_CLI_REQUEST_FLAGS_H_
