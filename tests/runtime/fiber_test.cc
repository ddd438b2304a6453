// Fibers (runtime/fiber.h): wasm suspended in a host call on one fiber
// while another fiber's wasm runs, in both engines; traps and stack
// exhaustion stay inside the fiber they happen on.
#include "runtime/fiber.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "wat.h"

namespace flint {
namespace {

using testing::compile_wat;

// `run` adds its argument to what the host's `pause` returns; `deep`
// recurses without end; `boom` traps.
constexpr const char* kGuest = R"((module
  (import "host" "pause" (func $pause (param i32) (result i32)))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $pause (local.get 0)) (local.get 0)))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "boom") (result i32) unreachable))
)";

class FiberTest : public ::testing::TestWithParam<EngineKind> {
 protected:
  void SetUp() override {
    config_.engine = GetParam();
    store_ = std::make_unique<Store>(config_);
    // The host function suspends the fiber it runs on; resumed, it returns
    // the argument times ten.
    Extern pause = store_->host_function(
        FuncType{{ValType::I32}, {ValType::I32}},
        [this](Caller&, std::span<const Value> args, std::span<Value> results) -> Status {
          WasmFiber* self = WasmFiber::current();
          if (!self) return make_error(ErrorCode::HostTrap, "not on a fiber");
          order_.push_back(args[0].i32);
          FLINT_TRY(self->suspend());
          order_.push_back(args[0].i32 + 100);
          results[0] = Value::i32_(args[0].i32 * 10);
          return {};
        });
    Linker linker;
    linker.define("host", "pause", pause);
    auto compiled = compile_wat(kGuest, config_);
    ASSERT_TRUE(compiled);
    auto inst = linker.instantiate(*store_, *compiled);
    ASSERT_TRUE(inst) << inst.error().describe();
    instance_ = *inst;
  }

  /// A fiber calling export `name` with `arg`, its outcome in `*out`.
  std::unique_ptr<WasmFiber> call_on_fiber(const char* name, int32_t arg,
                                           Result<std::vector<Value>>* out) {
    Extern f = *instance_->find_export(name);
    std::vector<Value> args;
    if (std::string(name) != "boom") args.push_back(Value::i32_(uint32_t(arg)));
    return std::make_unique<WasmFiber>(*store_,
                                       [this, f, args, out] { *out = store_->call(f, args); });
  }

  Config config_;
  std::unique_ptr<Store> store_;
  Instance* instance_ = nullptr;
  std::vector<uint32_t> order_;
};

TEST_P(FiberTest, TwoFibersInterleaveTheirSuspendedWasmCalls) {
  Result<std::vector<Value>> a = std::vector<Value>{}, b = std::vector<Value>{};
  auto fa = call_on_fiber("run", 1, &a);
  auto fb = call_on_fiber("run", 2, &b);
  fa->resume();  // a pauses
  fb->resume();  // b pauses, a's frames still suspended below its own
  EXPECT_FALSE(fa->finished());
  EXPECT_FALSE(fb->finished());
  fa->resume();
  ASSERT_TRUE(fa->finished());
  fb->resume();
  ASSERT_TRUE(fb->finished());
  ASSERT_TRUE(a) << a.error().describe();
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ((*a)[0].i32, 11u);
  EXPECT_EQ((*b)[0].i32, 22u);
  EXPECT_EQ(order_, (std::vector<uint32_t>{1, 2, 101, 102}));
}

TEST_P(FiberTest, ATrapOnOneFiberLeavesTheSuspendedOneIntact) {
  Result<std::vector<Value>> a = std::vector<Value>{}, bad = std::vector<Value>{};
  auto fa = call_on_fiber("run", 3, &a);
  fa->resume();
  auto fbad = call_on_fiber("boom", 0, &bad);
  fbad->resume();
  ASSERT_TRUE(fbad->finished());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::Unreachable) << bad.error().describe();
  fa->resume();
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ((*a)[0].i32, 33u);
}

TEST_P(FiberTest, RunawayRecursionOnAFiberIsStackExhaustionNotACrash) {
  Result<std::vector<Value>> deep = std::vector<Value>{};
  auto f = call_on_fiber("deep", 0, &deep);
  f->resume();
  ASSERT_TRUE(f->finished());
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, ErrorCode::CallStackExhausted) << deep.error().describe();
  // The OS thread's own stack still works for the next call.
  const Value zero[] = {Value::i32_(0)};
  Result<std::vector<Value>> again = store_->call(*instance_->find_export("deep"), zero);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::CallStackExhausted);
}

TEST_P(FiberTest, AnAbandonedFiberUnwindsItsSuspendedCall) {
  Result<std::vector<Value>> a = std::vector<Value>{};
  auto fa = call_on_fiber("run", 4, &a);
  fa->resume();
  fa->abandon();
  ASSERT_TRUE(fa->finished());
  ASSERT_FALSE(a);
}

INSTANTIATE_TEST_SUITE_P(Engines, FiberTest,
                         ::testing::Values(EngineKind::Interpreter
#ifdef FLINT_HAVE_AOT
                                           ,
                                           EngineKind::Aot
#endif
                                           ),
                         [](const auto& info) {
                           return info.param == EngineKind::Aot ? "Aot" : "Interpreter";
                         });

}  // namespace
}  // namespace flint
