// Rich errors as absl::Status values. The google.rpc detail messages
// (BadRequest, ErrorInfo) ride in the status payload and become
// google.rpc.Status details on the wire (see grpc_status.h), following
// AIP-193.
//
//   FieldViolations violations;
//   if (request.name().empty()) violations.Add("name", "bắt buộc / required");
//   RETURN_IF_ERROR(violations.ToStatus());
#ifndef HPEDU_LIBS_STATUS_ERRORS_H_
#define HPEDU_LIBS_STATUS_ERRORS_H_

#include <string_view>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/error_details.pb.h"

namespace hpedu {

// The ErrorInfo domain of every hpedu error.
inline constexpr std::string_view kErrorDomain = "hpedu.vn";

// Collects BadRequest field violations for one request. Not thread-safe.
class FieldViolations {
 public:
  // Records that `field` (an AIP-161 field path such as "unit.display_name")
  // is wrong, and why.
  void Add(std::string_view field, std::string_view description);

  bool empty() const { return bad_request_.field_violations().empty(); }
  const google::rpc::BadRequest& bad_request() const { return bad_request_; }

  // OK when nothing was added; otherwise INVALID_ARGUMENT whose message lists
  // the fields and whose payload holds the BadRequest and an ErrorInfo with
  // reason "INVALID_ARGUMENT".
  absl::Status ToStatus() const;

 private:
  google::rpc::BadRequest bad_request_;
};

// Returns `status` with an ErrorInfo payload (reason, hpedu's domain and
// metadata). `reason` is UPPER_SNAKE_CASE, e.g. "ETAG_MISMATCH".
absl::Status WithErrorInfo(
    absl::Status status, std::string_view reason,
    std::vector<std::pair<std::string, std::string>> metadata = {});

// Convenience for the common single-field INVALID_ARGUMENT.
absl::Status InvalidField(std::string_view field, std::string_view description);

// Returns the BadRequest carried by `status`, or an empty one.
google::rpc::BadRequest GetBadRequest(const absl::Status& status);

// Returns the ErrorInfo carried by `status`, or an empty one.
google::rpc::ErrorInfo GetErrorInfo(const absl::Status& status);

// The payload type URLs used for the details above.
std::string TypeUrl(const google::protobuf::Message& message);

}  // namespace hpedu

#endif  // HPEDU_LIBS_STATUS_ERRORS_H_
