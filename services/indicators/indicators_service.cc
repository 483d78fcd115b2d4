#include "services/indicators/indicators_service.h"

#include <algorithm>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/api/page_token.h"
#include "libs/csv/line_errors.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_macros.h"
#include "services/indicators/indicator_validation.h"
#include "services/indicators/value_import.h"
#include "services/indicators/value_names.h"

namespace hpedu::indicators {
namespace {

using server::CallContext;

constexpr size_t kMaxUnaryCsvBytes = 8 << 20;
constexpr size_t kMaxStreamedCsvBytes = 64 << 20;
// Earlier periods shown as trend.
constexpr int64_t kTrendPeriods = 4;

std::string IdOfIndicator(const v1::Indicator& indicator) {
  return indicator.name().substr(sizeof("indicators/") - 1);
}

// Collects a streamed import, then runs it on `executor`.
class StreamImportReactor final
    : public grpc::ServerReadReactor<v1::ImportReportedValuesRequest> {
 public:
  StreamImportReactor(IndicatorsServiceImpl& service,
                      server::Executor& executor,
                      const server::CallContextFactory& contexts,
                      grpc::CallbackServerContext* context,
                      v1::ImportReportedValuesResponse* response)
      : service_(service),
        executor_(executor),
        context_(context),
        response_(response) {
    // Authenticated before a byte is read; imports may take ten minutes.
    absl::StatusOr<CallContext> call = contexts.Make(context, absl::Minutes(10));
    if (!call.ok()) {
      Finish(ToGrpcStatus(call.status()));
      return;
    }
    call_.emplace(*std::move(call));
    StartRead(&chunk_);
  }

  void OnReadDone(bool ok) override {
    if (ok) {
      if (first_) {
        validate_only_ = chunk_.validate_only();
        override_reason_ = chunk_.override_reason();
        first_ = false;
      }
      if (chunk_.csv_content().size() > (4u << 20) ||
          content_.size() + chunk_.csv_content().size() >
              kMaxStreamedCsvBytes) {
        Finish(ToGrpcStatus(InvalidField(
            "csv_content", "tệp quá lớn (chunk over 4 MiB or file over "
                           "64 MiB)")));
        return;
      }
      content_ += chunk_.csv_content();
      StartRead(&chunk_);
      return;
    }
    // The client finished sending (or left): import off the gRPC thread.
    const bool queued = executor_.Submit([this] {
      const CallContext& call = *call_;
      if (call.cancelled()) {
        Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
        return;
      }
      absl::StatusOr<v1::ImportReportedValuesResponse> result =
          service_.Import(call, content_, validate_only_, override_reason_);
      if (result.ok()) *response_ = *std::move(result);
      Finish(ToGrpcStatus(result.status()));
    });
    if (!queued) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          "đang bận (too many imports queued)"));
    }
  }

  void OnDone() override { delete this; }

 private:
  IndicatorsServiceImpl& service_;
  server::Executor& executor_;
  grpc::CallbackServerContext* context_;
  v1::ImportReportedValuesResponse* response_;
  std::optional<CallContext> call_;
  v1::ImportReportedValuesRequest chunk_;
  std::string content_;
  bool first_ = true;
  bool validate_only_ = false;
  std::string override_reason_;
};

}  // namespace

IndicatorsServiceImpl::IndicatorsServiceImpl(
    std::unique_ptr<IndicatorStore> store,
    std::unique_ptr<UnitDirectory> directory,
    std::unique_ptr<registry::client::UnitScopes> scopes,
    std::unique_ptr<IndicatorSources> sources, audit::AuditLog audit_log,
    std::unique_ptr<feed::ChangeFeed> changes,
    std::unique_ptr<jobs::Scheduler> scheduler, server::UnaryCalls& calls,
    std::function<absl::CivilDay()> today)
    : store_(std::move(store)),
      directory_(std::move(directory)),
      scopes_(std::move(scopes)),
      sources_(std::move(sources)),
      authorizer_("indicators"),
      audit_log_(std::move(audit_log)),
      changes_(std::move(changes)),
      calls_(calls),
      today_(std::move(today)),
      stream_imports_(/*threads=*/1, /*max_queue=*/4),
      scheduler_(std::move(scheduler)) {
  scheduler_->Start({jobs::Job{
      .id = "refresh-computed",
      .title = "Cập nhật các chỉ tiêu tính từ dịch vụ khác (refresh the "
               "computed indicators)",
      .every = absl::Hours(1),
      .run = [this](const CallContext& call, absl::Time /*slot*/) {
        return RefreshJob(call);
      }}});
}

IndicatorsServiceImpl::~IndicatorsServiceImpl() { stream_imports_.Shutdown(); }

absl::StatusOr<auth::Scope> IndicatorsServiceImpl::ValueScope(
    const CallContext& call, const v1::Indicator& indicator,
    const std::string& org_unit, std::string_view field) {
  auth::Scope scope;
  if (auth::Authorizer::ScopeMatters(call.caller())) {
    absl::StatusOr<auth::Scope> of = scopes_->Of(call, org_unit);
    if (absl::IsNotFound(of.status())) {
      return InvalidField(field, "đơn vị không có trong sổ đăng ký "
                                 "(unknown unit)");
    }
    if (!of.ok()) return of.status();
    scope = *std::move(of);
  }
  scope.lead_agency = indicator.lead_agency();
  return scope;
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::GetIndicator(
    grpc::CallbackServerContext* context,
    const v1::GetIndicatorRequest* request, v1::Indicator* response) {
  return calls_.Run<v1::Indicator>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Indicator> {
        // Definitions, targets and the city's figures are for every role.
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const std::string id,
                         ParseIndicatorName(request->name(), "name"));
        return store_->GetIndicator(call, id);
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListIndicators(
    grpc::CallbackServerContext* context,
    const v1::ListIndicatorsRequest* request,
    v1::ListIndicatorsResponse* response) {
  return calls_.Run<v1::ListIndicatorsResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ListIndicatorsResponse> {
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const int page_size,
                         api::EffectivePageSize(request->page_size()));
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        std::string after;
        if (!request->page_token().empty()) {
          ASSIGN_OR_RETURN(const api::PageCursor cursor,
                           api::DecodePageToken(request->page_token(),
                                                fingerprint));
          if (cursor.keys.size() != 1) {
            return InvalidField("page_token", "không hợp lệ (invalid)");
          }
          after = cursor.keys[0];
        }
        ASSIGN_OR_RETURN(std::vector<v1::Indicator> indicators,
                         store_->ListIndicators(call));
        v1::ListIndicatorsResponse result;
        result.set_total_size(static_cast<int>(indicators.size()));
        for (v1::Indicator& indicator : indicators) {
          if (!after.empty() && indicator.code() <= after) continue;
          if (result.indicators_size() == page_size) {
            result.set_next_page_token(api::EncodePageToken(
                api::PageCursor{{result.indicators().rbegin()->code()}},
                fingerprint));
            break;
          }
          *result.add_indicators() = std::move(indicator);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::CreateIndicator(
    grpc::CallbackServerContext* context,
    const v1::CreateIndicatorRequest* request, v1::Indicator* response) {
  return calls_.Run<v1::Indicator>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Indicator> {
        ASSIGN_OR_RETURN(const CreateIndicatorCommand command,
                         ValidateCreateIndicatorRequest(*request));
        RETURN_IF_ERROR(authorizer_.CanWrite(
            call.caller(),
            auth::Scope{.lead_agency = command.indicator.lead_agency()}));
        return store_->CreateIndicator(call, command.id, command.indicator,
                                       command.request_id);
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::UpdateIndicator(
    grpc::CallbackServerContext* context,
    const v1::UpdateIndicatorRequest* request, v1::Indicator* response) {
  return calls_.Run<v1::Indicator>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Indicator> {
        ASSIGN_OR_RETURN(const IndicatorUpdate update,
                         ValidateUpdateIndicatorRequest(*request));
        // The result must still be a valid definition.
        ASSIGN_OR_RETURN(v1::Indicator current,
                         store_->GetIndicator(call, update.id));
        RETURN_IF_ERROR(authorizer_.CanWrite(
            call.caller(), auth::Scope{.lead_agency = current.lead_agency()}));
        v1::Indicator next = current;
        google::protobuf::FieldMask mask = request->update_mask();
        for (const std::string& path : mask.paths()) {
          const auto* field =
              v1::Indicator::descriptor()->FindFieldByName(path);
          const auto* reflection = next.GetReflection();
          reflection->ClearField(&next, field);
          if (reflection->HasField(update.fields, field)) {
            // Scalars only in the mask's allowed list.
            switch (field->cpp_type()) {
              case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
                reflection->SetString(&next, field,
                                      reflection->GetString(update.fields, field));
                break;
              case google::protobuf::FieldDescriptor::CPPTYPE_INT64:
                reflection->SetInt64(&next, field,
                                     reflection->GetInt64(update.fields, field));
                break;
              case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
                reflection->SetInt32(&next, field,
                                     reflection->GetInt32(update.fields, field));
                break;
              case google::protobuf::FieldDescriptor::CPPTYPE_ENUM:
                reflection->SetEnumValue(
                    &next, field, reflection->GetEnumValue(update.fields, field));
                break;
              default:
                break;
            }
          }
        }
        FieldViolations violations;
        ValidateIndicatorFields(next, "indicator.", violations);
        RETURN_IF_ERROR(violations.ToStatus());
        return store_->UpdateIndicator(call, update);
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::CreateTarget(
    grpc::CallbackServerContext* context,
    const v1::CreateTargetRequest* request, v1::Target* response) {
  return calls_.Run<v1::Target>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Target> {
        ASSIGN_OR_RETURN(const std::string indicator_id,
                         ParseIndicatorName(request->parent(), "parent"));
        ASSIGN_OR_RETURN(const v1::Indicator indicator,
                         store_->GetIndicator(call, indicator_id));
        ASSIGN_OR_RETURN(const absl::CivilDay horizon_end,
                         ValidateTarget(indicator, *request));
        // A ward sets its own targets; the lead division sets any.
        ASSIGN_OR_RETURN(const auth::Scope scope,
                         ValueScope(call, indicator, request->target().org_unit(),
                                    "target.org_unit"));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        return store_->CreateTarget(call, indicator_id, request->target_id(),
                                    request->target(), horizon_end,
                                    request->request_id());
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListTargets(
    grpc::CallbackServerContext* context,
    const v1::ListTargetsRequest* request, v1::ListTargetsResponse* response) {
  return calls_.Run<v1::ListTargetsResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ListTargetsResponse> {
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        FieldViolations violations;
        absl::StatusOr<std::string> indicator_id =
            ParseIndicatorName(request->parent(), "parent", /*allow_all=*/true);
        if (!indicator_id.ok()) violations.Add("parent", "cần indicators/{id} hoặc indicators/-");
        std::string org_unit_id;
        if (!request->org_unit().empty()) {
          absl::StatusOr<std::string> unit =
              ParseUnitName(request->org_unit(), "org_unit");
          if (unit.ok()) {
            org_unit_id = *unit;
          } else {
            violations.Add("org_unit", "cần units/{id} (a unit name)");
          }
        }
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(request->page_size());
        if (!page_size.ok()) violations.Add("page_size", "không âm (>= 0)");
        RETURN_IF_ERROR(violations.ToStatus());
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        std::string after;
        if (!request->page_token().empty()) {
          ASSIGN_OR_RETURN(const api::PageCursor cursor,
                           api::DecodePageToken(request->page_token(),
                                                fingerprint));
          if (cursor.keys.size() != 1) {
            return InvalidField("page_token", "không hợp lệ (invalid)");
          }
          after = cursor.keys[0];
        }
        std::vector<std::string> ids;
        if (*indicator_id != kAllIndicators) ids.push_back(*indicator_id);
        ASSIGN_OR_RETURN(std::vector<v1::Target> targets,
                         store_->ListTargets(call, ids, org_unit_id));
        v1::ListTargetsResponse result;
        bool skipping = !after.empty();
        for (v1::Target& target : targets) {
          if (skipping) {
            if (target.name() == after) skipping = false;
            continue;
          }
          if (result.targets_size() == *page_size) {
            result.set_next_page_token(api::EncodePageToken(
                api::PageCursor{{result.targets().rbegin()->name()}},
                fingerprint));
            break;
          }
          *result.add_targets() = std::move(target);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ReportValue(
    grpc::CallbackServerContext* context, const v1::ReportValueRequest* request,
    v1::ReportedValue* response) {
  return calls_.Run<v1::ReportedValue>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ReportedValue> {
        FieldViolations violations;
        absl::StatusOr<std::string> indicator_id =
            ParseIndicatorName(request->parent(), "parent");
        if (!indicator_id.ok()) violations.Add("parent", "cần indicators/{id}");
        if (!request->has_value()) violations.Add("value", "bắt buộc (required)");
        if (!request->request_id().empty() && !IsUuid(request->request_id())) {
          violations.Add("request_id", "phải là UUID (must be a UUID)");
        }
        if (request->override_reason().size() > 1000) {
          violations.Add("override_reason", "tối đa 1000 byte (<= 1000 bytes)");
        }
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(const v1::Indicator indicator,
                         store_->GetIndicator(call, *indicator_id));
        const v1::ReportedValue& value = request->value();
        if (!value.org_unit().starts_with("units/")) {
          violations.Add("value.org_unit", "cần units/{id} (a unit name)");
        }
        const ValueInput input = ValueInputOf(indicator, value);
        std::vector<std::pair<std::string, std::string>> problems;
        std::optional<ValueWrite> write =
            ValidateValue(indicator, input, 0, problems);
        for (const auto& [column, message] : problems) {
          violations.Add("value." + column, message);
        }
        RETURN_IF_ERROR(violations.ToStatus());
        ASSIGN_OR_RETURN(const auth::Scope scope,
                         ValueScope(call, indicator, value.org_unit(),
                                    "value.org_unit"));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        ASSIGN_OR_RETURN(const std::shared_ptr<const UnitTree> city,
                         directory_->Tree(call, std::string(kCityUnitId)));
        RETURN_IF_ERROR(CheckReporters(city, {*write},
                                       {{*indicator_id, &indicator}},
                                       "value.org_unit"));
        WriteOptions options;
        options.provenance = v1::ENTERED;
        options.reporter = call.caller().id;
        options.today = today_();
        options.override_reason = request->override_reason();
        options.request_id = request->request_id();
        ASSIGN_OR_RETURN(WriteResult result,
                         store_->WriteValues(call, {*write}, options));
        return result.values.at(0);
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListReportedValues(
    grpc::CallbackServerContext* context,
    const v1::ListReportedValuesRequest* request,
    v1::ListReportedValuesResponse* response) {
  return calls_.Run<v1::ListReportedValuesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListReportedValuesResponse> {
        FieldViolations violations;
        ValueQuery query;
        absl::StatusOr<std::string> indicator_id =
            ParseIndicatorName(request->parent(), "parent");
        if (!indicator_id.ok()) violations.Add("parent", "cần indicators/{id}");
        if (!request->org_unit().empty()) {
          absl::StatusOr<std::string> unit =
              ParseUnitName(request->org_unit(), "org_unit");
          if (unit.ok()) {
            query.org_unit_id = *unit;
          } else {
            violations.Add("org_unit", "cần units/{id} (a unit name)");
          }
        }
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(request->page_size());
        if (!page_size.ok()) violations.Add("page_size", "không âm (>= 0)");
        RETURN_IF_ERROR(violations.ToStatus());
        if (request->org_unit().empty()) {
          // Every unit's values: the city's detail.
          if (auth::Authorizer::ScopeMatters(call.caller())) {
            return WithErrorInfo(
                absl::PermissionDeniedError(
                    "Chỉ xem được số liệu của đơn vị mình: hãy đặt org_unit "
                    "/ set org_unit to a unit in your scope"),
                "SCOPE_DENIED");
          }
          RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), auth::Scope{}));
        } else {
          ASSIGN_OR_RETURN(const v1::Indicator indicator,
                           store_->GetIndicator(call, *indicator_id));
          ASSIGN_OR_RETURN(const auth::Scope scope,
                           ValueScope(call, indicator, request->org_unit(),
                                      "org_unit"));
          RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), scope));
        }
        query.indicator_id = *indicator_id;
        query.period = request->period();
        query.page_size = *page_size;
        const uint64_t fingerprint = api::QueryFingerprint(*request);
        if (!request->page_token().empty()) {
          ASSIGN_OR_RETURN(const api::PageCursor cursor,
                           api::DecodePageToken(request->page_token(),
                                                fingerprint));
          if (cursor.keys.size() != 3) {
            return InvalidField("page_token", "không hợp lệ (invalid)");
          }
          query.after = ValuePosition{cursor.keys[0], cursor.keys[1],
                                      cursor.keys[2]};
        }
        ASSIGN_OR_RETURN(auto page, store_->ListValues(call, query));
        v1::ListReportedValuesResponse result;
        if (page.second) {
          const v1::ReportedValue& last = page.first.back();
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{last.org_unit().substr(6), last.period(),
                               last.disaggregation()}},
              fingerprint));
        }
        for (v1::ReportedValue& value : page.first) {
          *result.add_values() = std::move(value);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListValueRevisions(
    grpc::CallbackServerContext* context,
    const v1::ListValueRevisionsRequest* request,
    v1::ListValueRevisionsResponse* response) {
  return calls_.Run<v1::ListValueRevisionsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ListValueRevisionsResponse> {
        ASSIGN_OR_RETURN(const ValueKeyParts key,
                         ParseValueName(request->name(), "name"));
        ASSIGN_OR_RETURN(const v1::Indicator indicator,
                         store_->GetIndicator(call, key.indicator_id));
        ASSIGN_OR_RETURN(const auth::Scope scope,
                         ValueScope(call, indicator,
                                    "units/" + key.org_unit_id, "name"));
        RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), scope));
        ASSIGN_OR_RETURN(std::vector<v1::ReportedValue> revisions,
                         store_->ListRevisions(call, key.indicator_id,
                                               key.org_unit_id, key.period,
                                               key.disaggregation));
        v1::ListValueRevisionsResponse result;
        for (v1::ReportedValue& revision : revisions) {
          *result.add_revisions() = std::move(revision);
        }
        return result;
      });
}

absl::StatusOr<v1::ImportReportedValuesResponse> IndicatorsServiceImpl::Import(
    const CallContext& call, const std::string& csv_content,
    bool validate_only, const std::string& override_reason) {
  if (csv_content.empty()) return InvalidField("csv_content", "bắt buộc (required)");
  // The registry's tree, for CheckReporters, is fetched while the file is
  // parsed: on a cold cache it is a few pages of the registry.
  std::future<absl::StatusOr<std::shared_ptr<const UnitTree>>> city =
      std::async(std::launch::async, [this, &call] {
        return directory_->Tree(call, std::string(kCityUnitId));
      });
  ASSIGN_OR_RETURN(const std::vector<v1::Indicator> indicators,
                   store_->ListIndicators(call));
  ASSIGN_OR_RETURN(const std::vector<ValueWrite> writes,
                   ParseValuesCsv(csv_content, indicators));
  // All or nothing: one line outside the caller's scope refuses the file.
  std::map<std::string, const v1::Indicator*> by_id;
  for (const v1::Indicator& indicator : indicators) {
    by_id[IdOfIndicator(indicator)] = &indicator;
  }
  std::set<std::pair<std::string, std::string>> checked;
  for (const ValueWrite& write : writes) {
    if (!checked.emplace(write.indicator_id, write.org_unit_id).second) continue;
    const v1::Indicator* indicator = by_id.at(write.indicator_id);
    ASSIGN_OR_RETURN(const auth::Scope scope,
                     ValueScope(call, *indicator, "units/" + write.org_unit_id,
                                "csv_content"));
    RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
  }
  ASSIGN_OR_RETURN(const std::shared_ptr<const UnitTree> tree, city.get());
  RETURN_IF_ERROR(CheckReporters(tree, writes, by_id, "csv_content"));
  WriteOptions options;
  options.provenance = v1::IMPORTED;
  options.reporter = call.caller().id;
  options.today = today_();
  options.override_reason = override_reason;
  options.validate_only = validate_only;
  ASSIGN_OR_RETURN(const WriteResult result,
                   store_->WriteValues(call, writes, options));
  v1::ImportReportedValuesResponse response;
  response.set_created(result.created);
  response.set_corrected(result.corrected);
  response.set_unchanged(result.unchanged);
  for (int line : result.outlier_lines) response.add_outlier_lines(line);
  return response;
}

absl::Status IndicatorsServiceImpl::CheckReporters(
    const std::shared_ptr<const UnitTree>& city,
    const std::vector<ValueWrite>& writes,
    const std::map<std::string, const v1::Indicator*>& indicators,
    std::string_view field) {
  constexpr char kNotExpected[] =
      "đơn vị không thuộc diện báo cáo chỉ tiêu này theo sổ đăng ký (the "
      "registry has no such unit at the indicator's reporting level)";
  if (writes.size() == 1 && writes[0].line == 0) {
    if (!expected_.Expects(city, *indicators.at(writes[0].indicator_id),
                           writes[0].org_unit_id)) {
      return InvalidField(field, kNotExpected);
    }
    return absl::OkStatus();
  }
  csv::LineErrors errors{std::string(field)};
  for (const ValueWrite& write : writes) {
    if (!expected_.Expects(city, *indicators.at(write.indicator_id),
                           write.org_unit_id)) {
      errors.Add(write.line, "org_unit", kNotExpected);
    }
  }
  return errors.ToStatus();
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ImportReportedValues(
    grpc::CallbackServerContext* context,
    const v1::ImportReportedValuesRequest* request,
    v1::ImportReportedValuesResponse* response) {
  return calls_.Run<v1::ImportReportedValuesResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::ImportReportedValuesResponse> {
        if (request->csv_content().size() > kMaxUnaryCsvBytes) {
          return InvalidField("csv_content",
                              "tối đa 8 MiB; tệp lớn hơn dùng "
                              "StreamImportReportedValues (at most 8 MiB)");
        }
        return Import(call, request->csv_content(), request->validate_only(),
                      request->override_reason());
      });
}

grpc::ServerReadReactor<v1::ImportReportedValuesRequest>*
IndicatorsServiceImpl::StreamImportReportedValues(
    grpc::CallbackServerContext* context,
    v1::ImportReportedValuesResponse* response) {
  return new StreamImportReactor(*this, stream_imports_, calls_.contexts(),
                                 context, response);
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::RollUp(
    grpc::CallbackServerContext* context, const v1::RollUpRequest* request,
    v1::RollUpResponse* response) {
  return calls_.Run<v1::RollUpResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::RollUpResponse> {
        FieldViolations violations;
        absl::StatusOr<std::string> indicator_id = ParseIndicatorName(
            request->indicator(), "indicator", /*allow_all=*/true);
        if (!indicator_id.ok()) {
          violations.Add("indicator", "cần indicators/{id} hoặc indicators/-");
        }
        if (request->period().empty()) violations.Add("period", "bắt buộc (required)");
        std::string org_unit_id(kCityUnitId);
        if (!request->org_unit().empty()) {
          absl::StatusOr<std::string> unit =
              ParseUnitName(request->org_unit(), "org_unit");
          if (unit.ok()) {
            org_unit_id = *unit;
          } else {
            violations.Add("org_unit", "cần units/{id} (a unit name)");
          }
        }
        RETURN_IF_ERROR(violations.ToStatus());
        // The city's figures are for every role; a commune's, for those who
        // may read that commune.
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        if (org_unit_id != kCityUnitId &&
            auth::Authorizer::ScopeMatters(call.caller())) {
          absl::StatusOr<auth::Scope> scope =
              scopes_->Of(call, "units/" + org_unit_id);
          if (absl::IsNotFound(scope.status())) {
            return InvalidField("org_unit", "đơn vị không có trong sổ đăng ký "
                                            "(unknown unit)");
          }
          if (!scope.ok()) return scope.status();
          RETURN_IF_ERROR(authorizer_.CanRead(call.caller(), *scope));
        }

        // The registry's tree first: no connection is held while it is
        // asked. Then every read in one snapshot.
        ASSIGN_OR_RETURN(const std::shared_ptr<const UnitTree> tree,
                         directory_->Tree(call, org_unit_id));
        v1::RollUpResponse result;
        RETURN_IF_ERROR(store_->ReadSnapshot(call, [&](IndicatorReader& reads)
                                                     -> absl::Status {
          result.Clear();
          std::vector<v1::Indicator> indicators;
          if (*indicator_id == kAllIndicators) {
            ASSIGN_OR_RETURN(indicators, reads.ListIndicators(call));
          } else {
            ASSIGN_OR_RETURN(v1::Indicator one,
                             reads.GetIndicator(call, *indicator_id));
            indicators.push_back(std::move(one));
          }
          // Each indicator reads the period in its own type; with
          // indicators/- those whose type does not fit are left out.
          std::vector<std::pair<const v1::Indicator*, Period>> selected;
          for (const v1::Indicator& indicator : indicators) {
            absl::StatusOr<Period> period = ParsePeriod(
                indicator.period_type(), request->period(), "period");
            if (period.ok()) {
              selected.emplace_back(&indicator, *period);
            } else if (*indicator_id != kAllIndicators) {
              return period.status();
            }
            if (!request->disaggregation().empty() &&
                *indicator_id != kAllIndicators &&
                std::find(indicator.disaggregations().begin(),
                          indicator.disaggregations().end(),
                          request->disaggregation()) ==
                    indicator.disaggregations().end()) {
              return InvalidField("disaggregation",
                                  "không thuộc phân tổ của chỉ tiêu (not one of "
                                  "the indicator's disaggregations)");
            }
          }
          if (selected.empty()) {
            return InvalidField("period",
                                "không chỉ tiêu nào có kỳ dạng này (no "
                                "indicator has periods of this form)");
          }

          // The city's figures without drill-down come from the totals each
          // write keeps; the rest sum the reports of the expected units.
          const bool city_totals = tree->root_is_city && !request->drill_down();
          // One unit -> group map for every reporting level; commune-level
          // and school-level reporters never overlap.
          SumQuery query;
          query.include_unapproved = request->include_unapproved();
          std::map<std::string, std::shared_ptr<const Groups>> groups_of;
          std::set<std::string> mapped;
          for (const auto& [indicator, period] : selected) {
            std::shared_ptr<const Groups> groups = expected_.Get(tree, *indicator);
            if (!city_totals) {
              for (const auto& [group, units] : *groups) {
                for (const std::string& unit : units) {
                  if (mapped.insert(unit).second) {
                    query.unit_ids.push_back(unit);
                    query.group_ids.push_back(group);
                  }
                }
              }
            }
            groups_of[IdOfIndicator(*indicator)] = std::move(groups);
          }
          // One sum query per period type (the ordinals are per type).
          std::map<v1::PeriodType, std::vector<const v1::Indicator*>> by_type;
          for (const auto& [indicator, period] : selected) {
            by_type[indicator->period_type()].push_back(indicator);
          }
          std::map<std::string, std::vector<GroupSum>> sums_of;
          for (const auto& [type, members] : by_type) {
            SumQuery typed = query;
            for (const v1::Indicator* indicator : members) {
              typed.indicator_ids.push_back(IdOfIndicator(*indicator));
            }
            const Period period =
                *ParsePeriod(type, request->period(), "period");
            typed.first_ordinal = period.ordinal - kTrendPeriods;
            typed.last_ordinal = period.ordinal;
            ASSIGN_OR_RETURN(std::vector<GroupSum> sums,
                             city_totals ? reads.SumCityValues(call, typed)
                                         : reads.SumValues(call, typed));
            for (GroupSum& sum : sums) {
              sums_of[sum.indicator_id].push_back(std::move(sum));
            }
          }
          std::map<std::string, std::vector<std::string>> missing_of;
          if (city_totals) {
            ASSIGN_OR_RETURN(missing_of,
                             MissingReporters(reads, call, selected, groups_of,
                                              sums_of,
                                              request->include_unapproved()));
          }
          std::vector<std::string> ids;
          for (const auto& [indicator, period] : selected) {
            ids.push_back(IdOfIndicator(*indicator));
          }
          ASSIGN_OR_RETURN(const std::vector<v1::Target> targets,
                           reads.ListTargets(call, ids, org_unit_id));
          std::map<std::string, std::vector<v1::Target>> targets_of;
          for (const v1::Target& target : targets) {
            const std::string& name = target.name();
            const size_t slash = name.find("/targets/");
            targets_of[name.substr(sizeof("indicators/") - 1,
                                   slash - (sizeof("indicators/") - 1))]
                .push_back(target);
          }

            for (const auto& [indicator, period] : selected) {
            const std::string id = IdOfIndicator(*indicator);
            RollUpInput input;
            input.indicator = indicator;
            input.period = period;
            input.org_unit_id = org_unit_id;
            input.disaggregation = request->disaggregation();
            input.drill_down = request->drill_down();
            input.groups = groups_of[id];
            input.sums = std::move(sums_of[id]);
            input.targets = std::move(targets_of[id]);
            input.city_totals = city_totals;
            input.missing = std::move(missing_of[id]);
            if (indicator->school_level().empty()) {
              // Disaggregations by school level: each has its own reporters.
              for (const std::string& d : indicator->disaggregations()) {
                v1::Indicator by_level = *indicator;
                by_level.set_school_level(d);
                by_level.clear_disaggregations();
                int expected = 0;
                for (const auto& [group, units] : *expected_.Get(tree, by_level)) {
                  expected += static_cast<int>(units.size());
                }
                if (expected > 0) input.expected_by_disaggregation[d] = expected;
              }
            }
            *result.add_roll_ups() = ComposeRollUp(input);
          }
          return absl::OkStatus();
        }));
        return result;
      });
}

absl::StatusOr<std::map<std::string, std::vector<std::string>>>
IndicatorsServiceImpl::MissingReporters(
    IndicatorReader& reads, const CallContext& call,
    const std::vector<std::pair<const v1::Indicator*, Period>>& selected,
    const std::map<std::string, std::shared_ptr<const Groups>>& groups_of,
    const std::map<std::string, std::vector<GroupSum>>& sums_of,
    bool include_unapproved) {
  // Units are listed where each group is one unit (communes at the city);
  // only indicators with fewer reporters than expected are looked into, a
  // chunk of units at a time in id order, until 50 are found.
  constexpr size_t kListed = 50;
  constexpr size_t kChunk = 512;
  struct Search {
    std::string indicator_id;
    std::string period;
    std::vector<std::string> units;  // sorted (the groups' order)
    size_t next = 0;
    std::vector<std::string> missing;
  };
  std::vector<Search> searches;
  for (const auto& [indicator, period] : selected) {
    const std::string id = IdOfIndicator(*indicator);
    const Groups& groups = *groups_of.at(id);
    const bool one_unit_groups =
        !groups.empty() &&
        std::all_of(groups.begin(), groups.end(), [](const auto& group) {
          return group.second.size() == 1 && group.second[0] == group.first;
        });
    if (!one_unit_groups) continue;
    int reporters = 0;
    auto sums = sums_of.find(id);
    if (sums != sums_of.end()) {
      for (const GroupSum& sum : sums->second) {
        if (sum.all_disaggregations && sum.period_ordinal == period.ordinal) {
          // Units with values not approved yet reported: not missing.
          reporters = sum.totals.reporters +
                      (include_unapproved ? 0 : sum.totals.unapproved_reporters);
        }
      }
    }
    if (static_cast<size_t>(reporters) >= groups.size()) continue;
    Search search{.indicator_id = id, .period = period.text};
    for (const auto& [group, units] : groups) search.units.push_back(group);
    searches.push_back(std::move(search));
  }
  std::map<std::string, std::vector<std::string>> missing_of;
  while (!searches.empty()) {
    std::vector<ReporterKey> candidates;
    for (const Search& search : searches) {
      const size_t end = std::min(search.units.size(), search.next + kChunk);
      for (size_t i = search.next; i < end; ++i) {
        candidates.push_back({search.indicator_id, search.units[i], search.period});
      }
    }
    ASSIGN_OR_RETURN(const std::set<ReporterKey> reported,
                     reads.Reported(call, candidates));
    std::vector<Search> pending;
    for (Search& search : searches) {
      const size_t end = std::min(search.units.size(), search.next + kChunk);
      for (; search.next < end && search.missing.size() < kListed; ++search.next) {
        const std::string& unit = search.units[search.next];
        if (!reported.contains({search.indicator_id, unit, search.period})) {
          search.missing.push_back(unit);
        }
      }
      if (search.missing.size() < kListed && search.next < search.units.size()) {
        pending.push_back(std::move(search));
      } else {
        missing_of[search.indicator_id] = std::move(search.missing);
      }
    }
    searches = std::move(pending);
  }
  return missing_of;
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const audit::v1::ListAuditEventsRequest* request,
    audit::v1::ListAuditEventsResponse* response) {
  return calls_.Run<audit::v1::ListAuditEventsResponse>(
      context, response, [this, request](const CallContext& call) {
        return audit_log_.List(call, *request);
      });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::ListChangesRequest* request,
    feed::v1::ListChangesResponse* response) {
  return calls_.Run<feed::v1::ListChangesResponse>(
      context, response, [this, request](const CallContext& call) {
        return changes_->List(call, *request);
      });
}

grpc::ServerWriteReactor<feed::v1::Change>* IndicatorsServiceImpl::WatchChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::WatchChangesRequest* request) {
  return changes_->Watch(context, request);
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::RefreshComputedValues(
    grpc::CallbackServerContext* context,
    const v1::RefreshComputedValuesRequest* request,
    v1::RefreshComputedValuesResponse* response) {
  return calls_.Run<v1::RefreshComputedValuesResponse>(
      context, response, [this, request](const CallContext& call) {
        return RefreshComputed(call, *request);
      });
}

absl::StatusOr<std::string> IndicatorsServiceImpl::RefreshJob(
    const CallContext& call) {
  std::vector<std::string> done;
  std::vector<std::string> failed;
  int locked = 0;
  int not_computed = 0;
  for (const std::string& period : PeriodsToRefresh(today_())) {
    v1::RefreshComputedValuesRequest request;
    request.set_indicator("indicators/-");
    request.set_period(period);
    ASSIGN_OR_RETURN(const v1::RefreshComputedValuesResponse response,
                     RefreshComputed(call, request));
    for (const v1::ComputedRefresh& refresh : response.refreshes()) {
      if (refresh.code() == 0) continue;
      const auto code = static_cast<absl::StatusCode>(refresh.code());
      if (code == absl::StatusCode::kFailedPrecondition) {
        ++locked;  // a closed period
      } else if (code == absl::StatusCode::kInvalidArgument) {
        ++not_computed;  // the source does not compute it (yet)
      } else {
        failed.push_back(absl::StrCat(refresh.indicator(), " ", period, ": ",
                                      refresh.message()));
      }
    }
    done.push_back(absl::StrCat(period, " ", response.created(), " mới, ",
                                response.corrected(), " sửa, ",
                                response.unchanged(), " không đổi"));
  }
  const std::string summary = absl::StrCat(
      absl::StrJoin(done, "; "), "; bỏ qua ", locked, " ở kỳ đã khóa, ",
      not_computed,
      " nguồn chưa tính (values created, corrected, unchanged by period; "
      "skipped: in closed periods, not computed by their source)");
  if (!failed.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "nguồn lỗi / sources failed: ", absl::StrJoin(failed, "; "), " — ",
        summary));
  }
  return summary;
}

absl::StatusOr<v1::RefreshComputedValuesResponse>
IndicatorsServiceImpl::RefreshComputed(
    const CallContext& call, const v1::RefreshComputedValuesRequest& request) {
  FieldViolations violations;
  absl::StatusOr<std::string> indicator_id = ParseIndicatorName(
      request.indicator(), "indicator", /*allow_all=*/true);
  if (!indicator_id.ok()) {
    violations.Add("indicator", "cần indicators/{id} hoặc indicators/-");
  }
  if (request.period().empty()) violations.Add("period", "bắt buộc (required)");
  if (request.override_reason().size() > 1000) {
    violations.Add("override_reason", "tối đa 1000 byte (<= 1000 bytes)");
  }
  RETURN_IF_ERROR(violations.ToStatus());
  const bool all = *indicator_id == kAllIndicators;
  std::vector<v1::Indicator> indicators;
  if (all) {
    ASSIGN_OR_RETURN(indicators, store_->ListIndicators(call));
  } else {
    ASSIGN_OR_RETURN(v1::Indicator one, store_->GetIndicator(call, *indicator_id));
    if (SourceServiceName(one.source()).empty()) {
      return InvalidField("indicator",
                          "chỉ tiêu do đơn vị báo cáo, không tính từ dịch vụ "
                          "khác (a reported indicator, not a computed one)");
    }
    indicators.push_back(std::move(one));
  }
  // Computed indicators whose period type fits (with indicators/-, the
  // others are left out, as in RollUp).
  std::vector<std::pair<const v1::Indicator*, Period>> selected;
  for (const v1::Indicator& indicator : indicators) {
    if (SourceServiceName(indicator.source()).empty()) continue;
    absl::StatusOr<Period> period =
        ParsePeriod(indicator.period_type(), request.period(), "period");
    if (period.ok()) {
      selected.emplace_back(&indicator, *std::move(period));
    } else if (!all) {
      return period.status();
    }
  }
  if (selected.empty()) {
    return InvalidField("period",
                        "không chỉ tiêu tính từ dịch vụ khác nào có kỳ dạng "
                        "này (no computed indicator has periods of this "
                        "form)");
  }
  // A write of each indicator's values: refused as a whole before any
  // service is asked.
  for (const auto& [indicator, period] : selected) {
    RETURN_IF_ERROR(authorizer_.CanWrite(
        call.caller(), auth::Scope{.lead_agency = indicator->lead_agency()}));
  }

  ASSIGN_OR_RETURN(const std::shared_ptr<const UnitTree> tree,
                   directory_->Tree(call, std::string(kCityUnitId)));
  const absl::CivilDay today = today_();
  v1::RefreshComputedValuesResponse response;
  std::map<std::string_view, v1::SourceStatus> sources;
  std::vector<ValueWrite> writes;
  for (const auto& [indicator, period] : selected) {
    const std::string_view service = SourceServiceName(indicator->source());
    v1::ComputedRefresh& refresh = *response.add_refreshes();
    refresh.set_indicator(indicator->name());
    refresh.set_source(indicator->source());
    refresh.set_service(std::string(service));
    const auto source = sources.try_emplace(service).first;
    if (source->second.service().empty()) {
      source->second.set_source(indicator->source());
      source->second.set_service(std::string(service));
    }
    auto fail = [&](const absl::Status& status, bool source_failed) {
      refresh.set_code(static_cast<int32_t>(status.code()));
      refresh.set_message(std::string(status.message()));
      if (source_failed && source->second.code() == 0) {
        source->second.set_code(refresh.code());
        source->second.set_message(refresh.message());
      }
    };
    std::set<std::string> unit_ids;
    std::vector<std::string> unit_names;
    for (const auto& [group, units] : ExpectedReporters(*indicator, *tree)) {
      for (const std::string& unit : units) {
        if (unit_ids.insert(unit).second) unit_names.push_back("units/" + unit);
      }
    }
    refresh.set_units_asked(static_cast<int32_t>(unit_names.size()));
    if (unit_names.empty()) continue;
    // The store would refuse the whole write; refuse this indicator only.
    if (request.override_reason().empty() &&
        IsPeriodLocked(period, indicator->lock_after_days(), today)) {
      fail(WithErrorInfo(
               absl::FailedPreconditionError(absl::StrCat(
                   "kỳ ", period.text, " đã khóa; cần override_reason "
                   "(period closed ", indicator->lock_after_days(),
                   " days after it ended)")),
               "PERIOD_LOCKED"),
           /*source_failed=*/false);
      continue;
    }
    absl::StatusOr<std::vector<v1::ReportedValue>> values = sources_->Compute(
        call, indicator->source(), indicator->code(), period.text, unit_names);
    if (!values.ok()) {
      fail(values.status(), /*source_failed=*/true);
      continue;
    }
    absl::StatusOr<std::vector<ValueWrite>> accepted =
        ComputedWrites(*indicator, service, period.text, unit_ids, *values);
    if (!accepted.ok()) {
      fail(accepted.status(), /*source_failed=*/true);
      continue;
    }
    refresh.set_values(static_cast<int32_t>(accepted->size()));
    for (ValueWrite& write : *accepted) writes.push_back(std::move(write));
  }
  for (auto& [service, source] : sources) {
    *response.add_sources() = std::move(source);
  }
  if (writes.empty()) return response;
  WriteOptions options;
  options.provenance = v1::COMPUTED_FROM_SERVICE;
  options.reporter = call.caller().id;
  options.today = today;
  options.override_reason = request.override_reason();
  ASSIGN_OR_RETURN(const WriteResult written,
                   store_->WriteValues(call, writes, options));
  response.set_created(written.created);
  response.set_corrected(written.corrected);
  response.set_unchanged(written.unchanged);
  return response;
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListJobs(
    grpc::CallbackServerContext* context,
    const jobs::v1::ListJobsRequest* request,
    jobs::v1::ListJobsResponse* response) {
  return calls_.Run<jobs::v1::ListJobsResponse>(
      context, response, [this, request](const CallContext& call) {
        return scheduler_->List(call, *request);
      });
}

}  // namespace hpedu::indicators
