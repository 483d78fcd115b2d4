#include "services/indicators/demo/demo_indicators.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/base/string_view.h"
#include "libs/csv/csv_reader.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::indicators::demo {
namespace {

namespace rv1 = ::hpedu::registry::v1;

constexpr char kCity[] = "units/hai-phong";

// The registry's demo ids of the Sở's divisions (services/registry/demo).
std::string LeadAgency(std::string_view division) {
  static const auto* const kAgencies = new std::map<std::string, std::string,
                                                    std::less<>>{
      {"GDMN, GDTH", "units/so-gddt-gdmn-gdth"},
      {"GDTX, GDNN và Đại học", "units/so-gddt-gdtx-gdnn-dh"},
      {"Tổ chức cán bộ", "units/so-gddt-tccb"},
      {"Quản lý chất lượng", "units/so-gddt-qlcl"},
      {"Kế hoạch tài chính", "units/so-gddt-khtc"},
  };
  auto it = kAgencies->find(division);
  return it == kAgencies->end() ? "" : it->second;
}

// How each of the 25 is made: reporting level, school level, kind.
struct Shape {
  v1::ReportingLevel level;
  const char* school_level;
  v1::IndicatorKind kind;
  int64_t factor;
  const char* threshold;
  v1::ValueSource source;
};

Shape ShapeOf(int number) {
  switch (number) {
    case 5: case 6:
      return {v1::COMMUNE, "", v1::UNIT_COUNT, 0, "3", v1::REPORTED};
    case 9:
      return {v1::COMMUNE, "", v1::UNIT_COUNT, 0, "2", v1::REPORTED};
    case 10: return {v1::SCHOOL, "MN", v1::RATIO, 100, "", v1::STAFFING_SERVICE};
    case 11: return {v1::SCHOOL, "TH", v1::RATIO, 100, "", v1::STAFFING_SERVICE};
    case 12: return {v1::SCHOOL, "THCS", v1::RATIO, 100, "", v1::STAFFING_SERVICE};
    case 13: return {v1::SCHOOL, "THPT", v1::RATIO, 100, "", v1::STAFFING_SERVICE};
    case 14: return {v1::CITY, "", v1::RATIO, 100, "", v1::REPORTED};
    case 15: return {v1::CITY, "", v1::RATIO, 10000, "", v1::REPORTED};
    case 16: case 17: case 22:
      return {v1::SCHOOL, "MN", v1::RATIO, 100, "", v1::REPORTED};
    case 18: case 19: case 23:
      return {v1::SCHOOL, "TH", v1::RATIO, 100, "", v1::REPORTED};
    case 20: case 21:
      return {v1::SCHOOL, "", v1::RATIO, 100, "", v1::REPORTED};
    case 24: return {v1::SCHOOL, "THCS", v1::RATIO, 100, "", v1::REPORTED};
    case 25: return {v1::SCHOOL, "THPT", v1::RATIO, 100, "", v1::REPORTED};
    default:
      return {v1::COMMUNE, "", v1::RATIO, 100, "", v1::REPORTED};
  }
}

v1::Comparator ParseComparator(std::string_view text) {
  if (text == ">") return v1::GREATER;
  if (text == ">=") return v1::GREATER_OR_EQUAL;
  if (text == "<") return v1::LESS;
  if (text == "<=") return v1::LESS_OR_EQUAL;
  return v1::COMPARATOR_UNSPECIFIED;
}

// The org unit a Resolution 71 issuer sets targets for.
std::string IssuerUnit(std::string_view issuer) {
  if (absl::StrContains(ToAbsl(issuer), "Dương Kinh")) {
    return "units/phuong-duong-kinh";
  }
  if (absl::StrContains(ToAbsl(issuer), "Đồ Sơn")) return "units/phuong-do-son";
  return kCity;
}

// "UBND phường Đồ Sơn (KH thực hiện NQ 71)" -> "KH thực hiện NQ 71".
std::string PlanDocument(std::string_view issuer) {
  const size_t open = issuer.rfind('(');
  const size_t close = issuer.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos ||
      close < open) {
    return "";
  }
  return std::string(issuer.substr(open + 1, close - open - 1));
}

std::string IssuerName(std::string_view issuer) {
  const size_t open = issuer.rfind(" (");
  return std::string(issuer.substr(0, open));
}

}  // namespace

const std::vector<std::string>& DemoPeriods() {
  static const auto* const kPeriods = new std::vector<std::string>{
      "2022-2023", "2023-2024", "2024-2025", "2025-2026"};
  return *kPeriods;
}

absl::StatusOr<DemoCatalogue> DemoIndicators(std::string_view indicators_csv,
                                             std::string_view targets_csv) {
  DemoCatalogue catalogue;
  ASSIGN_OR_RETURN(const csv::CsvTable indicators,
                   csv::CsvTable::Parse(indicators_csv, "indicators_csv"));
  RETURN_IF_ERROR(indicators.RequireColumns(
      {"code", "name_vi", "name_en", "unit", "disaggregation",
       "target_2025_2026", "lead_division"}));
  const int c_code = indicators.ColumnIndex("code");
  const int c_vi = indicators.ColumnIndex("name_vi");
  const int c_en = indicators.ColumnIndex("name_en");
  const int c_unit = indicators.ColumnIndex("unit");
  const int c_disaggregation = indicators.ColumnIndex("disaggregation");
  const int c_target = indicators.ColumnIndex("target_2025_2026");
  const int c_lead = indicators.ColumnIndex("lead_division");
  std::map<std::string, size_t> index_of;  // id -> indicators[]
  for (const csv::CsvRecord& record : indicators.records()) {
    const std::string& code = record.fields[c_code];
    const std::string id = absl::AsciiStrToLower(code);
    const int number = std::atoi(code.c_str() + 3);
    const std::string& disaggregation = record.fields[c_disaggregation];
    if (!index_of.contains(id)) {
      const Shape shape = ShapeOf(number);
      v1::CreateIndicatorRequest request;
      request.set_indicator_id(id);
      v1::Indicator* indicator = request.mutable_indicator();
      indicator->set_code(code);
      indicator->set_display_name(record.fields[c_vi]);
      indicator->set_english_name(record.fields[c_en]);
      indicator->set_unit_label(record.fields[c_unit]);
      indicator->set_kind(shape.kind);
      indicator->set_factor(shape.factor);
      indicator->set_condition_threshold(shape.threshold);
      indicator->set_direction(v1::HIGHER_IS_BETTER);
      indicator->set_lead_agency(LeadAgency(record.fields[c_lead]));
      indicator->set_reporting_level(shape.level);
      indicator->set_school_level(shape.school_level);
      indicator->set_period_type(v1::SCHOOL_YEAR);
      indicator->set_source(shape.source);
      // Seed 002: reports are due in June; the year closes 60 days after
      // it ends (31 May).
      indicator->set_lock_after_days(60);
      index_of[id] = catalogue.indicators.size();
      catalogue.indicators.push_back(std::move(request));
    }
    v1::Indicator* indicator =
        catalogue.indicators[index_of[id]].mutable_indicator();
    if (!disaggregation.empty()) indicator->add_disaggregations(disaggregation);

    v1::CreateTargetRequest target;
    target.set_parent("indicators/" + id);
    target.set_target_id(disaggregation.empty()
                             ? "so-2025-2026"
                             : absl::StrCat("so-2025-2026-",
                                            absl::AsciiStrToLower(disaggregation)));
    target.mutable_target()->set_org_unit(kCity);
    target.mutable_target()->set_issuer("Sở GDĐT Hải Phòng");
    target.mutable_target()->set_horizon("2025-2026");
    target.mutable_target()->set_disaggregation(disaggregation);
    target.mutable_target()->set_comparator(v1::GREATER_OR_EQUAL);
    target.mutable_target()->set_value(record.fields[c_target]);
    target.mutable_target()->set_plan_document("KH nhiệm vụ năm học 2025-2026");
    catalogue.targets.push_back(std::move(target));
  }

  // Resolution 71 targets: one indicator per distinct goal ("r71-NN").
  ASSIGN_OR_RETURN(const csv::CsvTable targets,
                   csv::CsvTable::Parse(targets_csv, "targets_csv"));
  RETURN_IF_ERROR(targets.RequireColumns({"issuer", "horizon", "target_vi",
                                          "target_en", "comparator", "value",
                                          "unit"}));
  const int t_issuer = targets.ColumnIndex("issuer");
  const int t_horizon = targets.ColumnIndex("horizon");
  const int t_vi = targets.ColumnIndex("target_vi");
  const int t_en = targets.ColumnIndex("target_en");
  const int t_comparator = targets.ColumnIndex("comparator");
  const int t_value = targets.ColumnIndex("value");
  const int t_unit = targets.ColumnIndex("unit");
  std::map<std::string, std::string> goal_ids;  // target_en -> id
  std::map<std::string, int> per_indicator;     // target ids taken
  for (const csv::CsvRecord& record : targets.records()) {
    const std::string& goal = record.fields[t_en];
    auto [it, inserted] = goal_ids.try_emplace(
        goal, absl::StrFormat("r71-%02d", goal_ids.size() + 1));
    const std::string& id = it->second;
    const std::string& unit = record.fields[t_unit];
    if (inserted) {
      v1::CreateIndicatorRequest request;
      request.set_indicator_id(id);
      v1::Indicator* indicator = request.mutable_indicator();
      indicator->set_code(absl::AsciiStrToUpper(id));
      indicator->set_display_name(record.fields[t_vi]);
      indicator->set_english_name(goal);
      const bool percent = unit == "%";
      indicator->set_unit_label(percent ? "%" : unit);
      indicator->set_kind(percent ? v1::RATIO : v1::PLAIN_VALUE);
      indicator->set_factor(percent ? 100 : 0);
      const bool lower = record.fields[t_comparator][0] == '<';
      indicator->set_direction(lower ? v1::LOWER_IS_BETTER : v1::HIGHER_IS_BETTER);
      indicator->set_reporting_level(v1::COMMUNE);
      indicator->set_period_type(v1::CALENDAR_YEAR);
      v1::ValueSource source = v1::REPORTED;
      if (absl::StrContains(goal, "budget") ||
          absl::StrContains(goal, "allowance")) {
        source = v1::BUDGET_SERVICE;
      } else if (absl::StrContains(goal, "training standard")) {
        source = v1::STAFFING_SERVICE;
      }
      indicator->set_source(source);
      indicator->set_lock_after_days(90);
      catalogue.indicators.push_back(std::move(request));
    }
    const std::string& issuer = record.fields[t_issuer];
    const std::string org_unit = IssuerUnit(issuer);
    v1::CreateTargetRequest target;
    target.set_parent("indicators/" + id);
    target.set_target_id(absl::StrCat(
        org_unit.substr(6), "-", record.fields[t_horizon], "-",
        ++per_indicator[absl::StrCat(id, org_unit, record.fields[t_horizon])]));
    target.mutable_target()->set_org_unit(org_unit);
    target.mutable_target()->set_issuer(IssuerName(issuer));
    target.mutable_target()->set_horizon(record.fields[t_horizon]);
    target.mutable_target()->set_comparator(
        ParseComparator(record.fields[t_comparator]));
    target.mutable_target()->set_value(record.fields[t_value]);
    target.mutable_target()->set_plan_document(PlanDocument(issuer));
    catalogue.targets.push_back(std::move(target));
  }
  return catalogue;
}

std::vector<ValueLine> DemoValues(const std::vector<rv1::Unit>& units,
                                  uint32_t seed) {
  std::mt19937 random(seed);
  // Uniform in [0, 1), independent of the standard library's distributions.
  auto uniform = [&random] {
    return static_cast<double>(random() >> 5) / static_cast<double>(1u << 27);
  };
  std::vector<ValueLine> lines;
  auto add = [&lines](std::string code, const std::string& unit,
                      const std::string& period, std::string disaggregation,
                      int64_t num, int64_t den, std::string value) {
    ValueLine line;
    line.indicator = std::move(code);
    line.org_unit = unit;
    line.period = period;
    line.disaggregation = std::move(disaggregation);
    if (den > 0) {
      line.numerator = std::to_string(num);
      line.denominator = std::to_string(den);
    }
    line.value = std::move(value);
    line.generated = true;
    lines.push_back(std::move(line));
  };
  // A share near `target` (percent) that improves by `step` a year.
  auto share = [&](double target, double step, size_t year, double spread) {
    const double p = target - step * static_cast<double>(3 - year) +
                     (uniform() - 0.5) * spread;
    return std::clamp(p, 0.0, 100.0) / 100.0;
  };
  std::vector<const rv1::Unit*> communes;
  std::vector<const rv1::Unit*> schools;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() == rv1::WARD || unit.kind() == rv1::COMMUNE ||
        unit.kind() == rv1::SPECIAL_ZONE) {
      communes.push_back(&unit);
    } else if (unit.kind() == rv1::SCHOOL && !unit.has_valid_until()) {
      schools.push_back(&unit);
    }
  }
  const std::vector<std::string>& periods = DemoPeriods();
  for (size_t y = 0; y < periods.size(); ++y) {
    const std::string& period = periods[y];
    for (const rv1::Unit* commune : communes) {
      const std::string id = commune->name().substr(6);
      const int64_t nursery = 600 + static_cast<int64_t>(uniform() * 2400);
      const int64_t kinder = nursery + static_cast<int64_t>(uniform() * 600);
      const int64_t six = kinder / 3;
      const int64_t primary_cohort = six;
      const int64_t adults = 15000 + static_cast<int64_t>(uniform() * 30000);
      struct { const char* code; int64_t den; double target; double spread; }
      const kRatios[] = {{"HP-01", nursery, 46, 20},
                         {"HP-02", kinder, 99, 2},
                         {"HP-03", six, 100, 1},
                         {"HP-04", primary_cohort, 99.7, 1},
                         {"HP-07", adults, 99.76, 0.4},
                         {"HP-08", adults, 99.69, 0.5}};
      for (const auto& ratio : kRatios) {
        const double p = share(ratio.target, ratio.spread / 8, y, ratio.spread);
        add(ratio.code, id, period, "",
            std::llround(p * static_cast<double>(ratio.den)), ratio.den, "");
      }
      for (const char* code : {"HP-05", "HP-06", "HP-09"}) {
        const double draw = uniform() + 0.08 * static_cast<double>(y);
        add(code, id, period, "", 0, 0, draw > 0.25 ? "3" : (draw > 0.1 ? "2" : "1"));
      }
    }
    // The city's own figures: lecturers with a doctorate, students per
    // 10,000 inhabitants (about 4.6 million people in the merged city).
    const int64_t lecturers = 2400 + static_cast<int64_t>(y) * 40;
    add("HP-14", "hai-phong", period, "",
        std::llround(share(34, 1.5, y, 2) * static_cast<double>(lecturers)),
        lecturers, "");
    add("HP-15", "hai-phong", period, "",
        95000 + static_cast<int64_t>(y) * 1500 +
            static_cast<int64_t>(uniform() * 2000),
        4600000, "");
    for (const rv1::Unit* school : schools) {
      const std::string id = school->name().substr(6);
      std::set<int> levels(school->school().levels().begin(),
                           school->school().levels().end());
      auto standard = [&](const char* code, double target, const char* d) {
        add(code, id, period, d, uniform() < share(target, 3, y, 0) ? 1 : 0, 1,
            "");
      };
      auto equipment = [&](const char* code, double target) {
        const int64_t needed = 8 + static_cast<int64_t>(uniform() * 30);
        add(code, id, period, "",
            std::llround(share(target, 4, y, 30) * static_cast<double>(needed)),
            needed, "");
      };
      if (levels.contains(rv1::MN)) {
        standard("HP-16", 54.83, "");
        standard("HP-17", 23.22, "");
        equipment("HP-22", 92);
      }
      if (levels.contains(rv1::TH)) {
        standard("HP-18", 52.76, "");
        standard("HP-19", 27.41, "");
        equipment("HP-23", 60);
      }
      if (levels.contains(rv1::THCS)) {
        standard("HP-20", 54.95, "THCS");
        standard("HP-21", 23.34, "THCS");
        equipment("HP-24", 47.5);
      }
      if (levels.contains(rv1::THPT)) {
        standard("HP-20", 54.88, "THPT");
        standard("HP-21", 19.51, "THPT");
        equipment("HP-25", 39.2);
      }
    }
  }
  return lines;
}

v1::CreateApprovalWorkflowRequest DemoWorkflow(
    const std::vector<v1::CreateIndicatorRequest>& catalogue) {
  v1::CreateApprovalWorkflowRequest create;
  create.set_workflow_id("bao-cao-nam-hoc");
  v1::ApprovalWorkflow* workflow = create.mutable_workflow();
  workflow->set_display_name("Báo cáo chỉ tiêu năm học");
  workflow->set_period_type(v1::SCHOOL_YEAR);
  workflow->set_first_period("2025-2026");
  workflow->set_lead_agency("units/so-gddt-qlcl");
  for (const v1::CreateIndicatorRequest& request : catalogue) {
    if (request.indicator().source() == v1::REPORTED &&
        request.indicator().period_type() == v1::SCHOOL_YEAR) {
      workflow->add_indicators("indicators/" + request.indicator_id());
    }
  }
  v1::ApprovalLevel* schools = workflow->add_levels();
  schools->set_reporting_level(v1::SCHOOL);
  schools->add_approver_roles("commune_officer");
  schools->add_approver_roles("leadership");
  v1::ApprovalLevel* communes = workflow->add_levels();
  communes->set_reporting_level(v1::COMMUNE);
  communes->add_approver_roles("division");
  communes->add_approver_roles("leadership");
  return create;
}

std::vector<LoopStep> DemoLoopSteps(const std::vector<rv1::Unit>& units) {
  auto name_of = [](const std::string& unit) {
    return absl::StrCat("approvalWorkflows/bao-cao-nam-hoc/submissions/",
                        unit.substr(sizeof("units/") - 1), "~2025-2026");
  };
  std::vector<LoopStep> steps;
  auto step = [&](LoopStep::Kind kind, const std::string& unit,
                  std::string reason = "") {
    steps.push_back({kind, name_of(unit), std::move(reason)});
  };
  int turn = 0;
  for (const rv1::Unit& commune : units) {
    if ((commune.kind() != rv1::COMMUNE && commune.kind() != rv1::WARD &&
         commune.kind() != rv1::SPECIAL_ZONE) ||
        commune.has_valid_until()) {
      continue;
    }
    const int state = turn++ % 5;
    std::vector<std::string> its_schools;
    for (const rv1::Unit& school : units) {
      if (school.kind() == rv1::SCHOOL && !school.has_valid_until() &&
          school.parent() == commune.name()) {
        its_schools.push_back(school.name());
      }
    }
    if (state == 4) {  // not submitted; one school waits for the commune
      if (!its_schools.empty()) step(LoopStep::kSubmit, its_schools.front());
      continue;
    }
    for (const std::string& school : its_schools) {
      step(LoopStep::kSubmit, school);
      step(LoopStep::kApprove, school);
    }
    step(LoopStep::kSubmit, commune.name());
    if (state <= 1) step(LoopStep::kApprove, commune.name());
    if (state == 3) {
      step(LoopStep::kReturn, commune.name(),
           "Tỷ lệ huy động trẻ chưa khớp với số liệu dân số; đề nghị rà "
           "soát lại");
    }
  }
  return steps;
}

grpc::Status PlayStep(v1::ApprovalService::StubInterface& approvals,
                      grpc::ClientContext* context, const LoopStep& step) {
  v1::Submission out;
  switch (step.kind) {
    case LoopStep::kSubmit: {
      v1::SubmitValuesRequest request;
      request.set_name(step.submission);
      return approvals.SubmitValues(context, request, &out);
    }
    case LoopStep::kApprove: {
      v1::ApproveSubmissionRequest request;
      request.set_name(step.submission);
      return approvals.ApproveSubmission(context, request, &out);
    }
    case LoopStep::kReturn: {
      v1::ReturnSubmissionRequest request;
      request.set_name(step.submission);
      request.set_reason(step.reason);
      return approvals.ReturnSubmission(context, request, &out);
    }
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "unknown step");
}

}  // namespace hpedu::indicators::demo
