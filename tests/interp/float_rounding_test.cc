// The bit-level rounding (interp/float_rounding.h) against the C library's
// ceil/floor/trunc/roundeven, bit for bit, over edge cases and random bits.
#include "interp/float_rounding.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace flint::interp::num {
namespace {

template <class F>
F reference(F x, RoundTo mode) {
  switch (mode) {
    case RoundTo::Ceil: return std::ceil(x);
    case RoundTo::Floor: return std::floor(x);
    case RoundTo::Trunc: return std::trunc(x);
    case RoundTo::NearestEven: return __builtin_roundeven(x);
  }
  return x;
}

template <class F>
void expect_same_as_libm(F x) {
  using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  for (RoundTo mode : {RoundTo::Ceil, RoundTo::Floor, RoundTo::Trunc, RoundTo::NearestEven}) {
    F got = round_to_integral(x, mode);
    F want = reference(x, mode);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << x;
      // A NaN comes out quiet (an arithmetic NaN, spec 4.3.3).
      constexpr Bits kQuiet = Bits(1) << (sizeof(F) == 4 ? 22 : 51);
      EXPECT_NE(std::bit_cast<Bits>(got) & kQuiet, 0u);
    } else {
      ASSERT_EQ(std::bit_cast<Bits>(got), std::bit_cast<Bits>(want))
          << "mode " << int(mode) << " of " << x << " gave " << got << " not " << want;
    }
  }
}

template <class F>
std::vector<F> edge_cases() {
  using L = std::numeric_limits<F>;
  std::vector<F> values = {F(0), -F(0), F(0.5), F(-0.5), F(1.5), F(-1.5), F(2.5), F(-2.5),
                           F(0.49999997), F(-0.49999997), F(0.75), F(-0.75), F(1), F(-1),
                           L::min(), -L::min(), L::denorm_min(), -L::denorm_min(), L::max(),
                           -L::max(), L::infinity(), -L::infinity(), L::quiet_NaN(),
                           L::signaling_NaN(), F(1) / L::epsilon(), F(1) / L::epsilon() - F(0.5),
                           F(2) / L::epsilon() - F(1), F(123456.5), F(-123457.5)};
  return values;
}

TEST(FloatRounding, EdgeCasesMatchLibmBitForBit) {
  for (float x : edge_cases<float>()) expect_same_as_libm(x);
  for (double x : edge_cases<double>()) expect_same_as_libm(x);
}

TEST(FloatRounding, RandomBitPatternsMatchLibm) {
  std::mt19937_64 random(20261124);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = random();
    expect_same_as_libm(std::bit_cast<double>(bits));
    expect_same_as_libm(std::bit_cast<float>(uint32_t(bits)));
    // Values near the integers, where the fraction bits matter most.
    double near = double(int64_t(bits % 2000001) - 1000000) / 4.0;
    expect_same_as_libm(near);
    expect_same_as_libm(float(near));
  }
}

}  // namespace
}  // namespace flint::interp::num
