// Out-of-bounds accesses trap where the program has them, although
// compiled code has no bounds checks (memory_order.h): a dropped load still
// faults, and a load before a branch faults before the branch's effects.
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
    (local.get $v)))
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

}  // namespace
}  // namespace flint
