// Typing rules of the control instructions (spec 3.3.8 "Control
// Instructions"), following the pseudo-code of spec appendix A.3.
#include <fmt/format.h>

#include "valid/function_validator.h"

namespace flint::valid {

Status FunctionValidator::on_unreachable(const Instr&) {
  stack_.set_unreachable();
  return {};
}

Status FunctionValidator::on_nop(const Instr&) { return {}; }

// block and loop: the parameters move from the enclosing stack into the block.
Status FunctionValidator::on_block(const Instr& in) {
  FLINT_ASSIGN(BlockSignature sig, block_signature(in));
  FLINT_TRY(stack_.pop(sig.params()));
  stack_.push_frame(in.op, sig);
  return {};
}

Status FunctionValidator::on_if(const Instr& in) {
  FLINT_ASSIGN(BlockSignature sig, block_signature(in));
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_TRY(stack_.pop(sig.params()));
  stack_.push_frame(Opcode::If, sig);
  return {};
}

// A misplaced else is malformed rather than ill-typed: the decoder reports it
// the same way ("END opcode expected"); this guards IR built by other means.
Status FunctionValidator::on_else(const Instr&) {
  if (stack_.innermost().opcode != Opcode::If)
    return make_error(ErrorCode::EndOpcodeExpected, "else outside an if");
  FLINT_ASSIGN(ControlFrame then_frame, stack_.pop_frame());
  stack_.push_frame(Opcode::Else, then_frame.signature);
  return {};
}

Status FunctionValidator::on_end(const Instr&) {
  FLINT_ASSIGN(ControlFrame frame, stack_.pop_frame());
  if (frame.opcode == Opcode::If) {
    // An if without else has an empty else branch, which passes the
    // parameters through: they must already be the results.
    stack_.push_frame(Opcode::Else, frame.signature);
    FLINT_TRY(stack_.pop_frame());
  }
  stack_.push(frame.signature.results());
  return {};
}

Status FunctionValidator::on_br(const Instr& in) {
  FLINT_ASSIGN(const ControlFrame* target, label(in.a));
  FLINT_TRY(stack_.pop(target->label_types()));
  stack_.set_unreachable();
  return {};
}

Status FunctionValidator::on_br_if(const Instr& in) {
  FLINT_ASSIGN(const ControlFrame* target, label(in.a));
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_TRY(stack_.pop(target->label_types()));
  stack_.push(target->label_types());
  return {};
}

// Every target must take the same number of values, and the operands must
// suit each of them (appendix A.3, br_table).
Status FunctionValidator::on_br_table(const Instr& in) {
  const std::vector<uint32_t>& depths = function_.br_table_targets;
  if (in.b == 0 || uint64_t(in.a) + in.b > depths.size())
    return make_error(ErrorCode::UnknownLabel, "br_table targets out of range");
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_ASSIGN(const ControlFrame* fallback, label(depths[in.a + in.b - 1]));
  size_t arity = fallback->label_types().size();
  for (uint32_t i = 0; i + 1 < in.b; ++i) {
    FLINT_ASSIGN(const ControlFrame* target, label(depths[in.a + i]));
    if (target->label_types().size() != arity) {
      return make_error(ErrorCode::TypeMismatch,
                        fmt::format("br_table targets take {} and {} values",
                                    target->label_types().size(), arity));
    }
    FLINT_TRY(stack_.check_top(target->label_types()));
  }
  FLINT_TRY(stack_.pop(fallback->label_types()));
  stack_.set_unreachable();
  return {};
}

Status FunctionValidator::on_return(const Instr&) {
  FLINT_TRY(stack_.pop(type_.results));
  stack_.set_unreachable();
  return {};
}

Status FunctionValidator::on_call(const Instr& in) {
  FLINT_ASSIGN(const FuncType* callee, context_.function_type(in.a));
  FLINT_TRY(stack_.pop(callee->params));
  stack_.push(callee->results);
  return {};
}

// call_indirect x y: table y must hold funcref; the callee has type x.
Status FunctionValidator::on_call_indirect(const Instr& in) {
  FLINT_ASSIGN(TableType table, context_.table(in.b));
  FLINT_ASSIGN(const FuncType* callee, context_.type(in.a));
  if (table.element != ValType::FuncRef)
    return make_error(ErrorCode::TypeMismatch, "call_indirect needs a table of funcref");
  FLINT_TRY(stack_.pop(ValType::I32));
  FLINT_TRY(stack_.pop(callee->params));
  stack_.push(callee->results);
  return {};
}

// Exception handling (wasm 3.0, 3.3.8): throw x pops the tag's parameters.
Status FunctionValidator::on_throw(const Instr& in) {
  FLINT_ASSIGN(const FuncType* tag, context_.tag(in.a));
  FLINT_TRY(stack_.pop(tag->params));
  stack_.set_unreachable();
  return {};
}

Status FunctionValidator::on_throw_ref(const Instr&) {
  FLINT_TRY(stack_.pop(ValType::ExnRef));
  stack_.set_unreachable();
  return {};
}

// try_table bt catch*: a block whose catch clauses branch to labels outside
// it. Each label must take exactly what its clause delivers: the tag's
// parameters (catch), those and an exnref (catch_ref), nothing (catch_all)
// or an exnref (catch_all_ref). The labels are resolved before the block's
// own frame is pushed, as the clauses are outside it.
Status FunctionValidator::on_try_table(const Instr& in) {
  FLINT_ASSIGN(BlockSignature sig, block_signature(in));
  if (in.hi > function_.br_table_targets.size() ||
      in.u64 + 3 * in.hi > function_.br_table_targets.size())
    return make_error(ErrorCode::UnknownLabel, "try_table catch clauses out of range");
  for (const CatchClause& c : function_.catches(in)) {
    std::vector<ValType> delivered;
    if (c.kind == CatchKind::Catch || c.kind == CatchKind::CatchRef) {
      FLINT_ASSIGN(const FuncType* tag, context_.tag(c.tag));
      delivered = tag->params;
    }
    if (c.kind == CatchKind::CatchRef || c.kind == CatchKind::CatchAllRef)
      delivered.push_back(ValType::ExnRef);
    FLINT_ASSIGN(const ControlFrame* target, label(c.label));
    std::span<const ValType> expected = target->label_types();
    if (!std::equal(expected.begin(), expected.end(), delivered.begin(), delivered.end()))
      return make_error(ErrorCode::TypeMismatch, "catch clause and its label disagree");
  }
  FLINT_TRY(stack_.pop(sig.params()));
  stack_.push_frame(in.op, sig);
  return {};
}

}  // namespace flint::valid
