// Flint's embedding API: compile a module once, instantiate it cheaply in a
// store, link imports by name, invoke exports. Errors and traps come back as
// values (flint::Error with its phase), never as exceptions. In short
// (examples/embed-cpp/main.cc in full):
//
//   auto compiled = flint::compile(wasm, config);  // decode, validate, compile
//   flint::Store store(config);
//   flint::Linker linker;
//   linker.define("env", "log", store.host_function(log_type, log));
//   auto instance = linker.instantiate(store, **compiled);
//   auto sum = store.call(*(*instance)->find_export("add"), args);
#pragma once

#include <chrono>
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
class InstanceImpl;
struct FuncInst;
struct TableInst;
struct MemoryInst;
struct GlobalInst;
struct TagInst;

/// Which engine runs a module's code: the interpreter, machine code
/// compiled ahead of time (by the `flint-compile` helper, through the
/// artifact cache when one is installed), or both in turn: interpreted at
/// once while the compiler works in the background, each function
/// switching to its machine code at its next call once it is ready.
enum class EngineKind : uint8_t { Interpreter, Aot, Tiered };

/// How modules are compiled and stores run them. compile() reads `engine`,
/// `fuel` and `interruptible`; a Store reads every field.
struct Config {
  /// The engine compile() compiles for.
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
  /// Compiles checks of the store's interruption flag into function entries
  /// and loop heads (both engines), so Store::interrupt and deadlines stop a
  /// running guest with the trap "interrupt". Off by default: the checks
  /// cost a load and a branch each. compile() reads this too.
  bool interruptible = false;
  /// EngineKind::Tiered: calls and loop iterations the interpreter runs on
  /// a thread before the module it is then running counts as hot and its
  /// compile starts; 0 starts the compile at once. Unset, the module's size
  /// decides (tiered::default_hot_after): a small module's compile is a few
  /// tens of milliseconds of the other core's time and starts almost at
  /// once, a large one's takes seconds and hundreds of megabytes and waits
  /// for 500,000 (about 4 ms of interpreted calls, 40 ms of nbody's long
  /// loop bodies); either way a short run spawns no compile. compile()
  /// reads this.
  std::optional<uint64_t> tier_up_after;
  /// The proposals compile() decodes and validates with (WebAssembly 3.0's
  /// multi-memory and the shared flag by default; Features::wasm2() for 2.0).
  Features features;
};

/// Something an instance imports or exports: a function, table, memory,
/// global or tag living in a Store.
struct Extern {
  ExternKind kind = ExternKind::Func;
  union {
    FuncInst* func;
    TableInst* table;
    MemoryInst* memory;
    GlobalInst* global;
    TagInst* tag;  ///< exception handling: compared by identity
  };
  Extern() : func(nullptr) {}
};

class Store;

/// What a host function sees of the code that called it: the store, and
/// the calling instance with its memory, so a host API can reach guest
/// memory from any call, a start function's included.
class Caller {
 public:
  Caller(Store& store, const Instance* instance) : store_(store), instance_(instance) {}
  Store& store() const { return store_; }
  /// The instance whose code made the call; nullptr when the host called
  /// the function directly (Store::call).
  const Instance* instance() const { return instance_; }
  /// The calling instance's memory: memory 0, or with several memories the
  /// one it exports as "memory" (WASI's convention) when there is one.
  std::optional<Extern> memory() const;
  /// An export of the calling instance (wasmtime's Caller::get_export).
  std::optional<Extern> find_export(std::string_view name) const;

 private:
  Store& store_;
  const Instance* instance_;
};

/// A host function body. Returning an Error traps the caller: its message
/// is kept, with phase Trap ("host function trapped") unless it is a trap
/// or exhaustion already.
using HostCallback =
    std::function<Status(Caller& caller, std::span<const Value> args, std::span<Value> results)>;

/// Decodes, validates and compiles WebAssembly for the configured engine.
/// Accepts WebAssembly only: a precompiled artifact is refused here
/// ("a precompiled artifact ..."), since its machine code would run as is.
/// The result is immutable and may be shared across threads and stores.
Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> wasm,
                                                      const Config& config = {});

/// Loads a precompiled artifact (`flint compile`'s .fwasm): native code that
/// runs as it is, so only for bytes the host trusts as much as its own
/// executable. Stale, foreign or damaged artifacts are refused.
Result<std::shared_ptr<const CompiledModule>> load_precompiled(std::span<const uint8_t> artifact,
                                                               const Config& config = {});

/// True when `bytes` start like a precompiled artifact (and so compile()
/// refuses them).
bool is_precompiled(std::span<const uint8_t> bytes);

/// Code compiled by one engine from one module (compile, load_precompiled).
class CompiledModule {
 public:
  virtual ~CompiledModule() = default;
  /// The decoded module (src/module/module.h, not installed: embedders read
  /// imports and exports through flint/module_info.h).
  virtual const Module& module() const = 0;

 private:
  CompiledModule() = default;
  friend class EngineModule;  // the only implementation: the engines' (src/runtime/engine.h)
};

/// One frame of a trap's wasm backtrace, innermost first.
struct BacktraceFrame {
  uint32_t function = 0;
  std::string name;                ///< from the name section or an export, may be empty
  std::optional<uint32_t> offset;  ///< byte offset of the instruction in the module
};

/// `frames` as Flint's tools print a trap's backtrace: a "wasm backtrace:"
/// line, then one line a frame (index, offset, name); empty for no frames.
std::string format_backtrace(std::span<const BacktraceFrame> frames);

/// Owns instances and host objects. Not thread-safe: one store per thread.
class Store {
 public:
  /// An empty store whose code runs with `config`'s limits.
  explicit Store(Config config = {});
  /// Releases every object of the store; no Extern of it may be used after.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  /// A host function of `type` running `callback`; `name` appears in
  /// diagnostics only.
  Extern host_function(FuncType type, HostCallback callback, std::string name = {});
  /// A table of `type.limits.min` elements, each `init`.
  Extern create_table(TableType type, Value init);
  /// A memory of `type.limits.min` pages (zeroed); "out of memory" beyond
  /// Config::max_memory_pages or what the system reserves.
  Result<Extern> create_memory(MemoryType type);
  /// A global of `type` holding `value`.
  Extern create_global(GlobalType type, Value value);

  /// Instantiates with imports given in the module's import order; checks
  /// their types ("incompatible import type"), runs segment initialisation
  /// and the start function. A trap there is returned as an Error, and the
  /// writes already made to imported tables and memories stay, as the spec
  /// says. What a failed instantiation created (its functions, tables,
  /// globals, and memories with their address-space reservations) is
  /// released again unless its code may have handed references out.
  Result<Instance*> instantiate(const CompiledModule& module, std::span<const Extern> imports);

  /// Calls a function with arguments of its parameter types. Traps and stack
  /// exhaustion come back as Errors; their backtrace is in last_backtrace().
  Result<std::vector<Value>> call(Extern func, std::span<const Value> args);
  const std::vector<BacktraceFrame>& last_backtrace() const;
  /// Fuel left after the last call (0 once "all fuel consumed"); nullopt
  /// when Config::fuel is not set. Both engines charge the same units.
  std::optional<uint64_t> remaining_fuel() const;

  /// The types of a store's objects as imports see them (a table's or a
  /// memory's current size as its minimum).
  FuncType func_type(Extern func) const;
  GlobalType global_type(Extern global) const;  ///< see func_type
  TableType table_type(Extern table) const;     ///< see func_type
  MemoryType memory_type(Extern memory) const;  ///< see func_type
  /// A global's current value.
  Value global_value(Extern global) const;
  /// The bytes of a memory as they are now (valid until the next grow).
  std::span<uint8_t> memory_data(Extern memory) const;

  /// Stops wasm code of this store at its next function entry or loop
  /// head with the trap "interrupt", and every later call until
  /// set_deadline() or clear_interrupt(). Safe from any thread; needs code
  /// compiled with Config::interruptible.
  void interrupt();
  /// Interrupts the store when `deadline` passes (a process-wide timer
  /// thread does it); replaces an earlier deadline and clears a past
  /// interruption. Safe from any thread.
  void set_deadline(std::chrono::steady_clock::time_point deadline);
  /// Clears an interruption and any pending deadline.
  void clear_interrupt();

  const Config& config() const { return config_; }

  /// A value a layer above the core runtime keeps per store, found by its
  /// `key` (the component model's task scheduler); null until set. Released
  /// with the store, before its objects.
  std::shared_ptr<void>& attachment(const void* key);

 private:
  /// instantiate() up to its start function, not releasing what a failed
  /// instantiation made.
  Result<InstanceImpl*> instantiate_without_start(const CompiledModule& module,
                                                  std::span<const Extern> imports);

 public:
  struct State;  ///< what a store owns (src/runtime/store_state.h), opaque here
  /// Internal to Flint's runtime (fibers switch its execution state).
  State& internal_state() { return *state_; }

 private:
  Config config_;
  std::unique_ptr<State> state_;
};

/// An instantiated module, owned by its store (spec 4.2.5).
class Instance {
 public:
  virtual ~Instance() = default;
  /// The export named `name`, or nothing.
  virtual std::optional<Extern> find_export(std::string_view name) const = 0;
  /// The module it was instantiated from (see CompiledModule::module).
  virtual const Module& module() const = 0;
};

/// Resolves imports by (module, name), as `register` does in WAST scripts
/// and as a host defines its APIs.
class Linker {
 public:
  /// Makes `item` importable as (`module`, `name`), replacing an earlier one.
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
