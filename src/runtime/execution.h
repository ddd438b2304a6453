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
  /// Nesting of calls from the host into wasm (Store::call).
  uint32_t depth = 0;
  /// The wasm frames of the last trap, innermost first.
  std::vector<BacktraceFrame> backtrace;
  /// Each engine's state, indexed by EngineKind.
  std::unique_ptr<EngineStoreState> engine_states[2];

  /// Starts a new budget of Config::fuel units (or an unlimited one).
  void start_fuel_budget();
  /// Appends a trap's frame unless the backtrace is full.
  void record_frame(BacktraceFrame frame) {
    if (backtrace.size() < kMaxBacktraceFrames) backtrace.push_back(std::move(frame));
  }
};

}  // namespace flint
