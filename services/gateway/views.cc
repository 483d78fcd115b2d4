#include "services/gateway/views.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "libs/money/money.h"
#include "libs/text/vietnamese.h"

namespace hpedu::gateway {
namespace {

namespace bv1 = ::hpedu::budget::v1;
namespace iv1 = ::hpedu::indicators::v1;
namespace sv1 = ::hpedu::staffing::v1;
namespace pv1 = ::hpedu::plans::v1;
using ::google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

std::optional<double> ParseDecimal(const std::string& s) {
  double value = 0;
  if (s.empty() || !absl::SimpleAtod(s, &value)) return std::nullopt;
  return value;
}

bool Satisfies(double value, iv1::Comparator comparator, double target) {
  switch (comparator) {
    case iv1::GREATER: return value > target;
    case iv1::GREATER_OR_EQUAL: return value >= target;
    case iv1::LESS: return value < target;
    case iv1::LESS_OR_EQUAL: return value <= target;
    default: return false;
  }
}

template <typename T>
const T* ValueOf(const Part<T>& part) {
  if (!part.has_value() || !part->value.ok()) return nullptr;
  return part->value->get();
}

std::map<std::string, const iv1::Indicator*> Catalogue(
    const Part<std::vector<iv1::Indicator>>& catalogue) {
  std::map<std::string, const iv1::Indicator*> by_name;
  if (const auto* list = ValueOf(catalogue)) {
    for (const iv1::Indicator& indicator : *list) {
      by_name[indicator.name()] = &indicator;
    }
  }
  return by_name;
}

const iv1::Indicator* Find(const std::map<std::string, const iv1::Indicator*>& m,
                           const std::string& name) {
  auto it = m.find(name);
  return it == m.end() ? nullptr : it->second;
}

gv1::UnitStatus StatusOf(const gv1::ChildUnitStatus& child) {
  const int assessed = child.met() + child.not_met();
  if (assessed == 0) return gv1::NO_DATA_STATUS;
  if (child.not_met() == 0) return gv1::GOOD;
  if (child.not_met() * 2 <= assessed) return gv1::WATCH;
  return gv1::LAGGING;
}

gv1::ChasingItem ItemFor(const pv1::ChasingEntry& entry,
                         const UnitNames& names) {
  gv1::ChasingItem item;
  item.set_source("plans");
  item.set_item(entry.task());
  item.set_content(entry.content());
  if (!entry.lead_agency().empty()) {
    *item.mutable_lead() = names.Ref(entry.lead_agency());
  }
  if (!entry.commune().empty()) {
    *item.mutable_commune() = names.Ref(entry.commune());
  }
  *item.mutable_due_date() = entry.due_date();
  item.set_days_overdue(entry.days_overdue());
  item.set_state(entry.state());
  item.set_progress_percent(entry.progress_percent());
  return item;
}

// Every entry of the groups, each task once, most overdue first.
std::vector<gv1::ChasingItem> Items(
    const google::protobuf::RepeatedPtrField<pv1::ChasingGroup>& groups,
    const UnitNames& names, size_t limit) {
  std::vector<gv1::ChasingItem> items;
  std::set<std::string> seen;
  for (const pv1::ChasingGroup& group : groups) {
    for (const pv1::ChasingEntry& entry : group.entries()) {
      if (seen.insert(entry.task()).second) {
        items.push_back(ItemFor(entry, names));
      }
    }
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const gv1::ChasingItem& a, const gv1::ChasingItem& b) {
                     return a.days_overdue() > b.days_overdue();
                   });
  if (items.size() > limit) items.resize(limit);
  return items;
}

const pv1::ChasingGroup* GroupOf(
    const google::protobuf::RepeatedPtrField<pv1::ChasingGroup>& groups,
    const std::string& unit) {
  for (const pv1::ChasingGroup& group : groups) {
    if (group.unit() == unit) return &group;
  }
  return nullptr;
}

void CollectCommuneDocuments(const pv1::CoverageNode& node,
                             std::map<std::string, std::vector<std::string>>& out) {
  if (!node.commune().empty()) out[node.commune()].push_back(node.number());
  for (const pv1::CoverageNode& child : node.implemented_by()) {
    CollectCommuneDocuments(child, out);
  }
}

constexpr size_t kMaxItems = 50;

int32_t ToInt32(int64_t n) {
  return static_cast<int32_t>(std::clamp<int64_t>(
      n, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max()));
}

gv1::BudgetShare ShareOf(std::string rule, const bv1::ShareAssessment& a) {
  gv1::BudgetShare share;
  share.set_rule(std::move(rule));
  share.set_share_percent(a.percent());
  share.set_threshold_percent(a.threshold_percent());
  share.set_meets(a.meets());
  share.set_numerator_dong(a.amount_dong());
  share.set_denominator_dong(a.base_dong());
  share.set_required_dong(a.required_dong());
  share.set_gap_dong(a.gap_dong());
  return share;
}

}  // namespace

std::string ReasonFor(const absl::Status& status) {
  std::string reason;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      reason = "dịch vụ không truy cập được";
      break;
    case absl::StatusCode::kDeadlineExceeded:
      reason = "dịch vụ không trả lời kịp thời hạn";
      break;
    case absl::StatusCode::kFailedPrecondition:
      reason = "dịch vụ chưa sẵn sàng hoặc chưa cấu hình";
      break;
    case absl::StatusCode::kUnimplemented:
      reason = "dịch vụ chưa hỗ trợ chức năng này";
      break;
    case absl::StatusCode::kPermissionDenied:
      reason = "không có quyền xem";
      break;
    case absl::StatusCode::kUnauthenticated:
      reason = "chưa đăng nhập";
      break;
    case absl::StatusCode::kCancelled:
      reason = "lời gọi bị hủy";
      break;
    default:
      reason = "dịch vụ báo lỗi";
  }
  if (!status.message().empty()) {
    absl::StrAppend(&reason, " (", status.message(), ")");
  }
  return reason;
}

SectionBuilder::SectionBuilder(std::string_view service, absl::Time now)
    : now_(now) {
  status_.set_service(std::string(service));
  status_.set_available(true);
}

SectionBuilder& SectionBuilder::Missing() {
  return Failed(absl::DeadlineExceededError(""));
}

SectionBuilder& SectionBuilder::Failed(const absl::Status& status) {
  if (!status_.available()) return *this;  // the first failure explains
  status_.set_available(false);
  status_.set_reason(ReasonFor(status));
  status_.set_code(absl::StatusCodeToString(status.code()));
  status_.clear_fetched_time();
  status_.clear_age();
  status_.clear_cached();
  return *this;
}

SectionBuilder& SectionBuilder::Answered(absl::Time fetched_time, bool cached) {
  if (!status_.available()) return *this;
  if (fetched_time < oldest_) {
    oldest_ = fetched_time;
    *status_.mutable_fetched_time() = ToTimestamp(fetched_time);
    *status_.mutable_age() = TimeUtil::MillisecondsToDuration(
        std::max<int64_t>(0, absl::ToInt64Milliseconds(now_ - fetched_time)));
  }
  if (cached) status_.set_cached(true);
  return *this;
}

UnitNames::UnitNames(const std::vector<registry::v1::Unit>& units) {
  Add(units);
}

void UnitNames::Add(const std::vector<registry::v1::Unit>& units) {
  for (const registry::v1::Unit& unit : units) {
    names_[unit.name()] = unit.display_name();
  }
}

gv1::UnitRef UnitNames::Ref(const std::string& name) const {
  gv1::UnitRef ref;
  ref.set_name(name);
  auto it = names_.find(name);
  if (it != names_.end()) {
    ref.set_display_name(it->second);
  } else {
    std::string_view id = name;
    if (id.rfind("units/", 0) == 0) id.remove_prefix(6);
    ref.set_display_name(std::string(id));
  }
  return ref;
}

void SortByName(std::vector<gv1::UnitRef>& units) {
  const text::VietnameseCollator& collator = text::VietnameseCollator::Get();
  std::stable_sort(units.begin(), units.end(),
                   [&](const gv1::UnitRef& a, const gv1::UnitRef& b) {
                     return collator.Less(a.display_name(), b.display_name());
                   });
}

std::optional<bool> MeetsTarget(const iv1::Figure& figure,
                                const iv1::Figure& reference) {
  if (figure.state() != iv1::COMPUTED || reference.targets().empty()) {
    return std::nullopt;
  }
  const iv1::TargetAssessment& target = reference.targets(0);
  std::optional<double> value = ParseDecimal(figure.value());
  std::optional<double> goal = ParseDecimal(target.target_value());
  if (!value || !goal) return std::nullopt;
  return Satisfies(*value, target.comparator(), *goal);
}

gv1::IndicatorLine IndicatorLineFor(const iv1::Indicator* indicator,
                                    const iv1::Figure& figure) {
  gv1::IndicatorLine line;
  line.set_indicator(figure.indicator());
  if (indicator != nullptr) {
    line.set_code(indicator->code());
    line.set_display_name(indicator->display_name());
    line.set_unit_label(indicator->unit_label());
    line.set_direction(indicator->direction());
  }
  *line.mutable_figure() = figure;
  if (!figure.targets().empty()) {
    const iv1::TargetAssessment& target = figure.targets(0);
    line.set_status(target.status());
    line.set_target_value(target.target_value());
    std::optional<double> value = ParseDecimal(figure.value());
    std::optional<double> goal = ParseDecimal(target.target_value());
    if (value && goal && figure.state() == iv1::COMPUTED) {
      const bool lower_better =
          target.comparator() == iv1::LESS ||
          target.comparator() == iv1::LESS_OR_EQUAL;
      double percent = -1;
      if (lower_better) {
        if (*value > 0) percent = *goal / *value * 100;
        else percent = 100;
      } else if (*goal != 0) {
        percent = *value / *goal * 100;
      }
      if (percent >= 0) {
        line.set_attainment_percent(absl::StrFormat("%.2f", percent));
      }
    }
  }
  return line;
}

gv1::IndicatorsSection ComposeIndicators(
    const Part<std::vector<iv1::Indicator>>& catalogue,
    const Part<iv1::RollUpResponse>& roll_up, const UnitNames& names,
    absl::Time now, bool child_figures) {
  gv1::IndicatorsSection section;
  SectionBuilder status("indicators", now);
  status.Add(catalogue).Add(roll_up);
  *section.mutable_status() = status.Build();
  const iv1::RollUpResponse* response = ValueOf(roll_up);
  if (response == nullptr) return section;
  // The roll-up alone gives the figures; the catalogue adds names.
  const auto by_name = Catalogue(catalogue);
  std::map<std::string, gv1::ChildUnitStatus> children;
  for (const iv1::IndicatorRollUp& indicator : response->roll_ups()) {
    gv1::IndicatorLine* line = section.add_indicators();
    *line = IndicatorLineFor(Find(by_name, indicator.total().indicator()),
                             indicator.total());
    if (child_figures) {
      for (const iv1::Figure& child : indicator.children()) {
        if (child.org_unit() != indicator.total().org_unit()) {
          *line->add_children() = child;
        }
      }
    }
    for (const iv1::Figure& child : indicator.children()) {
      // A city-reported indicator's only "child" is the unit itself.
      if (child.org_unit() == indicator.total().org_unit()) continue;
      gv1::ChildUnitStatus& counts = children[child.org_unit()];
      std::optional<bool> meets = MeetsTarget(child, indicator.total());
      if (!meets.has_value()) {
        if (child.state() != iv1::COMPUTED && !indicator.total().targets().empty()) {
          counts.set_no_data(counts.no_data() + 1);
        }
      } else if (*meets) {
        counts.set_met(counts.met() + 1);
      } else {
        counts.set_not_met(counts.not_met() + 1);
      }
    }
  }
  std::vector<gv1::UnitRef> refs;
  for (const auto& [unit, counts] : children) refs.push_back(names.Ref(unit));
  SortByName(refs);
  for (gv1::UnitRef& ref : refs) {
    gv1::ChildUnitStatus child = children[ref.name()];
    *child.mutable_unit() = std::move(ref);
    child.set_status(StatusOf(child));
    *section.add_children() = std::move(child);
  }
  return section;
}

gv1::PlansSection ComposePlans(
    const Part<pv1::ChasingList>& chasing,
    const std::vector<Part<pv1::CascadeCoverage>>& coverage,
    const std::string& commune, const UnitNames& names, absl::Time now) {
  gv1::PlansSection section;
  SectionBuilder status("plans", now);
  status.Add(chasing);
  for (const auto& part : coverage) status.Add(part);
  *section.mutable_status() = status.Build();
  if (const pv1::ChasingList* list = ValueOf(chasing)) {
    *section.mutable_as_of() = list->as_of();
    if (commune.empty()) {
      section.set_overdue(list->overdue());
      section.set_due_soon(list->due_soon());
      section.set_without_deadline(list->without_deadline());
      for (gv1::ChasingItem& item :
           Items(list->by_lead_agency(), names, kMaxItems)) {
        *section.add_items() = std::move(item);
      }
    } else if (const pv1::ChasingGroup* group =
                   GroupOf(list->by_commune(), commune)) {
      section.set_overdue(group->overdue());
      section.set_due_soon(group->due_soon());
      google::protobuf::RepeatedPtrField<pv1::ChasingGroup> one;
      *one.Add() = *group;
      for (gv1::ChasingItem& item : Items(one, names, kMaxItems)) {
        *section.add_items() = std::move(item);
      }
    }
  }
  for (const auto& part : coverage) {
    const pv1::CascadeCoverage* cov = ValueOf(part);
    if (cov == nullptr) continue;
    gv1::CascadeSummary* summary = section.add_cascades();
    summary->set_document(cov->tree().document());
    summary->set_number(cov->tree().number());
    summary->set_covered(cov->covered_size());
    summary->set_missing(cov->missing_size());
    std::vector<gv1::UnitRef> missing;
    for (const std::string& unit : cov->missing()) {
      missing.push_back(names.Ref(unit));
    }
    SortByName(missing);
    for (gv1::UnitRef& ref : missing) *summary->add_missing_units() = std::move(ref);
  }
  return section;
}

gv1::StaffingSection ComposeStaffing(
    const Part<sv1::GetStaffingBalanceResponse>& balance, absl::Time now) {
  gv1::StaffingSection section;
  *section.mutable_status() = SectionBuilder("staffing", now).Add(balance).Build();
  const sv1::GetStaffingBalanceResponse* response = ValueOf(balance);
  if (response == nullptr) return section;
  for (const sv1::Balance& b : response->balances()) {
    if (!b.subject().empty()) continue;  // a subject's norm, not the level's
    gv1::StaffingLine* line = section.add_lines();
    line->set_level(b.level());
    line->set_required(ToInt32(b.required()));
    line->set_actual(ToInt32(b.actual()));
    line->set_shortage(ToInt32(b.shortage()));
    line->set_surplus(ToInt32(b.surplus()));
  }
  return section;
}

gv1::BudgetSection ComposeBudget(const Part<bv1::ComplianceReport>& report,
                                 const std::string& commune, absl::Time now) {
  gv1::BudgetSection section;
  *section.mutable_status() = SectionBuilder("budget", now).Add(report).Build();
  const bv1::ComplianceReport* response = ValueOf(report);
  if (response == nullptr) return section;
  for (const bv1::ComplianceRow& row : response->rows()) {
    const bool wanted = commune.empty()
                            ? row.kind() == bv1::LOCAL_TOTAL
                            : row.kind() == bv1::COMMUNE_BUDGET &&
                                  row.org_unit() == commune;
    if (!wanted) continue;
    section.set_fiscal_year(row.fiscal_year());
    section.set_budget_version(row.budget_version());
    if (!row.has_data()) break;
    *section.add_shares() =
        ShareOf("Chi giáo dục, đào tạo / tổng chi ngân sách", row.education());
    *section.add_shares() = ShareOf(
        "Chi đầu tư phát triển cho giáo dục / tổng chi ngân sách",
        row.investment());
    break;
  }
  return section;
}

gv1::CommuneRanking ComposeRanking(
    const Part<std::vector<iv1::Indicator>>& catalogue,
    const std::string& indicator, const Part<iv1::RollUpResponse>& roll_up,
    const UnitNames& names, absl::Time now) {
  gv1::CommuneRanking ranking;
  SectionBuilder status("indicators", now);
  status.Add(catalogue).Add(roll_up);
  *ranking.mutable_status() = status.Build();
  *ranking.mutable_view_time() = ToTimestamp(now);
  const iv1::RollUpResponse* response = ValueOf(roll_up);
  if (response == nullptr || response->roll_ups().empty()) return ranking;
  const auto by_name = Catalogue(catalogue);
  const iv1::IndicatorRollUp& roll = response->roll_ups(0);
  const iv1::Indicator* meta = Find(by_name, indicator);
  *ranking.mutable_city() = IndicatorLineFor(meta, roll.total());
  const bool lower_better =
      meta != nullptr ? meta->direction() == iv1::LOWER_IS_BETTER
                      : (!roll.total().targets().empty() &&
                         (roll.total().targets(0).comparator() == iv1::LESS ||
                          roll.total().targets(0).comparator() ==
                              iv1::LESS_OR_EQUAL));
  struct Row {
    std::optional<double> value;
    gv1::RankedUnit unit;
  };
  std::vector<Row> rows;
  for (const iv1::Figure& child : roll.children()) {
    Row row;
    if (child.state() == iv1::COMPUTED) row.value = ParseDecimal(child.value());
    *row.unit.mutable_unit() = names.Ref(child.org_unit());
    *row.unit.mutable_figure() = child;
    std::optional<bool> meets = MeetsTarget(child, roll.total());
    row.unit.set_status(!meets.has_value() ? iv1::NO_DATA
                        : *meets           ? iv1::MET
                                           : iv1::NOT_MET);
    rows.push_back(std::move(row));
  }
  const text::VietnameseCollator& collator = text::VietnameseCollator::Get();
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (a.value.has_value() != b.value.has_value()) return a.value.has_value();
    if (a.value && *a.value != *b.value) {
      return lower_better ? *a.value < *b.value : *a.value > *b.value;
    }
    return collator.Less(a.unit.unit().display_name(),
                         b.unit.unit().display_name());
  });
  int rank = 0;
  std::optional<double> previous;
  for (size_t i = 0; i < rows.size(); ++i) {
    Row& row = rows[i];
    if (row.value.has_value()) {
      // Ties share a rank ("1, 2, 2, 4").
      if (!previous || *previous != *row.value) rank = static_cast<int>(i) + 1;
      previous = row.value;
      row.unit.set_rank(rank);
    }
    *ranking.add_communes() = std::move(row.unit);
  }
  return ranking;
}

gv1::PlanCascade ComposeCascade(const Part<pv1::Document>& document,
                                const Part<pv1::CascadeCoverage>& coverage,
                                const Part<pv1::ChasingList>& chasing,
                                const UnitNames& names, absl::Time now) {
  gv1::PlanCascade cascade;
  SectionBuilder status("plans", now);
  status.Add(document).Add(coverage).Add(chasing);
  *cascade.mutable_status() = status.Build();
  *cascade.mutable_view_time() = ToTimestamp(now);
  if (const pv1::Document* doc = ValueOf(document)) {
    *cascade.mutable_document() = *doc;
  }
  const pv1::CascadeCoverage* cov = ValueOf(coverage);
  if (cov == nullptr) return cascade;
  *cascade.mutable_tree() = cov->tree();
  cascade.set_covered(cov->covered_size());
  cascade.set_missing(cov->missing_size());
  std::map<std::string, std::vector<std::string>> documents;
  CollectCommuneDocuments(cov->tree(), documents);
  std::vector<gv1::UnitRef> communes;
  for (const std::string& unit : cov->covered()) communes.push_back(names.Ref(unit));
  for (const std::string& unit : cov->missing()) communes.push_back(names.Ref(unit));
  SortByName(communes);
  const pv1::ChasingList* list = ValueOf(chasing);
  for (gv1::UnitRef& ref : communes) {
    gv1::CommuneCascade* commune = cascade.add_communes();
    for (const std::string& number : documents[ref.name()]) {
      commune->add_documents(number);
    }
    if (list != nullptr) {
      if (const pv1::ChasingGroup* group =
              GroupOf(list->by_commune(), ref.name())) {
        commune->set_overdue(group->overdue());
        commune->set_due_soon(group->due_soon());
      }
    }
    *commune->mutable_commune() = std::move(ref);
  }
  return cascade;
}

absl::CivilMonth LastMonthEnded(absl::CivilDay day) {
  const absl::CivilMonth month(day);
  return absl::CivilMonth(day + 1) != month ? month : month - 1;
}

gv1::ChasingBudget ComposeLaggingProjects(
    const Part<bv1::ListProjectProgressResponse>& progress,
    absl::CivilMonth month, const std::string& city, const UnitNames& names,
    absl::Time now) {
  gv1::ChasingBudget section;
  *section.mutable_status() = SectionBuilder("budget", now).Add(progress).Build();
  section.set_as_of_year(static_cast<int32_t>(month.year()));
  section.set_as_of_month(month.month());
  const bv1::ListProjectProgressResponse* response = ValueOf(progress);
  if (response == nullptr) return section;
  for (const bv1::ProjectProgress& project : response->projects()) {
    if (!project.lagging()) continue;
    gv1::ChasingItem* item = section.add_items();
    item->set_source("budget");
    item->set_item(project.project());
    std::string content = absl::StrCat(
        "Dự án ", project.display_name(), ": kế hoạch giải ngân đến hết tháng ",
        month.month(), "/", month.year(), " ",
        money::FormatMillions(project.planned_to_date_dong()),
        " triệu đồng, đã giải ngân ",
        money::FormatMillions(project.actual_to_date_dong()), " triệu đồng");
    if (!project.plan_fulfilment_percent().empty()) {
      std::string percent = project.plan_fulfilment_percent();
      std::replace(percent.begin(), percent.end(), '.', ',');
      absl::StrAppend(&content, " (đạt ", percent, "%)");
    }
    absl::StrAppend(&content, ", chậm ", money::FormatMillions(project.lag_dong()),
                    " triệu đồng");
    item->set_content(std::move(content));
    if (!project.budget_unit().empty()) {
      *item->mutable_lead() = names.Ref(project.budget_unit());
      if (project.budget_unit() != city) {
        *item->mutable_commune() = names.Ref(project.budget_unit());
      }
    }
    item->set_planned_dong(project.planned_to_date_dong());
    item->set_disbursed_dong(project.actual_to_date_dong());
    item->set_lag_dong(project.lag_dong());
    item->set_plan_fulfilment_percent(project.plan_fulfilment_percent());
  }
  // The service sends the largest lag first; kept whatever it sends.
  std::stable_sort(section.mutable_items()->begin(),
                   section.mutable_items()->end(),
                   [](const gv1::ChasingItem& a, const gv1::ChasingItem& b) {
                     return a.lag_dong() > b.lag_dong();
                   });
  section.set_lagging(section.items_size());
  return section;
}

gv1::ChasingView ComposeChasing(
    const Part<pv1::ChasingList>& chasing,
    const Part<bv1::ListProjectProgressResponse>& projects,
    absl::CivilMonth month, const std::string& commune, const std::string& city,
    const UnitNames& names, absl::Time now) {
  gv1::ChasingView view;
  *view.mutable_view_time() = ToTimestamp(now);
  *view.add_sections() = SectionBuilder("plans", now).Add(chasing).Build();
  *view.mutable_budget() =
      ComposeLaggingProjects(projects, month, city, names, now);
  *view.add_sections() = view.budget().status();
  const pv1::ChasingList* list = ValueOf(chasing);
  if (list == nullptr) return view;
  *view.mutable_as_of() = list->as_of();
  google::protobuf::RepeatedPtrField<pv1::ChasingGroup> groups;
  if (commune.empty()) {
    groups = list->by_lead_agency();
    view.set_overdue(list->overdue());
    view.set_due_soon(list->due_soon());
  } else if (const pv1::ChasingGroup* group =
                 GroupOf(list->by_commune(), commune)) {
    *groups.Add() = *group;
    view.set_overdue(group->overdue());
    view.set_due_soon(group->due_soon());
  }
  for (gv1::ChasingItem& item :
       Items(groups, names, std::numeric_limits<size_t>::max())) {
    *view.add_items() = std::move(item);
  }
  std::map<std::string, gv1::LeadCount> leads;
  for (const gv1::ChasingItem& item : view.items()) {
    gv1::LeadCount& lead = leads[item.lead().name()];
    *lead.mutable_lead() = item.lead();
    if (item.days_overdue() > 0) {
      lead.set_overdue(lead.overdue() + 1);
    } else {
      lead.set_due_soon(lead.due_soon() + 1);
    }
  }
  std::vector<gv1::LeadCount> by_lead;
  for (auto& [name, lead] : leads) by_lead.push_back(std::move(lead));
  std::stable_sort(by_lead.begin(), by_lead.end(),
                   [](const gv1::LeadCount& a, const gv1::LeadCount& b) {
                     return a.overdue() > b.overdue();
                   });
  for (gv1::LeadCount& lead : by_lead) *view.add_by_lead() = std::move(lead);
  return view;
}

}  // namespace hpedu::gateway
