// Demo data of the budget service, all generated (nothing in the seeds
// gives budget figures): budgets of the city and every commune over several
// years and stages, school investment projects with plan and payments.
// Drawn with a fixed seed, integer arithmetic only, every version and
// project marked generated. A few communes are deliberately below the 20%
// or 5% rule. See README.md.
#ifndef HPEDU_SERVICES_BUDGET_DEMO_DEMO_BUDGET_H_
#define HPEDU_SERVICES_BUDGET_DEMO_DEMO_BUDGET_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "hpedu/budget/v1/budget_service.pb.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "services/budget/line_import.h"

namespace hpedu::budget::demo {

inline constexpr uint32_t kDefaultSeed = 20251231;
inline constexpr int kFirstYear = 2022;
inline constexpr int kLastYear = 2026;

struct DemoOptions {
  uint32_t seed = kDefaultSeed;
  int first_year = kFirstYear;
  // The current year: estimate and execution; earlier years also have
  // final accounts.
  int last_year = kLastYear;
};

// The budget versions of the city and every commune of `units` (as the
// registry lists them) for every year: estimate, sometimes an adjusted
// estimate, execution, and final accounts before last_year.
std::vector<VersionDraft> DemoBudgets(
    const std::vector<hpedu::registry::v1::Unit>& units,
    const DemoOptions& options = {});

// The communes drawn below a threshold (ids), for tests and the README.
std::set<std::string> CommunesBelowThreshold(
    const std::vector<hpedu::registry::v1::Unit>& units,
    const DemoOptions& options = {});

// School construction projects with monthly plans over 2025-2026 and
// payments to October 2026; about a third lag their plan.
struct DemoProject {
  v1::CreateProjectRequest create;
  std::vector<v1::RecordDisbursementRequest> payments;
};
std::vector<DemoProject> DemoProjects(
    const std::vector<hpedu::registry::v1::Unit>& units,
    uint32_t seed = kDefaultSeed);

}  // namespace hpedu::budget::demo

#endif  // HPEDU_SERVICES_BUDGET_DEMO_DEMO_BUDGET_H_
