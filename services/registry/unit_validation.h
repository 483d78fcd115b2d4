// Request validation for the registry, before anything touches the store:
// every bad field of a request is reported at once, as INVALID_ARGUMENT with
// one BadRequest violation per field (AIP-193), and nothing is written.
// Pure functions; each returns what the store needs, already normalized.
#ifndef HPEDU_SERVICES_REGISTRY_UNIT_VALIDATION_H_
#define HPEDU_SERVICES_REGISTRY_UNIT_VALIDATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/registry/v1/registry_service.pb.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "libs/status/errors.h"
#include "services/registry/resolve.h"
#include "services/registry/unit_import.h"
#include "services/registry/unit_store.h"

namespace hpedu::registry {

// Limits of free text.
inline constexpr int kMaxDisplayNameChars = 200;
inline constexpr int kMaxShortNameChars = 50;
inline constexpr int kMaxQueryChars = 200;
inline constexpr int kMaxPredecessors = 100;
inline constexpr int kMaxBatchGet = 1000;
inline constexpr size_t kMaxCsvBytes = 8 << 20;

// Checks the client-writable fields of `unit` (name, kind, display_name,
// parent, valid_from, predecessors, school/agency), adding violations on
// `prefix` + the field path ("unit.display_name"). Output-only fields are
// ignored (AIP-203).
void ValidateUnitFields(const v1::Unit& unit, std::string_view prefix,
                        FieldViolations& violations);

// `unit` as the registry stores it: display and short names NFC, output-only
// fields and the etag cleared.
v1::Unit NormalizeUnit(const v1::Unit& unit);

// Returns the unit id.
absl::StatusOr<std::string> ValidateGetUnitRequest(
    const v1::GetUnitRequest& request);

// Returns the ids in request order.
absl::StatusOr<std::vector<std::string>> ValidateBatchGetUnitsRequest(
    const v1::BatchGetUnitsRequest& request);

// `today` is the as_of of a request without one.
absl::StatusOr<UnitListQuery> ValidateListUnitsRequest(
    const v1::ListUnitsRequest& request, absl::CivilDay today);

struct CreateUnitCommand {
  UnitRow row;
  std::string request_id;
};
absl::StatusOr<CreateUnitCommand> ValidateCreateUnitRequest(
    const v1::CreateUnitRequest& request);

absl::StatusOr<UnitUpdate> ValidateUpdateUnitRequest(
    const v1::UpdateUnitRequest& request);

absl::StatusOr<ResolveQuery> ValidateResolveUnitRequest(
    const v1::ResolveUnitRequest& request, absl::CivilDay today);

// Checks the request itself; the file is checked by ParseUnitsCsv.
absl::Status ValidateImportUnitsRequest(const v1::ImportUnitsRequest& request);

}  // namespace hpedu::registry

#endif  // HPEDU_SERVICES_REGISTRY_UNIT_VALIDATION_H_
