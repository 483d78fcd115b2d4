#include "services/staffing/demo/demo_staffing.h"

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hpedu::staffing::demo {
namespace {

namespace rv1 = ::hpedu::registry::v1;

// The generator's own draws: mt19937 is the same everywhere, the standard
// distributions are not.
class Draw {
 public:
  explicit Draw(uint32_t seed) : engine_(seed) {}
  // Uniform in [0, n).
  int Below(int n) { return static_cast<int>(engine_() % static_cast<uint32_t>(n)); }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) { return lo + Below(hi - lo + 1); }
  // True with probability per_mille / 1000.
  bool Chance(int per_mille) { return Below(1000) < per_mille; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Below(static_cast<int>(items.size())))];
  }
  uint32_t Raw() { return engine_(); }

 private:
  std::mt19937 engine_;
};

const std::vector<std::string> kSurnames = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Phan", "Đinh", "Mạc", "Tô", "Lương"};
const std::vector<std::string> kFemaleMiddle = {"Thị", "Thu", "Ngọc", "Minh",
                                                "Thanh", "Hồng", "Phương"};
const std::vector<std::string> kMaleMiddle = {"Văn", "Đức", "Minh", "Quang",
                                              "Hữu", "Thành", "Xuân"};
const std::vector<std::string> kFemaleGiven = {
    "Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Hà", "Thảo", "Nga",
    "Yến", "Hạnh", "Huyền", "Loan", "Phượng", "Dung", "Vân"};
const std::vector<std::string> kMaleGiven = {
    "Hùng", "Dũng", "Tuấn", "Nam", "Long", "Sơn", "Hải", "Thắng", "Cường",
    "Quân", "Bình", "Khánh", "Trung", "Việt"};

// Subjects taught at THCS and THPT besides those with norms of their own.
const std::vector<std::string> kOtherSubjects = {
    "vat-ly", "hoa-hoc", "sinh-hoc", "lich-su", "dia-ly", "tin-hoc",
    "giao-duc-the-chat", "am-nhac", "my-thuat", "cong-nghe", "gdcd"};

const std::vector<std::string> kYears = {"2024-2025", "2025-2026"};

// The grades of a level with the usual sessions a day.
struct GradePlan {
  std::string grade;
  int min_classes, max_classes;
  int two_sessions_per_mille;  // share of classes taught all day
  int min_pupils, max_pupils;  // per class
};

std::vector<GradePlan> GradesOf(const std::string& level) {
  if (level == "MN") {
    return {{"NT", 1, 4, 1000, 15, 25}, {"MG", 4, 12, 950, 25, 35}};
  }
  if (level == "TH") {
    std::vector<GradePlan> grades;
    for (int g = 1; g <= 5; ++g) grades.push_back({std::to_string(g), 2, 6, 900, 28, 35});
    return grades;
  }
  if (level == "THCS") {
    std::vector<GradePlan> grades;
    for (int g = 6; g <= 9; ++g) grades.push_back({std::to_string(g), 2, 8, 300, 35, 45});
    return grades;
  }
  std::vector<GradePlan> grades;
  for (int g = 10; g <= 12; ++g) grades.push_back({std::to_string(g), 4, 12, 100, 38, 45});
  return grades;
}

// Per mille of teachers holding each qualification, by level: plausible
// shares meeting the standard (the Sở's targets are 95-100%).
std::vector<std::pair<v1::Qualification, int>> QualificationMix(
    const std::string& level) {
  if (level == "MN") {
    return {{v1::INTERMEDIATE, 55}, {v1::COLLEGE, 520}, {v1::BACHELOR, 405},
            {v1::MASTER, 20}};
  }
  if (level == "TH") {
    return {{v1::INTERMEDIATE, 10}, {v1::COLLEGE, 45}, {v1::BACHELOR, 880},
            {v1::MASTER, 65}};
  }
  if (level == "THCS") {
    return {{v1::COLLEGE, 25}, {v1::BACHELOR, 870}, {v1::MASTER, 105}};
  }
  return {{v1::COLLEGE, 4}, {v1::BACHELOR, 826}, {v1::MASTER, 165},
          {v1::DOCTORATE, 5}};
}

class Generator {
 public:
  Generator(const std::vector<NormRule>& norms, uint32_t seed)
      : norms_(norms), draw_(seed) {}

  DemoData Run(const std::vector<rv1::Unit>& units) {
    std::vector<const rv1::Unit*> schools;
    std::vector<std::string> communes;
    for (const rv1::Unit& unit : units) {
      if (unit.has_valid_until()) continue;
      if (unit.kind() == rv1::WARD || unit.kind() == rv1::COMMUNE ||
          unit.kind() == rv1::SPECIAL_ZONE) {
        communes.push_back(unit.name().substr(6));
      }
      if (unit.kind() == rv1::SCHOOL && unit.school().ownership() == rv1::PUBLIC &&
          !LevelsOf(unit).empty()) {
        schools.push_back(&unit);
      }
    }
    std::sort(communes.begin(), communes.end());
    // About one commune in fifteen is short of teachers.
    for (const std::string& commune : communes) {
      if (draw_.Chance(70)) data_.short_communes.insert(commune);
    }
    std::map<std::string, int> posts;  // commune -> permanent posts
    for (const rv1::Unit* school : schools) {
      const std::string id = school->name().substr(6);
      const std::string commune = school->parent().substr(6);
      const bool short_commune = data_.short_communes.count(commune) > 0;
      for (const std::string& level : LevelsOf(*school)) {
        const int64_t required_milli = Classes(id, level);
        const int required = static_cast<int>(RoundMilli(required_milli));
        int teachers = short_commune
                           ? required * draw_.Between(72, 85) / 100
                           : required + draw_.Between(-2, 2);
        teachers = std::max(teachers, 1);
        posts[commune] += required;
        Teachers(id, level, teachers);
      }
      const std::string level = LevelsOf(*school).front();
      Person(id, level, v1::MANAGER, "");
      for (int i = draw_.Between(1, 2); i > 0; --i) Person(id, level, v1::MANAGER, "");
      for (int i = draw_.Between(2, 4); i > 0; --i) Person(id, level, v1::STAFF, "");
    }
    for (const auto& [commune, count] : posts) {
      for (const std::string& year : kYears) {
        v1::Quota& quota = data_.quotas.emplace_back();
        quota.set_org_unit("units/" + commune);
        quota.set_school_year(year);
        quota.set_posts(count + count / 20);
        quota.set_decision("dữ liệu mẫu (generated)");
      }
    }
    return std::move(data_);
  }

 private:
  static std::vector<std::string> LevelsOf(const rv1::Unit& unit) {
    std::vector<std::string> levels;
    for (int l : unit.school().levels()) {
      const std::string name = rv1::SchoolLevel_Name(static_cast<rv1::SchoolLevel>(l));
      if (IsLevel(name)) levels.push_back(name);
    }
    return levels;
  }

  // Classes of a school's level for every demo year; the teachers the
  // last year's classes need, in thousandths. Remembers the classes per
  // subject norm for Teachers().
  int64_t Classes(const std::string& school, const std::string& level) {
    const absl::CivilDay day = SchoolYearReferenceDay(2025);
    int64_t required = 0;
    subject_milli_.clear();
    for (const GradePlan& plan : GradesOf(level)) {
      const int classes = draw_.Between(plan.min_classes, plan.max_classes);
      const int two = classes * plan.two_sessions_per_mille / 1000;
      for (size_t y = 0; y < kYears.size(); ++y) {
        // One class more or less the year before.
        const int year_classes =
            y + 1 == kYears.size() ? classes : std::max(1, classes + draw_.Between(-1, 1));
        const int year_two = std::min(two, year_classes);
        for (int sessions : {1, 2}) {
          const int n = sessions == 2 ? year_two : year_classes - year_two;
          if (n == 0) continue;
          v1::SchoolClasses& c = data_.classes.emplace_back();
          c.set_school(school);
          c.set_school_year(kYears[y]);
          c.set_grade(plan.grade);
          c.set_sessions_per_day(sessions);
          c.set_classes(n);
          c.set_pupils(n * draw_.Between(plan.min_pupils, plan.max_pupils));
          c.set_generated(true);
          if (y + 1 != kYears.size()) continue;
          if (const NormRule* norm =
                  FindNorm(norms_, level, plan.grade, sessions, "", day)) {
            required += n * norm->teachers_per_class_milli;
          }
          for (const std::string& subject : SubjectsWithNorms(norms_, level, day)) {
            if (const NormRule* norm =
                    FindNorm(norms_, level, plan.grade, sessions, subject, day)) {
              subject_milli_[subject] += n * norm->teachers_per_class_milli;
            }
          }
        }
      }
    }
    return required;
  }

  void Teachers(const std::string& school, const std::string& level, int count) {
    std::vector<std::string> subjects;
    if (level == "THCS" || level == "THPT") {
      for (const auto& [subject, milli] : subject_milli_) {
        const int n = std::max<int>(0, static_cast<int>(RoundMilli(milli)) +
                                           draw_.Between(-1, 1));
        for (int i = 0; i < n; ++i) subjects.push_back(subject);
      }
      while (static_cast<int>(subjects.size()) < count) {
        subjects.push_back(draw_.Pick(kOtherSubjects));
      }
      subjects.resize(static_cast<size_t>(count));
    } else {
      subjects.assign(static_cast<size_t>(count), "");
    }
    for (const std::string& subject : subjects) {
      Person(school, level, v1::TEACHER, subject);
    }
  }

  std::string NewId() {
    while (true) {
      std::string id = absl::StrFormat("ns-%08x", draw_.Raw());
      if (ids_.insert(id).second) return id;
    }
  }

  void Person(const std::string& school, const std::string& level,
              v1::Position position, const std::string& subject) {
    RosterLine line;
    line.staff_id = NewId();
    const bool female = draw_.Chance(level == "MN" ? 980 : 720);
    line.sex = female ? v1::FEMALE : v1::MALE;
    line.display_name = absl::StrCat(
        draw_.Pick(kSurnames), " ",
        draw_.Pick(female ? kFemaleMiddle : kMaleMiddle), " ",
        draw_.Pick(female ? kFemaleGiven : kMaleGiven));
    line.birth_year = draw_.Between(1968, 2002);
    line.employment = draw_.Chance(880) ? v1::PERMANENT : v1::CONTRACT;
    line.placement.set_school(school);
    line.placement.set_position(position);
    line.placement.set_level(level);
    line.placement.set_subject(subject);
    // Started at 22 or later, at the latest in August 2025.
    const int first_year = std::min(line.birth_year + 22, 2025);
    line.start_date = absl::CivilDay(draw_.Between(first_year, 2025),
                                     draw_.Between(8, 9), draw_.Between(1, 28));
    if (line.start_date > absl::CivilDay(2025, 8, 31)) {
      line.start_date = absl::CivilDay(2025, 8, draw_.Between(1, 28));
    }
    int roll = draw_.Below(1000);
    line.qualification = v1::BACHELOR;
    for (const auto& [qualification, per_mille] : QualificationMix(level)) {
      if (roll < per_mille) {
        line.qualification = qualification;
        break;
      }
      roll -= per_mille;
    }
    // Most degrees came before the job; some were earned while working,
    // a few during 2025-2026 (the as-of share counts them from then).
    if (draw_.Chance(850)) {
      line.qualification_date = line.start_date - draw_.Between(30, 400);
    } else {
      line.qualification_date = std::max(
          line.start_date, absl::CivilDay(draw_.Between(2018, 2025),
                                          draw_.Between(1, 12), 15));
    }
    line.generated = true;
    data_.roster.push_back(std::move(line));
  }

  const std::vector<NormRule>& norms_;
  Draw draw_;
  DemoData data_;
  std::set<std::string> ids_;
  std::map<std::string, int64_t> subject_milli_;
};

}  // namespace

const std::vector<std::string>& DemoYears() { return kYears; }

DemoData GenerateDemo(const std::vector<rv1::Unit>& units,
                      const std::vector<NormRule>& norms, uint32_t seed) {
  return Generator(norms, seed).Run(units);
}

}  // namespace hpedu::staffing::demo
