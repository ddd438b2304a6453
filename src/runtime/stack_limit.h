// Bounds for the native stack the interpreter recurses on per wasm call.
#pragma once

#include <cstdint>

namespace flint {

/// The lowest native stack address execution may reach when it may use
/// `max_bytes` below the caller, kept inside the thread's real stack with a
/// margin for host code and signal frames.
uintptr_t native_stack_limit(uint64_t max_bytes);

/// The same on a fiber's stack, whose lowest usable address is `floor`.
uintptr_t fiber_stack_limit(uint64_t max_bytes, uintptr_t floor);

}  // namespace flint
