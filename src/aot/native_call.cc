// Running compiled code (DESIGN principle 3): traps leave generated code by
// siglongjmp to the innermost host->wasm entry of the thread, whether they
// are explicit (Helpers::trap) or faults in the memory reservation's guard
// region (SIGSEGV/SIGBUS, turned into "out of bounds memory access").
// Activations are thread-local, so guests run on several threads at once.
#include <fmt/format.h>
#include <setjmp.h>
#include <signal.h>

#include <cstring>
#include <mutex>
#include <optional>

#include "aot/aot_instance.h"
#include "aot/backtrace.h"

namespace flint::aot {

namespace {

struct Activation {
  sigjmp_buf jump;
  std::optional<Error> error;
  Activation* outer = nullptr;
  uintptr_t stack_top = 0;  ///< run_protected's frame: compiled frames lie below
  TrapTrace trace;          ///< the trap's compiled frames (backtrace.h)
};

thread_local Activation* tls_activation = nullptr;
/// True while the thread runs generated code (not host code it called).
thread_local bool tls_in_wasm = false;

struct sigaction previous_segv, previous_bus;

// Entered from on_fault as if the faulting instruction had called it (the
// stack pointer is then wherever the fault left it, hence the realignment):
// an ordinary context, where the trap may be built and unwound.
[[noreturn, gnu::force_align_arg_pointer, gnu::noinline]] void raise_fault_trap() {
  raise_trap(make_error(ErrorCode::OutOfBoundsMemoryAccess));
}

void on_fault(int sig, siginfo_t* info, void* context) {
  if (tls_in_wasm && tls_activation) {
    tls_in_wasm = false;  // what follows is runtime code
    if (divert_fault(context, raise_fault_trap)) return;
    capture_fault_pc(context, tls_activation->trace);
    tls_activation->error = make_error(ErrorCode::OutOfBoundsMemoryAccess);
    siglongjmp(tls_activation->jump, 1);
  }
  // Not ours: restore the previous disposition; returning re-runs the
  // faulting instruction under it (usually a crash with a core dump).
  sigaction(sig, sig == SIGSEGV ? &previous_segv : &previous_bus, nullptr);
}

void install_fault_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_segv);
    sigaction(SIGBUS, &sa, &previous_bus);
  });
}

// Kept apart so nothing with a destructor lives in the frame sigsetjmp saves.
[[gnu::noinline]] bool run_protected(Activation* act, void (*entry)(void*, uint64_t*), void* ctx,
                                     uint64_t* slots) {
  if (sigsetjmp(act->jump, 1) != 0) return false;
  // Taking the frame address gives this function a frame pointer: the entry
  // wrapper's frame record links to exactly this address (backtrace.h).
  act->stack_top = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  entry(ctx, slots);
  return true;
}

}  // namespace

[[noreturn]] void raise_trap(Error error) {
  Activation* act = tls_activation;
  capture_trace(act->stack_top, act->trace);
  act->error = std::move(error);
  siglongjmp(act->jump, 1);
}

void enter_host() { tls_in_wasm = false; }
void leave_host() { tls_in_wasm = true; }

Status call_compiled(FuncInst& func, ExecutionState& exec, InstanceImpl*, uint64_t* slots) {
  const auto* native = static_cast<const NativeFunc*>(func.code.code);
  if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < exec.native_stack_limit)
    return make_error(ErrorCode::CallStackExhausted);
  install_fault_handler();
  Activation act;
  act.outer = tls_activation;
  bool outer_in_wasm = tls_in_wasm;
  static_cast<VmCtx*>(native->ctx)->stack_limit = exec.native_stack_limit;
  tls_activation = &act;
  tls_in_wasm = true;
  bool ok = run_protected(&act, native->entry, native->ctx, slots);
  tls_in_wasm = outer_in_wasm;
  tls_activation = act.outer;
  if (ok) return {};
  // The compiled frames join the store's backtrace after those a callee of
  // another engine already put there (innermost first).
  for (BacktraceFrame& f : symbolize(act.trace)) exec.record_frame(std::move(f));
  return act.error ? *act.error : make_error(ErrorCode::HostTrap);
}

}  // namespace flint::aot
