// AIP-134 update masks.
#ifndef HPEDU_LIBS_API_FIELD_MASK_H_
#define HPEDU_LIBS_API_FIELD_MASK_H_

#include <initializer_list>
#include <string_view>

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"

namespace hpedu::api {

// OK if `mask` has at least one path and every path is in `allowed`
// (exact match; "*" only if listed). Otherwise INVALID_ARGUMENT with a
// violation on `field`: "required" for an empty mask, else one naming every
// path that is not allowed and the allowed ones.
absl::Status ValidateFieldMask(const google::protobuf::FieldMask& mask,
                               std::initializer_list<std::string_view> allowed,
                               std::string_view field = "update_mask");

}  // namespace hpedu::api

#endif  // HPEDU_LIBS_API_FIELD_MASK_H_
