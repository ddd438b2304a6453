// What an engine keeps per thread of execution rather than per store: the
// compiler's chain of host->wasm activations (where a trap unwinds to) and
// whether generated code is running (how a fault is told from a host bug).
// They are thread-locals of the OS thread, and a fiber (fiber.h) is a thread
// of execution of its own sharing that OS thread: switching fibers saves and
// restores these, so a trap in one fiber never unwinds into another's stack.
// The runtime only moves them; the engine that owns them gives them meaning.
#pragma once

#include <cstdint>

namespace flint {

/// The engines' per-thread-of-execution state (src/aot/native_call.cc).
struct EngineThreadLocals {
  /// The compiler's innermost host->wasm activation, null outside compiled code.
  void* activation = nullptr;
  /// True while generated code (not host code it called) runs.
  bool in_wasm = false;
};

/// The OS thread's current EngineThreadLocals.
inline thread_local EngineThreadLocals tls_engine_thread;

/// Called after a fiber switch brings a thread of execution back, with its
/// locals restored: the compiler re-arms the stack bound of every instance
/// its activations run in, which another fiber's entries may have changed.
using EngineThreadResumeHook = void (*)(const EngineThreadLocals& locals, uintptr_t stack_limit);

/// The hook the compiler registers (at most one; null when it is absent).
inline EngineThreadResumeHook engine_thread_resume_hook = nullptr;

}  // namespace flint
