// assert_return matching: exact bits, NaN classes, references, lanes, either.
#include "wast/expect.h"

#include <gtest/gtest.h>

namespace flint::wast {
namespace {

Expected exact(Value v) {
  Expected e;
  e.value = v;
  return e;
}

Expected nan_class(Expected::Kind kind, ValType type) {
  Expected e;
  e.kind = kind;
  e.value = Value::zero(type);
  return e;
}

TEST(ExpectTest, ExactComparesBitsAndType) {
  EXPECT_TRUE(matches(exact(Value::i32_(7)), Value::i32_(7)));
  EXPECT_FALSE(matches(exact(Value::i32_(7)), Value::i32_(8)));
  EXPECT_FALSE(matches(exact(Value::i32_(7)), Value::i64_(7)));
  // -0.0 and +0.0 compare equal as floats but are different results.
  EXPECT_FALSE(matches(exact(Value::f32_(0.0f)), Value::f32_(-0.0f)));
  // A NaN payload must be preserved bit for bit.
  EXPECT_TRUE(matches(exact(Value::f64_bits_(0x7ff0000000000001)), Value::f64_bits_(0x7ff0000000000001)));
  EXPECT_FALSE(matches(exact(Value::f64_bits_(0x7ff0000000000001)), Value::f64_bits_(0x7ff8000000000000)));
}

TEST(ExpectTest, CanonicalNanAcceptsEitherSignOnly) {
  auto canonical = nan_class(Expected::Kind::CanonicalNan, ValType::F32);
  EXPECT_TRUE(matches(canonical, Value::f32_bits_(0x7fc00000)));
  EXPECT_TRUE(matches(canonical, Value::f32_bits_(0xffc00000)));
  EXPECT_FALSE(matches(canonical, Value::f32_bits_(0x7fc00001)));
  EXPECT_FALSE(matches(canonical, Value::f32_bits_(0x7f800000)));  // infinity
  EXPECT_FALSE(matches(canonical, Value::f64_bits_(0x7ff8000000000000)));
}

TEST(ExpectTest, ArithmeticNanNeedsTheQuietBit) {
  auto arithmetic = nan_class(Expected::Kind::ArithmeticNan, ValType::F64);
  EXPECT_TRUE(matches(arithmetic, Value::f64_bits_(0x7ff8000000000000)));
  EXPECT_TRUE(matches(arithmetic, Value::f64_bits_(0xfff8000000000123)));
  EXPECT_FALSE(matches(arithmetic, Value::f64_bits_(0x7ff0000000000001)));  // signalling
}

TEST(ExpectTest, References) {
  int token = 0;
  EXPECT_TRUE(matches(exact(Value::null_(ValType::FuncRef)), Value::null_(ValType::FuncRef)));
  EXPECT_FALSE(matches(exact(Value::null_(ValType::FuncRef)), Value::null_(ValType::ExternRef)));
  EXPECT_TRUE(matches(exact(Value::ref_(ValType::ExternRef, &token)), Value::ref_(ValType::ExternRef, &token)));
  Expected any;
  any.kind = Expected::Kind::AnyRef;
  any.value = Value::null_(ValType::FuncRef);
  EXPECT_TRUE(matches(any, Value::ref_(ValType::FuncRef, &token)));
  EXPECT_FALSE(matches(any, Value::null_(ValType::FuncRef)));
}

TEST(ExpectTest, LanePatternsCheckEachLane) {
  Expected e;
  e.kind = Expected::Kind::LanePatterns;
  e.lane_type = ValType::F32;
  e.lanes = {Expected::Kind::Exact, Expected::Kind::CanonicalNan, Expected::Kind::ArithmeticNan,
             Expected::Kind::Exact};
  V128 want{};
  uint32_t one = 0x3f800000;
  std::memcpy(want.bytes, &one, 4);
  e.value = Value::v128_(want);

  V128 got{};
  uint32_t lanes[4] = {0x3f800000, 0xffc00000, 0x7fe00000, 0};
  std::memcpy(got.bytes, lanes, 16);
  EXPECT_TRUE(matches(e, Value::v128_(got)));
  lanes[3] = 1;
  std::memcpy(got.bytes, lanes, 16);
  EXPECT_FALSE(matches(e, Value::v128_(got)));
}

TEST(ExpectTest, EitherAcceptsAnyAlternative) {
  Expected e;
  e.kind = Expected::Kind::Either;
  e.alternatives = {exact(Value::i32_(1)), exact(Value::i32_(2))};
  EXPECT_TRUE(matches(e, Value::i32_(2)));
  EXPECT_FALSE(matches(e, Value::i32_(3)));
}

}  // namespace
}  // namespace flint::wast
