// fuzz_replay: replays one fuzz_differential input without libFuzzer, for
// triage (fuzz/README.md, "Build and run").
//
//   fuzz_replay INPUT [MODULE.wasm]
//
// Generates the module and its planned calls from INPUT as the fuzz target
// does (FLINT_FUZZ_SIMD as there), prints the calls, and runs the
// differential check (differential.h). With MODULE.wasm the calls are made
// on that module instead of the generated one: a module shrunk by hand
// (wasm2wat, edit, wat2wasm) that keeps the names of the exports the calls
// use reproduces -- or no longer reproduces -- the difference; it must
// export its memory as "mem", and its exported globals "g0", "g1", ... are
// compared. FLINT_FUZZ_DUMP=PATH writes the generated module. Exit status
// 0 when the engines agree, 1 when they differ, 2 on a usage or file error.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "aot/aot_module.h"
#include "aot/llvm/codegen.h"
#include "binary/decoder.h"
#include "fuzz/differential.h"
#include "fuzz/module_generator.h"

namespace {

bool read_file(const char* path, std::vector<uint8_t>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

bool write_file(const char* path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  return bool(out);
}

/// Adapts the harness's expectations to a replacement module: the globals
/// compared are its exports "g0", "g1", ... (a shrunk module may have fewer
/// than the generated one), and it must export its memory as "mem". False,
/// with a message, when the module cannot be decoded or has no "mem".
bool adopt_replacement(flint::fuzz::GeneratedModule& module) {
  auto decoded = flint::decode_module(module.wasm);
  if (!decoded) {
    std::fprintf(stderr, "fuzz_replay: %s\n", decoded.error().describe().c_str());
    return false;
  }
  auto exported = [&](const std::string& name, flint::ExternKind kind) {
    for (const flint::Export& e : decoded->exports)
      if (e.name == name && e.kind == kind) return true;
    return false;
  };
  if (!exported(flint::fuzz::kMemoryExport, flint::ExternKind::Memory)) {
    std::fprintf(stderr, "fuzz_replay: the module exports no memory \"%s\"\n",
                 flint::fuzz::kMemoryExport);
    return false;
  }
  module.exported_globals = 0;
  while (exported("g" + std::to_string(module.exported_globals), flint::ExternKind::Global))
    ++module.exported_globals;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace flint::fuzz;
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: fuzz_replay INPUT [MODULE.wasm]\n");
    return 2;
  }
  std::vector<uint8_t> input;
  if (!read_file(argv[1], input)) {
    std::fprintf(stderr, "fuzz_replay: cannot read %s\n", argv[1]);
    return 2;
  }
  GeneratorOptions options;
  const char* simd = std::getenv("FLINT_FUZZ_SIMD");
  options.simd = !simd || !*simd || std::strcmp(simd, "0") != 0;  // on by default, as in the target
  GeneratedModule module = generate_module(input, options);
  if (const char* path = std::getenv("FLINT_FUZZ_DUMP")) write_file(path, module.wasm);
  if (argc == 3) {
    if (!read_file(argv[2], module.wasm)) {
      std::fprintf(stderr, "fuzz_replay: cannot read %s\n", argv[2]);
      return 2;
    }
    if (!adopt_replacement(module)) return 2;
  }
  for (const PlannedCall& call : module.calls) {
    std::string line = call.export_name + "(";
    for (size_t i = 0; i < call.args.size(); ++i)
      line += (i ? ", " : "") + show_value(call.args[i]);
    std::printf("call %s)\n", line.c_str());
  }
  setenv("FLINT_VERIFY_IR", "1", /*overwrite=*/0);  // as the fuzzer (TargetOptions::verify_ir)
  flint::aot::set_in_process_compiler(flint::aot::compile_to_artifact);
  DiffStats stats;
  DiffOutcome outcome = run_differential(module, stats);
  if (outcome.verdict == DiffVerdict::Agree) {
    std::printf("agree (%llu calls, %llu trapped, %llu inconclusive, %llu moved in a loop)\n",
                (unsigned long long)stats.calls, (unsigned long long)stats.traps,
                (unsigned long long)stats.inconclusive, (unsigned long long)stats.loop_moves);
    return 0;
  }
  std::printf("%s\n%s\n",
              outcome.verdict == DiffVerdict::InvalidModule ? "INVALID MODULE" : "ENGINES DISAGREE",
              outcome.report.c_str());
  return 1;
}
