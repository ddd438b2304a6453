// Translation of the SIMD instructions (spec 4.4.3, 4.4.7 vector memory
// instructions). All of them share one operand layout (handlers_simd.inc), so
// the signature in the opcode table says everything: pop its operands, push
// its result, and emit [result, p0] [p1, p2] [offset, lane] (+ shuffle lanes).
#include <fmt/format.h>

#include "interp/handlers.h"
#include "interp/translator.h"

namespace flint::interp {

Status FunctionTranslator::simd(const Instr& in) {
  if (in.op == Opcode::V128Const) {  // a deferred constant, like i64.const
    push_const(ValType::V128, in.u64, in.hi);
    return {};
  }
  const OpcodeInfo& info = flint::info(in.op);
  Handler h = simd_handler(in.op, options_.simd_level);
  if (!h || info.sig == Signature::Special)
    return make_error(ErrorCode::Usage, fmt::format("no handler for {}", info.text));
  SignatureTypes sig = signature_types(info.sig);

  uint32_t offset = 0, lane = 0;
  if (info.imm == ImmKind::MemArg || info.imm == ImmKind::MemArgLane) {
    if (in.u64 > UINT32_MAX)  // validation bounds offsets of 32-bit memories
      return make_error(ErrorCode::Usage, "memory offset out of range");
    offset = uint32_t(in.u64);
    if (info.imm == ImmKind::MemArgLane) lane = uint32_t(in.hi);
  } else if (info.imm == ImmKind::Lane) {
    lane = in.a;
  }

  // A constant second operand of a binary operator rides in the code.
  if (info.sig == Signature::V128_V128__V128 && info.imm == ImmKind::None &&
      stack_.back().where == Where::Const) {
    if (Handler hc = simd_handler(in.op, options_.simd_level, /*const_b=*/true)) {
      Entry b = pop();
      Entry a = pop();
      uint32_t as = operand(a);
      uint32_t at = begin(hc);
      pair(push(ValType::V128).home, as);
      pair(0, 0);
      pair(0, 0);
      imm(b.lo);
      imm(b.hi);
      set_result(at);
      return {};
    }
  }

  uint32_t slots[3] = {0, 0, 0};
  size_t count = sig.params.size();
  size_t first = stack_.size() - count;
  for (size_t i = 0; i < count; ++i) slots[i] = operand(stack_[first + i]);
  stack_.resize(first);
  // The result may share a slot with an operand: handlers read every
  // operand before writing.
  uint32_t result = sig.results.empty() ? 0 : push(sig.results[0]).home;
  uint32_t at = begin(h);
  pair(result, slots[0]);
  pair(slots[1], slots[2]);
  pair(offset, lane);
  if (info.imm == ImmKind::Shuffle) {
    imm(in.u64);
    imm(in.hi);
  }
  if (!sig.results.empty()) set_result(at);
  return {};
}

}  // namespace flint::interp
