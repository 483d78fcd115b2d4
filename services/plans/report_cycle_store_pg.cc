#include "services/plans/report_cycle_store_pg.h"

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/status/errors.h"
#include "services/plans/internal/pg_rows.h"

namespace hpedu::plans {
namespace {

using internal::DayOf;
using internal::DayOfProto;
using internal::DocumentName;
using internal::DocumentNotFound;
using internal::kRead;
using internal::kWrite;
using internal::LoadDocument;
using internal::Statement;
using internal::UnitId;
using internal::UnitName;

class PostgresReportCycleStore final : public ReportCycleStore {
 public:
  explicit PostgresReportCycleStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<v1::ReportCycle> CreateReportCycle(
      const server::CallContext& call, const std::string& document_id,
      const std::string& id, const v1::ReportCycle& cycle) override;
  absl::StatusOr<StoredCycle> GetReportCycle(const server::CallContext& call,
                                             const std::string& document_id,
                                             const std::string& id) override;
  absl::StatusOr<CyclePage> ListReportCycles(
      const server::CallContext& call, const std::string& document_id,
      const std::string& after_document, const std::string& after_id,
      int page_size) override;
  absl::StatusOr<v1::Submission> CreateSubmission(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id, const v1::Submission& submission) override;
  absl::StatusOr<SubmissionDays> ListSubmissions(
      const server::CallContext& call, const std::string& document_id,
      const std::string& cycle_id) override;

 private:
  db::Pool& pool_;
};

std::string CycleName(const std::string& document_id, const std::string& id) {
  return absl::StrCat(DocumentName(document_id), "/reportCycles/", id);
}

// --- GetReportCycle (and the writes, to read back what they wrote)

// A cycle's columns as CycleFromRow reads them.
#define HPEDU_CYCLE_COLUMNS                                                   \
  "c.document_id, c.id, c.title, c.frequency, c.due_days_after_period, "     \
  "(SELECT string_agg(to_char(f, 'YYYY-MM-DD'), ';' ORDER BY f) "            \
  "   FROM unnest(c.fixed_dates) f) AS fixed_dates, "                        \
  "to_char(c.first_day, 'YYYY-MM-DD') AS first_day, "                        \
  "to_char(c.last_day, 'YYYY-MM-DD') AS last_day, "                          \
  "array_to_string(c.reporting_units, ';') AS reporting_units, c.revision, " \
  "(extract(epoch FROM c.create_time) * 1000000)::bigint AS create_us "

constexpr Statement kGetCycle = {
    "plans_get_cycle",
    "SELECT " HPEDU_CYCLE_COLUMNS
    "FROM report_cycles c WHERE c.document_id = $1 AND c.id = $2"};

StoredCycle CycleFromRow(const pqxx::row& row) {
  StoredCycle stored;
  v1::ReportCycle& cycle = stored.cycle;
  cycle.set_name(CycleName(row["document_id"].c_str(), row["id"].c_str()));
  cycle.set_title(row["title"].c_str());
  v1::ReportFrequency frequency = v1::REPORT_FREQUENCY_UNSPECIFIED;
  v1::ReportFrequency_Parse(row["frequency"].c_str(), &frequency);
  cycle.set_frequency(frequency);
  const int due_days = row["due_days_after_period"].as<int>();
  cycle.set_due_days_after_period(due_days);
  stored.spec.frequency = frequency;
  stored.spec.due_days_after_period = due_days;
  for (const std::string& text : internal::SplitList(row["fixed_dates"])) {
    absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(text);
    if (!day.ok()) continue;  // a date column: always ISO
    stored.spec.fixed_dates.push_back(*day);
    *cycle.add_fixed_dates() = api::ToProtoDate(*day);
  }
  stored.spec.first_day = *DayOf(row["first_day"]);
  *cycle.mutable_first_day() = api::ToProtoDate(stored.spec.first_day);
  stored.spec.last_day = DayOf(row["last_day"]);
  if (stored.spec.last_day) {
    *cycle.mutable_last_day() = api::ToProtoDate(*stored.spec.last_day);
  }
  for (const std::string& unit : internal::SplitList(row["reporting_units"])) {
    cycle.add_reporting_units(UnitName(unit));
  }
  cycle.set_etag(api::EtagFromRevision(row["revision"].as<int64_t>()));
  *cycle.mutable_create_time() = internal::TimestampOf(row["create_us"]);
  return stored;
}

std::optional<StoredCycle> LoadCycle(pqxx::transaction_base& tx,
                                     const std::string& document_id,
                                     const std::string& id) {
  const pqxx::result result =
      db::Params().Add(document_id).Add(id).Exec(tx, kGetCycle.name);
  if (result.empty()) return std::nullopt;
  return CycleFromRow(result[0]);
}

absl::StatusOr<StoredCycle> PostgresReportCycleStore::GetReportCycle(
    const server::CallContext& call, const std::string& document_id,
    const std::string& id) {
  return db::InTransaction<StoredCycle>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<StoredCycle> {
        std::optional<StoredCycle> cycle = LoadCycle(tx, document_id, id);
        if (!cycle) {
          return absl::NotFoundError(
              absl::StrCat("không có kỳ báo cáo ", CycleName(document_id, id),
                           " (report cycle not found)"));
        }
        return *std::move(cycle);
      });
}

// --- ListReportCycles

constexpr Statement kListCycles = {
    "plans_list_cycles",
    "SELECT " HPEDU_CYCLE_COLUMNS
    "FROM report_cycles c "
    "WHERE ($1 = '' OR c.document_id = $1) AND (c.document_id, c.id) > ($2, $3) "
    "ORDER BY c.document_id, c.id LIMIT $4"};

absl::StatusOr<ReportCycleStore::CyclePage>
PostgresReportCycleStore::ListReportCycles(const server::CallContext& call,
                                           const std::string& document_id,
                                           const std::string& after_document,
                                           const std::string& after_id,
                                           int page_size) {
  return db::InTransaction<CyclePage>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<CyclePage> {
        CyclePage page;
        const pqxx::result rows = db::Params()
                                      .Add(document_id)
                                      .Add(after_document)
                                      .Add(after_id)
                                      .Add(std::to_string(page_size + 1))
                                      .Exec(tx, kListCycles.name);
        for (const pqxx::row& row : rows) {
          if (static_cast<int>(page.cycles.size()) == page_size) {
            page.more = true;
            break;
          }
          page.cycles.push_back(CycleFromRow(row));
        }
        return page;
      });
}

// --- CreateReportCycle

constexpr Statement kInsertCycle = {
    "plans_insert_cycle",
    "INSERT INTO report_cycles (document_id, id, title, frequency, "
    "  due_days_after_period, fixed_dates, first_day, last_day, "
    "  reporting_units) "
    "VALUES ($1, $2, $3, $4, $5::int, $6::date[], $7::date, $8::date, "
    "  $9::text[])"};

absl::StatusOr<v1::ReportCycle> PostgresReportCycleStore::CreateReportCycle(
    const server::CallContext& call, const std::string& document_id,
    const std::string& id, const v1::ReportCycle& cycle) {
  db::Params params;
  std::vector<std::string> fixed_dates;
  for (const google::type::Date& date : cycle.fixed_dates()) {
    fixed_dates.push_back(api::FormatIsoDate(DayOfProto(date)));
  }
  std::vector<std::string> units;
  for (const std::string& unit : cycle.reporting_units()) {
    units.push_back(UnitId(unit));
  }
  params.Add(document_id)
      .Add(id)
      .Add(cycle.title())
      .Add(v1::ReportFrequency_Name(cycle.frequency()))
      .Add(std::to_string(cycle.due_days_after_period()))
      .Add(db::TextArrayLiteral(fixed_dates))
      .Add(api::FormatIsoDate(DayOfProto(cycle.first_day())));
  if (cycle.has_last_day()) {
    params.Add(api::FormatIsoDate(DayOfProto(cycle.last_day())));
  } else {
    params.AddNull();
  }
  params.Add(db::TextArrayLiteral(units));
  return db::InTransaction<v1::ReportCycle>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::ReportCycle> {
        if (!LoadDocument(tx, document_id)) return DocumentNotFound(document_id);
        if (LoadCycle(tx, document_id, id)) {
          return WithErrorInfo(
              absl::AlreadyExistsError(absl::StrCat(
                  "kỳ báo cáo ", id, " đã có (report cycle already exists)")),
              "REPORT_CYCLE_ALREADY_EXISTS", {{"id", id}});
        }
        params.Exec(tx, kInsertCycle.name);
        v1::ReportCycle created = LoadCycle(tx, document_id, id)->cycle;
        audit::Record(tx, call, created.name(), audit::ChangeOf(created));
        feed::Record(tx, call, {feed::Created(created.name(), created)});
        return created;
      });
}

// --- CreateSubmission and ListSubmissions

#define HPEDU_PLANS_SUBMISSION_COLUMNS                          \
  "unit_id, to_char(due_date, 'YYYY-MM-DD') AS due_date, "      \
  "to_char(submitted_date, 'YYYY-MM-DD') AS submitted_date, "   \
  "evidence "

v1::Submission SubmissionFromRow(const pqxx::row& row) {
  v1::Submission submission;
  submission.set_unit(UnitName(row["unit_id"].c_str()));
  *submission.mutable_due_date() = api::ToProtoDate(*DayOf(row["due_date"]));
  *submission.mutable_submitted_date() =
      api::ToProtoDate(*DayOf(row["submitted_date"]));
  submission.set_evidence(row["evidence"].c_str());
  return submission;
}

// The first submission for a due date counts.
constexpr Statement kInsertSubmission = {
    "plans_insert_submission",
    "INSERT INTO submissions (document_id, cycle_id, unit_id, due_date, "
    "  submitted_date, evidence) "
    "VALUES ($1, $2, $3, $4::date, $5::date, $6) ON CONFLICT DO NOTHING"};
constexpr Statement kGetSubmission = {
    "plans_get_submission",
    "SELECT " HPEDU_PLANS_SUBMISSION_COLUMNS "FROM submissions "
    "WHERE document_id = $1 AND cycle_id = $2 AND unit_id = $3 "
    "  AND due_date = $4::date"};

absl::StatusOr<v1::Submission> PostgresReportCycleStore::CreateSubmission(
    const server::CallContext& call, const std::string& document_id,
    const std::string& cycle_id, const v1::Submission& submission) {
  return db::InTransaction<v1::Submission>(
      pool_, call.deadline(), kWrite,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Submission> {
        db::Params key;
        key.Add(document_id)
            .Add(cycle_id)
            .Add(UnitId(submission.unit()))
            .Add(api::FormatIsoDate(DayOfProto(submission.due_date())));
        db::Params insert = key;
        const pqxx::result inserted =
            insert
                .Add(
                    api::FormatIsoDate(DayOfProto(submission.submitted_date())))
                .Add(submission.evidence())
                .Exec(tx, kInsertSubmission.name);
        v1::Submission created =
            SubmissionFromRow(key.Exec(tx, kGetSubmission.name)[0]);
        audit::Record(tx, call, CycleName(document_id, cycle_id),
                      audit::ChangeOf(created));
        // A submission has no name of its own in the API: the feed names it
        // by its cycle, unit and due date. A repeated one changes nothing.
        if (inserted.affected_rows() > 0) {
          feed::Record(
              tx, call,
              {feed::Created(
                  absl::StrCat(
                      CycleName(document_id, cycle_id), "/submissions/",
                      UnitId(created.unit()), "@",
                      api::FormatIsoDate(DayOfProto(submission.due_date()))),
                  created, created.unit())});
        }
        return created;
      });
}

constexpr Statement kListSubmissions = {
    "plans_list_submissions",
    "SELECT " HPEDU_PLANS_SUBMISSION_COLUMNS "FROM submissions "
    "WHERE document_id = $1 AND cycle_id = $2"};

absl::StatusOr<SubmissionDays> PostgresReportCycleStore::ListSubmissions(
    const server::CallContext& call, const std::string& document_id,
    const std::string& cycle_id) {
  return db::InTransaction<SubmissionDays>(
      pool_, call.deadline(), kRead,
      [&](pqxx::transaction_base& tx) -> absl::StatusOr<SubmissionDays> {
        SubmissionDays days;
        for (const pqxx::row& row : db::Params()
                                        .Add(document_id)
                                        .Add(cycle_id)
                                        .Exec(tx, kListSubmissions.name)) {
          const v1::Submission submission = SubmissionFromRow(row);
          days[{submission.unit(), DayOfProto(submission.due_date())}] =
              DayOfProto(submission.submitted_date());
        }
        return days;
      });
}

}  // namespace

const std::vector<db::PreparedStatement>& ReportCycleStatements() {
  static const auto* const kStatements =
      new std::vector<db::PreparedStatement>(internal::ToPrepared(
          {kGetCycle, kListCycles, kInsertCycle, kInsertSubmission, kGetSubmission,
           kListSubmissions}));
  return *kStatements;
}

std::unique_ptr<ReportCycleStore> NewPostgresReportCycleStore(db::Pool& pool) {
  return std::make_unique<PostgresReportCycleStore>(pool);
}

}  // namespace hpedu::plans
