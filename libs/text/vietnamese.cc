#include "libs/text/vietnamese.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "unicode/coll.h"
#include "unicode/locid.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

namespace hpedu::text {
namespace {

// Length of the well-formed UTF-8 sequence starting at bytes[i], or 0 if it
// is ill-formed (Unicode 15, table 3-7).
size_t Utf8SequenceLength(std::string_view bytes, size_t i) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(bytes[k]);
  };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t length;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;  // Overlong.
    if (b0 == 0xED) hi = 0x9F;  // Surrogates.
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;  // Overlong.
    if (b0 == 0xF4) hi = 0x8F;  // Above U+10FFFF.
  } else {
    return 0;
  }
  if (bytes.size() - i < length) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

// Aborts on an ICU failure that only a broken ICU installation can cause
// (missing data for a built-in normalizer or locale).
void CheckIcu(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) {
    std::fprintf(stderr, "hpedu::text: %s failed: %s\n", what,
                 u_errorName(status));
    std::abort();
  }
}

icu::UnicodeString FromUtf8(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

std::string ToUtf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

const icu::Normalizer2& Nfc() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  CheckIcu(status, "Normalizer2::getNFCInstance");
  return *nfc;
}

const icu::Normalizer2& Nfd() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  CheckIcu(status, "Normalizer2::getNFDInstance");
  return *nfd;
}

bool IsCombiningMark(UChar32 c) {
  const int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
         type == U_COMBINING_SPACING_MARK;
}

// Returns `text` with white space trimmed and
// inner runs of it collapsed to one ASCII space. `transform(c)` returns the
// code point to append in place of c, or U_SENTINEL to drop it.
template <typename Transform>
icu::UnicodeString CollapseWhiteSpace(const icu::UnicodeString& text,
                                      Transform transform) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    const UChar32 mapped = transform(c);
    if (mapped == U_SENTINEL) continue;
    if (pending_space) out.append(static_cast<char16_t>(u' '));
    pending_space = false;
    out.append(mapped);
  }
  return out;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t length = Utf8SequenceLength(bytes, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

std::string ToValidUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const size_t length = Utf8SequenceLength(bytes, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER.
      ++i;
    } else {
      out.append(bytes.substr(i, length));
      i += length;
    }
  }
  return out;
}

bool IsValidUtf8(std::string_view bytes) {
  return FindInvalidUtf8(bytes) == std::string_view::npos;
}

std::string NormalizeNfc(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString nfc = Nfc().normalize(FromUtf8(utf8), status);
  CheckIcu(status, "NFC normalization");
  return ToUtf8(CollapseWhiteSpace(nfc, [](UChar32 c) { return c; }));
}

std::string FoldForSearch(std::string_view utf8) {
  // Lowercase first: lowercasing can itself produce combining marks (İ ->
  // i + U+0307), which the decomposition pass then removes.
  icu::UnicodeString lower = FromUtf8(utf8);
  lower.toLower(icu::Locale::getRoot());
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString decomposed = Nfd().normalize(lower, status);
  CheckIcu(status, "NFD normalization");
  return ToUtf8(CollapseWhiteSpace(decomposed, [](UChar32 c) -> UChar32 {
    if (IsCombiningMark(c)) return U_SENTINEL;
    if (c == 0x0111 || c == 0x0110) return u'd';  // đ, Đ have no decomposition.
    return c;
  }));
}

size_t DisplayWidth(std::string_view utf8) {
  size_t width = 0;
  for (size_t i = 0; i < utf8.size();) {
    const size_t length = Utf8SequenceLength(utf8, i);
    if (length == 0) {
      ++width;
      ++i;
      continue;
    }
    UChar32 c = 0;
    int32_t offset = 0;
    U8_NEXT_UNSAFE(reinterpret_cast<const uint8_t*>(utf8.data() + i), offset,
                   c);
    i += length;
    if (IsCombiningMark(c) || u_charType(c) == U_FORMAT_CHAR ||
        (c >= 0x1160 && c <= 0x11FF)) {  // Hangul medial/final jamo.
      continue;
    }
    const int ea_width = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    width += (ea_width == U_EA_WIDE || ea_width == U_EA_FULLWIDTH) ? 2 : 1;
  }
  return width;
}

const VietnameseCollator& VietnameseCollator::Get() {
  static const VietnameseCollator* const instance = new VietnameseCollator();
  return *instance;
}

VietnameseCollator::VietnameseCollator() {
  UErrorCode status = U_ZERO_ERROR;
  prototype_.reset(icu::Collator::createInstance(icu::Locale("vi"), status));
  CheckIcu(status, "Collator::createInstance(vi)");
}

VietnameseCollator::~VietnameseCollator() = default;

icu::Collator& VietnameseCollator::ThreadCollator() const {
  // There is one VietnameseCollator per process, so one slot per thread.
  thread_local std::unique_ptr<icu::Collator> collator;
  if (collator == nullptr) {
    collator.reset(prototype_->clone());
    if (collator == nullptr) {
      std::fprintf(stderr, "hpedu::text: Collator::clone failed\n");
      std::abort();
    }
  }
  return *collator;
}

int VietnameseCollator::Compare(std::string_view a, std::string_view b) const {
  UErrorCode status = U_ZERO_ERROR;
  const UCollationResult result = ThreadCollator().compareUTF8(
      icu::StringPiece(a.data(), static_cast<int32_t>(a.size())),
      icu::StringPiece(b.data(), static_cast<int32_t>(b.size())), status);
  CheckIcu(status, "Collator::compareUTF8");
  return static_cast<int>(result);
}

std::string VietnameseCollator::SortKey(std::string_view utf8) const {
  const icu::UnicodeString text = FromUtf8(utf8);
  icu::Collator& collator = ThreadCollator();
  std::string key(64, '\0');
  for (;;) {
    const int32_t needed =
        collator.getSortKey(text, reinterpret_cast<uint8_t*>(key.data()),
                            static_cast<int32_t>(key.size()));
    if (needed <= static_cast<int32_t>(key.size())) {
      key.resize(needed > 0 ? needed - 1 : 0);  // Drop the trailing NUL.
      return key;
    }
    key.resize(needed);
  }
}

}  // namespace hpedu::text
