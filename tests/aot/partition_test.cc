// Compilation in partitions (issue 16): a large module's functions are
// compiled in several LLVM modules on several threads and linked into one
// shared object. Forcing one function per partition here, every kind of
// call crosses partitions -- direct, indirect, recursive, through an
// import -- and each must behave as in one partition, at either effort;
// traps keep their backtrace.
#include <gtest/gtest.h>

#include "aot/artifact.h"
#include "aot/cpu_features.h"
#include "aot/llvm/codegen.h"
#include "binary/decoder.h"
#include "engines.h"
#include "valid/validator.h"

namespace flint {
namespace {

constexpr const char* kModule = R"((module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (type $ii (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $square $fib)
  (memory (export "memory") 1)
  (func $square (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "mixed") (param i32) (result i32)
    (i32.add (call $square (local.get 0))
             (i32.add (call_indirect (type $ii) (local.get 0) (i32.const 1))
                      (call $twice (local.get 0)))))
  (func $store (param i32) (i32.store (local.get 0) (i32.const 7)))
  (func (export "oob") (call $store (i32.const 65536)))))";

std::vector<uint8_t> partitioned_artifact(const std::vector<uint8_t>& wasm,
                                          aot::TargetOptions target) {
  auto module = decode_module(wasm);
  EXPECT_TRUE(module && validate(*module));
  EXPECT_EQ(aot::plan_partitions(*module, target).size(), module->functions.size());
  auto artifact = aot::compile_to_artifact(wasm, {}, target);
  EXPECT_TRUE(artifact) << artifact.error().describe();
  return artifact ? *artifact : std::vector<uint8_t>{};
}

aot::TargetOptions one_function_per_partition() {
  aot::TargetOptions target;
  target.partition_instructions = 1;
  target.threads = 2;
  return target;
}

/// Every kind of call in kModule, compiled as `target` says.
void check_every_kind_of_call(const aot::TargetOptions& target) {
  auto wasm = text::parse_wat(kModule);
  ASSERT_TRUE(wasm);
  auto loaded = load_precompiled(partitioned_artifact(*wasm, target));
  ASSERT_TRUE(loaded) << loaded.error().describe();
  Store store;
  Linker linker;
  linker.define(
      "env", "twice",
      store.host_function(FuncType{{ValType::I32}, {ValType::I32}},
                          [](Caller&, std::span<const Value> a, std::span<Value> r) -> Status {
                            r[0] = Value::i32_(a[0].i32 * 2);
                            return {};
                          }));
  auto inst = linker.instantiate(store, **loaded);
  ASSERT_TRUE(inst) << inst.error().describe();
  auto fib = store.call(*(*inst)->find_export("fib"), std::vector<Value>{Value::i32_(20)});
  ASSERT_TRUE(fib) << fib.error().describe();
  EXPECT_EQ((*fib)[0].i32, 6765u);
  auto mixed = store.call(*(*inst)->find_export("mixed"), std::vector<Value>{Value::i32_(5)});
  ASSERT_TRUE(mixed) << mixed.error().describe();
  EXPECT_EQ((*mixed)[0].i32, 25u + 5u + 10u);  // square + fib(5) + twice
  auto oob = store.call(*(*inst)->find_export("oob"), {});
  ASSERT_FALSE(oob);
  EXPECT_EQ(oob.error().code, ErrorCode::OutOfBoundsMemoryAccess);
  std::vector<uint32_t> frames;
  for (const BacktraceFrame& f : store.last_backtrace()) frames.push_back(f.function);
  EXPECT_EQ(frames, (std::vector<uint32_t>{4, 5}));  // $store, then "oob"
}

// Each partition's code locations are read from its own object and placed
// where the linker put its code: a trap's frames, each in a partition of
// its own, have the interpreter's functions and offsets.
TEST(Partitions, BacktracesAcrossPartitionsHaveTheInterpretersOffsets) {
  constexpr const char* kTraps = R"((module
    (memory 1)
    (func $store (param i32) (i32.store offset=4 (local.get 0) (i32.const 7)))
    (func $middle (param i32) (nop) (call $store (i32.add (local.get 0) (i32.const 8))))
    (func $fail (param i32) (result i32)
      (if (i32.eqz (local.get 0)) (then unreachable))
      (i32.div_u (i32.const 100) (i32.sub (local.get 0) (i32.const 1))))
    (func (export "oob") (param i32) (i32.const 1) (drop) (call $middle (local.get 0)))
    (func (export "fail") (param i32) (result i32) (call $fail (local.get 0)))))";
  for (bool quick : {false, true}) {
    SCOPED_TRACE(quick ? "quick" : "full");
    aot::TargetOptions target = one_function_per_partition();
    target.all_quick = quick;
    auto wasm = text::parse_wat(kTraps);
    ASSERT_TRUE(wasm);
    aot_test::Engine interp{kTraps, aot_test::interp_config()};
    aot_test::Engine compiled{kTraps, aot_test::aot_config()};
    compiled.load_artifact(partitioned_artifact(*wasm, target));
    for (auto [name, argument, code] :
         {std::tuple{"oob", 65536u, ErrorCode::OutOfBoundsMemoryAccess},
          std::tuple{"fail", 0u, ErrorCode::Unreachable},
          std::tuple{"fail", 1u, ErrorCode::IntegerDivideByZero}}) {
      SCOPED_TRACE(name);
      auto a = interp.call(name, {Value::i32_(argument)});
      auto b = compiled.call(name, {Value::i32_(argument)});
      ASSERT_FALSE(a.ok() || b.ok());
      EXPECT_EQ(b.error().code, code);
      EXPECT_GE(interp.located_frames().size(), 2u);
      EXPECT_EQ(compiled.located_frames(), interp.located_frames());
    }
  }
}

TEST(Partitions, EveryKindOfCallAcrossPartitionsBehavesAsInOne) {
  check_every_kind_of_call(one_function_per_partition());
}

TEST(Partitions, QuickEffortCodeBehavesAsFullEffortCode) {
  aot::TargetOptions target = one_function_per_partition();
  target.quick_module_instructions = 1;  // as if the module were large
  target.quick_function_instructions = 0;
  auto module = decode_module(*text::parse_wat(kModule));
  ASSERT_TRUE(module);
  for (const aot::Partition& p : aot::plan_partitions(*module, target))
    EXPECT_EQ(p.effort, aot::Effort::Quick);
  check_every_kind_of_call(target);
}

// lld resets LLVM's options at every link (codegen.h, llvm_options_lock):
// the quick code generator's must be back for the next compile in the
// process (tests, the fuzzer and tiered runs compile in-process).
TEST(Partitions, QuickEffortCompilesAgainAfterALinkInTheSameProcess) {
  aot::TargetOptions target = one_function_per_partition();
  target.all_quick = true;
  check_every_kind_of_call(target);  // compiled and linked
  check_every_kind_of_call(target);  // "Cannot emit physreg copy instruction" before the fix
}

TEST(Partitions, InALargeModuleTheLargeFunctionsGetQuickEffortAndTheSmallOnesQuickCodegen) {
  Module m;
  for (size_t size : {10, 5000, 20, 7000, 30}) {
    Function f;
    f.body.resize(size - 1);
    m.functions.push_back(std::move(f));
  }
  aot::TargetOptions target;
  target.threads = 1;
  target.partition_instructions = 100'000;
  target.quick_module_instructions = 10'000;  // the module has 12,060
  target.quick_function_instructions = 100;
  auto parts = aot::plan_partitions(m, target);
  ASSERT_EQ(parts.size(), 2u);
  // First, since it holds the function table: the small functions, -O2's IR
  // pipeline but the quick code generator.
  EXPECT_EQ(parts[0].effort, aot::Effort::FullIrQuickCodegen);
  EXPECT_EQ(parts[0].functions, (std::vector<uint32_t>{0, 2, 4}));
  EXPECT_EQ(parts[1].effort, aot::Effort::Quick);
  EXPECT_EQ(parts[1].functions, (std::vector<uint32_t>{1, 3}));
  target.quick_module_instructions = 20'000;  // now a small module: all Full, one partition
  parts = aot::plan_partitions(m, target);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].effort, aot::Effort::Full);
  EXPECT_EQ(parts[0].functions.size(), 5u);
}

/// A module (without bodies worth compiling) of `count` functions of 1000
/// units each, for the partition plans.
Module module_of_equal_functions(int count) {
  Module m;
  for (int i = 0; i < count; ++i) {
    Function f;
    f.body.resize(999);  // 1000 units with its end
    m.functions.push_back(std::move(f));
  }
  return m;
}

TEST(Partitions, SmallModulesStayInOnePartitionAndLargeOnesSplitEvenly) {
  Module m = module_of_equal_functions(10);
  aot::TargetOptions target;
  target.threads = 2;
  target.partition_instructions = 100'000;
  EXPECT_EQ(aot::plan_partitions(m, target).size(), 1u);
  target.partition_instructions = 4000;  // 10,000 in all: three partitions of about 3,334
  auto parts = aot::plan_partitions(m, target);
  ASSERT_EQ(parts.size(), 3u);
  std::vector<uint32_t> all;  // every function once, in order
  for (const aot::Partition& p : parts)
    all.insert(all.end(), p.functions.begin(), p.functions.end());
  EXPECT_EQ(all, (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  target.partition_instructions = 0;
  EXPECT_EQ(aot::plan_partitions(m, target).size(), 1u);
}

// Quick partitions come last and inline nothing: each takes a share of what
// is left (a quarter of a thread's), so they shrink toward the end, down to
// a quarter of the even size, and the threads run out of work together.
TEST(Partitions, QuickPartitionsShrinkTowardTheEndOfTheCompile) {
  Module m = module_of_equal_functions(100);
  aot::TargetOptions target;
  target.threads = 2;
  target.partition_instructions = 20'000;  // five of 20,000 if even
  target.all_quick = true;
  auto parts = aot::plan_partitions(m, target);
  std::vector<size_t> sizes;
  std::vector<uint32_t> all;  // every function once, in order
  for (const aot::Partition& p : parts) {
    EXPECT_EQ(p.effort, aot::Effort::Quick);
    sizes.push_back(p.functions.size());
    all.insert(all.end(), p.functions.begin(), p.functions.end());
  }
  std::vector<uint32_t> expected(100);
  for (uint32_t i = 0; i < 100; ++i) expected[i] = i;
  EXPECT_EQ(all, expected);
  // 100,000 left: an eighth is 12,500 (13 functions); then 87,000: 11; ...
  // down to 5 (a quarter of 20,000); the last takes the rest.
  ASSERT_GE(sizes.size(), 8u);
  EXPECT_EQ(sizes[0], 13u);
  EXPECT_EQ(sizes[1], 11u);
  for (size_t i = 1; i < sizes.size(); ++i) EXPECT_LE(sizes[i], sizes[i - 1]) << "partition " << i;
  EXPECT_EQ(sizes[sizes.size() - 2], 5u);
  // The even split would have made five; Full effort keeps it.
  target.all_quick = false;
  EXPECT_EQ(aot::plan_partitions(m, target).size(), 5u);
}

}  // namespace
}  // namespace flint
