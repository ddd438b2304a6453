// The options of one `canon lift` or `canon lower`, resolved to the core
// objects they name.
#pragma once

#include <memory>
#include <optional>

#include "canon/context.h"
#include "component_runtime/guest_memory.h"
#include "component_runtime/instance_state.h"
#include "flint/runtime.h"

namespace flint::component {

struct CanonOptions {
  canon::StringEncoding encoding = canon::StringEncoding::Utf8;
  std::optional<Extern> memory;
  std::optional<Extern> realloc;
  std::optional<Extern> post_return;  ///< lift only
  /// The `async` option: a lift hands its result over with `task.return`,
  /// a lower returns the subtask's state.
  bool async = false;
  /// Lift only, with `async`: the core function the task's event loop calls
  /// with each event (CanonicalABI.md, "canon lift", callback).
  std::optional<Extern> callback;
  /// The instance the lift or lower belongs to.
  std::shared_ptr<InstanceState> instance;

  /// The instance's side of a call: memory (when given), handle table,
  /// identity and the call's borrow scope. `memory_storage` holds the
  /// memory adapter for as long as the context is used.
  canon::CallContext context(Store& store, canon::CallScope& scope,
                             std::optional<StoreMemory>& memory_storage) const {
    canon::CallContext cx;
    cx.encoding = encoding;
    if (memory) {
      memory_storage.emplace(store, *memory, realloc);
      cx.memory = &*memory_storage;
    }
    cx.handles = &instance->handles;
    cx.instance = instance.get();
    cx.scope = &scope;
    cx.async = instance->async_values.get();
    return cx;
  }
};

}  // namespace flint::component
