// Demo data for the registry: the merged city of Hai Phong as an import CSV
// (see unit_import.h). Real: the city, its 114 commune-level units (from
// haiphong_commune_units_2025.csv, committed next to this file and embedded
// at build time) and the agencies named in the plans. Illustrative and
// marked generated: the former districts and their lineage, and about two
// thousand schools drawn with a fixed seed. See README.md.
#ifndef HPEDU_SERVICES_REGISTRY_DEMO_DEMO_UNITS_H_
#define HPEDU_SERVICES_REGISTRY_DEMO_DEMO_UNITS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/registry/v1/unit.pb.h"

namespace hpedu::registry::demo {

// The seed of the school generator.
inline constexpr uint32_t kDefaultSeed = 20250701;

// haiphong_commune_units_2025.csv as committed (header name,kind).
std::string_view EmbeddedCommunesCsv();

// An ASCII id from a Vietnamese name: folded, runs of anything but [a-z0-9]
// become one '-', at most 63 characters. "Phường Đồ Sơn" -> "phuong-do-son".
std::string Slugify(std::string_view name);

// Hands out unique ids: the first request for a slug gets it, later ones get
// "-2", "-3"... in the order asked. Not thread-safe.
class SlugAllocator {
 public:
  std::string Take(std::string_view slug);

 private:
  std::set<std::string> taken_;
};

// The demo units, in dependency order, from a commune list in the format of
// haiphong_commune_units_2025.csv. INVALID_ARGUMENT if the list is malformed.
absl::StatusOr<std::vector<hpedu::registry::v1::Unit>> DemoUnits(
    std::string_view communes_csv, uint32_t seed = kDefaultSeed);

}  // namespace hpedu::registry::demo

#endif  // HPEDU_SERVICES_REGISTRY_DEMO_DEMO_UNITS_H_
