// Name resolution for the registry: what a free-text name written in a plan
// or a report ("Quận Đồ Sơn", "UBND phường Dương Kinh", "xa cam giang")
// means on a given date. Pure logic, no I/O: the store fetches the candidate
// units (see NameKey) and their successors; this file decides.
//
// Matching, in order of preference:
//   1. the whole name (or an agency's short name), NFC and case-folded;
//   2. the core name, with the administrative prefix ("Phường", "Xã", "Quận",
//      "Huyện", "Thị xã", "Thành phố", "Đặc khu", "Tỉnh", "Thị trấn") and the
//      body prefix ("UBND", "Ủy ban nhân dân", "Đảng ủy", "Ban Thường vụ Đảng
//      ủy"...) stripped, NFC and case-folded;
//   3. the core name ignoring diacritics (FoldForSearch). Only when nothing
//      matched with diacritics: "Xã Cẩm Giang" and "Xã Cẩm Giàng" are two
//      different communes.
// Among the units a step matched, those whose prefixes agree best with the
// query's win ("Quận Đồ Sơn" means the district, not the ward), and a unit
// that exists on the date wins over one that no longer does. A unit that no
// longer exists on the date means its successors that do.
#ifndef HPEDU_SERVICES_REGISTRY_RESOLVE_H_
#define HPEDU_SERVICES_REGISTRY_RESOLVE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/registry/v1/unit.pb.h"

namespace hpedu::registry {

// A unit name taken apart.
struct NameParts {
  // The body the name designates, canonical and folded: "ubnd", "dang uy",
  // "btv dang uy", "thanh uy"...; empty for the place itself.
  std::string body_prefix;
  // The administrative prefix, folded: "phuong", "xa", "thanh pho"...;
  // empty if none.
  std::string admin_prefix;
  // The rest of the name, NFC and case-folded: "đồ sơn".
  std::string core;
  // FoldForSearch(core): "do son".
  std::string core_key;
};

// Splits `name` into prefixes and core. A name that is nothing but prefixes
// ("Phường") is all core.
NameParts SplitUnitName(std::string_view name);

// The key the store indexes display names by, and looks candidates up with:
// SplitUnitName(name).core_key.
std::string NameKey(std::string_view display_name);

// The key the store indexes agencies' short names by: FoldForSearch.
std::string ShortNameKey(std::string_view short_name);

// NFC, then Unicode case folding: equal keys mean equal names up to case.
std::string ExactKey(std::string_view name);

// True if `unit` exists on `day`: valid_from <= day < valid_until.
bool IsValidOn(const hpedu::registry::v1::Unit& unit, absl::CivilDay day);

struct ResolveQuery {
  std::string text;
  absl::CivilDay as_of;
  // UNIT_KIND_UNSPECIFIED: any kind.
  hpedu::registry::v1::UnitKind kind =
      hpedu::registry::v1::UNIT_KIND_UNSPECIFIED;
};

struct Resolution {
  // The units the name means on as_of, in Vietnamese order of display name.
  std::vector<hpedu::registry::v1::Unit> units;
  // The resource names of the units whose names matched, in the same order.
  std::vector<std::string> matched;
  // True if the match ignored diacritics.
  bool accent_insensitive = false;
};

// Resolves `query` against `known`: every unit whose NameKey equals
// NameKey(query.text) or whose ShortNameKey equals ShortNameKey(query.text),
// plus every unit reachable from those through successors (units in `known`
// that match neither key are only reached through lineage). NOT_FOUND if the
// name means no unit of the requested kind on as_of.
absl::StatusOr<Resolution> ResolveName(
    const ResolveQuery& query,
    const std::vector<hpedu::registry::v1::Unit>& known);

}  // namespace hpedu::registry

#endif  // HPEDU_SERVICES_REGISTRY_RESOLVE_H_
