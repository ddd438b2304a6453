// Differences between compiled code and the interpreter found by the
// differential fuzzer (fuzz/README.md), one test per bug, each with the
// minimised module.
#include <gtest/gtest.h>

#include "engines.h"

namespace flint {
namespace {

// Fuzzer finding 1: an out-of-bounds load whose value does not matter. Spec
// 4.4.7: the load traps ("out of bounds memory access") because its address
// exceeds the 64 KiB memory; the interpreter traps, but LLVM deleted the
// load once its value no longer mattered (an `if` with empty arms, a
// `select` of equal values, a comparison its range decides, an argument
// the inlined callee ignores), so compiled code returned normally. Fixed by
// emitting every linear-memory access volatile (src/aot/llvm/memory_order.h).
constexpr const char* kDeletedLoad = R"((module
  (memory 1 1)
  (func (export "if_on_load")
    (if (i32.load offset=2969567232 (i32.const 0)) (then)))
  (func (export "select_same") (result i32)
    (select (i32.const 1) (i32.const 1) (i32.load offset=70000 (i32.const 0))))
  ;; The value is an argument the callee ignores (deleted after inlining; in
  ;; the fuzzer's module the callee also charged fuel first, so a later trap
  ;; came with a different global).
  ;; The value's only use is a comparison whose result its range decides
  ;; (a zero-extended byte is always >= INT64_MIN/2): folded even at -O0 by
  ;; LLVM's instruction selection, which then deletes the load.
  (func (export "known_comparison")
    (i32.store
      (i32.and (i64.le_s (i64.const -7993149350132406918) (i64.load8_u offset=67448 (i32.const 65515)))
               (i32.const 65535))
      (i32.const 7)))
  (func $ignore (param i64))
  (func (export "ignored_argument")
    (call $ignore (i64.load16_s offset=79620645 (i32.const 35)))))
)";

void expect_out_of_bounds(const char* name) {
  aot_test::expect_trap_in_both_engines(kDeletedLoad, name, ErrorCode::OutOfBoundsMemoryAccess);
}

TEST(AotFuzzRegressions, LoadDecidingAnEmptyIfStillTraps) { expect_out_of_bounds("if_on_load"); }
TEST(AotFuzzRegressions, LoadDecidingASelectOfEqualValuesStillTraps) {
  expect_out_of_bounds("select_same");
}
TEST(AotFuzzRegressions, LoadWhoseComparisonIsKnownStillTraps) {
  expect_out_of_bounds("known_comparison");
}
TEST(AotFuzzRegressions, LoadPassedToAParameterNobodyReadsStillTraps) {
  expect_out_of_bounds("ignored_argument");
}

// Fuzzer finding 2: a load whose value a branch, return or trap leaves
// behind on the operand stack. The value is discarded (as by `drop`), but
// the load still runs first and traps out of bounds (spec 4.4.7); compiled
// code skipped it, even unoptimised (FastISel drops unused instructions),
// and trapped on the next instruction instead ("integer overflow") or
// returned. Fixed since every load is emitted volatile (memory_order.h), so
// a discarded load still runs.
constexpr const char* kDiscardedByBranch = R"((module
  (memory 1 1)
  (func (export "return") (result i32)
    (i64.load16_s offset=79620742 (i32.const 35))
    (return (i32.trunc_f64_s (f64.const 0x1p+64))))
  (func (export "br_table") (result i32)
    (i64.load16_s offset=79620742 (i32.const 35))
    (i32.const 7) (i32.const 0) (br_table 0 0))
  (func (export "br") (result i32)
    (block (result i32) (f32.load offset=65534 (i32.const 0)) (i32.const 7) (br 0)))
  (func (export "unreachable")
    (i32.load (i32.const 65535)) (unreachable)))
)";

TEST(AotFuzzRegressions, LoadsLeftBelowABranchStillTrap) {
  for (const char* name : {"return", "br_table", "br", "unreachable"})
    aot_test::expect_trap_in_both_engines(kDiscardedByBranch, name, ErrorCode::OutOfBoundsMemoryAccess);
}

}  // namespace
}  // namespace flint
