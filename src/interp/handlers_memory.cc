// Handlers of memory instructions (spec 4.4.7). Every access is checked
// against the current size: the effective address is the u32 operand plus the
// u32 static offset computed in 64 bits, so it cannot wrap around.
// Bulk operations check their whole range before writing anything (2.0 rules;
// a zero-length access exactly at the end is in bounds).
//
// Multi-memory. Every memory handler works on memory 0 as `mem` (a register)
// and ctx->memory / ctx->mem_size describe it, so memory 0's code is exactly
// what it was before there could be several memories. An instruction on
// memory N != 0 is translated as
//   select_memory [N, -]   <the usual handler>   select_memory [0, -]
// The first points those three at memory N, the last back at memory 0;
// nothing between them calls out, so nothing else sees memory N there. A
// trap between them unwinds the whole activation, and every entry into wasm
// loads memory 0 afresh (ExecContext::enter).
#include <cstring>

#include "interp/handlers.h"

namespace flint::interp {

namespace {

template <class M, class R>
FLINT_HANDLER(load) {
  uint64_t ea = uint64_t(uint32_t(fp[ip[1].u32[1]])) + ip[2].u32[0];
  if (ea + sizeof(M) > ctx->mem_size) [[unlikely]]
    return raise(ctx, ip, ErrorCode::OutOfBoundsMemoryAccess);
  M v;
  std::memcpy(&v, mem + ea, sizeof(M));
  fp[ip[1].u32[0]] = uint64_t(R(v));  // M's signedness picks sign or zero extension
  FLINT_NEXT(3);
}

template <class M>
FLINT_HANDLER(store) {
  uint64_t ea = uint64_t(uint32_t(fp[ip[1].u32[0]])) + ip[2].u32[0];
  if (ea + sizeof(M) > ctx->mem_size) [[unlikely]]
    return raise(ctx, ip, ErrorCode::OutOfBoundsMemoryAccess);
  M v = M(fp[ip[1].u32[1]]);
  std::memcpy(mem + ea, &v, sizeof(M));
  FLINT_NEXT(3);
}

// [start, start + n) within [0, size)?
inline bool in_bounds(uint64_t start, uint64_t n, uint64_t size) { return start + n <= size; }

}  // namespace

Handler load_handler(Opcode op) {
  switch (op) {
    case Opcode::I32Load: return &load<uint32_t, uint32_t>;
    case Opcode::I64Load: return &load<uint64_t, uint64_t>;
    case Opcode::F32Load: return &load<uint32_t, uint32_t>;
    case Opcode::F64Load: return &load<uint64_t, uint64_t>;
    case Opcode::I32Load8S: return &load<int8_t, uint32_t>;
    case Opcode::I32Load8U: return &load<uint8_t, uint32_t>;
    case Opcode::I32Load16S: return &load<int16_t, uint32_t>;
    case Opcode::I32Load16U: return &load<uint16_t, uint32_t>;
    case Opcode::I64Load8S: return &load<int8_t, uint64_t>;
    case Opcode::I64Load8U: return &load<uint8_t, uint64_t>;
    case Opcode::I64Load16S: return &load<int16_t, uint64_t>;
    case Opcode::I64Load16U: return &load<uint16_t, uint64_t>;
    case Opcode::I64Load32S: return &load<int32_t, uint64_t>;
    case Opcode::I64Load32U: return &load<uint32_t, uint64_t>;
    default: return nullptr;
  }
}

Handler store_handler(Opcode op) {
  switch (op) {
    case Opcode::I32Store: return &store<uint32_t>;
    case Opcode::I64Store: return &store<uint64_t>;
    case Opcode::F32Store: return &store<uint32_t>;
    case Opcode::F64Store: return &store<uint64_t>;
    case Opcode::I32Store8: return &store<uint8_t>;
    case Opcode::I32Store16: return &store<uint16_t>;
    case Opcode::I64Store8: return &store<uint8_t>;
    case Opcode::I64Store16: return &store<uint16_t>;
    case Opcode::I64Store32: return &store<uint32_t>;
    default: return nullptr;
  }
}

namespace op {

FLINT_HANDLER(memory_size) {
  fp[ip[1].u32[0]] = ctx->mem_size / kPageSize;
  FLINT_NEXT(2);
}

FLINT_HANDLER(memory_grow) {
  uint32_t delta = uint32_t(fp[ip[1].u32[1]]);
  int64_t old = ctx->memory->grow(delta);
  ctx->mem_size = ctx->memory->size;
  fp[ip[1].u32[0]] = uint32_t(int32_t(old));
  FLINT_NEXT(2);
}

FLINT_HANDLER(memory_fill) {
  const uint64_t* args = fp + ip[1].u32[0];
  uint64_t d = uint32_t(args[0]), n = uint32_t(args[2]);
  if (!in_bounds(d, n, ctx->mem_size)) return raise(ctx, ip, ErrorCode::OutOfBoundsMemoryAccess);
  std::memset(mem + d, int(uint8_t(args[1])), n);
  FLINT_NEXT(2);
}

FLINT_HANDLER(memory_copy) {
  const uint64_t* args = fp + ip[1].u32[0];
  uint64_t d = uint32_t(args[0]), s = uint32_t(args[1]), n = uint32_t(args[2]);
  if (!in_bounds(d, n, ctx->mem_size) || !in_bounds(s, n, ctx->mem_size))
    return raise(ctx, ip, ErrorCode::OutOfBoundsMemoryAccess);
  std::memmove(mem + d, mem + s, n);  // the ranges may overlap
  FLINT_NEXT(2);
}

FLINT_HANDLER(memory_init) {
  const uint64_t* args = fp + ip[1].u32[0];
  std::span<const uint8_t> data = ctx->instance->datas[ip[1].u32[1]];
  uint64_t d = uint32_t(args[0]), s = uint32_t(args[1]), n = uint32_t(args[2]);
  if (!in_bounds(d, n, ctx->mem_size) || !in_bounds(s, n, data.size()))
    return raise(ctx, ip, ErrorCode::OutOfBoundsMemoryAccess);
  if (n) std::memcpy(mem + d, data.data() + s, n);
  FLINT_NEXT(2);
}

FLINT_HANDLER(select_memory) {
  MemoryInst* m = ctx->instance->memories[ip[1].u32[0]];
  ctx->memory = m;
  ctx->mem_size = m->size;  // re-read: the memory may have grown since it was last selected
  uint8_t* base = m->base;
  [[clang::musttail]] return ip[2].handler(ip + 2, fp, ctx, base);
}

FLINT_HANDLER(memory_copy_between) {
  const uint64_t* args = fp + ip[1].u32[0];
  const MemoryInst* dst = ctx->instance->memories[ip[2].u32[0]];
  const MemoryInst* src = ctx->instance->memories[ip[2].u32[1]];
  uint64_t d = uint32_t(args[0]), s = uint32_t(args[1]), n = uint32_t(args[2]);
  if (!in_bounds(d, n, dst->size) || !in_bounds(s, n, src->size))
    return raise(ctx, ip, ErrorCode::OutOfBoundsMemoryAccess);
  std::memmove(dst->base + d, src->base + s, n);  // one memory imported twice may overlap itself
  FLINT_NEXT(3);
}

FLINT_HANDLER(data_drop) {
  ctx->instance->datas[ip[1].u32[0]] = {};
  FLINT_NEXT(2);
}

// ---- tables (4.4.6) ----

FLINT_HANDLER(table_get) {
  TableInst* t = ctx->tables[ip[2].u32[0]];
  uint32_t i = uint32_t(fp[ip[1].u32[1]]);
  if (i >= t->elements.size()) return raise(ctx, ip, ErrorCode::OutOfBoundsTableAccess);
  fp[ip[1].u32[0]] = reinterpret_cast<uintptr_t>(t->elements[i]);
  FLINT_NEXT(3);
}

FLINT_HANDLER(table_set) {
  TableInst* t = ctx->tables[ip[2].u32[0]];
  uint32_t i = uint32_t(fp[ip[1].u32[0]]);
  if (i >= t->elements.size()) return raise(ctx, ip, ErrorCode::OutOfBoundsTableAccess);
  t->elements[i] = reinterpret_cast<void*>(uintptr_t(fp[ip[1].u32[1]]));
  FLINT_NEXT(3);
}

FLINT_HANDLER(table_size) {
  fp[ip[1].u32[0]] = uint32_t(ctx->tables[ip[1].u32[1]]->elements.size());
  FLINT_NEXT(2);
}

FLINT_HANDLER(table_grow) {
  uint64_t* args = fp + ip[1].u32[0];
  void* init = reinterpret_cast<void*>(uintptr_t(args[0]));
  int64_t old = ctx->tables[ip[1].u32[1]]->grow(uint32_t(args[1]), init);
  args[0] = uint32_t(int32_t(old));
  FLINT_NEXT(2);
}

FLINT_HANDLER(table_fill) {
  const uint64_t* args = fp + ip[1].u32[0];
  TableInst* t = ctx->tables[ip[1].u32[1]];
  uint64_t i = uint32_t(args[0]), n = uint32_t(args[2]);
  if (!in_bounds(i, n, t->elements.size()))
    return raise(ctx, ip, ErrorCode::OutOfBoundsTableAccess);
  void* value = reinterpret_cast<void*>(uintptr_t(args[1]));
  std::fill_n(t->elements.begin() + i, n, value);
  FLINT_NEXT(2);
}

FLINT_HANDLER(table_copy) {
  const uint64_t* args = fp + ip[1].u32[0];
  TableInst* dst = ctx->tables[ip[2].u32[0]];
  TableInst* src = ctx->tables[ip[2].u32[1]];
  uint64_t d = uint32_t(args[0]), s = uint32_t(args[1]), n = uint32_t(args[2]);
  if (!in_bounds(d, n, dst->elements.size()) || !in_bounds(s, n, src->elements.size()))
    return raise(ctx, ip, ErrorCode::OutOfBoundsTableAccess);
  if (n) std::memmove(dst->elements.data() + d, src->elements.data() + s, n * sizeof(void*));
  FLINT_NEXT(3);
}

FLINT_HANDLER(table_init) {
  const uint64_t* args = fp + ip[1].u32[0];
  const std::vector<void*>& elem = ctx->instance->elems[ip[1].u32[1]];
  TableInst* t = ctx->tables[ip[2].u32[0]];
  uint64_t d = uint32_t(args[0]), s = uint32_t(args[1]), n = uint32_t(args[2]);
  if (!in_bounds(d, n, t->elements.size()) || !in_bounds(s, n, elem.size()))
    return raise(ctx, ip, ErrorCode::OutOfBoundsTableAccess);
  std::copy_n(elem.begin() + s, n, t->elements.begin() + d);
  FLINT_NEXT(3);
}

FLINT_HANDLER(elem_drop) {
  ctx->instance->elems[ip[1].u32[0]].clear();
  ctx->instance->elems[ip[1].u32[0]].shrink_to_fit();
  FLINT_NEXT(2);
}

}  // namespace op
}  // namespace flint::interp
