// Writing RFC 4180 CSV, the inverse of csv_reader.h: what CsvLine writes,
// CsvTable::Parse reads back field for field.
#ifndef HPEDU_LIBS_CSV_CSV_WRITER_H_
#define HPEDU_LIBS_CSV_CSV_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

namespace hpedu::csv {

// `field` as one CSV field: unchanged unless it contains a comma, a double
// quote, CR or LF, or starts or ends with white space; then it is enclosed in
// double quotes with each inner quote doubled.
std::string CsvEscape(std::string_view field);

// One record: the escaped fields joined by commas, ending with CRLF.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace hpedu::csv

#endif  // HPEDU_LIBS_CSV_CSV_WRITER_H_
