// Flint's embedding API: compile a module once, instantiate it cheaply in a
// store, link imports by name, invoke exports. Errors and traps come back as
// values (flint::Error with its phase), never as exceptions.
//
//   auto compiled = flint::compile(bytes, config);          // decode+validate+translate
//   flint::Store store(config);
//   flint::Linker linker;
//   linker.define("env", "log", store.host_function(type, callback));
//   auto instance = linker.instantiate(store, *compiled);
//   auto results = store.call(*instance.value()->find_export("main"), args);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"
#include "flint/types.h"
#include "flint/value.h"

namespace flint {

struct Module;
class CompiledModule;
class Instance;
struct FuncInst;
struct TableInst;
struct MemoryInst;
struct GlobalInst;

/// Which engine executes code: the interpreter, or machine code compiled
/// ahead of time with LLVM (src/aot; compile() then runs the compiler).
enum class EngineKind : uint8_t { Interpreter, Aot };

struct Config {
  EngineKind engine = EngineKind::Interpreter;
  /// Bounded execution for fuzzing and --timeout style limits: when set, each
  /// call may execute about this many instructions before trapping with
  /// "all fuel consumed". One unit is charged per call and per loop
  /// iteration; loop iterations are metered only in modules compiled with
  /// fuel set (compile() reads this too), calls always.
  std::optional<uint64_t> fuel;
  /// Native stack bytes a call may use before "call stack exhausted".
  uint64_t max_stack_bytes = 4u << 20;
  /// Upper bound on any memory's pages, on top of the module's own maximum.
  std::optional<uint64_t> max_memory_pages;
};

/// Something an instance imports or exports: a function, table, memory or
/// global living in a Store.
struct Extern {
  ExternKind kind = ExternKind::Func;
  union {
    FuncInst* func;
    TableInst* table;
    MemoryInst* memory;
    GlobalInst* global;
  };
  Extern() : func(nullptr) {}
};

/// A host function body. Returning an Error (phase Trap) traps the caller.
using HostCallback = std::function<Status(std::span<const Value> args, std::span<Value> results)>;

/// Decodes, validates and translates a module. The result is immutable and
/// may be shared across threads and stores.
Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> wasm,
                                                      const Config& config = {});

class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  virtual const Module& module() const = 0;
};

/// One frame of a trap's wasm backtrace, innermost first.
struct BacktraceFrame {
  uint32_t function = 0;
  std::string name;           ///< from the name section or an export, may be empty
  std::optional<uint32_t> offset;  ///< byte offset of the instruction in the module
};

/// Owns instances and host objects. Not thread-safe: one store per thread.
class Store {
 public:
  explicit Store(Config config = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Extern host_function(FuncType type, HostCallback callback, std::string name = {});
  Extern create_table(TableType type, Value init);
  Result<Extern> create_memory(MemoryType type);
  Extern create_global(GlobalType type, Value value);

  /// Instantiates with imports given in the module's import order; checks
  /// their types ("incompatible import type"), runs segment initialisation
  /// and the start function. A trap there is returned as an Error, and the
  /// writes already made to imported tables and memories stay, as the spec says.
  Result<Instance*> instantiate(const CompiledModule& module, std::span<const Extern> imports);

  /// Calls a function with arguments of its parameter types. Traps and stack
  /// exhaustion come back as Errors; their backtrace is in last_backtrace().
  Result<std::vector<Value>> call(Extern func, std::span<const Value> args);
  const std::vector<BacktraceFrame>& last_backtrace() const;
  /// Fuel left after the last call (0 once "all fuel consumed"); nullopt
  /// when Config::fuel is not set. Both engines charge the same units.
  std::optional<uint64_t> remaining_fuel() const;

  FuncType func_type(Extern func) const;
  GlobalType global_type(Extern global) const;
  TableType table_type(Extern table) const;
  MemoryType memory_type(Extern memory) const;
  Value global_value(Extern global) const;
  /// The bytes of a memory as they are now (valid until the next grow).
  std::span<uint8_t> memory_data(Extern memory) const;

  const Config& config() const { return config_; }

 private:
  struct State;
  Config config_;
  std::unique_ptr<State> state_;
};

class Instance {
 public:
  virtual ~Instance() = default;
  virtual std::optional<Extern> find_export(std::string_view name) const = 0;
  virtual const Module& module() const = 0;
};

/// Resolves imports by (module, name), as `register` does in WAST scripts
/// and as a host defines its APIs.
class Linker {
 public:
  void define(std::string module, std::string name, Extern item);
  /// Makes every export of `instance` importable under `module`.
  void define_instance(const std::string& module, const Instance& instance);
  /// Resolves the module's imports ("unknown import" naming module and field)
  /// and instantiates it in `store`.
  Result<Instance*> instantiate(Store& store, const CompiledModule& module) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern, std::less<>> items_;
};

}  // namespace flint
