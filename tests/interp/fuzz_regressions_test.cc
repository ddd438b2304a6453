// Interpreter bugs found by the differential fuzzer (fuzz/README.md), one
// test per bug with the minimised module. A test named DISABLED_ pins a bug
// that is not fixed yet: run it with --gtest_also_run_disabled_tests.
#include <gtest/gtest.h>

#include <cstring>

#include "flint/runtime.h"
#include "text/parse.h"

namespace flint {
namespace {

// Fuzzer finding 3: a branch to the function's label (br, br_if or
// br_table, not return) carrying two values, with one more value below them and the
// first computed by `select`, returns the second value twice. Spec 4.4.8
// (br l): the top n values, in order, are the results. Compiled code returns
// [1.75, 0.75]; the interpreter returned [0.75, 0.75] (and [7, 7] for the
// i32 form): the branch moved the values down to the label's slots, then the
// return it becomes read them from their old slots, one already overwritten.
constexpr const char* kBranchWithSelect = R"((module
  (func (export "br_table") (result f64 f64)
    (i32.const 1)
    (select (f64.const 0.5) (f64.const 1.75) (i32.const 0))
    (f64.const 0.75)
    (i32.const 2)
    (br_table 0 0))
  (func (export "br") (result f64 f64)
    (i32.const 1)
    (select (f64.const 0.5) (f64.const 1.75) (i32.const 0))
    (f64.const 0.75)
    (br 0))
  (func (export "br_if") (result f64 f64)
    (i32.const 1)
    (select (f64.const 0.5) (f64.const 1.75) (i32.const 0))
    (f64.const 0.75)
    (br_if 0 (i32.const 1))
    (drop) (drop) (drop) (f64.const 0) (f64.const 0))
  (func (export "return") (result f64 f64)
    (i32.const 1)
    (select (f64.const 0.5) (f64.const 1.75) (i32.const 0))
    (f64.const 0.75)
    (return))
  (func (export "i32") (result i32 i32)
    (i32.const 1)
    (select (i32.const 5) (i32.const 6) (i32.const 0))
    (i32.const 7)
    (i32.const 2)
    (br_table 0 0)))
)";

// The results of calling export `name` of the module `wat` with no arguments
// (empty when anything fails).
std::vector<Value> call_export(const char* wat, const char* name) {
  auto bytes = text::parse_wat(wat);
  EXPECT_TRUE(bytes);
  if (!bytes) return {};
  auto compiled = compile(*bytes);
  EXPECT_TRUE(compiled);
  if (!compiled) return {};
  Store store;
  auto instance = store.instantiate(**compiled, {});
  EXPECT_TRUE(instance);
  if (!instance) return {};
  auto r = store.call(*(*instance)->find_export(name), {});
  EXPECT_TRUE(r);
  return r ? *r : std::vector<Value>{};
}

std::vector<uint64_t> run(const char* name) {
  std::vector<uint64_t> out;
  for (const Value& v : call_export(kBranchWithSelect, name))
    out.push_back(v.type == ValType::I32 ? v.i32 : v.f64_bits);
  return out;
}

constexpr uint64_t k175 = 0x3ffc000000000000, k075 = 0x3fe8000000000000;

TEST(InterpFuzzRegressions, ReturnOfASelectAndAValue) {
  EXPECT_EQ(run("return"), (std::vector<uint64_t>{k175, k075}));
}
TEST(InterpFuzzRegressions, BranchToTheFunctionLabelWithASelectBelow) {
  EXPECT_EQ(run("br"), (std::vector<uint64_t>{k175, k075}));
  EXPECT_EQ(run("br_table"), (std::vector<uint64_t>{k175, k075}));
  EXPECT_EQ(run("br_if"), (std::vector<uint64_t>{k175, k075}));
  EXPECT_EQ(run("i32"), (std::vector<uint64_t>{6, 7}));
}

// Finding 3 is not about `select` or two values: any value computed into a
// stack slot (not a constant) that a branch to the function's label moves
// down over a value below it came back overwritten -- one v128 (two slots)
// or three results. Eight of the run's inputs
// (fuzz/regressions/interp-branch-values-*) were these shapes.
constexpr const char* kBranchOfComputedValues = R"((module
  (func (export "v128") (result v128)
    (i32.const 7)
    (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8))
    (br 0))
  (func (export "v128_br_table") (result v128)
    (i32.const 7)
    (i32x4.mul (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8))
    (br_table 0 0 (i32.const 1)))
  (func (export "three") (result f64 i64 f32)
    (i32.const 7)
    (f64.add (f64.const 1.5) (f64.const 0.25))
    (i64.const 9)
    (f32.const 0.5)
    (br 0)))
)";

std::vector<Value> run_computed(const char* name) { return call_export(kBranchOfComputedValues, name); }

V128 i32x4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  V128 v;
  const uint32_t lanes[4] = {a, b, c, d};
  std::memcpy(v.bytes, lanes, 16);
  return v;
}

TEST(InterpFuzzRegressions, BranchToTheFunctionLabelMovesAComputedVector) {
  auto v = run_computed("v128");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].v128, i32x4(6, 8, 10, 12));
  v = run_computed("v128_br_table");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].v128, i32x4(5, 12, 21, 32));
}

TEST(InterpFuzzRegressions, BranchToTheFunctionLabelMovesThreeComputedValues) {
  auto v = run_computed("three");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].f64_bits, k175);
  EXPECT_EQ(v[1].i64, 9u);
  EXPECT_EQ(v[2].f32_bits, 0x3f000000u);
}

}  // namespace
}  // namespace flint
