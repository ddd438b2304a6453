// Entry into interpreted code from the host (spec 4.5.5 "Invocation of
// function address"): one Executor per Store holds the value stack and the
// thread's execution context, and turns traps into Errors with backtraces.
#pragma once

#include <optional>
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
  /// Replaces the last trap's frames: compiled code (src/aot) reports its
  /// traps through the same store-wide backtrace.
  void set_backtrace(std::vector<BacktraceFrame> frames) { backtrace_ = std::move(frames); }

  /// The counter fuel is charged to (ExecContext::fuel). Code compiled ahead
  /// of time with fuel metering charges the same counter, so one budget
  /// spans both engines.
  int64_t* fuel_counter() { return &ctx_.fuel; }
  /// Starts a new budget of Config::fuel units (or an unlimited one).
  void start_fuel_budget();
  /// Fuel left after the last call (0 once exhausted); nullopt without Config::fuel.
  std::optional<uint64_t> remaining_fuel() const;
  /// Bracket compiled code running as the outermost wasm code of this store:
  /// an interpreted function it calls continues its fuel budget.
  void enter_native() { ++native_depth_; }
  void leave_native() { --native_depth_; }
  /// True when no wasm code of this store is running, so a call from the
  /// host starts a new fuel budget.
  bool idle() const { return depth_ == 0 && native_depth_ == 0; }

 private:
  Result<std::vector<Value>> run(FuncInst* func, std::span<const Value> args, uint64_t* frame);
  Status ensure_stack();

  Config config_;
  ExecContext ctx_;
  uint64_t* stack_ = nullptr;  ///< the value stack, reserved on first use
  size_t stack_bytes_ = 0;
  uint32_t depth_ = 0;  ///< nesting of host -> wasm entries
  uint32_t native_depth_ = 0;  ///< nesting of host -> compiled code entries
  std::vector<BacktraceFrame> backtrace_;
};

}  // namespace flint::interp
