// Traps as values (spec 4.4: every trapping instruction), with the spec's
// words and a wasm backtrace; stack exhaustion and fuel.
#include <gtest/gtest.h>

#include <thread>

#include "../runtime/wat.h"

namespace flint {
namespace {

using testing::export_of;
using testing::instantiate_wat;

Result<std::vector<Value>> call(Store& store, Instance* inst, const char* name,
                                std::vector<Value> args = {}) {
  return store.call(export_of(inst, name), args);
}

constexpr const char* kTraps = R"((module
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $i32_result)
  (func $i32_result (result i32) (i32.const 1))
  (type $void (func))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_sat") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "indirect") (param i32) (call_indirect (type $void) (local.get 0)))
  (func (export "unreachable") unreachable))
)";

TEST(Traps, MessagesAreTheSpecsWords) {
  Store store;
  Instance* inst = instantiate_wat(store, kTraps);
  ASSERT_NE(inst, nullptr);
  struct Case {
    const char* func;
    std::vector<Value> args;
    const char* message;
  };
  const Case cases[] = {
      {"div_s", {Value::i32_(1), Value::i32_(0)}, "integer divide by zero"},
      {"div_s", {Value::i32_(0x80000000), Value::i32_(uint32_t(-1))}, "integer overflow"},
      {"div_u", {Value::i64_(1), Value::i64_(0)}, "integer divide by zero"},
      {"trunc", {Value::f64_(2147483648.0)}, "integer overflow"},
      {"trunc", {Value::f64_bits_(0x7ff8000000000000)}, "invalid conversion to integer"},
      {"load", {Value::i32_(65529)}, "out of bounds memory access"},
      {"fill", {Value::i32_(65536), Value::i32_(1)}, "out of bounds memory access"},
      {"indirect", {Value::i32_(2)}, "undefined element"},
      {"indirect", {Value::i32_(1)}, "uninitialized element"},
      {"indirect", {Value::i32_(0)}, "indirect call type mismatch"},
      {"unreachable", {}, "unreachable"},
  };
  for (const Case& c : cases) {
    auto r = call(store, inst, c.func, c.args);
    ASSERT_FALSE(r.ok()) << c.func;
    EXPECT_EQ(r.error().phase(), Phase::Trap) << c.func;
    EXPECT_EQ(r.error().message(), c.message) << c.func;
  }
}

TEST(Traps, EdgeCasesThatDoNotTrap) {
  Store store;
  Instance* inst = instantiate_wat(store, kTraps);
  ASSERT_NE(inst, nullptr);
  auto rem = call(store, inst, "rem_s", {Value::i32_(0x80000000), Value::i32_(uint32_t(-1))});
  ASSERT_TRUE(rem.ok());
  EXPECT_EQ((*rem)[0].i32, 0u);
  auto sat = call(store, inst, "trunc_sat", {Value::f64_(-1e300)});
  ASSERT_TRUE(sat.ok());
  EXPECT_EQ((*sat)[0].i32, 0x80000000u);
  auto load = call(store, inst, "load", {Value::i32_(65528)});  // the last 8 bytes
  EXPECT_TRUE(load.ok());
  auto fill = call(store, inst, "fill", {Value::i32_(65536), Value::i32_(0)});  // empty, at the end
  EXPECT_TRUE(fill.ok());
}

TEST(Traps, BacktraceNamesFunctionsInnermostFirst) {
  Store store;
  Instance* inst = instantiate_wat(store, R"((module
    (func $leaf (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
    (func $middle (param i32) (result i32) (call $leaf (local.get 0)))
    (func (export "top") (param i32) (result i32) (i32.add (i32.const 1) (call $middle (local.get 0))))))");
  ASSERT_NE(inst, nullptr);
  auto r = call(store, inst, "top", {Value::i32_(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "integer divide by zero");
  const auto& bt = store.last_backtrace();
  ASSERT_EQ(bt.size(), 3u);
  EXPECT_EQ(bt[0].function, 0u);
  EXPECT_EQ(bt[0].name, "leaf");  // from the name section
  EXPECT_EQ(bt[1].name, "middle");
  EXPECT_EQ(bt[2].name, "top");  // from the export
  ASSERT_TRUE(bt[0].offset && bt[1].offset && bt[2].offset);
  // Offsets are of the trapping / calling instructions: ascending through the module.
  EXPECT_LT(*bt[0].offset, *bt[1].offset);
  EXPECT_LT(*bt[1].offset, *bt[2].offset);
  EXPECT_EQ(r.error().offset, bt[0].offset);
}

constexpr const char* kRecursion = R"((module
  (func $runaway (export "runaway") (call $runaway))
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
  (func $mutual_a (export "mutual") (param i64) (result i64) (call $mutual_b (local.get 0)))
  (func $mutual_b (param i64) (result i64) (call $mutual_a (local.get 0)))))";

TEST(Exhaustion, DeepRecursionIsAnErrorAndTheStoreStaysUsable) {
  Store store;
  Instance* inst = instantiate_wat(store, kRecursion);
  ASSERT_NE(inst, nullptr);
  for (int round = 0; round < 3; ++round) {
    auto r = call(store, inst, "runaway");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().phase(), Phase::Exhaustion);
    EXPECT_EQ(r.error().message(), "call stack exhausted");
    EXPECT_FALSE(store.last_backtrace().empty());
    EXPECT_LE(store.last_backtrace().size(), 64u);  // bounded, even for runaway recursion
  }
  auto m = call(store, inst, "mutual", {Value::i64_(1)});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().phase(), Phase::Exhaustion);
  auto ok = call(store, inst, "deep", {Value::i32_(1000)});
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_EQ((*ok)[0].i32, 1000u);
}

TEST(Exhaustion, SmallThreadStacksAreRespected) {
  // A thread with a 512 KiB stack: the limit follows the real stack, not the config.
  Config config;
  config.max_stack_bytes = 64u << 20;
  std::optional<Phase> phase;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  struct Job {
    Config config;
    std::optional<Phase>* phase;
  } job{config, &phase};
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* p) -> void* {
                  auto* job = static_cast<Job*>(p);
                  Store store(job->config);
                  Instance* inst = instantiate_wat(store, kRecursion, job->config);
                  if (!inst) return nullptr;
                  auto r = store.call(export_of(inst, "runaway"), {});
                  if (!r.ok()) *job->phase = r.error().phase();
                  return nullptr;
                },
                &job),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  ASSERT_TRUE(phase.has_value());
  EXPECT_EQ(*phase, Phase::Exhaustion);
}

TEST(Fuel, InfiniteLoopRunsOutOfFuel) {
  Config config;
  config.fuel = 100000;
  Store store(config);
  Instance* inst = instantiate_wat(store, R"((module
    (func (export "spin") (loop $l (br $l)))
    (func (export "count") (param i32) (result i32)
      (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1))))",
                                   config);
  ASSERT_NE(inst, nullptr);
  auto r = call(store, inst, "spin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "all fuel consumed");
  EXPECT_EQ(r.error().phase(), Phase::Trap);
  // Fuel is per call: a bounded loop within budget still completes.
  auto c = call(store, inst, "count", {Value::i32_(1000)});
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ((*c)[0].i32, 1000u);
  auto over = call(store, inst, "count", {Value::i32_(1000000)});
  EXPECT_FALSE(over.ok());
}

TEST(Fuel, RunawayRecursionRunsOutOfFuelOrStack) {
  Config config;
  config.fuel = 1000;
  Store store(config);
  Instance* inst = instantiate_wat(store, kRecursion, config);
  ASSERT_NE(inst, nullptr);
  auto r = call(store, inst, "runaway");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::OutOfFuel);
}

}  // namespace
}  // namespace flint
