// The Helpers table of abi.h: what compiled code calls into the runtime for.
// Each check follows the spec's rule for its instruction (4.4.5 tables,
// 4.4.7 memory, 4.4.8 call_indirect) and traps through raise_trap.
#include <cstring>

#include "aot/aot_instance.h"

namespace flint::aot {

namespace {

AotInstance& state(VmCtx* ctx) {
  return *static_cast<AotInstance*>(ctx->instance->engine_state.get());
}
InstanceImpl& inst(VmCtx* ctx) { return *ctx->instance; }
MemoryInst& memory(VmCtx* ctx, uint32_t index = 0) { return *inst(ctx).memories[index]; }
TableInst& table(VmCtx* ctx, uint32_t t) { return *inst(ctx).tables[t]; }

[[noreturn]] void trap(ErrorCode code) { raise_trap(make_error(code)); }
void check(bool in_bounds, ErrorCode code) {
  if (!in_bounds) trap(code);
}

const ErrorCode kTrapCodes[] = {
    ErrorCode::Unreachable,
    ErrorCode::IntegerDivideByZero,
    ErrorCode::IntegerOverflow,
    ErrorCode::InvalidConversionToInteger,
    ErrorCode::OutOfBoundsMemoryAccess,
    ErrorCode::OutOfBoundsTableAccess,
    ErrorCode::UndefinedElement,
    ErrorCode::UninitializedElement,
    ErrorCode::IndirectCallTypeMismatch,
    ErrorCode::CallStackExhausted,
    ErrorCode::OutOfFuel,
    ErrorCode::Interrupt,
};

[[noreturn]] void h_trap(VmCtx*, uint32_t code) {
  trap(code < std::size(kTrapCodes) ? kTrapCodes[code] : ErrorCode::HostTrap);
}
uint32_t h_memory_size_at(VmCtx* ctx, uint32_t mem) { return uint32_t(memory(ctx, mem).pages()); }
uint32_t h_memory_grow_at(VmCtx* ctx, uint32_t mem, uint32_t delta) {
  return uint32_t(memory(ctx, mem).grow(delta));
}
void h_memory_fill_at(VmCtx* ctx, uint32_t mem, uint32_t d, uint32_t v, uint32_t n) {
  MemoryInst& m = memory(ctx, mem);
  check(uint64_t(d) + n <= m.size, ErrorCode::OutOfBoundsMemoryAccess);
  std::memset(m.base + d, int(v & 0xff), n);
}
void h_memory_copy_at(VmCtx* ctx, uint32_t dst_mem, uint32_t src_mem, uint32_t d, uint32_t s,
                      uint32_t n) {
  MemoryInst& dst = memory(ctx, dst_mem);
  MemoryInst& src = memory(ctx, src_mem);
  check(uint64_t(d) + n <= dst.size && uint64_t(s) + n <= src.size,
        ErrorCode::OutOfBoundsMemoryAccess);
  std::memmove(dst.base + d, src.base + s, n);
}
void h_memory_init_at(VmCtx* ctx, uint32_t mem, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  MemoryInst& m = memory(ctx, mem);
  std::span<const uint8_t> data = inst(ctx).datas[seg];
  check(uint64_t(s) + n <= data.size() && uint64_t(d) + n <= m.size,
        ErrorCode::OutOfBoundsMemoryAccess);
  if (n) std::memcpy(m.base + d, data.data() + s, n);
}
// Memory 0's helpers, as compiled code calls them.
uint32_t h_memory_size(VmCtx* ctx) { return h_memory_size_at(ctx, 0); }
uint32_t h_memory_grow(VmCtx* ctx, uint32_t delta) { return h_memory_grow_at(ctx, 0, delta); }
void h_memory_fill(VmCtx* ctx, uint32_t d, uint32_t v, uint32_t n) {
  h_memory_fill_at(ctx, 0, d, v, n);
}
void h_memory_copy(VmCtx* ctx, uint32_t d, uint32_t s, uint32_t n) {
  h_memory_copy_at(ctx, 0, 0, d, s, n);
}
void h_memory_init(VmCtx* ctx, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  h_memory_init_at(ctx, 0, seg, d, s, n);
}
void h_data_drop(VmCtx* ctx, uint32_t seg) { inst(ctx).datas[seg] = {}; }
void* h_table_get(VmCtx* ctx, uint32_t t, uint32_t i) {
  TableInst& tab = table(ctx, t);
  check(i < tab.elements.size(), ErrorCode::OutOfBoundsTableAccess);
  return tab.elements[i];
}
void h_table_set(VmCtx* ctx, uint32_t t, uint32_t i, void* ref) {
  TableInst& tab = table(ctx, t);
  check(i < tab.elements.size(), ErrorCode::OutOfBoundsTableAccess);
  tab.elements[i] = ref;
}
uint32_t h_table_size(VmCtx* ctx, uint32_t t) { return uint32_t(table(ctx, t).elements.size()); }
uint32_t h_table_grow(VmCtx* ctx, uint32_t t, void* init, uint32_t delta) {
  return uint32_t(table(ctx, t).grow(delta, init));
}
void h_table_fill(VmCtx* ctx, uint32_t t, uint32_t d, void* ref, uint32_t n) {
  TableInst& tab = table(ctx, t);
  check(uint64_t(d) + n <= tab.elements.size(), ErrorCode::OutOfBoundsTableAccess);
  std::fill_n(tab.elements.begin() + d, n, ref);
}
void h_table_copy(VmCtx* ctx, uint32_t dt, uint32_t st, uint32_t d, uint32_t s, uint32_t n) {
  TableInst& dst = table(ctx, dt);
  TableInst& src = table(ctx, st);
  check(uint64_t(d) + n <= dst.elements.size() && uint64_t(s) + n <= src.elements.size(),
        ErrorCode::OutOfBoundsTableAccess);
  if (n) std::memmove(dst.elements.data() + d, src.elements.data() + s, n * sizeof(void*));
}
void h_table_init(VmCtx* ctx, uint32_t t, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  TableInst& tab = table(ctx, t);
  const std::vector<void*>& elems = inst(ctx).elems[seg];
  check(uint64_t(s) + n <= elems.size() && uint64_t(d) + n <= tab.elements.size(),
        ErrorCode::OutOfBoundsTableAccess);
  std::copy_n(elems.begin() + s, n, tab.elements.begin() + d);
}
void h_elem_drop(VmCtx* ctx, uint32_t seg) { inst(ctx).elems[seg].clear(); }

// How compiled code calls a function without machine code of its own
// instance's kind (a host function, one another engine runs): through the
// runtime. Used at once by the code that asked, before anything else runs
// on the thread, so one per thread suffices.
thread_local NativeFunc tls_slow_callee;

const NativeFunc* h_indirect_callee(VmCtx* ctx, uint32_t t, uint32_t i, uint32_t type_id) {
  TableInst& tab = table(ctx, t);
  check(i < tab.elements.size(), ErrorCode::UndefinedElement);
  auto* f = static_cast<FuncInst*>(tab.elements[i]);
  check(f != nullptr, ErrorCode::UninitializedElement);
  check(f->type_id == type_id, ErrorCode::IndirectCallTypeMismatch);
  if (f->entry == call_compiled) return static_cast<const NativeFunc*>(f->code.code);
  tls_slow_callee = NativeFunc{.func = f};
  return &tls_slow_callee;
}

// Everything with a destructor is gone before a trap is raised, since
// siglongjmp skips destructors.
void h_call_slow(VmCtx* ctx, FuncInst* f, uint64_t* slots) {
  enter_host();
  Status status = f->entry(*f, *state(ctx).exec, ctx->instance, slots);
  leave_host();
  if (!status) {
    Error e = std::move(status).error();
    status = Status{};
    raise_trap(std::move(e));
  }
}

// Exception handling (abi.h, runtime/execution.h).
ExecutionState& exec(VmCtx* ctx) { return *state(ctx).exec; }

void h_new_exception(VmCtx* ctx, uint32_t tag, const uint64_t* payload) {
  TagInst* t = inst(ctx).tags[tag];
  exec(ctx).throw_exception(t,
                            std::vector<uint64_t>(payload, payload + slot_count(t->type.params)));
}
void h_set_exception(VmCtx* ctx, void* exn) {
  check(exn != nullptr, ErrorCode::NullExceptionReference);
  exec(ctx).exception = static_cast<ExnInst*>(exn);
}
[[noreturn]] void h_rethrow(VmCtx*) { trap(ErrorCode::UncaughtException); }

uint32_t h_call_catching(VmCtx* ctx, FuncInst* f, uint64_t* slots) {
  enter_host();
  Status status = f->entry(*f, exec(ctx), ctx->instance, slots);
  leave_host();
  if (!status) {
    Error e = std::move(status).error();
    status = Status{};
    if (e.code == ErrorCode::UncaughtException && exec(ctx).exception) return 1;
    raise_trap(std::move(e));
  }
  return 0;
}

uint32_t h_exception_is(VmCtx* ctx, uint32_t tag) {
  const ExnInst* exn = exec(ctx).exception;
  return exn && exn->tag == inst(ctx).tags[tag];
}

void* h_catch_exception(VmCtx* ctx, uint64_t* payload) {
  ExecutionState& e = exec(ctx);
  ExnInst* exn = e.exception;
  std::copy(exn->payload.begin(), exn->payload.end(), payload);
  e.exception = nullptr;
  e.backtrace.clear();  // the frames it unwound are no trap's
  return exn;
}

}  // namespace

const Helpers kHelpers = {
    h_trap,           h_memory_size,    h_memory_grow,    h_memory_fill,
    h_memory_copy,    h_memory_init,    h_data_drop,      h_table_get,
    h_table_set,      h_table_size,     h_table_grow,     h_table_fill,
    h_table_copy,     h_table_init,     h_elem_drop,      h_indirect_callee,
    h_call_slow,      h_memory_size_at, h_memory_grow_at, h_memory_fill_at,
    h_memory_copy_at, h_memory_init_at, h_new_exception,  h_set_exception,
    h_rethrow,        h_call_catching,  h_exception_is,   h_catch_exception,
};

}  // namespace flint::aot
