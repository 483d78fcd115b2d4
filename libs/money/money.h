// Money in đồng: an int64 number of đồng, never floating point. Sums and
// products are checked (an overflow is an error, not a wrap), ratios are
// computed exactly on 128-bit integers and rounded half away from zero, and
// amounts are written the Vietnamese way: "." between thousands, "," before
// decimals ("1.234.567 đồng", "1.234,57 triệu đồng").
//
//   ASSIGN_OR_RETURN(int64_t total, money::Sum(amounts));
//   money::FormatMillions(1'234'567'890, 2) == "1.234,57"
//   money::PercentText(1, 3, 2) == "33.33"
#ifndef HPEDU_LIBS_MONEY_MONEY_H_
#define HPEDU_LIBS_MONEY_MONEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace hpedu::money {

// 128-bit integers for exact intermediate products (GCC/Clang builtin).
__extension__ typedef __int128 Int128;

// a + b, or nullopt if it does not fit in int64.
std::optional<int64_t> Add(int64_t a, int64_t b);
// a * b, or nullopt if it does not fit in int64.
std::optional<int64_t> Multiply(int64_t a, int64_t b);
// The value of `wide` if it fits in int64.
std::optional<int64_t> Narrow(Int128 wide);

// The sum of `amounts`. OUT_OF_RANGE with ErrorInfo reason "MONEY_OVERFLOW"
// if it (or any partial sum) leaves int64; `what` names the sum in the
// message ("tổng dự toán").
absl::StatusOr<int64_t> Sum(const std::vector<int64_t>& amounts,
                            std::string_view what = "tổng (sum)");
// OUT_OF_RANGE "MONEY_OVERFLOW" naming `what`.
absl::Status OverflowError(std::string_view what);

// numerator / denominator rounded half away from zero to the nearest
// integer. denominator must not be 0.
Int128 DivideRounded(Int128 numerator, Int128 denominator);
// ceil(numerator / denominator) for denominator > 0.
Int128 DivideCeil(Int128 numerator, Int128 denominator);

// 100 x numerator / denominator, rounded half away from zero to `places`
// (0..6) decimals, with "." as the decimal point as APIs expect ("21.37",
// "-1.25", "5.00"): always exactly `places` decimals. Empty if denominator
// is 0.
std::string PercentText(Int128 numerator, Int128 denominator, int places = 2);
// `scaled` / 10^places as text with exactly `places` decimals ("-125", 2 ->
// "-1.25").
std::string FixedText(Int128 scaled, int places);

// Whole đồng with Vietnamese thousands separators: 1234567 -> "1.234.567",
// -5000 -> "-5.000".
std::string FormatDong(int64_t dong);
// Millions of đồng (triệu đồng), rounded half away from zero to `places`
// (0..6) decimals, Vietnamese style: 1234567890, 2 -> "1.234,57";
// 500000, 0 -> "1"; 0 -> "0,00".
std::string FormatMillions(int64_t dong, int places = 2);

// Whole đồng from text: optional leading '-' only when `allow_negative`,
// then digits only (no separators, no decimals). nullopt for anything else
// or a value outside int64.
std::optional<int64_t> ParseDong(std::string_view text,
                                 bool allow_negative = false);

}  // namespace hpedu::money

#endif  // HPEDU_LIBS_MONEY_MONEY_H_
