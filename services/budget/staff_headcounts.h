// The people of a unit on a day, asked of the staffing service over gRPC
// (GetHeadcount) as the caller: this service never reads staffing's
// tables. For the allowance what-if.
#ifndef HPEDU_SERVICES_BUDGET_STAFF_HEADCOUNTS_H_
#define HPEDU_SERVICES_BUDGET_STAFF_HEADCOUNTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "libs/server/call_context.h"
#include "libs/server/peers.h"
#include "services/budget/allowance.h"
#include "services/budget/budget_lines.h"

namespace hpedu::budget {

// Asks staffing ("staffing" in `peers`) with the caller's identity,
// deadline and trace (blocking: call it on the worker pool, as UnaryCalls
// handlers run). UNAVAILABLE (reason STAFFING_UNAVAILABLE) naming the
// staffing service if it is not configured or cannot be reached; its other
// refusals (PERMISSION_DENIED...) as it sent them.
absl::StatusOr<StaffHeadcounts> CountStaff(server::PeerChannels& peers,
                                           const server::CallContext& call,
                                           const UnitInfo& unit,
                                           absl::CivilDay day);

// Staffing's counts by category and level: TEACHER and MANAGER are
// teachers, STAFF school staff (other positions are left out); a level
// that is not MN, TH, THCS or THPT counts only towards every-level groups.
// `source` says where they came from.
StaffHeadcounts FromStaffing(
    const hpedu::staffing::v1::GetHeadcountResponse& response,
    std::string source);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_STAFF_HEADCOUNTS_H_
