#include "services/plans/document_import.h"

#include <functional>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "libs/api/dates.h"
#include "libs/base/string_view.h"
#include "libs/csv/csv_reader.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"

namespace hpedu::plans {
namespace {

bool KindFromText(std::string_view text, v1::DocumentKind* kind) {
  static const auto* const kKinds = new std::map<std::string, v1::DocumentKind>{
      {"nghi quyet", v1::RESOLUTION},
      {"chuong trinh hanh dong", v1::ACTION_PROGRAMME},
      {"ke hoach", v1::PLAN},
      {"quyet dinh", v1::DECISION},
      {"ket luan", v1::CONCLUSION}};
  auto it = kKinds->find(hpedu::text::FoldForSearch(text));
  if (it == kKinds->end()) return false;
  *kind = it->second;
  return true;
}

}  // namespace

std::string DocumentIdFor(std::string_view number) {
  const std::string folded = hpedu::text::FoldForSearch(number);
  std::string slug;
  for (char c : folded) {
    if (absl::ascii_isalnum(c)) {
      slug.push_back(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) return "";
  std::string id = absl::StrCat("d-", slug);
  if (id.size() > 63) id.resize(63);
  while (id.back() == '-') id.pop_back();
  return id;
}

absl::StatusOr<std::vector<DocumentRow>> ParseDocumentsCsv(
    std::string_view content) {
  ASSIGN_OR_RETURN(const csv::CsvTable table, csv::CsvTable::Parse(content));
  RETURN_IF_ERROR(table.RequireColumns(
      {"number", "kind", "issuer", "level", "issued_on", "title", "implements"}));
  const int number = table.ColumnIndex("number");
  const int kind = table.ColumnIndex("kind");
  const int issuer = table.ColumnIndex("issuer");
  const int level = table.ColumnIndex("level");
  const int issued_on = table.ColumnIndex("issued_on");
  const int title = table.ColumnIndex("title");
  const int implements = table.ColumnIndex("implements");

  csv::LineErrors errors;
  std::vector<DocumentRow> rows;
  std::map<std::string, size_t> row_of_id;
  for (const csv::CsvRecord& record : table.records()) {
    const auto field = [&](int index) {
      return hpedu::text::NormalizeNfc(record.fields[index]);
    };
    DocumentRow row;
    row.line = record.line;
    v1::Document& document = row.document;
    document.set_number(field(number));
    row.id = DocumentIdFor(document.number());
    if (row.id.empty()) {
      errors.Add(record.line, "number", "bắt buộc (required)");
    } else if (row_of_id.count(row.id)) {
      errors.Add(record.line, "number",
                 absl::StrCat("trùng dòng ", rows[row_of_id[row.id]].line,
                              " (duplicate)"));
    }
    document.set_name(absl::StrCat("documents/", row.id));
    v1::DocumentKind parsed_kind = v1::DOCUMENT_KIND_UNSPECIFIED;
    if (!KindFromText(field(kind), &parsed_kind)) {
      errors.Add(record.line, "kind", "không hợp lệ (invalid)");
    }
    document.set_kind(parsed_kind);
    document.set_issuer_text(field(issuer));
    if (document.issuer_text().empty()) {
      errors.Add(record.line, "issuer", "bắt buộc (required)");
    }
    v1::DocumentLevel parsed_level = v1::DOCUMENT_LEVEL_UNSPECIFIED;
    if (!v1::DocumentLevel_Parse(absl::AsciiStrToUpper(field(level)),
                                 &parsed_level) ||
        parsed_level == v1::DOCUMENT_LEVEL_UNSPECIFIED) {
      errors.Add(record.line, "level", "không hợp lệ (invalid)");
    }
    document.set_level(parsed_level);
    const std::string date = field(issued_on);
    if (date.size() == 10) {
      absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(date);
      if (day.ok()) {
        *document.mutable_issue_date() = api::ToProtoDate(*day);
      } else {
        errors.Add(record.line, "issued_on", "YYYY-MM-DD");
      }
    } else if (!date.empty() &&
               !(date.size() == 4 && absl::ascii_isdigit(date[0]))) {
      // A bare year is what some seeds give; it is kept as no date.
      errors.Add(record.line, "issued_on", "YYYY-MM-DD");
    }
    document.set_title(field(title));
    if (document.title().empty()) {
      errors.Add(record.line, "title", "bắt buộc (required)");
    }
    for (absl::string_view part :
         absl::StrSplit(record.fields[implements], ';', absl::SkipWhitespace())) {
      const std::string id = DocumentIdFor(
          hpedu::text::NormalizeNfc(ToStd(absl::StripAsciiWhitespace(part))));
      if (id == row.id) {
        errors.Add(record.line, "implements", "tự thực hiện chính nó (itself)");
        continue;
      }
      row.implements_ids.push_back(id);
      document.add_implements(absl::StrCat("documents/", id));
    }
    row_of_id.emplace(row.id, rows.size());
    rows.push_back(std::move(row));
  }
  RETURN_IF_ERROR(errors.ToStatus());

  // Dependency order (depth-first); a back edge is a cycle.
  std::vector<DocumentRow> ordered;
  std::vector<int> mark(rows.size(), 0);  // 0 new, 1 on the path, 2 done
  std::function<void(size_t)> visit = [&](size_t i) {
    mark[i] = 1;
    for (const std::string& id : rows[i].implements_ids) {
      auto it = row_of_id.find(id);
      if (it == row_of_id.end()) continue;  // stored before, checked later
      if (mark[it->second] == 1) {
        errors.Add(rows[i].line, "implements",
                   absl::StrCat("tạo thành vòng lặp với dòng ",
                                rows[it->second].line, " (cycle)"));
      } else if (mark[it->second] == 0) {
        visit(it->second);
      }
    }
    mark[i] = 2;
    ordered.push_back(rows[i]);
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    if (mark[i] == 0) visit(i);
  }
  RETURN_IF_ERROR(errors.ToStatus());
  return ordered;
}

bool SameImportedDocument(const v1::Document& stored,
                          const v1::Document& next) {
  return stored.number() == next.number() && stored.kind() == next.kind() &&
         stored.level() == next.level() && stored.issuer() == next.issuer() &&
         stored.title() == next.title();
}

}  // namespace hpedu::plans
