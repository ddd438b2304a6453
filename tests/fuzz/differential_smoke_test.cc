// A short differential run (fuzz/differential.h) in the normal build: the
// interpreter and compiled code agree on generated modules, and the harness
// reports an invalid module instead of skipping it. The long runs are the
// libFuzzer target's (fuzz/README.md).
#if FLINT_FUZZ_HAVE_AOT
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "aot/aot_module.h"
#include "aot/llvm/codegen.h"
#include "fuzz/differential.h"
#include "fuzz/nan_fence.h"
#include "fuzz/wasm_emit.h"

namespace flint::fuzz {
namespace {

class Differential : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { aot::set_in_process_compiler(aot::compile_to_artifact); }
};

DiffStats run_seeds(bool simd, uint64_t count) {
  DiffStats stats;
  GeneratorOptions options;
  options.simd = simd;
  for (uint64_t seed = 0; seed < count; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<uint8_t> bytes(1000 + seed * 200);
    for (uint8_t& b : bytes) b = uint8_t(rng());
    DiffOutcome outcome = run_differential(generate_module(bytes, options), stats);
    EXPECT_EQ(outcome.verdict, DiffVerdict::Agree) << "seed " << seed << ":\n" << outcome.report;
  }
  EXPECT_EQ(stats.modules, count);
  EXPECT_GT(stats.calls, count);
  return stats;
}

TEST_F(Differential, EnginesAgreeOnGeneratedScalarModules) {
  DiffStats stats = run_seeds(false, 10);
  // The stepped tiered side switched inside some calls at a loop head
  // (on-stack replacement), not only between calls: 3 of these 10.
  EXPECT_GT(stats.loop_moves, 0u);
}
TEST_F(Differential, EnginesAgreeOnGeneratedSimdModules) { run_seeds(true, 10); }

TEST_F(Differential, AnInvalidModuleIsReportedNotSkipped) {
  GeneratedModule m = generate_module({}, GeneratorOptions{});
  m.wasm.resize(m.wasm.size() - 3);  // truncated: "unexpected end"
  DiffStats stats;
  EXPECT_EQ(run_differential(m, stats).verdict, DiffVerdict::InvalidModule);
}

// A fence applied to a function's first parameter, with the second as the
// operation's operand: what the fence maps each value to, in both engines.
std::vector<uint8_t> fence_module() {
  ByteWriter out;
  out.raw(std::string_view("\0asm\1\0\0\0", 8));
  auto section = [&](uint8_t id, const ByteWriter& body) {
    out.u8(id);
    out.sized(body);
  };
  ByteWriter types;
  types.u32(2);
  for (ValType t : {ValType::F32, ValType::V128}) {
    types.u8(0x60);
    types.u32(2);
    types.u8(uint8_t(t));
    types.u8(uint8_t(t));
    types.u32(1);
    types.u8(uint8_t(t));
  }
  section(1, types);
  ByteWriter funcs;
  funcs.u32(2);
  funcs.u32(0);
  funcs.u32(1);
  section(3, funcs);
  ByteWriter exports;
  exports.u32(2);
  exports.name("f32");
  exports.u8(0);
  exports.u32(0);
  exports.name("f32x4");
  exports.u8(0);
  exports.u32(1);
  section(7, exports);
  ByteWriter code;
  code.u32(2);
  for (auto [t, fence] :
       {std::pair{ValType::F32, NanFence::F32}, std::pair{ValType::V128, NanFence::F32x4}}) {
    ByteWriter body;
    body.u32(1);  // one run of locals: the scratch
    body.u32(1);
    body.u8(uint8_t(t));
    emit_local(body, Opcode::LocalGet, 0);
    const ValType input_types[] = {t};
    const uint32_t input_locals[] = {1};
    emit_nan_fence(body, fence, 2, FenceInputs{input_types, input_locals});
    emit_op(body, Opcode::End);
    code.sized(body);
  }
  section(10, code);
  return out.take();
}

TEST_F(Differential, NanFencesKeepNumbersAndSignallingNansAndCheckTheCanonicalRule) {
  std::vector<uint8_t> wasm = fence_module();
  for (EngineKind engine : {EngineKind::Interpreter, EngineKind::Aot}) {
    SCOPED_TRACE(engine == EngineKind::Aot ? "compiled" : "interpreter");
    Config config;
    config.engine = engine;
    auto compiled = compile(wasm, config);
    ASSERT_TRUE(compiled) << compiled.error().describe();
    Store store(config);
    auto instance = store.instantiate(**compiled, {});
    ASSERT_TRUE(instance);
    auto scalar = [&](uint32_t r, uint32_t x) {
      Value args[] = {Value::f32_bits_(r), Value::f32_bits_(x)};
      auto out = store.call(*(*instance)->find_export("f32"), args);
      return out ? (*out)[0].f32_bits : 0xdeadbeef;
    };
    constexpr uint32_t one = 0x3f800000, canonical = 0x7fc00000;
    EXPECT_EQ(scalar(one, one), one);
    EXPECT_EQ(scalar(0x7fa00000, one), 0x7fa00000u);    // not arithmetic: kept
    EXPECT_EQ(scalar(0xffc00000, one), canonical);      // any sign is allowed
    EXPECT_EQ(scalar(0x7fc12345, one), kViolationF32);  // payload from nowhere
    EXPECT_EQ(scalar(0x7fc12345, canonical), kViolationF32);
    EXPECT_EQ(scalar(0x7fc12345, 0x7fc00001), canonical);  // non-canonical operand
    EXPECT_EQ(scalar(0xffc12345, 0x7f800001), canonical);

    uint32_t r[4] = {one, 0x7fa00000, 0x7fc12345, 0xffc00000};
    uint32_t x[4] = {one, one, one, 0x7f800001};
    V128 vr, vx;
    std::memcpy(vr.bytes, r, 16);
    std::memcpy(vx.bytes, x, 16);
    Value args[] = {Value::v128_(vr), Value::v128_(vx)};
    auto out = store.call(*(*instance)->find_export("f32x4"), args);
    ASSERT_TRUE(out);
    uint32_t lanes[4];
    std::memcpy(lanes, (*out)[0].v128.bytes, 16);
    EXPECT_EQ(lanes[0], one);
    EXPECT_EQ(lanes[1], 0x7fa00000u);
    EXPECT_EQ(lanes[2], kViolationF32);
    EXPECT_EQ(lanes[3], canonical);
  }
}

}  // namespace
}  // namespace flint::fuzz
#endif
