#include "valid/const_expr.h"

#include <fmt/format.h>

#include <span>
#include <vector>

namespace flint::valid {

namespace {

Error at(Error e, const Instr& in) {
  if (!e.offset) e.offset = in.offset;
  return e;
}

// The instructions of the expression without its closing `end`.
std::span<const Instr> operators(const ConstExpr& expr) {
  std::span<const Instr> ops(expr.instrs);
  if (!ops.empty() && ops.back().op == Opcode::End) ops = ops.first(ops.size() - 1);
  return ops;
}

// First pass, as in the reference interpreter: every instruction must be
// constant before any is typed.
Status check_constant(const ModuleContext& context, const Instr& in) {
  switch (in.op) {
    case Opcode::I32Const:
    case Opcode::I64Const:
    case Opcode::F32Const:
    case Opcode::F64Const:
    case Opcode::RefNull:
    case Opcode::RefFunc:
    // Extended constant expressions (wasm 3.0): integer add, sub and mul.
    case Opcode::I32Add:
    case Opcode::I32Sub:
    case Opcode::I32Mul:
    case Opcode::I64Add:
    case Opcode::I64Sub:
    case Opcode::I64Mul: return {};
    case Opcode::GlobalGet: {
      if (in.a >= context.imported_globals())
        return make_error(ErrorCode::UnknownGlobal, std::to_string(in.a));
      FLINT_ASSIGN(GlobalType g, context.global(in.a));
      if (g.is_mutable)
        return make_error(ErrorCode::ConstantExpressionRequired, "global.get of a mutable global");
      return {};
    }
    default: break;
  }
  // v128.const: the SIMD rows carry a V128 immediate and no operands.
  const OpcodeInfo* info = opcode_info(static_cast<uint16_t>(in.op));
  if (info && info->imm == ImmKind::V128 && signature_types(info->sig).params.empty()) return {};
  return make_error(ErrorCode::ConstantExpressionRequired,
                    fmt::format("{} is not constant", info ? info->text : "this opcode"));
}

// Second pass: the type each (constant, operand-free) instruction pushes.
Result<ValType> result_type(const ModuleContext& context, const Instr& in) {
  switch (in.op) {
    case Opcode::GlobalGet: {
      FLINT_ASSIGN(GlobalType g, context.global(in.a));
      return g.type;
    }
    case Opcode::RefNull: {
      ValType t = static_cast<ValType>(in.a);
      if (!is_reference(t)) return make_error(ErrorCode::MalformedReferenceType);
      return t;
    }
    case Opcode::RefFunc: FLINT_TRY(context.function_type(in.a)); return ValType::FuncRef;
    default: {
      SignatureTypes sig = signature_types(info(in.op).sig);
      if (sig.results.size() != 1) return make_error(ErrorCode::ConstantExpressionRequired);
      return sig.results[0];
    }
  }
}

}  // namespace

Status validate_const_expr(const ModuleContext& context, const ConstExpr& expr, ValType expected) {
  std::span<const Instr> ops = operators(expr);
  for (const Instr& in : ops) {
    Status s = check_constant(context, in);
    if (!s.ok()) return at(std::move(s).error(), in);
  }
  std::vector<ValType> stack;
  for (const Instr& in : ops) {
    SignatureTypes sig = signature_types(info(in.op).sig);
    if (sig.params.size() == 2) {  // an extended-const binary operator
      const ValType operand = sig.params[0];
      if (stack.size() < 2 || stack[stack.size() - 1] != operand ||
          stack[stack.size() - 2] != operand)
        return at(
            make_error(ErrorCode::TypeMismatch, fmt::format("{} needs two {} operands",
                                                            info(in.op).text, to_string(operand))),
            in);
      stack.pop_back();
      stack.back() = sig.results[0];
      continue;
    }
    Result<ValType> t = result_type(context, in);
    if (!t.ok()) return at(std::move(t).error(), in);
    stack.push_back(*t);
  }
  if (stack.size() != 1 || stack[0] != expected) {
    std::string found;
    for (ValType t : stack) found += (found.empty() ? "" : " ") + std::string(to_string(t));
    Error e = make_error(ErrorCode::TypeMismatch,
                         fmt::format("expected [{}], found [{}]", to_string(expected), found));
    if (!expr.instrs.empty()) e.offset = expr.instrs.back().offset;
    return e;
  }
  return {};
}

}  // namespace flint::valid
