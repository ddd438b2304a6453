// The state handlers share while wasm runs on a thread: the running
// instance's objects (cached here so a handler reaches a global or the memory
// size in one load), the stack limits, fuel, and the trap being unwound.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "flint/error.h"
#include "interp/code.h"
#include "runtime/objects.h"

namespace flint::interp {

/// A wasm frame the trap passed through, innermost first.
struct TrapFrame {
  const CompiledFunction* function;
  const Word* ip;
};

struct ExecContext {
  // ---- the running instance (switched by cross-instance calls) ----
  InstanceImpl* instance = nullptr;
  FuncInst* const* funcs = nullptr;
  GlobalInst* const* globals = nullptr;
  TableInst* const* tables = nullptr;
  MemoryInst* memory = nullptr;  ///< memory 0, or nullptr
  uint64_t mem_size = 0;         ///< memory->size, re-read after anything that may grow it

  // ---- limits ----
  uint64_t* stack_limit = nullptr;  ///< end of the value stack
  uintptr_t native_limit = 0;       ///< lowest native stack address calls may reach
  int64_t fuel = INT64_MAX;         ///< decremented at calls and loop heads
  /// The store's interruption flag (ExecutionState::interrupted), checked
  /// by code translated with TranslateOptions::interruptible.
  const std::atomic<uint32_t>* interrupted = nullptr;
  /// The store's execution state: fuel is copied in and out of `fuel`
  /// around calls to functions of other engines and to the host.
  ExecutionState* exec = nullptr;
  /// Where a host function called from wasm may start a nested call's frame.
  uint64_t* reentry_base = nullptr;
  /// The last tier_loop whose loop the compiled code could not take over
  /// (handlers_call.cc): its later iterations do not ask again.
  const Word* loop_refused = nullptr;

  // ---- the trap being unwound ----
  std::optional<Error> trap;
  /// The trapping instruction in the innermost frame not yet recorded, or
  /// nullptr when the trap came from a host function.
  const Word* trap_ip = nullptr;
  std::vector<TrapFrame> frames;

  /// Loads the cached fields for `inst`; returns the base of its memory 0.
  uint8_t* enter(InstanceImpl* inst) {
    instance = inst;
    funcs = inst->funcs.data();
    globals = inst->globals.data();
    tables = inst->tables.data();
    memory = inst->memories.empty() ? nullptr : inst->memories[0];
    mem_size = memory ? memory->size : 0;
    return memory ? memory->base : nullptr;
  }
};

/// Frames recorded per trap; deeper ones (runaway recursion) are counted out.
constexpr size_t kMaxTrapFrames = 64;

}  // namespace flint::interp
