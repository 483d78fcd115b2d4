// Aligned text tables of resources for the terminal, sized by display width
// so Vietnamese with combining marks lines up.
#ifndef HPEDU_SERVICES_CLI_TABLE_H_
#define HPEDU_SERVICES_CLI_TABLE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace hpedu::cli {

// The fields of `resource` worth a column: `name`, `display_name`, then in
// declaration order every other singular enum, string, number and
// google.type.Date field. Skipped: etag, timestamps, bools, bytes, repeated
// fields and other messages.
std::vector<const google::protobuf::FieldDescriptor*> ChooseColumns(
    const google::protobuf::Descriptor& resource);

// The cell text of `field` in `message`: enum value names (empty for the
// zero value), dates as YYYY-MM-DD (empty when unset), repeated values
// joined with ",", messages as one-line JSON.
std::string CellText(const google::protobuf::Message& message,
                     const google::protobuf::FieldDescriptor& field);

// `header` and `rows` as left-aligned columns separated by two spaces, the
// header underlined, every line ending in '\n'. Cells wider than
// `max_cell_width` columns are cut and end in "…"; line breaks in cells show
// as spaces. Rows shorter than the header are padded with empty cells.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows,
                        size_t max_cell_width = 48);

}  // namespace hpedu::cli

#endif  // HPEDU_SERVICES_CLI_TABLE_H_
