// Entry into interpreted code (spec 4.5.5 "Invocation of function address"):
// the FuncEntry of every interpreted function. One Executor per Store (its
// EngineStoreState) holds the value stack and the thread's execution
// context, and turns traps into Errors with their wasm frames.
#pragma once

#include <cstdint>

#include "interp/exec_context.h"
#include "runtime/execution.h"

namespace flint::interp {

/// The FuncEntry (runtime/execution.h) of interpreted functions.
Status call_interpreted(FuncInst& func, ExecutionState& exec, InstanceImpl* caller,
                        uint64_t* slots);

class Executor final : public EngineStoreState {
 public:
  explicit Executor(ExecutionState& exec);
  ~Executor() override;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Runs an interpreted function with its arguments in `slots`, results
  /// written back there. Re-entrant: a host function or compiled code called
  /// from interpreted code may call back in.
  Status call(FuncInst& func, uint64_t* slots);

 private:
  Status ensure_stack();
  Status record_trap(const CompiledFunction* outermost);

  ExecutionState& exec_;
  ExecContext ctx_;
  uint64_t* stack_ = nullptr;  ///< the value stack, reserved on first use
  size_t stack_bytes_ = 0;
  uint32_t depth_ = 0;  ///< nesting of entries into this executor
};

}  // namespace flint::interp
