// The engine seam: how the runtime reaches the code of whichever engine
// compiled a module. Every CompiledModule carries interpreter code (the
// portable engine); a module compiled ahead of time (src/aot) adds machine
// code, attached to each instance and preferred when a function has some.
#pragma once

#include <span>
#include <vector>

#include "flint/runtime.h"
#include "interp/interp_module.h"
#include "runtime/objects.h"

namespace flint {

namespace interp {
class Executor;
}

const interp::InterpModule& interp_module_of(const CompiledModule& compiled);
/// Gives a new instance the engine's per-instance state (no-op for the interpreter).
Status attach_engine(const CompiledModule& compiled, InstanceImpl& instance,
                     interp::Executor& executor);
/// Calls a function with whichever code it has.
Result<std::vector<Value>> invoke(interp::Executor& executor, const Config& config, FuncInst* func,
                                  std::span<const Value> args);

}  // namespace flint
