// SIMD semantics the hardware does not give for free (spec 4.3 vector
// operators), run against every SIMD handler table this host can execute:
// the portable one always, the AVX2 one when the CPU has it. The spec suite
// covers the instructions broadly; these cases pin the edges where a
// straightforward mapping to x86 instructions would be wrong.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "../runtime/wat.h"
#include "binary/decoder.h"
#include "interp/disassemble.h"
#include "interp/handlers.h"
#include "interp/interp_module.h"
#include "text/parse.h"
#include "valid/validator.h"

namespace flint {
namespace {

using interp::SimdLevel;

std::vector<SimdLevel> levels() {
  std::vector<SimdLevel> r{SimdLevel::Portable};
  if (interp::host_simd_level() == SimdLevel::Avx2) r.push_back(SimdLevel::Avx2);
  return r;
}

const char* name(SimdLevel l) { return l == SimdLevel::Portable ? "portable" : "avx2"; }

/// Compiles `wat` with the given SIMD table and instantiates it.
Instance* instantiate(Store& store, const std::string& wat, SimdLevel level) {
  auto bytes = text::parse_wat(wat);
  if (!bytes) {
    ADD_FAILURE() << bytes.error().describe() << "\n" << wat;
    return nullptr;
  }
  auto module = decode_module(*bytes);
  if (!module || !validate(*module)) {
    ADD_FAILURE() << "module does not decode or validate:\n" << wat;
    return nullptr;
  }
  interp::TranslateOptions options;
  options.simd_level = level;
  auto compiled =
      interp::InterpModule::create(ValidatedModule::trusted(std::move(*module)), options);
  if (!compiled) {
    ADD_FAILURE() << compiled.error().describe();
    return nullptr;
  }
  static std::vector<std::shared_ptr<const CompiledModule>> keep_alive;
  keep_alive.push_back(*compiled);
  Linker linker;
  auto inst = linker.instantiate(store, **compiled);
  if (!inst) {
    ADD_FAILURE() << inst.error().describe();
    return nullptr;
  }
  return *inst;
}

struct Case {
  const char* what;
  const char* result;  ///< the result type: "v128" or "i32"
  const char* expr;    ///< computes the result
  const char* want;    ///< a constant with the expected bits
};

// clang-format off
const Case kCases[] = {
  {"fmin: -0 < +0 both ways, NaN from either side", "v128",
   "(f32x4.min (v128.const f32x4 -0 0 nan 1) (v128.const f32x4 0 -0 1 nan))",
   "(v128.const f32x4 -0 -0 nan nan)"},
  {"fmax: +0 > -0 both ways", "v128",
   "(f64x2.max (v128.const f64x2 -0 0) (v128.const f64x2 0 -0))",
   "(v128.const f64x2 0 0)"},
  {"pmin is b < a ? b : a: a NaN second operand yields the first", "v128",
   "(f32x4.pmin (v128.const f32x4 1 nan -0 2) (v128.const f32x4 nan 1 0 1))",
   "(v128.const f32x4 1 nan -0 1)"},
  {"pmax keeps the first operand on ties of zeros", "v128",
   "(f64x2.pmax (v128.const f64x2 -0 nan) (v128.const f64x2 0 5))",
   "(v128.const f64x2 -0 nan)"},
  {"saturating signed add at both ends", "v128",
   "(i8x16.add_sat_s (v128.const i8x16 127 -128 100 -100 0 0 0 0 0 0 0 0 0 0 0 0)"
   "                 (v128.const i8x16 1 -1 100 -100 0 0 0 0 0 0 0 0 0 0 0 0))",
   "(v128.const i8x16 127 -128 127 -128 0 0 0 0 0 0 0 0 0 0 0 0)"},
  {"saturating unsigned sub floors at 0", "v128",
   "(i16x8.sub_sat_u (v128.const i16x8 1 65535 0 0 0 0 0 0) (v128.const i16x8 2 1 0 0 0 0 0 0))",
   "(v128.const i16x8 0 65534 0 0 0 0 0 0)"},
  {"q15mulr_sat: -1 * -1 in Q15 saturates, and rounding adds 2^14", "v128",
   "(i16x8.q15mulr_sat_s (v128.const i16x8 -32768 16384 1 -1 0 0 0 0)"
   "                     (v128.const i16x8 -32768 16384 16384 16384 0 0 0 0))",
   "(v128.const i16x8 32767 8192 1 0 0 0 0 0)"},
  {"dot of two -32768 pairs wraps to INT32_MIN", "v128",
   "(i32x4.dot_i16x8_s (v128.const i16x8 -32768 -32768 1 2 0 0 0 0)"
   "                   (v128.const i16x8 -32768 -32768 3 4 0 0 0 0))",
   "(v128.const i32x4 -2147483648 11 0 0)"},
  {"trunc_sat_s: NaN to 0, out of range to the bounds, toward zero", "v128",
   "(i32x4.trunc_sat_f32x4_s (v128.const f32x4 nan 3e9 -3e9 -1.5))",
   "(v128.const i32x4 0 2147483647 -2147483648 -1)"},
  {"trunc_sat_u: negatives to 0, too large to max", "v128",
   "(i32x4.trunc_sat_f32x4_u (v128.const f32x4 -1 5e9 4294967040 0.9))",
   "(v128.const i32x4 0 -1 -256 0)"},
  {"trunc_sat f64x2 zeroes the high lanes", "v128",
   "(i32x4.trunc_sat_f64x2_s_zero (v128.const f64x2 -1e300 2.9))",
   "(v128.const i32x4 -2147483648 2 0 0)"},
  {"swizzle: indices of 16 and above select 0", "v128",
   "(i8x16.swizzle (v128.const i8x16 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)"
   "               (v128.const i8x16 0 15 16 255 128 112 1 0 0 0 0 0 0 0 0 0))",
   "(v128.const i8x16 10 25 0 0 0 0 11 10 10 10 10 10 10 10 10 10)"},
  {"shift counts are taken modulo the lane width", "v128",
   "(i8x16.shl (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1) (i32.const 9))",
   "(v128.const i8x16 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2)"},
  {"arithmetic shift right of i64 lanes by 65", "v128",
   "(i64x2.shr_s (v128.const i64x2 -4 4) (i32.const 65))",
   "(v128.const i64x2 -2 2)"},
  {"narrow_u saturates signed inputs to 0..255", "v128",
   "(i8x16.narrow_i16x8_u (v128.const i16x8 -1 300 255 0 1 2 3 4)"
   "                      (v128.const i16x8 -32768 32767 128 0 0 0 0 0))",
   "(v128.const i8x16 0 255 255 0 1 2 3 4 0 255 128 0 0 0 0 0)"},
  {"nearest rounds ties to even and keeps the sign of zero", "v128",
   "(f32x4.nearest (v128.const f32x4 2.5 -0.5 3.5 -2.5))",
   "(v128.const f32x4 2 -0 4 -2)"},
  {"demote overflows to infinity and zeroes the high lanes", "v128",
   "(f32x4.demote_f64x2_zero (v128.const f64x2 1e300 -1.5))",
   "(v128.const f32x4 inf -1.5 0 0)"},
  {"extmul high signed: -128 * -128", "v128",
   "(i16x8.extmul_high_i8x16_s (v128.const i8x16 0 0 0 0 0 0 0 0 -128 1 2 3 4 5 6 7)"
   "                           (v128.const i8x16 0 0 0 0 0 0 0 0 -128 -1 2 3 4 5 6 7))",
   "(v128.const i16x8 16384 -1 4 9 16 25 36 49)"},
  {"extadd_pairwise unsigned", "v128",
   "(i16x8.extadd_pairwise_i8x16_u (v128.const i8x16 255 255 1 2 0 0 0 0 0 0 0 0 0 0 0 0))",
   "(v128.const i16x8 510 3 0 0 0 0 0 0)"},
  {"abs of the most negative lane is itself", "v128",
   "(i64x2.abs (v128.const i64x2 -9223372036854775808 -3))",
   "(v128.const i64x2 -9223372036854775808 3)"},
  {"popcnt per byte", "v128",
   "(i8x16.popcnt (v128.const i8x16 255 0 1 3 7 15 31 63 127 128 170 85 0 0 0 0))",
   "(v128.const i8x16 8 0 1 2 3 4 5 6 7 1 4 4 0 0 0 0)"},
  {"convert u32 lanes rounds to nearest", "v128",
   "(f32x4.convert_i32x4_u (v128.const i32x4 -1 16777217 1 0))",
   "(v128.const f32x4 4294967296 16777216 1 0)"},
  {"bitmask gathers the sign bits", "i32",
   "(i8x16.bitmask (v128.const i8x16 -1 0 -128 1 0 0 0 0 0 0 0 0 0 0 0 -5))",
   "(i32.const 0x8005)"},
  {"all_true is false when one lane is zero", "i32",
   "(i32x4.all_true (v128.const i32x4 1 -1 0 5))", "(i32.const 0)"},
  {"extract_lane_s sign-extends", "i32",
   "(i16x8.extract_lane_s 7 (v128.const i16x8 0 0 0 0 0 0 0 -2))", "(i32.const -2)"},
  {"shuffle picks from both operands", "v128",
   "(i8x16.shuffle 31 0 16 15 1 2 3 4 5 6 7 8 9 10 11 17"
   "  (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)"
   "  (v128.const i8x16 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31))",
   "(v128.const i8x16 31 0 16 15 1 2 3 4 5 6 7 8 9 10 11 17)"},
};
// clang-format on

std::vector<uint8_t> bits(const Value& v) {
  if (v.type == ValType::V128) return {v.v128.bytes, v.v128.bytes + 16};
  std::vector<uint8_t> b(4);
  std::memcpy(b.data(), &v.i32, 4);
  return b;
}

TEST(Simd, ConstantSecondOperandsRideInTheCode) {
  // `v128.and x (v128.const ...)`: one instruction carrying the mask, no
  // const128 first; a constant first operand of a non-commutative operator
  // stays deferred until its user, then is materialized as usual.
  auto compiled = testing::compile_wat(R"((module
    (func (param v128) (result v128)
      (i8x16.sub (v128.const i64x2 0 0)
                 (v128.and (local.get 0) (v128.const i64x2 0xff 0x100))))))");
  ASSERT_NE(compiled, nullptr);
  const auto& m = static_cast<const interp::InterpModule&>(*compiled);
  EXPECT_EQ(interp::disassemble(m.function(0)),
            "   0: v128.and.const 4, 0, 0, 0, +0, lane 0, 0xff, 0x100\n"
            "   6: const128 2, 0x0, 0x0\n"
            "  10: i8x16.sub 2, 2, 4, 0, +0, lane 0\n"
            "  14: retn 2, 2\n");
}

TEST(Simd, EveryVectorOpcodeHasAHandlerInEveryTable) {
  size_t vector_ops = 0;
  for (const OpcodeInfo& o : all_opcodes()) {
    if (o.prefix != 0xFD) continue;
    ++vector_ops;
    if (o.op == Opcode::V128Const) continue;  // a translator constant, like i64.const
    for (SimdLevel level : {SimdLevel::Portable, SimdLevel::Avx2})
      EXPECT_NE(interp::simd_handler(o.op, level), nullptr) << o.text << " " << name(level);
  }
  EXPECT_EQ(vector_ops, 236u);  // WebAssembly 2.0's fixed-width SIMD
  EXPECT_EQ(interp::simd_handler(Opcode::I32Add, SimdLevel::Portable), nullptr);
  // Constant-operand variants exist exactly for the plain binary v128 operators.
  EXPECT_NE(interp::simd_handler(Opcode::I8x16Swizzle, SimdLevel::Portable, true), nullptr);
  EXPECT_EQ(interp::simd_handler(Opcode::I8x16Shl, SimdLevel::Portable, true), nullptr);
  EXPECT_EQ(interp::simd_handler(Opcode::I8x16Shuffle, SimdLevel::Portable, true), nullptr);
}

TEST(Simd, EdgeSemanticsInEveryHandlerTable) {
  for (SimdLevel level : levels()) {
    for (const Case& c : kCases) {
      std::string wat = std::string("(module (func (export \"got\") (result ") + c.result + ") " +
                        c.expr + ") (func (export \"want\") (result " + c.result + ") " + c.want +
                        "))";
      Store store;
      Instance* inst = instantiate(store, wat, level);
      ASSERT_NE(inst, nullptr) << c.what;
      auto got = store.call(testing::export_of(inst, "got"), {});
      auto want = store.call(testing::export_of(inst, "want"), {});
      ASSERT_TRUE(got && want) << c.what;
      EXPECT_EQ(bits((*got)[0]), bits((*want)[0])) << name(level) << ": " << c.what;
    }
  }
}

TEST(Simd, OperandsFromLocalsAndResultsIntoThem) {
  // The same slot as operand and result, and v128 parameters crossing Store::call.
  const char* wat = R"((module
    (func (export "f") (param v128 v128) (result v128)
      (local.set 0 (i32x4.add (local.get 0) (local.get 1)))
      (local.set 0 (i32x4.mul (local.get 0) (local.get 0)))
      (local.get 0))))";
  for (SimdLevel level : levels()) {
    Store store;
    Instance* inst = instantiate(store, wat, level);
    ASSERT_NE(inst, nullptr);
    V128 a, b;
    uint32_t la[4] = {1, 2, 3, 0xFFFFFFFF}, lb[4] = {1, 1, 1, 1};
    std::memcpy(a.bytes, la, 16);
    std::memcpy(b.bytes, lb, 16);
    std::vector<Value> args{Value::v128_(a), Value::v128_(b)};
    auto r = store.call(testing::export_of(inst, "f"), args);
    ASSERT_TRUE(r) << r.error().describe();
    uint32_t out[4];
    std::memcpy(out, (*r)[0].v128.bytes, 16);
    EXPECT_EQ(out[0], 4u) << name(level);
    EXPECT_EQ(out[1], 9u);
    EXPECT_EQ(out[2], 16u);
    EXPECT_EQ(out[3], 0u);  // (2^32 - 1 + 1) wraps to 0
  }
}

TEST(Simd, LaneAccessesAreBoundsChecked) {
  const char* wat = R"((module (memory 1)
    (func (export "load_lane") (param i32) (result v128)
      (v128.load32_lane 1 (local.get 0) (v128.const i64x2 0 0)))
    (func (export "store_lane") (param i32)
      (v128.store64_lane offset=8 1 (local.get 0) (v128.const i64x2 1 2)))
    (func (export "load_splat") (param i32) (result v128) (v128.load16_splat (local.get 0)))
    (func (export "load") (param i32) (result v128) (v128.load (local.get 0)))))";
  struct Access {
    const char* func;
    uint32_t ok;  ///< the last in-bounds address
  };
  const Access accesses[] = {
      {"load_lane", 65532}, {"store_lane", 65520}, {"load_splat", 65534}, {"load", 65520}};
  for (SimdLevel level : levels()) {
    Store store;
    Instance* inst = instantiate(store, wat, level);
    ASSERT_NE(inst, nullptr);
    for (const Access& a : accesses) {
      std::vector<Value> ok_args{Value::i32_(a.ok)};
      auto ok = store.call(testing::export_of(inst, a.func), ok_args);
      EXPECT_TRUE(ok) << a.func;
      for (uint32_t bad : {a.ok + 1, 0xFFFFFFFFu}) {
        std::vector<Value> bad_args{Value::i32_(bad)};
        auto r = store.call(testing::export_of(inst, a.func), bad_args);
        ASSERT_FALSE(r) << name(level) << ": " << a.func << " at " << bad;
        EXPECT_EQ(r.error().message(), "out of bounds memory access");
      }
    }
  }
}

TEST(Simd, V128GlobalsFromConstantExpressions) {
  const char* wat = R"((module
    (global $g (mut v128) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
    (func (export "swap") (result v128)
      (global.get $g)
      (global.set $g (i8x16.neg (global.get $g))))))";
  Store store;
  Instance* inst = instantiate(store, wat, interp::host_simd_level());
  ASSERT_NE(inst, nullptr);
  auto first = store.call(testing::export_of(inst, "swap"), {});
  auto second = store.call(testing::export_of(inst, "swap"), {});
  ASSERT_TRUE(first && second);
  EXPECT_EQ((*first)[0].v128.bytes[15], 16);
  EXPECT_EQ((*second)[0].v128.bytes[15], uint8_t(-16));
}

TEST(Simd, TranslationWritesResultsIntoLocalsAndDisassembles) {
  // The result of a SIMD operator goes straight into the local that stores
  // it (v128 slots are pairs: parameters in s0-s1 and s2-s3), and every SIMD
  // handler of both tables has a name in listings.
  auto compiled = testing::compile_wat(R"((module (memory 1)
    (func (param v128 v128) (result v128)
      (local.set 0 (i32x4.add (local.get 0) (local.get 1)))
      (v128.store offset=16 (i32.const 0) (local.get 0))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (local.get 0) (local.get 1)))))");
  ASSERT_NE(compiled, nullptr);
  const auto& m = static_cast<const interp::InterpModule&>(*compiled);
  std::string code = interp::disassemble(m.function(0));
  EXPECT_EQ(code,
            "   0: i32x4.add 0, 0, 2, 0, +0, lane 0\n"
            "   4: const64 4, 0, 0\n"
            "   7: v128.store 0, 4, 0, 0, +16, lane 0\n"
            "  11: i8x16.shuffle 4, 0, 2, 0, +0, lane 0, 0x706050403020100, 0x1f0e0d0c0b0a0908\n"
            "  17: retn 4, 2\n")
      << code;
}

}  // namespace
}  // namespace flint
