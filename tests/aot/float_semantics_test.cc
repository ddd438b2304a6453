// Floating-point results of compiled code bit for bit against the
// interpreter, on signalling and quiet NaNs with payloads (spec 4.3.3 NaN
// propagation): arithmetic must quiet a signalling NaN even where LLVM
// would fold the operation away (nan_preserving.h), and the bitwise
// operations (neg, abs, copysign) must keep payloads exactly.
#include <gtest/gtest.h>

#include "engines.h"

namespace flint {
namespace {

using aot_test::Engine;

struct Op {
  const char* name;
  const char* body;    ///< on $x (and $y), leaving one value of the result type
  bool arithmetic;     ///< a NaN result must be quiet (otherwise: exact bits)
};

// f32 operations; the f64 module is the same text with f32 -> f64.
const Op kOps[] = {
    {"sub_zero", "(f32.sub (local.get $x) (f32.const 0))", true},
    {"add_neg_zero", "(f32.add (local.get $x) (f32.const -0))", true},
    {"neg_zero_sub", "(f32.sub (f32.const -0) (local.get $x))", true},
    {"mul_one", "(f32.mul (local.get $x) (f32.const 1))", true},
    {"one_mul", "(f32.mul (f32.const 1) (local.get $x))", true},
    {"mul_neg_one", "(f32.mul (local.get $x) (f32.const -1))", true},
    {"div_one", "(f32.div (local.get $x) (f32.const 1))", true},
    {"div_neg_one", "(f32.div (local.get $x) (f32.const -1))", true},
    {"one_in_a_local", "(local.set $y (f32.const 1)) (f32.mul (local.get $x) (local.get $y))", true},
    // Constants LLVM learns only while optimising: a local never set is
    // 0.0, a conversion of an integer constant is 1.0.
    {"zero_local", "(f32.sub (local.get $x) (local.get $y))", true},
    {"one_from_an_integer", "(f32.mul (local.get $x) (f32.convert_i32_s (i32.const 1)))", true},
    {"one_from_an_integer_local",
     "(local.set $y (f32.convert_i32_u (i32.const 1))) (f32.div (local.get $x) (local.get $y))", true},
    {"min_self", "(f32.min (local.get $x) (local.get $x))", true},
    {"max_zero", "(f32.max (local.get $x) (f32.const -0))", true},
    {"nearest", "(f32.nearest (local.get $x))", true},
    {"ceil", "(f32.ceil (local.get $x))", true},
    {"floor", "(f32.floor (local.get $x))", true},
    {"trunc", "(f32.trunc (local.get $x))", true},
    {"sqrt", "(f32.sqrt (local.get $x))", true},
    {"neg", "(f32.neg (local.get $x))", false},
    {"abs", "(f32.abs (local.get $x))", false},
    {"neg_neg", "(f32.neg (f32.neg (local.get $x)))", false},
    {"copysign", "(f32.copysign (local.get $x) (f32.const -1))", false},
    {"copysign_pos", "(f32.copysign (local.get $x) (f32.const 1))", false},
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// f32 operations with no f64 twin by text replacement.
const Op kF32Only[] = {
    // Conversions between the formats (spec 4.3.4 promote/demote).
    {"promote_demote", "(f32.demote_f64 (f64.promote_f32 (local.get $x)))", true},
    {"one_from_bits", "(f32.mul (local.get $x) (f32.reinterpret_i32 (i32.const 0x3f800000)))", true},
    {"zero_lane", "(f32.sub (local.get $x) (f32x4.extract_lane 2 (v128.const i32x4 0 0 0 0)))", true},
    // Vector arithmetic: a zeroed v128 local, a splat of an integer.
    {"zero_vector_local",
     "(f32x4.extract_lane 0 (f32x4.sub (f32x4.splat (local.get $x)) (local.get $v)))", true},
    {"one_vector_from_integers",
     "(f32x4.extract_lane 1 (f32x4.mul (f32x4.splat (local.get $x)) (i32x4.splat (i32.const 0x3f800000))))",
     true},
};

std::vector<Op> ops_for(const char* type) {
  std::vector<Op> ops(std::begin(kOps), std::end(kOps));
  if (std::string(type) == "f32") ops.insert(ops.end(), std::begin(kF32Only), std::end(kF32Only));
  return ops;
}

std::string module_for(const char* type) {
  std::string funcs;
  for (const Op& op : kOps)
    funcs += std::string("(func (export \"") + op.name + "\") (param $x f32) (result f32) (local $y f32) " +
             op.body + ")\n";
  if (std::string(type) == "f64") return "(module\n" + replace_all(funcs, "f32", "f64") + ")";
  for (const Op& op : kF32Only)
    funcs += std::string("(func (export \"") + op.name + "\") (param $x f32) (result f32) (local $v v128) " +
             op.body + ")\n";
  return "(module\n" + funcs + ")";
}

bool is_nan32(uint32_t b) { return (b & 0x7f800000) == 0x7f800000 && (b & 0x7fffff); }
bool is_nan64(uint64_t b) { return (b & 0x7ff0000000000000) == 0x7ff0000000000000 && (b & 0xfffffffffffff); }

TEST(AotFloat, F32NaNsAgreeWithTheInterpreter) {
  std::string wat = module_for("f32");
  Engine interp(wat, aot_test::interp_config()), aot(wat, aot_test::aot_config());
  ASSERT_TRUE(interp.ok() && aot.ok());
  for (uint32_t bits : {0x7fa00000u, 0xffa00001u, 0x7f800001u, 0x7fc00000u, 0xffc12345u, 0x3f800000u, 0x80000000u}) {
    for (const Op& op : ops_for("f32")) {
      SCOPED_TRACE(std::string(op.name) + " of " + std::to_string(bits));
      auto a = interp.call(op.name, {Value::f32_bits_(bits)});
      auto b = aot.call(op.name, {Value::f32_bits_(bits)});
      ASSERT_TRUE(a && b);
      uint32_t want = (*a)[0].f32_bits, got = (*b)[0].f32_bits;
      if (op.arithmetic && is_nan32(want)) {
        ASSERT_TRUE(is_nan32(got)) << std::hex << got;
        EXPECT_TRUE(got & 0x400000) << "signalling NaN returned: " << std::hex << got;
      } else {
        EXPECT_EQ(got, want) << std::hex << got << " vs " << want;
      }
    }
  }
}

TEST(AotFloat, F64NaNsAgreeWithTheInterpreter) {
  std::string wat = module_for("f64");
  Engine interp(wat, aot_test::interp_config()), aot(wat, aot_test::aot_config());
  ASSERT_TRUE(interp.ok() && aot.ok());
  for (uint64_t bits : {0x7ff4000000000000ull, 0xfff4000000000001ull, 0x7ff0000000000001ull,
                        0x7ff8000000000000ull, 0x3ff0000000000000ull}) {
    for (const Op& op : ops_for("f64")) {
      SCOPED_TRACE(std::string(op.name) + " of " + std::to_string(bits));
      auto a = interp.call(op.name, {Value::f64_bits_(bits)});
      auto b = aot.call(op.name, {Value::f64_bits_(bits)});
      ASSERT_TRUE(a && b);
      uint64_t want = (*a)[0].f64_bits, got = (*b)[0].f64_bits;
      if (op.arithmetic && is_nan64(want)) {
        ASSERT_TRUE(is_nan64(got));
        EXPECT_TRUE(got & 0x8000000000000ull) << "signalling NaN returned: " << std::hex << got;
      } else {
        EXPECT_EQ(got, want) << std::hex << got << " vs " << want;
      }
    }
  }
}

}  // namespace
}  // namespace flint
