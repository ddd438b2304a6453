// Calls across the engine seam with API values, and calls of host
// functions: the one place either is marshalled between Values and slots
// (DESIGN principle 8: one host-function convention, whichever engine calls).
#pragma once

#include <span>
#include <vector>

#include "runtime/execution.h"
#include "runtime/objects.h"

namespace flint {

/// The FuncEntry of every host function: reads the arguments from `slots`,
/// runs the callback with a Caller for `caller`, writes the results. An
/// Error the callback returns becomes a trap (phase Trap or Exhaustion kept,
/// anything else "host function trapped" with its message).
Status call_host_function(FuncInst& func, ExecutionState& exec, InstanceImpl* caller,
                          uint64_t* slots);

/// Calls `func` through its entry with `args` (already checked against its
/// type). From the host (exec.depth 0) it starts a new fuel budget, stack
/// bound and backtrace; nested (a host function calling back) it continues
/// them. A trap's Error names the innermost wasm frame of the backtrace.
Result<std::vector<Value>> call_with_values(FuncInst& func, ExecutionState& exec,
                                            InstanceImpl* caller, std::span<const Value> args);

}  // namespace flint
