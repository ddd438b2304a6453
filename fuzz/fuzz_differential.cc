// libFuzzer target: random valid modules (module_generator.h) run by the
// interpreter and by compiled code must agree (differential.h). A mismatch
// or an invalid generated module aborts with a report, so libFuzzer keeps
// the input as a crasher; fuzz/README.md tells how to reproduce and shrink it.
//
// Environment:
//   FLINT_FUZZ_SIMD=0|1   generate v128 and every 0xFD opcode (default: kSimdByDefault)
//   FLINT_FUZZ_DUMP=PATH  write each generated module to PATH (to inspect a
//                         crasher: run the target on it once with this set)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>

#include "aot/aot_module.h"
#include "aot/llvm/codegen.h"
#include "fuzz/differential.h"
#include "fuzz/module_generator.h"

namespace {

// v128 generation is on by default: the compiler lowers every 0xFD
// instruction (commit e3f5dea); FLINT_FUZZ_SIMD=0 fuzzes scalar code only.
constexpr bool kSimdByDefault = true;

flint::fuzz::GeneratorOptions g_options;
flint::fuzz::DiffStats g_stats;

void print_stats() {
  std::fprintf(stderr,
               "flint-diff: modules %llu, calls %llu, trapped calls %llu, inconclusive %llu, "
               "moved in a loop %llu\n",
               (unsigned long long)g_stats.modules, (unsigned long long)g_stats.calls,
               (unsigned long long)g_stats.traps, (unsigned long long)g_stats.inconclusive,
               (unsigned long long)g_stats.loop_moves);
}

bool env_flag(const char* name, bool fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::strcmp(v, "0") != 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid LLVM IR from the translation is a finding too (TargetOptions::verify_ir).
  setenv("FLINT_VERIFY_IR", "1", /*overwrite=*/0);
  flint::aot::set_in_process_compiler(flint::aot::compile_to_artifact);
  g_options.simd = env_flag("FLINT_FUZZ_SIMD", kSimdByDefault);
  std::atexit(print_stats);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flint::fuzz;
  GeneratedModule module = generate_module(std::span<const uint8_t>(data, size), g_options);
  if (const char* path = std::getenv("FLINT_FUZZ_DUMP")) {
    if (FILE* f = std::fopen(path, "wb")) {
      std::fwrite(module.wasm.data(), 1, module.wasm.size(), f);
      std::fclose(f);
    }
  }
  DiffOutcome outcome = run_differential(module, g_stats);
  if (g_stats.modules % 1000 == 0) print_stats();
  if (outcome.verdict != DiffVerdict::Agree) {
    std::fprintf(
        stderr, "\n==== flint differential fuzzer: %s ====\n%s\n",
        outcome.verdict == DiffVerdict::InvalidModule ? "GENERATOR BUG" : "ENGINES DISAGREE",
        outcome.report.c_str());
    std::abort();
  }
  return 0;
}
