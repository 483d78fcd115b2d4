#include "services/registry/demo/demo_units.h"

#include <array>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/base/string_view.h"
#include "libs/api/dates.h"
#include "libs/csv/csv_reader.h"
#include "libs/status/status_macros.h"
#include "libs/text/vietnamese.h"

namespace hpedu::registry::demo {
namespace {

using v1::AgencyRole;
using v1::SchoolLevel;
using v1::Unit;
using v1::UnitKind;

constexpr absl::CivilDay kReform(2025, 7, 1);
// Pre-reform units' real founding dates are not in the seeds; units whose
// date we do not know start on this placeholder (see README.md).
constexpr absl::CivilDay kPlaceholderStart(2000, 1, 1);

std::string Name(absl::string_view id) { return absl::StrCat("units/", id); }

// The new commune-level unit kinds, with the prefix their names start with
// and its lower-case form for "UBND phường X".
struct CommuneKind {
  absl::string_view csv_kind;
  UnitKind kind;
  absl::string_view prefix;
  absl::string_view lower_prefix;
};
constexpr std::array kCommuneKinds = {
    CommuneKind{"phuong", v1::WARD, "Phường", "phường"},
    CommuneKind{"xa", v1::COMMUNE, "Xã", "xã"},
    CommuneKind{"dac_khu", v1::SPECIAL_ZONE, "Đặc khu", "đặc khu"},
};

// A former district of Hai Phong and the new units named after it. The
// lineage is illustrative: the real reorganisation split and merged former
// communes across district borders.
struct FormerDistrict {
  absl::string_view display_name;
  UnitKind kind;
  absl::CivilDay valid_from;
  std::vector<absl::string_view> successors;
};

const std::vector<FormerDistrict>& FormerDistricts() {
  static const auto* const kDistricts = new std::vector<FormerDistrict>{
      {"Quận Hồng Bàng", v1::URBAN_DISTRICT, kPlaceholderStart,
       {"Phường Hồng Bàng"}},
      {"Quận Ngô Quyền", v1::URBAN_DISTRICT, kPlaceholderStart,
       {"Phường Ngô Quyền", "Phường Gia Viên"}},
      {"Quận Lê Chân", v1::URBAN_DISTRICT, kPlaceholderStart,
       {"Phường Lê Chân", "Phường An Biên"}},
      {"Quận Hải An", v1::URBAN_DISTRICT, kPlaceholderStart,
       {"Phường Hải An", "Phường Đông Hải"}},
      {"Quận Kiến An", v1::URBAN_DISTRICT, kPlaceholderStart,
       {"Phường Kiến An", "Phường Phù Liễn"}},
      {"Quận Đồ Sơn", v1::URBAN_DISTRICT, kPlaceholderStart,
       {"Phường Đồ Sơn", "Phường Nam Đồ Sơn"}},
      {"Quận Dương Kinh", v1::URBAN_DISTRICT, kPlaceholderStart,
       {"Phường Dương Kinh", "Phường Hưng Đạo"}},
      {"Quận An Dương", v1::URBAN_DISTRICT, absl::CivilDay(2025, 1, 1),
       {"Phường An Dương", "Phường An Phong", "Phường Hồng An",
        "Phường An Hải"}},
      {"Thành phố Thủy Nguyên", v1::DISTRICT_TOWN, absl::CivilDay(2025, 1, 1),
       {"Phường Thủy Nguyên", "Phường Bạch Đằng", "Phường Lưu Kiếm",
        "Phường Lê Ích Mộc", "Phường Hòa Bình", "Phường Nam Triệu",
        "Phường Thiên Hương", "Xã Việt Khê"}},
      {"Huyện An Lão", v1::RURAL_DISTRICT, kPlaceholderStart,
       {"Xã An Lão", "Xã An Trường", "Xã An Quang", "Xã An Khánh",
        "Xã An Hưng"}},
      {"Huyện Kiến Thụy", v1::RURAL_DISTRICT, kPlaceholderStart,
       {"Xã Kiến Thụy", "Xã Kiến Minh", "Xã Kiến Hưng", "Xã Kiến Hải",
        "Xã Nghi Dương"}},
      {"Huyện Tiên Lãng", v1::RURAL_DISTRICT, kPlaceholderStart,
       {"Xã Tiên Lãng", "Xã Quyết Thắng", "Xã Tân Minh", "Xã Tiên Minh",
        "Xã Chấn Hưng", "Xã Hùng Thắng"}},
      {"Huyện Vĩnh Bảo", v1::RURAL_DISTRICT, kPlaceholderStart,
       {"Xã Vĩnh Bảo", "Xã Vĩnh Thịnh", "Xã Vĩnh Thuận", "Xã Vĩnh Hòa",
        "Xã Vĩnh Hải", "Xã Vĩnh Am", "Xã Nguyễn Bỉnh Khiêm"}},
      {"Huyện Cát Hải", v1::RURAL_DISTRICT, kPlaceholderStart,
       {"Đặc khu Cát Hải"}},
      {"Huyện Bạch Long Vĩ", v1::RURAL_DISTRICT, kPlaceholderStart,
       {"Đặc khu Bạch Long Vĩ"}},
  };
  return *kDistricts;
}

// An agency that is not per commune.
struct AgencySpec {
  absl::string_view id;
  absl::string_view display_name;
  AgencyRole role;
  absl::string_view short_name;
  absl::string_view parent;  // an id, or empty
  absl::CivilDay valid_from;
};

// The city's bodies, the Sở and its seven divisions (short names as the
// indicators' lead_division column writes them where it names them), and
// the central bodies that issue the plans or lead the tasks.
const std::vector<AgencySpec>& Agencies() {
  static const auto* const kAgencies = new std::vector<AgencySpec>{
      {"ubnd-hai-phong", "UBND thành phố Hải Phòng", v1::PEOPLES_COMMITTEE,
       "UBND TP", "hai-phong", kPlaceholderStart},
      {"thanh-uy-hai-phong", "Thành ủy Hải Phòng", v1::PARTY_COMMITTEE, "",
       "hai-phong", kPlaceholderStart},
      {"btv-thanh-uy-hai-phong", "Ban Thường vụ Thành ủy Hải Phòng",
       v1::PARTY_COMMITTEE, "BTV Thành ủy", "thanh-uy-hai-phong",
       kPlaceholderStart},
      {"so-gddt", "Sở Giáo dục và Đào tạo Hải Phòng", v1::DEPARTMENT,
       "SGDĐT", "ubnd-hai-phong", kPlaceholderStart},
      {"so-gddt-van-phong", "Văn phòng Sở", v1::DIVISION, "Văn phòng",
       "so-gddt", kPlaceholderStart},
      {"so-gddt-tccb", "Phòng Tổ chức cán bộ", v1::DIVISION, "Tổ chức cán bộ",
       "so-gddt", kPlaceholderStart},
      {"so-gddt-khtc", "Phòng Kế hoạch tài chính", v1::DIVISION,
       "Kế hoạch tài chính", "so-gddt", kPlaceholderStart},
      {"so-gddt-qlcl", "Phòng Quản lý chất lượng", v1::DIVISION,
       "Quản lý chất lượng", "so-gddt", kPlaceholderStart},
      {"so-gddt-gdtrh", "Phòng Giáo dục Trung học", v1::DIVISION, "GDTrH",
       "so-gddt", kPlaceholderStart},
      {"so-gddt-gdmn-gdth", "Phòng GDMN–GDTH", v1::DIVISION, "GDMN, GDTH",
       "so-gddt", kPlaceholderStart},
      {"so-gddt-gdtx-gdnn-dh", "Phòng GDTX–GDNN–Đại học", v1::DIVISION,
       "GDTX, GDNN và Đại học", "so-gddt", kPlaceholderStart},
      {"bo-chinh-tri", "Bộ Chính trị", v1::PARTY_COMMITTEE, "", "",
       kPlaceholderStart},
      {"bch-tw-khoa-xi", "Ban Chấp hành Trung ương khóa XI",
       v1::PARTY_COMMITTEE, "", "", absl::CivilDay(2011, 1, 19)},
      {"quoc-hoi", "Quốc hội", v1::CENTRAL_GOVERNMENT, "", "",
       kPlaceholderStart},
      {"chinh-phu", "Chính phủ", v1::CENTRAL_GOVERNMENT, "", "",
       kPlaceholderStart},
      {"thu-tuong", "Thủ tướng Chính phủ", v1::CENTRAL_GOVERNMENT, "TTg", "",
       kPlaceholderStart},
      {"bo-gddt", "Bộ Giáo dục và Đào tạo", v1::MINISTRY, "BGDĐT", "",
       kPlaceholderStart},
      {"bo-noi-vu", "Bộ Nội vụ", v1::MINISTRY, "BNV", "", kPlaceholderStart},
      {"bo-quoc-phong", "Bộ Quốc phòng", v1::MINISTRY, "BQP", "",
       kPlaceholderStart},
      {"bo-tai-chinh", "Bộ Tài chính", v1::MINISTRY, "BTC", "",
       kPlaceholderStart},
      {"bo-y-te", "Bộ Y tế", v1::MINISTRY, "BYT", "", kPlaceholderStart},
      {"bo-khcn", "Bộ Khoa học và Công nghệ", v1::MINISTRY, "BKHCN", "",
       kPlaceholderStart},
  };
  return *kAgencies;
}

// Ward party committees whose standing committees issued plans in the seeds.
constexpr std::array<absl::string_view, 2> kWardPartyIssuers = {
    "Phường Dương Kinh", "Phường Đồ Sơn"};

// Hai Phong's universities (real names; details generated).
constexpr std::array<std::pair<absl::string_view, v1::Ownership>, 7>
    kUniversities = {{
        {"Trường Đại học Hải Phòng", v1::PUBLIC},
        {"Trường Đại học Hàng hải Việt Nam", v1::PUBLIC},
        {"Trường Đại học Y Dược Hải Phòng", v1::PUBLIC},
        {"Trường Đại học Sao Đỏ", v1::PUBLIC},
        {"Trường Đại học Hải Dương", v1::PUBLIC},
        {"Trường Đại học Kỹ thuật Y tế Hải Dương", v1::PUBLIC},
        {"Trường Đại học Quản lý và Công nghệ Hải Phòng", v1::PRIVATE},
    }};

// Names private preschools take.
constexpr std::array<absl::string_view, 8> kFlowers = {
    "Hoa Sen", "Hoa Mai", "Hoa Hồng", "Sao Mai",
    "Họa Mi",  "Tuổi Thơ", "Ánh Dương", "Hoa Phượng"};

Unit MakeUnit(absl::string_view id, UnitKind kind, absl::string_view display_name,
              absl::string_view parent, absl::CivilDay valid_from,
              bool generated) {
  Unit unit;
  unit.set_name(Name(id));
  unit.set_kind(kind);
  unit.set_display_name(std::string(display_name));
  if (!parent.empty()) unit.set_parent(Name(parent));
  *unit.mutable_valid_from() = api::ToProtoDate(valid_from);
  unit.set_generated(generated);
  return unit;
}

Unit MakeAgency(absl::string_view id, absl::string_view display_name,
                AgencyRole role, absl::string_view short_name,
                absl::string_view parent, absl::CivilDay valid_from) {
  Unit unit = MakeUnit(id, v1::AGENCY, display_name, parent, valid_from,
                       /*generated=*/false);
  unit.mutable_agency()->set_role(role);
  unit.mutable_agency()->set_short_name(std::string(short_name));
  return unit;
}

// Draws numbers from std::mt19937's raw output: the standard distributions
// differ between standard libraries, the engine does not.
class Draw {
 public:
  explicit Draw(uint32_t seed) : engine_(seed) {}
  // 0..n-1 (modulo bias is irrelevant for demo data).
  int Below(int n) { return static_cast<int>(engine_() % static_cast<uint32_t>(n)); }
  // True one time in `n`.
  bool OneIn(int n) { return Below(n) == 0; }

 private:
  std::mt19937 engine_;
};

// The schools of one commune-level unit.
class SchoolMaker {
 public:
  SchoolMaker(SlugAllocator& ids, std::vector<Unit>& out)
      : ids_(ids), out_(out) {}

  // A school "<type> <rest>", id "<code>-<slug of rest>".
  void Add(absl::string_view type, absl::string_view code, absl::string_view rest,
           std::vector<SchoolLevel> levels, v1::Ownership ownership,
           absl::string_view parent) {
    const std::string id =
        ids_.Take(absl::StrCat(code, "-", Slugify(ToStd(rest))));
    Unit unit = MakeUnit(id, v1::SCHOOL, absl::StrCat(type, " ", rest), parent,
                         kReform, /*generated=*/true);
    for (SchoolLevel level : levels) unit.mutable_school()->add_levels(level);
    unit.mutable_school()->set_ownership(ownership);
    out_.push_back(std::move(unit));
  }

  // `count` public schools named after `base`: "X", "X số 2", "X số 3"...
  void AddNumbered(int count, absl::string_view type, absl::string_view code,
                   absl::string_view base, std::vector<SchoolLevel> levels,
                   absl::string_view parent) {
    for (int k = 1; k <= count; ++k) {
      const std::string rest =
          k == 1 ? std::string(base) : absl::StrCat(base, " số ", k);
      Add(type, code, rest, levels, v1::PUBLIC, parent);
    }
  }

 private:
  SlugAllocator& ids_;
  std::vector<Unit>& out_;
};

}  // namespace

std::string Slugify(std::string_view name) {
  const std::string folded = hpedu::text::FoldForSearch(name);
  std::string slug;
  for (char c : folded) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) {
      slug += c;
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  if (slug.size() > 63) slug.resize(63);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string SlugAllocator::Take(std::string_view slug) {
  std::string id(slug);
  for (int n = 2; !taken_.insert(id).second; ++n) {
    const std::string suffix = absl::StrCat("-", n);
    const std::string base(slug.substr(0, 63 - suffix.size()));
    id = absl::StrCat(base, suffix);
  }
  return id;
}

absl::StatusOr<std::vector<Unit>> DemoUnits(std::string_view communes_csv,
                                            uint32_t seed) {
  ASSIGN_OR_RETURN(csv::CsvTable table,
                   csv::CsvTable::Parse(communes_csv, "communes_csv"));
  RETURN_IF_ERROR(table.RequireColumns({"name", "kind"}));
  const int name_column = table.ColumnIndex("name");
  const int kind_column = table.ColumnIndex("kind");

  std::vector<Unit> units;
  SlugAllocator ids;
  for (const char* reserved :
       {"hai-phong", "hai-phong-cu", "hai-duong"}) {
    ids.Take(reserved);
  }

  // Before the reform: the old city with its districts, and Hải Dương.
  units.push_back(MakeUnit("hai-phong-cu", v1::CITY, "Thành phố Hải Phòng", "",
                           kPlaceholderStart, /*generated=*/true));
  units.push_back(MakeUnit("hai-duong", v1::PROVINCE, "Tỉnh Hải Dương", "",
                           absl::CivilDay(1997, 1, 1), /*generated=*/true));
  std::map<std::string, std::vector<std::string>> predecessors_of;
  for (const FormerDistrict& district : FormerDistricts()) {
    const std::string id = ids.Take(Slugify(ToStd(district.display_name)));
    units.push_back(MakeUnit(id, district.kind, district.display_name,
                             "hai-phong-cu", district.valid_from,
                             /*generated=*/true));
    for (absl::string_view successor : district.successors) {
      predecessors_of[std::string(successor)].push_back(Name(id));
    }
  }

  // The merged city, from 1 July 2025.
  Unit city = MakeUnit("hai-phong", v1::CITY, "Thành phố Hải Phòng", "",
                       kReform, /*generated=*/false);
  city.add_predecessors(Name("hai-phong-cu"));
  city.add_predecessors(Name("hai-duong"));
  units.push_back(std::move(city));

  struct Commune {
    std::string id;
    std::string base;  // the name without its prefix: "Đồ Sơn"
    std::string lower_name;  // "phường Đồ Sơn"
  };
  std::vector<Commune> communes;
  csv::LineErrors errors("communes_csv");
  for (const csv::CsvRecord& record : table.records()) {
    const std::string name =
        hpedu::text::NormalizeNfc(record.fields[static_cast<size_t>(name_column)]);
    const std::string& csv_kind =
        record.fields[static_cast<size_t>(kind_column)];
    const CommuneKind* kind = nullptr;
    for (const CommuneKind& k : kCommuneKinds) {
      if (k.csv_kind == csv_kind) kind = &k;
    }
    if (kind == nullptr) {
      errors.Add(record.line, "kind", "phải là phuong, xa hoặc dac_khu");
      continue;
    }
    absl::string_view base = name;
    if (!absl::ConsumePrefix(&base, absl::StrCat(kind->prefix, " "))) {
      errors.Add(record.line, "name",
                 absl::StrCat("phải bắt đầu bằng \"", kind->prefix, "\""));
      continue;
    }
    const std::string id = ids.Take(Slugify(name));
    Unit unit = MakeUnit(id, kind->kind, name, "hai-phong", kReform,
                         /*generated=*/false);
    auto lineage = predecessors_of.find(name);
    if (lineage != predecessors_of.end()) {
      for (const std::string& predecessor : lineage->second) {
        unit.add_predecessors(predecessor);
      }
      predecessors_of.erase(lineage);
    }
    units.push_back(std::move(unit));
    communes.push_back({id, std::string(base),
                        absl::StrCat(kind->lower_prefix, " ", base)});
  }
  for (const auto& [successor, unused] : predecessors_of) {
    errors.Add(1, "name",
               absl::StrCat("thiếu đơn vị kế thừa \"", successor, "\""));
  }
  RETURN_IF_ERROR(errors.ToStatus());

  // Agencies: city and central bodies, then each commune's People's
  // Committee and Culture-Society office.
  for (const AgencySpec& agency : Agencies()) {
    ids.Take(ToStd(agency.id));
    units.push_back(MakeAgency(agency.id, agency.display_name, agency.role,
                               agency.short_name, agency.parent,
                               agency.valid_from));
  }
  for (const Commune& commune : communes) {
    units.push_back(MakeAgency(ids.Take(absl::StrCat("ubnd-", commune.id)),
                               absl::StrCat("UBND ", commune.lower_name),
                               v1::PEOPLES_COMMITTEE, "", commune.id, kReform));
    units.push_back(MakeAgency(
        ids.Take(absl::StrCat("vhxh-", commune.id)),
        absl::StrCat("Phòng Văn hóa - Xã hội ", commune.lower_name),
        v1::CULTURE_SOCIETY_OFFICE, "", commune.id, kReform));
  }
  for (absl::string_view ward : kWardPartyIssuers) {
    for (const Commune& commune : communes) {
      if (absl::StrCat("Phường ", commune.base) != ward) continue;
      units.push_back(MakeAgency(
          ids.Take(absl::StrCat("btv-dang-uy-", commune.id)),
          absl::StrCat("Ban Thường vụ Đảng ủy ", commune.lower_name),
          v1::PARTY_COMMITTEE, "", commune.id, kReform));
    }
  }

  // Schools, drawn per commune: preschools, primary, lower secondary, some
  // combined primary and lower secondary, an upper secondary school in
  // about half the communes, a vocational and continuing education centre
  // in one commune in eight.
  Draw draw(seed);
  SchoolMaker schools(ids, units);
  for (size_t i = 0; i < communes.size(); ++i) {
    const Commune& c = communes[i];
    const int preschools = 5 + draw.Below(5);
    int public_preschools = 0;
    std::vector<absl::string_view> private_names;
    for (int k = 0; k < preschools; ++k) {
      if (draw.OneIn(5)) {
        private_names.push_back(kFlowers[static_cast<size_t>(
            (static_cast<int>(i) + k) % static_cast<int>(kFlowers.size()))]);
      } else {
        ++public_preschools;
      }
    }
    schools.AddNumbered(public_preschools, "Trường Mầm non", "mn", c.base,
                        {v1::MN}, c.id);
    for (absl::string_view flower : private_names) {
      schools.Add("Trường Mầm non tư thục", "mn-tu-thuc",
                  absl::StrCat(flower, " ", c.base), {v1::MN}, v1::PRIVATE,
                  c.id);
    }
    schools.AddNumbered(4 + draw.Below(4), "Trường Tiểu học", "th", c.base,
                        {v1::TH}, c.id);
    schools.AddNumbered(2 + draw.Below(4), "Trường Trung học cơ sở", "thcs",
                        c.base, {v1::THCS}, c.id);
    if (draw.OneIn(4)) {
      schools.AddNumbered(1, "Trường Tiểu học và Trung học cơ sở", "th-thcs",
                          c.base, {v1::TH, v1::THCS}, c.id);
    }
    const int upper = draw.Below(10) < 5 ? 1 : (draw.OneIn(8) ? 2 : 0);
    schools.AddNumbered(upper, "Trường Trung học phổ thông", "thpt", c.base,
                        {v1::THPT}, c.id);
    if (draw.OneIn(12)) {
      schools.Add("Trường Trung học phổ thông tư thục", "thpt-tu-thuc",
                  c.base, {v1::THPT}, v1::PRIVATE, c.id);
    }
    if (i % 8 == 0) {
      schools.Add("Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên",
                  "gdnn-gdtx", c.base, {v1::GDNN, v1::GDTX}, v1::PUBLIC, c.id);
    }
  }
  schools.Add("Trung tâm Giáo dục thường xuyên", "gdtx", "thành phố Hải Phòng",
              {v1::GDTX}, v1::PUBLIC, "hai-phong");
  for (const auto& [name, ownership] : kUniversities) {
    absl::string_view rest = name;
    absl::ConsumePrefix(&rest, "Trường Đại học ");
    schools.Add("Trường Đại học", "dh", rest, {v1::DH}, ownership,
                "hai-phong");
  }
  return units;
}

}  // namespace hpedu::registry::demo
