// The engine seam (wazero's shape): the runtime knows the engines that run
// wasm code only through these two interfaces. An Engine compiles a
// ValidatedModule into an EngineModule; an EngineModule gives each new
// instance's functions their code. Interpreter (src/interp) and compiler
// (src/aot) implement them; nothing in src/runtime includes either, and
// neither includes the other. Calls between engines, and from the host, go
// through FuncInst::entry (execution.h).
#pragma once

#include <memory>
#include <span>

#include "flint/runtime.h"
#include "runtime/execution.h"
#include "runtime/validated_module.h"

namespace flint {

class InstanceImpl;

/// A module compiled by one engine: the public CompiledModule, immutable and
/// shareable across threads and stores.
class EngineModule : public CompiledModule, public std::enable_shared_from_this<EngineModule> {
 public:
  const Module& module() const final { return validated().module(); }
  /// The module the code was compiled from.
  virtual const ValidatedModule& validated() const = 0;
  virtual EngineKind engine() const = 0;
  /// Gives a new instance's defined functions their entry and code, and the
  /// instance whatever this engine keeps per instance (its engine_state).
  /// Called once per instance, after its imports, functions, tables,
  /// memories and globals exist and before any of its code runs.
  virtual Status prepare_instance(InstanceImpl& instance, ExecutionState& exec) const = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual EngineKind kind() const = 0;
  /// Compiles a validated module; `wasm` are the bytes it was decoded from
  /// (an engine may key a cache by them).
  virtual Result<std::shared_ptr<const EngineModule>> compile(
      std::span<const uint8_t> wasm, std::shared_ptr<const ValidatedModule> module,
      const Config& config) const = 0;
};

}  // namespace flint
