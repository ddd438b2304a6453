// The tiered engine (issue 16): a module runs interpreted at once, and
// once its compile is done each function switches to machine code at its
// next call -- in the middle of a call that is still running, through
// every kind of call -- with the same results, traps and backtraces.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "aot/aot_module.h"
#include "aot/llvm/codegen.h"
#include "flint/runtime.h"
#include "interp/executor.h"
#include "runtime/objects.h"
#include "text/parse.h"
#include "tiered/tiered_engine.h"

namespace flint {
namespace {

// "run" waits (in the host) for the machine code, then calls $fib directly,
// through the table and through the import's round trip; "trap" faults
// three calls deep.
constexpr const char* kModule = R"((module
  (import "env" "wait_for_machine_code" (func $wait))
  (type $ii (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $fib)
  (memory 1)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "run") (param i32) (result i32)
    (call $wait)
    (i32.add (call $fib (local.get 0))
             (call_indirect (type $ii) (local.get 0) (i32.const 0))))
  (func $store (param i32) (i32.store (local.get 0) (i32.const 7)))
  (func $middle (param i32) (call $store (local.get 0)))
  (func (export "trap") (call $middle (i32.const 65536)))))";

// The compiler waits until the test lets it go, so what runs before runs
// interpreted however fast the compile would be.
std::atomic<bool> compile_may_start{false};
Result<std::vector<uint8_t>> gated_compile(std::span<const uint8_t> wasm,
                                           const aot::ArtifactOptions& options) {
  while (!compile_may_start) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return aot::compile_to_artifact(wasm, options);
}

class TieredTest : public ::testing::Test {
 protected:
  void SetUp() override {
    compile_may_start = false;
    aot::set_in_process_compiler(gated_compile);
    auto wasm = text::parse_wat(wat);
    ASSERT_TRUE(wasm);
    config.engine = EngineKind::Tiered;
    config.tier_up_after = tier_up_after;
    auto compiled = compile(*wasm, config);
    ASSERT_TRUE(compiled) << compiled.error().describe();
    module = *compiled;
  }
  void TearDown() override {
    wait_for_every_compile();  // none left running at exit
    aot::set_in_process_compiler(aot::compile_to_artifact);
  }

  /// Lets the compile start and waits for its first code.
  void wait_for_machine_code() { let_compile_until(tiered::machine_code_ready); }
  /// Lets the compile start and waits for its end: the second compile, with
  /// every loop entry, too.
  void wait_for_every_compile() { let_compile_until(tiered::compile_finished); }
  /// Lets the compile start and waits (two minutes at most) until `done`.
  void let_compile_until(bool (*done)(const CompiledModule&)) {
    compile_may_start = true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (module && !done(*module) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  Result<Instance*> instantiate(Store& store) { return instantiate(store, *module); }
  Result<Instance*> instantiate(Store& store, const CompiledModule& m) {
    Linker linker;
    linker.define("env", "wait_for_machine_code",
                  store.host_function(FuncType{}, [this](Caller&, auto, auto) -> Status {
                    wait_for_machine_code();
                    return {};
                  }));
    return linker.instantiate(store, m);
  }

  static bool runs_machine_code(const Instance& instance, std::string_view name) {
    return instance.find_export(name)->func->entry != interp::call_interpreted;
  }

  const char* wat = kModule;   ///< the module SetUp compiles
  uint64_t tier_up_after = 0;  ///< compiled at once (once the gate opens)
  Config config;
  std::shared_ptr<const CompiledModule> module;
};

TEST_F(TieredTest, AnInstanceSwitchesToMachineCodeInTheMiddleOfACall) {
  Store store(config);
  auto instance = instantiate(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  ASSERT_FALSE(runs_machine_code(**instance, "fib"));
  auto fib = store.call(*(*instance)->find_export("fib"), std::vector<Value>{Value::i32_(15)});
  ASSERT_TRUE(fib) << fib.error().describe();
  EXPECT_EQ((*fib)[0].i32, 610u);  // interpreted
  // "run" started interpreted; its calls after the wait run machine code.
  auto run = store.call(*(*instance)->find_export("run"), std::vector<Value>{Value::i32_(20)});
  ASSERT_TRUE(run) << run.error().describe();
  EXPECT_EQ((*run)[0].i32, 6765u * 2);
  EXPECT_TRUE(tiered::machine_code_ready(*module));
  EXPECT_TRUE(runs_machine_code(**instance, "fib"));
  EXPECT_TRUE(runs_machine_code(**instance, "run"));
}

TEST_F(TieredTest, InstancesMadeOnceTheMachineCodeIsReadyStartWithIt) {
  wait_for_machine_code();
  ASSERT_TRUE(tiered::machine_code_ready(*module));
  Store store(config);
  auto instance = instantiate(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  EXPECT_TRUE(runs_machine_code(**instance, "fib"));
  auto fib = store.call(*(*instance)->find_export("fib"), std::vector<Value>{Value::i32_(20)});
  ASSERT_TRUE(fib) << fib.error().describe();
  EXPECT_EQ((*fib)[0].i32, 6765u);
}

std::vector<uint32_t> frames(const Store& store) {
  std::vector<uint32_t> out;
  for (const BacktraceFrame& f : store.last_backtrace()) out.push_back(f.function);
  return out;
}

// Before the switch a trap's backtrace is the interpreter's, after it the
// compiled engine's (where LLVM inlined $store and $middle, only "trap"'s
// frame is left: inlined frames are not in compiled backtraces yet).
TEST_F(TieredTest, ATrapBeforeTheSwitchAndAfterItHasItsEnginesBacktrace) {
  Store store(config);
  auto instance = instantiate(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto before = store.call(*(*instance)->find_export("trap"), {});
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  EXPECT_EQ(frames(store), (std::vector<uint32_t>{3, 4, 5}));  // $store, $middle, "trap"
  wait_for_machine_code();
  auto after = store.call(*(*instance)->find_export("trap"), {});
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  EXPECT_TRUE(runs_machine_code(**instance, "trap"));

  Config aot_only;
  aot_only.engine = EngineKind::Aot;
  auto compiled = compile(*text::parse_wat(kModule), aot_only);
  ASSERT_TRUE(compiled) << compiled.error().describe();
  Store aot_store(aot_only);
  auto aot_instance = instantiate(aot_store, **compiled);
  ASSERT_TRUE(aot_instance) << aot_instance.error().describe();
  auto aot_trap = aot_store.call(*(*aot_instance)->find_export("trap"), {});
  ASSERT_FALSE(aot_trap);
  EXPECT_EQ(frames(store), frames(aot_store));
  EXPECT_FALSE(frames(store).empty());
}

}  // namespace
}  // namespace flint

namespace flint {
namespace {

// Hotness: with tier_up_after = 1000, a module's compile starts only once a
// thread has run 1000 of its calls ("calls" recurses, without a loop) or
// loop iterations ("spins" loops, without a call). Run on a thread of its own: the count is per
// thread, and a thread's first count arms it.
TEST(TieredHotness, AModuleIsCompiledOnlyOnceItsCallsAndLoopsMakeItHot) {
  auto wasm = text::parse_wat(R"((module
    (func $calls (export "calls") (param i32)
      (if (local.get 0) (then (call $calls (i32.sub (local.get 0) (i32.const 1))))))
    (func (export "spins") (param i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))))");
  ASSERT_TRUE(wasm);
  aot::set_in_process_compiler(aot::compile_to_artifact);
  for (const char* kind : {"calls", "spins"}) {
    SCOPED_TRACE(kind);
    std::thread([&] {
      Config config;
      config.engine = EngineKind::Tiered;
      config.tier_up_after = 1000;
      auto module = compile(*wasm, config);
      ASSERT_TRUE(module) << module.error().describe();
      Store store(config);
      auto instance = Linker().instantiate(store, **module);
      ASSERT_TRUE(instance) << instance.error().describe();
      Extern f = *(*instance)->find_export(kind);
      auto run = [&](int32_t n) { return store.call(f, std::vector<Value>{Value::i32_(n)}); };
      ASSERT_TRUE(run(100));  // about 100 counts: not hot yet
      EXPECT_FALSE(tiered::compile_started(**module));
      ASSERT_TRUE(run(2000));  // hot: the compile starts
      EXPECT_TRUE(tiered::compile_started(**module));
      auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
      while (!tiered::compile_finished(**module) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      EXPECT_TRUE(tiered::machine_code_ready(**module));
      ASSERT_TRUE(run(10));  // switches the instance
      EXPECT_NE(f.func->entry, interp::call_interpreted);
    }).join();
  }
}

// Unset, the threshold grows with the module: 10 units an instruction,
// between 10,000 and 500,000.
TEST(TieredHotness, TheDefaultThresholdGrowsWithTheModule) {
  auto module_of = [](size_t functions, size_t instructions_each) {
    Module m;
    m.functions.resize(functions);
    for (Function& f : m.functions) f.body.resize(instructions_each);
    return m;
  };
  EXPECT_EQ(tiered::default_hot_after(module_of(0, 0)), 10'000u);
  EXPECT_EQ(tiered::default_hot_after(module_of(3, 200)), 10'000u);
  EXPECT_EQ(tiered::default_hot_after(module_of(4, 500)), 20'000u);
  EXPECT_EQ(tiered::default_hot_after(module_of(100, 300)), 300'000u);
  EXPECT_EQ(tiered::default_hot_after(module_of(1000, 3000)), 500'000u);
}

// A small module's compile starts after 10,000 units by default, not the
// 500,000 of a large one: 5,000 calls leave it cold, 20,000 make it hot.
TEST(TieredHotness, ASmallModuleIsHotAfterTenThousandUnitsByDefault) {
  auto wasm = text::parse_wat(R"((module
    (func (export "spins") (param i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))))");
  ASSERT_TRUE(wasm);
  aot::set_in_process_compiler(aot::compile_to_artifact);
  std::thread([&] {
    Config config;
    config.engine = EngineKind::Tiered;
    auto module = compile(*wasm, config);
    ASSERT_TRUE(module) << module.error().describe();
    Store store(config);
    auto instance = Linker().instantiate(store, **module);
    ASSERT_TRUE(instance) << instance.error().describe();
    Extern f = *(*instance)->find_export("spins");
    auto run = [&](int32_t n) { return store.call(f, std::vector<Value>{Value::i32_(n)}); };
    ASSERT_TRUE(run(5000));
    EXPECT_FALSE(tiered::compile_started(**module));
    ASSERT_TRUE(run(20000));
    EXPECT_TRUE(tiered::compile_started(**module));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (!tiered::compile_finished(**module) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }).join();
}

}  // namespace
}  // namespace flint

namespace flint {
namespace {

// On-stack replacement: each exported function waits for the machine code
// inside its loop, so the rest of the call runs compiled code entered at
// that loop's head (abi.h, loop entries), with the locals the interpreter
// had. The module is hot at once (tier_up_after 0), when no frame has run
// yet: its first compile has no loop entry, and the frames move to the
// second's, with every loop entry (the wait is for both). Functions 0 and
// 1 are the imports.
constexpr const char* kLoopModule = R"((module
  (import "env" "wait_for_machine_code" (func $wait))
  (import "env" "wait_again" (func $wait_again))
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  ;; Every kind of local, parameters among them, and several results.
  (func (export "mix") (param $n i32) (param $f f64) (result i64 f64 i32 f32)
    (local $i i32) (local $acc i64) (local $v v128) (local $x f32)
    (local.set $x (f32.const 1.5))
    (local.set $v (v128.const i32x4 1 2 3 4))
    (loop $l
      (if (i32.eq (local.get $i) (i32.const 10)) (then (call $wait)))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (local.set $f (f64.add (local.get $f) (f64.promote_f32 (local.get $x))))
      (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc) (local.get $f) (i32x4.extract_lane 3 (local.get $v)) (local.get $x))
  ;; Waits in the inner loop: the frame moves at the outer loop's next
  ;; iteration (only outermost loops are entered).
  (func (export "nested") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (if (i32.and (i32.eq (local.get $i) (i32.const 2)) (i32.eq (local.get $j) (i32.const 3)))
          (then (call $wait)))
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  ;; An operand below the loop: not entered (the whole call stays interpreted).
  (func (export "below") (param $n i32) (result i32)
    (local $i i32)
    (i32.const 1000)
    (loop $l
      (if (i32.eq (local.get $i) (i32.const 3)) (then (call $wait)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $i)))
  ;; Inside a try_table: not entered either.
  (func (export "in_try") (param $n i32) (result i32)
    (local $i i32)
    (block $caught
      (try_table (catch_all $caught)
        (loop $l
          (if (i32.eq (local.get $i) (i32.const 3)) (then (call $wait)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))
    (local.get $i))
  ;; Faults in compiled code entered from its loop, under an interpreted caller.
  (func $faults (param $n i32)
    (local $i i32)
    (loop $l
      (if (i32.eq (local.get $i) (i32.const 2)) (then (call $wait_again)))
      (if (i32.eq (local.get $i) (i32.const 5))
        (then (i32.store (i32.const 65536) (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "fault") (call $faults (i32.const 10)))))";

class TieredLoopTest : public TieredTest {
 protected:
  TieredLoopTest() { wat = kLoopModule; }

  Result<Instance*> instantiate_loops(Store& store) {
    Linker linker;
    auto wait = [this](Caller&, auto, auto) -> Status {
      wait_for_every_compile();
      return {};
    };
    linker.define("env", "wait_for_machine_code", store.host_function(FuncType{}, wait));
    linker.define("env", "wait_again", store.host_function(FuncType{}, wait));
    return linker.instantiate(store, *module);
  }

  Result<std::vector<Value>> call(Store& store, Instance& instance, std::string_view name,
                                  std::vector<Value> args) {
    return store.call(*instance.find_export(name), args);
  }
};

TEST_F(TieredLoopTest, ALoopRunningInTheInterpreterContinuesInCompiledCode) {
  Store store(config);
  auto instance = instantiate_loops(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto mix = call(store, **instance, "mix", {Value::i32_(100), Value::f64_(0.25)});
  ASSERT_TRUE(mix) << mix.error().describe();
  ASSERT_EQ(mix->size(), 4u);
  EXPECT_EQ((*mix)[0].i64, 4950u);  // sum of 0..99
  double f;
  std::memcpy(&f, &(*mix)[1].f64_bits, 8);
  EXPECT_EQ(f, 0.25 + 1.5 * 100);        // every iteration's addition
  EXPECT_EQ((*mix)[2].i32, 4u + 4950u);  // the vector local
  float x;
  std::memcpy(&x, &(*mix)[3].f32_bits, 4);
  EXPECT_EQ(x, 1.5f);                             // a local set before the loop
  EXPECT_EQ(tiered::loops_entered(*module), 1u);  // the 90 iterations after the wait
  EXPECT_TRUE(runs_machine_code(**instance, "mix"));
  // The stores and the global of both engines' iterations.
  EXPECT_EQ((*instance)->find_export("g")->global->value[0], 100u);
  const uint8_t* memory = (*instance)->find_export("memory")->memory->base;
  uint32_t word;
  for (uint32_t i : {5u, 99u}) {
    std::memcpy(&word, memory + 4 * i, 4);
    EXPECT_EQ(word, i);
  }
}

TEST_F(TieredLoopTest, AFrameInAnInnerLoopMovesAtItsOuterLoopsNextIteration) {
  Store store(config);
  auto instance = instantiate_loops(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto nested = call(store, **instance, "nested", {Value::i32_(40)});
  ASSERT_TRUE(nested) << nested.error().describe();
  EXPECT_EQ((*nested)[0].i32, 780u * 780u);  // (sum of 0..39)^2
  EXPECT_EQ(tiered::loops_entered(*module), 1u);
}

// Loops the compiled code cannot enter keep running interpreted, to the
// same result; the instance switches at its next call as before.
TEST_F(TieredLoopTest, LoopsWithOperandsOrInATryTableStayInterpreted) {
  Store store(config);
  auto instance = instantiate_loops(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto below = call(store, **instance, "below", {Value::i32_(50)});
  ASSERT_TRUE(below) << below.error().describe();
  EXPECT_EQ((*below)[0].i32, 1050u);
  auto in_try = call(store, **instance, "in_try", {Value::i32_(50)});
  ASSERT_TRUE(in_try) << in_try.error().describe();
  EXPECT_EQ((*in_try)[0].i32, 50u);
  EXPECT_EQ(tiered::loops_entered(*module), 0u);
  EXPECT_TRUE(runs_machine_code(**instance, "below"));  // switched by the second call
}

// A trap in the compiled rest of a call: the trap, and a backtrace with
// the function once (its compiled frame, not also its interpreted one) and
// its interpreted caller.
TEST_F(TieredLoopTest, ATrapAfterTheLoopIsEnteredHasEachFrameOnce) {
  Store store(config);
  auto instance = instantiate_loops(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto fault = call(store, **instance, "fault", {});
  ASSERT_FALSE(fault);
  EXPECT_EQ(fault.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  EXPECT_EQ(tiered::loops_entered(*module), 1u);
  EXPECT_EQ(frames(store), (std::vector<uint32_t>{6, 7}));  // $faults, "fault"
}

}  // namespace
}  // namespace flint

namespace flint {
namespace {

// With fuel, a call that moves to compiled code at a loop head is charged
// exactly what the interpreter charges for the whole call: the loop entry
// charges the iteration the interpreter's loop head had not yet.
class TieredLoopFuelTest : public TieredLoopTest {
 protected:
  TieredLoopFuelTest() { config.fuel = 1'000'000; }
};

TEST_F(TieredLoopFuelTest, AMovedCallUsesTheInterpretersFuel) {
  Store store(config);
  auto instance = instantiate_loops(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto mix = call(store, **instance, "mix", {Value::i32_(100), Value::f64_(0.25)});
  ASSERT_TRUE(mix) << mix.error().describe();
  EXPECT_EQ(tiered::loops_entered(*module), 1u);

  Config interp_config = config;
  interp_config.engine = EngineKind::Interpreter;
  auto interpreted = compile(*text::parse_wat(kLoopModule), interp_config);
  ASSERT_TRUE(interpreted) << interpreted.error().describe();
  Store interp_store(interp_config);
  Linker linker;
  auto nothing = [](Caller&, auto, auto) -> Status { return {}; };
  linker.define("env", "wait_for_machine_code", interp_store.host_function(FuncType{}, nothing));
  linker.define("env", "wait_again", interp_store.host_function(FuncType{}, nothing));
  auto interp_instance = linker.instantiate(interp_store, **interpreted);
  ASSERT_TRUE(interp_instance) << interp_instance.error().describe();
  auto expected =
      call(interp_store, **interp_instance, "mix", {Value::i32_(100), Value::f64_(0.25)});
  ASSERT_TRUE(expected) << expected.error().describe();
  EXPECT_EQ((*mix)[0].i64, (*expected)[0].i64);
  ASSERT_TRUE(store.remaining_fuel());
  EXPECT_EQ(*store.remaining_fuel(), *interp_store.remaining_fuel());
  EXPECT_LT(*store.remaining_fuel(), 1'000'000u);
}

}  // namespace
}  // namespace flint

namespace flint {
namespace {

// A frame that has run long when its module becomes hot moves to the first
// compile's code: "run" gets its loop entry alone (which its later calls
// enter too), "short", whose frames are short, none; its calls switch.
constexpr const char* kLongFrameModule = R"((module
  (import "env" "wait_for_machine_code" (func $wait))
  (func $short (export "short") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (if (i32.eq (local.get $i) (i32.const 5000)) (then (call $wait)))
      (local.set $s (i32.add (local.get $s) (call $short (i32.const 3))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))
)";

class TieredLongFrameTest : public TieredTest {
 protected:
  TieredLongFrameTest() {
    wat = kLongFrameModule;
    // Hot after about 600 of run's iterations (five units each: its loop
    // head, short's call and its three iterations), in run's frame.
    tier_up_after = 3000;
  }
};

TEST_F(TieredLongFrameTest, AFrameRunningLongMovesToTheFirstCompilesLoopEntry) {
  std::thread([&] {  // a thread of its own: hotness is counted per thread
    Store store(config);
    auto instance = instantiate(store);
    ASSERT_TRUE(instance) << instance.error().describe();
    Extern run = *(*instance)->find_export("run");
    auto sum = store.call(run, std::vector<Value>{Value::i32_(10000)});
    ASSERT_TRUE(sum) << sum.error().describe();
    EXPECT_EQ((*sum)[0].i32, 30000u);  // 0 + 1 + 2 each iteration
    EXPECT_EQ(tiered::first_loop_entries(*module),
              (std::vector<aot::LoopEntry>{aot::LoopEntry::None, aot::LoopEntry::Only}));
    EXPECT_EQ(tiered::loops_entered(*module), 1u);
    // Later calls enter run's loop entry from its start, through its wrapper.
    EXPECT_TRUE(runs_machine_code(**instance, "run"));
    auto again = store.call(run, std::vector<Value>{Value::i32_(7)});
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ((*again)[0].i32, 21u);
    auto short_sum =
        store.call(*(*instance)->find_export("short"), std::vector<Value>{Value::i32_(10)});
    ASSERT_TRUE(short_sum) << short_sum.error().describe();
    EXPECT_EQ((*short_sum)[0].i32, 45u);
  })
      .join();
}

}  // namespace
}  // namespace flint

namespace flint {
namespace {

// Once a module is reported hot its checks stop counting: the thread's
// count then measures the modules still cold, as a sampler would. "a" is
// reported (its compile held at the gate, so it stays interpreted) and
// runs on; "b" is then reported after its own 1,000 units, not sooner.
TEST(TieredHotness, AModuleReportedHotNoLongerSpendsTheThreadsCount) {
  auto wasm = text::parse_wat(R"((module
    (func $calls (export "calls") (param i32)
      (if (local.get 0) (then (call $calls (i32.sub (local.get 0) (i32.const 1))))))))");
  ASSERT_TRUE(wasm);
  compile_may_start = false;
  aot::set_in_process_compiler(gated_compile);
  std::thread([&] {
    Config config;
    config.engine = EngineKind::Tiered;
    config.tier_up_after = 1000;
    auto a = compile(*wasm, config);
    auto b = compile(*wasm, config);
    ASSERT_TRUE(a && b);
    Store store(config);
    auto a_instance = Linker().instantiate(store, **a);
    auto b_instance = Linker().instantiate(store, **b);
    ASSERT_TRUE(a_instance && b_instance);
    // calls(n) is n + 1 units; the thread's first unit arms its count.
    auto run = [&](Instance* instance, int32_t n) {
      return store.call(*instance->find_export("calls"), std::vector<Value>{Value::i32_(n)});
    };
    ASSERT_TRUE(run(*a_instance, 999));  // 1 unit of the count left
    ASSERT_TRUE(run(*a_instance, 499));  // reported at its second unit
    EXPECT_TRUE(tiered::compile_started(**a));
    EXPECT_FALSE(tiered::machine_code_ready(**a));
    // Had a's last 498 units been spent, 502 of b's would report b.
    ASSERT_TRUE(run(*b_instance, 599));
    EXPECT_FALSE(tiered::compile_started(**b));
    ASSERT_TRUE(run(*b_instance, 499));
    EXPECT_TRUE(tiered::compile_started(**b));
    compile_may_start = true;
    for (const auto& module : {*a, *b}) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
      while (!tiered::compile_finished(*module) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }).join();
  aot::set_in_process_compiler(aot::compile_to_artifact);
}

// The compile a hot module's guests wait for runs at their priority (they
// run interpreted until it is done); the second, which nobody waits for,
// 10 nice levels below.
std::mutex priorities_lock;
std::vector<int> compile_priorities;
Result<std::vector<uint8_t>> priority_noting_compile(std::span<const uint8_t> wasm,
                                                     const aot::ArtifactOptions& options) {
  {
    std::lock_guard<std::mutex> hold(priorities_lock);
    compile_priorities.push_back(getpriority(PRIO_PROCESS, gettid()));
  }
  return aot::compile_to_artifact(wasm, options);
}

TEST(TieredPriority, TheCompileTheGuestWaitsForRunsAtItsPriorityTheSecondBelow) {
  int guest = getpriority(PRIO_PROCESS, gettid());
  if (guest > 9) GTEST_SKIP() << "this test runs at nice " << guest << ": no room below it";
  auto wasm = text::parse_wat(R"((module
    (func (export "spins") (param i32)
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))))");
  ASSERT_TRUE(wasm);
  compile_priorities.clear();
  aot::set_in_process_compiler(priority_noting_compile);
  Config config;
  config.engine = EngineKind::Tiered;
  config.tier_up_after =
      0;  // hot at once: no frame has run, so the second compile adds a loop entry
  auto module = compile(*wasm, config);
  ASSERT_TRUE(module) << module.error().describe();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (!tiered::compile_finished(**module) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  aot::set_in_process_compiler(aot::compile_to_artifact);
  std::lock_guard<std::mutex> hold(priorities_lock);
  EXPECT_EQ(compile_priorities, (std::vector<int>{guest, guest + 10}));
}

}  // namespace
}  // namespace flint
