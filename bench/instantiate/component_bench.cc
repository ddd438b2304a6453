// Instantiating a small component versus its core module alone, and
// calling a lifted function versus the core function it lifts (issue 12:
// component instantiation within 2x of the core module's). The component
// is the kind the spec suite's values/strings.wast tests: one core module
// with a memory, a realloc and three functions, lifted with the canonical
// ABI's string and integer options. Each instantiation iteration is what a
// server does per request: a fresh Store, the instance, the Store's
// teardown. Both engines, as instantiate_bench.cc.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "component/value.h"
#include "component_runtime/compiled_component.h"
#include "component_runtime/instantiate.h"
#include "component_runtime/linker.h"
#include "flint/runtime.h"
#include "flint/wat.h"

namespace {

using namespace flint;

// The core module, on its own and inside the component. `realloc` hands out
// one scratch area (every argument string of a call fits), so repeated
// calls need no freeing; `len` is what `(param "s" string) (result u32)`
// lifts: the string's length in bytes.
constexpr const char* kCoreModule = R"(
  (module
    (memory (export "mem") 1)
    (global $count (mut i32) (i32.const 0))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
    (func (export "len") (param i32 i32) (result i32) (local.get 1))
    (func (export "add") (param i32 i32) (result i32)
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (i32.add (local.get 0) (local.get 1)))
    (func (export "greet") (result i32)
      (i32.store (i32.const 0) (i32.const 8))
      (i32.store (i32.const 4) (i32.const 5))
      (i32.store8 (i32.const 8) (i32.const 104))
      (i32.store8 (i32.const 9) (i32.const 101))
      (i32.store8 (i32.const 10) (i32.const 108))
      (i32.store8 (i32.const 11) (i32.const 108))
      (i32.store8 (i32.const 12) (i32.const 111))
      (i32.const 0)))
)";

std::string component_text() {
  std::string core = kCoreModule;
  // The same module as a component's core module definition.
  core.replace(core.find("(module"), 7, "(core module $M");
  return "(component " + core + R"(
    (core instance $m (instantiate $M))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $m "len") (memory (core memory $m "mem"))
        (realloc (func $m "realloc"))))
    (func (export "add") (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $m "add")))
    (func (export "greet") (result string)
      (canon lift (core func $m "greet") (memory (core memory $m "mem")))))
)";
}

Config config_for(EngineKind engine) {
  Config config;
  config.engine = engine;
  return config;
}

std::shared_ptr<const CompiledModule> compile_core(EngineKind engine) {
  auto wasm = text::parse_wat(kCoreModule);
  if (!wasm) return nullptr;
  auto compiled = compile(*wasm, config_for(engine));
  if (!compiled) {
    std::fprintf(stderr, "core module: %s\n", compiled.error().describe().c_str());
    return nullptr;
  }
  return *compiled;
}

std::shared_ptr<const component::CompiledComponent> compile_component(EngineKind engine) {
  auto wasm = text::parse_wat(component_text());
  if (!wasm) {
    std::fprintf(stderr, "component text: %s\n", wasm.error().describe().c_str());
    return nullptr;
  }
  auto compiled = component::CompiledComponent::compile(std::move(*wasm), config_for(engine));
  if (!compiled) {
    std::fprintf(stderr, "component: %s\n", compiled.error().describe().c_str());
    return nullptr;
  }
  return *compiled;
}

void instantiate_core(benchmark::State& state, EngineKind engine) {
  auto compiled = compile_core(engine);
  if (!compiled) return state.SkipWithError("cannot compile the core module");
  for (auto _ : state) {
    Store store(config_for(engine));
    auto instance = store.instantiate(*compiled, {});
    if (!instance) return state.SkipWithError(instance.error().describe().c_str());
    benchmark::DoNotOptimize(*instance);
  }
}

void instantiate_component(benchmark::State& state, EngineKind engine) {
  auto compiled = compile_component(engine);
  if (!compiled) return state.SkipWithError("cannot compile the component");
  component::ComponentLinker linker;  // it imports nothing
  for (auto _ : state) {
    Store store(config_for(engine));
    auto instance = component::instantiate(store, compiled, linker);
    if (!instance) return state.SkipWithError(instance.error().describe().c_str());
    benchmark::DoNotOptimize(*instance);
  }
}

// The argument string of the call benchmarks: 13 bytes, as a short name or
// header would be.
const std::string kArgument = "hello, world!";

// The core function with the string already in memory: what the lifted
// call costs on top is lowering the string (realloc, copy) and lifting the
// result.
void call_core(benchmark::State& state, EngineKind engine) {
  auto compiled = compile_core(engine);
  if (!compiled) return state.SkipWithError("cannot compile the core module");
  Store store(config_for(engine));
  auto instance = store.instantiate(*compiled, {});
  if (!instance) return state.SkipWithError(instance.error().describe().c_str());
  Extern len = *(*instance)->find_export("len");
  std::vector<Value> args{Value::i32_(1024), Value::i32_(uint32_t(kArgument.size()))};
  for (auto _ : state) {
    auto result = store.call(len, args);
    if (!result) return state.SkipWithError(result.error().describe().c_str());
    benchmark::DoNotOptimize(*result);
  }
}

void call_lifted(benchmark::State& state, EngineKind engine) {
  auto compiled = compile_component(engine);
  if (!compiled) return state.SkipWithError("cannot compile the component");
  Store store(config_for(engine));
  auto instance = component::instantiate(store, compiled, component::ComponentLinker{});
  if (!instance) return state.SkipWithError(instance.error().describe().c_str());
  auto len = component::find_function(**instance, "len");
  if (!len) return state.SkipWithError(len.error().describe().c_str());
  std::vector<component::ComponentValue> args{component::ComponentValue::string(kArgument)};
  for (auto _ : state) {
    auto result = (*len)->call(store, args);
    if (!result) return state.SkipWithError(result.error().describe().c_str());
    benchmark::DoNotOptimize(*result);
  }
}

void BM_InstantiateCoreInterpreted(benchmark::State& s) {
  instantiate_core(s, EngineKind::Interpreter);
}
void BM_InstantiateComponentInterpreted(benchmark::State& s) {
  instantiate_component(s, EngineKind::Interpreter);
}
void BM_InstantiateCoreCompiled(benchmark::State& s) { instantiate_core(s, EngineKind::Aot); }
void BM_InstantiateComponentCompiled(benchmark::State& s) {
  instantiate_component(s, EngineKind::Aot);
}
void BM_CallCoreInterpreted(benchmark::State& s) { call_core(s, EngineKind::Interpreter); }
void BM_CallLiftedInterpreted(benchmark::State& s) { call_lifted(s, EngineKind::Interpreter); }
void BM_CallCoreCompiled(benchmark::State& s) { call_core(s, EngineKind::Aot); }
void BM_CallLiftedCompiled(benchmark::State& s) { call_lifted(s, EngineKind::Aot); }

BENCHMARK(BM_InstantiateCoreInterpreted)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InstantiateComponentInterpreted)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InstantiateCoreCompiled)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InstantiateComponentCompiled)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CallCoreInterpreted)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_CallLiftedInterpreted)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_CallCoreCompiled)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_CallLiftedCompiled)->Unit(benchmark::kNanosecond);

}  // namespace

BENCHMARK_MAIN();
