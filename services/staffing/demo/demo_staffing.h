// Demo data of the staffing service, generated with a fixed seed and every
// line marked generated: for every public school the registry lists (real
// communes and wards, generated schools), its classes and pupils for the
// demo years, a roster of teachers near the norms in force (managers and
// staff too) with plausible qualifications, and quotas per commune. A few
// communes are deliberately short of teachers so the shortage views have
// something to show. See README.md.
#ifndef HPEDU_SERVICES_STAFFING_DEMO_DEMO_STAFFING_H_
#define HPEDU_SERVICES_STAFFING_DEMO_DEMO_STAFFING_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "hpedu/registry/v1/unit.pb.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing::demo {

inline constexpr uint32_t kDefaultSeed = 20250906;

// The school years of the generated classes, oldest first.
const std::vector<std::string>& DemoYears();

struct DemoData {
  std::vector<v1::SchoolClasses> classes;
  std::vector<RosterLine> roster;
  // SetQuota requests' quotas, one per commune for each demo year.
  std::vector<v1::Quota> quotas;
  // The communes made short of teachers (ids).
  std::set<std::string> short_communes;
};

// Deterministic for `units`, `norms` (those of the service, to staff
// schools near them) and `seed`. Only public schools teaching MN, TH, THCS
// or THPT valid today get data.
DemoData GenerateDemo(const std::vector<hpedu::registry::v1::Unit>& units,
                      const std::vector<NormRule>& norms,
                      uint32_t seed = kDefaultSeed);

}  // namespace hpedu::staffing::demo

#endif  // HPEDU_SERVICES_STAFFING_DEMO_DEMO_STAFFING_H_
