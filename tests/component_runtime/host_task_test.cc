// Host functions of `async` type as tasks (component_runtime/host_function.h):
// a guest that lowers one async goes on while the host waits, and the
// store's loop sleeps until the first host wait ends.
#include <gtest/gtest.h>

#include <chrono>

#include "component_run.h"
#include "component_runtime/host_interface.h"

namespace flint::component {
namespace {

using HostTask = ComponentRun;

/// `sleep: async func(ms: u32) -> u32`: waits `ms` milliseconds, returns `ms`.
ComponentLinker sleeping_linker() {
  ComponentLinker linker;
  FunctionTypePtr type = wit::async_func({{"ms", wit::u32()}}, wit::u32());
  linker.define(
      "sleep", FunctionPtr(std::make_shared<HostFunction>(
                   type,
                   [](Store& store,
                      std::span<const ComponentValue> a) -> Result<std::optional<ComponentValue>> {
                     const auto deadline = std::chrono::steady_clock::now() +
                                           std::chrono::milliseconds(a[0].as_unsigned());
                     auto due = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
                     FLINT_TRY(wait_in_host(store, due, HostWait{deadline, -1, 0}));
                     return std::optional<ComponentValue>(a[0]);
                   })));
  return linker;
}

// Two sleeps lowered async, the long one first: both are STARTED when the
// lowers return, and the short one's event comes first.
constexpr const char* kTwoSleeps = R"WAT((component
  (import "sleep" (func $sleep async (param "ms" u32) (result u32)))
  (core module $Mem (memory (export "mem") 1))
  (core instance $mem (instantiate $Mem))
  (core func $sleep-async (canon lower (func $sleep) async (memory (core memory $mem "mem"))))
  (core func $new (canon waitable-set.new))
  (core func $join (canon waitable.join))
  (core func $wait (canon waitable-set.wait (memory (core memory $mem "mem"))))
  (core func $drop (canon subtask.drop))
  (core func $return (canon task.return (result u32)))
  (core module $M
    (import "" "mem" (memory 1))
    (import "" "sleep" (func $sleep (param i32 i32) (result i32)))
    (import "" "new" (func $new (result i32)))
    (import "" "join" (func $join (param i32 i32)))
    (import "" "wait" (func $wait (param i32 i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "return" (func $return (param i32)))
    (func $start (param $ms i32) (param $out i32) (result i32)
      (local $r i32)
      (local.set $r (call $sleep (local.get $ms) (local.get $out)))
      ;; STARTED (1), with the subtask's index above the state
      (if (i32.ne (i32.and (local.get $r) (i32.const 0xf)) (i32.const 1)) (then unreachable))
      (i32.shr_u (local.get $r) (i32.const 4)))
    (func (export "run")
      (local $slow i32) (local $fast i32) (local $set i32) (local $first i32)
      (local.set $slow (call $start (i32.const 60) (i32.const 100)))
      (local.set $fast (call $start (i32.const 1) (i32.const 104)))
      (local.set $set (call $new))
      (call $join (local.get $slow) (local.get $set))
      (call $join (local.get $fast) (local.get $set))
      ;; a subtask event (1): RETURNED (2)
      (if (i32.ne (call $wait (local.get $set) (i32.const 200)) (i32.const 1)) (then unreachable))
      (if (i32.ne (i32.load (i32.const 204)) (i32.const 2)) (then unreachable))
      (local.set $first (i32.load (i32.const 200)))
      (if (i32.ne (call $wait (local.get $set) (i32.const 200)) (i32.const 1)) (then unreachable))
      (call $drop (local.get $slow))
      (call $drop (local.get $fast))
      ;; the first to finish, and what both returned
      (call $return (i32.add (select (i32.const 1000) (i32.const 2000)
                                     (i32.eq (local.get $first) (local.get $fast)))
                             (i32.add (i32.load (i32.const 100)) (i32.load (i32.const 104)))))))
  (core instance $m (instantiate $M (with "" (instance
    (export "mem" (memory $mem "mem"))
    (export "sleep" (func $sleep-async))
    (export "new" (func $new))
    (export "join" (func $join))
    (export "wait" (func $wait))
    (export "drop" (func $drop))
    (export "return" (func $return))))))
  (func (export "run") async (result u32) (canon lift (core func $m "run") async))
))WAT";

TEST_P(HostTask, AnAsyncLoweredHostWaitLetsTheGuestGoOn) {
  auto instance = instantiate_text(kTwoSleeps, sleeping_linker());
  ASSERT_TRUE(instance) << instance.error().describe();
  auto r = call(*instance, "run");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ((*r)->as_unsigned(), 1000u + 60u + 1u);  // the 1 ms sleep finished first
}

TEST_P(HostTask, CalledByTheHostItRunsToItsEnd) {
  ComponentLinker linker = sleeping_linker();
  auto item = linker.resolve("sleep");
  ASSERT_TRUE(item.ok());
  auto r = std::get<FunctionPtr>(*item)->call(store_, std::vector<ComponentValue>{u32(2)});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ((*r)->as_unsigned(), 2u);
}

INSTANTIATE_COMPONENT_RUN_ENGINES(HostTask);

}  // namespace
}  // namespace flint::component
