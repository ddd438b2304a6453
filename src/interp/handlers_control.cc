// Handlers of control, parametric and variable instructions (spec 4.4.2-4.4.4,
// 4.4.8 without calls): branches with resolved targets, returns, slot moves.
#include <cstring>

#include "interp/handlers.h"

namespace flint::interp {

uint32_t raise(ExecContext* ctx, const Word* ip, ErrorCode code) {
  ctx->trap = make_error(code);
  ctx->trap_ip = ip;
  return 1;
}

namespace op {

FLINT_HANDLER(br) { FLINT_JUMP(ip[1].i32[0]); }

FLINT_HANDLER(br_table) {
  uint32_t index = uint32_t(fp[ip[1].u32[0]]);
  uint32_t count = ip[1].u32[1];  // includes the default, which is last
  if (index >= count - 1) index = count - 1;
  const int32_t* rels = &ip[2].i32[0];
  FLINT_JUMP(rels[index]);
}

FLINT_HANDLER(ret0) { return 0; }
FLINT_HANDLER(ret1) {
  fp[0] = fp[ip[1].u32[0]];
  return 0;
}
FLINT_HANDLER(retn) {
  // Results sit at or above their destination, so an ascending move is safe.
  uint32_t src = ip[1].u32[0], n = ip[1].u32[1];
  for (uint32_t i = 0; i < n; ++i) fp[i] = fp[src + i];
  return 0;
}

FLINT_HANDLER(unreachable) { return raise(ctx, ip, ErrorCode::Unreachable); }

FLINT_HANDLER(fuel) {
  if (--ctx->fuel < 0) [[unlikely]]
    return raise(ctx, ip, ErrorCode::OutOfFuel);
  FLINT_NEXT(1);
}

FLINT_HANDLER(check_interrupt) {
  if (ctx->interrupted->load(std::memory_order_relaxed)) [[unlikely]]
    return raise(ctx, ip, ErrorCode::Interrupt);
  FLINT_NEXT(1);
}

FLINT_HANDLER(copy1) {
  fp[ip[1].u32[0]] = fp[ip[1].u32[1]];
  FLINT_NEXT(2);
}
FLINT_HANDLER(copy2) {
  uint32_t d = ip[1].u32[0], s = ip[1].u32[1];
  uint64_t lo = fp[s], hi = fp[s + 1];
  fp[d] = lo;
  fp[d + 1] = hi;
  FLINT_NEXT(2);
}
FLINT_HANDLER(const64) {
  fp[ip[1].u32[0]] = ip[2].u64;
  FLINT_NEXT(3);
}
FLINT_HANDLER(const128) {
  fp[ip[1].u32[0]] = ip[2].u64;
  fp[ip[1].u32[0] + 1] = ip[3].u64;
  FLINT_NEXT(4);
}

FLINT_HANDLER(select1) {
  uint32_t cond = uint32_t(fp[ip[1].u32[1]]);
  fp[ip[1].u32[0]] = cond ? fp[ip[2].u32[0]] : fp[ip[2].u32[1]];
  FLINT_NEXT(3);
}
FLINT_HANDLER(select2) {
  uint32_t cond = uint32_t(fp[ip[1].u32[1]]);
  uint32_t s = cond ? ip[2].u32[0] : ip[2].u32[1];
  uint64_t lo = fp[s], hi = fp[s + 1];
  fp[ip[1].u32[0]] = lo;
  fp[ip[1].u32[0] + 1] = hi;
  FLINT_NEXT(3);
}

FLINT_HANDLER(global_get1) {
  fp[ip[1].u32[0]] = ctx->globals[ip[1].u32[1]]->value[0];
  FLINT_NEXT(2);
}
FLINT_HANDLER(global_get2) {
  GlobalInst* g = ctx->globals[ip[1].u32[1]];
  fp[ip[1].u32[0]] = g->value[0];
  fp[ip[1].u32[0] + 1] = g->value[1];
  FLINT_NEXT(2);
}
FLINT_HANDLER(global_set1) {
  ctx->globals[ip[1].u32[1]]->value[0] = fp[ip[1].u32[0]];
  FLINT_NEXT(2);
}
FLINT_HANDLER(global_set2) {
  GlobalInst* g = ctx->globals[ip[1].u32[1]];
  g->value[0] = fp[ip[1].u32[0]];
  g->value[1] = fp[ip[1].u32[0] + 1];
  FLINT_NEXT(2);
}

FLINT_HANDLER(ref_func) {
  fp[ip[1].u32[0]] = reinterpret_cast<uintptr_t>(ctx->funcs[ip[1].u32[1]]);
  FLINT_NEXT(2);
}

}  // namespace op
}  // namespace flint::interp
