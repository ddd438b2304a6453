// Call handlers (spec 4.4.8). A direct call to a function of the same module
// is the hot path: the callee's frame starts at the caller's argument slots,
// so entering it means checking the limits and zeroing its declared locals.
#include "interp/call.h"
#include "interp/handlers.h"
#include "interp/interp_module.h"

namespace flint::interp {

namespace {

// Both stacks are bounded: the value stack by its end, the native stack
// (which grows by one handler frame per wasm call) by Config::max_stack_bytes.
inline bool stack_exhausted(const ExecContext* ctx, const uint64_t* frame,
                            const CompiledFunction* f) {
  return frame + f->frame_slots > ctx->stack_limit ||
         reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < ctx->native_limit;
}

inline void zero_locals(uint64_t* frame, const CompiledFunction* f) {
  for (uint32_t i = f->param_slots; i < f->local_slots; ++i) frame[i] = 0;
}

uint32_t call_host(ExecContext* ctx, const Word* ip, FuncInst* callee, uint64_t* frame) {
  const FuncType& type = callee->type;
  size_t np = type.params.size(), nr = type.results.size();
  // Arguments and results in one buffer, on the native stack when small.
  constexpr size_t kInline = 16;
  Value inline_values[kInline];
  std::vector<Value> heap_values;
  Value* values = inline_values;
  if (np + nr > kInline) {
    heap_values.resize(np + nr);
    values = heap_values.data();
  }
  uint32_t slot = 0;
  for (size_t i = 0; i < np; ++i) {
    values[i] = load_value(type.params[i], frame + slot);
    slot += slot_count(type.params[i]);
  }
  uint32_t param_slots = slot, result_slots = 0;
  for (size_t i = 0; i < nr; ++i) {
    values[np + i] = Value::zero(type.results[i]);
    result_slots += slot_count(type.results[i]);
  }
  // A host function may call back into wasm: its frames start above ours.
  uint64_t* saved_reentry = ctx->reentry_base;
  ctx->reentry_base = frame + std::max(param_slots, result_slots);
  InstanceImpl* instance = ctx->instance;
  Status status =
      callee->host(std::span<const Value>(values, np), std::span<Value>(values + np, nr));
  ctx->reentry_base = saved_reentry;
  ctx->enter(instance);  // the host may have grown a memory
  if (!status) {
    Error error = std::move(status).error();
    if (error.phase() != Phase::Trap && error.phase() != Phase::Exhaustion)
      error = make_error(ErrorCode::HostTrap, error.message());
    ctx->trap = std::move(error);
    ctx->trap_ip = ip;  // the host frame itself is not a wasm frame
    return 1;
  }
  slot = 0;
  for (size_t i = 0; i < nr; ++i) {
    Value v = values[np + i];
    v.type = type.results[i];  // stored by the declared type
    store_value(v, frame + slot);
    slot += slot_count(v.type);
  }
  return 0;
}

}  // namespace

uint32_t unwind(ExecContext* ctx, const Word* ip, const CompiledFunction* function) {
  if (ctx->trap_ip && ctx->frames.size() < kMaxTrapFrames)
    ctx->frames.push_back(TrapFrame{function, ctx->trap_ip});
  ctx->trap_ip = ip;
  return 1;
}

uint32_t call_function(ExecContext* ctx, const Word* ip, FuncInst* callee, uint64_t* frame,
                       uint8_t* mem) {
  if (callee->is_host()) return call_host(ctx, ip, callee, frame);
  const CompiledFunction* f = callee->code;
  // Another module's code may not be translated yet (modules compiled ahead
  // of time translate lazily); code of the running module always is.
  if (callee->instance != ctx->instance && !f->module->translated()) [[unlikely]] {
    if (Status s = f->module->ensure_translated(); !s) {
      ctx->trap = std::move(s).error();
      ctx->trap_ip = ip;
      return 1;
    }
  }
  if (stack_exhausted(ctx, frame, f)) return raise(ctx, ip, ErrorCode::CallStackExhausted);
  if (--ctx->fuel < 0) return raise(ctx, ip, ErrorCode::OutOfFuel);
  zero_locals(frame, f);
  InstanceImpl* caller = ctx->instance;
  uint32_t status;
  if (callee->instance == caller) {
    status = f->code[0].handler(f->code.data(), frame, ctx, mem);
  } else {
    uint8_t* callee_mem = ctx->enter(callee->instance);
    status = f->code[0].handler(f->code.data(), frame, ctx, callee_mem);
    ctx->enter(caller);
  }
  if (status) [[unlikely]]
    return unwind(ctx, ip, f);
  return 0;
}

namespace op {

FLINT_HANDLER(call_direct) {
  const auto* f = static_cast<const CompiledFunction*>(ip[1].ptr);
  uint64_t* frame = fp + ip[2].u32[0];
  if (stack_exhausted(ctx, frame, f)) [[unlikely]]
    return raise(ctx, ip, ErrorCode::CallStackExhausted);
  if (--ctx->fuel < 0) [[unlikely]]
    return raise(ctx, ip, ErrorCode::OutOfFuel);
  zero_locals(frame, f);
  const Word* entry = f->code.data();
  if (entry->handler(entry, frame, ctx, mem)) [[unlikely]]
    return unwind(ctx, ip, f);
  FLINT_NEXT(3);
}

FLINT_HANDLER(call_import) {
  if (call_function(ctx, ip, ctx->funcs[ip[1].u32[0]], fp + ip[1].u32[1], mem)) return 1;
  FLINT_NEXT(2);
}

FLINT_HANDLER(call_indirect) {
  TableInst* table = ctx->tables[ip[1].u32[1]];
  uint32_t index = uint32_t(fp[ip[2].u32[0]]);
  if (index >= table->elements.size()) return raise(ctx, ip, ErrorCode::UndefinedElement);
  auto* callee = static_cast<FuncInst*>(table->elements[index]);
  if (!callee) return raise(ctx, ip, ErrorCode::UninitializedElement);
  if (callee->type_id != ip[1].u32[0]) return raise(ctx, ip, ErrorCode::IndirectCallTypeMismatch);
  if (call_function(ctx, ip, callee, fp + ip[2].u32[1], mem)) return 1;
  FLINT_NEXT(3);
}

}  // namespace op
}  // namespace flint::interp
