// libFuzzer target over the whole pipeline: decode, validate, translate,
// instantiate (every import satisfied by a dummy of the right type), and call
// every exported function with zero arguments under a fuel bound, so any
// input finishes quickly. A crash, hang, leak or sanitizer report is a bug;
// errors and traps are expected outcomes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "flint/runtime.h"
#include "module/module.h"

namespace {

using namespace flint;

// Gives each import an extern of exactly the declared type, so linking
// succeeds and the interesting code after it is reached.
Extern dummy_import(Store& store, const Module& module, const Import& import) {
  switch (import.kind) {
    case ExternKind::Func: {
      const FuncType& type = module.types[import.func_type];
      return store.host_function(
          type, [type](flint::Caller&, std::span<const Value>, std::span<Value> results) {
            for (size_t i = 0; i < results.size(); ++i) results[i] = Value::zero(type.results[i]);
            return Status{};
          });
    }
    case ExternKind::Table:
      return store.create_table(import.table, Value::null_(import.table.element));
    case ExternKind::Memory: {
      auto memory = store.create_memory(import.memory);
      return memory ? *memory : Extern{};
    }
    case ExternKind::Global:
      return store.create_global(import.global, Value::zero(import.global.type));
  }
  return Extern{};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Config config;
  config.fuel = 100'000;
  config.max_memory_pages = 256;  // keep each input's footprint small
  config.max_stack_bytes = 256 << 10;
  auto compiled = compile(std::span<const uint8_t>(data, size), config);
  if (!compiled) return 0;
  const Module& module = (*compiled)->module();

  Store store(config);
  std::vector<Extern> imports;
  for (const Import& import : module.imports) {
    Extern e = dummy_import(store, module, import);
    if (import.kind == ExternKind::Memory && !e.memory) return 0;  // too large to create
    imports.push_back(e);
  }
  auto instance = store.instantiate(**compiled, imports);
  if (!instance) return 0;

  for (const Export& e : module.exports) {
    if (e.kind != ExternKind::Func) continue;
    std::optional<Extern> func = (*instance)->find_export(e.name);
    FuncType type = store.func_type(*func);
    std::vector<Value> args;
    for (ValType t : type.params) args.push_back(Value::zero(t));
    (void)store.call(*func, args);
  }
  return 0;
}
