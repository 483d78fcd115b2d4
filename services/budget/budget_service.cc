#include "services/budget/budget_service.h"

#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/api/dates.h"
#include "libs/api/page_token.h"
#include "libs/auth/authorize.h"
#include "libs/api/resource_name.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "services/budget/compliance.h"
#include "services/budget/line_import.h"
#include "services/budget/projects.h"
#include "services/budget/shares.h"
#include "services/budget/staff_headcounts.h"
#include "services/budget/xlsx_export.h"

namespace hpedu::budget {
namespace {

using server::CallContext;
namespace iv1 = ::hpedu::indicators::v1;

constexpr size_t kMaxCsvBytes = 8 << 20;
constexpr int kMaxLinesPerVersion = 100000;
constexpr int kMaxReportYears = 20;

// Phòng Kế hoạch tài chính of the Sở leads budgets and investment: the
// division may write every budget (registry id of the deployed directory).
constexpr char kFinanceDivision[] = "units/so-gddt-khtc";

const auth::Authorizer& Authz() {
  static const auto* const kAuthorizer = new auth::Authorizer("budget");
  return *kAuthorizer;
}

// What a budget or project of `budget_unit` belongs to: its commune (none
// for the city's), led by the finance division.
auth::Scope ScopeOf(const UnitInfo* budget_unit) {
  auth::Scope scope;
  if (budget_unit != nullptr && budget_unit->unit_class == UnitClass::kCommune) {
    scope.commune = "units/" + budget_unit->id;
  }
  scope.lead_agency = kFinanceDivision;
  return scope;
}

// The budget's owner: the city or a commune. INVALID_ARGUMENT on `field`
// otherwise.
absl::StatusOr<const UnitInfo*> BudgetOwner(const UnitIndex& units,
                                            std::string_view id,
                                            std::string_view field) {
  const UnitInfo* owner = units.Find(id);
  if (owner == nullptr) {
    return InvalidField(field, absl::StrCat("đơn vị không có trong sổ đăng ký "
                                            "(unknown unit): ",
                                            ToAbsl(id)));
  }
  if (!LevelOf(*owner)) {
    return InvalidField(field,
                        "chỉ thành phố hoặc xã, phường, đặc khu có ngân sách "
                        "(only the city or a commune-level unit has a budget)");
  }
  return owner;
}

absl::Status CheckStage(v1::Stage stage, std::string_view field,
                        bool required) {
  if ((stage == v1::STAGE_UNSPECIFIED && required) ||
      !v1::Stage_IsValid(stage)) {
    return InvalidField(field, "ESTIMATE, ADJUSTED_ESTIMATE, EXECUTION hoặc "
                               "FINAL_ACCOUNTS (required)");
  }
  return absl::OkStatus();
}

ReportHeading Heading(const UnitIndex& units, const std::string& commune,
                      absl::CivilDay today) {
  ReportHeading heading;
  heading.date = today;
  heading.place = "Hải Phòng";
  if (commune.empty()) {
    heading.superior = "UBND THÀNH PHỐ HẢI PHÒNG";
    heading.agency = "SỞ GIÁO DỤC VÀ ĐÀO TẠO";
  } else {
    const UnitInfo* unit = units.Find(commune);
    heading.superior =
        absl::StrCat("UBND ", unit == nullptr ? commune : unit->display_name);
    heading.agency = "PHÒNG VĂN HÓA - XÃ HỘI";
  }
  return heading;
}

std::string UnitIdOf(const std::string& name) {
  return name.substr(name.find('/') + 1);
}

}  // namespace

BudgetServiceImpl::BudgetServiceImpl(std::shared_ptr<BudgetStore> store,
                                     std::shared_ptr<UnitDirectory> directory,
                                     audit::AuditLog audit_log,
                                     std::unique_ptr<feed::ChangeFeed> changes,
                                     server::UnaryCalls& calls,
                                     server::PeerChannels& peers,
                                     std::function<absl::CivilDay()> today)
    : store_(std::move(store)),
      directory_(std::move(directory)),
      audit_log_(std::move(audit_log)),
      changes_(std::move(changes)),
      calls_(calls),
      peers_(peers),
      today_(std::move(today)) {}

grpc::ServerUnaryReactor* BudgetServiceImpl::CreateBudgetVersion(
    grpc::CallbackServerContext* context,
    const v1::CreateBudgetVersionRequest* request,
    v1::BudgetVersion* response) {
  return calls_.Run<v1::BudgetVersion>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::BudgetVersion> {
        ASSIGN_OR_RETURN(const BudgetKey budget,
                         ParseBudgetName(request->parent(), "parent"));
        RETURN_IF_ERROR(CheckStage(request->stage(), "stage", true));
        const v1::BudgetVersion& body = request->budget_version();
        if (body.lines().empty() || body.lines_size() > kMaxLinesPerVersion) {
          return InvalidField("budget_version.lines",
                              "từ 1 đến 100000 dòng (1 to 100000 lines)");
        }
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        ASSIGN_OR_RETURN(const UnitInfo* owner,
                         BudgetOwner(*units, budget.unit_id, "parent"));
        VersionDraft draft;
        draft.budget = budget;
        draft.stage = request->stage();
        draft.level = *LevelOf(*owner);
        draft.note = body.note();
        draft.generated = body.generated();
        FieldViolations violations;
        for (int i = 0; i < body.lines_size(); ++i) {
          v1::BudgetLine line = body.lines(i);
          line.clear_name();
          for (const LineProblem& problem : CheckLine(line, *owner, *units)) {
            violations.Add(absl::StrCat("budget_version.lines[", i, "].",
                                        problem.field),
                           problem.message);
          }
          if (const UnitInfo* unit = units->Find(line.unit())) {
            line.set_unit("units/" + unit->id);
          }
          draft.lines.push_back(std::move(line));
        }
        RETURN_IF_ERROR(violations.ToStatus());
        size_t failed = 0;
        absl::StatusOr<v1::BudgetTotals> totals =
            ComputeTotals(draft.lines, &failed);
        if (!totals.ok()) {
          return InvalidField(
              absl::StrCat("budget_version.lines[", failed, "].amount_dong"),
              "tổng các dòng vượt quá giới hạn số nguyên 64 bit (the sum of "
              "the lines overflows int64)");
        }
        draft.totals = *std::move(totals);
        RETURN_IF_ERROR(Authz().CanWrite(call.caller(), ScopeOf(owner)));
        WriteVersionsOptions options;
        options.creator = call.caller().id;
        options.request_id = request->request_id();
        ASSIGN_OR_RETURN(const WriteVersionsResult result,
                         store_->WriteVersions(call, {draft}, options));
        ASSIGN_OR_RETURN(const VersionKey key,
                         ParseVersionName(result.versions.at(0).name(), "name"));
        return store_->GetVersion(call, key, /*with_lines=*/true);
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::GetBudgetVersion(
    grpc::CallbackServerContext* context,
    const v1::GetBudgetVersionRequest* request, v1::BudgetVersion* response) {
  return calls_.Run<v1::BudgetVersion>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::BudgetVersion> {
        ASSIGN_OR_RETURN(const VersionKey key,
                         ParseVersionName(request->name(), "name"));
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const UnitInfo* owner = units->Find(key.budget.unit_id);
        RETURN_IF_ERROR(Authz().CanRead(call.caller(), ScopeOf(owner)));
        return store_->GetVersion(call, key, /*with_lines=*/true);
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ListBudgetVersions(
    grpc::CallbackServerContext* context,
    const v1::ListBudgetVersionsRequest* request,
    v1::ListBudgetVersionsResponse* response) {
  return calls_.Run<v1::ListBudgetVersionsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListBudgetVersionsResponse> {
        FieldViolations violations;
        absl::StatusOr<BudgetKey> budget =
            ParseBudgetName(request->parent(), "parent");
        if (!budget.ok()) violations.Add("parent", ToStd(budget.status().message()));
        if (!CheckStage(request->stage(), "stage", false).ok()) {
          violations.Add("stage", "không hợp lệ (invalid)");
        }
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(request->page_size());
        if (!page_size.ok()) violations.Add("page_size", "không được âm");
        RETURN_IF_ERROR(violations.ToStatus());
        VersionQuery query;
        query.budget = *budget;
        query.stage = request->stage();
        query.page_size = *page_size;
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        if (!request->page_token().empty()) {
          ASSIGN_OR_RETURN(
              const api::PageCursor cursor,
              api::DecodePageToken(request->page_token(), fingerprint));
          int stage = 0;
          int version = 0;
          if (cursor.keys.size() != 2 ||
              !absl::SimpleAtoi(cursor.keys[0], &stage) ||
              !absl::SimpleAtoi(cursor.keys[1], &version)) {
            return InvalidField("page_token", "không hợp lệ (invalid)");
          }
          query.after = VersionPosition{static_cast<v1::Stage>(stage), version};
        }
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const UnitInfo* owner = units->Find(query.budget.unit_id);
        RETURN_IF_ERROR(Authz().CanRead(call.caller(), ScopeOf(owner)));
        ASSIGN_OR_RETURN(auto page, store_->ListVersions(call, query));
        v1::ListBudgetVersionsResponse result;
        for (v1::BudgetVersion& version : page.first) {
          *result.add_budget_versions() = std::move(version);
        }
        if (page.second && result.budget_versions_size() > 0) {
          const v1::BudgetVersion& last = *result.budget_versions().rbegin();
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{absl::StrCat(static_cast<int>(last.stage())),
                               absl::StrCat(last.version())}},
              fingerprint));
        }
        return result;
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ImportBudgetLines(
    grpc::CallbackServerContext* context,
    const v1::ImportBudgetLinesRequest* request,
    v1::ImportBudgetLinesResponse* response) {
  return calls_.Run<v1::ImportBudgetLinesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ImportBudgetLinesResponse> {
        if (request->csv_content().empty()) {
          return InvalidField("csv_content", "bắt buộc (required)");
        }
        if (request->csv_content().size() > kMaxCsvBytes) {
          return InvalidField("csv_content", "tệp quá 8 MiB (file over 8 MiB)");
        }
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        ASSIGN_OR_RETURN(std::vector<VersionDraft> drafts,
                         ParseBudgetLinesCsv(request->csv_content(), *units));
        std::set<std::string> owners;
        int lines = 0;
        for (const VersionDraft& draft : drafts) {
          owners.insert(draft.budget.unit_id);
          lines += static_cast<int>(draft.lines.size());
        }
        for (const std::string& owner : owners) {
          RETURN_IF_ERROR(
              Authz().CanWrite(call.caller(), ScopeOf(units->Find(owner))));
        }
        WriteVersionsOptions options;
        options.creator = call.caller().id;
        options.validate_only = request->validate_only();
        ASSIGN_OR_RETURN(const WriteVersionsResult result,
                         store_->WriteVersions(call, drafts, options));
        v1::ImportBudgetLinesResponse out;
        out.set_versions_created(result.created);
        out.set_versions_unchanged(result.unchanged);
        out.set_lines(lines);
        for (const v1::BudgetVersion& version : result.versions) {
          if (out.budget_versions_size() < 1000) {
            out.add_budget_versions(version.name());
          }
        }
        return out;
      });
}

absl::StatusOr<std::optional<UnitInfo>> BudgetServiceImpl::OwnerFilter(
    const CallContext& call, const std::string& budget_unit) {
  if (budget_unit.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                   directory_->Units(call));
  ASSIGN_OR_RETURN(const UnitInfo* owner,
                   BudgetOwner(*units, UnitIdOf(budget_unit), "budget_unit"));
  return *owner;
}

absl::StatusOr<v1::ComplianceReport> BudgetServiceImpl::Compliance(
    const CallContext& call, const v1::GetComplianceReportRequest& request) {
  FieldViolations violations;
  const int32_t first = request.first_year();
  const int32_t last = request.last_year() == 0 ? first : request.last_year();
  if (first < kMinFiscalYear || first > kMaxFiscalYear) {
    violations.Add("first_year", absl::StrCat("từ ", kMinFiscalYear, " đến ",
                                              kMaxFiscalYear, " (required)"));
  }
  if (last < first || last - first >= kMaxReportYears) {
    violations.Add("last_year",
                   "từ first_year, tối đa 20 năm (first_year to 20 years on)");
  }
  if (!CheckStage(request.stage(), "stage", true).ok()) {
    violations.Add("stage", "bắt buộc (required)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                   directory_->Units(call));
  ComplianceInput input;
  input.stage = request.stage();
  input.first_year = first;
  input.last_year = last;
  input.units = units.get();
  SummaryQuery query;
  query.first_year = first;
  query.last_year = last;
  query.stage = request.stage();
  if (!request.org_unit().empty()) {
    const UnitInfo* commune = units->Find(request.org_unit());
    if (commune == nullptr || commune->unit_class != UnitClass::kCommune) {
      return InvalidField("org_unit", "cần một xã, phường, đặc khu (a "
                                      "commune-level unit)");
    }
    input.only_commune = commune->id;
    query.unit_ids = {commune->id};
  }
  RETURN_IF_ERROR(
      input.only_commune.empty()
          ? Authz().CanReadAggregate(call.caller())
          : Authz().CanRead(call.caller(),
                            ScopeOf(units->Find(input.only_commune))));
  ASSIGN_OR_RETURN(input.versions, store_->CurrentVersions(call, query));
  return ComposeComplianceReport(input);
}

grpc::ServerUnaryReactor* BudgetServiceImpl::GetComplianceReport(
    grpc::CallbackServerContext* context,
    const v1::GetComplianceReportRequest* request,
    v1::ComplianceReport* response) {
  return calls_.Run<v1::ComplianceReport>(
      context, response,
      [this, request](const CallContext& call) {
        return Compliance(call, *request);
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ExportComplianceReport(
    grpc::CallbackServerContext* context,
    const v1::GetComplianceReportRequest* request,
    v1::ExportResponse* response) {
  return calls_.Run<v1::ExportResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ExportResponse> {
        ASSIGN_OR_RETURN(const v1::ComplianceReport report,
                         Compliance(call, *request));
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const std::string commune =
            request->org_unit().empty()
                ? ""
                : UnitIdOf(report.rows().empty() ? request->org_unit()
                                                 : report.rows(0).org_unit());
        v1::ExportResponse out;
        ASSIGN_OR_RETURN(*out.mutable_xlsx_content(),
                         ComplianceWorkbook(report,
                                            Heading(*units, commune, today_())));
        const int32_t last = request->last_year() == 0 ? request->first_year()
                                                       : request->last_year();
        out.set_filename(absl::StrCat(
            "bao-cao-tuan-thu-nq71-", request->first_year(),
            last == request->first_year() ? "" : absl::StrCat("-", last), "-",
            StageId(request->stage()), commune.empty() ? "" : "-", commune,
            ".xlsx"));
        return out;
      });
}

absl::StatusOr<v1::ExecutionTable> BudgetServiceImpl::Execution(
    const CallContext& call, const v1::GetExecutionTableRequest& request) {
  ASSIGN_OR_RETURN(const BudgetKey budget,
                   ParseBudgetName(request.budget(), "budget"));
  ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                   directory_->Units(call));
  ASSIGN_OR_RETURN(const UnitInfo* owner,
                   BudgetOwner(*units, budget.unit_id, "budget"));
  RETURN_IF_ERROR(Authz().CanRead(call.caller(), ScopeOf(owner)));
  ExecutionInput input;
  input.budget = budget;
  input.display_name = owner->display_name;
  for (v1::Stage stage : kStages) {
    absl::StatusOr<v1::BudgetVersion> version = store_->GetVersion(
        call, VersionKey{budget, stage, 0}, /*with_lines=*/true);
    if (absl::IsNotFound(version.status())) continue;
    if (!version.ok()) return version.status();
    input.version_names[stage] = version->name();
    input.lines[stage] = std::vector<v1::BudgetLine>(version->lines().begin(),
                                                     version->lines().end());
  }
  return ComposeExecutionTable(input);
}

grpc::ServerUnaryReactor* BudgetServiceImpl::GetExecutionTable(
    grpc::CallbackServerContext* context,
    const v1::GetExecutionTableRequest* request, v1::ExecutionTable* response) {
  return calls_.Run<v1::ExecutionTable>(
      context, response, [this, request](const CallContext& call) {
        return Execution(call, *request);
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ExportExecutionTable(
    grpc::CallbackServerContext* context,
    const v1::GetExecutionTableRequest* request, v1::ExportResponse* response) {
  return calls_.Run<v1::ExportResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ExportResponse> {
        ASSIGN_OR_RETURN(const v1::ExecutionTable table,
                         Execution(call, *request));
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const BudgetKey budget = *ParseBudgetName(request->budget(), "budget");
        const UnitInfo* owner = units->Find(budget.unit_id);
        v1::ExportResponse out;
        ASSIGN_OR_RETURN(
            *out.mutable_xlsx_content(),
            ExecutionWorkbook(
                table, Heading(*units,
                               owner->unit_class == UnitClass::kCommune
                                   ? owner->id
                                   : "",
                               today_())));
        out.set_filename(absl::StrCat("du-toan-thuc-hien-", budget.unit_id, "-",
                                      budget.year, ".xlsx"));
        return out;
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::GetBudgetShares(
    grpc::CallbackServerContext* context,
    const v1::GetBudgetSharesRequest* request,
    v1::GetBudgetSharesResponse* response) {
  return calls_.Run<v1::GetBudgetSharesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::GetBudgetSharesResponse> {
        if (request->fiscal_year() < kMinFiscalYear ||
            request->fiscal_year() > kMaxFiscalYear) {
          return InvalidField("fiscal_year", "bắt buộc (required)");
        }
        RETURN_IF_ERROR(CheckStage(request->stage(), "stage", false));
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        std::vector<std::string> ids;
        for (const std::string& name : request->org_units()) {
          ids.push_back(UnitIdOf(name));
        }
        // Shares are the aggregates the indicators report.
        RETURN_IF_ERROR(Authz().CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(std::vector<v1::BudgetShare> shares,
                         ComputeShares(call, *store_, *units,
                                       request->fiscal_year(), request->stage(),
                                       ids, "org_units"));
        v1::GetBudgetSharesResponse out;
        for (v1::BudgetShare& share : shares) {
          *out.add_shares() = std::move(share);
        }
        return out;
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::EstimateAllowanceCost(
    grpc::CallbackServerContext* context,
    const v1::EstimateAllowanceCostRequest* request,
    v1::AllowanceCostEstimate* response) {
  return calls_.Run<v1::AllowanceCostEstimate>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::AllowanceCostEstimate> {
        FieldViolations violations;
        if (request->fiscal_year() != 0 &&
            (request->fiscal_year() < kMinFiscalYear ||
             request->fiscal_year() > kMaxFiscalYear)) {
          violations.Add("fiscal_year", "ngoài khoảng (out of range)");
        }
        absl::StatusOr<absl::CivilDay> as_of = today_();
        if (request->has_headcount_as_of()) {
          as_of = api::FromProtoDate(request->headcount_as_of(),
                                     "headcount_as_of");
          if (!as_of.ok()) {
            violations.Add("headcount_as_of", "ngày không hợp lệ (invalid date)");
          }
        }
        CheckAllowanceRequest(*request, violations);
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const UnitInfo* unit = units->Find(
            request->org_unit().empty() ? units->city_id : request->org_unit());
        if (unit == nullptr || !LevelOf(*unit)) {
          return InvalidField("org_unit",
                              "cần thành phố hoặc một xã, phường, đặc khu (the "
                              "city or a commune-level unit)");
        }
        // The city's people are an aggregate; a commune's are the commune's.
        RETURN_IF_ERROR(unit->unit_class == UnitClass::kCommune
                            ? Authz().CanRead(call.caller(), ScopeOf(unit))
                            : Authz().CanReadAggregate(call.caller()));
        const absl::CivilDay day = request->fiscal_year() == 0
                                       ? today_()
                                       : absl::CivilDay(request->fiscal_year(), 1, 1);
        ASSIGN_OR_RETURN(const std::optional<SalaryBase> base,
                         store_->SalaryBaseOn(call, day));
        ASSIGN_OR_RETURN(const StaffHeadcounts headcounts,
                         CountStaff(peers_, call, *unit, *as_of));
        ASSIGN_OR_RETURN(
            v1::AllowanceCostEstimate estimate,
            budget::EstimateAllowanceCost(*request, base, headcounts));
        estimate.set_org_unit("units/" + unit->id);
        *estimate.mutable_headcount_as_of() = api::ToProtoDate(*as_of);
        return estimate;
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::CreateProject(
    grpc::CallbackServerContext* context,
    const v1::CreateProjectRequest* request, v1::Project* response) {
  return calls_.Run<v1::Project>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Project> {
        FieldViolations violations;
        if (!api::IsValidResourceId(request->project_id())) {
          violations.Add("project_id",
                         "1-63 ký tự [a-z0-9-], bắt đầu bằng chữ (AIP-122 id)");
        }
        CheckProject(request->project(), "project.", violations);
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const UnitInfo* owner = units->Find(request->project().budget_unit());
        if (owner == nullptr || !LevelOf(*owner)) {
          violations.Add("project.budget_unit",
                         "cần thành phố hoặc đơn vị cấp xã (the city or a "
                         "commune-level unit)");
        }
        const UnitInfo* unit = units->Find(request->project().unit());
        if (unit == nullptr) {
          violations.Add("project.unit",
                         "đơn vị không có trong sổ đăng ký (unknown unit)");
        } else if (owner != nullptr &&
                   owner->unit_class == UnitClass::kCommune &&
                   unit->id != owner->id && unit->parent_id != owner->id) {
          violations.Add("project.unit",
                         "không thuộc xã, phường chi trả (not under the "
                         "paying commune)");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authz().CanWrite(call.caller(), ScopeOf(owner)));
        v1::Project project = request->project();
        project.set_budget_unit("units/" + owner->id);
        project.set_unit("units/" + unit->id);
        return store_->CreateProject(call, request->project_id(), project,
                                     request->request_id());
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::GetProject(
    grpc::CallbackServerContext* context, const v1::GetProjectRequest* request,
    v1::Project* response) {
  return calls_.Run<v1::Project>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Project> {
        ASSIGN_OR_RETURN(const std::string id,
                         api::ParseResourceId(request->name(), "projects",
                                              "name"));
        ASSIGN_OR_RETURN(ProjectRecord record, store_->GetProject(call, id));
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const UnitInfo* owner = units->Find(record.project.budget_unit());
        RETURN_IF_ERROR(Authz().CanRead(call.caller(), ScopeOf(owner)));
        return std::move(record.project);
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ListProjects(
    grpc::CallbackServerContext* context,
    const v1::ListProjectsRequest* request,
    v1::ListProjectsResponse* response) {
  return calls_.Run<v1::ListProjectsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListProjectsResponse> {
        ASSIGN_OR_RETURN(const int page_size,
                         api::EffectivePageSize(request->page_size()));
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        std::string after;
        if (!request->page_token().empty()) {
          ASSIGN_OR_RETURN(
              const api::PageCursor cursor,
              api::DecodePageToken(request->page_token(), fingerprint));
          if (cursor.keys.size() != 1) {
            return InvalidField("page_token", "không hợp lệ (invalid)");
          }
          after = cursor.keys[0];
        }
        ASSIGN_OR_RETURN(const std::optional<UnitInfo> owner,
                         OwnerFilter(call, request->budget_unit()));
        RETURN_IF_ERROR(Authz().CanRead(call.caller(),
                                        ScopeOf(owner ? &*owner : nullptr)));
        const std::string budget_unit = owner ? owner->id : "";
        ASSIGN_OR_RETURN(auto page, store_->ListProjects(call, budget_unit,
                                                         after, page_size));
        v1::ListProjectsResponse out;
        for (v1::Project& project : page.first) {
          *out.add_projects() = std::move(project);
        }
        if (page.second && out.projects_size() > 0) {
          out.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{UnitIdOf(out.projects().rbegin()->name())}},
              fingerprint));
        }
        return out;
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::RecordDisbursement(
    grpc::CallbackServerContext* context,
    const v1::RecordDisbursementRequest* request, v1::Disbursement* response) {
  return calls_.Run<v1::Disbursement>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::Disbursement> {
        FieldViolations violations;
        absl::StatusOr<std::string> id =
            api::ParseResourceId(request->parent(), "projects", "parent");
        if (!id.ok()) violations.Add("parent", "cần dạng projects/{project}");
        CheckDisbursement(request->disbursement(), "disbursement.", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(const ProjectRecord record,
                         store_->GetProject(call, *id));
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        const UnitInfo* owner = units->Find(record.project.budget_unit());
        RETURN_IF_ERROR(Authz().CanWrite(call.caller(), ScopeOf(owner)));
        return store_->RecordDisbursement(call, *id, request->disbursement(),
                                          call.caller().id,
                                          request->request_id());
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ListProjectProgress(
    grpc::CallbackServerContext* context,
    const v1::ListProjectProgressRequest* request,
    v1::ListProjectProgressResponse* response) {
  return calls_.Run<v1::ListProjectProgressResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListProjectProgressResponse> {
        FieldViolations violations;
        if (request->as_of_year() < kMinFiscalYear ||
            request->as_of_year() > kMaxFiscalYear) {
          violations.Add("as_of_year", "bắt buộc (required)");
        }
        if (request->as_of_month() < 1 || request->as_of_month() > 12) {
          violations.Add("as_of_month", "từ 1 đến 12 (required)");
        }
        if (request->tolerance_percent() < 0 ||
            request->tolerance_percent() > 100) {
          violations.Add("tolerance_percent", "từ 0 đến 100");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(const std::optional<UnitInfo> owner,
                         OwnerFilter(call, request->budget_unit()));
        RETURN_IF_ERROR(Authz().CanRead(call.caller(),
                                        ScopeOf(owner ? &*owner : nullptr)));
        const std::string budget_unit = owner ? owner->id : "";
        const int32_t tolerance = request->tolerance_percent() == 0
                                      ? kDefaultLagTolerancePercent
                                      : request->tolerance_percent();
        ASSIGN_OR_RETURN(const std::vector<ProjectRecord> records,
                         store_->ProjectRecords(call, budget_unit));
        std::vector<v1::ProjectProgress> progress;
        for (const ProjectRecord& record : records) {
          ASSIGN_OR_RETURN(
              v1::ProjectProgress one,
              ProjectProgressAt(record.project, record.disbursements,
                                request->as_of_year(), request->as_of_month(),
                                tolerance));
          if (request->lagging_only() && !one.lagging()) continue;
          progress.push_back(std::move(one));
        }
        SortByLag(progress);
        v1::ListProjectProgressResponse out;
        for (v1::ProjectProgress& one : progress) {
          if (one.lagging()) out.set_lagging_count(out.lagging_count() + 1);
          *out.add_projects() = std::move(one);
        }
        return out;
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const hpedu::audit::v1::ListAuditEventsRequest* request,
    hpedu::audit::v1::ListAuditEventsResponse* response) {
  return calls_.Run<hpedu::audit::v1::ListAuditEventsResponse>(
      context, response, [this, request](const CallContext& call) {
        return audit_log_.List(call, *request);
      });
}

grpc::ServerUnaryReactor* BudgetServiceImpl::ListChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::ListChangesRequest* request,
    feed::v1::ListChangesResponse* response) {
  return calls_.Run<feed::v1::ListChangesResponse>(
      context, response, [this, request](const CallContext& call) {
        return changes_->List(call, *request);
      });
}

grpc::ServerWriteReactor<feed::v1::Change>* BudgetServiceImpl::WatchChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::WatchChangesRequest* request) {
  return changes_->Watch(context, request);
}

IndicatorSourceServiceImpl::IndicatorSourceServiceImpl(
    std::shared_ptr<BudgetStore> store,
    std::shared_ptr<UnitDirectory> directory, server::UnaryCalls& calls)
    : store_(std::move(store)),
      directory_(std::move(directory)),
      calls_(calls) {}

grpc::ServerUnaryReactor* IndicatorSourceServiceImpl::ComputeIndicatorValues(
    grpc::CallbackServerContext* context,
    const iv1::ComputeIndicatorValuesRequest* request,
    iv1::ComputeIndicatorValuesResponse* response) {
  return calls_.Run<iv1::ComputeIndicatorValuesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<iv1::ComputeIndicatorValuesResponse> {
        // The Resolution 71 indicators whose figures are budget shares.
        const bool education = request->indicator_code() == "R71-15";
        const bool investment = request->indicator_code() == "R71-16";
        FieldViolations violations;
        if (!education && !investment) {
          violations.Add("indicator_code",
                         "ngân sách chỉ tính R71-15 và R71-16 (the budget "
                         "service computes R71-15 and R71-16)");
        }
        int32_t year = 0;
        if (request->period().size() != 4 ||
            !absl::SimpleAtoi(request->period(), &year) ||
            year < kMinFiscalYear || year > kMaxFiscalYear) {
          violations.Add("period", "một năm dương lịch, ví dụ 2026 (a year)");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        RETURN_IF_ERROR(Authz().CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(std::shared_ptr<const UnitIndex> units,
                         directory_->Units(call));
        std::vector<std::string> ids;
        for (const std::string& name : request->org_units()) {
          ids.push_back(UnitIdOf(name));
        }
        ASSIGN_OR_RETURN(
            const std::vector<v1::BudgetShare> shares,
            ComputeShares(call, *store_, *units, year, v1::STAGE_UNSPECIFIED,
                          ids, "org_units"));
        iv1::ComputeIndicatorValuesResponse out;
        for (const v1::BudgetShare& share : shares) {
          if (share.state_total_dong() == 0) continue;
          iv1::ReportedValue& value = *out.add_values();
          value.set_org_unit(share.org_unit());
          value.set_period(request->period());
          value.set_numerator(education ? share.education_dong()
                                        : share.investment_dong());
          value.set_denominator(share.state_total_dong());
          value.set_provenance(iv1::COMPUTED_FROM_SERVICE);
        }
        return out;
      });
}

}  // namespace hpedu::budget
