#include "services/cli/request_flags.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/dates.h"
#include "libs/base/string_view.h"

namespace hpedu::cli {
namespace {

namespace pb = ::google::protobuf;

absl::Status BadValue(const pb::FieldDescriptor& field, std::string_view value,
                      std::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(
      "--", field.name(), "=", ToAbsl(value), ": giá trị không hợp lệ, cần ",
      ToAbsl(expected), " (invalid value)"));
}

const pb::FieldDescriptor* FindField(const pb::Descriptor& message,
                                     std::string_view name) {
  std::string snake(name);
  for (char& c : snake) {
    if (c == '-') c = '_';
  }
  if (const pb::FieldDescriptor* field = message.FindFieldByName(snake)) {
    return field;
  }
  for (int i = 0; i < message.field_count(); ++i) {
    if (message.field(i)->json_name() == name) return message.field(i);
  }
  return nullptr;
}

absl::Status UnknownField(const pb::Descriptor& message,
                          std::string_view name) {
  std::vector<std::string> names;
  for (int i = 0; i < message.field_count(); ++i) {
    names.push_back(message.field(i)->name());
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--", ToAbsl(name), ": ", message.full_name(),
      " không có trường này (no such field); các trường (fields): ",
      absl::StrJoin(names, ", ")));
}

absl::StatusOr<bool> ParseBool(std::string_view value) {
  const std::string lower = absl::AsciiStrToLower(ToAbsl(value));
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "có" ||
      lower == "co") {
    return true;
  }
  if (lower == "false" || lower == "0" || lower == "no" || lower == "không" ||
      lower == "khong") {
    return false;
  }
  return absl::InvalidArgumentError("not a boolean");
}

absl::StatusOr<const pb::EnumValueDescriptor*> ParseEnum(
    const pb::EnumDescriptor& type, std::string_view value) {
  const std::string upper = absl::AsciiStrToUpper(ToAbsl(value));
  if (const pb::EnumValueDescriptor* found = type.FindValueByName(upper)) {
    return found;
  }
  int number = 0;
  if (absl::SimpleAtoi(ToAbsl(value), &number)) {
    if (const pb::EnumValueDescriptor* found = type.FindValueByNumber(number)) {
      return found;
    }
  }
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name());
  }
  return absl::InvalidArgumentError(absl::StrJoin(names, ", "));
}

// Fills `target` (a message-typed field's value) from `value`.
absl::Status ParseMessageValue(const pb::FieldDescriptor& field,
                               std::string_view value, pb::Message& target) {
  const std::string& type = target.GetDescriptor()->full_name();
  const pb::Reflection& reflection = *target.GetReflection();
  const pb::Descriptor& descriptor = *target.GetDescriptor();
  if (type == "google.type.Date") {
    absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(value);
    if (!day.ok()) return BadValue(field, value, "YYYY-MM-DD");
    reflection.SetInt32(&target, descriptor.FindFieldByName("year"),
                        static_cast<int32_t>(day->year()));
    reflection.SetInt32(&target, descriptor.FindFieldByName("month"),
                        day->month());
    reflection.SetInt32(&target, descriptor.FindFieldByName("day"), day->day());
    return absl::OkStatus();
  }
  if (type == "google.protobuf.Timestamp") {
    pb::Timestamp timestamp;
    if (!pb::util::TimeUtil::FromString(std::string(value), &timestamp)) {
      return BadValue(field, value, "RFC 3339, 2026-01-01T00:00:00Z");
    }
    reflection.SetInt64(&target, descriptor.FindFieldByName("seconds"),
                        timestamp.seconds());
    reflection.SetInt32(&target, descriptor.FindFieldByName("nanos"),
                        timestamp.nanos());
    return absl::OkStatus();
  }
  if (type == "google.protobuf.FieldMask") {
    pb::FieldMask mask;
    pb::util::FieldMaskUtil::FromString(std::string(value), &mask);
    const pb::FieldDescriptor* paths = descriptor.FindFieldByName("paths");
    for (const std::string& path : mask.paths()) {
      reflection.AddString(&target, paths, path);
    }
    return absl::OkStatus();
  }
  const auto status = pb::util::JsonStringToMessage(
      pb::StringPiece(value.data(), value.size()), &target);
  if (!status.ok()) {
    return BadValue(field, value, absl::StrCat("JSON ", type));
  }
  return absl::OkStatus();
}

// Sets or appends the scalar `value` to `field` of `message`.
absl::Status SetScalar(pb::Message& message, const pb::FieldDescriptor& field,
                       std::string_view value) {
  const pb::Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  const absl::string_view text = ToAbsl(value);
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      if (repeated) {
        reflection.AddString(&message, &field, std::string(value));
      } else {
        reflection.SetString(&message, &field, std::string(value));
      }
      return absl::OkStatus();
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      absl::StatusOr<bool> parsed = ParseBool(value);
      if (!parsed.ok()) return BadValue(field, value, "true/false");
      repeated ? reflection.AddBool(&message, &field, *parsed)
               : reflection.SetBool(&message, &field, *parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_INT32: {
      int32_t parsed = 0;
      if (!absl::SimpleAtoi(text, &parsed))
        return BadValue(field, value, "int32");
      repeated ? reflection.AddInt32(&message, &field, parsed)
               : reflection.SetInt32(&message, &field, parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t parsed = 0;
      if (!absl::SimpleAtoi(text, &parsed))
        return BadValue(field, value, "int64");
      repeated ? reflection.AddInt64(&message, &field, parsed)
               : reflection.SetInt64(&message, &field, parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t parsed = 0;
      if (!absl::SimpleAtoi(text, &parsed))
        return BadValue(field, value, "uint32");
      repeated ? reflection.AddUInt32(&message, &field, parsed)
               : reflection.SetUInt32(&message, &field, parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t parsed = 0;
      if (!absl::SimpleAtoi(text, &parsed))
        return BadValue(field, value, "uint64");
      repeated ? reflection.AddUInt64(&message, &field, parsed)
               : reflection.SetUInt64(&message, &field, parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      float parsed = 0;
      if (!absl::SimpleAtof(text, &parsed))
        return BadValue(field, value, "số (number)");
      repeated ? reflection.AddFloat(&message, &field, parsed)
               : reflection.SetFloat(&message, &field, parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
      double parsed = 0;
      if (!absl::SimpleAtod(text, &parsed))
        return BadValue(field, value, "số (number)");
      repeated ? reflection.AddDouble(&message, &field, parsed)
               : reflection.SetDouble(&message, &field, parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      absl::StatusOr<const pb::EnumValueDescriptor*> parsed =
          ParseEnum(*field.enum_type(), value);
      if (!parsed.ok()) {
        return BadValue(field, value, std::string(parsed.status().message()));
      }
      repeated ? reflection.AddEnum(&message, &field, *parsed)
               : reflection.SetEnum(&message, &field, *parsed);
      return absl::OkStatus();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      pb::Message* target = repeated
                                ? reflection.AddMessage(&message, &field)
                                : reflection.MutableMessage(&message, &field);
      return ParseMessageValue(field, value, *target);
    }
  }
  return BadValue(field, value, "a supported type");
}

}  // namespace

absl::Status SetField(pb::Message& message, std::string_view path,
                      std::string_view value) {
  pb::Message* current = &message;
  std::string_view rest = path;
  for (;;) {
    const size_t dot = rest.find('.');
    const std::string_view name = rest.substr(0, dot);
    const pb::FieldDescriptor* field =
        FindField(*current->GetDescriptor(), name);
    if (field == nullptr) return UnknownField(*current->GetDescriptor(), name);
    if (dot == std::string_view::npos)
      return SetScalar(*current, *field, value);
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", ToAbsl(path), ": ", field->name(),
                       " không phải message đơn (not a singular message)"));
    }
    current = current->GetReflection()->MutableMessage(current, field);
    rest = rest.substr(dot + 1);
  }
}

absl::Status ApplyFieldFlags(
    const std::vector<std::pair<std::string, std::string>>& flags,
    pb::Message& message) {
  for (const auto& [path, value] : flags) {
    if (absl::Status status = SetField(message, path, value); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace hpedu::cli
