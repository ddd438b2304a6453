// The async ABI's built-ins as core functions (CanonicalABI.md, one section
// per `canon` definition): waitable sets, subtasks, task cancellation,
// yielding and error contexts, each acting on the calling instance's table
// and the store's current thread (task.h).
#pragma once

#include <memory>
#include <optional>

#include "component/canon.h"
#include "component_runtime/canon_options.h"
#include "flint/runtime.h"

namespace flint::component {

/// What a built-in is made with, resolved from its `canon` definition.
struct AsyncBuiltinInputs {
  /// The instance whose core code imports it.
  std::shared_ptr<InstanceState> instance;
  /// Its canon options (error-context's string encoding and memory).
  CanonOptions options;
  /// waitable-set.wait / poll: the memory events are written to.
  std::optional<Extern> memory;
  /// stream.* / future.*: the stream or future type.
  ValueTypePtr channel;
  /// thread.new-indirect: the table of the functions new threads start in.
  std::optional<Extern> table;
};

/// The core function running the built-in `c`, or nothing for a built-in
/// this runtime does not run yet.
std::optional<Extern> make_async_builtin(Store& store, const Canon& c, AsyncBuiltinInputs inputs);

}  // namespace flint::component
