// Entry into interpreted code from the host (spec 4.5.5 "Invocation of
// function address"): one Executor per Store holds the value stack and the
// thread's execution context, and turns traps into Errors with backtraces.
#pragma once

#include <span>
#include <vector>

#include "flint/runtime.h"
#include "interp/exec_context.h"

namespace flint::interp {

class Executor {
 public:
  explicit Executor(const Config& config);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Calls `func` with `args` (checked against its type). Re-entrant: a host
  /// function called from wasm may call back in.
  Result<std::vector<Value>> call(FuncInst* func, std::span<const Value> args);
  /// The wasm frames of the last trap, innermost first.
  const std::vector<BacktraceFrame>& backtrace() const { return backtrace_; }

 private:
  Result<std::vector<Value>> run(FuncInst* func, std::span<const Value> args, uint64_t* frame);
  Status ensure_stack();

  Config config_;
  ExecContext ctx_;
  uint64_t* stack_ = nullptr;  ///< the value stack, reserved on first use
  size_t stack_bytes_ = 0;
  uint32_t depth_ = 0;  ///< nesting of host -> wasm entries
  std::vector<BacktraceFrame> backtrace_;
};

}  // namespace flint::interp
