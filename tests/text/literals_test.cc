// Numeric literals (spec 6.3.2): integer ranges and forms, float rounding.
#include "text/literals.h"

#include <gtest/gtest.h>

namespace flint::text {
namespace {

constexpr auto Ok = LiteralStatus::Ok;
constexpr auto Malformed = LiteralStatus::Malformed;
constexpr auto OutOfRange = LiteralStatus::OutOfRange;

uint64_t i32(std::string_view s) {
  auto r = parse_integer(s, 32);
  EXPECT_EQ(r.status, Ok) << s;
  return r.value;
}
uint32_t f32(std::string_view s) {
  auto r = parse_f32(s);
  EXPECT_EQ(r.status, Ok) << s;
  return r.value;
}
uint64_t f64(std::string_view s) {
  auto r = parse_f64(s);
  EXPECT_EQ(r.status, Ok) << s;
  return r.value;
}

TEST(Literals, IntegerForms) {
  EXPECT_EQ(i32("0"), 0u);
  EXPECT_EQ(i32("1_000_000"), 1000000u);
  EXPECT_EQ(i32("0xFF_ff"), 0xFFFFu);
  EXPECT_EQ(i32("+42"), 42u);
  EXPECT_EQ(i32("-1"), 0xFFFFFFFFu);
  EXPECT_EQ(i32("-0x80000000"), 0x80000000u);
  EXPECT_EQ(i32("4294967295"), 0xFFFFFFFFu);
  EXPECT_EQ(parse_integer("-9223372036854775808", 64).value, 0x8000000000000000u);
  EXPECT_EQ(parse_integer("18446744073709551615", 64).value, UINT64_MAX);
}

TEST(Literals, IntegerRanges) {
  EXPECT_EQ(parse_integer("4294967296", 32).status, OutOfRange);
  EXPECT_EQ(parse_integer("-2147483649", 32).status, OutOfRange);
  EXPECT_EQ(parse_integer("+0x80000000", 32).status, OutOfRange);  // sN when signed
  EXPECT_EQ(parse_integer("0x10000000000000000", 64).status, OutOfRange);
  EXPECT_EQ(parse_integer("99999999999999999999999", 64).status, OutOfRange);
  EXPECT_EQ(parse_integer("256", 8).status, OutOfRange);
  EXPECT_EQ(parse_integer("-128", 8).value, 0x80u);
  EXPECT_EQ(parse_unsigned("-1", 32).status, Malformed);
}

TEST(Literals, MalformedIntegers) {
  for (std::string_view s : {"", "_1", "1_", "1__0", "0x", "0x_1", "1x", "0xg", "+", "-", "1.0",
                             "1e3", "+_100", "nan"}) {
    EXPECT_EQ(parse_integer(s, 32).status, Malformed) << s;
  }
}

TEST(Literals, FloatSpecialValues) {
  EXPECT_EQ(f32("inf"), 0x7F800000u);
  EXPECT_EQ(f32("-inf"), 0xFF800000u);
  EXPECT_EQ(f32("nan"), 0x7FC00000u);
  EXPECT_EQ(f32("-nan"), 0xFFC00000u);
  EXPECT_EQ(f32("+nan:0x1"), 0x7F800001u);
  EXPECT_EQ(f32("nan:0x7f_ffff"), 0x7FFFFFFFu);
  EXPECT_EQ(f64("nan:0xfffffffffffff"), 0x7FFFFFFFFFFFFFFFu);
  EXPECT_EQ(f64("-nan"), 0xFFF8000000000000u);
  EXPECT_EQ(f32("-0"), 0x80000000u);
  EXPECT_EQ(f32("-0.0"), 0x80000000u);
  EXPECT_EQ(parse_f32("nan:0x0").status, OutOfRange);
  EXPECT_EQ(parse_f32("nan:0x800000").status, OutOfRange);
  EXPECT_EQ(parse_f32("nan:1").status, Malformed);
}

TEST(Literals, FloatForms) {
  EXPECT_EQ(f32("1"), 0x3F800000u);
  EXPECT_EQ(f32("1."), 0x3F800000u);
  EXPECT_EQ(f32("1.e0"), 0x3F800000u);
  EXPECT_EQ(f32("1_0.0_0e-0_1"), 0x3F800000u);
  EXPECT_EQ(f32("0x1p-149"), 1u);
  EXPECT_EQ(f32("0x1.fffffep127"), 0x7F7FFFFFu);
  EXPECT_EQ(f32("0x1P+1"), 0x40000000u);
}

TEST(Literals, MalformedFloats) {
  for (std::string_view s :
       {".0", ".0e0", "0e", "0e+", "0.0e-", "0x", "0x.", "0x0.g", "0x0p", "0x0p+", "0x0pA",
        "0x.8p1", "1.0_", "1._0", "infinity", "nan:canonical"}) {
    EXPECT_EQ(parse_f64(s).status, Malformed) << s;
  }
}

TEST(Literals, FloatsOutOfRange) {
  EXPECT_EQ(parse_f32("0x1p128").status, OutOfRange);
  EXPECT_EQ(parse_f32("-0x1.ffffffp127").status, OutOfRange);  // rounds up to infinity
  EXPECT_EQ(parse_f32("1e39").status, OutOfRange);
  EXPECT_EQ(parse_f64("0x1.fffffffffffff8p1023").status, OutOfRange);
  EXPECT_EQ(parse_f64("1e309").status, OutOfRange);
  // Underflow is not an error: it rounds to zero or a subnormal.
  EXPECT_EQ(f32("1e-50"), 0u);
  EXPECT_EQ(f64("0x1p-1080"), 0u);
}

// f32 from decimal must round once: through double, 1 + 2^-24 + tiny would
// first round to the tie 1 + 2^-24 and then to even, i.e. down to 1.0.
TEST(Literals, F32RoundsOnceFromDecimal) {
  EXPECT_EQ(f32("1.000000059604644775390625"), 0x3F800000u);  // exact tie: to even
  EXPECT_EQ(f32("1.00000005960464477539062500000000001"), 0x3F800001u);
  EXPECT_EQ(f32("1.000000178813934326171875"), 0x3F800002u);  // tie 1+3*2^-24: to even (up)
}

TEST(Literals, F32RoundsOnceFromHex) {
  EXPECT_EQ(f32("0x1.000001p0"), 0x3F800000u);  // tie: to even
  EXPECT_EQ(f32("0x1.0000010000000000001p0"), 0x3F800001u);
  EXPECT_EQ(f32("0x1.000003p0"), 0x3F800002u);
  EXPECT_EQ(f64("0x1.00000000000008p0"), 0x3FF0000000000000u);
  EXPECT_EQ(f64("0x1.000000000000080000000001p0"), 0x3FF0000000000001u);
}

TEST(Literals, LaneShapes) {
  const LaneShape* s = find_lane_shape("i16x8");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->lanes, 8u);
  EXPECT_EQ(parse_lane(*s, "-1").value, 0xFFFFu);
  EXPECT_EQ(parse_lane(*s, "65536").status, OutOfRange);
  EXPECT_EQ(find_lane_shape("i8x15"), nullptr);
  EXPECT_EQ(parse_lane(*find_lane_shape("f32x4"), "1").value, 0x3F800000u);
}

}  // namespace
}  // namespace flint::text
