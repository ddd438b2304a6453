#include "interp/executor.h"

#include <sys/mman.h>

#include <cstring>

#include "interp/interp_module.h"

namespace flint::interp {

namespace {
// The value stack is reserved, not committed: pages are used as frames reach them.
constexpr size_t kValueStackBytes = size_t(64) << 20;
}  // namespace

Status call_interpreted(FuncInst& func, ExecutionState& exec, InstanceImpl*, uint64_t* slots) {
  std::unique_ptr<EngineStoreState>& state = exec.engine_states[size_t(EngineKind::Interpreter)];
  if (!state) state = std::make_unique<Executor>(exec);
  return static_cast<Executor&>(*state).call(func, slots);
}

Executor::Executor(ExecutionState& exec) : exec_(exec) {
  ctx_.exec = &exec;
  ctx_.interrupted = &exec.interrupted;
}

Executor::~Executor() {
  if (stack_) munmap(stack_, stack_bytes_);
}

Status Executor::ensure_stack() {
  if (stack_) return {};
  void* p = mmap(nullptr, kValueStackBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return make_error(ErrorCode::OutOfMemory, "cannot reserve the value stack");
  stack_ = static_cast<uint64_t*>(p);
  stack_bytes_ = kValueStackBytes;
  ctx_.stack_limit = stack_ + stack_bytes_ / sizeof(uint64_t);
  return {};
}

Status Executor::call(FuncInst& func, uint64_t* slots) {
  FLINT_TRY(ensure_stack());
  const auto* f = static_cast<const CompiledFunction*>(func.code.code);
  // Entered from the host, the frame starts at the bottom of the stack;
  // called back from code this executor runs, above the caller's frames.
  uint64_t* frame = depth_ == 0 ? stack_ : ctx_.reentry_base;
  if (frame + f->frame_slots > ctx_.stack_limit) return make_error(ErrorCode::CallStackExhausted);
  if (--exec_.fuel < 0) return make_error(ErrorCode::OutOfFuel);
  std::memcpy(frame, slots, f->param_slots * sizeof(uint64_t));
  for (uint32_t i = f->param_slots; i < f->local_slots; ++i) frame[i] = 0;

  InstanceImpl* outer_instance = ctx_.instance;
  uint64_t* outer_reentry = ctx_.reentry_base;
  ctx_.native_limit = exec_.native_stack_limit;
  ctx_.fuel = exec_.fuel;
  ctx_.trap.reset();
  ctx_.trap_ip = nullptr;
  ctx_.frames.clear();
  uint8_t* mem = ctx_.enter(func.instance);
  ++depth_;
  uint32_t trapped = f->code[0].handler(f->code.data(), frame, &ctx_, mem);
  --depth_;
  exec_.fuel = ctx_.fuel;
  Status status = trapped ? record_trap(f) : Status{};
  if (outer_instance) ctx_.enter(outer_instance);
  ctx_.reentry_base = outer_reentry;
  FLINT_TRY(std::move(status));
  std::memcpy(slots, frame, f->result_slots * sizeof(uint64_t));
  return {};
}

// The trap's interpreted frames join the store's backtrace after those a
// callee of another engine already put there.
Status Executor::record_trap(const CompiledFunction* outermost) {
  if (ctx_.trap_ip && ctx_.frames.size() < kMaxTrapFrames)
    ctx_.frames.push_back(TrapFrame{outermost, ctx_.trap_ip});
  for (const TrapFrame& t : ctx_.frames) {
    const Module& m = t.function->module->module();
    exec_.record_frame(BacktraceFrame{t.function->index, m.function_name(t.function->index),
                                      t.function->wasm_offset(t.ip)});
  }
  return ctx_.trap ? *ctx_.trap : make_error(ErrorCode::HostTrap);
}

}  // namespace flint::interp
