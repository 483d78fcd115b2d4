// Line-numbered errors of a file import, reported the AIP-193 way: one
// INVALID_ARGUMENT whose BadRequest holds one field violation per error, so
// a client can show every problem of a file at once instead of one per try.
//
//   LineErrors errors;
//   for (const CsvRecord& record : table.records()) {
//     if (bad_kind) errors.Add(record.line, "kind", "không hợp lệ (invalid)");
//   }
//   RETURN_IF_ERROR(errors.ToStatus());
#ifndef HPEDU_LIBS_CSV_LINE_ERRORS_H_
#define HPEDU_LIBS_CSV_LINE_ERRORS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace hpedu::csv {

// Collects the errors of one import. Not thread-safe.
class LineErrors {
 public:
  // At most this many errors become violations; the rest are counted in one
  // closing violation, which keeps the status within gRPC's trailer limits.
  static constexpr int kMaxViolations = 100;

  // `field_name` is the request field every violation points at.
  explicit LineErrors(std::string field_name = "csv_content");

  // Records an error on 1-based physical `line`, in `column` (a header name,
  // or a 1-based column number as text when the file has no usable header).
  // Ill-formed UTF-8 in `column` or `message` (quoted from the file) is
  // replaced by U+FFFD, as protobuf strings must be UTF-8.
  void Add(int line, std::string_view column, std::string_view message);

  bool empty() const { return count_ == 0; }
  // Every error added, including those beyond kMaxViolations.
  int size() const { return count_; }

  // OK if nothing was added. Otherwise INVALID_ARGUMENT whose message counts
  // the errors and quotes the first, with a BadRequest holding one violation
  // per error in the order added: field = the field name, description =
  // "dòng <line>, cột <column>: <message>"; and ErrorInfo reason
  // "INVALID_ARGUMENT".
  absl::Status ToStatus() const;

 private:
  std::string field_name_;
  std::vector<std::string> descriptions_;
  int count_ = 0;
};

}  // namespace hpedu::csv

#endif  // HPEDU_LIBS_CSV_LINE_ERRORS_H_
