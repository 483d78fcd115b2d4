// The document import file, in the shape of plan_documents.csv:
//   number,kind,issuer,level,issued_on,title,implements,source_seed
// Pure parsing: every bad line is reported at once, rows come back in
// dependency order (a document after those it implements), and a cycle in
// the file is refused. Issuers are resolved afterwards through the registry.
#ifndef HPEDU_SERVICES_PLANS_DOCUMENT_IMPORT_H_
#define HPEDU_SERVICES_PLANS_DOCUMENT_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "services/plans/document_store.h"

namespace hpedu::plans {

// The id of the document numbered `number`: its folded ASCII slug, with
// "d-" in front ("02-CTr/TU" -> "d-02-ctr-tu", "KH-SGDDT-2025-2026" ->
// "d-kh-sgddt-2025-2026"), at most 63 characters. Empty if nothing is left.
std::string DocumentIdFor(std::string_view number);

// The documents of an import file, in dependency order, each with its CSV
// line; `document.issuer_text` is to be resolved. INVALID_ARGUMENT with one violation on "csv_content" per error.
absl::StatusOr<std::vector<DocumentRow>> ParseDocumentsCsv(
    std::string_view content);

// True if an imported `next` agrees with the `stored` document of the same
// id on number, kind, level, issuer and title: the import leaves it as it
// is. Otherwise the file is refused (changes go through UpdateDocument).
bool SameImportedDocument(const v1::Document& stored, const v1::Document& next);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_DOCUMENT_IMPORT_H_
