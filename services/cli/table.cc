#include "services/cli/table.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/text/vietnamese.h"
#include "services/cli/dynamic_client.h"

namespace hpedu::cli {
namespace {

namespace pb = ::google::protobuf;

bool IsDate(const pb::FieldDescriptor& field) {
  return field.cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
         field.message_type()->full_name() == "google.type.Date";
}

std::string DateText(const pb::Message& date) {
  const pb::Reflection& reflection = *date.GetReflection();
  const pb::Descriptor& descriptor = *date.GetDescriptor();
  const int year =
      reflection.GetInt32(date, descriptor.FindFieldByName("year"));
  const int month =
      reflection.GetInt32(date, descriptor.FindFieldByName("month"));
  const int day = reflection.GetInt32(date, descriptor.FindFieldByName("day"));
  if (year == 0 && month == 0 && day == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

std::string ValueText(const pb::Message& message,
                      const pb::FieldDescriptor& field, int index) {
  const pb::Reflection& reflection = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return repeated ? reflection.GetRepeatedString(message, &field, index)
                      : reflection.GetString(message, &field);
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? reflection.GetRepeatedBool(message, &field, index)
                       : reflection.GetBool(message, &field))
                 ? "true"
                 : "false";
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(
          repeated ? reflection.GetRepeatedInt32(message, &field, index)
                   : reflection.GetInt32(message, &field));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(
          repeated ? reflection.GetRepeatedInt64(message, &field, index)
                   : reflection.GetInt64(message, &field));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(
          repeated ? reflection.GetRepeatedUInt32(message, &field, index)
                   : reflection.GetUInt32(message, &field));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(
          repeated ? reflection.GetRepeatedUInt64(message, &field, index)
                   : reflection.GetUInt64(message, &field));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrFormat(
          "%g", repeated ? reflection.GetRepeatedFloat(message, &field, index)
                         : reflection.GetFloat(message, &field));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrFormat(
          "%g", repeated ? reflection.GetRepeatedDouble(message, &field, index)
                         : reflection.GetDouble(message, &field));
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* value =
          repeated ? reflection.GetRepeatedEnum(message, &field, index)
                   : reflection.GetEnum(message, &field);
      return value->number() == 0 ? "" : value->name();
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      const pb::Message& value =
          repeated ? reflection.GetRepeatedMessage(message, &field, index)
                   : reflection.GetMessage(message, &field);
      if (IsDate(field)) return DateText(value);
      return MessageToJson(value, /*pretty=*/false);
    }
  }
  return "";
}

// `cell` on one line, cut to `max_width` display columns.
std::string FitCell(const std::string& cell, size_t max_width) {
  std::string flat = cell;
  std::replace_if(
      flat.begin(), flat.end(),
      [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  if (text::DisplayWidth(flat) <= max_width || max_width == 0) return flat;
  // Keep whole code points (and their combining marks) up to max_width - 1
  // columns, then the ellipsis.
  std::string out;
  size_t i = 0;
  while (i < flat.size()) {
    size_t next = i + 1;
    while (next < flat.size() &&
           (static_cast<unsigned char>(flat[next]) & 0xC0) == 0x80) {
      ++next;
    }
    const std::string candidate = out + flat.substr(i, next - i);
    if (text::DisplayWidth(candidate) > max_width - 1) break;
    out = candidate;
    i = next;
  }
  return out + "…";
}

}  // namespace

std::vector<const pb::FieldDescriptor*> ChooseColumns(
    const pb::Descriptor& resource) {
  std::vector<const pb::FieldDescriptor*> columns;
  for (const char* first : {"name", "display_name"}) {
    const pb::FieldDescriptor* field = resource.FindFieldByName(first);
    if (field != nullptr && !field->is_repeated()) columns.push_back(field);
  }
  for (int i = 0; i < resource.field_count(); ++i) {
    const pb::FieldDescriptor* field = resource.field(i);
    if (field->is_repeated() || field->name() == "etag" ||
        std::find(columns.begin(), columns.end(), field) != columns.end()) {
      continue;
    }
    bool wanted = false;
    switch (field->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_ENUM:
      case pb::FieldDescriptor::CPPTYPE_INT32:
      case pb::FieldDescriptor::CPPTYPE_INT64:
      case pb::FieldDescriptor::CPPTYPE_UINT32:
      case pb::FieldDescriptor::CPPTYPE_UINT64:
      case pb::FieldDescriptor::CPPTYPE_FLOAT:
      case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        wanted = true;
        break;
      case pb::FieldDescriptor::CPPTYPE_STRING:
        wanted = field->type() == pb::FieldDescriptor::TYPE_STRING;
        break;
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        wanted = IsDate(*field);
        break;
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        break;
    }
    if (wanted) columns.push_back(field);
  }
  return columns;
}

std::string CellText(const pb::Message& message,
                     const pb::FieldDescriptor& field) {
  if (!field.is_repeated()) return ValueText(message, field, 0);
  const int size = message.GetReflection()->FieldSize(message, &field);
  std::vector<std::string> values;
  for (int i = 0; i < size; ++i) values.push_back(ValueText(message, field, i));
  return absl::StrJoin(values, ",");
}

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows,
                        size_t max_cell_width) {
  const size_t columns = header.size();
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size() + 1);
  const auto fit_row = [&](const std::vector<std::string>& row) {
    std::vector<std::string> fitted(columns);
    for (size_t c = 0; c < columns && c < row.size(); ++c) {
      fitted[c] = FitCell(row[c], max_cell_width);
    }
    return fitted;
  };
  cells.push_back(fit_row(header));
  for (const auto& row : rows) cells.push_back(fit_row(row));

  std::vector<size_t> widths(columns, 0);
  for (const auto& row : cells) {
    for (size_t c = 0; c < columns; ++c) {
      widths[c] = std::max(widths[c], text::DisplayWidth(row[c]));
    }
  }
  const auto append_row = [&](std::string& out,
                              const std::vector<std::string>& row) {
    std::string line;
    for (size_t c = 0; c < columns; ++c) {
      line += row[c];
      if (c + 1 < columns) {
        line.append(widths[c] - text::DisplayWidth(row[c]) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  std::string out;
  append_row(out, cells[0]);
  std::vector<std::string> rule(columns);
  for (size_t c = 0; c < columns; ++c) {
    for (size_t k = 0; k < widths[c]; ++k) rule[c] += "─";
  }
  append_row(out, rule);
  for (size_t r = 1; r < cells.size(); ++r) append_row(out, cells[r]);
  return out;
}

}  // namespace hpedu::cli
