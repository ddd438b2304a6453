// Compiled-code shapes found while triaging the differential fuzzer's first
// 30-minute run (fuzz/README.md, "The 30-minute run"; inputs in
// fuzz/regressions/), each a minimised module run by both engines.
#include <gtest/gtest.h>

#include "engines.h"

namespace flint {
namespace {

using aot_test::Engine;

// Fuzzer finding 1, the SIMD form (input deleted-load-simd-lane, reported as
// "compiled code wrote a byte next to the end of memory before trapping").
// A v128 load out of bounds whose value only feeds lanes that do not depend
// on the loaded bytes -- the high half of a zero-extended lane, the zeroed
// lanes of load32_zero/load64_zero, a lane load_lane did not write, a vector
// anded with zero. Spec 4.4.7.2 (v128.loadNxM_sx, load_zero, load_lane):
// the access traps "out of bounds memory access" whatever lanes are used.
// Before every memory access was volatile, LLVM folded those lanes to
// constants and deleted the load, even unoptimised (instruction selection),
// so compiled code went on: it returned, or -- the fuzzer's module --
// executed an in-bounds store at 65527 and then trapped on a later store,
// leaving a byte the interpreter never wrote. Wasmtime traps at the load and
// leaves memory untouched, as the interpreter does.
constexpr const char* kSimdLoadsOfKnownLanes = R"((module
  (memory (export "mem") 1 1)
  (func (export "extended_high_half") (result i32)
    (i16x8.extract_lane_u 1 (v128.load16x4_u (i32.const 65532))))
  (func (export "load32_zero_lane") (result i32)
    (i32x4.extract_lane 1 (v128.load32_zero (i32.const 65534))))
  (func (export "load64_zero_lane") (result i32)
    (i32x4.extract_lane 3 (v128.load64_zero (i32.const 65534))))
  (func (export "lane_not_loaded") (result i32)
    (i8x16.extract_lane_u 0 (v128.load8_lane 3 (i32.const 65536) (v128.const i64x2 0 0))))
  (func (export "anded_with_zero") (result i32)
    (i64x2.all_true (v128.and (v128.const i64x2 0 0) (v128.load (i32.const 65530)))))
  ;; The fuzzer's shape: the lane stored is always zero; the stores after
  ;; the load must not run.
  (func (export "store_lane_then_trap")
    (v128.store16_lane offset=42955 1 (i32.const 110)
      (v128.load16x4_u offset=31 (i32.const 65515)))
    (i64.store16 offset=10 (i32.const 65517) (i64.const 181))
    (i64.store16 offset=4 (i32.const 65535) (i64.const 7))))
)";

TEST(AotFuzzTriage, SimdLoadsWhoseUsedLanesAreKnownStillTrap) {
  for (const char* name : {"extended_high_half", "load32_zero_lane", "load64_zero_lane", "lane_not_loaded",
                           "anded_with_zero", "store_lane_then_trap"}) {
    aot_test::expect_trap_in_both_engines(
        kSimdLoadsOfKnownLanes, name, ErrorCode::OutOfBoundsMemoryAccess, [](Engine& e) {
          // Nothing after the trapping load ran: no byte of memory was written.
          std::span<uint8_t> memory = e.store->memory_data(*e.instance->find_export("mem"));
          ASSERT_EQ(memory.size(), 65536u);
          for (size_t i = 0; i < memory.size(); ++i) ASSERT_EQ(memory[i], 0) << "memory[" << i << "]";
        });
  }
}

}  // namespace
}  // namespace flint
