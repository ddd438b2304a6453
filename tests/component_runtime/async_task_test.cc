// Async lifts and lowers whose caller waits (CanonicalABI.md, "canon lift"
// and "canon lower" with `async`; "canon task.return"): the result handed
// over by task.return, the callback loop's EXIT and YIELD, the subtask
// state an async lower returns, and the traps of each rule.
#include <gtest/gtest.h>

#include "component_run.h"

namespace flint::component {
namespace {

using AsyncTask = ComponentRun;

// A component whose exports are lifted with `async`, each a different way
// of handing the result over (or failing to).
constexpr const char* kAsyncExports = R"WAT((component
  (core module $Memory (memory (export "mem") 1))
  (core instance $memory (instantiate $Memory))
  (core func $return-u32 (canon task.return (result u32)))
  (core func $return-string (canon task.return (result string)
    (memory (core memory $memory "mem"))))
  (core func $return-nothing (canon task.return))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "return-u32" (func $return-u32 (param i32)))
    (import "" "return-string" (func $return-string (param i32 i32)))
    (import "" "return-nothing" (func $return-nothing))
    (global $steps (mut i32) (i32.const 0))
    (data (i32.const 16) "async hello")
    (func (export "add") (param i32 i32)
      (call $return-u32 (i32.add (local.get 0) (local.get 1))))
    (func (export "greet")
      (call $return-string (i32.const 16) (i32.const 11)))
    (func (export "forget"))
    (func (export "twice")
      (call $return-u32 (i32.const 1))
      (call $return-u32 (i32.const 2)))
    (func (export "wrong-type")
      (call $return-nothing))
    ;; The callback form: start yields twice, then the callback returns.
    (func (export "start") (result i32)
      (global.set $steps (i32.const 0))
      (i32.const 1 (; YIELD ;)))
    (func (export "callback") (param i32 i32 i32) (result i32)
      (global.set $steps (i32.add (global.get $steps) (i32.const 1)))
      (if (i32.lt_u (global.get $steps) (i32.const 2))
        (then (return (i32.const 1 (; YIELD ;)))))
      (call $return-u32 (global.get $steps))
      (i32.const 0 (; EXIT ;)))
    (func (export "wait") (result i32) (i32.const 0x12 (; WAIT on set 1 ;)))
    (func (export "return-then-yield") (result i32)
      (call $return-u32 (i32.const 7))
      (i32.const 1 (; YIELD ;)))
    (func (export "yield") (result i32) (i32.const 1 (; YIELD ;)))
    (func (export "yield-cb") (param i32 i32 i32) (result i32) (i32.const 1 (; YIELD ;))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $memory "mem"))
    (export "return-u32" (func $return-u32))
    (export "return-string" (func $return-string))
    (export "return-nothing" (func $return-nothing))))))
  (func (export "add") async (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $m "add") async))
  (func (export "greet") async (result string)
    (canon lift (core func $m "greet") async (memory (core memory $memory "mem"))))
  (func (export "forget") async (result u32) (canon lift (core func $m "forget") async))
  (func (export "twice") async (result u32) (canon lift (core func $m "twice") async))
  (func (export "wrong-type") async (result u32) (canon lift (core func $m "wrong-type") async))
  (func (export "steps") async (result u32)
    (canon lift (core func $m "start") async (callback (core func $m "callback"))))
  (func (export "return-then-yield") async (result u32)
    (canon lift (core func $m "return-then-yield") async (callback (core func $m "yield-cb"))))
  (func (export "yield-forever") async (result u32)
    (canon lift (core func $m "yield") async (callback (core func $m "yield-cb"))))
  (func (export "wait") async (result u32)
    (canon lift (core func $m "wait") async (callback (core func $m "callback"))))
))WAT";

TEST_P(AsyncTask, TaskReturnHandsTheResultToTheWaitingCaller) {
  auto instance = instantiate_text(kAsyncExports);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto sum = call(*instance, "add", {u32(40), u32(2)});
  ASSERT_TRUE(sum) << sum.error().describe();
  EXPECT_EQ((*sum)->as_unsigned(), 42u);
  auto greeting = call(*instance, "greet");
  ASSERT_TRUE(greeting) << greeting.error().describe();
  EXPECT_EQ((*greeting)->as_string(), "async hello");
}

TEST_P(AsyncTask, TheCallbackLoopResumesAfterEachYieldUntilExit) {
  auto instance = instantiate_text(kAsyncExports);
  ASSERT_TRUE(instance) << instance.error().describe();
  for (int run = 0; run < 2; ++run) {  // the task state does not outlive a call
    auto steps = call(*instance, "steps");
    ASSERT_TRUE(steps) << steps.error().describe();
    EXPECT_EQ((*steps)->as_unsigned(), 2u);
  }
}

TEST_P(AsyncTask, EachBrokenRuleTrapsWithItsWordsAndPoisonsTheInstance) {
  const std::pair<const char*, ErrorCode> cases[] = {
      {"forget", ErrorCode::TaskNoResult},
      {"twice", ErrorCode::TaskReturnTwice},
      {"wrong-type", ErrorCode::TaskReturnMismatch},
      {"wait", ErrorCode::UnknownHandle},  // waitable set 1 does not exist
  };
  for (const auto& [name, code] : cases) {
    auto instance = instantiate_text(kAsyncExports);
    ASSERT_TRUE(instance) << instance.error().describe();
    auto r = call(*instance, name);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, code) << name << ": " << r.error().describe();
    // The trap may have left the instance in any state: it is not entered again.
    auto sum = call(*instance, "add", {u32(1), u32(2)});
    ASSERT_FALSE(sum) << name;
    EXPECT_EQ(sum.error().code, ErrorCode::CannotEnterComponent) << sum.error().describe();
  }
}

// fuzz_component's second finding: a task that returned its result and
// then yielded forever kept its waiting caller in the callback loop for
// good. The caller has its result: the task is not resumed.
TEST_P(AsyncTask, ATaskThatYieldsAfterReturningDoesNotHoldItsCaller) {
  auto instance = instantiate_text(kAsyncExports);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto r = call(*instance, "return-then-yield");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ((*r)->as_unsigned(), 7u);
}

// Each callback step is a call from the host, with a fresh fuel budget of
// its own; under fuel the task's loop counts as one call, so a task that
// yields forever without returning runs out.
TEST_P(AsyncTask, UnderFuelATaskThatYieldsForeverRunsOut) {
  Config limited = config();
  limited.fuel = 10'000;
  auto bytes = text::parse_wat(kAsyncExports);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  auto compiled = CompiledComponent::compile(std::move(*bytes), limited);
  ASSERT_TRUE(compiled) << compiled.error().describe();
  Store store(limited);
  auto instance = instantiate(store, *compiled, {});
  ASSERT_TRUE(instance) << instance.error().describe();
  auto forever = find_function(**instance, "yield-forever");
  ASSERT_TRUE(forever);
  auto r = (*forever)->call(store, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::OutOfFuel) << r.error().describe();
}

// An async lower of an async function that finishes before it returns
// (lifted synchronously): the subtask is RETURNED (2) at once and the result is at the pointer,
// even a string (allocated with the caller's realloc).
TEST_P(AsyncTask, AnAsyncLowerReturnsReturnedAndStoresTheResult) {
  std::string wat = std::string(R"WAT((component
    (component $C
      (core module $M
        (memory (export "mem") 1)
        (data (i32.const 0) "from C")
        (func (export "name") (param i32 i32 i32 i32 i32) (result i32)
          (i32.store (i32.const 64) (i32.const 0))
          (i32.store (i32.const 68) (i32.const 6))
          (i32.const 64)))
      (core instance $m (instantiate $M))
      (func (export "name") async (param "a" u32) (param "b" u32) (param "c" u32)
                             (param "d" u32) (param "e" u32) (result string)
        (canon lift (core func $m "name") (memory (core memory $m "mem")))))
    ;; The caller is C's sibling: a parent may not call into its child.
    (component $D
      (import "name" (func $name-import async (param "a" u32) (param "b" u32) (param "c" u32)
                                        (param "d" u32) (param "e" u32) (result string)))
      (core module $A )WAT") +
                    kAllocator + R"WAT()
      (core instance $a (instantiate $A))
      (core func $name (canon lower (func $name-import) async
        (memory (core memory $a "mem")) (realloc (core func $a "realloc"))))
      (core module $Main
        (import "" "mem" (memory 1))
        (import "" "name" (func $name (param i32 i32) (result i32)))
        (func (export "run") (result i32)
          ;; five u32 parameters are more than 4: they go through memory
          (if (i32.ne (call $name (i32.const 128) (i32.const 256)) (i32.const 2))
            (then unreachable))
          (i32.load offset=4 (i32.const 256))))
      (core instance $main (instantiate $Main (with "" (instance
        (export "mem" (memory $a "mem"))
        (export "name" (func $name))))))
      (func (export "run") async (result u32) (canon lift (core func $main "run"))))
    (instance $c (instantiate $C))
    (instance $d (instantiate $D (with "name" (func $c "name"))))
    (func (export "run") (alias export $d "run"))
  ))WAT";
  auto instance = instantiate_text(wat);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto length = call(*instance, "run");
  ASSERT_TRUE(length) << length.error().describe();
  EXPECT_EQ((*length)->as_unsigned(), 6u);
}

INSTANTIATE_COMPONENT_RUN_ENGINES(AsyncTask);

}  // namespace
}  // namespace flint::component
