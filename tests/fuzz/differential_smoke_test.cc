// A short differential run (fuzz/differential.h) in the normal build: the
// interpreter and compiled code agree on generated modules, and the harness
// reports an invalid module instead of skipping it. The long runs are the
// libFuzzer target's (fuzz/README.md).
#if FLINT_FUZZ_HAVE_AOT
#include <gtest/gtest.h>

#include <random>

#include "aot/aot_module.h"
#include "aot/llvm/codegen.h"
#include "fuzz/differential.h"

namespace flint::fuzz {
namespace {

class Differential : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { aot::set_in_process_compiler(aot::compile_to_artifact); }
};

void run_seeds(bool simd, uint64_t count) {
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
}

TEST_F(Differential, EnginesAgreeOnGeneratedScalarModules) { run_seeds(false, 10); }
TEST_F(Differential, EnginesAgreeOnGeneratedSimdModules) { run_seeds(true, 10); }

TEST_F(Differential, AnInvalidModuleIsReportedNotSkipped) {
  GeneratedModule m = generate_module({}, GeneratorOptions{});
  m.wasm.resize(m.wasm.size() - 3);  // truncated: "unexpected end"
  DiffStats stats;
  EXPECT_EQ(run_differential(m, stats).verdict, DiffVerdict::InvalidModule);
}

}  // namespace
}  // namespace flint::fuzz
#endif
