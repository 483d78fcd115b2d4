#include "services/registry/registry_service.h"

#include <utility>

#include "libs/api/page_token.h"
#include "libs/status/status_macros.h"
#include "services/registry/client/unit_scopes.h"
#include "services/registry/resolve.h"
#include "services/registry/unit_import.h"
#include "services/registry/unit_validation.h"

namespace hpedu::registry {

using server::CallContext;

RegistryServiceImpl::RegistryServiceImpl(
    std::unique_ptr<UnitStore> store, audit::AuditLog audit_log,
    std::unique_ptr<feed::ChangeFeed> changes, server::UnaryCalls& calls,
    std::function<absl::CivilDay()> today)
    : store_(std::move(store)),
      audit_log_(std::move(audit_log)),
      changes_(std::move(changes)),
      calls_(calls),
      today_(std::move(today)),
      authorizer_("registry") {}

absl::StatusOr<auth::Scope> RegistryServiceImpl::ScopeOf(
    const CallContext& call, const v1::Unit& unit) {
  if (unit.parent().empty()) return client::ScopeOfUnit(unit, nullptr);
  absl::StatusOr<v1::Unit> parent =
      store_->GetUnit(call, UnitIdOf(unit.parent()));
  if (absl::IsNotFound(parent.status())) {
    return client::ScopeOfUnit(unit, nullptr);
  }
  if (!parent.ok()) return parent.status();
  return client::ScopeOfUnit(unit, &*parent);
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetUnit(
    grpc::CallbackServerContext* context, const v1::GetUnitRequest* request,
    v1::Unit* response) {
  return calls_.Run<v1::Unit>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Unit> {
        // The directory is reference data for every role.
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const std::string id,
                         ValidateGetUnitRequest(*request));
        return store_->GetUnit(call, id);
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListUnits(
    grpc::CallbackServerContext* context, const v1::ListUnitsRequest* request,
    v1::ListUnitsResponse* response) {
  return calls_.Run<v1::ListUnitsResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ListUnitsResponse> {
        // The directory is reference data for every role.
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const UnitListQuery query,
                         ValidateListUnitsRequest(*request, today_()));
        ASSIGN_OR_RETURN(UnitPage page, store_->ListUnits(call, query));
        v1::ListUnitsResponse result;
        result.set_total_size(page.total_size);
        if (page.more) {
          const v1::Unit& last = page.units.back();
          result.set_next_page_token(api::EncodePageToken(
              api::PageCursor{{last.display_name(), UnitIdOf(last.name())}},
              api::QueryFingerprint(*request)));
        }
        for (v1::Unit& unit : page.units) {
          *result.add_units() = std::move(unit);
        }
        return result;
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::BatchGetUnits(
    grpc::CallbackServerContext* context,
    const v1::BatchGetUnitsRequest* request,
    v1::BatchGetUnitsResponse* response) {
  return calls_.Run<v1::BatchGetUnitsResponse>(
      context, response,
      [this, request](const CallContext& call)
          -> absl::StatusOr<v1::BatchGetUnitsResponse> {
        // The directory is reference data for every role.
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const std::vector<std::string> ids,
                         ValidateBatchGetUnitsRequest(*request));
        ASSIGN_OR_RETURN(std::vector<v1::Unit> units,
                         store_->BatchGetUnits(call, ids));
        v1::BatchGetUnitsResponse result;
        for (v1::Unit& unit : units) *result.add_units() = std::move(unit);
        return result;
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateUnit(
    grpc::CallbackServerContext* context, const v1::CreateUnitRequest* request,
    v1::Unit* response) {
  return calls_.Run<v1::Unit>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Unit> {
        ASSIGN_OR_RETURN(const CreateUnitCommand command,
                         ValidateCreateUnitRequest(*request));
        ASSIGN_OR_RETURN(const auth::Scope scope,
                         ScopeOf(call, command.row.unit));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        return store_->CreateUnit(call, command.row, command.request_id);
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateUnit(
    grpc::CallbackServerContext* context, const v1::UpdateUnitRequest* request,
    v1::Unit* response) {
  return calls_.Run<v1::Unit>(
      context, response,
      [this, request](const CallContext& call) -> absl::StatusOr<v1::Unit> {
        ASSIGN_OR_RETURN(const UnitUpdate update,
                         ValidateUpdateUnitRequest(*request));
        ASSIGN_OR_RETURN(v1::Unit unit, store_->GetUnit(call, update.id));
        ASSIGN_OR_RETURN(auth::Scope scope, ScopeOf(call, unit));
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        if (update.parent_id.has_value()) {
          // Moving a unit needs the right to write where it goes, too.
          unit.set_parent(update.parent_id->empty()
                              ? ""
                              : "units/" + *update.parent_id);
          ASSIGN_OR_RETURN(scope, ScopeOf(call, unit));
          RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), scope));
        }
        return store_->UpdateUnit(call, update);
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ResolveUnit(
    grpc::CallbackServerContext* context,
    const v1::ResolveUnitRequest* request,
    v1::ResolveUnitResponse* response) {
  return calls_.Run<v1::ResolveUnitResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ResolveUnitResponse> {
        // The directory is reference data for every role.
        RETURN_IF_ERROR(authorizer_.CanReadAggregate(call.caller()));
        ASSIGN_OR_RETURN(const ResolveQuery query,
                         ValidateResolveUnitRequest(*request, today_()));
        ASSIGN_OR_RETURN(const std::vector<v1::Unit> known,
                         store_->FindResolveCandidates(
                             call, NameKey(query.text),
                             ShortNameKey(query.text)));
        ASSIGN_OR_RETURN(Resolution resolution, ResolveName(query, known));
        v1::ResolveUnitResponse result;
        for (v1::Unit& unit : resolution.units) {
          *result.add_units() = std::move(unit);
        }
        for (std::string& name : resolution.matched) {
          result.add_matched(std::move(name));
        }
        result.set_accent_insensitive(resolution.accent_insensitive);
        return result;
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ImportUnits(
    grpc::CallbackServerContext* context,
    const v1::ImportUnitsRequest* request,
    v1::ImportUnitsResponse* response) {
  return calls_.Run<v1::ImportUnitsResponse>(
      context, response,
      [this, request](
          const CallContext& call) -> absl::StatusOr<v1::ImportUnitsResponse> {
        // The whole directory: the city's to write.
        RETURN_IF_ERROR(authorizer_.CanWrite(call.caller(), auth::Scope{}));
        RETURN_IF_ERROR(ValidateImportUnitsRequest(*request));
        ASSIGN_OR_RETURN(const std::vector<UnitRow> rows,
                         ParseUnitsCsv(request->csv_content()));
        ASSIGN_OR_RETURN(const ImportCounts counts,
                         store_->ImportUnits(call, rows,
                                             request->validate_only()));
        v1::ImportUnitsResponse result;
        result.set_created(counts.created);
        result.set_updated(counts.updated);
        result.set_unchanged(counts.unchanged);
        return result;
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const audit::v1::ListAuditEventsRequest* request,
    audit::v1::ListAuditEventsResponse* response) {
  return calls_.Run<audit::v1::ListAuditEventsResponse>(
      context, response, [this, request](const CallContext& call) {
        return audit_log_.List(call, *request);
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::ListChangesRequest* request,
    feed::v1::ListChangesResponse* response) {
  return calls_.Run<feed::v1::ListChangesResponse>(
      context, response, [this, request](const CallContext& call) {
        return changes_->List(call, *request);
      });
}

grpc::ServerWriteReactor<feed::v1::Change>* RegistryServiceImpl::WatchChanges(
    grpc::CallbackServerContext* context,
    const feed::v1::WatchChangesRequest* request) {
  return changes_->Watch(context, request);
}

}  // namespace hpedu::registry
