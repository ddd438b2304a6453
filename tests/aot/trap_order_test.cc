// Out-of-bounds accesses trap where the program has them, although
// compiled code has no bounds checks (memory_order.h): a dropped load still
// faults, a load before a branch faults before the branch's effects, a
// store that a later store overwrites is still made before a fault between
// them, and every load of a loop runs.
#include <gtest/gtest.h>

#include "engines.h"

namespace flint {
namespace {

using aot_test::Engine;

constexpr const char* kModule = R"((module
  (memory (export "memory") 1)
  (func (export "drop_load") (drop (i32.load (i32.const -1))))
  (func (export "drop_sum") (drop (i64.add (i64.load offset=8 (i32.const 65530)) (i64.const 1))))
  (func (export "never_read") (param $p i32) (local $unused f64)
    (local.set $unused (f64.load (local.get $p))))
  ;; The load comes first: when $c is set the store must not happen.
  (func (export "load_then_branch") (param $p i32) (param $c i32) (result i32) (local $v i32)
    (local.set $v (i32.load (local.get $p)))
    (if (local.get $c) (then (i32.store (i32.const 0) (i32.const 1)) (return (i32.const 0))))
    (local.get $v))
  ;; Same, with the value used only after a call that writes memory.
  (func $mark (i32.store (i32.const 4) (i32.const 2)))
  (func (export "load_then_call") (param $p i32) (result i32) (local $v i32)
    (local.set $v (i32.load8_u (local.get $p)))
    (call $mark)
    (local.get $v))
  ;; Without volatile stores LLVM deletes the first store: the second one
  ;; overwrites it, the load cannot alias it (it reads at 65533 or above)
  ;; and a load is not an effect in LLVM's model.
  (func (export "store_load_store") (param $p i32)
    (i32.store (i32.const 8) (i32.const 1))
    (drop (i32.load offset=65533 (local.get $p)))
    (i32.store (i32.const 8) (i32.const 2)))
  ;; The loads' values are summed but only the sum's low bit is stored: the
  ;; loop may not be reduced to fewer loads, the one at $n * 4096 faults.
  (func (export "load_loop") (param $n i32) (local $i i32) (local $sum i32)
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.mul (local.get $i) (i32.const 4096)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.le_u (local.get $i) (local.get $n))))
    (i32.store (i32.const 12) (i32.and (i32.mul (local.get $sum) (i32.const 0)) (i32.const 1)))))
)";

class AotTrapOrder : public ::testing::Test {
 protected:
  Engine interp{kModule, aot_test::interp_config()};
  Engine aot{kModule, aot_test::aot_config()};

  uint32_t word(Engine& e, size_t at) {
    std::span<uint8_t> m = e.store->memory_data(*e.instance->find_export("memory"));
    return uint32_t(m[at]) | uint32_t(m[at + 1]) << 8 | uint32_t(m[at + 2]) << 16 | uint32_t(m[at + 3]) << 24;
  }
  void expect_trap(const char* name, std::vector<Value> args) {
    SCOPED_TRACE(name);
    for (Engine* e : {&interp, &aot}) {
      auto r = e->call(name, args);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, ErrorCode::OutOfBoundsMemoryAccess);
    }
  }
};

TEST_F(AotTrapOrder, DroppedLoadsStillTrap) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  expect_trap("drop_load", {});
  expect_trap("drop_sum", {});
  expect_trap("never_read", {Value::i32_(65535)});
  EXPECT_TRUE(aot.call("never_read", {Value::i32_(8)}).ok());
}

TEST_F(AotTrapOrder, ALoadBeforeABranchTrapsBeforeTheBranchsStore) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  expect_trap("load_then_branch", {Value::i32_(-1), Value::i32_(1)});
  EXPECT_EQ(word(interp, 0), 0u);
  EXPECT_EQ(word(aot, 0), 0u);
  auto ok = aot.call("load_then_branch", {Value::i32_(16), Value::i32_(1)});
  ASSERT_TRUE(ok);
  EXPECT_EQ(word(aot, 0), 1u);
}

TEST_F(AotTrapOrder, ALoadBeforeACallTrapsBeforeTheCallsStore) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  expect_trap("load_then_call", {Value::i32_(65536)});
  EXPECT_EQ(word(interp, 4), 0u);
  EXPECT_EQ(word(aot, 4), 0u);
}

TEST_F(AotTrapOrder, AStoreBeforeATrapIsMadeEvenWhenALaterStoreOverwritesIt) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  expect_trap("store_load_store", {Value::i32_(0)});
  EXPECT_EQ(word(interp, 8), 1u);
  EXPECT_EQ(word(aot, 8), 1u);
}

TEST_F(AotTrapOrder, EveryLoadOfALoopRunsWhenOnlyTheirSumIsKept) {
  ASSERT_TRUE(interp.ok() && aot.ok());
  expect_trap("load_loop", {Value::i32_(16)});  // 16 * 4096 is the end of the page
  for (Engine* e : {&interp, &aot}) EXPECT_TRUE(e->call("load_loop", {Value::i32_(15)}).ok());
}

}  // namespace
}  // namespace flint
