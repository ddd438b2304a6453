// The runtime state of one component instance (component-model
// CanonicalABI.md, "Component Instance State"): its table of handles and
// async objects, and the flags of the reentrance and concurrency rules.
// Every component instance has one, nested ones too.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "canon/context.h"
#include "canon/handle_table.h"

namespace flint::component {

struct Task;
struct Thread;

struct InstanceState {
  /// Own and borrow handles held by this instance's core code, and its
  /// waitables, waitable sets and error contexts (one index space).
  canon::HandleTable handles;
  /// The instance whose definitions instantiated this one (null at the top):
  /// a call between an instance and its ancestor might be recursive. Kept
  /// alive by its children, which outlive its instantiation.
  std::shared_ptr<InstanceState> parent;
  /// Cleared while a post-return function runs or arguments are lowered
  /// into the instance: calling out of it then traps ("cannot leave
  /// component instance").
  bool may_leave = true;
  /// `backpressure.inc` / `backpressure.dec`: while non-zero, calls of async
  /// functions wait before they enter.
  uint32_t backpressure = 0;
  /// The task that must run alone in the instance now (synchronous or
  /// callback-lifted async function), if any.
  Task* exclusive = nullptr;
  /// Set once a trap unwound out of one of its calls: the instance may be
  /// in any state, so it is never entered again ("cannot enter component
  /// instance"), as wasmtime does.
  bool poisoned = false;
  /// Calls of async functions waiting to enter.
  uint32_t num_waiting_to_enter = 0;
  /// The threads of its tasks by index (`thread.index`; index 0 unused),
  /// and the indices free for reuse.
  std::vector<Thread*> threads{nullptr};
  std::vector<uint32_t> free_thread_indices;
  /// Moves streams, futures and error contexts in and out of `handles`
  /// (streams.h, make_async_values).
  std::unique_ptr<canon::AsyncValues> async_values;

  /// Whether this instance is `other` or one of its ancestors.
  bool is_reflexive_ancestor_of(const InstanceState* other) const {
    for (; other; other = other->parent.get())
      if (other == this) return true;
    return false;
  }
};

}  // namespace flint::component
