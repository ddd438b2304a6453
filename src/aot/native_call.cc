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

#include "aot/aot_module.h"
#include "aot/aot_instance.h"
#include "aot/backtrace.h"
#include "interp/executor.h"
#include "runtime/stack_limit.h"

namespace flint::aot {

namespace {

struct Activation {
  sigjmp_buf jump;
  std::optional<Error> error;
  Activation* outer = nullptr;
  uintptr_t stack_top = 0;  ///< run_protected's frame: compiled frames lie below
  TrapTrace trace;          ///< the trap's compiled frames (backtrace.h)
  std::vector<BacktraceFrame> inner;  ///< frames of an interpreted callee that trapped
};

thread_local Activation* tls_activation = nullptr;
/// True while the thread runs generated code (not host code it called).
thread_local bool tls_in_wasm = false;
thread_local uintptr_t tls_stack_limit = 0;

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

[[noreturn]] void raise_callee_trap(Error error, std::vector<BacktraceFrame> callee_frames) {
  tls_activation->inner = std::move(callee_frames);
  raise_trap(std::move(error));
}

void enter_host() { tls_in_wasm = false; }
void leave_host() { tls_in_wasm = true; }

Result<std::vector<Value>> call_native(FuncInst* func, std::span<const Value> args,
                                       const Config& config) {
  const FuncType& type = func->type;
  if (args.size() != type.params.size())
    return make_error(ErrorCode::Usage, fmt::format("function {} takes {} arguments, {} given",
                                                    to_string(type), type.params.size(), args.size()));
  // One slot per value, two for a v128 (store_value's encoding).
  size_t param_slots = 0, result_slots = 0;
  for (ValType t : type.params) param_slots += slot_count(t);
  for (ValType t : type.results) result_slots += slot_count(t);
  std::vector<uint64_t> slots(std::max(param_slots, result_slots) + 1, 0);
  for (size_t i = 0, at = 0; i < args.size(); at += slot_count(type.params[i]), ++i) {
    if (args[i].type != type.params[i])
      return make_error(ErrorCode::Usage, fmt::format("argument {} is {}, the function takes {}", i,
                                                      to_string(args[i].type), to_string(type.params[i])));
    store_value(args[i], &slots[at]);
  }
  install_fault_handler();
  Activation act;
  act.outer = tls_activation;
  bool outer_in_wasm = tls_in_wasm;
  uintptr_t outer_limit = tls_stack_limit;
  if (!act.outer) tls_stack_limit = native_stack_limit(config.max_stack_bytes);
  if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < tls_stack_limit)
    return make_error(ErrorCode::CallStackExhausted);
  auto* ctx = static_cast<VmCtx*>(func->native.ctx);
  ctx->stack_limit = tls_stack_limit;
  // One fuel budget per call from the host, shared with interpreted code.
  interp::Executor& executor = *static_cast<AotInstance*>(ctx->instance->native_state.get())->executor;
  if (executor.idle()) executor.start_fuel_budget();
  executor.set_backtrace({});
  executor.enter_native();
  tls_activation = &act;
  tls_in_wasm = true;
  bool ok = run_protected(&act, func->native.entry, func->native.ctx, slots.data());
  tls_in_wasm = outer_in_wasm;
  tls_activation = act.outer;
  tls_stack_limit = outer_limit;
  if (!act.outer) tls_stack_limit = 0;
  executor.leave_native();
  if (!ok) {
    Error error = act.error ? *act.error : make_error(ErrorCode::HostTrap);
    // Innermost first, as the interpreter reports: an interpreted callee's
    // frames, then the compiled ones, at most as many as the interpreter keeps.
    bool from_callee = !act.inner.empty();  // the interpreter named the function
    std::vector<BacktraceFrame> frames = std::move(act.inner);
    for (BacktraceFrame& f : symbolize(act.trace)) frames.push_back(std::move(f));
    if (frames.size() > TrapTrace::kMaxFrames) frames.resize(TrapTrace::kMaxFrames);
    if (!frames.empty() && !from_callee) error.function = frames.front().function;
    executor.set_backtrace(std::move(frames));
    return error;
  }
  std::vector<Value> results;
  for (size_t i = 0, at = 0; i < type.results.size(); at += slot_count(type.results[i]), ++i)
    results.push_back(load_value(type.results[i], &slots[at]));
  return results;
}

}  // namespace flint::aot
