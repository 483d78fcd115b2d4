#include "libs/csv/line_errors.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "libs/status/errors.h"
#include "libs/text/vietnamese.h"

namespace hpedu::csv {

LineErrors::LineErrors(std::string field_name)
    : field_name_(std::move(field_name)) {}

void LineErrors::Add(int line, std::string_view column,
                     std::string_view message) {
  ++count_;
  if (count_ > kMaxViolations) return;
  descriptions_.push_back(absl::StrCat("dòng ", line, ", cột ",
                                       text::ToValidUtf8(column), ": ",
                                       text::ToValidUtf8(message)));
}

absl::Status LineErrors::ToStatus() const {
  if (empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request;
  for (const std::string& description : descriptions_) {
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field_name_);
    violation->set_description(description);
  }
  if (count_ > kMaxViolations) {
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field_name_);
    violation->set_description(absl::StrCat("và ", count_ - kMaxViolations,
                                            " lỗi khác (and more errors)"));
  }
  // The message stays short: the violations carry the detail, and both
  // travel in gRPC trailers, whose size is limited.
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat(field_name_, ": ", count_,
                   " lỗi (errors); lỗi đầu tiên: ", descriptions_.front()));
  status.SetPayload(TypeUrl(bad_request),
                    absl::Cord(bad_request.SerializeAsString()));
  return WithErrorInfo(std::move(status), "INVALID_ARGUMENT");
}

}  // namespace hpedu::csv
