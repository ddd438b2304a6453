// Offsets and inlined frames in compiled code's trap backtraces (issue 16):
// LLVM inlines small callees into their callers, yet a trap's backtrace
// lists every wasm frame with its offset exactly as the interpreter does
// (aot/code_locations.h). Traps of each kind: an explicit check (integer
// division), a fault (an out-of-bounds load), `unreachable`, in leaves
// inlined one and two levels deep, and in a callee inlined into a loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <tuple>

#include "aot/code_locations.h"
#include "aot/llvm/codegen.h"
#include "binary/decoder.h"
#include "engines.h"

namespace flint {
namespace {

using aot_test::Engine;

constexpr const char* kInlined = R"((module
  (memory 1)
  ;; 0..2: a division by zero in a leaf two calls deep
  (func $divide (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
  (func $halve (param i32) (result i32) (i32.add (call $divide (local.get 0)) (i32.const 1)))
  (func (export "div") (param i32) (result i32) (i32.mul (call $halve (local.get 0)) (i32.const 3)))
  ;; 3..5: a load out of bounds
  (func $read (param i32) (result i32) (i32.load offset=8 (local.get 0)))
  (func $twice (param i32) (result i32) (i32.add (call $read (local.get 0)) (call $read (i32.const 0))))
  (func (export "load") (param i32) (result i32) (i32.sub (call $twice (local.get 0)) (i32.const 1)))
  ;; 6..7: unreachable
  (func $fail (param i32) (result i32) (if (i32.gt_u (local.get 0) (i32.const 5)) (then (unreachable))) (local.get 0))
  (func (export "fail") (param i32) (result i32) (i32.add (call $fail (local.get 0)) (call $fail (i32.const 1))))
  ;; 8: a loop whose 1000th iteration divides by zero
  (func (export "spin") (param i32) (result i32) (local $i i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (call $divide (i32.sub (local.get $i) (local.get 0)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2000))))
    (local.get $sum))
  ;; 9..10: a load the code generator may fold into the addition, a store
  (func (export "add_load") (param i32) (result i32)
    (i32.add (local.get 0) (i32.load offset=4 (i32.add (local.get 0) (i32.const 8)))))
  (func (export "store") (param i32) (result i32)
    (i32.store16 offset=2 (local.get 0) (i32.const 7)) (i32.const 0)))
)";

class InlinedBacktrace : public ::testing::Test {
 protected:
  Engine interp{kInlined, aot_test::interp_config()};
  Engine aot{kInlined, aot_test::aot_config()};

  /// Runs `name` in both engines; both must trap with `code`.
  void expect_same_trap(const char* name, std::vector<Value> args, ErrorCode code) {
    ASSERT_TRUE(interp.ok() && aot.ok());
    auto a = interp.call(name, args);
    auto b = aot.call(name, args);
    ASSERT_FALSE(a.ok() || b.ok());
    EXPECT_EQ(a.error().code, code);
    EXPECT_EQ(b.error().code, code);
  }
};

TEST_F(InlinedBacktrace, AnExplicitTrapInAnInlinedLeafHasEveryFrameAndOffset) {
  expect_same_trap("div", {Value::i32_(0)}, ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(aot.located_frames(), interp.located_frames());
  EXPECT_EQ(aot.frames(), (std::vector<uint32_t>{0, 1, 2}));
  for (const BacktraceFrame& f : aot.store->last_backtrace()) EXPECT_TRUE(f.offset);
}

TEST_F(InlinedBacktrace, AFaultInAnInlinedLeafHasEveryFrameAndOffset) {
  // The first of $twice's two calls faults: its own offset, not the second's.
  expect_same_trap("load", {Value::i32_(65536)}, ErrorCode::OutOfBoundsMemoryAccess);
  EXPECT_EQ(aot.located_frames(), interp.located_frames());
  EXPECT_EQ(aot.frames(), (std::vector<uint32_t>{3, 4, 5}));
}

TEST_F(InlinedBacktrace, UnreachableInTheFirstOfTwoInlinedCalls) {
  expect_same_trap("fail", {Value::i32_(9)}, ErrorCode::Unreachable);
  EXPECT_EQ(aot.located_frames(), interp.located_frames());
  EXPECT_EQ(aot.frames(), (std::vector<uint32_t>{6, 7}));
}

TEST_F(InlinedBacktrace, ATrapInsideALoopHasTheCallsOffset) {
  expect_same_trap("spin", {Value::i32_(1000)}, ErrorCode::IntegerDivideByZero);
  EXPECT_EQ(aot.located_frames(), interp.located_frames());
}

// A function LLVM inlined nothing into keeps its offset too (with line
// tables only, LLVM leaves such a function out of the debug information
// unless asked to keep it).
TEST(LeafBacktrace, ATrapInAFunctionWithoutInlinedCallsHasItsOffset) {
  const char* wat = R"((module
    (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))))";
  Engine interp{wat, aot_test::interp_config()};
  Engine aot{wat, aot_test::aot_config()};
  ASSERT_TRUE(interp.ok() && aot.ok());
  ASSERT_FALSE(interp.call("div", {Value::i32_(0)}).ok());
  ASSERT_FALSE(aot.call("div", {Value::i32_(0)}).ok());
  EXPECT_EQ(aot.located_frames(), interp.located_frames());
  ASSERT_EQ(aot.located_frames().size(), 1u);
  EXPECT_TRUE(aot.located_frames()[0].second);
}

// Code of the quick effort (fast instruction selection, no inlining;
// FLINT_COMPILE_EFFORT=quick gives it to every function of this small
// module) keeps its locations too: explicit traps have every frame with the
// interpreter's offsets. (Before its functions kept their debug information,
// above, none had one.)
TEST(QuickCodeBacktrace, ExplicitTrapsHaveTheInterpretersOffsets) {
  setenv("FLINT_COMPILE_EFFORT", "quick", 1);
  Engine quick{kInlined, aot_test::aot_config()};
  unsetenv("FLINT_COMPILE_EFFORT");
  Engine interp{kInlined, aot_test::interp_config()};
  ASSERT_TRUE(quick.ok() && interp.ok());
  struct Case {
    const char* name;
    uint32_t argument;
    ErrorCode code;
  };
  for (const Case& c :
       {Case{"div", 0, ErrorCode::IntegerDivideByZero}, Case{"fail", 9, ErrorCode::Unreachable},
        Case{"spin", 1000, ErrorCode::IntegerDivideByZero}}) {
    SCOPED_TRACE(c.name);
    auto a = interp.call(c.name, {Value::i32_(c.argument)});
    auto b = quick.call(c.name, {Value::i32_(c.argument)});
    ASSERT_FALSE(a.ok() || b.ok());
    EXPECT_EQ(b.error().code, c.code);
    EXPECT_EQ(quick.located_frames(), interp.located_frames());
    for (const BacktraceFrame& f : quick.store->last_backtrace()) EXPECT_TRUE(f.offset);
  }
}

// A module above TargetOptions::quick_module_instructions (a Go binary, a
// Python component) keeps the offsets of its calls and memory accesses
// only, which is where every frame of a backtrace is: explicit traps are
// calls (to the trap helper), a fault's innermost frame is at an access, so
// their backtraces are the interpreter's.
class LargeModuleBacktrace : public ::testing::Test {
 protected:
  Engine interp{kInlined, aot_test::interp_config()};
  Engine large{kInlined, aot_test::aot_config()};

  void SetUp() override {
    auto wasm = text::parse_wat(kInlined);
    ASSERT_TRUE(wasm);
    aot::TargetOptions target;
    target.quick_module_instructions = 1;    // as if the module were large
    target.quick_function_instructions = 4;  // large functions too: Effort::Quick
    auto artifact = aot::compile_to_artifact(*wasm, {}, target);
    ASSERT_TRUE(artifact) << artifact.error().describe();
    large.load_artifact(*artifact);
  }
  void trap_in_both(const char* name, uint32_t argument, ErrorCode code) {
    ASSERT_TRUE(interp.ok() && large.ok());
    auto a = interp.call(name, {Value::i32_(argument)});
    auto b = large.call(name, {Value::i32_(argument)});
    ASSERT_FALSE(a.ok() || b.ok());
    EXPECT_EQ(b.error().code, code);
  }
};

TEST_F(LargeModuleBacktrace, ExplicitTrapsHaveEveryFrameAndOffset) {
  for (auto [name, argument, code] : {std::tuple{"div", 0u, ErrorCode::IntegerDivideByZero},
                                      std::tuple{"fail", 9u, ErrorCode::Unreachable},
                                      std::tuple{"spin", 1000u, ErrorCode::IntegerDivideByZero}}) {
    SCOPED_TRACE(name);
    trap_in_both(name, argument, code);
    EXPECT_EQ(large.located_frames(), interp.located_frames());
    for (const BacktraceFrame& f : large.store->last_backtrace()) EXPECT_TRUE(f.offset);
  }
}

TEST_F(LargeModuleBacktrace, AFaultHasEveryFrameAndOffset) {
  for (auto [name, frames] :
       {std::pair{"load", 3u}, std::pair{"add_load", 1u}, std::pair{"store", 1u}}) {
    SCOPED_TRACE(name);
    trap_in_both(name, 65536, ErrorCode::OutOfBoundsMemoryAccess);
    ASSERT_EQ(interp.located_frames().size(), frames);
    EXPECT_EQ(large.located_frames(), interp.located_frames());
    for (const BacktraceFrame& f : large.store->last_backtrace()) EXPECT_TRUE(f.offset);
  }
}

// The table itself: the compiler records the division's chain of three
// frames at some address of the code (LLVM inlined both calls), the
// artifact keeps it, and nothing of DWARF is left in the shared object.
TEST(CodeLocationsTable, TheCompilerRecordsInlinedChains) {
  auto wasm = text::parse_wat(kInlined);
  ASSERT_TRUE(wasm);
  auto artifact_bytes = aot::compile_to_artifact(*wasm, {});
  ASSERT_TRUE(artifact_bytes) << artifact_bytes.error().describe();
  auto artifact = aot::decode_artifact(*artifact_bytes);
  ASSERT_TRUE(artifact);
  ASSERT_FALSE(artifact->code_locations.empty());
  auto table = aot::CodeLocations::decode(artifact->code_locations);
  ASSERT_TRUE(table) << table.error().describe();
  std::string so(artifact->shared_object.begin(), artifact->shared_object.end());
  EXPECT_EQ(so.find(".debug_line"), std::string::npos);
  EXPECT_EQ(so.find(".debug_info"), std::string::npos);
  // Look through every address of the code (the first MiB: this module's
  // code is a few KB, its segments page-aligned) for the division's chain.
  bool found = false;
  for (uint64_t address = 0; address < (1u << 20) && !found; ++address) {
    std::vector<aot::FrameLocation> chain = table->at(address);
    found =
        chain.size() == 3 && chain[0].function == 0 && chain[1].function == 1 &&
        chain[2].function == 2 &&
        std::all_of(chain.begin(), chain.end(), [](const auto& f) { return f.offset.has_value(); });
  }
  EXPECT_TRUE(found) << "no address of the code holds $divide inlined into $halve into div";
}

TEST(CodeLocationsTable, RoundTripsAndRejectsDamage) {
  aot::CodeLocations table;
  std::vector<aot::FrameLocation> inner = {{4, 120}, {5, 140}}, outer = {{5, std::nullopt}};
  table.add_range(0x100, inner);
  table.add_range(0x110, inner);  // the same chain: one range
  table.add_range(0x120, outer);
  table.add_range(0x130, {});
  table.add_range(0x140, inner);  // pooled once
  auto decoded = aot::CodeLocations::decode(table.encode());
  ASSERT_TRUE(decoded) << decoded.error().describe();
  EXPECT_TRUE(decoded->at(0xff).empty());
  EXPECT_EQ(decoded->at(0x100), inner);
  EXPECT_EQ(decoded->at(0x11f), inner);
  EXPECT_EQ(decoded->at(0x120), outer);
  EXPECT_TRUE(decoded->at(0x135).empty());
  EXPECT_EQ(decoded->at(0x1000), inner);
  std::vector<uint8_t> bytes = table.encode();
  // 4 ranges: their count, 0x100 (2 bytes) and chain +1, then three of 0x20
  // or 0x10 and a chain step (+5, -6, +1: 1 byte each); the pool: its
  // count, then inner's 5 words (141 takes 2 bytes) and outer's 3.
  std::vector<uint8_t> expected = {4, 0x80, 0x02, 1, 0x20, 5, 0x10, 0x7a, 0x10, 1};
  for (uint8_t pooled : {8, 2, 4, 121, 5, 141, 1, 1, 5, 0}) expected.push_back(pooled);
  EXPECT_EQ(bytes, expected);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + cut);
    EXPECT_FALSE(aot::CodeLocations::decode(truncated)) << "cut at " << cut;
  }
  std::vector<uint8_t> bad_chain = bytes;
  bad_chain[3] = 0x3f;  // the first range's chain +63: outside the pool
  EXPECT_FALSE(aot::CodeLocations::decode(bad_chain));
  std::vector<uint8_t> unordered = bytes;
  unordered[4] = 0;  // the second range at the first's address
  EXPECT_FALSE(aot::CodeLocations::decode(unordered));
  std::vector<uint8_t> below_none = bytes;
  below_none[7] = 0x79;  // the third range's chain 7 back: before the first
  EXPECT_FALSE(aot::CodeLocations::decode(below_none));
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(aot::CodeLocations::decode(longer));
}

// A loaded module keeps its table's bytes and decodes them at the first
// backtrace; bytes that do not decode leave frames without offsets.
TEST(CodeLocationsTable, ALazyTableDecodesAtFirstUseAndDamageLeavesItEmpty) {
  aot::CodeLocations table;
  std::vector<aot::FrameLocation> chain = {{2, 30}};
  table.add_range(0x40, chain);
  aot::LazyCodeLocations lazy(table.encode());
  EXPECT_EQ(lazy.table().at(0x44), chain);
  EXPECT_EQ(lazy.table().at(0x48), chain);  // decoded once, still there
  std::vector<uint8_t> truncated = table.encode();
  truncated.pop_back();
  aot::LazyCodeLocations damaged(std::move(truncated));
  EXPECT_TRUE(damaged.table().empty());
  EXPECT_TRUE(damaged.table().at(0x44).empty());
}

}  // namespace
}  // namespace flint

namespace flint {
namespace {

using aot_test::Engine;

// A function compiled as its loop entry alone (aot::LoopEntry::Only, a
// tiered run's first compile) is entered through a wrapper at every call:
// two machine frames a call (unless the optimiser inlines the wrapper), of
// which the backtrace shows the loop entry's. A trap 200 calls deep has
// the interpreter's 64 frames with their offsets, not half as many.
TEST(LoopEntryBacktrace, ARecursiveFunctionEnteredThroughItsWrapperHasEveryFrame) {
  constexpr const char* kRecursive = R"((module
    (func $down (export "down") (param $n i32) (result i32)
      (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
      (if (result i32) (i32.eqz (local.get $n))
        (then (unreachable))
        (else (i32.add (local.get $i)
                       (call $down (i32.sub (local.get $n) (i32.const 1)))))))))";
  Engine interp{kRecursive, aot_test::interp_config()};
  Engine entered{kRecursive, aot_test::aot_config()};
  auto wasm = text::parse_wat(kRecursive);
  ASSERT_TRUE(wasm);
  aot::ArtifactOptions options;
  options.loop_entries = {aot::LoopEntry::Only};
  aot::TargetOptions unoptimised;  // which keeps every wrapper's frame (never inlined)
  unoptimised.opt_level = 0;
  auto artifact = aot::compile_to_artifact(*wasm, options, unoptimised);
  ASSERT_TRUE(artifact) << artifact.error().describe();
  entered.load_artifact(*artifact);
  ASSERT_TRUE(interp.ok() && entered.ok());
  auto a = interp.call("down", {Value::i32_(200)});
  auto b = entered.call("down", {Value::i32_(200)});
  ASSERT_FALSE(a.ok() || b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::Unreachable);
  ASSERT_EQ(interp.located_frames().size(), 64u);
  EXPECT_EQ(entered.located_frames(), interp.located_frames());
}

}  // namespace
}  // namespace flint
