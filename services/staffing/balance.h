// Shortage and surplus: required teachers (classes x norm) against actual
// ones per school, level and subject; sums for communes and the city; and
// transfers that reduce the total shortage. Pure functions; no I/O.
//
// Per school, required = classes x norm rounded half up (a school needs
// whole teachers). A commune's or the city's required and actual are the
// sums over its schools, and its shortage is the sum of its schools'
// shortages: a surplus in one school does not cure a shortage in another
// until someone moves.
#ifndef HPEDU_SERVICES_STAFFING_BALANCE_H_
#define HPEDU_SERVICES_STAFFING_BALANCE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {

// Classes of one grade taught `sessions_per_day` at a school in a year.
struct ClassCount {
  std::string school;
  std::string grade;
  int sessions_per_day = 1;
  int64_t classes = 0;
  int64_t pupils = 0;
};

// Teachers placed at a school on a day, by level and subject.
struct TeacherCount {
  std::string school;
  std::string level;
  std::string subject;
  int64_t teachers = 0;
};

// Required against actual for one school (or a sum), level and subject.
struct BalanceLine {
  std::string unit;     // school id, commune id or city id
  std::string level;
  std::string subject;  // empty: every teacher of the level
  int64_t classes = 0;
  int64_t pupils = 0;
  int64_t classes_without_norm = 0;
  int64_t required_milli = 0;
  int64_t required = 0;
  int64_t actual = 0;
  int64_t shortage = 0;  // sum over schools of max(0, required - actual)
  int64_t surplus = 0;   // sum over schools of max(0, actual - required)

  int64_t balance() const { return actual - required; }
};

// The lines of every school with classes or teachers: one per level, and
// with `by_subject` one per subject with a norm of its own at the level.
// Norms are those valid on `day`. Sorted by school, level, subject.
std::vector<BalanceLine> SchoolBalances(const std::vector<ClassCount>& classes,
                                        const std::vector<TeacherCount>& teachers,
                                        const std::vector<NormRule>& norms,
                                        absl::CivilDay day, bool by_subject);

// Sums `lines` of schools into lines of the units `group_of` maps each
// school to (schools it does not map are left out), per level and subject.
std::vector<BalanceLine> SumBalances(
    const std::vector<BalanceLine>& lines,
    const std::map<std::string, std::string>& group_of);

// SHORTAGE, BALANCED or SURPLUS from a line's shortage and surplus: a unit
// with any school short is short.
v1::BalanceStatus StatusOf(const BalanceLine& line);

// A suggestion: `count` teachers of `level`/`subject` from one school to
// another, and the balances before and after.
struct Transfer {
  std::string from_school;
  std::string to_school;
  std::string level;
  std::string subject;
  int64_t count = 0;
  bool same_commune = false;
  int64_t from_before = 0;
  int64_t to_before = 0;
  int64_t total_shortage_before = 0;
  int64_t total_shortage_after = 0;
};

// Sum over `lines` of max(0, required - actual).
int64_t TotalShortage(const std::vector<BalanceLine>& lines);

// Transfers between schools' lines of the same level and subject that
// reduce the total shortage: each receiver is short, each giver keeps at
// least its required teachers, so every transfer of `count` lowers the
// total by exactly `count`. Receivers are those whose school is in
// `receivers` (all when empty), the largest shortage first; givers come
// from the receiver's commune first (largest surplus first), then the
// rest. Applied in order; at most `limit` transfers.
std::vector<Transfer> SuggestTransfers(
    const std::vector<BalanceLine>& lines,
    const std::map<std::string, std::string>& commune_of,
    const std::vector<std::string>& receivers, int limit);

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_BALANCE_H_
