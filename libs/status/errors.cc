#include "libs/status/errors.h"

#include "libs/base/string_view.h"

#include <string_view>

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hpedu {
namespace {

constexpr std::string_view kTypeUrlPrefix = "type.googleapis.com/";

template <typename T>
T GetPayload(const absl::Status& status) {
  T message;
  absl::optional<absl::Cord> payload = status.GetPayload(TypeUrl(message));
  if (payload.has_value()) message.ParseFromString(std::string(*payload));
  return message;
}

}  // namespace

std::string TypeUrl(const google::protobuf::Message& message) {
  return absl::StrCat(ToAbsl(kTypeUrlPrefix),
                      message.GetDescriptor()->full_name());
}

void FieldViolations::Add(std::string_view field,
                          std::string_view description) {
  auto* violation = bad_request_.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
}

absl::Status FieldViolations::ToStatus() const {
  if (empty()) return absl::OkStatus();
  std::vector<std::string> parts;
  for (const auto& v : bad_request_.field_violations()) {
    parts.push_back(absl::StrCat(v.field(), ": ", v.description()));
  }
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat("yêu cầu không hợp lệ (invalid request): ",
                   absl::StrJoin(parts, "; ")));
  status.SetPayload(TypeUrl(bad_request_),
                    absl::Cord(bad_request_.SerializeAsString()));
  return WithErrorInfo(std::move(status), "INVALID_ARGUMENT");
}

absl::Status WithErrorInfo(
    absl::Status status, std::string_view reason,
    std::vector<std::pair<std::string, std::string>> metadata) {
  if (status.ok()) return status;
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (auto& [key, value] : metadata) {
    (*info.mutable_metadata())[key] = std::move(value);
  }
  status.SetPayload(TypeUrl(info), absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string_view field,
                          std::string_view description) {
  FieldViolations violations;
  violations.Add(field, description);
  return violations.ToStatus();
}

google::rpc::BadRequest GetBadRequest(const absl::Status& status) {
  return GetPayload<google::rpc::BadRequest>(status);
}

google::rpc::ErrorInfo GetErrorInfo(const absl::Status& status) {
  return GetPayload<google::rpc::ErrorInfo>(status);
}

}  // namespace hpedu
