// Wasm backtraces for compiled frames (DESIGN: "Trap (kind, wasm backtrace
// with function names)"), the counterpart of the interpreter's TrapFrames.
//
// Compiled code keeps frame pointers and unwind tables (frame_info.cc on the
// compiler side). At a trap, the runtime captures raw code addresses into a
// fixed buffer in the activation:
//   - in the SIGSEGV/SIGBUS handler, by walking the frame-pointer chain from
//     the signal's context: no allocation, no lock, async-signal-safe;
//   - for explicit traps (Helpers::trap and every helper that traps), by the
//     C++ unwinder from the runtime code that raises it, an ordinary context.
// Both walks stop at the activation's entry (its stack top), so frames of
// outer activations are left to those activations. After siglongjmp the
// addresses are named: each loaded module registers where its code lies and
// where each function starts (the function table of abi.h), so an address
// maps to the wasm function whose code holds it.
//
// A function the optimiser inlined into its caller has no frame of its own:
// its trap is reported in the caller's frame (the interpreter shows both).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "flint/runtime.h"

namespace flint {
struct Module;
}

namespace flint::aot {

/// Addresses of the innermost compiled frames of one trap, innermost first.
struct TrapTrace {
  /// As many frames as the interpreter records (interp::kMaxTrapFrames).
  static constexpr size_t kMaxFrames = 64;
  uintptr_t pcs[kMaxFrames];
  uint32_t count = 0;
  /// pcs[0] is the faulting instruction itself, not a return address.
  bool first_is_fault = false;
};

/// Walks frame pointers from a signal's ucontext_t up to `stack_top`
/// (exclusive). Async-signal-safe: reads only the stack between the faulting
/// stack pointer and `stack_top`, writes only `out`.
void capture_signal_trace(const void* ucontext, uintptr_t stack_top, TrapTrace& out);
/// Unwinds from the caller (runtime code raising a trap, not a signal
/// handler) up to `stack_top`, keeping only addresses in compiled code.
void capture_trace(uintptr_t stack_top, TrapTrace& out);
/// Names the captured frames, innermost first; addresses outside compiled
/// code (entry wrappers, runtime) are left out.
std::vector<BacktraceFrame> symbolize(const TrapTrace& trace);

/// Where a loaded module's code lies, for symbolize(). `starts` holds the
/// address of each defined function's code (function index = imported
/// functions + position) and of each entry wrapper (index kEntryWrapper).
struct CodeMap {
  static constexpr uint32_t kEntryWrapper = UINT32_MAX;
  uintptr_t begin = 0, end = 0;  ///< the executable segment
  std::vector<std::pair<uintptr_t, uint32_t>> starts;  ///< sorted by address
  const Module* module = nullptr;
};
/// Finds the executable segment of a dlopen'ed object and registers `map`
/// (module, starts) under `owner` until unregister_code(owner).
bool register_code(const void* owner, void* dl_handle, CodeMap map);
/// The same for code mapped without dlopen (code_image.h): `map.begin` and
/// `map.end` are set by the caller.
void register_code(const void* owner, CodeMap map);
void unregister_code(const void* owner);

}  // namespace flint::aot
