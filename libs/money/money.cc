#include "libs/money/money.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"

namespace hpedu::money {
namespace {

constexpr Int128 kMin = std::numeric_limits<int64_t>::min();
constexpr Int128 kMax = std::numeric_limits<int64_t>::max();

Int128 Pow10(int n) {
  Int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// The decimal digits of a non-negative value.
std::string Digits(Int128 value) {
  if (value == 0) return "0";
  std::string out;
  while (value > 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  return out;
}

// "1234567" -> "1.234.567".
std::string GroupThousands(const std::string& digits) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::optional<int64_t> Narrow(Int128 wide) {
  if (wide < kMin || wide > kMax) return std::nullopt;
  return static_cast<int64_t>(wide);
}

std::optional<int64_t> Add(int64_t a, int64_t b) {
  return Narrow(static_cast<Int128>(a) + b);
}

std::optional<int64_t> Multiply(int64_t a, int64_t b) {
  return Narrow(static_cast<Int128>(a) * b);
}

absl::Status OverflowError(std::string_view what) {
  return WithErrorInfo(
      absl::OutOfRangeError(absl::StrCat(
          ToAbsl(what), " vượt quá giới hạn số nguyên 64 bit (money sum overflows "
                "int64)")),
      "MONEY_OVERFLOW", {{"sum", std::string(what)}});
}

absl::StatusOr<int64_t> Sum(const std::vector<int64_t>& amounts,
                            std::string_view what) {
  int64_t total = 0;
  for (int64_t amount : amounts) {
    std::optional<int64_t> next = Add(total, amount);
    if (!next) return OverflowError(what);
    total = *next;
  }
  return total;
}

Int128 DivideRounded(Int128 numerator, Int128 denominator) {
  if (denominator < 0) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const bool negative = numerator < 0;
  const Int128 magnitude = negative ? -numerator : numerator;
  const Int128 rounded = (magnitude * 2 + denominator) / (denominator * 2);
  return negative ? -rounded : rounded;
}

Int128 DivideCeil(Int128 numerator, Int128 denominator) {
  if (numerator >= 0) return (numerator + denominator - 1) / denominator;
  return -((-numerator) / denominator);
}

std::string FixedText(Int128 scaled, int places) {
  const bool negative = scaled < 0;
  const Int128 magnitude = negative ? -scaled : scaled;
  const Int128 unit = Pow10(places);
  std::string out = negative ? "-" : "";
  out += Digits(magnitude / unit);
  if (places > 0) {
    std::string fraction = Digits(magnitude % unit);
    out += '.';
    out += std::string(places - fraction.size(), '0') + fraction;
  }
  return out;
}

std::string PercentText(Int128 numerator, Int128 denominator, int places) {
  if (denominator == 0) return "";
  return FixedText(DivideRounded(numerator * 100 * Pow10(places), denominator),
                   places);
}

std::string FormatDong(int64_t dong) {
  const bool negative = dong < 0;
  const Int128 magnitude = negative ? -static_cast<Int128>(dong) : dong;
  return (negative ? "-" : "") + GroupThousands(Digits(magnitude));
}

std::string FormatMillions(int64_t dong, int places) {
  const Int128 scaled = DivideRounded(static_cast<Int128>(dong) * Pow10(places),
                                      1'000'000);
  const bool negative = scaled < 0;
  const Int128 magnitude = negative ? -scaled : scaled;
  const Int128 unit = Pow10(places);
  std::string out = negative ? "-" : "";
  out += GroupThousands(Digits(magnitude / unit));
  if (places > 0) {
    std::string fraction = Digits(magnitude % unit);
    out += ',';
    out += std::string(places - fraction.size(), '0') + fraction;
  }
  return out;
}

std::optional<int64_t> ParseDong(std::string_view text, bool allow_negative) {
  bool negative = false;
  if (allow_negative && !text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 20) return std::nullopt;
  Int128 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return Narrow(negative ? -value : value);
}

}  // namespace hpedu::money
