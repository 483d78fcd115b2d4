#include "services/plans/document_store_pg.h"

#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/csv/line_errors.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/plans/document_import.h"
#include "services/plans/internal/pg_rows.h"

namespace hpedu::plans {
namespace {

using internal::DocumentFromRow;
using internal::DocumentName;
using internal::DocumentNotFound;
using internal::kRead;
using internal::kWrite;
using internal::LoadDocument;
using internal::Statement;
using internal::UnitId;

class PostgresDocumentStore final : public DocumentStore {
 public:
  explicit PostgresDocumentStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::Document> CreateDocument(
      const server::CallContext& call, const DocumentRow& row,
      const std::string& request_id) override;
  absl::StatusOr<v1::Document> GetDocument(const server::CallContext& call,
                                           const std::string& id) override;
  absl::StatusOr<DocumentPage> ListDocuments(
      const server::CallContext& call, int page_size,
      const std::string& after_id) override;
  absl::StatusOr<v1::Document> UpdateDocument(
      const server::CallContext& call, const DocumentUpdate& update) override;
  absl::StatusOr<std::vector<CoverageDocument>> CoverageTree(
      const server::CallContext& call,
      const std::string& document_id) override;
  absl::StatusOr<ImportCounts> ImportDocuments(
      const server::CallContext& call, const std::vector<DocumentRow>& rows,
      bool validate_only) override;

 private:
  db::Pool& pool_;
};

// --- Shared by the writes below.

constexpr Statement kDocumentIdByNumber = {
    "plans_document_id_by_number",
    "SELECT id FROM documents WHERE number = $1"};

bool NumberTaken(pqxx::transaction_base& tx, const std::string& number) {
  return !db::Params().Add(number).Exec(tx, kDocumentIdByNumber.name).empty();
}

constexpr Statement kExistingDocuments = {
    "plans_existing_documents",
    "SELECT id FROM documents WHERE id = ANY ($1::text[])"};

// Violations on `field`[i] for each of `ids` that is not a stored document.
absl::Status CheckDocumentsExist(pqxx::transaction_base& tx,
                                 const std::vector<std::string>& ids,
                                 const std::string& field) {
  if (ids.empty()) return absl::OkStatus();
  std::set<std::string> found;
  for (const pqxx::row& row : db::Params()
                                  .Add(db::TextArrayLiteral(ids))
                                  .Exec(tx, kExistingDocuments.name)) {
    found.insert(row["id"].c_str());
  }
  FieldViolations violations;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!found.count(ids[i])) {
      violations.Add(absl::StrCat(field, "[", i, "]"),
                     absl::StrCat("không có văn bản ", DocumentName(ids[i]),
                                  " (no such document)"));
    }
  }
  return violations.ToStatus();
}

constexpr Statement kInsertDocument = {
    "plans_insert_document",
    "INSERT INTO documents (id, number, kind, issuer_id, issuer_text, "
    "  level, issue_date, title, commune_id, request_id, targets) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10, $11::text[])"};
constexpr Statement kInsertLink = {
    "plans_insert_link",
    "INSERT INTO document_links (document_id, implemented_id) "
    "VALUES ($1, $2)"};

void InsertLinks(pqxx::transaction_base& tx, const std::string& id,
                 const std::vector<std::string>& implemented_ids) {
  for (const std::string& implemented : implemented_ids) {
    db::Params().Add(id).Add(implemented).Exec(tx, kInsertLink.name);
  }
}

void InsertDocument(pqxx::transaction_base& tx, const DocumentRow& row,
                    const std::string& request_id) {
  const v1::Document& document = row.document;
  db::Params params;
  params.Add(row.id)
      .Add(document.number())
      .Add(v1::DocumentKind_Name(document.kind()))
      .Add(UnitId(document.issuer()))
      .Add(document.issuer_text())
      .Add(v1::DocumentLevel_Name(document.level()));
  if (document.has_issue_date()) {
    params.Add(api::FormatIsoDate(internal::DayOfProto(document.issue_date())));
  } else {
    params.AddNull();
  }
  params.Add(document.title())
      .AddOrNull(document.commune().empty() ? "" : UnitId(document.commune()))
      .AddOrNull(request_id)
      .Add(db::TextArrayLiteral(std::vector<std::string>(
          document.targets().begin(), document.targets().end())));
  params.Exec(tx, kInsertDocument.name);
  InsertLinks(tx, row.id, row.implements_ids);
}

// --- CreateDocument

constexpr Statement kGetDocumentByRequest = {
    "plans_get_document_by_request",
    "SELECT " HPEDU_PLANS_DOCUMENT_COLUMNS
    "FROM documents d WHERE d.request_id = $1"};

absl::StatusOr<v1::Document> PostgresDocumentStore::CreateDocument(
    const server::CallContext& call, const DocumentRow& row,
    const std::string& request_id) {
  return db::InTransaction<v1::Document>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Document> {
        if (!request_id.empty()) {
          const pqxx::result earlier =
              db::Params().Add(request_id).Exec(tx, kGetDocumentByRequest.name);
          if (!earlier.empty()) return DocumentFromRow(earlier[0]);
        }
        if (LoadDocument(tx, row.id) || NumberTaken(tx, row.document.number())) {
          return WithErrorInfo(
              absl::AlreadyExistsError(absl::StrCat(
                  "văn bản ", DocumentName(row.id), " hoặc số ",
                  row.document.number(), " đã có (document already exists)")),
              "DOCUMENT_ALREADY_EXISTS", {{"name", DocumentName(row.id)}});
        }
        RETURN_IF_ERROR(
            CheckDocumentsExist(tx, row.implements_ids, "document.implements"));
        InsertDocument(tx, row, request_id);
        v1::Document created = *LoadDocument(tx, row.id);
        audit::Record(tx, call, created.name(), audit::ChangeOf(created));
        feed::Record(
            tx, call,
            {feed::Created(created.name(), created, created.commune())});
        return created;
      });
}

// --- GetDocument (internal::LoadDocument runs the statement)

absl::StatusOr<v1::Document> PostgresDocumentStore::GetDocument(
    const server::CallContext& call, const std::string& id) {
  return db::InTransaction<v1::Document>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Document> {
        std::optional<v1::Document> document = LoadDocument(tx, id);
        if (!document) return DocumentNotFound(id);
        return *std::move(document);
      });
}

// --- ListDocuments

constexpr Statement kListDocuments = {
    "plans_list_documents",
    "SELECT " HPEDU_PLANS_DOCUMENT_COLUMNS "FROM documents d "
    "WHERE ($1::text IS NULL OR d.id > $1) ORDER BY d.id LIMIT $2::int"};

absl::StatusOr<DocumentPage> PostgresDocumentStore::ListDocuments(
    const server::CallContext& call, int page_size,
    const std::string& after_id) {
  return db::InTransaction<DocumentPage>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<DocumentPage> {
        DocumentPage page;
        for (const pqxx::row& row : db::Params()
                                        .AddOrNull(after_id)
                                        .Add(std::to_string(page_size + 1))
                                        .Exec(tx, kListDocuments.name)) {
          if (static_cast<int>(page.documents.size()) == page_size) {
            page.more = true;
            break;
          }
          page.documents.push_back(DocumentFromRow(row));
        }
        return page;
      });
}

// --- UpdateDocument

// Is document $2 among $1 or what they implement, transitively?
constexpr Statement kReaches = {
    "plans_reaches",
    "WITH RECURSIVE up (id) AS ("
    "  SELECT unnest($1::text[])"
    "  UNION SELECT l.implemented_id FROM document_links l"
    "        JOIN up ON l.document_id = up.id) "
    "SELECT EXISTS (SELECT 1 FROM up WHERE id = $2) AS reaches"};
constexpr Statement kDeleteLinks = {
    "plans_delete_links", "DELETE FROM document_links WHERE document_id = $1"};
constexpr Statement kUpdateDocument = {
    "plans_update_document",
    "UPDATE documents SET title = $2, targets = $3::text[], "
    "  revision = revision + 1, update_time = now() WHERE id = $1"};

// Replaces the document's links; INVALID_ARGUMENT if one is missing or
// they would make a cycle.
absl::Status ReplaceLinks(pqxx::transaction_base& tx, const std::string& id,
                          const std::vector<std::string>& implemented_ids) {
  RETURN_IF_ERROR(
      CheckDocumentsExist(tx, implemented_ids, "document.implements"));
  // A cycle: this document is reachable from what it would implement.
  if (db::Params()
          .Add(db::TextArrayLiteral(implemented_ids))
          .Add(id)
          .Exec(tx, kReaches.name)[0]["reaches"]
          .as<bool>()) {
    return InvalidField("document.implements",
                        "tạo thành vòng lặp: văn bản sẽ tự thực hiện chính nó "
                        "(would make a cycle)");
  }
  db::Params().Add(id).Exec(tx, kDeleteLinks.name);
  InsertLinks(tx, id, implemented_ids);
  return absl::OkStatus();
}

absl::StatusOr<v1::Document> PostgresDocumentStore::UpdateDocument(
    const server::CallContext& call, const DocumentUpdate& update) {
  return db::InTransaction<v1::Document>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Document> {
        std::optional<v1::Document> current =
            LoadDocument(tx, update.id, /*for_update=*/true);
        if (!current) return DocumentNotFound(update.id);
        RETURN_IF_ERROR(api::CheckEtag(update.etag, current->etag()));
        if (update.implements_ids) {
          RETURN_IF_ERROR(ReplaceLinks(tx, update.id, *update.implements_ids));
        }
        const std::vector<std::string> targets =
            update.targets.value_or(std::vector<std::string>(
                current->targets().begin(), current->targets().end()));
        db::Params()
            .Add(update.id)
            .Add(update.title.value_or(current->title()))
            .Add(db::TextArrayLiteral(targets))
            .Exec(tx, kUpdateDocument.name);
        v1::Document updated = *LoadDocument(tx, update.id);
        audit::Record(tx, call, updated.name(), audit::ChangeOf(updated));
        feed::Record(
            tx, call,
            {feed::Updated(updated.name(), updated, updated.commune())});
        return updated;
      });
}

// --- CoverageTree

// The document and every document implementing it, with the links inside
// that set.
constexpr Statement kCoverageTree = {
    "plans_coverage_tree",
    "WITH RECURSIVE tree (id) AS ("
    "  SELECT $1::text"
    "  UNION SELECT l.document_id FROM document_links l"
    "        JOIN tree ON l.implemented_id = tree.id) "
    "SELECT d.id, d.number, d.commune_id, "
    "  (SELECT string_agg(l.implemented_id, ';' ORDER BY l.implemented_id)"
    "     FROM document_links l WHERE l.document_id = d.id"
    "      AND l.implemented_id IN (SELECT id FROM tree)) AS implemented "
    "FROM documents d WHERE d.id IN (SELECT id FROM tree) ORDER BY d.id"};

absl::StatusOr<std::vector<CoverageDocument>>
PostgresDocumentStore::CoverageTree(const server::CallContext& call,
                                    const std::string& document_id) {
  return db::InTransaction<std::vector<CoverageDocument>>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx)
          -> absl::StatusOr<std::vector<CoverageDocument>> {
        if (!LoadDocument(tx, document_id)) return DocumentNotFound(document_id);
        std::vector<CoverageDocument> tree;
        for (const pqxx::row& row :
             db::Params().Add(document_id).Exec(tx, kCoverageTree.name)) {
          CoverageDocument document;
          document.id = row["id"].c_str();
          document.number = row["number"].c_str();
          if (!row["commune_id"].is_null()) {
            document.commune_id = row["commune_id"].c_str();
          }
          document.implemented_ids = internal::SplitList(row["implemented"]);
          tree.push_back(std::move(document));
        }
        return tree;
      });
}

// --- ImportDocuments (kInsertDocument, kDocumentIdByNumber above)

absl::StatusOr<ImportCounts> PostgresDocumentStore::ImportDocuments(
    const server::CallContext& call, const std::vector<DocumentRow>& rows,
    bool validate_only) {
  db::TransactionOptions options = kWrite;
  options.read_only = validate_only;
  return db::InTransaction<ImportCounts>(
      pool_, call.deadline(), options,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<ImportCounts> {
        csv::LineErrors errors;
        ImportCounts counts;
        std::set<std::string> known;  // stored, or created earlier here
        std::vector<const DocumentRow*> to_create;
        for (const DocumentRow& row : rows) {
          if (std::optional<v1::Document> stored = LoadDocument(tx, row.id)) {
            if (SameImportedDocument(*stored, row.document)) {
              ++counts.unchanged;
            } else {
              errors.Add(row.line, "number",
                         "khác văn bản đã có cùng số (differs from the "
                         "stored document; change it with UpdateDocument)");
            }
            known.insert(row.id);
            continue;
          }
          if (NumberTaken(tx, row.document.number())) {
            errors.Add(row.line, "number",
                       "số đã dùng cho văn bản khác (number taken)");
            continue;
          }
          for (const std::string& implemented : row.implements_ids) {
            if (known.count(implemented)) continue;
            if (LoadDocument(tx, implemented)) {
              known.insert(implemented);
            } else {
              errors.Add(row.line, "implements",
                         absl::StrCat("không có văn bản ",
                                      DocumentName(implemented),
                                      " (no such document)"));
            }
          }
          known.insert(row.id);
          ++counts.created;
          to_create.push_back(&row);
        }
        RETURN_IF_ERROR(errors.ToStatus());
        if (validate_only) return counts;
        for (const DocumentRow* row : to_create) InsertDocument(tx, *row, "");
        audit::Record(tx, call, "documents",
                      {{"created", counts.created},
                       {"unchanged", counts.unchanged}});
        std::vector<feed::Written> written;
        for (const DocumentRow* row : to_create) {
          const v1::Document document = *LoadDocument(tx, row->id);
          written.push_back(
              feed::Created(document.name(), document, document.commune()));
        }
        feed::Record(tx, call, written);
        return counts;
      });
}

}  // namespace

const std::vector<db::PreparedStatement>& DocumentStatements() {
  static const auto* const kStatements =
      new std::vector<db::PreparedStatement>(internal::ToPrepared(
          {kDocumentIdByNumber, kExistingDocuments, kInsertDocument,
           kInsertLink, kGetDocumentByRequest, kListDocuments, kReaches,
           kDeleteLinks, kUpdateDocument, kCoverageTree}));
  return *kStatements;
}

std::unique_ptr<DocumentStore> NewPostgresDocumentStore(db::Pool& pool) {
  return std::make_unique<PostgresDocumentStore>(pool);
}

}  // namespace hpedu::plans
