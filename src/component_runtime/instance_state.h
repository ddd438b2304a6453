// The runtime state of one component instance (component-model
// CanonicalABI.md, "Runtime State"): its handle table and the flags of the
// reentrance rules. Every component instance has one, nested ones too.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "canon/handle_table.h"
#include "component/value.h"

namespace flint::component {

/// The task of an async-lifted export running in an instance: where
/// `task.return` delivers its result.
struct AsyncTask {
  /// The export's function type: `task.return` must carry its result type.
  const FunctionType* type = nullptr;
  /// What `task.return` delivered.
  std::optional<ComponentValue> result;
  bool returned = false;
};

struct InstanceState {
  /// Own and borrow handles held by this instance's core code.
  canon::HandleTable handles;
  /// Cleared while a post-return function runs: calling out of the
  /// instance then traps ("cannot leave component instance").
  bool may_leave = true;
  /// Set while one of its lifted exports runs: a synchronous call back into
  /// it traps ("cannot enter component instance").
  bool entered = false;
  /// The context slots of the task running in the instance (`context.get`
  /// / `context.set`). A synchronous export call is one task: the slots
  /// start at zero when it is entered and live until its post-return ends.
  std::array<uint32_t, 2> context{};
  /// `backpressure.inc` / `backpressure.dec`: while non-zero, async callers
  /// wait (issue 14); synchronous calls only keep the count.
  uint32_t backpressure = 0;
  /// The async task running in the instance, if its export was lifted with
  /// `async`; null otherwise.
  AsyncTask* task = nullptr;
};

}  // namespace flint::component
