#pragma once
// ceil, floor, trunc and nearest (spec 4.3.3, fceil ... fnearest) on the bits
// of an IEEE float, without libm.
//
// Why not std::ceil: on baseline x86-64 (no SSE4.1) these are libm calls, and
// libm is the last shared library `flint` would map besides libc -- about
// 350 KB of resident memory and a loader step on every start (issue 4's
// start-up and RSS targets). Rounding to an integral value only clears or
// carries mantissa bits, so it is exact and independent of the rounding mode.
#include <bit>
#include <cstdint>
#include <type_traits>

namespace flint::interp::num {

enum class RoundTo { Ceil, Floor, Trunc, NearestEven };

template <class F>
F round_to_integral(F value, RoundTo mode) {
  static_assert(std::is_same_v<F, float> || std::is_same_v<F, double>);
  using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  constexpr int kMantissaBits = sizeof(F) == 4 ? 23 : 52;
  constexpr int kExponentMask = sizeof(F) == 4 ? 0xff : 0x7ff;
  constexpr int kBias = sizeof(F) == 4 ? 127 : 1023;
  constexpr Bits kSign = Bits(1) << (sizeof(F) * 8 - 1);

  if (value != value) return value + value;  // NaN in, quiet NaN out
  Bits bits = std::bit_cast<Bits>(value);
  const bool negative = (bits & kSign) != 0;
  const int exponent = int((bits >> kMantissaBits) & kExponentMask) - kBias;
  if (exponent >= kMantissaBits) return value;  // already integral, or infinite

  if (exponent < 0) {  // 0 <= |value| < 1: the result is ±0 or ±1, sign kept
    const Bits zero = bits & kSign;
    const Bits one = zero | std::bit_cast<Bits>(F(1));
    const bool is_zero = (bits & ~kSign) == 0;
    bool away = false;  // round the magnitude up to 1?
    switch (mode) {
      case RoundTo::Ceil: away = !negative && !is_zero; break;
      case RoundTo::Floor: away = negative && !is_zero; break;
      case RoundTo::Trunc: away = false; break;
      case RoundTo::NearestEven: away = exponent == -1 && value != F(0.5) && value != F(-0.5); break;
    }
    return std::bit_cast<F>(away ? one : zero);
  }

  // 1 <= |value| < 2^mantissa: the low (mantissa - exponent) bits are the
  // fraction. Adding one unit in the last integral place to the magnitude may
  // carry into the exponent, which is exactly the next integer up.
  const int fraction_bits = kMantissaBits - exponent;
  const Bits unit = Bits(1) << fraction_bits;
  const Bits fraction = bits & (unit - 1);
  if (fraction == 0) return value;
  const Bits truncated = bits & ~(unit - 1);
  bool away = false;
  switch (mode) {
    case RoundTo::Ceil: away = !negative; break;
    case RoundTo::Floor: away = negative; break;
    case RoundTo::Trunc: away = false; break;
    case RoundTo::NearestEven: {
      const Bits half = unit >> 1;
      away = fraction > half || (fraction == half && (truncated & unit) != 0);
      break;
    }
  }
  return std::bit_cast<F>(away ? truncated + unit : truncated);
}

}  // namespace flint::interp::num
