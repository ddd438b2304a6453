// Numeric instructions (spec 4.4.1 "Numeric Instructions", 4.3 "Numerics")
// in LLVM IR, with the spec's exact semantics where LLVM's differ: division
// and trapping conversions check their operands, min/max follow wasm's NaN
// and signed-zero rules, shifts and rotations take their count modulo the
// width, and abs/neg/copysign are LLVM's bitwise operations so NaN payloads
// survive.
#include <llvm/IR/Intrinsics.h>

#include <cmath>

#include "aot/llvm/function_codegen.h"
#include "aot/llvm/nan_preserving.h"
#include "module/opcode_cases.h"

namespace flint::aot {

namespace {
llvm::Constant* float_const(llvm::LLVMContext& c, bool is_f64, double v) {
  return llvm::ConstantFP::get(is_f64 ? llvm::Type::getDoubleTy(c) : llvm::Type::getFloatTy(c), v);
}
}  // namespace

// Spec 4.3.2 idiv/irem: a zero divisor traps, and so does the one quotient
// that does not fit (INT_MIN / -1). rem_s of INT_MIN by -1 is 0, which LLVM's
// srem leaves undefined, so that divisor is replaced by 1.
llvm::Value* FunctionCodegen::int_division(Opcode op, llvm::Value* a, llvm::Value* d) {
  llvm::Type* t = a->getType();
  trap_if(b_.CreateICmpEQ(d, llvm::ConstantInt::get(t, 0)), TrapCode::IntegerDivideByZero);
  llvm::Value* minus_one = llvm::ConstantInt::getSigned(t, -1);
  switch (op) {
    case Opcode::I32DivU:
    case Opcode::I64DivU: return b_.CreateUDiv(a, d);
    case Opcode::I32RemU:
    case Opcode::I64RemU: return b_.CreateURem(a, d);
    case Opcode::I32DivS:
    case Opcode::I64DivS: {
      llvm::Value* min =
          llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(t->getIntegerBitWidth()));
      trap_if(b_.CreateAnd(b_.CreateICmpEQ(a, min), b_.CreateICmpEQ(d, minus_one)),
              TrapCode::IntegerOverflow);
      return b_.CreateSDiv(a, d);
    }
    default: {
      llvm::Value* safe =
          b_.CreateSelect(b_.CreateICmpEQ(d, minus_one), llvm::ConstantInt::get(t, 1), d);
      return b_.CreateSRem(a, safe);
    }
  }
}

// Spec 4.3.3 fmin/fmax: a NaN operand gives a NaN; -0 is less than +0.
// fmin/fmax (spec 4.3.3), for scalars and lane-wise for vectors alike:
// equal operands are combined bitwise (or for min keeps a negative zero, and
// for max a positive one); a+b of a NaN is a quiet NaN.
llvm::Value* emit_float_min_max(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y, bool is_min) {
  llvm::Type* t = x->getType();
  llvm::Type* ints =
      t->isVectorTy()
          ? static_cast<llvm::Type*>(llvm::VectorType::getInteger(llvm::cast<llvm::VectorType>(t)))
          : b.getIntNTy(t->getPrimitiveSizeInBits());
  llvm::Value* nan = b.CreateFCmpUNO(x, y);
  llvm::Value* eq = b.CreateFCmpOEQ(x, y);
  llvm::Value* xi = b.CreateBitCast(x, ints);
  llvm::Value* yi = b.CreateBitCast(y, ints);
  llvm::Value* same = b.CreateBitCast(is_min ? b.CreateOr(xi, yi) : b.CreateAnd(xi, yi), t);
  llvm::Value* pick = is_min ? b.CreateSelect(b.CreateFCmpOLT(x, y), x, y)
                             : b.CreateSelect(b.CreateFCmpOGT(x, y), x, y);
  return b.CreateSelect(nan, b.CreateFAdd(x, y), b.CreateSelect(eq, same, pick));
}

llvm::Value* FunctionCodegen::float_min_max(llvm::Value* a, llvm::Value* b, bool is_min) {
  return emit_float_min_max(b_, a, b, is_min);
}

// Spec 4.3.3 trunc_s/trunc_u: NaN is "invalid conversion to integer"; a
// value whose truncation does not fit is "integer overflow". The bounds are
// exact in the source format: the lower one is -2^(n-1) (inclusive) unless
// the format holds -2^(n-1)-1 exactly (f64 for n = 32: exclusive bound), and
// -1 (exclusive) for unsigned; the upper one is 2^(n-1) or 2^n, exclusive.
llvm::Value* FunctionCodegen::trapping_truncate(llvm::Value* x, llvm::Type* to, bool is_signed) {
  bool is_f64 = x->getType()->isDoubleTy();
  unsigned n = to->getIntegerBitWidth();
  trap_if(b_.CreateFCmpUNO(x, x), TrapCode::InvalidConversionToInteger);
  llvm::Value* in_range;
  if (is_signed) {
    double half = std::ldexp(1.0, int(n) - 1);
    llvm::Value* low = is_f64 && n == 32 ? b_.CreateFCmpOGT(x, float_const(c_, true, -half - 1))
                                         : b_.CreateFCmpOGE(x, float_const(c_, is_f64, -half));
    in_range = b_.CreateAnd(low, b_.CreateFCmpOLT(x, float_const(c_, is_f64, half)));
  } else {
    in_range = b_.CreateAnd(b_.CreateFCmpOGT(x, float_const(c_, is_f64, -1.0)),
                            b_.CreateFCmpOLT(x, float_const(c_, is_f64, std::ldexp(1.0, int(n)))));
  }
  trap_if(b_.CreateNot(in_range), TrapCode::IntegerOverflow);
  return is_signed ? b_.CreateFPToSI(x, to) : b_.CreateFPToUI(x, to);
}

// Spec 4.4.1.1 t.const: the constant itself; a float keeps its NaN payload.
void FunctionCodegen::emit_const(const Instr& in) {
  switch (in.op) {
    case Opcode::I32Const: push(b_.getInt32(uint32_t(in.u64))); return;
    case Opcode::I64Const: push(b_.getInt64(in.u64)); return;
    case Opcode::F32Const:
      push(nan_preserving_constant(
          b_, llvm::ConstantFP::get(
                  c_, llvm::APFloat(llvm::APFloat::IEEEsingle(), llvm::APInt(32, in.u64)))));
      return;
    case Opcode::F64Const:
      push(nan_preserving_constant(
          b_, llvm::ConstantFP::get(
                  c_, llvm::APFloat(llvm::APFloat::IEEEdouble(), llvm::APInt(64, in.u64)))));
      return;
    default: return;  // emit_instr sends only the four constants
  }
}

// The scalar operators (spec 4.4.1): emit_instr sends every row of the
// operator family here; each case names the lowering below it.
void FunctionCodegen::emit_numeric(const Instr& in) {
  using P = llvm::CmpInst::Predicate;
  using Op = llvm::Instruction::BinaryOps;
  namespace I = llvm::Intrinsic;
  switch (in.op) {
    case Opcode::I32Eqz:
    case Opcode::I64Eqz: emit_eqz(); return;
    case Opcode::I32Eq:
    case Opcode::I64Eq: emit_compare(P::ICMP_EQ); return;
    case Opcode::I32Ne:
    case Opcode::I64Ne: emit_compare(P::ICMP_NE); return;
    case Opcode::I32LtS:
    case Opcode::I64LtS: emit_compare(P::ICMP_SLT); return;
    case Opcode::I32LtU:
    case Opcode::I64LtU: emit_compare(P::ICMP_ULT); return;
    case Opcode::I32GtS:
    case Opcode::I64GtS: emit_compare(P::ICMP_SGT); return;
    case Opcode::I32GtU:
    case Opcode::I64GtU: emit_compare(P::ICMP_UGT); return;
    case Opcode::I32LeS:
    case Opcode::I64LeS: emit_compare(P::ICMP_SLE); return;
    case Opcode::I32LeU:
    case Opcode::I64LeU: emit_compare(P::ICMP_ULE); return;
    case Opcode::I32GeS:
    case Opcode::I64GeS: emit_compare(P::ICMP_SGE); return;
    case Opcode::I32GeU:
    case Opcode::I64GeU: emit_compare(P::ICMP_UGE); return;
    // Ordered comparisons are false with a NaN; ne is unordered (true).
    case Opcode::F32Eq:
    case Opcode::F64Eq: emit_compare(P::FCMP_OEQ); return;
    case Opcode::F32Ne:
    case Opcode::F64Ne: emit_compare(P::FCMP_UNE); return;
    case Opcode::F32Lt:
    case Opcode::F64Lt: emit_compare(P::FCMP_OLT); return;
    case Opcode::F32Gt:
    case Opcode::F64Gt: emit_compare(P::FCMP_OGT); return;
    case Opcode::F32Le:
    case Opcode::F64Le: emit_compare(P::FCMP_OLE); return;
    case Opcode::F32Ge:
    case Opcode::F64Ge: emit_compare(P::FCMP_OGE); return;

    case Opcode::I32Clz:
    case Opcode::I64Clz: emit_bit_count(I::ctlz); return;
    case Opcode::I32Ctz:
    case Opcode::I64Ctz: emit_bit_count(I::cttz); return;
    case Opcode::I32Popcnt:
    case Opcode::I64Popcnt: emit_unary_intrinsic(I::ctpop); return;
    case Opcode::I32Add:
    case Opcode::I64Add: emit_arith(Op::Add); return;
    case Opcode::I32Sub:
    case Opcode::I64Sub: emit_arith(Op::Sub); return;
    case Opcode::I32Mul:
    case Opcode::I64Mul: emit_arith(Op::Mul); return;
    case Opcode::I32DivS:
    case Opcode::I32DivU:
    case Opcode::I32RemS:
    case Opcode::I32RemU:
    case Opcode::I64DivS:
    case Opcode::I64DivU:
    case Opcode::I64RemS:
    case Opcode::I64RemU: emit_division(in.op); return;
    case Opcode::I32And:
    case Opcode::I64And: emit_arith(Op::And); return;
    case Opcode::I32Or:
    case Opcode::I64Or: emit_arith(Op::Or); return;
    case Opcode::I32Xor:
    case Opcode::I64Xor: emit_arith(Op::Xor); return;
    case Opcode::I32Shl:
    case Opcode::I64Shl: emit_shift(Op::Shl); return;
    case Opcode::I32ShrS:
    case Opcode::I64ShrS: emit_shift(Op::AShr); return;
    case Opcode::I32ShrU:
    case Opcode::I64ShrU: emit_shift(Op::LShr); return;
    case Opcode::I32Rotl:
    case Opcode::I64Rotl: emit_rotate(I::fshl); return;
    case Opcode::I32Rotr:
    case Opcode::I64Rotr: emit_rotate(I::fshr); return;

    case Opcode::F32Abs:
    case Opcode::F64Abs: emit_unary_intrinsic(I::fabs); return;
    case Opcode::F32Neg:
    case Opcode::F64Neg: emit_fneg(); return;
    case Opcode::F32Ceil:
    case Opcode::F64Ceil: emit_unary_intrinsic(I::ceil); return;
    case Opcode::F32Floor:
    case Opcode::F64Floor: emit_unary_intrinsic(I::floor); return;
    case Opcode::F32Trunc:
    case Opcode::F64Trunc: emit_unary_intrinsic(I::trunc); return;
    case Opcode::F32Nearest:
    case Opcode::F64Nearest: emit_unary_intrinsic(I::roundeven); return;
    case Opcode::F32Sqrt:
    case Opcode::F64Sqrt: emit_unary_intrinsic(I::sqrt); return;
    case Opcode::F32Add:
    case Opcode::F64Add: emit_arith(Op::FAdd); return;
    case Opcode::F32Sub:
    case Opcode::F64Sub: emit_arith(Op::FSub); return;
    case Opcode::F32Mul:
    case Opcode::F64Mul: emit_arith(Op::FMul); return;
    case Opcode::F32Div:
    case Opcode::F64Div: emit_arith(Op::FDiv); return;
    case Opcode::F32Min:
    case Opcode::F64Min: emit_min_max(true); return;
    case Opcode::F32Max:
    case Opcode::F64Max: emit_min_max(false); return;
    case Opcode::F32Copysign:
    case Opcode::F64Copysign: emit_copysign(); return;
    case Opcode::I32Extend8S:
    case Opcode::I64Extend8S: emit_sign_extend(b_.getInt8Ty()); return;
    case Opcode::I32Extend16S:
    case Opcode::I64Extend16S: emit_sign_extend(b_.getInt16Ty()); return;
    case Opcode::I64Extend32S: emit_sign_extend(b_.getInt32Ty()); return;
    // The conversions, in their own function.
    case Opcode::I32WrapI64:
    case Opcode::I64ExtendI32S:
    case Opcode::I64ExtendI32U:
    case Opcode::I32TruncF32S:
    case Opcode::I32TruncF64S:
    case Opcode::I32TruncF32U:
    case Opcode::I32TruncF64U:
    case Opcode::I64TruncF32S:
    case Opcode::I64TruncF64S:
    case Opcode::I64TruncF32U:
    case Opcode::I64TruncF64U:
    case Opcode::I32TruncSatF32S:
    case Opcode::I32TruncSatF64S:
    case Opcode::I32TruncSatF32U:
    case Opcode::I32TruncSatF64U:
    case Opcode::I64TruncSatF32S:
    case Opcode::I64TruncSatF64S:
    case Opcode::I64TruncSatF32U:
    case Opcode::I64TruncSatF64U:
    case Opcode::F32ConvertI32S:
    case Opcode::F32ConvertI64S:
    case Opcode::F32ConvertI32U:
    case Opcode::F32ConvertI64U:
    case Opcode::F64ConvertI32S:
    case Opcode::F64ConvertI64S:
    case Opcode::F64ConvertI32U:
    case Opcode::F64ConvertI64U:
    case Opcode::F32DemoteF64:
    case Opcode::F64PromoteF32:
    case Opcode::I32ReinterpretF32:
    case Opcode::I64ReinterpretF64:
    case Opcode::F32ReinterpretI32:
    case Opcode::F64ReinterpretI64:
      emit_conversion(in);
      return;
      // Every row that is not a scalar operator: emit_instr routes only
      // operators here (opcode_cases.h).
#define FLINT_OP FLINT_CASE_NOT_OPERATOR
#include "module/opcodes.def"
#undef FLINT_OP
      return;
  }
}

// ---- the scalar operators ----

// Spec 4.3.2 ieqz: 1 if the operand is zero, as i32.
void FunctionCodegen::emit_eqz() { push(b_.CreateZExt(b_.CreateIsNull(pop()), b_.getInt32Ty())); }

// Spec 4.3.2 irelop, 4.3.3 frelop: the comparison as an i32 1 or 0.
void FunctionCodegen::emit_compare(llvm::CmpInst::Predicate p) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  push(b_.CreateZExt(b_.CreateCmp(p, x, y), b_.getInt32Ty()));
}

// Spec 4.3.2 iclz/ictz: defined for zero (the width).
void FunctionCodegen::emit_bit_count(llvm::Intrinsic::ID id) {
  llvm::Value* x = pop();
  push(intrinsic(id, {x->getType()}, {x, b_.getFalse()}));
}

// An LLVM intrinsic with the operator's exact semantics: ipopcnt, fabs (the
// sign bit cleared, NaN payloads kept), fceil, ffloor, ftrunc, fnearest,
// fsqrt.
void FunctionCodegen::emit_unary_intrinsic(llvm::Intrinsic::ID id) {
  llvm::Value* x = pop();
  push(intrinsic(id, {x->getType()}, {x}));
}

// Spec 4.3.2 iadd, isub, imul, iand, ior, ixor (wrapping) and 4.3.3 fadd,
// fsub, fmul, fdiv (IEEE 754, round to nearest): LLVM's operations.
void FunctionCodegen::emit_arith(llvm::Instruction::BinaryOps op) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  push(b_.CreateBinOp(op, x, y));
}

// Spec 4.3.2 idiv/irem: the trapping division of int_division.
void FunctionCodegen::emit_division(Opcode op) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  push(int_division(op, x, y));
}

// Spec 4.3.2 ishl/ishr: the count is taken modulo the width.
void FunctionCodegen::emit_shift(llvm::Instruction::BinaryOps op) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  llvm::Value* mask = llvm::ConstantInt::get(x->getType(), x->getType()->getIntegerBitWidth() - 1);
  push(b_.CreateBinOp(op, x, b_.CreateAnd(y, mask)));
}

// Spec 4.3.2 irotl/irotr: funnel shifts of the operand with itself, which
// take the count modulo the width.
void FunctionCodegen::emit_rotate(llvm::Intrinsic::ID id) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  push(intrinsic(id, {x->getType()}, {x, x, y}));
}

// Spec 4.3.3 fneg: the sign bit flipped, NaN payloads kept.
void FunctionCodegen::emit_fneg() { push(b_.CreateFNeg(pop())); }

// Spec 4.3.3 fmin/fmax (float_min_max).
void FunctionCodegen::emit_min_max(bool is_min) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  push(float_min_max(x, y, is_min));
}

// Spec 4.3.3 fcopysign: bitwise, NaN payloads kept.
void FunctionCodegen::emit_copysign() {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  push(intrinsic(llvm::Intrinsic::copysign, {x->getType()}, {x, y}));
}

// Spec 4.3.2 iextendN_s: the low `from` bits sign-extended to the operand's
// width.
void FunctionCodegen::emit_sign_extend(llvm::Type* from) {
  llvm::Value* x = pop();
  push(b_.CreateSExt(b_.CreateTrunc(x, from), x->getType()));
}

void FunctionCodegen::emit_conversion(const Instr& in) {
  llvm::Type* i32 = b_.getInt32Ty();
  llvm::Type* i64 = b_.getInt64Ty();
  llvm::Type* f32 = b_.getFloatTy();
  llvm::Type* f64 = b_.getDoubleTy();
  auto unary = [&](auto op) { push(op(pop())); };
  auto trunc = [&](llvm::Type* to, bool is_signed) {
    unary([&](llvm::Value* x) { return trapping_truncate(x, to, is_signed); });
  };
  // Saturating truncation (spec 4.3.3 trunc_sat): LLVM's intrinsics have
  // exactly these semantics, NaN giving 0.
  auto trunc_sat = [&](llvm::Type* to, bool is_signed) {
    unary([&](llvm::Value* x) {
      return intrinsic(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
                       {to, x->getType()}, {x});
    });
  };
  auto cast = [&](llvm::Instruction::CastOps op, llvm::Type* to) {
    unary([&](llvm::Value* x) { return b_.CreateCast(op, x, to); });
  };
  // From integers: a float of a constant integer must not fold (nan_preserving.h).
  auto to_float = [&](llvm::Instruction::CastOps op, llvm::Type* to) {
    unary([&](llvm::Value* x) { return nan_opaque(b_, b_.CreateCast(op, x, to)); });
  };
  using C = llvm::Instruction::CastOps;
  switch (in.op) {
    case Opcode::I32WrapI64: cast(C::Trunc, i32); return;
    case Opcode::I64ExtendI32S: cast(C::SExt, i64); return;
    case Opcode::I64ExtendI32U: cast(C::ZExt, i64); return;
    case Opcode::I32TruncF32S:
    case Opcode::I32TruncF64S: trunc(i32, true); return;
    case Opcode::I32TruncF32U:
    case Opcode::I32TruncF64U: trunc(i32, false); return;
    case Opcode::I64TruncF32S:
    case Opcode::I64TruncF64S: trunc(i64, true); return;
    case Opcode::I64TruncF32U:
    case Opcode::I64TruncF64U: trunc(i64, false); return;
    case Opcode::I32TruncSatF32S:
    case Opcode::I32TruncSatF64S: trunc_sat(i32, true); return;
    case Opcode::I32TruncSatF32U:
    case Opcode::I32TruncSatF64U: trunc_sat(i32, false); return;
    case Opcode::I64TruncSatF32S:
    case Opcode::I64TruncSatF64S: trunc_sat(i64, true); return;
    case Opcode::I64TruncSatF32U:
    case Opcode::I64TruncSatF64U: trunc_sat(i64, false); return;
    case Opcode::F32ConvertI32S:
    case Opcode::F32ConvertI64S: to_float(C::SIToFP, f32); return;
    case Opcode::F32ConvertI32U:
    case Opcode::F32ConvertI64U: to_float(C::UIToFP, f32); return;
    case Opcode::F64ConvertI32S:
    case Opcode::F64ConvertI64S: to_float(C::SIToFP, f64); return;
    case Opcode::F64ConvertI32U:
    case Opcode::F64ConvertI64U: to_float(C::UIToFP, f64); return;
    case Opcode::F32DemoteF64: cast(C::FPTrunc, f32); return;
    case Opcode::F64PromoteF32:
      unary([&](llvm::Value* x) { return nan_preserving_promote(b_, x); });
      return;
    case Opcode::I32ReinterpretF32: cast(C::BitCast, i32); return;
    case Opcode::I64ReinterpretF64: cast(C::BitCast, i64); return;
    case Opcode::F32ReinterpretI32: to_float(C::BitCast, f32); return;
    case Opcode::F64ReinterpretI64: to_float(C::BitCast, f64); return;
    default: return;  // emit_numeric sends only the conversions above
  }
}

}  // namespace flint::aot
