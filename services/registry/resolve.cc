#include "services/registry/resolve.h"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "libs/text/vietnamese.h"
#include "unicode/unistr.h"

namespace hpedu::registry {
namespace {

using ::hpedu::registry::v1::Unit;

// A prefix as folded words, and the canonical form it stands for.
struct Prefix {
  const char* folded;
  const char* canonical;
};

// Bodies (who acts for a place), longest first so that "Ban Thường vụ Đảng
// ủy" is not taken for "Đảng ủy".
constexpr std::array kBodyPrefixes = {
    Prefix{"ban thuong vu dang uy", "btv dang uy"},
    Prefix{"ban thuong vu thanh uy", "btv thanh uy"},
    Prefix{"ban thuong vu tinh uy", "btv tinh uy"},
    Prefix{"ban chap hanh dang bo", "bch dang bo"},
    Prefix{"uy ban nhan dan", "ubnd"},
    Prefix{"hoi dong nhan dan", "hdnd"},
    Prefix{"ubnd", "ubnd"},
    Prefix{"hdnd", "hdnd"},
    Prefix{"dang uy", "dang uy"},
    Prefix{"thanh uy", "thanh uy"},
    Prefix{"tinh uy", "tinh uy"},
    Prefix{"dang bo", "dang bo"},
};

// Administrative levels, longest first ("Thị xã" before "Xã").
constexpr std::array kAdminPrefixes = {
    Prefix{"thanh pho", "thanh pho"}, Prefix{"thi xa", "thi xa"},
    Prefix{"thi tran", "thi tran"},   Prefix{"dac khu", "dac khu"},
    Prefix{"phuong", "phuong"},       Prefix{"xa", "xa"},
    Prefix{"quan", "quan"},           Prefix{"huyen", "huyen"},
    Prefix{"tinh", "tinh"},
};

// If the words from `first` on start with one of `prefixes`, returns its
// canonical form and advances `first` past it.
template <size_t N>
std::string TakePrefix(const std::vector<std::string>& folded_words,
                       size_t& first, const std::array<Prefix, N>& prefixes) {
  for (const Prefix& prefix : prefixes) {
    const std::vector<std::string> words =
        absl::StrSplit(prefix.folded, ' ');
    if (first + words.size() > folded_words.size()) continue;
    if (std::equal(words.begin(), words.end(),
                   folded_words.begin() + static_cast<ptrdiff_t>(first))) {
      first += words.size();
      return std::string(prefix.canonical);
    }
  }
  return "";
}

absl::CivilDay DayOf(const google::type::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

// The units `unit` stands for on `day`: itself while it exists, afterwards
// its successors that exist then (following later reorganisations too).
std::vector<const Unit*> MeaningOn(const Unit& unit, absl::CivilDay day,
                                   const std::map<std::string, const Unit*>&
                                       by_name) {
  std::vector<const Unit*> meaning;
  std::set<std::string> seen = {unit.name()};
  std::deque<const Unit*> pending = {&unit};
  while (!pending.empty()) {
    const Unit* current = pending.front();
    pending.pop_front();
    if (IsValidOn(*current, day)) {
      meaning.push_back(current);
      continue;
    }
    // Not yet in existence on `day`: it means nothing then.
    if (day < DayOf(current->valid_from())) continue;
    for (const std::string& successor : current->successors()) {
      auto it = by_name.find(successor);
      if (it == by_name.end() || !seen.insert(successor).second) continue;
      pending.push_back(it->second);
    }
  }
  return meaning;
}

// How well a unit's prefixes agree with the query's: the body counts more
// than the level, because "UBND Đồ Sơn" names the committee whatever its
// level.
int PrefixAgreement(const NameParts& query, const NameParts& unit) {
  return (query.body_prefix == unit.body_prefix ? 2 : 0) +
         (query.admin_prefix == unit.admin_prefix ? 1 : 0);
}

bool VietnameseOrder(const Unit* a, const Unit* b) {
  const int order = hpedu::text::VietnameseCollator::Get().Compare(
      a->display_name(), b->display_name());
  if (order != 0) return order < 0;
  return a->name() < b->name();
}

}  // namespace

NameParts SplitUnitName(std::string_view name) {
  const std::string normalized = hpedu::text::NormalizeNfc(name);
  const std::vector<std::string> words =
      absl::StrSplit(normalized, ' ', absl::SkipEmpty());
  std::vector<std::string> folded_words;
  folded_words.reserve(words.size());
  for (const std::string& word : words) {
    folded_words.push_back(hpedu::text::FoldForSearch(word));
  }

  NameParts parts;
  size_t first = 0;
  parts.body_prefix = TakePrefix(folded_words, first, kBodyPrefixes);
  parts.admin_prefix = TakePrefix(folded_words, first, kAdminPrefixes);
  if (first == words.size()) {  // Nothing but prefixes: keep it whole.
    parts.body_prefix.clear();
    parts.admin_prefix.clear();
    first = 0;
  }
  parts.core = ExactKey(absl::StrJoin(words.begin() +
                                          static_cast<ptrdiff_t>(first),
                                      words.end(), " "));
  parts.core_key = hpedu::text::FoldForSearch(parts.core);
  return parts;
}

std::string NameKey(std::string_view display_name) {
  return SplitUnitName(display_name).core_key;
}

std::string ShortNameKey(std::string_view short_name) {
  return hpedu::text::FoldForSearch(short_name);
}

std::string ExactKey(std::string_view name) {
  const std::string normalized = hpedu::text::NormalizeNfc(name);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(normalized.data(),
                       static_cast<int32_t>(normalized.size())));
  text.foldCase();
  std::string folded;
  text.toUTF8String(folded);
  return hpedu::text::NormalizeNfc(folded);
}

bool IsValidOn(const Unit& unit, absl::CivilDay day) {
  if (day < DayOf(unit.valid_from())) return false;
  return !unit.has_valid_until() || day < DayOf(unit.valid_until());
}

absl::StatusOr<Resolution> ResolveName(const ResolveQuery& query,
                                       const std::vector<Unit>& known) {
  const NameParts wanted = SplitUnitName(query.text);
  const std::string wanted_whole = ExactKey(query.text);
  const std::string wanted_short = ShortNameKey(query.text);

  std::map<std::string, const Unit*> by_name;
  for (const Unit& unit : known) by_name.emplace(unit.name(), &unit);

  // Candidates that mean something of the requested kind on as_of, with
  // what they mean.
  struct Candidate {
    const Unit* unit;
    NameParts parts;
    std::vector<const Unit*> meaning;
  };
  std::vector<Candidate> candidates;
  for (const Unit& unit : known) {
    NameParts parts = SplitUnitName(unit.display_name());
    const bool short_name_matches =
        unit.has_agency() && !unit.agency().short_name().empty() &&
        ShortNameKey(unit.agency().short_name()) == wanted_short;
    if (parts.core_key != wanted.core_key && !short_name_matches) continue;
    std::vector<const Unit*> meaning = MeaningOn(unit, query.as_of, by_name);
    if (query.kind != v1::UNIT_KIND_UNSPECIFIED) {
      std::erase_if(meaning,
                    [&](const Unit* u) { return u->kind() != query.kind; });
    }
    if (meaning.empty()) continue;
    candidates.push_back({&unit, std::move(parts), std::move(meaning)});
  }

  // The first step that matches anything decides.
  const auto whole_name = [&](const Candidate& c) {
    return ExactKey(c.unit->display_name()) == wanted_whole ||
           (c.unit->has_agency() &&
            ExactKey(c.unit->agency().short_name()) == wanted_whole);
  };
  const auto core_name = [&](const Candidate& c) {
    return c.parts.core == wanted.core;
  };
  const auto folded = [&](const Candidate& c) {
    return c.parts.core_key == wanted.core_key ||
           (c.unit->has_agency() &&
            ShortNameKey(c.unit->agency().short_name()) == wanted_short);
  };
  std::vector<const Candidate*> chosen;
  bool accent_insensitive = false;
  for (int step = 0; step < 3 && chosen.empty(); ++step) {
    for (const Candidate& c : candidates) {
      const bool matches =
          step == 0 ? whole_name(c) : step == 1 ? core_name(c) : folded(c);
      if (matches) chosen.push_back(&c);
    }
    accent_insensitive = step == 2;
  }
  if (chosen.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "không tìm thấy đơn vị nào tên \"", query.text, "\" vào ngày ",
        absl::FormatCivilTime(query.as_of), " (no unit of that name then)"));
  }

  // Whole-name matches agree by definition; otherwise keep the candidates
  // whose prefixes agree best with the query's.
  int best = 0;
  for (const Candidate* c : chosen) {
    best = std::max(best, PrefixAgreement(wanted, c->parts));
  }
  std::erase_if(chosen, [&](const Candidate* c) {
    return !whole_name(*c) && PrefixAgreement(wanted, c->parts) < best;
  });
  // A name in use on as_of wins over a former one.
  if (std::any_of(chosen.begin(), chosen.end(), [&](const Candidate* c) {
        return IsValidOn(*c->unit, query.as_of);
      })) {
    std::erase_if(chosen, [&](const Candidate* c) {
      return !IsValidOn(*c->unit, query.as_of);
    });
  }

  std::vector<const Unit*> matched;
  std::vector<const Unit*> meant;
  for (const Candidate* c : chosen) {
    matched.push_back(c->unit);
    meant.insert(meant.end(), c->meaning.begin(), c->meaning.end());
  }
  std::sort(matched.begin(), matched.end(), VietnameseOrder);
  std::sort(meant.begin(), meant.end(), VietnameseOrder);
  meant.erase(std::unique(meant.begin(), meant.end()), meant.end());

  Resolution resolution;
  resolution.accent_insensitive = accent_insensitive;
  for (const Unit* unit : meant) resolution.units.push_back(*unit);
  for (const Unit* unit : matched) resolution.matched.push_back(unit->name());
  return resolution;
}

}  // namespace hpedu::registry
