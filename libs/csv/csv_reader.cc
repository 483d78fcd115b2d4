#include "libs/csv/csv_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/text/vietnamese.h"

namespace hpedu::csv {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A record as read, before it is checked against the header.
struct RawRecord {
  int line = 0;
  std::vector<std::string> fields;
  // A line with nothing on it; skipped.
  bool blank = false;
  // Already reported as malformed; not checked further.
  bool broken = false;
};

// Splits content into records, reporting syntax and encoding errors to
// `errors` and recovering so that later errors are reported too.
class RecordReader {
 public:
  // `header` (empty until the header is read) names columns in messages.
  RecordReader(std::string_view content, LineErrors& errors,
               const std::vector<std::string>& header)
      : in_(content), errors_(errors), header_(header) {}

  // Reads the next record into `record`; false at the end of the input.
  bool Next(RawRecord& record) {
    if (pos_ >= in_.size()) return false;
    record.line = line_;
    record.fields.clear();
    record.broken = false;
    bool first_field_quoted = false;
    for (;;) {
      const size_t column = record.fields.size();
      const int field_line = line_;
      std::string field;
      if (in_[pos_] == '"') {
        if (column == 0) first_field_quoted = true;
        if (!ReadQuoted(column, field)) {
          record.broken = true;
          CheckUtf8(field, field_line, column);
          record.fields.push_back(std::move(field));
          return true;
        }
      } else {
        ReadUnquoted(column, field, record.broken);
      }
      CheckUtf8(field, field_line, column);
      record.fields.push_back(std::move(field));
      if (pos_ >= in_.size()) break;
      if (in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      SkipLineBreak();
      break;
    }
    record.blank = record.fields.size() == 1 && record.fields[0].empty() &&
                   !first_field_quoted;
    return true;
  }

  // The label of 0-based `column` in messages: its number, and its name once
  // the header is known.
  std::string ColumnLabel(size_t column) const {
    if (column < header_.size() && !header_[column].empty()) {
      return absl::StrCat(column + 1, " (", header_[column], ")");
    }
    return absl::StrCat(column + 1);
  }

 private:
  bool AtLineBreak() const { return in_[pos_] == '\n' || in_[pos_] == '\r'; }

  // Consumes a CRLF, LF or lone CR.
  void SkipLineBreak() {
    if (in_[pos_] == '\r' && pos_ + 1 < in_.size() && in_[pos_ + 1] == '\n') {
      ++pos_;
    }
    ++pos_;
    ++line_;
  }

  // Reads a quoted field starting at the opening quote. False if the input
  // ends before the closing quote.
  bool ReadQuoted(size_t column, std::string& field) {
    const int open_line = line_;
    ++pos_;
    for (;;) {
      if (pos_ >= in_.size()) {
        errors_.Add(open_line, ColumnLabel(column),
                    "thiếu dấu ngoặc kép đóng trường (unterminated quoted "
                    "field)");
        return false;
      }
      const char c = in_[pos_];
      if (c == '"') {
        if (pos_ + 1 < in_.size() && in_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      if (c == '\n' ||
          (c == '\r' && (pos_ + 1 >= in_.size() || in_[pos_ + 1] != '\n'))) {
        ++line_;
      }
      field.push_back(c);
      ++pos_;
    }
    if (pos_ < in_.size() && in_[pos_] != ',' && !AtLineBreak()) {
      errors_.Add(line_, ColumnLabel(column),
                  "ký tự thừa sau dấu ngoặc kép đóng trường (unexpected "
                  "character after a closing quote)");
      while (pos_ < in_.size() && in_[pos_] != ',' && !AtLineBreak()) {
        field.push_back(in_[pos_++]);
      }
    }
    return true;
  }

  void ReadUnquoted(size_t column, std::string& field, bool& broken) {
    bool reported = false;
    while (pos_ < in_.size() && in_[pos_] != ',' && !AtLineBreak()) {
      if (in_[pos_] == '"' && !reported) {
        errors_.Add(line_, ColumnLabel(column),
                    "dấu ngoặc kép trong trường không được bao bằng ngoặc "
                    "kép; hãy bao cả trường và viết \"\" cho mỗi dấu (stray "
                    "quote in an unquoted field)");
        reported = true;
        broken = true;
      }
      field.push_back(in_[pos_++]);
    }
  }

  void CheckUtf8(const std::string& field, int field_line, size_t column) {
    const size_t bad = text::FindInvalidUtf8(field);
    if (bad == std::string_view::npos) return;
    int line = field_line;
    for (size_t i = 0; i < bad; ++i) {
      if (field[i] == '\n' || (field[i] == '\r' && (i + 1 >= field.size() ||
                                                    field[i + 1] != '\n'))) {
        ++line;
      }
    }
    errors_.Add(line, ColumnLabel(column),
                "không phải văn bản UTF-8; hãy lưu tệp dạng \"CSV UTF-8\" "
                "(not valid UTF-8)");
  }

  std::string_view in_;
  LineErrors& errors_;
  const std::vector<std::string>& header_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

absl::StatusOr<CsvTable> CsvTable::Parse(std::string_view content,
                                         std::string_view field_name) {
  if (content.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    content.remove_prefix(kUtf8Bom.size());
  }
  CsvTable table;
  table.field_name_ = std::string(field_name);
  LineErrors errors(table.field_name_);
  RecordReader reader(content, errors, table.header_);

  RawRecord record;
  bool have_header = false;
  while (reader.Next(record)) {
    if (record.blank) continue;
    if (!have_header) {
      have_header = true;
      table.header_line_ = record.line;
      for (std::string& name : record.fields) {
        name = std::string(absl::StripAsciiWhitespace(name));
      }
      table.header_ = std::move(record.fields);
      for (size_t i = 0; i < table.header_.size(); ++i) {
        const std::string& name = table.header_[i];
        if (name.empty()) {
          errors.Add(record.line, reader.ColumnLabel(i),
                     "tên cột trống (empty column name)");
        } else if (std::find(table.header_.begin(), table.header_.begin() + i,
                             name) != table.header_.begin() + i) {
          errors.Add(record.line, reader.ColumnLabel(i),
                     "tên cột bị lặp (duplicate column name)");
        }
      }
      continue;
    }
    if (record.broken) continue;
    const size_t expected = table.header_.size();
    const size_t got = record.fields.size();
    if (got != expected) {
      errors.Add(
          record.line, reader.ColumnLabel(std::min(got, expected)),
          absl::StrCat("dòng có ", got, " cột nhưng tiêu đề có ", expected,
                       " (", got, " fields, the header has ", expected, ")"));
      continue;
    }
    table.records_.push_back(CsvRecord{record.line, std::move(record.fields)});
  }
  if (!have_header) {
    errors.Add(1, "1", "tệp trống, thiếu dòng tiêu đề (empty file: no header)");
  }
  if (!errors.empty()) return errors.ToStatus();
  return table;
}

int CsvTable::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::Status CsvTable::RequireColumns(
    std::initializer_list<std::string_view> names) const {
  LineErrors errors(field_name_);
  for (std::string_view name : names) {
    if (ColumnIndex(name) < 0) {
      errors.Add(header_line_, name,
                 absl::StrCat("thiếu cột bắt buộc (missing required column); "
                              "tiêu đề hiện có (header): ",
                              absl::StrJoin(header_, ",")));
    }
  }
  return errors.ToStatus();
}

}  // namespace hpedu::csv
