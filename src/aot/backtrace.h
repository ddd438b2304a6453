// Wasm backtraces for compiled frames (DESIGN: "Trap (kind, wasm backtrace
// with function names)"), the counterpart of the interpreter's TrapFrames.
//
// Compiled code has asynchronous unwind tables, valid at every instruction
// (frame_info.cc on the compiler side), and no frame pointers (they cost up
// to 20% on call-heavy code). A trap's raw code addresses are captured into
// a fixed buffer in the activation by the C++ unwinder, always from an
// ordinary context:
//   - an explicit trap (Helpers::trap and every helper that traps) unwinds
//     from the runtime code that raises it;
//   - a fault (SIGSEGV/SIGBUS) is diverted: the handler only rewrites the
//     signal's context so that, once it returns, the thread continues in a
//     runtime function as if the faulting instruction had called it (one
//     word written below the stack pointer, no allocation, no lock:
//     async-signal-safe). That function raises the trap and unwinds through
//     the faulting frame like any other.
// The walk stops at the activation's entry (its stack top), so frames of
// outer activations are left to those activations. After siglongjmp the
// addresses are named: each loaded module registers where its code lies and
// where each function starts (the function table of abi.h), so an address
// maps to the wasm function whose code holds it.
//
// A function the optimiser inlined into its caller has no machine frame of
// its own; the code locations (code_locations.h) give it its wasm frame back,
// and every frame its offset, as the interpreter reports them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "flint/runtime.h"

namespace flint {
struct Module;
}

namespace flint::aot {

class LazyCodeLocations;

/// Addresses of the innermost compiled frames of one trap, innermost first.
struct TrapTrace {
  /// As many frames as the interpreter records (interp::kMaxTrapFrames).
  static constexpr size_t kMaxFrames = 64;
  /// Twice as many addresses: a function whose calls enter its loop entry
  /// has two machine frames a call, its wrapper's (abi.h) and the entry's.
  static constexpr size_t kMaxPcs = 2 * kMaxFrames;
  uintptr_t pcs[kMaxPcs];
  uint32_t count = 0;
  /// pcs[0] is the faulting instruction itself, not a return address.
  bool first_is_fault = false;
};

/// Makes the thread, once the signal handler returns, continue in `target`
/// as if the faulting instruction had called it (`target` must realign the
/// stack: gnu::force_align_arg_pointer). Async-signal-safe. False where this
/// is not supported (not x86-64): use capture_fault_pc.
bool divert_fault(void* ucontext, void (*target)());
/// The faulting instruction alone, from a signal's ucontext_t.
void capture_fault_pc(const void* ucontext, TrapTrace& out);
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
  uintptr_t begin = 0, end = 0;                        ///< the executable segment
  std::vector<std::pair<uintptr_t, uint32_t>> starts;  ///< sorted by address
  const Module* module = nullptr;
  /// The wasm frames and offsets of each address, by its offset from
  /// load_address; null without (frames then name functions only).
  const LazyCodeLocations* locations = nullptr;
  uintptr_t load_address = 0;
};
/// Finds the executable segment of a dlopen'ed object and registers `map`
/// (module, starts) under `owner` until unregister_code(owner).
bool register_code(const void* owner, void* dl_handle, CodeMap map);
/// The same for code mapped without dlopen (code_image.h): `map.begin` and
/// `map.end` are set by the caller.
void register_code(const void* owner, CodeMap map);
void unregister_code(const void* owner);

}  // namespace flint::aot
