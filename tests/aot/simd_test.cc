// Compiled SIMD code against the interpreter on the edge cases where a
// lowering to vector instructions most easily goes wrong (spec 4.3.4): NaN
// lanes, saturation, out-of-range swizzle indices, shift counts of the lane
// width and more, -0/+0 in min/max, the one overflowing q15mulr and dot
// product; v128 values crossing host functions, tables and globals (two
// slots each); and the same module compiled for a baseline x86-64 CPU (the
// portable lowerings) and for AArch64.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "aot/artifact.h"
#include "aot/cpu_features.h"
#include "aot/llvm/codegen.h"
#include "aot/sha256.h"
#include "binary/decoder.h"
#include "engines.h"
#include "valid/validator.h"

namespace flint {
namespace {

using aot_test::Engine;

constexpr const char* kModule = R"(
(module
  (memory 1)
  (data (i32.const 8) "\01\82\03\84\05\86\07\88\09\8a\0b\8c\0d\8e\0f\90\11\92\13\94")
  (data (i32.const 65520) "\ff\fe\fd\fc\fb\fa\f9\f8\f7\f6\f5\f4\f3\f2\f1\f0")
  (func (export "swizzle") (param v128 v128) (result v128) (i8x16.swizzle (local.get 0) (local.get 1)))
  (func (export "i8x16.shl") (param v128 i32) (result v128) (i8x16.shl (local.get 0) (local.get 1)))
  (func (export "i8x16.shr_s") (param v128 i32) (result v128) (i8x16.shr_s (local.get 0) (local.get 1)))
  (func (export "i16x8.shr_u") (param v128 i32) (result v128) (i16x8.shr_u (local.get 0) (local.get 1)))
  (func (export "i32x4.shl") (param v128 i32) (result v128) (i32x4.shl (local.get 0) (local.get 1)))
  (func (export "i64x2.shr_s") (param v128 i32) (result v128) (i64x2.shr_s (local.get 0) (local.get 1)))
  (func (export "trunc_sat_s") (param v128) (result v128) (i32x4.trunc_sat_f32x4_s (local.get 0)))
  (func (export "trunc_sat_u") (param v128) (result v128) (i32x4.trunc_sat_f32x4_u (local.get 0)))
  (func (export "trunc_sat_f64_s") (param v128) (result v128) (i32x4.trunc_sat_f64x2_s_zero (local.get 0)))
  (func (export "trunc_sat_f64_u") (param v128) (result v128) (i32x4.trunc_sat_f64x2_u_zero (local.get 0)))
  (func (export "narrow8_s") (param v128 v128) (result v128) (i8x16.narrow_i16x8_s (local.get 0) (local.get 1)))
  (func (export "narrow8_u") (param v128 v128) (result v128) (i8x16.narrow_i16x8_u (local.get 0) (local.get 1)))
  (func (export "narrow16_s") (param v128 v128) (result v128) (i16x8.narrow_i32x4_s (local.get 0) (local.get 1)))
  (func (export "narrow16_u") (param v128 v128) (result v128) (i16x8.narrow_i32x4_u (local.get 0) (local.get 1)))
  (func (export "q15mulr") (param v128 v128) (result v128) (i16x8.q15mulr_sat_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128) (i32x4.dot_i16x8_s (local.get 0) (local.get 1)))
  (func (export "extadd8_s") (param v128) (result v128) (i16x8.extadd_pairwise_i8x16_s (local.get 0)))
  (func (export "extadd8_u") (param v128) (result v128) (i16x8.extadd_pairwise_i8x16_u (local.get 0)))
  (func (export "extadd16_s") (param v128) (result v128) (i32x4.extadd_pairwise_i16x8_s (local.get 0)))
  (func (export "extadd16_u") (param v128) (result v128) (i32x4.extadd_pairwise_i16x8_u (local.get 0)))
  (func (export "extmul_high_u") (param v128 v128) (result v128) (i64x2.extmul_high_i32x4_u (local.get 0) (local.get 1)))
  (func (export "avgr") (param v128 v128) (result v128) (i8x16.avgr_u (local.get 0) (local.get 1)))
  (func (export "popcnt") (param v128) (result v128) (i8x16.popcnt (local.get 0)))
  (func (export "f32x4.min") (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
  (func (export "f32x4.max") (param v128 v128) (result v128) (f32x4.max (local.get 0) (local.get 1)))
  (func (export "f64x2.min") (param v128 v128) (result v128) (f64x2.min (local.get 0) (local.get 1)))
  (func (export "f32x4.pmin") (param v128 v128) (result v128) (f32x4.pmin (local.get 0) (local.get 1)))
  (func (export "f32x4.pmax") (param v128 v128) (result v128) (f32x4.pmax (local.get 0) (local.get 1)))
  (func (export "mul_one") (param v128) (result v128)
    (f32x4.mul (local.get 0) (v128.const f32x4 1 1 1 1)))
  (func (export "nearest") (param v128) (result v128) (f32x4.nearest (local.get 0)))
  (func (export "floor") (param v128) (result v128) (f32x4.floor (local.get 0)))
  (func (export "ceil") (param v128) (result v128) (f32x4.ceil (local.get 0)))
  (func (export "trunc") (param v128) (result v128) (f32x4.trunc (local.get 0)))
  (func (export "f64x2.nearest") (param v128) (result v128) (f64x2.nearest (local.get 0)))
  (func (export "f64x2.floor") (param v128) (result v128) (f64x2.floor (local.get 0)))
  (func (export "f64x2.ceil") (param v128) (result v128) (f64x2.ceil (local.get 0)))
  (func (export "convert_u") (param v128) (result v128) (f32x4.convert_i32x4_u (local.get 0)))
  (func (export "demote") (param v128) (result v128) (f32x4.demote_f64x2_zero (local.get 0)))
  (func (export "bitmask8") (param v128) (result i32) (i8x16.bitmask (local.get 0)))
  (func (export "bitmask16") (param v128) (result i32) (i16x8.bitmask (local.get 0)))
  (func (export "all_true32") (param v128) (result i32) (i32x4.all_true (local.get 0)))
  (func (export "any_true") (param v128) (result i32) (v128.any_true (local.get 0)))
  (func (export "load_lane") (param i32 v128) (result v128) (v128.load16_lane offset=1 3 (local.get 0) (local.get 1)))
  (func (export "store_lane") (param i32 v128) (result i64)
    (v128.store32_lane 2 (local.get 0) (local.get 1)) (i64.load (local.get 0)))
  (func (export "load_splat") (param i32) (result v128) (v128.load8_splat (local.get 0)))
  (func (export "load_extend") (param i32) (result v128) (v128.load8x8_s (local.get 0)))
  (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))
)
)";

/// How two v128 results are compared: exactly, or lane-wise where a NaN in
/// the interpreter's result needs only a quiet (arithmetic) NaN compiled.
enum class Lanes { Exact, F32, F64 };

V128 bytes_of(std::initializer_list<int> b) {
  V128 v;
  size_t i = 0;
  for (int x : b) v.bytes[i++] = uint8_t(x);
  return v;
}
template <typename T>
V128 lanes_of(std::initializer_list<T> lanes) {
  V128 v;
  size_t i = 0;
  for (T x : lanes) std::memcpy(v.bytes + sizeof(T) * i++, &x, sizeof(T));
  return v;
}
Value v(V128 x) { return Value::v128_(x); }
Value i8s(std::initializer_list<int> b) { return v(bytes_of(b)); }
Value i16s(std::initializer_list<int16_t> l) { return v(lanes_of(l)); }
Value i32s(std::initializer_list<int32_t> l) { return v(lanes_of(l)); }
Value f32s(std::initializer_list<float> l) { return v(lanes_of(l)); }
Value f64s(std::initializer_list<double> l) { return v(lanes_of(l)); }
Value f32bits(std::initializer_list<uint32_t> l) { return v(lanes_of(l)); }

struct Call {
  const char* name;
  std::vector<Value> args;
  Lanes lanes = Lanes::Exact;
};

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<Call> calls() {
  auto i32 = Value::i32_;
  Value ramp = i8s({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  Value signs =
      i8s({0x80, 0x7f, 0xff, 1, 0x81, 0, 0x40, 0xc0, 0x80, 0x7f, 0xff, 1, 0x81, 0, 0x40, 0xc0});
  Value nan_signals = f32bits({0x7fa00001, 0xffc00000, 0x00000000, 0x80000000});
  return {
      {"swizzle",
       {signs, i8s({0, 15, 16, 17, 0x80, 0xff, 31, 32, 7, 0x70, 0x8f, 1, 2, 3, 4, 0x10})}},
      {"swizzle", {ramp, i8s({15, 14, 13, 12, 11, 10, 9, 8, 240, 241, 0x7f, 128, 3, 2, 1, 0})}},
      {"i8x16.shl", {signs, i32(8)}},
      {"i8x16.shl", {signs, i32(9)}},
      {"i8x16.shr_s", {signs, i32(7)}},
      {"i8x16.shr_s", {signs, i32(15)}},
      {"i8x16.shr_s", {signs, i32(-1)}},
      {"i16x8.shr_u", {signs, i32(16)}},
      {"i16x8.shr_u", {signs, i32(17)}},
      {"i32x4.shl", {signs, i32(32)}},
      {"i32x4.shl", {signs, i32(33)}},
      {"i64x2.shr_s", {signs, i32(64)}},
      {"i64x2.shr_s", {signs, i32(127)}},
      {"trunc_sat_s", {f32s({kNaN, kInf, -kInf, 2147483648.0f})}},
      {"trunc_sat_s", {f32s({-2147483904.0f, -1.5f, 1.9f, -0.0f})}},
      {"trunc_sat_u", {f32s({kNaN, 4294967296.0f, -1.0f, 4294967040.0f})}},
      {"trunc_sat_u", {f32s({-0.9f, 3.99f, kInf, -kInf})}},
      {"trunc_sat_f64_s", {f64s({std::nan(""), -1e300})}},
      {"trunc_sat_f64_s", {f64s({2147483647.9, -2147483648.9})}},
      {"trunc_sat_f64_u", {f64s({4294967295.5, -0.5})}},
      {"narrow8_s",
       {i16s({-32768, -129, -128, 127, 128, 32767, 0, -1}), i16s({300, -300, 1, 2, 3, 4, 5, 6})}},
      {"narrow8_u",
       {i16s({-32768, -1, 0, 255, 256, 32767, 128, 1}), i16s({300, -300, 1, 2, 3, 4, 5, 6})}},
      {"narrow16_s", {i32s({-2147483647 - 1, -32769, 32768, 5}), i32s({-5, 40000, -40000, 32767})}},
      {"narrow16_u", {i32s({-2147483647 - 1, -1, 65535, 65536}), i32s({32768, 40000, -40000, 7})}},
      {"q15mulr",
       {i16s({-32768, -32768, 32767, 16384, -16384, 1, 0, 12345}),
        i16s({-32768, 32767, 32767, 16384, 16384, 16384, -32768, -23456})}},
      {"dot",
       {i16s({-32768, -32768, 32767, 32767, -1, 2, 1000, -1000}),
        i16s({-32768, -32768, 32767, 32767, 3, -4, 1000, 1000})}},
      {"extadd8_s", {signs}},
      {"extadd8_u", {signs}},
      {"extadd16_s", {signs}},
      {"extadd16_u", {signs}},
      {"extmul_high_u", {i32s({1, 2, -1, -1}), i32s({3, 4, -1, 2})}},
      {"avgr", {signs, i8s({0xff, 0xff, 0xff, 0, 0x7f, 1, 0x40, 0xc1, 0, 0, 0, 0, 0, 0, 0, 0})}},
      {"popcnt", {signs}},
      {"f32x4.min", {f32s({-0.0f, 0.0f, kNaN, 1.0f}), f32s({0.0f, -0.0f, 1.0f, kNaN})}, Lanes::F32},
      {"f32x4.max", {f32s({-0.0f, 0.0f, kNaN, 1.0f}), f32s({0.0f, -0.0f, 1.0f, kNaN})}, Lanes::F32},
      {"f32x4.min", {nan_signals, f32s({1, 2, -0.0f, 0.0f})}, Lanes::F32},
      {"f64x2.min", {f64s({-0.0, std::nan("")}), f64s({0.0, -1.0})}, Lanes::F64},
      {"f32x4.pmin", {f32s({-0.0f, 0.0f, kNaN, 1.0f}), f32s({0.0f, -0.0f, 1.0f, kNaN})}},
      {"f32x4.pmax", {f32s({-0.0f, 0.0f, kNaN, 1.0f}), f32s({0.0f, -0.0f, 1.0f, kNaN})}},
      {"f32x4.pmin", {nan_signals, f32s({1, 2, 3, 4})}},
      {"f32x4.pmax", {f32s({1, 2, 3, 4}), nan_signals}},
      {"mul_one", {nan_signals}, Lanes::F32},
      {"nearest", {f32s({2.5f, -3.5f, -0.4f, 8388609.0f})}},
      {"nearest", {f32s({0.5f, -0.5f, 1e30f, -kInf})}},
      {"nearest", {nan_signals}, Lanes::F32},
      {"floor", {f32s({-0.5f, 0.5f, -0.0f, -1.0f})}},
      {"floor", {f32s({-8388607.5f, 8388607.5f, 3e9f, -kInf})}},
      {"floor", {nan_signals}, Lanes::F32},
      {"ceil", {f32s({-0.5f, 0.5f, -0.0f, -1.5f})}},
      {"ceil", {f32s({-8388607.5f, 8388607.5f, -3e9f, kInf})}},
      {"trunc", {f32s({-0.5f, 0.9f, -2.5f, 1e20f})}},
      {"trunc", {nan_signals}, Lanes::F32},
      {"f64x2.nearest", {f64s({-2.5, 4503599627370497.0})}},
      {"f64x2.nearest", {f64s({-0.5, 0.5000000001})}},
      {"f64x2.floor", {f64s({-0.25, -4503599627370495.5})}},
      {"f64x2.ceil", {f64s({-0.25, 1e300})}},
      {"f64x2.ceil", {f64s({std::nan(""), 2.000001})}, Lanes::F64},
      {"convert_u", {i32s({-1, -2147483647 - 1, 16777217, 0})}},
      {"demote", {f64s({1e300, std::nan("")})}, Lanes::F32},
      {"bitmask8", {signs}},
      {"bitmask16", {signs}},
      {"all_true32", {i32s({1, -1, 0x100, -2147483647 - 1})}},
      {"all_true32", {i32s({1, 0, 1, 1})}},
      {"any_true", {i32s({0, 0, 0, 0})}},
      {"any_true", {i32s({0, 0, 0, 0x10000})}},
      {"load_lane", {i32(10), ramp}},
      {"load_lane", {i32(65534), ramp}},
      {"store_lane", {i32(16), signs}},
      {"store_lane", {i32(65533), signs}},
      {"load_splat", {i32(18)}},
      {"load_extend", {i32(16)}},
      {"load", {i32(65520)}},
      {"load", {i32(65521)}},
  };
}

bool lanes_agree(const V128& expected, const V128& actual, Lanes lanes) {
  if (lanes == Lanes::Exact) return expected == actual;
  size_t width = lanes == Lanes::F32 ? 4 : 8;
  for (size_t at = 0; at < 16; at += width) {
    uint64_t e = 0, a = 0;
    std::memcpy(&e, expected.bytes + at, width);
    std::memcpy(&a, actual.bytes + at, width);
    int mantissa = lanes == Lanes::F32 ? 23 : 52;
    uint64_t exponent = (lanes == Lanes::F32 ? 0xffull : 0x7ffull) << mantissa;
    uint64_t quiet = uint64_t(1) << (mantissa - 1);
    auto is_nan = [&](uint64_t x) {
      return (x & exponent) == exponent && (x & (exponent - 1) & ~exponent) != 0;
    };
    if (is_nan(e) ? !(is_nan(a) && (a & quiet)) : e != a) return false;
  }
  return true;
}

std::string show(const Result<std::vector<Value>>& r) {
  if (!r) return "trap: " + std::string(spec_text(r.error().code));
  std::string s;
  for (const Value& x : *r) {
    char buf[8];
    if (x.type == ValType::V128) {
      for (uint8_t b : x.v128.bytes) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        s += buf;
      }
    } else {
      s += std::to_string(x.type == ValType::I32 ? x.i32 : x.i64);
    }
    s += " ";
  }
  return s;
}

void expect_agreement(Engine& reference, Engine& compiled) {
  for (const Call& c : calls()) {
    auto expected = reference.call(c.name, c.args);
    auto actual = compiled.call(c.name, c.args);
    ASSERT_EQ(bool(expected), bool(actual))
        << c.name << ": " << show(expected) << " vs " << show(actual);
    if (!expected) {
      EXPECT_EQ(expected.error().code, actual.error().code) << c.name;
      continue;
    }
    ASSERT_EQ(expected->size(), actual->size());
    for (size_t i = 0; i < expected->size(); ++i) {
      const Value& e = (*expected)[i];
      const Value& a = (*actual)[i];
      bool same = e.type == ValType::V128 ? lanes_agree(e.v128, a.v128, c.lanes) : e.i64 == a.i64;
      EXPECT_TRUE(same) << c.name << ": interpreter " << show(expected) << ", compiled "
                        << show(actual);
    }
  }
}

TEST(AotSimd, CompiledCodeAgreesWithTheInterpreterOnEdgeCases) {
  Engine interp(kModule, aot_test::interp_config());
  Engine aot(kModule, aot_test::aot_config());
  ASSERT_TRUE(interp.ok() && aot.ok());
  expect_agreement(interp, aot);
}

TEST(AotSimd, EdgeCasesHaveTheSpecResults) {
  Engine aot(kModule, aot_test::aot_config());
  ASSERT_TRUE(aot.ok());
  auto one = [&](const char* name, std::vector<Value> args) {
    auto r = aot.call(name, args);
    EXPECT_TRUE(r) << name;
    return r ? (*r)[0] : Value();
  };
  // Out-of-range swizzle indices select 0; in range, the indexed byte.
  Value s = one("swizzle", {i8s({9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 10, 11, 12, 13, 14, 15}),
                            i8s({0, 16, 0x80, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 0x70, 15})});
  EXPECT_EQ(s.v128, bytes_of({9, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 15}));
  // Shift counts are taken modulo the lane width: 9 on i8 lanes shifts by 1.
  EXPECT_EQ(one("i8x16.shl", {i8s({0x81, 1}), Value::i32_(9)}).v128, bytes_of({2, 2}));
  // Saturating truncation: NaN to 0, out of range to the bounds.
  EXPECT_EQ(one("trunc_sat_s", {f32s({kNaN, kInf, -kInf, -1.5f})}).v128,
            lanes_of<int32_t>({0, 2147483647, -2147483647 - 1, -1}));
  EXPECT_EQ(one("trunc_sat_u", {f32s({kNaN, 5e9f, -3.0f, 7.9f})}).v128,
            lanes_of<uint32_t>({0, 4294967295u, 0, 7}));
  // -32768 * -32768 is the one q15 product that saturates.
  EXPECT_EQ(one("q15mulr", {i16s({-32768, 16384}), i16s({-32768, 16384})}).v128,
            lanes_of<int16_t>({32767, 8192, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(one("dot", {i16s({-32768, -32768}), i16s({-32768, -32768})}).v128,
            lanes_of<int32_t>({-2147483647 - 1, 0, 0, 0}));
  // min is -0 for (+0, -0); a NaN lane gives a NaN.
  V128 m = one("f32x4.min", {f32s({0.0f, kNaN, 1, 1}), f32s({-0.0f, 1, 1, 1})}).v128;
  uint32_t lane0, lane1;
  std::memcpy(&lane0, m.bytes, 4);
  std::memcpy(&lane1, m.bytes + 4, 4);
  EXPECT_EQ(lane0, 0x80000000u);
  EXPECT_EQ(lane1 & 0x7fc00000u, 0x7fc00000u);
  // pmin is the spec's select: b < a ? b : a, so a NaN first operand stays.
  EXPECT_EQ(one("f32x4.pmin", {f32bits({0x7fa00001, 0, 0, 0}), f32s({1, 0, 0, 0})}).v128,
            lanes_of<uint32_t>({0x7fa00001, 0, 0, 0}));
}

// Host functions, tables and globals: v128 values cross the runtime in two
// slots each, interleaved with one-slot values.
TEST(AotSimd, VectorsCrossHostCallsTablesAndGlobals) {
  const char* wat = R"((module
    (import "env" "mix" (func $mix (param i32 v128 i64 v128) (result v128 i32 v128)))
    (type $t (func (param i32 v128 i64 v128) (result v128 i32 v128)))
    (table 1 funcref) (elem (i32.const 0) $mix)
    (global $g (mut v128) (v128.const i32x4 1 2 3 4))
    (func (export "direct") (param i32 v128 i64 v128) (result v128 i32 v128)
      (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
    (func (export "indirect") (param i32 v128 i64 v128) (result v128 i32 v128)
      (call_indirect (type $t) (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 0)))
    (func (export "bump") (param v128) (result v128)
      (global.set $g (i32x4.add (global.get $g) (local.get 0)))
      (global.get $g)))
  )";
  for (EngineKind kind : {EngineKind::Interpreter, EngineKind::Aot}) {
    Config config;
    config.engine = kind;
    aot::set_in_process_compiler(aot::compile_to_artifact);
    auto bytes = text::parse_wat(wat);
    ASSERT_TRUE(bytes) << bytes.error().describe();
    auto m = compile(*bytes, config);
    ASSERT_TRUE(m) << m.error().describe();
    Store store(config);
    FuncType type{{ValType::I32, ValType::V128, ValType::I64, ValType::V128},
                  {ValType::V128, ValType::I32, ValType::V128}};
    // mix(a, x, b, y) = (x ^ y, a + 1, y with lane 0 of i64x2 replaced by b)
    Extern mix = store.host_function(
        type, [](Caller&, std::span<const Value> in, std::span<Value> out) -> Status {
          V128 x = in[1].v128, y = in[3].v128;
          for (int i = 0; i < 16; ++i) x.bytes[i] ^= y.bytes[i];
          uint64_t b = in[2].i64;
          std::memcpy(y.bytes, &b, 8);
          out[0] = Value::v128_(x);
          out[1] = Value::i32_(in[0].i32 + 1);
          out[2] = Value::v128_(y);
          return {};
        });
    std::vector<Extern> imports{mix};
    auto inst = store.instantiate(**m, imports);
    ASSERT_TRUE(inst) << inst.error().describe();
    std::vector<Value> args{Value::i32_(41), i32s({1, 2, 3, 4}), Value::i64_(0x1122334455667788),
                            i32s({0x10, 0x20, 0x30, 0x40})};
    for (const char* name : {"direct", "indirect"}) {
      auto r = store.call(*(*inst)->find_export(name), args);
      ASSERT_TRUE(r) << name << ": " << r.error().describe();
      ASSERT_EQ(r->size(), 3u);
      EXPECT_EQ((*r)[0].v128, lanes_of<int32_t>({0x11, 0x22, 0x33, 0x44})) << name;
      EXPECT_EQ((*r)[1].i32, 42u) << name;
      EXPECT_EQ((*r)[2].v128, lanes_of<int64_t>({0x1122334455667788, 0x0000004000000030})) << name;
    }
    auto bump = *(*inst)->find_export("bump");
    ASSERT_TRUE(store.call(bump, std::vector<Value>{i32s({1, 1, 1, 1})}));
    auto r = store.call(bump, std::vector<Value>{i32s({10, 20, 30, -4})});
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].v128, lanes_of<int32_t>({12, 23, 34, 1}));
  }
}

aot::TargetOptions baseline_target() {
  aot::TargetOptions t;
  t.triple = aot::host_triple();
  t.cpu = "x86-64";  // SSE2 only: swizzle, q15mulr and pairwise adds take the portable forms
  t.features = "";
  return t;
}

#if defined(__x86_64__)
TEST(AotSimd, BaselineX86CodeAgreesWithTheInterpreter) {
  auto bytes = text::parse_wat(kModule);
  ASSERT_TRUE(bytes);
  auto module = decode_module(*bytes);
  ASSERT_TRUE(module && validate(*module));
  auto object = aot::compile_object(*module, baseline_target());
  ASSERT_TRUE(object) << object.error().describe();
  auto shared = aot::link_shared_object(*object);
  ASSERT_TRUE(shared) << shared.error().describe();
  aot::Artifact a;
  a.flint_version = aot::kFlintVersion;
  a.triple = aot::host_triple();
  a.module_hash = aot::sha256(*bytes);
  a.wasm = *bytes;
  a.shared_object = *shared;
  std::vector<uint8_t> artifact = aot::encode_artifact(a);

  Engine interp(kModule, aot_test::interp_config());
  ASSERT_TRUE(interp.ok());
  Engine baseline(kModule, aot_test::aot_config());
  baseline.load_artifact(artifact);
  ASSERT_TRUE(baseline.ok());
  expect_agreement(interp, baseline);
}
#endif

TEST(AotSimd, Aarch64ObjectCompiles) {
  aot::TargetOptions target;
  target.triple = "aarch64-unknown-linux-gnu";
  target.cpu = "generic";
  EXPECT_EQ(aot_test::elf_machine_of_object(kModule, target), 183u);  // ELF e_machine EM_AARCH64
}

// A target with neither x86 nor AArch64 instructions takes every portable
// lowering (the portable dot product and narrowing among them).
TEST(AotSimd, PortableLoweringsCompileForOtherTargets) {
  aot::TargetOptions target;
  target.triple = "riscv64-unknown-linux-gnu";
  target.cpu = "generic-rv64";
  target.features = "+m,+a,+f,+d";
  EXPECT_EQ(aot_test::elf_machine_of_object(kModule, target), 243u);  // ELF e_machine EM_RISCV
}

}  // namespace
}  // namespace flint
