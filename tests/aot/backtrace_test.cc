// Wasm backtraces of traps in compiled code (src/aot/backtrace.h) against
// the interpreter's for the same module: signals (out-of-bounds access) and
// explicit traps (unreachable, stack exhaustion), through call_indirect and
// through an interpreted callee, named from the name section.
#include <gtest/gtest.h>

#include "engines.h"

namespace flint {
namespace {

using aot_test::Engine;

constexpr const char* kModule = R"((module
  (memory 1)
  (type $v (func))
  (table 2 funcref)
  (elem (i32.const 0) $boom $walk_to_oob)
  ;; 0: traps when n reaches 0; recursion keeps every frame (no inlining)
  (func $rec (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (unreachable))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  ;; 1
  (func $boom (unreachable))
  ;; 2: an out-of-bounds load two calls deep
  (func $walk (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.load (i32.const -4)))
      (else (i32.add (call $walk (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
  ;; 3
  (func $walk_to_oob (drop (call $walk (i32.const 2))))
  ;; 4..
  (func $infinite (param i32) (result i32) (i32.add (call $infinite (local.get 0)) (i32.const 1)))
  (func (export "recurse") (result i32) (call $rec (i32.const 4)))
  (func (export "indirect") (param i32) (call_indirect (type $v) (local.get 0)))
  (func (export "oob") (result i32) (call $walk (i32.const 3)))
  (func (export "overflow") (result i32) (call $infinite (i32.const 0)))
  (func (export "fine") (result i32) (i32.const 7)))
)";

class AotBacktrace : public ::testing::Test {
 protected:
  Engine interp{kModule, aot_test::interp_config()};
  Engine aot{kModule, aot_test::aot_config()};
};

TEST_F(AotBacktrace, DirectRecursionShowsEveryFrame) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  auto a = interp.call("recurse");
  auto b = aot.call("recurse");
  ASSERT_FALSE(a.ok() || b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::Unreachable);
  EXPECT_EQ(aot.frames(), interp.frames());
  EXPECT_EQ(aot.frames().size(), 6u);  // rec x5, recurse
  EXPECT_EQ(aot.store->last_backtrace().front().name, "rec");
  EXPECT_EQ(b.error().function, 0u);
}

TEST_F(AotBacktrace, CallIndirectFrames) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  auto a = interp.call("indirect", {Value::i32_(0)});
  auto b = aot.call("indirect", {Value::i32_(0)});
  ASSERT_FALSE(a.ok() || b.ok());
  EXPECT_EQ(aot.frames(), interp.frames());
  ASSERT_EQ(aot.frames().size(), 2u);
  EXPECT_EQ(aot.store->last_backtrace()[0].name, "boom");
  // Through the table into a function that faults: a signal this time.
  a = interp.call("indirect", {Value::i32_(1)});
  b = aot.call("indirect", {Value::i32_(1)});
  ASSERT_FALSE(a.ok() || b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  EXPECT_EQ(aot.frames(), interp.frames());
}

TEST_F(AotBacktrace, OutOfBoundsLoadInANestedCall) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  auto a = interp.call("oob");
  auto b = aot.call("oob");
  ASSERT_FALSE(a.ok() || b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  EXPECT_EQ(aot.frames(), interp.frames());  // walk x4, oob
  EXPECT_EQ(aot.frames().size(), 5u);
}

TEST_F(AotBacktrace, StackOverflowKeepsTheInnermostFrames) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  auto a = interp.call("overflow");
  auto b = aot.call("overflow");
  ASSERT_FALSE(a.ok() || b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::CallStackExhausted);
  EXPECT_EQ(aot.frames(), interp.frames());
  EXPECT_EQ(aot.frames().size(), 64u);
}

TEST_F(AotBacktrace, ASuccessfulCallLeavesNoBacktrace) {
  ASSERT_TRUE(aot.ok());
  ASSERT_FALSE(aot.call("recurse").ok());
  ASSERT_TRUE(aot.call("fine").ok());
  EXPECT_TRUE(aot.store->last_backtrace().empty());
}

TEST(AotBacktraceMixed, AnInterpretedCalleesFramesComeFirst) {
  constexpr const char* kCallee = R"((module
    (func $deep (param i32) (if (local.get 0) (then (call $deep (i32.sub (local.get 0) (i32.const 1)))) (else (unreachable))))
    (func (export "fail") (call $deep (i32.const 2)))))";
  constexpr const char* kCaller = R"((module
    (import "m" "fail" (func $fail))
    (func $middle (param i32) (if (local.get 0) (then (call $middle (i32.sub (local.get 0) (i32.const 1)))) (else (call $fail))))
    (func (export "go") (call $middle (i32.const 1)))))";
  aot::set_in_process_compiler(aot::compile_to_artifact);
  auto run = [&](EngineKind caller_engine) {
    Store store;
    Linker linker;
    auto callee = compile(*text::parse_wat(kCallee), Config{});
    Config caller_config;
    caller_config.engine = caller_engine;
    auto caller = compile(*text::parse_wat(kCaller), caller_config);
    EXPECT_TRUE(callee && caller);
    auto c = linker.instantiate(store, **callee);
    linker.define_instance("m", **c);
    auto d = linker.instantiate(store, **caller);
    EXPECT_TRUE(d);
    auto r = store.call(*(*d)->find_export("go"), {});
    EXPECT_FALSE(r.ok());
    std::vector<std::string> names;
    for (const BacktraceFrame& f : store.last_backtrace()) names.push_back(f.name);
    return names;
  };
  std::vector<std::string> expected = {"deep", "deep", "deep", "fail", "middle", "middle", "go"};
  EXPECT_EQ(run(EngineKind::Interpreter), expected);
  EXPECT_EQ(run(EngineKind::Aot), expected);
}

}  // namespace
}  // namespace flint
