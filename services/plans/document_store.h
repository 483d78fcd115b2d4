// The plans service's documents: their "implements" graph, the coverage
// tree, and the import of a documents file. An abstract interface so the
// service is written against the contract; the implementation is
// document_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe. Inputs have been
// validated (plan_validation.h) and agencies resolved by the caller.
#ifndef HPEDU_SERVICES_PLANS_DOCUMENT_STORE_H_
#define HPEDU_SERVICES_PLANS_DOCUMENT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/server/call_context.h"

namespace hpedu::plans {

// A document to create: `document` is normalized, with issuer and commune
// resolved; `implements_ids` are the ids of document.implements.
struct DocumentRow {
  int line = 0;  // the CSV line; 0 for CreateDocument
  std::string id;
  v1::Document document;
  std::vector<std::string> implements_ids;
};

struct DocumentPage {
  std::vector<v1::Document> documents;  // by id
  bool more = false;
};

// A validated UpdateDocument: each field left as it is when nullopt.
struct DocumentUpdate {
  std::string id;
  std::string etag;
  std::optional<std::string> title;
  std::optional<std::vector<std::string>> implements_ids;
  std::optional<std::vector<std::string>> targets;
};

// One document of a coverage tree.
struct CoverageDocument {
  std::string id;
  std::string number;
  std::string commune_id;                   // empty if not a commune's
  std::vector<std::string> implemented_ids; // the links inside the tree
};

// What an import did (or, validating only, would do).
struct ImportCounts {
  int created = 0;
  int updated = 0;
  int unchanged = 0;
};

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  // Creates a document and its links in one transaction. With a request_id
  // that created a document before, returns that one. ALREADY_EXISTS if the
  // id or number is taken; INVALID_ARGUMENT on "document.implements[i]" for
  // a document that does not exist.
  virtual absl::StatusOr<v1::Document> CreateDocument(
      const server::CallContext& call, const DocumentRow& row,
      const std::string& request_id) = 0;

  // NOT_FOUND if absent.
  virtual absl::StatusOr<v1::Document> GetDocument(
      const server::CallContext& call, const std::string& id) = 0;

  // Documents after `after_id` (empty: from the first), by id.
  virtual absl::StatusOr<DocumentPage> ListDocuments(
      const server::CallContext& call, int page_size,
      const std::string& after_id) = 0;

  // NOT_FOUND, ABORTED on a stale etag, INVALID_ARGUMENT on
  // "document.implements" if an implemented document is missing or the new
  // links would make a cycle (the document would implement itself through
  // others).
  virtual absl::StatusOr<v1::Document> UpdateDocument(
      const server::CallContext& call, const DocumentUpdate& update) = 0;

  // The document and every document implementing it, directly or not.
  // NOT_FOUND if the document is missing.
  virtual absl::StatusOr<std::vector<CoverageDocument>> CoverageTree(
      const server::CallContext& call, const std::string& document_id) = 0;

  // Creates the documents of `rows` (in dependency order) that are not
  // stored yet, all or nothing; with validate_only, only counts. A stored
  // document (same id) must agree on number, kind, level, issuer and title
  // (SameImportedDocument) and counts as unchanged. INVALID_ARGUMENT
  // (line-numbered) if it does not, or if an implemented document is
  // neither stored nor earlier in `rows`.
  virtual absl::StatusOr<ImportCounts> ImportDocuments(
      const server::CallContext& call, const std::vector<DocumentRow>& rows,
      bool validate_only) = 0;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_DOCUMENT_STORE_H_
