#include "services/staffing/balance.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

namespace hpedu::staffing {
namespace {

using LineKey = std::tuple<std::string, std::string, std::string>;

}  // namespace

std::vector<BalanceLine> SchoolBalances(const std::vector<ClassCount>& classes,
                                        const std::vector<TeacherCount>& teachers,
                                        const std::vector<NormRule>& norms,
                                        absl::CivilDay day, bool by_subject) {
  std::map<LineKey, BalanceLine> lines;
  auto line = [&](const std::string& school, const std::string& level,
                  const std::string& subject) -> BalanceLine& {
    BalanceLine& l = lines[{school, level, subject}];
    if (l.unit.empty()) {
      l.unit = school;
      l.level = level;
      l.subject = subject;
    }
    return l;
  };
  std::map<std::string, std::vector<std::string>> subjects_of;
  for (const std::string& level : Levels()) {
    if (by_subject) subjects_of[level] = SubjectsWithNorms(norms, level, day);
  }
  for (const ClassCount& count : classes) {
    absl::StatusOr<std::string> level = LevelOfGrade(count.grade, "grade");
    if (!level.ok()) continue;
    BalanceLine& total = line(count.school, *level, "");
    total.classes += count.classes;
    total.pupils += count.pupils;
    const NormRule* norm =
        FindNorm(norms, *level, count.grade, count.sessions_per_day, "", day);
    if (norm == nullptr) {
      total.classes_without_norm += count.classes;
    } else {
      total.required_milli += count.classes * norm->teachers_per_class_milli;
    }
    for (const std::string& subject : subjects_of[*level]) {
      BalanceLine& by = line(count.school, *level, subject);
      by.classes += count.classes;
      by.pupils += count.pupils;
      const NormRule* subject_norm = FindNorm(
          norms, *level, count.grade, count.sessions_per_day, subject, day);
      if (subject_norm == nullptr) {
        by.classes_without_norm += count.classes;
      } else {
        by.required_milli +=
            count.classes * subject_norm->teachers_per_class_milli;
      }
    }
  }
  for (const TeacherCount& count : teachers) {
    line(count.school, count.level, "").actual += count.teachers;
    if (!count.subject.empty()) {
      auto it = lines.find({count.school, count.level, count.subject});
      const auto& subjects = subjects_of[count.level];
      if (it != lines.end() ||
          std::binary_search(subjects.begin(), subjects.end(), count.subject)) {
        line(count.school, count.level, count.subject).actual += count.teachers;
      }
    }
  }
  std::vector<BalanceLine> result;
  result.reserve(lines.size());
  for (auto& [key, l] : lines) {
    l.required = RoundMilli(l.required_milli);
    l.shortage = std::max<int64_t>(0, l.required - l.actual);
    l.surplus = std::max<int64_t>(0, l.actual - l.required);
    result.push_back(std::move(l));
  }
  return result;
}

std::vector<BalanceLine> SumBalances(
    const std::vector<BalanceLine>& lines,
    const std::map<std::string, std::string>& group_of) {
  std::map<LineKey, BalanceLine> sums;
  for (const BalanceLine& l : lines) {
    auto group = group_of.find(l.unit);
    if (group == group_of.end()) continue;
    BalanceLine& sum = sums[{group->second, l.level, l.subject}];
    sum.unit = group->second;
    sum.level = l.level;
    sum.subject = l.subject;
    sum.classes += l.classes;
    sum.pupils += l.pupils;
    sum.classes_without_norm += l.classes_without_norm;
    sum.required_milli += l.required_milli;
    sum.required += l.required;
    sum.actual += l.actual;
    sum.shortage += l.shortage;
    sum.surplus += l.surplus;
  }
  std::vector<BalanceLine> result;
  result.reserve(sums.size());
  for (auto& [key, sum] : sums) result.push_back(std::move(sum));
  return result;
}

v1::BalanceStatus StatusOf(const BalanceLine& line) {
  if (line.shortage > 0) return v1::SHORTAGE;
  if (line.surplus > 0) return v1::SURPLUS;
  return v1::BALANCED;
}

int64_t TotalShortage(const std::vector<BalanceLine>& lines) {
  int64_t total = 0;
  for (const BalanceLine& l : lines) {
    total += std::max<int64_t>(0, l.required - l.actual);
  }
  return total;
}

std::vector<Transfer> SuggestTransfers(
    const std::vector<BalanceLine>& lines,
    const std::map<std::string, std::string>& commune_of,
    const std::vector<std::string>& receivers, int limit) {
  const std::set<std::string> wanted(receivers.begin(), receivers.end());
  auto commune = [&](const std::string& school) {
    auto it = commune_of.find(school);
    return it == commune_of.end() ? std::string() : it->second;
  };
  // Balances as they move, per line.
  std::vector<int64_t> balance;
  balance.reserve(lines.size());
  for (const BalanceLine& l : lines) balance.push_back(l.balance());
  int64_t total = TotalShortage(lines);

  // Receivers: largest shortage first, then by school.
  std::vector<size_t> short_lines;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (balance[i] < 0 && (wanted.empty() || wanted.count(lines[i].unit))) {
      short_lines.push_back(i);
    }
  }
  std::stable_sort(short_lines.begin(), short_lines.end(),
                   [&](size_t a, size_t b) { return balance[a] < balance[b]; });

  // Givers by (level, subject): in the whole city and per commune, largest
  // surplus first (then by position, for a stable order).
  using Givers = std::set<std::pair<int64_t, size_t>>;
  struct Pool {
    Givers city;
    std::map<std::string, Givers> by_commune;
  };
  std::map<std::pair<std::string, std::string>, Pool> pools;
  for (size_t g = 0; g < lines.size(); ++g) {
    if (balance[g] <= 0) continue;
    Pool& pool = pools[{lines[g].level, lines[g].subject}];
    pool.city.insert({-balance[g], g});
    pool.by_commune[commune(lines[g].unit)].insert({-balance[g], g});
  }

  std::vector<Transfer> transfers;
  for (size_t r : short_lines) {
    if (static_cast<int>(transfers.size()) >= limit) break;
    const BalanceLine& receiver = lines[r];
    auto pool_it = pools.find({receiver.level, receiver.subject});
    if (pool_it == pools.end()) continue;
    Pool& pool = pool_it->second;
    const std::string receiver_commune = commune(receiver.unit);
    while (balance[r] < 0 && static_cast<int>(transfers.size()) < limit) {
      Givers* local = nullptr;
      if (!receiver_commune.empty()) {
        auto it = pool.by_commune.find(receiver_commune);
        if (it != pool.by_commune.end() && !it->second.empty()) {
          local = &it->second;
        }
      }
      if (local == nullptr && pool.city.empty()) break;
      const size_t g = local != nullptr ? local->begin()->second
                                        : pool.city.begin()->second;
      Transfer transfer;
      transfer.from_school = lines[g].unit;
      transfer.to_school = receiver.unit;
      transfer.level = receiver.level;
      transfer.subject = receiver.subject;
      transfer.count = std::min(balance[g], -balance[r]);
      transfer.same_commune = local != nullptr;
      transfer.from_before = balance[g];
      transfer.to_before = balance[r];
      transfer.total_shortage_before = total;
      Givers& giver_commune = pool.by_commune[commune(lines[g].unit)];
      pool.city.erase({-balance[g], g});
      giver_commune.erase({-balance[g], g});
      balance[g] -= transfer.count;
      balance[r] += transfer.count;
      if (balance[g] > 0) {
        pool.city.insert({-balance[g], g});
        giver_commune.insert({-balance[g], g});
      }
      total -= transfer.count;
      transfer.total_shortage_after = total;
      transfers.push_back(std::move(transfer));
    }
  }
  return transfers;
}

}  // namespace hpedu::staffing
