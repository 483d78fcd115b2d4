// The views' composition: pure functions from what the services answered
// (or failed to answer) to the gateway's messages. No I/O; unit-tested.
//
// A backend answer is an optional Fetched<T>: nullopt when it did not come
// before the view's deadline, an error status when the service failed. Either
// way only its section is unavailable, with the reason in Vietnamese.
#ifndef HPEDU_SERVICES_GATEWAY_VIEWS_H_
#define HPEDU_SERVICES_GATEWAY_VIEWS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "hpedu/budget/v1/budget_service.pb.h"
#include "hpedu/gateway/v1/gateway_service.pb.h"
#include "hpedu/indicators/v1/indicators_service.pb.h"
#include "hpedu/plans/v1/plans_service.pb.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "services/gateway/response_cache.h"

namespace hpedu::gateway {

namespace gv1 = ::hpedu::gateway::v1;

template <typename T>
using Part = std::optional<Fetched<T>>;

// The Vietnamese reason shown for a failed call.
std::string ReasonFor(const absl::Status& status);

// The status of a section drawn from one service's answers: available only
// if every one of them came and succeeded; the oldest answer's time.
class SectionBuilder {
 public:
  SectionBuilder(std::string_view service, absl::Time now);
  template <typename T>
  SectionBuilder& Add(const Part<T>& part) {
    if (!part.has_value()) return Missing();
    if (!part->value.ok()) return Failed(part->value.status());
    return Answered(part->fetched_time, part->cached);
  }
  SectionBuilder& Missing();
  SectionBuilder& Failed(const absl::Status& status);
  SectionBuilder& Answered(absl::Time fetched_time, bool cached);
  bool available() const { return status_.available(); }
  gv1::SectionStatus Build() const { return status_; }

 private:
  absl::Time now_;
  absl::Time oldest_ = absl::InfiniteFuture();
  gv1::SectionStatus status_;
};

// Display names of units, by resource name.
class UnitNames {
 public:
  UnitNames() = default;
  explicit UnitNames(const std::vector<registry::v1::Unit>& units);
  void Add(const std::vector<registry::v1::Unit>& units);
  // The unit's name, or its id if unknown (the registry failed).
  gv1::UnitRef Ref(const std::string& name) const;

 private:
  std::map<std::string, std::string> names_;
};

// Sorts units by display name in Vietnamese order.
void SortByName(std::vector<gv1::UnitRef>& units);

// The nearest target's status, value and attainment of one figure.
gv1::IndicatorLine IndicatorLineFor(const indicators::v1::Indicator* indicator,
                                    const indicators::v1::Figure& figure);

// Whether `figure` satisfies the nearest target of `reference` (the parent
// unit's figure: communes are measured against the city's target).
// nullopt: no figure or no target.
std::optional<bool> MeetsTarget(const indicators::v1::Figure& figure,
                                const indicators::v1::Figure& reference);

// The indicators section: each indicator's line at the unit, and the units
// below by status; with `child_figures`, each line keeps the figures of the
// units below (a commune's schools).
gv1::IndicatorsSection ComposeIndicators(
    const Part<std::vector<indicators::v1::Indicator>>& catalogue,
    const Part<indicators::v1::RollUpResponse>& roll_up,
    const UnitNames& names, absl::Time now, bool child_figures = false);

// The plans section: counts, the tasks to chase (of one commune when
// `commune` is set) and the cascade coverage of each document.
gv1::PlansSection ComposePlans(
    const Part<plans::v1::ChasingList>& chasing,
    const std::vector<Part<plans::v1::CascadeCoverage>>& coverage,
    const std::string& commune, const UnitNames& names, absl::Time now);

// The staffing section: the unit's teachers required against actual, one
// line per level (the staffing service's own balance, subjects left out).
gv1::StaffingSection ComposeStaffing(
    const Part<staffing::v1::GetStaffingBalanceResponse>& balance,
    absl::Time now);

// The budget section: the education and investment shares of one row of the
// budget service's compliance report against their thresholds: the whole
// local budget (LOCAL_TOTAL) when `commune` is empty, else that commune's
// own budget. No shares when the budget has no version at the stage.
gv1::BudgetSection ComposeBudget(const Part<budget::v1::ComplianceReport>& report,
                                 const std::string& commune, absl::Time now);

// One indicator across the communes, best first.
gv1::CommuneRanking ComposeRanking(
    const Part<std::vector<indicators::v1::Indicator>>& catalogue,
    const std::string& indicator,
    const Part<indicators::v1::RollUpResponse>& roll_up,
    const UnitNames& names, absl::Time now);

// A document's cascade to the communes.
gv1::PlanCascade ComposeCascade(const Part<plans::v1::Document>& document,
                                const Part<plans::v1::CascadeCoverage>& coverage,
                                const Part<plans::v1::ChasingList>& chasing,
                                const UnitNames& names, absl::Time now);

// The month whose end a chasing list on `day` measures disbursement at:
// the day's own month on its last day, else the month before (an
// instalment planned for the current month is not late yet).
absl::CivilMonth LastMonthEnded(absl::CivilDay day);

// The chasing list's budget section: each lagging project of the budget
// service's ListProjectProgress (as of the end of `month`) as an item, lead
// and commune its paying budget (no commune when `city` pays), largest lag
// first.
gv1::ChasingBudget ComposeLaggingProjects(
    const Part<budget::v1::ListProjectProgressResponse>& progress,
    absl::CivilMonth month, const std::string& city, const UnitNames& names,
    absl::Time now);

// The chasing list (of one commune when set): the plan tasks, counted, and
// the lagging projects in their own section, not in the tasks' counts.
gv1::ChasingView ComposeChasing(
    const Part<plans::v1::ChasingList>& chasing,
    const Part<budget::v1::ListProjectProgressResponse>& projects,
    absl::CivilMonth month, const std::string& commune, const std::string& city,
    const UnitNames& names, absl::Time now);

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_VIEWS_H_
