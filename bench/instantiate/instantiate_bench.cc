// How long instantiating a module takes through the embedding API
// (include/flint/runtime.h), for a module compiled ahead of time and for the
// same module interpreted. The module is the hello world of issue 4 (C,
// wasi-libc, clang -O2): five WASI imports, one memory with data segments,
// globals, a table. Each iteration is what a server does per request: a
// fresh Store, the imports defined in it, the instance, and the Store's
// teardown (DESIGN principle 4).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "flint/runtime.h"
#include "module/module.h"

namespace {

std::vector<uint8_t> read_hello() {
  std::ifstream in(FLINT_HELLO_WASM, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::shared_ptr<const flint::CompiledModule> compile_hello(flint::EngineKind engine) {
  std::vector<uint8_t> wasm = read_hello();
  flint::Config config;
  config.engine = engine;
  auto compiled = flint::compile(wasm, config);
  if (!compiled) {
    std::fprintf(stderr, "cannot compile %s: %s\n", FLINT_HELLO_WASM,
                 compiled.error().describe().c_str());
    return nullptr;
  }
  return *compiled;
}

// The imports are host functions that are never called here; their
// creation is part of each iteration, as a server would define them per store.
flint::Result<flint::Instance*> instantiate(flint::Store& store,
                                            const flint::CompiledModule& compiled) {
  const flint::Module& m = compiled.module();
  std::vector<flint::Extern> imports;
  imports.reserve(m.imports.size());
  for (const flint::Import& imp : m.imports)
    imports.push_back(
        store.host_function(m.types[imp.func_type],
                            [](flint::Caller&, std::span<const flint::Value>,
                               std::span<flint::Value>) -> flint::Status { return {}; }));
  return store.instantiate(compiled, imports);
}

void run(benchmark::State& state, flint::EngineKind engine) {
  auto compiled = compile_hello(engine);
  if (!compiled) {
    state.SkipWithError("cannot compile the hello module");
    return;
  }
  for (auto _ : state) {
    flint::Store store;
    auto instance = instantiate(store, *compiled);
    if (!instance) {
      state.SkipWithError(instance.error().describe().c_str());
      break;
    }
    benchmark::DoNotOptimize(*instance);
  }
}

void BM_InstantiateCompiled(benchmark::State& state) { run(state, flint::EngineKind::Aot); }
void BM_InstantiateInterpreted(benchmark::State& state) {
  run(state, flint::EngineKind::Interpreter);
}

BENCHMARK(BM_InstantiateCompiled)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InstantiateInterpreted)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
