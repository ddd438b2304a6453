// The per-instance state of compiled code, owned by InstanceImpl::native_state.
#pragma once

#include <memory>
#include <vector>

#include "aot/abi.h"
#include "flint/error.h"
#include "runtime/objects.h"

namespace flint::interp {
class Executor;
}

namespace flint::aot {

class AotModule;

struct AotInstance {
  VmCtx ctx;
  std::vector<const NativeFunc*> natives;  ///< per function index
  std::vector<uint32_t> type_ids;          ///< per module type index
  std::shared_ptr<const AotModule> module;  ///< keeps the code mapped
  interp::Executor* executor = nullptr;
};

extern const Helpers kHelpers;

/// Leaves generated code for the innermost activation with `error`.
[[noreturn]] void raise_trap(Error error);
/// The same, for an error returned by an interpreted callee whose wasm frames
/// (innermost first) precede the compiled ones in the backtrace.
[[noreturn]] void raise_callee_trap(Error error, std::vector<BacktraceFrame> callee_frames);
/// Brackets host code called from generated code: a fault there is not a
/// wasm memory access.
void enter_host();
void leave_host();

}  // namespace flint::aot
