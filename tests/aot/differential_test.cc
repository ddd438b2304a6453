// Compiled code against the interpreter: the same module, the same calls,
// the same results and traps. Also the artifact checks, traps on several
// threads at once, and that an aarch64 object can be produced.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "aot/aot_module.h"
#include "aot/artifact.h"
#include "aot/llvm/codegen.h"
#include "binary/decoder.h"
#include "flint/runtime.h"
#include "text/parse.h"
#include "engines.h"

namespace flint {
namespace {

constexpr const char* kModule = R"(
(module
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $fib $sq)
  (type $i2i (func (param i32) (result i32)))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "fib") (param i32) (result i32) (call $fib (local.get 0)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 1) (local.get 0)))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_u64") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
  (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "max") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
  (func (export "nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
  (func (export "neg_bits") (param i32) (result i32)
    (i32.reinterpret_f32 (f32.neg (f32.reinterpret_i32 (local.get 0)))))
  (func (export "rotl") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
  (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "store_load") (param i32 i64) (result i64)
    (i64.store offset=3 (local.get 0) (local.get 1))
    (i64.load offset=3 (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "sum_to") (param i32) (result i64) (local i64)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (local.get 1))
  (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "pick") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12))
  (func $deep (export "deep") (param i32) (result i32) (i32.add (call $deep (local.get 0)) (i32.const 1)))
  (func (export "unreachable") (unreachable)))
)";

struct Call {
  const char* name;
  std::vector<Value> args;
};

std::vector<Call> calls() {
  auto i32 = Value::i32_;
  auto i64 = Value::i64_;
  auto f32 = Value::f32_;
  auto f64 = Value::f64_;
  return {
      {"fib", {i32(20)}},
      {"indirect", {i32(0), i32(10)}},
      {"indirect", {i32(1), i32(-7)}},
      {"indirect", {i32(2), i32(1)}},
      {"indirect", {i32(9), i32(1)}},
      {"div_s", {i32(7), i32(-2)}},
      {"div_s", {i32(1), i32(0)}},
      {"div_s", {i32(0x80000000), i32(-1)}},
      {"rem_s", {i32(0x80000000), i32(-1)}},
      {"rem_s", {i32(-7), i32(2)}},
      {"trunc", {f64(-2147483648.9)}},
      {"trunc", {f64(2147483648.0)}},
      {"trunc", {f64(NAN)}},
      {"trunc_u64", {f32(-0.9f)}},
      {"trunc_u64", {f32(1.8446744e19f)}},
      {"min", {f32(-0.0f), f32(0.0f)}},
      {"min", {Value::f32_bits_(0x7fc00001), f32(1.0f)}},
      {"max", {f64(0.0), f64(-0.0)}},
      {"nearest", {f64(2.5)}},
      {"nearest", {f64(-3.5)}},
      {"neg_bits", {i32(0x7fa00001)}},
      {"rotl", {i64(0x8000000000000001), i64(65)}},
      {"clz", {i32(0)}},
      {"store_load", {i32(100), i64(0x1122334455667788)}},
      {"store_load", {i32(65530), i64(1)}},
      {"load8", {i32(65535)}},
      {"load8", {i32(65536)}},
      {"load8", {i32(-1)}},
      {"size", {}},
      {"grow", {i32(1)}},
      {"load8", {i32(65536)}},
      {"size", {}},
      {"grow", {i32(70000)}},
      {"sum_to", {i32(100000)}},
      {"swap", {i32(5), i64(6)}},
      {"pick", {i32(0)}},
      {"pick", {i32(1)}},
      {"pick", {i32(2)}},
      {"pick", {i32(99)}},
      {"deep", {i32(0)}},
      {"unreachable", {}},
  };
}

std::string show(const Result<std::vector<Value>>& r) {
  if (!r) return "trap: " + std::string(spec_text(r.error().code));
  std::string s;
  for (const Value& v : *r) s += std::string(to_string(v.type)) + ":" + std::to_string(v.i64 & (v.type == ValType::I32 || v.type == ValType::F32 ? 0xffffffffull : ~0ull)) + " ";
  return s;
}

class AotTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { aot::set_in_process_compiler(aot::compile_to_artifact); }
};

TEST_F(AotTest, CompiledCodeAgreesWithTheInterpreter) {
  auto bytes = text::parse_wat(kModule);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  Config interp_config, aot_config;
  aot_config.engine = EngineKind::Aot;
  auto interp = compile(*bytes, interp_config);
  auto compiled = compile(*bytes, aot_config);
  ASSERT_TRUE(interp) << interp.error().describe();
  ASSERT_TRUE(compiled) << compiled.error().describe();
  ASSERT_NE(dynamic_cast<const aot::AotModule*>(compiled->get()), nullptr);
  Store interp_store(interp_config), aot_store(aot_config);
  auto a = interp_store.instantiate(**interp, {});
  auto b = aot_store.instantiate(**compiled, {});
  ASSERT_TRUE(a && b);
  for (const Call& c : calls()) {
    auto expected = interp_store.call(*(*a)->find_export(c.name), c.args);
    auto actual = aot_store.call(*(*b)->find_export(c.name), c.args);
    EXPECT_EQ(show(actual), show(expected)) << c.name;
  }
}

TEST_F(AotTest, TrapsOnSeveralThreadsAtOnce) {
  auto bytes = text::parse_wat(kModule);
  ASSERT_TRUE(bytes);
  Config config;
  config.engine = EngineKind::Aot;
  auto compiled = compile(*bytes, config);
  ASSERT_TRUE(compiled) << compiled.error().describe();
  std::vector<std::thread> threads;
  std::atomic<int> right{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      Store store(config);
      auto inst = store.instantiate(**compiled, {});
      if (!inst) return;
      for (int i = 0; i < 200; ++i) {
        auto oob = store.call(*(*inst)->find_export("load8"), std::vector<Value>{Value::i32_(70000)});
        auto ok = store.call(*(*inst)->find_export("fib"), std::vector<Value>{Value::i32_(10)});
        if (!oob && oob.error().code == ErrorCode::OutOfBoundsMemoryAccess && ok && (*ok)[0].i32 == 55)
          ++right;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(right.load(), 800);
}

TEST_F(AotTest, ArtifactsThatAreStaleForeignOrCorruptedAreRejected) {
  auto bytes = text::parse_wat(kModule);
  ASSERT_TRUE(bytes);
  auto artifact = aot::compile_to_artifact(*bytes);
  ASSERT_TRUE(artifact) << artifact.error().describe();
  EXPECT_TRUE(aot::decode_artifact(*artifact));

  std::vector<uint8_t> corrupted = *artifact;
  corrupted[corrupted.size() - 100] ^= 1;
  auto r = aot::decode_artifact(corrupted);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::BadArtifact);

  auto decoded = aot::decode_artifact(*artifact);
  aot::Artifact foreign = *decoded;
  foreign.triple = "riscv64-unknown-linux-gnu";
  EXPECT_FALSE(aot::decode_artifact(aot::encode_artifact(foreign)));
  aot::Artifact stale = *decoded;
  stale.flint_version = "0.0.1";
  EXPECT_FALSE(aot::decode_artifact(aot::encode_artifact(stale)));
  aot::Artifact future_cpu = *decoded;
  future_cpu.cpu_features.push_back("no-such-feature");
  EXPECT_FALSE(aot::decode_artifact(aot::encode_artifact(future_cpu)));
  std::vector<uint8_t> truncated(artifact->begin(), artifact->begin() + artifact->size() / 2);
  EXPECT_FALSE(aot::decode_artifact(truncated));
}

TEST_F(AotTest, AnAarch64ObjectCompiles) {
  aot::TargetOptions target;
  target.triple = "aarch64-unknown-linux-gnu";
  target.cpu = "generic";
  EXPECT_EQ(aot_test::elf_machine_of_object(kModule, target), 183u);  // ELF e_machine EM_AARCH64
}

}  // namespace
}  // namespace flint
