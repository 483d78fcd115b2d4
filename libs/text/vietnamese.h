// Vietnamese text handling shared by every service: NFC normalization,
// accent- and case-insensitive search keys, alphabetical ordering by the
// Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v
// x y) and display widths for aligned terminal output. Backed by ICU.
//
//   FoldForSearch("Phường  Đồ Sơn")          == "phuong do son"
//   VietnameseCollator::Get().Less("Dương Kinh", "Đồ Sơn") == true
//
// All functions are thread-safe. Input that is not valid UTF-8 is not an
// error here: ill-formed sequences are treated as U+FFFD. Validate untrusted
// input with IsValidUtf8 first where rejecting it matters.
#ifndef HPEDU_LIBS_TEXT_VIETNAMESE_H_
#define HPEDU_LIBS_TEXT_VIETNAMESE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "unicode/uversion.h"

// `icu` is an alias of a versioned namespace, so declare through ICU's macros.
U_NAMESPACE_BEGIN
class Collator;
U_NAMESPACE_END

namespace hpedu::text {

// True if `bytes` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// The byte offset of the first ill-formed UTF-8 sequence in `bytes`, or
// std::string_view::npos if there is none.
size_t FindInvalidUtf8(std::string_view bytes);

// `bytes` with each ill-formed UTF-8 sequence replaced by U+FFFD, so that it
// can go into a protobuf string field (error messages quoting user input).
std::string ToValidUtf8(std::string_view bytes);

// The canonical stored form of a name: Unicode NFC, leading and trailing
// white space removed, each inner run of white space (including NBSP, tabs
// and newlines) replaced by one ASCII space. Text typed on different
// keyboards (precomposed or combining tone marks) compares equal afterwards.
std::string NormalizeNfc(std::string_view utf8);

// A key for accent- and case-insensitive matching: decomposes, drops every
// combining mark (tones and vowel hats), maps đ/Đ to d, lowercases, collapses
// white space runs to one space and trims.
// "Phường  Đồ Sơn" -> "phuong do son".
std::string FoldForSearch(std::string_view utf8);

// The number of terminal columns `utf8` occupies: one per code point,
// none for combining marks and zero-width format characters, two for East
// Asian wide characters. Each ill-formed byte counts as one column.
size_t DisplayWidth(std::string_view utf8);

// Orders strings the way a Vietnamese dictionary does (ICU locale "vi"):
// letters by the Vietnamese alphabet, so "Dương Kinh" < "Đồ Sơn" <
// "Gia Viên"; tone marks are secondary differences, so they only decide
// between names equal without them ("Ai" < "Ái" < "An").
//
// Thread-safe. ICU does not promise that one Collator may be used from
// several threads at once, so each thread that calls Compare() lazily gets
// its own clone of a shared prototype (cloning is a cheap, const operation).
class VietnameseCollator {
 public:
  // The process-wide instance. Never destroyed.
  static const VietnameseCollator& Get();

  VietnameseCollator(const VietnameseCollator&) = delete;
  VietnameseCollator& operator=(const VietnameseCollator&) = delete;

  // <0, 0 or >0 as `a` sorts before, equal to, or after `b`.
  int Compare(std::string_view a, std::string_view b) const;

  // Compare(a, b) < 0. Usable as a std::sort comparator.
  bool Less(std::string_view a, std::string_view b) const {
    return Compare(a, b) < 0;
  }

  // A binary sort key: memcmp order of keys equals Compare() order. Useful
  // for storing an ordering column or a keyset-pagination cursor.
  std::string SortKey(std::string_view utf8) const;

 private:
  VietnameseCollator();
  ~VietnameseCollator();

  // This thread's clone of prototype_.
  icu::Collator& ThreadCollator() const;

  std::unique_ptr<icu::Collator> prototype_;
};

}  // namespace hpedu::text

#endif  // HPEDU_LIBS_TEXT_VIETNAMESE_H_
