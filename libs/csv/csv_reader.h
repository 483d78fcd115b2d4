// Reading CSV files uploaded for imports: RFC 4180 (quoted fields, "" for a
// quote inside quotes, CRLF or LF line ends, line breaks inside quoted
// fields), UTF-8 with or without a byte-order mark.
//
// Hand-written rather than taken from Debian: libcsv is a C callback API
// without line numbers in its errors, and nothing else packaged reports
// every error of a file with its line and column, which is what staff
// correcting a spreadsheet need.
//
//   ASSIGN_OR_RETURN(CsvTable table, CsvTable::Parse(request.csv_content()));
//   RETURN_IF_ERROR(table.RequireColumns({"id", "kind", "display_name"}));
//   const int kind = table.ColumnIndex("kind");
//   for (const CsvRecord& record : table.records()) {
//     Use(record.line, record.fields[kind]);
//   }
#ifndef HPEDU_LIBS_CSV_CSV_READER_H_
#define HPEDU_LIBS_CSV_CSV_READER_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
// Included for callers: imports report their own errors with LineErrors,
// and exports write with CsvLine.
#include "libs/csv/csv_writer.h"
#include "libs/csv/line_errors.h"

namespace hpedu::csv {

// One data record.
struct CsvRecord {
  // The 1-based physical line the record starts on (a quoted field may
  // continue on later lines).
  int line = 0;
  // Exactly as many fields as the header has, verbatim (not trimmed, not
  // normalized).
  std::vector<std::string> fields;
};

// A parsed CSV file: its header and its data records. Immutable after Parse,
// so safe to read from several threads.
class CsvTable {
 public:
  // Parses a whole file. The first non-blank line is the header; blank lines
  // are skipped; a trailing line break is optional; a leading UTF-8 BOM is
  // dropped; header names are trimmed of spaces and tabs.
  //
  // INVALID_ARGUMENT, reporting every error found (up to
  // LineErrors::kMaxViolations) as field violations on `field_name` with
  // descriptions "dòng L, cột C: ..." (1-based line, 1-based column number):
  // unterminated quoted fields, stray quotes, bytes that are not UTF-8,
  // records whose field count differs from the header's, an empty or
  // duplicate header name, or a file without a header.
  static absl::StatusOr<CsvTable> Parse(
      std::string_view content, std::string_view field_name = "csv_content");

  const std::vector<std::string>& header() const { return header_; }
  const std::vector<CsvRecord>& records() const { return records_; }

  // The index of the header column named exactly `name`, or -1 if absent.
  int ColumnIndex(std::string_view name) const;

  // OK if every one of `names` is a header column; otherwise INVALID_ARGUMENT
  // with one violation (on Parse's field_name, line 1) per missing column.
  absl::Status RequireColumns(
      std::initializer_list<std::string_view> names) const;

 private:
  CsvTable() = default;

  std::string field_name_;
  int header_line_ = 1;
  std::vector<std::string> header_;
  std::vector<CsvRecord> records_;
};

}  // namespace hpedu::csv

#endif  // HPEDU_LIBS_CSV_CSV_READER_H_
