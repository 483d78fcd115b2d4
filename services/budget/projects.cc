#include "services/budget/projects.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/money/money.h"
#include "libs/text/vietnamese.h"
#include "services/budget/budget_lines.h"

namespace hpedu::budget {
namespace {

bool ValidMonth(int32_t year, int32_t month) {
  return year >= kMinFiscalYear && year <= kMaxFiscalYear && month >= 1 &&
         month <= 12;
}

// (year, month) as one ordered number.
int32_t MonthIndex(int32_t year, int32_t month) { return year * 12 + month - 1; }

}  // namespace

void CheckProject(const v1::Project& project, std::string_view prefix,
                  FieldViolations& violations) {
  const std::string p(prefix);
  if (text::NormalizeNfc(project.display_name()).empty()) {
    violations.Add(p + "display_name", "bắt buộc (required)");
  }
  if (text::NormalizeNfc(project.approving_document()).empty()) {
    violations.Add(p + "approving_document", "bắt buộc (required)");
  }
  if (project.approved_total_dong() <= 0) {
    violations.Add(p + "approved_total_dong", "phải lớn hơn 0 (must be > 0)");
  }
  std::set<int32_t> months;
  std::vector<int64_t> amounts;
  for (int i = 0; i < project.planned_size(); ++i) {
    const v1::PlannedDisbursement& plan = project.planned(i);
    const std::string field = absl::StrCat(p, "planned[", i, "]");
    if (!ValidMonth(plan.year(), plan.month())) {
      violations.Add(field + ".month", "tháng/năm không hợp lệ (invalid month)");
    } else if (!months.insert(MonthIndex(plan.year(), plan.month())).second) {
      violations.Add(field + ".month",
                     "trùng tháng trong kế hoạch (month planned twice)");
    }
    if (plan.amount_dong() <= 0) {
      violations.Add(field + ".amount_dong", "phải lớn hơn 0 (must be > 0)");
    }
    amounts.push_back(plan.amount_dong());
  }
  absl::StatusOr<int64_t> planned = money::Sum(amounts);
  if (!planned.ok()) {
    violations.Add(p + "planned", "tổng kế hoạch tràn số (sum overflows)");
  } else if (project.approved_total_dong() > 0 &&
             *planned > project.approved_total_dong()) {
    violations.Add(p + "planned",
                   absl::StrCat("tổng kế hoạch ", money::FormatDong(*planned),
                                " đồng vượt tổng mức đầu tư (plan exceeds the "
                                "approved total)"));
  }
}

void CheckDisbursement(const v1::Disbursement& disbursement,
                       std::string_view prefix, FieldViolations& violations) {
  const std::string p(prefix);
  if (!ValidMonth(disbursement.year(), disbursement.month())) {
    violations.Add(p + "month", "tháng/năm không hợp lệ (invalid month)");
  }
  if (disbursement.amount_dong() <= 0) {
    violations.Add(p + "amount_dong", "phải lớn hơn 0 (must be > 0)");
  }
}

absl::StatusOr<v1::ProjectProgress> ProjectProgressAt(
    const v1::Project& project, const std::vector<v1::Disbursement>& paid,
    int32_t year, int32_t month, int32_t tolerance_percent) {
  const int32_t as_of = MonthIndex(year, month);
  std::vector<int64_t> planned_year, planned_to_date, actual_year,
      actual_to_date;
  for (const v1::PlannedDisbursement& plan : project.planned()) {
    if (plan.year() == year) planned_year.push_back(plan.amount_dong());
    if (MonthIndex(plan.year(), plan.month()) <= as_of) {
      planned_to_date.push_back(plan.amount_dong());
    }
  }
  for (const v1::Disbursement& payment : paid) {
    if (MonthIndex(payment.year(), payment.month()) > as_of) continue;
    actual_to_date.push_back(payment.amount_dong());
    if (payment.year() == year) actual_year.push_back(payment.amount_dong());
  }
  v1::ProjectProgress progress;
  progress.set_project(project.name());
  progress.set_display_name(project.display_name());
  progress.set_budget_unit(project.budget_unit());
  progress.set_unit(project.unit());
  progress.set_approved_total_dong(project.approved_total_dong());
  absl::StatusOr<int64_t> sum = money::Sum(planned_year, "kế hoạch năm");
  if (!sum.ok()) return sum.status();
  progress.set_planned_year_dong(*sum);
  sum = money::Sum(planned_to_date, "kế hoạch lũy kế");
  if (!sum.ok()) return sum.status();
  progress.set_planned_to_date_dong(*sum);
  sum = money::Sum(actual_year, "giải ngân năm");
  if (!sum.ok()) return sum.status();
  progress.set_actual_year_dong(*sum);
  sum = money::Sum(actual_to_date, "giải ngân lũy kế");
  if (!sum.ok()) return sum.status();
  progress.set_actual_to_date_dong(*sum);

  const int64_t planned = progress.planned_to_date_dong();
  const int64_t actual = progress.actual_to_date_dong();
  progress.set_progress_percent(
      money::PercentText(actual, project.approved_total_dong()));
  if (planned > 0) {
    progress.set_plan_fulfilment_percent(money::PercentText(actual, planned));
  }
  progress.set_lag_dong(planned - actual);
  progress.set_lagging(planned > 0 &&
                       static_cast<money::Int128>(actual) * 100 <
                           static_cast<money::Int128>(planned) *
                               (100 - tolerance_percent));
  return progress;
}

void SortByLag(std::vector<v1::ProjectProgress>& progress) {
  std::sort(progress.begin(), progress.end(),
            [](const v1::ProjectProgress& a, const v1::ProjectProgress& b) {
              if (a.lagging() != b.lagging()) return a.lagging();
              if (a.lag_dong() != b.lag_dong()) return a.lag_dong() > b.lag_dong();
              return a.project() < b.project();
            });
}

}  // namespace hpedu::budget
