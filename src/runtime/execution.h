// What a store keeps while wasm runs, whichever engine runs it: the fuel
// budget, the interruption flag, the native stack bound, the wasm backtrace
// of the last trap, and each engine's own per-store state (the
// interpreter's value stack). Engines read and write it; they never see
// each other (DESIGN: the Engine seam).
//
// Traps cross engines as Errors returned by FuncEntry. An engine whose
// activation a trap leaves appends its own frames to `backtrace`, so the
// frames of a callee in another engine (appended first, when its entry
// returned) come before the caller's: innermost first, as the API reports.
//
// Exceptions (the exception-handling proposal, wasm 3.0) cross engines and
// instances the same way: `throw` makes an ExnInst, stores it in
// ExecutionState::exception and fails with the error "uncaught exception"
// (ErrorCode::UncaughtException), which then unwinds exactly like a trap:
// through FuncEntry returns, host functions and either engine. What differs
// is that a frame may stop it. Each call site (and throw) inside a
// try_table checks, when its callee failed with that error, the clauses of
// the enclosing try_tables of its own function, innermost first; a match
// by tag identity (or a catch_all) copies the payload (and the exnref) to
// the label's values, clears the error and continues at the label.
// Frames without a try_table pay nothing: only code inside a try_table is
// translated (interpreter) or compiled (AOT) with these checks, so a
// module without exception handling runs the code it always ran. An
// exception reaching the host stays an Error "uncaught exception"
// (the WAST command assert_exception), with the ExnInst still in
// ExecutionState::exception.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "flint/runtime.h"

namespace flint {

struct FuncInst;
class InstanceImpl;
struct ExecutionState;
struct TagInst;

/// An exception (exception handling, wasm 3.0): the tag it was thrown with
/// and its payload in store_value's slot encoding. An exnref points at one.
struct ExnInst {
  TagInst* tag = nullptr;
  std::vector<uint64_t> payload;
};

/// Engine-neutral entry of every function instance: the runtime, the host
/// and other engines call any function through it. Arguments are in
/// `slots` (store_value's encoding, one slot per value, two per v128) and
/// results are written to the same slots, which hold max(params, results).
/// `caller` is the instance whose code makes the call, or null from the host.
using FuncEntry = Status (*)(FuncInst& func, ExecutionState& exec, InstanceImpl* caller,
                             uint64_t* slots);

/// An engine's state for one store, created by the engine on first use.
class EngineStoreState {
 public:
  virtual ~EngineStoreState() = default;
};

/// Wasm frames a trap records at most; deeper ones (runaway recursion) are
/// left out.
inline constexpr size_t kMaxBacktraceFrames = 64;

struct ExecutionState {
  ExecutionState(Store& store, const Config& config) : store(store), config(config) {}

  Store& store;
  const Config& config;
  /// Fuel left in the current budget (Config::fuel), charged by both
  /// engines at calls and loop heads; INT64_MAX without fuel.
  int64_t fuel = INT64_MAX;
  /// Nonzero once the store is interrupted (Store::interrupt, a deadline):
  /// code compiled with Config::interruptible checks it at function
  /// entries and loop heads and traps with "interrupt". Written by any
  /// thread, read by the one running the store.
  std::atomic<uint32_t> interrupted{0};
  /// The lowest native stack address wasm code of this store may reach.
  uintptr_t native_stack_limit = 0;
  /// The lowest usable address of the stack of the thread of execution
  /// running now when it is a fiber's (fiber.h); 0 on the OS thread's own
  /// stack, whose bounds native_stack_limit finds.
  uintptr_t stack_floor = 0;
  /// Nesting of calls from the host into wasm (Store::call).
  uint32_t depth = 0;
  /// The wasm frames of the last trap, innermost first.
  std::vector<BacktraceFrame> backtrace;
  /// The exception being propagated while an error "uncaught exception"
  /// unwinds (see above); null otherwise.
  ExnInst* exception = nullptr;
  /// Every exception thrown in this store: exnrefs may be kept in tables,
  /// globals and locals, so they live as long as the store (no collector).
  std::vector<std::unique_ptr<ExnInst>> exceptions;
  /// Each engine's state, indexed by EngineKind.
  std::unique_ptr<EngineStoreState> engine_states[2];

  /// Starts a new budget of Config::fuel units (or an unlimited one).
  void start_fuel_budget();
  /// A new exception of `tag` with `payload`, made the one in flight.
  ExnInst* throw_exception(TagInst* tag, std::vector<uint64_t> payload) {
    exceptions.push_back(std::make_unique<ExnInst>(ExnInst{tag, std::move(payload)}));
    exception = exceptions.back().get();
    return exception;
  }
  /// Appends a trap's frame unless the backtrace is full.
  void record_frame(BacktraceFrame frame) {
    if (backtrace.size() < kMaxBacktraceFrames) backtrace.push_back(std::move(frame));
  }
};

}  // namespace flint
