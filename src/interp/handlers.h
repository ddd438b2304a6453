// The handlers of the interpreter's internal code, and how the translator
// finds them. Operand layouts, in Words after the handler word ("[a, b]" is
// one word holding two uint32; "rel" an int32 offset in Words from the
// instruction's first word; "imm" a 64-bit immediate):
//
//   br                 [rel, -]
//   br_if_zero/nonzero [cond, rel]          (eqz_branch)
//   br_if_<cmp>_ss     [a, b] [rel, -]         fused compare + branch
//   br_if_<cmp>_si     [a, rel] [imm]
//   br_table           [index, count] then count int32 rels, two per word
//   ret0               [-, -]       ret1 [src, -]         retn [src, slots]
//   copy1, copy2       [dst, src]   const64 [dst, -] [imm]   const128 [dst, -] [lo] [hi]
//   select1, select2   [dst, cond] [a, b]
//   call_direct        [CompiledFunction*] [frame, -]
//   call_import        [func, frame]
//   call_indirect      [type id, table] [index, frame]
//   global_get/set     [slot, global]       ref_func [dst, func]
//   unary              [dst, a]     binary_ss [dst, a] [b, -]   binary_si [dst, a] [imm]
//   load               [dst, addr] [offset, -]     store [addr, value] [offset, -]
//   memory_size        [dst, -]     memory_grow [dst, delta]
//   memory_fill/copy   [base, -]    (operands in slots base, base+1, base+2)
//   memory_init        [base, data] data_drop [data, -]
//   select_memory      [memory, -]  (then the instruction on that memory, then
//                      select_memory [0, -]: see handlers_memory.cc)
//   memory_copy_between [base, -] [dst memory, src memory]
//   table_get          [dst, index] [table, -]      table_set [index, value] [table, -]
//   table_size         [dst, table] table_grow/fill [base, table]
//   table_copy         [base, -] [dst table, src table]
//   table_init         [base, elem] [table, -]      elem_drop [elem, -]
//   SIMD (all)         [result, p0] [p1, p2] [offset, lane]  (+ [lo] [hi]: the
//                      lanes of i8x16.shuffle, or a constant second operand)
#pragma once

#include "interp/code.h"
#include "interp/exec_context.h"
#include "module/opcode.h"

namespace flint::interp {

#define FLINT_HANDLER(name) \
  FLINT_PRESERVE_NONE uint32_t name(const Word* ip, uint64_t* fp, ExecContext* ctx, uint8_t* mem)
/// Jumps to the instruction `words` Words further on.
#define FLINT_NEXT(words) [[clang::musttail]] return ip[words].handler(ip + (words), fp, ctx, mem)
#define FLINT_JUMP(rel) \
  do {                  \
    ip += (rel);        \
    FLINT_NEXT(0);      \
  } while (0)

/// Records a trap at `ip` and starts unwinding (returns the trap status).
[[gnu::cold]] uint32_t raise(ExecContext* ctx, const Word* ip, ErrorCode code);

namespace op {
FLINT_HANDLER(br);
FLINT_HANDLER(br_table);
FLINT_HANDLER(ret0);
FLINT_HANDLER(ret1);
FLINT_HANDLER(retn);
FLINT_HANDLER(unreachable);
FLINT_HANDLER(fuel);
/// Traps with "interrupt" once the store is interrupted (Store::interrupt,
/// a deadline): at function entry and loop heads, with
/// TranslateOptions::interruptible.
FLINT_HANDLER(check_interrupt);
/// Tiering (runtime/tier_up.h): a tiered module's function entry, which
/// switches to the faster code once ready, and its loop heads, which count
/// towards the module's hotness.
FLINT_HANDLER(tier_check);
FLINT_HANDLER(tier_count);
/// tier_count at the head of a loop compiled code can enter, which moves
/// the running frame there once the compiled code is ready.
FLINT_HANDLER(tier_loop);
FLINT_HANDLER(copy1);
FLINT_HANDLER(copy2);
FLINT_HANDLER(const64);
FLINT_HANDLER(const128);
FLINT_HANDLER(select1);
FLINT_HANDLER(select2);
FLINT_HANDLER(call_direct);
FLINT_HANDLER(call_import);
FLINT_HANDLER(call_indirect);
FLINT_HANDLER(global_get1);
FLINT_HANDLER(global_get2);
FLINT_HANDLER(global_set1);
FLINT_HANDLER(global_set2);
FLINT_HANDLER(ref_func);
FLINT_HANDLER(memory_size);
FLINT_HANDLER(memory_grow);
FLINT_HANDLER(memory_fill);
FLINT_HANDLER(memory_copy);
FLINT_HANDLER(memory_init);
FLINT_HANDLER(data_drop);
/// Points `mem`, ctx->memory and ctx->mem_size at the memory it names, for
/// the one instruction after it (multi-memory; memory 0's code has none).
FLINT_HANDLER(select_memory);
/// memory.copy between two memories that may differ.
FLINT_HANDLER(memory_copy_between);
FLINT_HANDLER(table_get);
FLINT_HANDLER(table_set);
FLINT_HANDLER(table_size);
FLINT_HANDLER(table_grow);
FLINT_HANDLER(table_fill);
FLINT_HANDLER(table_copy);
FLINT_HANDLER(table_init);
FLINT_HANDLER(elem_drop);
// Exception handling (handlers_exception.cc, which describes the catch
// tables these name): throw [tag, payload] [table rel, -], throw_ref
// [exnref, -] [table rel, -] (rel 0: no try_table around it), and the call
// handlers' variants inside a try_table, each with a last word [table rel, -].
FLINT_HANDLER(catch_table);
FLINT_HANDLER(throw_);
FLINT_HANDLER(throw_ref);
FLINT_HANDLER(call_direct_eh);
FLINT_HANDLER(call_import_eh);
FLINT_HANDLER(call_indirect_eh);
/// Not an instruction: entered with `ip` at a catch table when an
/// instruction under it failed.
FLINT_HANDLER(catch_exception);
}  // namespace op

/// Handlers of a numeric instruction with a fixed signature. Unary ones have
/// only `unary`; binary ones `ss` (two slots) and `si` (slot, immediate).
struct NumericHandlers {
  Handler unary = nullptr;
  Handler ss = nullptr;
  Handler si = nullptr;
};
/// nullptr for instructions that are not plain numeric operators.
const NumericHandlers* numeric_handlers(Opcode op);

/// Integer comparisons that fuse with a following br_if / if.
bool is_fusable_compare(Opcode op);
/// The comparison true exactly when `op` is false (lt_s -> ge_s, ...).
Opcode negate_compare(Opcode op);
/// The comparison with its operands exchanged (lt_s -> gt_s, ...).
Opcode swap_compare(Opcode op);
/// Branch-if-compare handlers for a fusable compare (`imm`: second operand immediate).
Handler compare_branch(Opcode op, bool imm);
/// Branches when the i32 (or i64 when `wide`) in a slot is zero (`if_zero`)
/// or non-zero: plain br_if, `if`, and br_if on `eqz`.
Handler eqz_branch(bool wide, bool if_zero);

Handler load_handler(Opcode op);

/// The handler of a SIMD instruction other than v128.const (layout in
/// handlers_simd.inc); nullptr for other opcodes. With `const_b`, the variant
/// of a binary v128 operator whose second operand is a constant in the code,
/// or nullptr where there is none.
Handler simd_handler(Opcode op, SimdLevel level, bool const_b = false);
Handler store_handler(Opcode op);

}  // namespace flint::interp
