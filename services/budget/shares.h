// The budget shares other services ask for (the indicators service reports
// them against targets): education and education-investment spending over
// total state-budget spending, for the city's whole local budget or one
// commune, at a chosen stage or at the most advanced stage the budget has.
#ifndef HPEDU_SERVICES_BUDGET_SHARES_H_
#define HPEDU_SERVICES_BUDGET_SHARES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/budget/v1/budget_service.pb.h"
#include "libs/server/call_context.h"
#include "services/budget/budget_store.h"
#include "services/budget/unit_directory.h"

namespace hpedu::budget {

// The shares of `org_unit_ids` (the city, communes; empty: the city and
// every commune) in `year`. With `stage` unspecified each unit's most
// advanced stage is used (for the city, that of its city-level budget,
// with the communes' versions at the same stage). Units without data are
// left out. INVALID_ARGUMENT on `field` for a unit that is neither the city
// nor a commune.
absl::StatusOr<std::vector<v1::BudgetShare>> ComputeShares(
    const server::CallContext& call, BudgetStore& store, const UnitIndex& units,
    int32_t year, v1::Stage stage, const std::vector<std::string>& org_unit_ids,
    const std::string& field);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_SHARES_H_
