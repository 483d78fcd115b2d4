#include "services/budget/allowance.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/base/string_view.h"
#include "libs/money/money.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"

namespace hpedu::budget {
namespace {

using money::Int128;

// 432 -> "4,32" (Vietnamese decimal comma).
std::string CoefficientText(int64_t hundredths) {
  return absl::StrFormat("%d,%02d", hundredths / 100, hundredths % 100);
}

// "1.000 người" or "1.050 người (1.000 theo dịch vụ đội ngũ + 50 dự kiến
// thêm)".
std::string PeopleText(int64_t people, int64_t counted, int64_t change) {
  const std::string total = absl::StrCat(money::FormatDong(people), " người");
  if (change == 0) return total;
  return absl::StrCat(total, " (", money::FormatDong(counted),
                      " theo dịch vụ đội ngũ ", change > 0 ? "+ " : "− ",
                      money::FormatDong(change > 0 ? change : -change),
                      change > 0 ? " dự kiến thêm)" : " dự kiến giảm)");
}

// The levels the staffing service counts people at.
bool IsCountedLevel(v1::SubSector sector) {
  switch (sector) {
    case v1::SUB_SECTOR_UNSPECIFIED:
    case v1::PRESCHOOL:
    case v1::PRIMARY:
    case v1::LOWER_SECONDARY:
    case v1::UPPER_SECONDARY:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<int64_t> ParseCoefficient(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 2 || fraction.size() > 2 ||
      (dot != std::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  for (char c : absl::StrCat(ToAbsl(whole), ToAbsl(fraction))) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t w = 0;
  int64_t f = 0;
  if (!absl::SimpleAtoi(ToAbsl(whole), &w)) return std::nullopt;
  if (!fraction.empty() && !absl::SimpleAtoi(ToAbsl(fraction), &f)) {
    return std::nullopt;
  }
  if (fraction.size() == 1) f *= 10;
  const int64_t hundredths = w * 100 + f;
  if (hundredths <= 0) return std::nullopt;
  return hundredths;
}

void CheckAllowanceRequest(const v1::EstimateAllowanceCostRequest& request,
                           FieldViolations& violations) {
  if (request.teacher_target_percent() < 0 ||
      request.teacher_target_percent() > 100) {
    violations.Add("teacher_target_percent", "từ 0 đến 100 (0 to 100)");
  }
  if (request.staff_target_percent() < 0 ||
      request.staff_target_percent() > 100) {
    violations.Add("staff_target_percent", "từ 0 đến 100 (0 to 100)");
  }
  if (request.salary_base_dong() < 0) {
    violations.Add("salary_base_dong", "không được âm (must not be negative)");
  }
  if (request.groups().empty()) {
    violations.Add("groups", "bắt buộc (required)");
  }
  for (int i = 0; i < request.groups_size(); ++i) {
    const v1::AllowanceGroup& group = request.groups(i);
    const std::string prefix = absl::StrCat("groups[", i, "].");
    if (text::NormalizeNfc(group.label()).empty()) {
      violations.Add(prefix + "label", "bắt buộc (required)");
    }
    if (group.category() != v1::TEACHER &&
        group.category() != v1::SCHOOL_STAFF) {
      violations.Add(prefix + "category",
                     "TEACHER hoặc SCHOOL_STAFF (required)");
    }
    if (!ParseCoefficient(group.average_coefficient())) {
      violations.Add(prefix + "average_coefficient",
                     "số thập phân dương, tối đa 2 chữ số lẻ, ví dụ 4.32 (a "
                     "positive decimal with at most 2 places)");
    }
    if (group.current_rate_percent() < 0 || group.current_rate_percent() > 100) {
      violations.Add(prefix + "current_rate_percent", "từ 0 đến 100 (0 to 100)");
    }
    if (!IsCountedLevel(group.sub_sector())) {
      violations.Add(prefix + "sub_sector",
                     "PRESCHOOL, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY "
                     "hoặc để trống (the levels the staffing service counts)");
      continue;
    }
    for (int j = 0; j < i; ++j) {
      const v1::AllowanceGroup& earlier = request.groups(j);
      if (earlier.category() == group.category() &&
          (earlier.sub_sector() == v1::SUB_SECTOR_UNSPECIFIED ||
           group.sub_sector() == v1::SUB_SECTOR_UNSPECIFIED ||
           earlier.sub_sector() == group.sub_sector())) {
        violations.Add(prefix + "sub_sector",
                       absl::StrCat("trùng người với groups[", j,
                                    "] (counts the people groups[", j,
                                    "] counts)"));
        break;
      }
    }
  }
}

absl::StatusOr<v1::AllowanceCostEstimate> EstimateAllowanceCost(
    const v1::EstimateAllowanceCostRequest& request,
    const std::optional<SalaryBase>& configured,
    const StaffHeadcounts& headcounts) {
  FieldViolations violations;
  CheckAllowanceRequest(request, violations);
  RETURN_IF_ERROR(violations.ToStatus());
  const int32_t teacher_target = request.teacher_target_percent() == 0
                                     ? kTeacherTargetPercent
                                     : request.teacher_target_percent();
  const int32_t staff_target = request.staff_target_percent() == 0
                                   ? kStaffTargetPercent
                                   : request.staff_target_percent();
  // The people of each group: staffing's count, then with the change.
  std::vector<int64_t> counted(request.groups_size(), 0);
  std::vector<int64_t> people(request.groups_size(), 0);
  for (int i = 0; i < request.groups_size(); ++i) {
    const v1::AllowanceGroup& group = request.groups(i);
    std::optional<int64_t> sum = 0;
    for (const HeadcountRow& row : headcounts.rows) {
      if (row.category != group.category()) continue;
      if (group.sub_sector() != v1::SUB_SECTOR_UNSPECIFIED &&
          row.sub_sector != group.sub_sector()) {
        continue;
      }
      if (sum) sum = money::Add(*sum, row.count);
    }
    if (!sum) return money::OverflowError("số người");
    counted[i] = *sum;
    const std::optional<int64_t> with_change =
        money::Add(*sum, group.additional_headcount());
    if (!with_change || *with_change < 0) {
      violations.Add(absl::StrCat("groups[", i, "].additional_headcount"),
                     absl::StrCat("dịch vụ đội ngũ đếm được ",
                                  money::FormatDong(*sum),
                                  " người; số người sau thay đổi không được âm "
                                  "(the people after the change may not be "
                                  "negative)"));
    }
    people[i] = with_change.value_or(0);
  }
  RETURN_IF_ERROR(violations.ToStatus());

  v1::AllowanceCostEstimate estimate;
  if (request.salary_base_dong() > 0) {
    estimate.set_salary_base_dong(request.salary_base_dong());
    estimate.set_salary_base_source("do người gọi nhập (given in the request)");
  } else if (configured) {
    estimate.set_salary_base_dong(configured->amount_dong);
    const absl::CivilDay from = configured->effective_from;
    estimate.set_salary_base_source(absl::StrFormat(
        "%s, áp dụng từ %02d/%02d/%04d", configured->document, from.day(),
        from.month(), from.year()));
  } else {
    return WithErrorInfo(
        absl::FailedPreconditionError(
            "chưa cấu hình mức lương cơ sở cho năm này (no salary base "
            "configured; pass salary_base_dong)"),
        "NO_SALARY_BASE");
  }
  estimate.set_formula(
      "Chi phí tăng thêm mỗi năm = Σ (số người × hệ số lương bình quân × mức "
      "lương cơ sở × (tỷ lệ phụ cấp mới − tỷ lệ đang hưởng) × 12 tháng); mỗi "
      "nhóm làm tròn đến đồng. (Yearly cost = Σ headcount × average "
      "coefficient × salary base × rate increase × 12 months.)");
  estimate.set_headcount_source(headcounts.source);
  const Int128 base = estimate.salary_base_dong();
  int64_t total = 0;
  for (int i = 0; i < request.groups_size(); ++i) {
    const v1::AllowanceGroup& group = request.groups(i);
    v1::AllowanceGroupCost& cost = *estimate.add_groups();
    *cost.mutable_group() = group;
    const int32_t target =
        group.category() == v1::TEACHER ? teacher_target : staff_target;
    const int32_t raise = std::max(0, target - group.current_rate_percent());
    cost.set_target_rate_percent(target);
    cost.set_raise_percent(raise);
    // headcount x (coefficient / 100) x base x (raise / 100) x 12.
    const int64_t coefficient = *ParseCoefficient(group.average_coefficient());
    cost.set_staffing_headcount(counted[i]);
    cost.set_headcount(people[i]);
    const Int128 exact_numerator =
        static_cast<Int128>(people[i]) * coefficient * base * raise * 12;
    const std::optional<int64_t> yearly =
        money::Narrow(money::DivideRounded(exact_numerator, 100 * 100));
    if (!yearly) {
      return money::OverflowError(absl::StrCat("chi phí nhóm ", group.label()));
    }
    cost.set_yearly_increase_dong(*yearly);
    cost.set_computation(absl::StrCat(
        PeopleText(people[i], counted[i], group.additional_headcount()), " × ",
        CoefficientText(coefficient), " × ",
        money::FormatDong(estimate.salary_base_dong()), " đồng × ", raise, "% (", target, "% − ",
        std::min(target, group.current_rate_percent()), "%) × 12 tháng = ",
        money::FormatDong(*yearly), " đồng"));
    const std::optional<int64_t> next = money::Add(total, *yearly);
    if (!next) return money::OverflowError("tổng chi phí tăng thêm");
    total = *next;
  }
  estimate.set_total_yearly_increase_dong(total);
  return estimate;
}

}  // namespace hpedu::budget
