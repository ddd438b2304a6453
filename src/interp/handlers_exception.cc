// Exception handling in the interpreter (wasm 3.0, spec 4.4.8 throw,
// throw_ref, try_table; the design shared by both engines is written down
// in runtime/execution.h).
//
// A try_table is translated into a catch table inside the code where the
// try_table begins (so its branch targets are fixed up like any other
// branch), an instruction whose handler only steps over it:
//
//   catch_table [parent rel, count]           parent: the enclosing try_table's
//                                             table in this function, 0 if none
//   count times: [kind | 0x80 when the label is the function's, tag index]
//                [first value slot of the label, target rel]
//
// Rels are int32 Word offsets from the table's first word. Instructions that
// can raise an exception inside a try_table name the innermost table:
// `throw`, `throw_ref`, and the _eh variants of the call handlers, which
// differ from the plain ones only in what they do when the callee fails.
// Code outside any try_table uses the plain handlers and pays nothing.
#include "interp/call.h"
#include "interp/executor.h"
#include "interp/handlers.h"
#include "interp/interp_module.h"
#include "module/module.h"

namespace flint::interp {

namespace {

// Stack and fuel checks of a direct call, as in handlers_call.cc.
inline bool stack_exhausted(const ExecContext* ctx, const uint64_t* frame,
                            const CompiledFunction* f) {
  return frame + f->frame_slots > ctx->stack_limit ||
         reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < ctx->native_limit;
}

uint32_t start_unwinding(ExecContext* ctx, const Word* ip) {
  ctx->trap = make_error(ErrorCode::UncaughtException);
  ctx->trap_ip = ip;
  return 1;
}

}  // namespace

namespace op {

FLINT_HANDLER(catch_table) { FLINT_NEXT(2 + 2 * ip[1].u32[1]); }

// The exception in flight met the try_tables whose innermost catch table is
// at `ip`: continues at the first matching clause's label, or returns 1 to
// keep unwinding (also for traps, which no try_table catches).
FLINT_HANDLER(catch_exception) {
  ExecutionState& exec = *ctx->exec;
  if (!ctx->trap || ctx->trap->code != ErrorCode::UncaughtException || !exec.exception) return 1;
  ExnInst* exn = exec.exception;
  for (const Word* table = ip; table != nullptr;) {
    const uint32_t count = table[1].u32[1];
    for (uint32_t i = 0; i < count; ++i) {
      const Word* clause = table + 2 + 2 * i;
      const auto kind = CatchKind(clause[0].u32[0] & 0x7F);
      const bool returns = clause[0].u32[0] & 0x80;
      const bool all = kind == CatchKind::CatchAll || kind == CatchKind::CatchAllRef;
      if (!all && ctx->instance->tags[clause[0].u32[1]] != exn->tag) continue;
      uint64_t* dst = fp + clause[1].u32[0];
      if (!all)
        for (uint64_t v : exn->payload) *dst++ = v;
      if (kind == CatchKind::CatchRef || kind == CatchKind::CatchAllRef)
        *dst = reinterpret_cast<uintptr_t>(exn);
      // Caught: nothing of the unwinding remains.
      ctx->trap.reset();
      ctx->trap_ip = nullptr;
      ctx->frames.clear();
      exec.backtrace.clear();
      exec.exception = nullptr;
      if (returns) return 0;  // the label of the function: its results are at slot 0
      const Word* to = table + clause[1].i32[1];
      [[clang::musttail]] return to->handler(to, fp, ctx, mem);
    }
    table = table[1].i32[0] ? table + table[1].i32[0] : nullptr;
  }
  return 1;
}

// throw [tag, payload slot] [table rel, -]
FLINT_HANDLER(throw_) {
  TagInst* tag = ctx->instance->tags[ip[1].u32[0]];
  const uint64_t* payload = fp + ip[1].u32[1];
  ctx->exec->throw_exception(
      tag, std::vector<uint64_t>(payload, payload + slot_count(tag->type.params)));
  start_unwinding(ctx, ip);
  if (ip[2].i32[0]) [[clang::musttail]]
    return catch_exception(ip + ip[2].i32[0], fp, ctx, mem);
  return 1;
}

// throw_ref [exnref slot, -] [table rel, -]
FLINT_HANDLER(throw_ref) {
  auto* exn = reinterpret_cast<ExnInst*>(uintptr_t(fp[ip[1].u32[0]]));
  if (!exn) return raise(ctx, ip, ErrorCode::NullExceptionReference);
  ctx->exec->exception = exn;
  start_unwinding(ctx, ip);
  if (ip[2].i32[0]) [[clang::musttail]]
    return catch_exception(ip + ip[2].i32[0], fp, ctx, mem);
  return 1;
}

// call_direct_eh [CompiledFunction*] [frame, -] [table rel, -]
FLINT_HANDLER(call_direct_eh) {
  const auto* f = static_cast<const CompiledFunction*>(ip[1].ptr);
  uint64_t* frame = fp + ip[2].u32[0];
  if (stack_exhausted(ctx, frame, f)) [[unlikely]]
    return raise(ctx, ip, ErrorCode::CallStackExhausted);
  if (--ctx->fuel < 0) [[unlikely]]
    return raise(ctx, ip, ErrorCode::OutOfFuel);
  for (uint32_t i = f->param_slots; i < f->local_slots; ++i) frame[i] = 0;
  const Word* entry = f->code.data();
  if (entry->handler(entry, frame, ctx, mem)) [[unlikely]] {
    unwind(ctx, ip, f);
    [[clang::musttail]] return catch_exception(ip + ip[3].i32[0], fp, ctx, mem);
  }
  FLINT_NEXT(4);
}

// call_import_eh [func, frame] [table rel, -]
FLINT_HANDLER(call_import_eh) {
  if (call_function(ctx, ip, ctx->funcs[ip[1].u32[0]], fp + ip[1].u32[1], mem)) [[unlikely]]
    [[clang::musttail]] return catch_exception(ip + ip[2].i32[0], fp, ctx, mem);
  FLINT_NEXT(3);
}

// call_indirect_eh [type id, table] [index, frame] [table rel, -]
FLINT_HANDLER(call_indirect_eh) {
  TableInst* table = ctx->tables[ip[1].u32[1]];
  uint32_t index = uint32_t(fp[ip[2].u32[0]]);
  if (index >= table->elements.size()) return raise(ctx, ip, ErrorCode::UndefinedElement);
  auto* callee = static_cast<FuncInst*>(table->elements[index]);
  if (!callee) return raise(ctx, ip, ErrorCode::UninitializedElement);
  if (callee->type_id != ip[1].u32[0]) return raise(ctx, ip, ErrorCode::IndirectCallTypeMismatch);
  if (call_function(ctx, ip, callee, fp + ip[2].u32[1], mem)) [[unlikely]]
    [[clang::musttail]] return catch_exception(ip + ip[3].i32[0], fp, ctx, mem);
  FLINT_NEXT(4);
}

}  // namespace op
}  // namespace flint::interp
