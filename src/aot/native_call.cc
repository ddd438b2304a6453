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
#include "aot/aot_module.h"
#include "aot/backtrace.h"
#include "runtime/engine_thread.h"

namespace flint::aot {

namespace {

struct Activation {
  sigjmp_buf jump;
  std::optional<Error> error;
  Activation* outer = nullptr;
  uintptr_t stack_top = 0;  ///< run_protected's frame: compiled frames lie below
  TrapTrace trace;          ///< the trap's compiled frames (backtrace.h)
  VmCtx* ctx = nullptr;     ///< the instance the activation entered
};

// The innermost activation and whether generated code runs are per thread
// of execution: they live in the runtime's EngineThreadLocals, which a
// fiber switch saves and restores (runtime/engine_thread.h).
Activation*& current_activation() {
  return *reinterpret_cast<Activation**>(&tls_engine_thread.activation);
}
bool& in_generated_code() { return tls_engine_thread.in_wasm; }

// A fiber coming back may find its instances' stack bounds set by another
// fiber's entries into them: each activation of its own gets its bound back.
void rearm_stack_limits(const EngineThreadLocals& locals, uintptr_t stack_limit) {
  for (auto* act = static_cast<Activation*>(locals.activation); act; act = act->outer)
    act->ctx->stack_limit = stack_limit;
}

[[maybe_unused]] const bool registered = [] {
  engine_thread_resume_hook = rearm_stack_limits;
  return true;
}();

struct sigaction previous_segv, previous_bus;

// Entered from on_fault as if the faulting instruction had called it (the
// stack pointer is then wherever the fault left it, hence the realignment):
// an ordinary context, where the trap may be built and unwound.
[[noreturn, gnu::force_align_arg_pointer, gnu::noinline]] void raise_fault_trap() {
  raise_trap(make_error(ErrorCode::OutOfBoundsMemoryAccess));
}

void on_fault(int sig, siginfo_t* info, void* context) {
  if (in_generated_code() && current_activation()) {
    in_generated_code() = false;  // what follows is runtime code
    if (divert_fault(context, raise_fault_trap)) return;
    capture_fault_pc(context, current_activation()->trace);
    current_activation()->error = make_error(ErrorCode::OutOfBoundsMemoryAccess);
    siglongjmp(current_activation()->jump, 1);
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

// What run_protected calls: the entry wrapper of the function's type, or with
// `loop_call` its loop entry (abi.h), whose answer goes to `entered`.
struct ProtectedCall {
  const NativeFunc* native = nullptr;
  uint64_t* slots = nullptr;
  bool loop_call = false;
  uint32_t loop = 0;
  uint32_t entered = 0;
};

// Kept apart so nothing with a destructor lives in the frame sigsetjmp saves.
[[gnu::noinline]] bool run_protected(Activation* act, ProtectedCall* call) {
  if (sigsetjmp(act->jump, 1) != 0) return false;
  // Taking the frame address gives this function a frame pointer: the entry
  // wrapper's frame record links to exactly this address (backtrace.h).
  act->stack_top = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const NativeFunc* native = call->native;
  if (call->loop_call)
    call->entered = native->loop_entry(native->ctx, call->slots, call->loop);
  else
    native->entry(native->ctx, call->slots, native->code);
  return true;
}

// One activation (the innermost entry of this thread) around `call`.
Status run_in_activation(ExecutionState& exec, ProtectedCall& call) {
  if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < exec.native_stack_limit)
    return make_error(ErrorCode::CallStackExhausted);
  install_fault_handler();
  Activation act;
  act.outer = current_activation();
  bool outer_in_wasm = in_generated_code();
  act.ctx = static_cast<VmCtx*>(call.native->ctx);
  const uintptr_t outer_limit = act.ctx->stack_limit;
  act.ctx->stack_limit = exec.native_stack_limit;
  current_activation() = &act;
  in_generated_code() = true;
  bool ok = run_protected(&act, &call);
  in_generated_code() = outer_in_wasm;
  current_activation() = act.outer;
  act.ctx->stack_limit = outer_limit;
  if (ok) return {};
  // The compiled frames join the store's backtrace after those a callee of
  // another engine already put there (innermost first).
  for (BacktraceFrame& f : symbolize(act.trace)) exec.record_frame(std::move(f));
  return act.error ? *act.error : make_error(ErrorCode::HostTrap);
}

}  // namespace

[[noreturn]] void raise_trap(Error error) {
  Activation* act = current_activation();
  capture_trace(act->stack_top, act->trace);
  act->error = std::move(error);
  siglongjmp(act->jump, 1);
}

void enter_host() { in_generated_code() = false; }
void leave_host() { in_generated_code() = true; }

Status call_compiled(FuncInst& func, ExecutionState& exec, InstanceImpl*, uint64_t* slots) {
  ProtectedCall call{.native = static_cast<const NativeFunc*>(func.code.code), .slots = slots};
  return run_in_activation(exec, call);
}

namespace {
// `native`'s loop entry, in an activation of its own (call_compiled_loop).
Result<bool> run_loop_entry(const NativeFunc& native, ExecutionState& exec, uint64_t* slots,
                            uint32_t loop) {
  if (!native.loop_entry) return false;
  ProtectedCall call{.native = &native, .slots = slots, .loop_call = true, .loop = loop};
  FLINT_TRY(run_in_activation(exec, call));
  return call.entered != 0;
}
}  // namespace

Result<bool> call_compiled_loop(FuncInst& func, ExecutionState& exec, uint64_t* slots,
                                uint32_t loop) {
  if (func.entry != call_compiled) return false;
  return run_loop_entry(*static_cast<const NativeFunc*>(func.code.code), exec, slots, loop);
}

bool has_loop_entry(const FuncInst& func) {
  return func.entry == call_compiled &&
         static_cast<const NativeFunc*>(func.code.code)->loop_entry != nullptr;
}

Result<bool> call_compiled_loop(FuncInst& func, ExecutionState& exec, uint64_t* slots,
                                uint32_t loop, const AotModule& code, uint32_t defined) {
  if (func.entry != call_compiled) return false;
  // func's context (its instance's) with the other code's loop entry.
  NativeFunc native = *static_cast<const NativeFunc*>(func.code.code);
  native.loop_entry = code.loop_entry(defined);
  return run_loop_entry(native, exec, slots, loop);
}

}  // namespace flint::aot
