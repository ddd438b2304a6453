// Embedding Flint in C++: compile a module from WAT text, give it a host
// function that reads the caller's memory, instantiate, call exports, read
// memory, and report a trap with its backtrace. Built and run by ctest
// (embed/cpp) against the installed tree.
#include <flint/runtime.h>
#include <flint/wat.h>

#include <cstdio>
#include <string_view>

namespace {

constexpr std::string_view kWat = R"((module
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello from wasm")
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "greet")
    (call $log (i32.const 16) (i32.const 15)))
  (func $divide (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "divide_by") (param i32) (result i32)
    (call $divide (i32.const 100) (local.get 0))))
)";

int fail(const char* what, const flint::Error& error) {
  std::fprintf(stderr, "%s: %s\n", what, error.describe().c_str());
  return 1;
}

// env.log(ptr, len): prints guest bytes, reached through the caller's memory.
flint::Status log(flint::Caller& caller, std::span<const flint::Value> args,
                  std::span<flint::Value>) {
  std::optional<flint::Extern> memory = caller.memory();
  if (!memory) return flint::make_error(flint::ErrorCode::HostTrap, "log: no memory");
  std::span<uint8_t> bytes = caller.store().memory_data(*memory);
  uint64_t ptr = args[0].i32, len = args[1].i32;
  if (ptr + len > bytes.size())
    return flint::make_error(flint::ErrorCode::HostTrap, "log: out of bounds");
  std::printf("log: %.*s\n", int(len), reinterpret_cast<const char*>(bytes.data() + ptr));
  return {};
}

}  // namespace

int main() {
  flint::Config config;  // the interpreter; config.engine = flint::EngineKind::Aot compiles
  auto wasm = flint::text::parse_wat(kWat);
  if (!wasm) return fail("parse", wasm.error());
  auto compiled = flint::compile(*wasm, config);
  if (!compiled) return fail("compile", compiled.error());

  flint::Store store(config);
  flint::Linker linker;
  flint::FuncType log_type{{flint::ValType::I32, flint::ValType::I32}, {}};
  linker.define("env", "log", store.host_function(log_type, log, "log"));
  auto instance = linker.instantiate(store, **compiled);
  if (!instance) return fail("instantiate", instance.error());

  flint::Value args[] = {flint::Value::i32_(2), flint::Value::i32_(3)};
  auto sum = store.call(*(*instance)->find_export("add"), args);
  if (!sum) return fail("add", sum.error());
  std::printf("add(2, 3) = %u\n", (*sum)[0].i32);

  if (auto greeted = store.call(*(*instance)->find_export("greet"), {}); !greeted)
    return fail("greet", greeted.error());

  std::span<uint8_t> memory = store.memory_data(*(*instance)->find_export("memory"));
  std::printf("memory: %zu bytes, at 16: \"%.15s\"\n", memory.size(),
              reinterpret_cast<const char*>(memory.data() + 16));

  // A trap is a value: its message, and the wasm frames it went through.
  flint::Value zero[] = {flint::Value::i32_(0)};
  auto quotient = store.call(*(*instance)->find_export("divide_by"), zero);
  if (quotient) return std::puts("divide_by(0) did not trap"), 1;
  std::printf("trap: %s\n", quotient.error().message().c_str());
  for (const flint::BacktraceFrame& frame : store.last_backtrace())
    std::printf("  at function %u %s\n", frame.function,
                frame.name.empty() ? "<unnamed>" : frame.name.c_str());
  return 0;
}
