// Investment projects (school construction and upgrades), without I/O:
// the rules a project's plan follows, and its progress as of a month:
// planned and actual cumulative disbursement, progress against the
// approved total, the lag behind the plan and whether it counts as lagging.
#ifndef HPEDU_SERVICES_BUDGET_PROJECTS_H_
#define HPEDU_SERVICES_BUDGET_PROJECTS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hpedu/budget/v1/budget.pb.h"
#include "hpedu/budget/v1/budget_service.pb.h"
#include "libs/status/errors.h"

namespace hpedu::budget {

// Lagging: actual to date < planned to date x (100 - tolerance) / 100.
inline constexpr int32_t kDefaultLagTolerancePercent = 10;

// Adds a violation (on `prefix` + field) for each rule `project` breaks: a
// display name, an approving document, approved total > 0, planned months
// valid and each at most once with amounts > 0, and the plan's sum (checked)
// at most the approved total. Units are checked by the caller.
void CheckProject(const v1::Project& project, std::string_view prefix,
                  FieldViolations& violations);

// Adds violations for a disbursement: a valid year and month, amount > 0.
void CheckDisbursement(const v1::Disbursement& disbursement,
                       std::string_view prefix, FieldViolations& violations);

// `project`'s progress at the end of (year, month) from its payments.
// OUT_OF_RANGE if a sum overflows (it cannot for stored projects, whose
// plan and payments are bounded by the approved total).
absl::StatusOr<v1::ProjectProgress> ProjectProgressAt(
    const v1::Project& project, const std::vector<v1::Disbursement>& paid,
    int32_t year, int32_t month, int32_t tolerance_percent);

// Lagging first, by lag (largest first), then by project name.
void SortByLag(std::vector<v1::ProjectProgress>& progress);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_PROJECTS_H_
