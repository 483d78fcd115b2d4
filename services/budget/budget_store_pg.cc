#include "services/budget/budget_store_pg.h"

#include <functional>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "libs/api/dates.h"
#include "libs/api/etag.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "libs/money/money.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::budget {

using ::google::protobuf::util::TimeUtil;
namespace {

#define HPEDU_VERSION_COLUMNS                                               \
  "v.budget_unit, v.fiscal_year, v.stage, v.version, v.level, v.note, "     \
  "v.line_count, v.total_dong, v.state_total_dong, v.state_education_dong, " \
  "v.state_education_investment_dong, v.non_state_education_dong, "        \
  "v.generated, v.creator, "                                                \
  "(extract(epoch FROM v.create_time) * 1000000)::bigint "

#define HPEDU_LINE_COLUMNS                                                  \
  "l.line_no, l.unit, l.function, l.sub_sector, l.sector, l.economic_type, " \
  "l.source, l.approving_document, l.amount_dong, l.description "

#define HPEDU_PROJECT_COLUMNS                                               \
  "p.id, p.display_name, p.budget_unit, p.unit, p.approved_total_dong, "    \
  "p.approving_document, p.disbursed_dong, p.generated, p.revision, "       \
  "(extract(epoch FROM p.create_time) * 1000000)::bigint "

constexpr char kVersionByRequest[] = "budget_version_by_request";
constexpr char kGetVersion[] = "budget_get_version";
constexpr char kGetCurrentVersion[] = "budget_get_current_version";
constexpr char kCurrentOf[] = "budget_current_of";
constexpr char kLinesOf[] = "budget_lines_of";
constexpr char kVersionLines[] = "budget_version_lines";
constexpr char kInsertVersions[] = "budget_insert_versions";
constexpr char kInsertLines[] = "budget_insert_lines";
constexpr char kListVersions[] = "budget_list_versions";
constexpr char kCurrentVersions[] = "budget_current_versions";
constexpr char kGetProject[] = "budget_get_project";
constexpr char kGetProjectForUpdate[] = "budget_get_project_for_update";
constexpr char kProjectByRequest[] = "budget_project_by_request";
constexpr char kInsertProject[] = "budget_insert_project";
constexpr char kInsertPlan[] = "budget_insert_plan";
constexpr char kPlanOf[] = "budget_plan_of";
constexpr char kDisbursementsOf[] = "budget_disbursements_of";
constexpr char kListProjects[] = "budget_list_projects";
constexpr char kDisbursementByRequest[] = "budget_disbursement_by_request";
constexpr char kInsertDisbursement[] = "budget_insert_disbursement";
constexpr char kAddDisbursed[] = "budget_add_disbursed";
constexpr char kSalaryBaseOn[] = "budget_salary_base_on";

const db::TransactionOptions kRead = {.isolation = db::Isolation::kReadCommitted,
                                      .read_only = true};
const db::TransactionOptions kReadSnapshot = {
    .isolation = db::Isolation::kRepeatableRead, .read_only = true};
const db::TransactionOptions kWrite = {.isolation = db::Isolation::kSerializable,
                                       .read_only = false};

std::string Text(const pqxx::field& field) {
  return field.is_null() ? std::string() : std::string(field.c_str());
}

template <typename Enum>
Enum ParseEnum(const pqxx::field& field,
               bool (*parse)(const std::string&, Enum*)) {
  Enum value{};
  parse(Text(field), &value);
  return value;
}

v1::Stage StageOf(const pqxx::field& field) {
  return ParseEnum<v1::Stage>(field, &v1::Stage_Parse);
}

v1::BudgetTotals TotalsFromRow(const pqxx::row& row, int first) {
  v1::BudgetTotals totals;
  totals.set_total_dong(row[first].as<int64_t>());
  totals.set_state_total_dong(row[first + 1].as<int64_t>());
  totals.set_state_education_dong(row[first + 2].as<int64_t>());
  totals.set_state_education_investment_dong(row[first + 3].as<int64_t>());
  totals.set_non_state_education_dong(row[first + 4].as<int64_t>());
  return totals;
}

v1::BudgetVersion VersionFromRow(const pqxx::row& row) {
  v1::BudgetVersion version;
  const BudgetKey budget{Text(row[0]), row[1].as<int32_t>()};
  const v1::Stage stage = StageOf(row[2]);
  version.set_version(row[3].as<int32_t>());
  version.set_name(VersionName(budget, stage, version.version()));
  version.set_budget_unit("units/" + budget.unit_id);
  version.set_fiscal_year(budget.year);
  version.set_stage(stage);
  version.set_level(ParseEnum<v1::BudgetLevel>(row[4], &v1::BudgetLevel_Parse));
  version.set_note(Text(row[5]));
  version.set_line_count(row[6].as<int32_t>());
  *version.mutable_totals() = TotalsFromRow(row, 7);
  version.set_generated(row[12].as<bool>());
  version.set_creator(Text(row[13]));
  *version.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[14].as<int64_t>());
  version.set_etag(api::EtagFromRevision(version.version()));
  return version;
}

VersionSummary SummaryFromRow(const pqxx::row& row) {
  VersionSummary summary;
  summary.budget = BudgetKey{Text(row[0]), row[1].as<int32_t>()};
  summary.stage = StageOf(row[2]);
  summary.version = row[3].as<int32_t>();
  summary.level = ParseEnum<v1::BudgetLevel>(row[4], &v1::BudgetLevel_Parse);
  summary.totals = TotalsFromRow(row, 7);
  return summary;
}

// A line from HPEDU_LINE_COLUMNS starting at `first`.
v1::BudgetLine LineFromRow(const pqxx::row& row, int first,
                           const std::string& version_name) {
  v1::BudgetLine line;
  line.set_name(absl::StrCat(version_name, "/lines/", row[first].as<int>()));
  line.set_unit("units/" + Text(row[first + 1]));
  line.set_function(ParseEnum<v1::Function>(row[first + 2], &v1::Function_Parse));
  if (!row[first + 3].is_null() && !Text(row[first + 3]).empty()) {
    line.set_sub_sector(
        ParseEnum<v1::SubSector>(row[first + 3], &v1::SubSector_Parse));
  }
  line.set_sector(Text(row[first + 4]));
  line.set_economic_type(
      ParseEnum<v1::EconomicType>(row[first + 5], &v1::EconomicType_Parse));
  line.set_source(
      ParseEnum<v1::FundingSource>(row[first + 6], &v1::FundingSource_Parse));
  line.set_approving_document(Text(row[first + 7]));
  line.set_amount_dong(row[first + 8].as<int64_t>());
  line.set_description(Text(row[first + 9]));
  return line;
}

v1::Project ProjectFromRow(const pqxx::row& row) {
  v1::Project project;
  project.set_name("projects/" + Text(row[0]));
  project.set_display_name(Text(row[1]));
  project.set_budget_unit("units/" + Text(row[2]));
  project.set_unit("units/" + Text(row[3]));
  project.set_approved_total_dong(row[4].as<int64_t>());
  project.set_approving_document(Text(row[5]));
  project.set_disbursed_dong(row[6].as<int64_t>());
  project.set_generated(row[7].as<bool>());
  project.set_etag(api::EtagFromRevision(row[8].as<int64_t>()));
  *project.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
  return project;
}

v1::Disbursement DisbursementFromRow(const pqxx::row& row) {
  v1::Disbursement disbursement;
  disbursement.set_name(absl::StrCat("projects/", Text(row[0]),
                                     "/disbursements/", row[1].as<int>()));
  disbursement.set_year(row[2].as<int32_t>());
  disbursement.set_month(row[3].as<int32_t>());
  disbursement.set_amount_dong(row[4].as<int64_t>());
  disbursement.set_note(Text(row[5]));
  *disbursement.mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(row[6].as<int64_t>());
  return disbursement;
}

absl::Status VersionNotFound(const std::string& name) {
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có phiên bản ngân sách ", name,
                                       " (budget version not found)")),
      "BUDGET_VERSION_NOT_FOUND", {{"name", name}});
}

absl::Status ProjectNotFound(const std::string& id) {
  return WithErrorInfo(
      absl::NotFoundError(absl::StrCat("không có dự án projects/", id,
                                       " (project not found)")),
      "PROJECT_NOT_FOUND", {{"name", "projects/" + id}});
}

// One page from `rows`, fetched with LIMIT page_size + 1: the first
// page_size rows made by `make`, and whether more follow.
template <typename T>
std::pair<std::vector<T>, bool> TakePage(
    const pqxx::result& rows, int page_size,
    const std::function<T(const pqxx::row&)>& make) {
  std::pair<std::vector<T>, bool> page;
  for (const pqxx::row& row : rows) {
    if (static_cast<int>(page.first.size()) == page_size) {
      page.second = true;
      break;
    }
    page.first.push_back(make(row));
  }
  return page;
}

using DraftKey = std::tuple<std::string, int32_t, std::string>;

DraftKey KeyOf(const VersionDraft& draft) {
  return {draft.budget.unit_id, draft.budget.year,
          v1::Stage_Name(draft.stage)};
}

std::vector<std::string> Column(size_t n,
                                const std::function<std::string(size_t)>& at) {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(at(i));
  return out;
}

class PostgresBudgetStore final : public BudgetStore {
 public:
  explicit PostgresBudgetStore(db::Pool& pool) : pool_(pool) {}

  absl::StatusOr<WriteVersionsResult> WriteVersions(
      const server::CallContext& call, const std::vector<VersionDraft>& drafts,
      const WriteVersionsOptions& options) override {
    db::TransactionOptions transaction = kWrite;
    transaction.read_only = options.validate_only;
    return db::InTransaction<WriteVersionsResult>(
        pool_, call.deadline(), transaction,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<WriteVersionsResult> {
          return Write(tx, call, drafts, options);
        });
  }

  absl::StatusOr<v1::BudgetVersion> GetVersion(const server::CallContext& call,
                                               const VersionKey& key,
                                               bool with_lines) override {
    return db::InTransaction<v1::BudgetVersion>(
        pool_, call.deadline(), kReadSnapshot,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::BudgetVersion> {
          db::Params params;
          params.Add(key.budget.unit_id)
              .Add(absl::StrCat(key.budget.year))
              .Add(v1::Stage_Name(key.stage));
          if (key.version > 0) params.Add(absl::StrCat(key.version));
          const pqxx::result found = params.Exec(
              tx, key.version > 0 ? kGetVersion : kGetCurrentVersion);
          if (found.empty()) {
            return VersionNotFound(
                VersionName(key.budget, key.stage, key.version));
          }
          v1::BudgetVersion version = VersionFromRow(found[0]);
          if (with_lines) {
            for (const pqxx::row& row :
                 db::Params()
                     .Add(key.budget.unit_id)
                     .Add(absl::StrCat(key.budget.year))
                     .Add(v1::Stage_Name(key.stage))
                     .Add(absl::StrCat(version.version()))
                     .Exec(tx, kVersionLines)) {
              *version.add_lines() = LineFromRow(row, 0, version.name());
            }
          }
          return version;
        });
  }

  absl::StatusOr<std::pair<std::vector<v1::BudgetVersion>, bool>> ListVersions(
      const server::CallContext& call, const VersionQuery& query) override {
    using Page = std::pair<std::vector<v1::BudgetVersion>, bool>;
    db::Params params;
    params.Add(query.budget.unit_id)
        .Add(absl::StrCat(query.budget.year))
        .AddOrNull(query.stage == v1::STAGE_UNSPECIFIED
                       ? ""
                       : v1::Stage_Name(query.stage));
    // Stages sort in their order, not their names': by enum number.
    if (query.after) {
      params.Add(absl::StrCat(static_cast<int>(query.after->stage)))
          .Add(absl::StrCat(query.after->version));
    } else {
      params.AddNull().AddNull();
    }
    params.Add(absl::StrCat(query.page_size + 1));
    return db::InTransaction<Page>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Page> {
          return TakePage<v1::BudgetVersion>(params.Exec(tx, kListVersions),
                                             query.page_size, &VersionFromRow);
        });
  }

  absl::StatusOr<std::vector<VersionSummary>> CurrentVersions(
      const server::CallContext& call, const SummaryQuery& query) override {
    db::Params params;
    params.Add(absl::StrCat(query.first_year))
        .Add(absl::StrCat(query.last_year))
        .AddOrNull(query.stage == v1::STAGE_UNSPECIFIED
                       ? ""
                       : v1::Stage_Name(query.stage));
    if (query.unit_ids.empty()) {
      params.AddNull();
    } else {
      params.Add(db::TextArrayLiteral(query.unit_ids));
    }
    return db::InTransaction<std::vector<VersionSummary>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<VersionSummary>> {
          std::vector<VersionSummary> summaries;
          for (const pqxx::row& row : params.Exec(tx, kCurrentVersions)) {
            summaries.push_back(SummaryFromRow(row));
          }
          return summaries;
        });
  }

  absl::StatusOr<v1::Project> CreateProject(
      const server::CallContext& call, const std::string& id,
      const v1::Project& project, const std::string& request_id) override {
    return db::InTransaction<v1::Project>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Project> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kProjectByRequest);
            if (!earlier.empty()) return LoadProject(tx, Text(earlier[0][0]))->project;
          }
          if (!db::Params().Add(id).Exec(tx, kGetProject).empty()) {
            return WithErrorInfo(
                absl::AlreadyExistsError(absl::StrCat(
                    "dự án projects/", id, " đã có (project already exists)")),
                "PROJECT_ALREADY_EXISTS", {{"name", "projects/" + id}});
          }
          auto id_of = [](const std::string& name) {
            return name.substr(name.find('/') + 1);
          };
          db::Params()
              .Add(id)
              .Add(project.display_name())
              .Add(id_of(project.budget_unit()))
              .Add(id_of(project.unit()))
              .Add(absl::StrCat(project.approved_total_dong()))
              .Add(project.approving_document())
              .Add(project.generated() ? "true" : "false")
              .AddOrNull(request_id)
              .Exec(tx, kInsertProject);
          const auto& planned = project.planned();
          const size_t n = static_cast<size_t>(planned.size());
          db::Params()
              .Add(id)
              .Add(db::TextArrayLiteral(Column(
                  n, [&](size_t i) { return absl::StrCat(planned[i].year()); })))
              .Add(db::TextArrayLiteral(Column(
                  n, [&](size_t i) { return absl::StrCat(planned[i].month()); })))
              .Add(db::TextArrayLiteral(Column(n, [&](size_t i) {
                return absl::StrCat(planned[i].amount_dong());
              })))
              .Exec(tx, kInsertPlan);
          v1::Project created = LoadProject(tx, id)->project;
          audit::Record(tx, call, created.name(), audit::ChangeOf(created));
          feed::Record(
              tx, call,
              {feed::Created(created.name(), created, created.budget_unit())});
          return created;
        });
  }

  absl::StatusOr<ProjectRecord> GetProject(const server::CallContext& call,
                                           const std::string& id) override {
    return db::InTransaction<ProjectRecord>(
        pool_, call.deadline(), kReadSnapshot,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<ProjectRecord> {
          std::optional<ProjectRecord> record = LoadProject(tx, id);
          if (!record) return ProjectNotFound(id);
          return *std::move(record);
        });
  }

  absl::StatusOr<std::pair<std::vector<v1::Project>, bool>> ListProjects(
      const server::CallContext& call, const std::string& budget_unit_id,
      const std::string& after_id, int page_size) override {
    using Page = std::pair<std::vector<v1::Project>, bool>;
    return db::InTransaction<Page>(
        pool_, call.deadline(), kReadSnapshot,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Page> {
          Page page = TakePage<v1::Project>(db::Params()
                                                .AddOrNull(budget_unit_id)
                                                .AddOrNull(after_id)
                                                .Add(absl::StrCat(page_size + 1))
                                                .Exec(tx, kListProjects),
                                            page_size, &ProjectFromRow);
          std::vector<std::string> ids;
          for (const v1::Project& project : page.first) {
            ids.push_back(project.name().substr(sizeof("projects/") - 1));
          }
          AttachPlans(tx, ids, page.first);
          return page;
        });
  }

  absl::StatusOr<std::vector<ProjectRecord>> ProjectRecords(
      const server::CallContext& call,
      const std::string& budget_unit_id) override {
    return db::InTransaction<std::vector<ProjectRecord>>(
        pool_, call.deadline(), kReadSnapshot,
        [&](pqxx::transaction_base& tx)
            -> absl::StatusOr<std::vector<ProjectRecord>> {
          std::vector<v1::Project> projects;
          std::vector<std::string> ids;
          for (const pqxx::row& row : db::Params()
                                          .AddOrNull(budget_unit_id)
                                          .AddNull()
                                          .Add("2147483647")
                                          .Exec(tx, kListProjects)) {
            projects.push_back(ProjectFromRow(row));
            ids.push_back(Text(row[0]));
          }
          AttachPlans(tx, ids, projects);
          std::map<std::string, size_t> index;
          std::vector<ProjectRecord> records;
          for (size_t i = 0; i < projects.size(); ++i) {
            index[ids[i]] = i;
            records.push_back({std::move(projects[i]), {}});
          }
          for (const pqxx::row& row : db::Params()
                                          .Add(db::TextArrayLiteral(ids))
                                          .Exec(tx, kDisbursementsOf)) {
            records[index.at(Text(row[0]))].disbursements.push_back(
                DisbursementFromRow(row));
          }
          return records;
        });
  }

  absl::StatusOr<v1::Disbursement> RecordDisbursement(
      const server::CallContext& call, const std::string& project_id,
      const v1::Disbursement& disbursement, const std::string& creator,
      const std::string& request_id) override {
    return db::InTransaction<v1::Disbursement>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Disbursement> {
          if (!request_id.empty()) {
            const pqxx::result earlier =
                db::Params().Add(request_id).Exec(tx, kDisbursementByRequest);
            if (!earlier.empty()) return DisbursementFromRow(earlier[0]);
          }
          const pqxx::result project =
              db::Params().Add(project_id).Exec(tx, kGetProjectForUpdate);
          if (project.empty()) return ProjectNotFound(project_id);
          const int64_t approved = project[0][4].as<int64_t>();
          const int64_t disbursed = project[0][6].as<int64_t>();
          if (disbursement.amount_dong() > approved - disbursed) {
            return WithErrorInfo(
                absl::FailedPreconditionError(absl::StrCat(
                    "giải ngân vượt tổng mức đầu tư: đã giải ngân ",
                    money::FormatDong(disbursed), " / ",
                    money::FormatDong(approved),
                    " đồng (payments would exceed the approved total)")),
                "OVER_APPROVED_TOTAL", {{"name", "projects/" + project_id}});
          }
          const pqxx::result inserted =
              db::Params()
                  .Add(project_id)
                  .Add(absl::StrCat(disbursement.year()))
                  .Add(absl::StrCat(disbursement.month()))
                  .Add(absl::StrCat(disbursement.amount_dong()))
                  .Add(disbursement.note())
                  .Add(creator)
                  .AddOrNull(request_id)
                  .Exec(tx, kInsertDisbursement);
          db::Params()
              .Add(project_id)
              .Add(absl::StrCat(disbursement.amount_dong()))
              .Exec(tx, kAddDisbursed);
          v1::Disbursement recorded = DisbursementFromRow(inserted[0]);
          audit::Record(tx, call, recorded.name(), audit::ChangeOf(recorded));
          // The payment, and the project whose disbursed sum it raised.
          const v1::Project paid = LoadProject(tx, project_id)->project;
          feed::Record(
              tx, call,
              {feed::Created(recorded.name(), recorded, paid.budget_unit()),
               feed::Updated(paid.name(), paid, paid.budget_unit())});
          return recorded;
        });
  }

  absl::StatusOr<std::optional<SalaryBase>> SalaryBaseOn(
      const server::CallContext& call, absl::CivilDay day) override {
    using Result = std::optional<SalaryBase>;
    return db::InTransaction<Result>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<Result> {
          const pqxx::result found = db::Params()
                                         .Add(api::FormatIsoDate(day))
                                         .Exec(tx, kSalaryBaseOn);
          if (found.empty()) return Result();
          SalaryBase base;
          ASSIGN_OR_RETURN(base.effective_from,
                           api::ParseIsoDate(Text(found[0][0])));
          base.amount_dong = found[0][1].as<int64_t>();
          base.document = Text(found[0][2]);
          return Result(std::move(base));
        });
  }

 private:
  absl::StatusOr<WriteVersionsResult> Write(
      pqxx::transaction_base& tx, const server::CallContext& call,
      const std::vector<VersionDraft>& drafts,
      const WriteVersionsOptions& options) {
    WriteVersionsResult result;
    if (!options.request_id.empty()) {
      const pqxx::result earlier =
          db::Params().Add(options.request_id).Exec(tx, kVersionByRequest);
      if (!earlier.empty()) {
        result.unchanged = 1;
        result.versions.push_back(VersionFromRow(earlier[0]));
        return result;
      }
    }
    // The current version of each draft's budget and stage, and its lines.
    const size_t n = drafts.size();
    std::map<DraftKey, std::pair<int32_t, std::string>> current;  // version, note
    const pqxx::result heads =
        db::Params()
            .Add(db::TextArrayLiteral(
                Column(n, [&](size_t i) { return drafts[i].budget.unit_id; })))
            .Add(db::TextArrayLiteral(Column(
                n, [&](size_t i) { return absl::StrCat(drafts[i].budget.year); })))
            .Add(db::TextArrayLiteral(Column(
                n, [&](size_t i) { return v1::Stage_Name(drafts[i].stage); })))
            .Exec(tx, kCurrentOf);
    std::map<DraftKey, v1::BudgetVersion> current_rows;
    for (const pqxx::row& row : heads) {
      DraftKey key{Text(row[0]), row[1].as<int32_t>(), Text(row[2])};
      current_rows[key] = VersionFromRow(row);
    }
    std::map<DraftKey, std::vector<v1::BudgetLine>> current_lines;
    if (!current_rows.empty()) {
      std::vector<std::string> units, years, stages, versions;
      for (const auto& [key, version] : current_rows) {
        units.push_back(std::get<0>(key));
        years.push_back(absl::StrCat(std::get<1>(key)));
        stages.push_back(std::get<2>(key));
        versions.push_back(absl::StrCat(version.version()));
      }
      for (const pqxx::row& row : db::Params()
                                      .Add(db::TextArrayLiteral(units))
                                      .Add(db::TextArrayLiteral(years))
                                      .Add(db::TextArrayLiteral(stages))
                                      .Add(db::TextArrayLiteral(versions))
                                      .Exec(tx, kLinesOf)) {
        current_lines[{Text(row[0]), row[1].as<int32_t>(), Text(row[2])}]
            .push_back(LineFromRow(row, 3, ""));
      }
    }

    // What to insert.
    std::vector<const VersionDraft*> fresh;
    std::vector<int32_t> fresh_versions;
    std::vector<std::optional<v1::BudgetVersion>> unchanged(n);
    for (size_t i = 0; i < n; ++i) {
      const DraftKey key = KeyOf(drafts[i]);
      auto it = current_rows.find(key);
      if (it != current_rows.end() && it->second.note() == drafts[i].note &&
          SameLines(current_lines[key], drafts[i].lines)) {
        ++result.unchanged;
        unchanged[i] = it->second;
        continue;
      }
      ++result.created;
      fresh.push_back(&drafts[i]);
      fresh_versions.push_back(it == current_rows.end()
                                   ? 1
                                   : it->second.version() + 1);
    }
    if (options.validate_only) return result;

    if (!fresh.empty()) {
      const size_t m = fresh.size();
      auto draft = [&](size_t i) -> const VersionDraft& { return *fresh[i]; };
      auto totals = [&](size_t i) -> const v1::BudgetTotals& {
        return fresh[i]->totals;
      };
      db::Params()
          .Add(db::TextArrayLiteral(
              Column(m, [&](size_t i) { return draft(i).budget.unit_id; })))
          .Add(db::TextArrayLiteral(Column(
              m, [&](size_t i) { return absl::StrCat(draft(i).budget.year); })))
          .Add(db::TextArrayLiteral(
              Column(m, [&](size_t i) { return v1::Stage_Name(draft(i).stage); })))
          .Add(db::TextArrayLiteral(Column(
              m, [&](size_t i) { return absl::StrCat(fresh_versions[i]); })))
          .Add(db::TextArrayLiteral(Column(
              m, [&](size_t i) { return v1::BudgetLevel_Name(draft(i).level); })))
          .Add(db::TextArrayLiteral(
              Column(m, [&](size_t i) { return draft(i).note; })))
          .Add(db::TextArrayLiteral(Column(
              m, [&](size_t i) { return absl::StrCat(draft(i).lines.size()); })))
          .Add(db::TextArrayLiteral(Column(
              m, [&](size_t i) { return absl::StrCat(totals(i).total_dong()); })))
          .Add(db::TextArrayLiteral(Column(m, [&](size_t i) {
            return absl::StrCat(totals(i).state_total_dong());
          })))
          .Add(db::TextArrayLiteral(Column(m, [&](size_t i) {
            return absl::StrCat(totals(i).state_education_dong());
          })))
          .Add(db::TextArrayLiteral(Column(m, [&](size_t i) {
            return absl::StrCat(totals(i).state_education_investment_dong());
          })))
          .Add(db::TextArrayLiteral(Column(m, [&](size_t i) {
            return absl::StrCat(totals(i).non_state_education_dong());
          })))
          .Add(db::TextArrayLiteral(Column(
              m, [&](size_t i) { return draft(i).generated ? "true" : "false"; })))
          .Add(options.creator)
          .AddOrNull(fresh.size() == 1 ? options.request_id : "")
          .Exec(tx, kInsertVersions);

      std::vector<std::string> units, years, stages, versions, line_nos,
          line_units, functions, sub_sectors, sectors, types, sources,
          documents, amounts, descriptions;
      for (size_t i = 0; i < m; ++i) {
        const VersionDraft& d = draft(i);
        for (size_t k = 0; k < d.lines.size(); ++k) {
          const v1::BudgetLine& line = d.lines[k];
          units.push_back(d.budget.unit_id);
          years.push_back(absl::StrCat(d.budget.year));
          stages.push_back(v1::Stage_Name(d.stage));
          versions.push_back(absl::StrCat(fresh_versions[i]));
          line_nos.push_back(absl::StrCat(k + 1));
          line_units.push_back(line.unit().substr(line.unit().find('/') + 1));
          functions.push_back(v1::Function_Name(line.function()));
          sub_sectors.push_back(line.sub_sector() == v1::SUB_SECTOR_UNSPECIFIED
                                    ? ""
                                    : v1::SubSector_Name(line.sub_sector()));
          sectors.push_back(line.sector());
          types.push_back(v1::EconomicType_Name(line.economic_type()));
          sources.push_back(v1::FundingSource_Name(line.source()));
          documents.push_back(line.approving_document());
          amounts.push_back(absl::StrCat(line.amount_dong()));
          descriptions.push_back(line.description());
        }
      }
      db::Params()
          .Add(db::TextArrayLiteral(units))
          .Add(db::TextArrayLiteral(years))
          .Add(db::TextArrayLiteral(stages))
          .Add(db::TextArrayLiteral(versions))
          .Add(db::TextArrayLiteral(line_nos))
          .Add(db::TextArrayLiteral(line_units))
          .Add(db::TextArrayLiteral(functions))
          .Add(db::TextArrayLiteral(sub_sectors))
          .Add(db::TextArrayLiteral(sectors))
          .Add(db::TextArrayLiteral(types))
          .Add(db::TextArrayLiteral(sources))
          .Add(db::TextArrayLiteral(documents))
          .Add(db::TextArrayLiteral(amounts))
          .Add(db::TextArrayLiteral(descriptions))
          .Exec(tx, kInsertLines);
    }
    // The resulting version of each draft, in order (headers only); each
    // version made goes into the audit trail with the write, and into the
    // change feed with its lines, as GetBudgetVersion reads it.
    size_t next_fresh = 0;
    std::vector<feed::Written> changes;
    for (size_t i = 0; i < n; ++i) {
      if (unchanged[i]) {
        result.versions.push_back(*unchanged[i]);
        continue;
      }
      const pqxx::result row =
          db::Params()
              .Add(drafts[i].budget.unit_id)
              .Add(absl::StrCat(drafts[i].budget.year))
              .Add(v1::Stage_Name(drafts[i].stage))
              .Add(absl::StrCat(fresh_versions[next_fresh++]))
              .Exec(tx, kGetVersion);
      result.versions.push_back(VersionFromRow(row[0]));
      const v1::BudgetVersion& made = result.versions.back();
      audit::Record(tx, call, made.name(), audit::ChangeOf(made));
      v1::BudgetVersion with_lines = made;
      for (const pqxx::row& line : db::Params()
                                       .Add(drafts[i].budget.unit_id)
                                       .Add(absl::StrCat(drafts[i].budget.year))
                                       .Add(v1::Stage_Name(drafts[i].stage))
                                       .Add(absl::StrCat(made.version()))
                                       .Exec(tx, kVersionLines)) {
        *with_lines.add_lines() = LineFromRow(line, 0, made.name());
      }
      changes.push_back(
          feed::Created(made.name(), with_lines, made.budget_unit()));
    }
    feed::Record(tx, call, changes);
    return result;
  }

  std::optional<ProjectRecord> LoadProject(pqxx::transaction_base& tx,
                                           const std::string& id) {
    const pqxx::result row = db::Params().Add(id).Exec(tx, kGetProject);
    if (row.empty()) return std::nullopt;
    ProjectRecord record;
    std::vector<v1::Project> one = {ProjectFromRow(row[0])};
    AttachPlans(tx, {id}, one);
    record.project = std::move(one[0]);
    for (const pqxx::row& r : db::Params()
                                  .Add(db::TextArrayLiteral({id}))
                                  .Exec(tx, kDisbursementsOf)) {
      record.disbursements.push_back(DisbursementFromRow(r));
    }
    return record;
  }

  // Fills the planned months of `projects`, whose ids are `ids`.
  void AttachPlans(pqxx::transaction_base& tx,
                   const std::vector<std::string>& ids,
                   std::vector<v1::Project>& projects) {
    std::map<std::string, v1::Project*> by_id;
    for (size_t i = 0; i < ids.size(); ++i) by_id[ids[i]] = &projects[i];
    for (const pqxx::row& row :
         db::Params().Add(db::TextArrayLiteral(ids)).Exec(tx, kPlanOf)) {
      v1::PlannedDisbursement* plan = by_id.at(Text(row[0]))->add_planned();
      plan->set_year(row[1].as<int32_t>());
      plan->set_month(row[2].as<int32_t>());
      plan->set_amount_dong(row[3].as<int64_t>());
    }
  }

  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& BudgetStatements() {
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {kVersionByRequest, "SELECT " HPEDU_VERSION_COLUMNS
                          "FROM budget_versions v WHERE v.request_id = $1"},
      {kGetVersion,
       "SELECT " HPEDU_VERSION_COLUMNS "FROM budget_versions v "
       "WHERE v.budget_unit = $1 AND v.fiscal_year = $2::int "
       "  AND v.stage = $3 AND v.version = $4::int"},
      {kGetCurrentVersion,
       "SELECT " HPEDU_VERSION_COLUMNS "FROM budget_versions v "
       "WHERE v.budget_unit = $1 AND v.fiscal_year = $2::int AND v.stage = $3 "
       "ORDER BY v.version DESC LIMIT 1"},
      {kCurrentOf,
       "SELECT DISTINCT ON (v.budget_unit, v.fiscal_year, v.stage) "
       HPEDU_VERSION_COLUMNS
       "FROM budget_versions v "
       "JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::int[], $3::text[])) "
       "  AS k(u, y, s) ON v.budget_unit = k.u AND v.fiscal_year = k.y "
       "  AND v.stage = k.s "
       "ORDER BY v.budget_unit, v.fiscal_year, v.stage, v.version DESC"},
      {kLinesOf,
       "SELECT l.budget_unit, l.fiscal_year, l.stage, " HPEDU_LINE_COLUMNS
       "FROM budget_lines l "
       "JOIN unnest($1::text[], $2::int[], $3::text[], $4::int[]) "
       "  AS k(u, y, s, n) ON l.budget_unit = k.u AND l.fiscal_year = k.y "
       "  AND l.stage = k.s AND l.version = k.n "
       "ORDER BY l.budget_unit, l.fiscal_year, l.stage, l.line_no"},
      {kVersionLines,
       "SELECT " HPEDU_LINE_COLUMNS "FROM budget_lines l "
       "WHERE l.budget_unit = $1 AND l.fiscal_year = $2::int "
       "  AND l.stage = $3 AND l.version = $4::int ORDER BY l.line_no"},
      {kInsertVersions,
       "INSERT INTO budget_versions (budget_unit, fiscal_year, stage, version, "
       "  level, note, line_count, total_dong, state_total_dong, "
       "  state_education_dong, state_education_investment_dong, "
       "  non_state_education_dong, generated, creator, request_id) "
       "SELECT u.*, $14, $15 FROM unnest($1::text[], $2::int[], $3::text[], "
       "  $4::int[], $5::text[], $6::text[], $7::int[], $8::bigint[], "
       "  $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], "
       "  $13::boolean[]) AS u"},
      {kInsertLines,
       "INSERT INTO budget_lines (budget_unit, fiscal_year, stage, version, "
       "  line_no, unit, function, sub_sector, sector, economic_type, source, "
       "  approving_document, amount_dong, description) "
       "SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], "
       "  $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], "
       "  $10::text[], $11::text[], $12::text[], $13::bigint[], $14::text[])"},
      // Stages in enum order: ESTIMATE 1 .. FINAL_ACCOUNTS 4.
      {kListVersions,
       "SELECT " HPEDU_VERSION_COLUMNS "FROM budget_versions v "
       "CROSS JOIN LATERAL (SELECT CASE v.stage WHEN 'ESTIMATE' THEN 1 "
       "  WHEN 'ADJUSTED_ESTIMATE' THEN 2 WHEN 'EXECUTION' THEN 3 ELSE 4 END "
       "  AS ord) o "
       "WHERE v.budget_unit = $1 AND v.fiscal_year = $2::int "
       "  AND ($3::text IS NULL OR v.stage = $3) "
       "  AND ($4::int IS NULL OR (o.ord, v.version) > ($4::int, $5::int)) "
       "ORDER BY o.ord, v.version LIMIT $6::int"},
      {kCurrentVersions,
       "SELECT DISTINCT ON (v.budget_unit, v.fiscal_year, v.stage) "
       HPEDU_VERSION_COLUMNS
       "FROM budget_versions v "
       "WHERE v.fiscal_year BETWEEN $1::int AND $2::int "
       "  AND ($3::text IS NULL OR v.stage = $3) "
       "  AND ($4::text[] IS NULL OR v.budget_unit = ANY ($4::text[])) "
       "ORDER BY v.budget_unit, v.fiscal_year, v.stage, v.version DESC"},
      {kGetProject,
       "SELECT " HPEDU_PROJECT_COLUMNS "FROM projects p WHERE p.id = $1"},
      {kGetProjectForUpdate, "SELECT " HPEDU_PROJECT_COLUMNS
                             "FROM projects p WHERE p.id = $1 FOR UPDATE"},
      {kProjectByRequest, "SELECT p.id FROM projects p WHERE p.request_id = $1"},
      {kInsertProject,
       "INSERT INTO projects (id, display_name, budget_unit, unit, "
       "  approved_total_dong, approving_document, generated, request_id) "
       "VALUES ($1, $2, $3, $4, $5::bigint, $6, $7::boolean, $8)"},
      {kInsertPlan,
       "INSERT INTO project_plan (project_id, year, month, amount_dong) "
       "SELECT $1, u.* FROM unnest($2::int[], $3::int[], $4::bigint[]) AS u"},
      {kPlanOf,
       "SELECT project_id, year, month, amount_dong FROM project_plan "
       "WHERE project_id = ANY ($1::text[]) ORDER BY project_id, year, month"},
      {kDisbursementsOf,
       "SELECT project_id, seq, year, month, amount_dong, note, "
       "  (extract(epoch FROM create_time) * 1000000)::bigint "
       "FROM disbursements WHERE project_id = ANY ($1::text[]) "
       "ORDER BY project_id, seq"},
      {kListProjects,
       "SELECT " HPEDU_PROJECT_COLUMNS "FROM projects p "
       "WHERE ($1::text IS NULL OR p.budget_unit = $1) "
       "  AND ($2::text IS NULL OR p.id > $2) ORDER BY p.id LIMIT $3::int"},
      {kDisbursementByRequest,
       "SELECT project_id, seq, year, month, amount_dong, note, "
       "  (extract(epoch FROM create_time) * 1000000)::bigint "
       "FROM disbursements WHERE request_id = $1"},
      {kInsertDisbursement,
       "INSERT INTO disbursements (project_id, seq, year, month, amount_dong, "
       "  note, creator, request_id) "
       "SELECT $1, coalesce(max(seq), 0) + 1, $2::int, $3::int, $4::bigint, "
       "  $5, $6, $7 FROM disbursements WHERE project_id = $1 "
       "RETURNING project_id, seq, year, month, amount_dong, note, "
       "  (extract(epoch FROM create_time) * 1000000)::bigint"},
      {kAddDisbursed,
       "UPDATE projects SET disbursed_dong = disbursed_dong + $2::bigint, "
       "  revision = revision + 1 WHERE id = $1"},
      {kSalaryBaseOn,
       "SELECT effective_from::text, amount_dong, document FROM salary_bases "
       "WHERE effective_from <= $1::date ORDER BY effective_from DESC LIMIT 1"},
  };
  return *kStatements;
}

std::unique_ptr<BudgetStore> NewPostgresBudgetStore(db::Pool& pool) {
  return std::make_unique<PostgresBudgetStore>(pool);
}

}  // namespace hpedu::budget
