// The per-instance state of compiled code, owned by InstanceImpl::engine_state.
#pragma once

#include <memory>
#include <vector>

#include "aot/abi.h"
#include "flint/error.h"
#include "runtime/execution.h"
#include "runtime/objects.h"

namespace flint::aot {

class AotModule;

struct AotInstance {
  VmCtx ctx;
  /// One per function index, sized once: the machine code of each defined
  /// function, and for an import without machine code the way to call it.
  std::vector<NativeFunc> own;
  std::vector<const NativeFunc*> natives;   ///< per function index
  std::shared_ptr<const AotModule> module;  ///< keeps the code mapped
  ExecutionState* exec = nullptr;           ///< the store's
  std::vector<uint8_t*> mem_bases;          ///< VmCtx::mem_bases, per memory index
};

extern const Helpers kHelpers;

/// The FuncEntry (runtime/execution.h) of compiled functions.
Status call_compiled(FuncInst& func, ExecutionState& exec, InstanceImpl* caller, uint64_t* slots);

/// Runs compiled `func` from inside its loop at byte offset `loop`, with
/// its locals in `slots` as the interpreter's frame holds them, to its end:
/// true, its results then over slots[0...]; false when it has no entry
/// into that loop or is not compiled code (nothing ran).
/// Tiering's on-stack replacement (abi.h, loop entries).
Result<bool> call_compiled_loop(FuncInst& func, ExecutionState& exec, uint64_t* slots,
                                uint32_t loop);
/// Whether `func` is compiled code with a loop entry (abi.h).
bool has_loop_entry(const FuncInst& func);
/// call_compiled_loop with the loop entry of defined function `defined` of
/// `code` instead of func's own: a compile of the same module (and
/// options) as the code func's instance switched to, whose compiled
/// functions share that instance's context. For a function whose code has
/// no loop entry (tiered/README.md: a later compile brings one).
Result<bool> call_compiled_loop(FuncInst& func, ExecutionState& exec, uint64_t* slots,
                                uint32_t loop, const AotModule& code, uint32_t defined);

/// Leaves generated code for the innermost activation with `error`.
[[noreturn]] void raise_trap(Error error);
/// Brackets host code called from generated code: a fault there is not a
/// wasm memory access.
void enter_host();
void leave_host();

}  // namespace flint::aot
