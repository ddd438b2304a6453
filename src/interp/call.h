// Calls out of interpreted code that are not direct calls within one module
// instance: imported functions, call_indirect targets, host functions
// (spec 4.4.8 "call", "call_indirect"; 4.5.5 "Invocation of function address").
#pragma once

#include "interp/exec_context.h"

namespace flint::interp {

/// Calls `callee` with its arguments in `frame` (where its results go),
/// switching the running instance when the callee lives in another one.
/// `ip` is the calling instruction, for backtraces. Returns 0, or 1 on a trap.
uint32_t call_function(ExecContext* ctx, const Word* ip, FuncInst* callee, uint64_t* frame,
                       uint8_t* mem);

/// After `function` trapped: records the frame the trap came from and makes
/// `ip` (the call instruction in the caller) the caller's trap location.
[[gnu::cold]] uint32_t unwind(ExecContext* ctx, const Word* ip, const CompiledFunction* function);

}  // namespace flint::interp
