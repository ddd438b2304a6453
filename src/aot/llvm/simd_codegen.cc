// Vector instructions (spec 4.4.3 "Vector Instructions", 0xFD prefix) in
// LLVM IR. A v128 is a <2 x i64> on the operand stack, in locals, globals,
// parameters and results; each instruction bitcasts it to the lane shape it
// works on (free: all shapes share one register) and back. Memory forms are
// in simd_memory_codegen.cc, the operations needing more than one LLVM
// instruction in simd_lowering.cc.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include "aot/llvm/function_codegen.h"
#include "aot/llvm/nan_preserving.h"
#include "aot/llvm/simd_lowering.h"
#include "module/opcode_cases.h"

namespace flint::aot {

Status FunctionCodegen::emit_simd(const Instr& in) {
  SimdLowering s(b_,
                 SimdTarget::from(decls_.llvm_module.getTargetTriple(), decls_.target_features));
  llvm::FixedVectorType* const i8 = s.i8x16();
  llvm::FixedVectorType* const i16 = s.i16x8();
  llvm::FixedVectorType* const i32 = s.i32x4();
  llvm::FixedVectorType* const i64 = s.i64x2();
  llvm::FixedVectorType* const f32 = s.f32x4();
  llvm::FixedVectorType* const f64 = s.f64x2();
  namespace I = llvm::Intrinsic;
  using P = llvm::CmpInst::Predicate;

  auto result = [&](llvm::Value* v) { push(s.canonical(v)); };
  // Lane-wise operations: operands viewed with `shape`, the result back.
  auto unary = [&](llvm::Type* shape, auto op) { result(op(s.as(pop(), shape))); };
  auto binary = [&](llvm::Type* shape, auto op) {
    llvm::Value* y = s.as(pop(), shape);
    llvm::Value* x = s.as(pop(), shape);
    result(op(x, y));
  };
  auto bin_intrinsic = [&](llvm::FixedVectorType* shape, llvm::Intrinsic::ID id) {
    binary(shape,
           [&](llvm::Value* x, llvm::Value* y) { return b_.CreateBinaryIntrinsic(id, x, y); });
  };
  auto rounding = [&](llvm::FixedVectorType* shape, llvm::Intrinsic::ID id) {
    unary(shape, [&](llvm::Value* x) { return s.round(id, x); });
  };
  auto un_intrinsic = [&](llvm::FixedVectorType* shape, llvm::Intrinsic::ID id) {
    unary(shape, [&](llvm::Value* x) { return b_.CreateUnaryIntrinsic(id, x); });
  };
  // Comparisons give all ones or all zeros per lane.
  auto icmp = [&](llvm::FixedVectorType* shape, P p) {
    binary(shape, [&](llvm::Value* x, llvm::Value* y) {
      return b_.CreateSExt(b_.CreateICmp(p, x, y), shape);
    });
  };
  auto fcmp = [&](llvm::FixedVectorType* shape, P p) {
    llvm::Type* ints = llvm::VectorType::getInteger(shape);
    binary(shape, [&](llvm::Value* x, llvm::Value* y) {
      return b_.CreateSExt(b_.CreateFCmp(p, x, y), ints);
    });
  };
  // Float arithmetic keeps NaN quieting that a +-0/+-1 lane would let LLVM
  // fold away; every operand is fenced, constant or not, since integer
  // vector arithmetic, a zeroed local or a splat can make a vector LLVM
  // knows only after optimising (nan_preserving.h).
  auto farith = [&](llvm::FixedVectorType* shape, llvm::Instruction::BinaryOps op) {
    binary(shape, [&](llvm::Value* x, llvm::Value* y) {
      return b_.CreateBinOp(op, nan_opaque(b_, x), nan_opaque(b_, y));
    });
  };
  // Spec 4.3.4 ishl/ishr: the count is taken modulo the lane width.
  auto shift = [&](llvm::FixedVectorType* shape, llvm::Instruction::BinaryOps op) {
    llvm::Value* count = pop();
    llvm::Value* v = s.as(pop(), shape);
    unsigned bits = shape->getScalarSizeInBits();
    count = b_.CreateAnd(count, b_.getInt32(bits - 1));
    count = b_.CreateZExtOrTrunc(count, shape->getElementType());
    result(b_.CreateBinOp(op, v, b_.CreateVectorSplat(shape->getNumElements(), count)));
  };
  auto splat = [&](llvm::FixedVectorType* shape) {
    llvm::Value* x = pop();
    if (shape->getElementType()->isIntegerTy())
      x = b_.CreateZExtOrTrunc(x, shape->getElementType());
    result(b_.CreateVectorSplat(shape->getNumElements(), x));
  };
  // extract_lane of i8/i16 lanes extends to i32 (signed or not).
  auto extract = [&](llvm::FixedVectorType* shape, int extend) {
    llvm::Value* lane = b_.CreateExtractElement(s.as(pop(), shape), uint64_t(in.a));
    if (extend > 0) lane = b_.CreateSExt(lane, b_.getInt32Ty());
    if (extend < 0) lane = b_.CreateZExt(lane, b_.getInt32Ty());
    push(lane);
  };
  auto replace = [&](llvm::FixedVectorType* shape) {
    llvm::Value* x = pop();
    llvm::Value* v = s.as(pop(), shape);
    if (shape->getElementType()->isIntegerTy())
      x = b_.CreateZExtOrTrunc(x, shape->getElementType());
    result(b_.CreateInsertElement(v, x, uint64_t(in.a)));
  };
  auto narrow = [&](llvm::FixedVectorType* from, bool is_signed) {
    llvm::Value* y = pop();
    llvm::Value* x = pop();
    result(s.narrow(x, y, from, is_signed));
  };
  auto extend = [&](llvm::FixedVectorType* from, bool high, bool is_signed) {
    result(s.extend(pop(), from, high, is_signed));
  };
  auto extmul = [&](llvm::FixedVectorType* from, bool high, bool is_signed) {
    llvm::Value* y = pop();
    llvm::Value* x = pop();
    result(s.extmul(x, y, from, high, is_signed));
  };
  // Spec 4.3.2 iabs: the most negative value is its own absolute value.
  auto iabs = [&](llvm::Value* x) { return b_.CreateBinaryIntrinsic(I::abs, x, b_.getFalse()); };
  auto add = [&](llvm::Value* x, llvm::Value* y) { return b_.CreateAdd(x, y); };
  auto sub = [&](llvm::Value* x, llvm::Value* y) { return b_.CreateSub(x, y); };
  auto mul = [&](llvm::Value* x, llvm::Value* y) { return b_.CreateMul(x, y); };
  // Spec 4.3.2 iavgr_u: (a + b + 1) / 2 without overflow; LLVM recognises
  // the widened form as pavgb/pavgw (urhadd on AArch64).
  auto avgr = [&](llvm::Value* x, llvm::Value* y) {
    auto* shape = llvm::cast<llvm::FixedVectorType>(x->getType());
    auto* wide = llvm::FixedVectorType::get(b_.getIntNTy(shape->getScalarSizeInBits() * 2),
                                            shape->getNumElements());
    llvm::Value* sum = b_.CreateAdd(b_.CreateAdd(b_.CreateZExt(x, wide), b_.CreateZExt(y, wide)),
                                    llvm::ConstantInt::get(wide, 1));
    return b_.CreateTrunc(b_.CreateLShr(sum, llvm::ConstantInt::get(wide, 1)), shape);
  };
  auto min_max = [&](bool is_min) {
    return [&s, is_min](llvm::Value* x, llvm::Value* y) { return s.float_min_max(x, y, is_min); };
  };
  auto pmin_pmax = [&](bool is_min) {
    return [&s, is_min](llvm::Value* x, llvm::Value* y) { return s.float_pmin_pmax(x, y, is_min); };
  };

  switch (in.op) {
    // ---- loads and stores: simd_memory_codegen.cc ----
    case Opcode::V128Load:
    case Opcode::V128Load8x8S:
    case Opcode::V128Load8x8U:
    case Opcode::V128Load16x4S:
    case Opcode::V128Load16x4U:
    case Opcode::V128Load32x2S:
    case Opcode::V128Load32x2U:
    case Opcode::V128Load8Splat:
    case Opcode::V128Load16Splat:
    case Opcode::V128Load32Splat:
    case Opcode::V128Load64Splat:
    case Opcode::V128Store:
    case Opcode::V128Load32Zero:
    case Opcode::V128Load64Zero:
    case Opcode::V128Load8Lane:
    case Opcode::V128Load16Lane:
    case Opcode::V128Load32Lane:
    case Opcode::V128Load64Lane:
    case Opcode::V128Store8Lane:
    case Opcode::V128Store16Lane:
    case Opcode::V128Store32Lane:
    case Opcode::V128Store64Lane: emit_simd_memory(in); return {};

    // ---- constants, shuffles, lanes ----
    case Opcode::V128Const: {
      llvm::Constant* c =
          llvm::ConstantDataVector::get(c_, llvm::ArrayRef<uint64_t>{in.u64, in.hi});
      push(c);
      return {};
    }
    case Opcode::I8x16Shuffle: {
      llvm::Value* y = s.as(pop(), i8);
      llvm::Value* x = s.as(pop(), i8);
      llvm::SmallVector<int, 16> mask;
      for (unsigned i = 0; i < 16; ++i)
        mask.push_back(int(((i < 8 ? in.u64 : in.hi) >> (8 * (i % 8))) & 0xff));
      result(b_.CreateShuffleVector(x, y, mask));
      return {};
    }
    case Opcode::I8x16Swizzle: {
      llvm::Value* y = pop();
      llvm::Value* x = pop();
      result(s.swizzle(x, y));
      return {};
    }
    case Opcode::I8x16Splat: splat(i8); return {};
    case Opcode::I16x8Splat: splat(i16); return {};
    case Opcode::I32x4Splat: splat(i32); return {};
    case Opcode::I64x2Splat: splat(i64); return {};
    case Opcode::F32x4Splat: splat(f32); return {};
    case Opcode::F64x2Splat: splat(f64); return {};
    case Opcode::I8x16ExtractLaneS: extract(i8, 1); return {};
    case Opcode::I8x16ExtractLaneU: extract(i8, -1); return {};
    case Opcode::I16x8ExtractLaneS: extract(i16, 1); return {};
    case Opcode::I16x8ExtractLaneU: extract(i16, -1); return {};
    case Opcode::I32x4ExtractLane: extract(i32, 0); return {};
    case Opcode::I64x2ExtractLane: extract(i64, 0); return {};
    // A float lane of a vector LLVM may know must not fold (nan_preserving.h).
    case Opcode::F32x4ExtractLane: extract(f32, 0); stack_.back() = nan_opaque(b_, stack_.back()); return {};
    case Opcode::F64x2ExtractLane: extract(f64, 0); stack_.back() = nan_opaque(b_, stack_.back()); return {};
    case Opcode::I8x16ReplaceLane: replace(i8); return {};
    case Opcode::I16x8ReplaceLane: replace(i16); return {};
    case Opcode::I32x4ReplaceLane: replace(i32); return {};
    case Opcode::I64x2ReplaceLane: replace(i64); return {};
    case Opcode::F32x4ReplaceLane: replace(f32); return {};
    case Opcode::F64x2ReplaceLane: replace(f64); return {};

    // ---- comparisons ----
    case Opcode::I8x16Eq: icmp(i8, P::ICMP_EQ); return {};
    case Opcode::I8x16Ne: icmp(i8, P::ICMP_NE); return {};
    case Opcode::I8x16LtS: icmp(i8, P::ICMP_SLT); return {};
    case Opcode::I8x16LtU: icmp(i8, P::ICMP_ULT); return {};
    case Opcode::I8x16GtS: icmp(i8, P::ICMP_SGT); return {};
    case Opcode::I8x16GtU: icmp(i8, P::ICMP_UGT); return {};
    case Opcode::I8x16LeS: icmp(i8, P::ICMP_SLE); return {};
    case Opcode::I8x16LeU: icmp(i8, P::ICMP_ULE); return {};
    case Opcode::I8x16GeS: icmp(i8, P::ICMP_SGE); return {};
    case Opcode::I8x16GeU: icmp(i8, P::ICMP_UGE); return {};
    case Opcode::I16x8Eq: icmp(i16, P::ICMP_EQ); return {};
    case Opcode::I16x8Ne: icmp(i16, P::ICMP_NE); return {};
    case Opcode::I16x8LtS: icmp(i16, P::ICMP_SLT); return {};
    case Opcode::I16x8LtU: icmp(i16, P::ICMP_ULT); return {};
    case Opcode::I16x8GtS: icmp(i16, P::ICMP_SGT); return {};
    case Opcode::I16x8GtU: icmp(i16, P::ICMP_UGT); return {};
    case Opcode::I16x8LeS: icmp(i16, P::ICMP_SLE); return {};
    case Opcode::I16x8LeU: icmp(i16, P::ICMP_ULE); return {};
    case Opcode::I16x8GeS: icmp(i16, P::ICMP_SGE); return {};
    case Opcode::I16x8GeU: icmp(i16, P::ICMP_UGE); return {};
    case Opcode::I32x4Eq: icmp(i32, P::ICMP_EQ); return {};
    case Opcode::I32x4Ne: icmp(i32, P::ICMP_NE); return {};
    case Opcode::I32x4LtS: icmp(i32, P::ICMP_SLT); return {};
    case Opcode::I32x4LtU: icmp(i32, P::ICMP_ULT); return {};
    case Opcode::I32x4GtS: icmp(i32, P::ICMP_SGT); return {};
    case Opcode::I32x4GtU: icmp(i32, P::ICMP_UGT); return {};
    case Opcode::I32x4LeS: icmp(i32, P::ICMP_SLE); return {};
    case Opcode::I32x4LeU: icmp(i32, P::ICMP_ULE); return {};
    case Opcode::I32x4GeS: icmp(i32, P::ICMP_SGE); return {};
    case Opcode::I32x4GeU: icmp(i32, P::ICMP_UGE); return {};
    case Opcode::I64x2Eq: icmp(i64, P::ICMP_EQ); return {};
    case Opcode::I64x2Ne: icmp(i64, P::ICMP_NE); return {};
    case Opcode::I64x2LtS: icmp(i64, P::ICMP_SLT); return {};
    case Opcode::I64x2GtS: icmp(i64, P::ICMP_SGT); return {};
    case Opcode::I64x2LeS: icmp(i64, P::ICMP_SLE); return {};
    case Opcode::I64x2GeS: icmp(i64, P::ICMP_SGE); return {};
    // Ordered comparisons are false with a NaN lane; ne is unordered.
    case Opcode::F32x4Eq: fcmp(f32, P::FCMP_OEQ); return {};
    case Opcode::F32x4Ne: fcmp(f32, P::FCMP_UNE); return {};
    case Opcode::F32x4Lt: fcmp(f32, P::FCMP_OLT); return {};
    case Opcode::F32x4Gt: fcmp(f32, P::FCMP_OGT); return {};
    case Opcode::F32x4Le: fcmp(f32, P::FCMP_OLE); return {};
    case Opcode::F32x4Ge: fcmp(f32, P::FCMP_OGE); return {};
    case Opcode::F64x2Eq: fcmp(f64, P::FCMP_OEQ); return {};
    case Opcode::F64x2Ne: fcmp(f64, P::FCMP_UNE); return {};
    case Opcode::F64x2Lt: fcmp(f64, P::FCMP_OLT); return {};
    case Opcode::F64x2Gt: fcmp(f64, P::FCMP_OGT); return {};
    case Opcode::F64x2Le: fcmp(f64, P::FCMP_OLE); return {};
    case Opcode::F64x2Ge: fcmp(f64, P::FCMP_OGE); return {};

    // ---- bitwise ----
    case Opcode::V128Not: unary(i64, [&](llvm::Value* x) { return b_.CreateNot(x); }); return {};
    case Opcode::V128And:
      binary(i64, [&](llvm::Value* x, llvm::Value* y) { return b_.CreateAnd(x, y); });
      return {};
    case Opcode::V128Andnot:
      binary(i64, [&](llvm::Value* x, llvm::Value* y) { return b_.CreateAnd(x, b_.CreateNot(y)); });
      return {};
    case Opcode::V128Or:
      binary(i64, [&](llvm::Value* x, llvm::Value* y) { return b_.CreateOr(x, y); });
      return {};
    case Opcode::V128Xor:
      binary(i64, [&](llvm::Value* x, llvm::Value* y) { return b_.CreateXor(x, y); });
      return {};
    case Opcode::V128Bitselect: {  // spec: (v1 & c) | (v2 & ~c)
      llvm::Value* c = pop();
      llvm::Value* y = pop();
      llvm::Value* x = pop();
      push(b_.CreateOr(b_.CreateAnd(x, c), b_.CreateAnd(y, b_.CreateNot(c))));
      return {};
    }
    case Opcode::V128AnyTrue: push(s.any_true(pop())); return {};
    case Opcode::I8x16AllTrue: push(s.all_true(pop(), i8)); return {};
    case Opcode::I16x8AllTrue: push(s.all_true(pop(), i16)); return {};
    case Opcode::I32x4AllTrue: push(s.all_true(pop(), i32)); return {};
    case Opcode::I64x2AllTrue: push(s.all_true(pop(), i64)); return {};
    case Opcode::I8x16Bitmask: push(s.bitmask(pop(), i8)); return {};
    case Opcode::I16x8Bitmask: push(s.bitmask(pop(), i16)); return {};
    case Opcode::I32x4Bitmask: push(s.bitmask(pop(), i32)); return {};
    case Opcode::I64x2Bitmask: push(s.bitmask(pop(), i64)); return {};

    // ---- integer arithmetic ----
    case Opcode::I8x16Abs: unary(i8, iabs); return {};
    case Opcode::I16x8Abs: unary(i16, iabs); return {};
    case Opcode::I32x4Abs: unary(i32, iabs); return {};
    case Opcode::I64x2Abs: unary(i64, iabs); return {};
    case Opcode::I8x16Neg: unary(i8, [&](llvm::Value* x) { return b_.CreateNeg(x); }); return {};
    case Opcode::I16x8Neg: unary(i16, [&](llvm::Value* x) { return b_.CreateNeg(x); }); return {};
    case Opcode::I32x4Neg: unary(i32, [&](llvm::Value* x) { return b_.CreateNeg(x); }); return {};
    case Opcode::I64x2Neg: unary(i64, [&](llvm::Value* x) { return b_.CreateNeg(x); }); return {};
    case Opcode::I8x16Popcnt: un_intrinsic(i8, I::ctpop); return {};
    case Opcode::I8x16Add: binary(i8, add); return {};
    case Opcode::I16x8Add: binary(i16, add); return {};
    case Opcode::I32x4Add: binary(i32, add); return {};
    case Opcode::I64x2Add: binary(i64, add); return {};
    case Opcode::I8x16Sub: binary(i8, sub); return {};
    case Opcode::I16x8Sub: binary(i16, sub); return {};
    case Opcode::I32x4Sub: binary(i32, sub); return {};
    case Opcode::I64x2Sub: binary(i64, sub); return {};
    case Opcode::I16x8Mul: binary(i16, mul); return {};
    case Opcode::I32x4Mul: binary(i32, mul); return {};
    case Opcode::I64x2Mul: binary(i64, mul); return {};
    case Opcode::I8x16AddSatS: bin_intrinsic(i8, I::sadd_sat); return {};
    case Opcode::I8x16AddSatU: bin_intrinsic(i8, I::uadd_sat); return {};
    case Opcode::I8x16SubSatS: bin_intrinsic(i8, I::ssub_sat); return {};
    case Opcode::I8x16SubSatU: bin_intrinsic(i8, I::usub_sat); return {};
    case Opcode::I16x8AddSatS: bin_intrinsic(i16, I::sadd_sat); return {};
    case Opcode::I16x8AddSatU: bin_intrinsic(i16, I::uadd_sat); return {};
    case Opcode::I16x8SubSatS: bin_intrinsic(i16, I::ssub_sat); return {};
    case Opcode::I16x8SubSatU: bin_intrinsic(i16, I::usub_sat); return {};
    case Opcode::I8x16MinS: bin_intrinsic(i8, I::smin); return {};
    case Opcode::I8x16MinU: bin_intrinsic(i8, I::umin); return {};
    case Opcode::I8x16MaxS: bin_intrinsic(i8, I::smax); return {};
    case Opcode::I8x16MaxU: bin_intrinsic(i8, I::umax); return {};
    case Opcode::I16x8MinS: bin_intrinsic(i16, I::smin); return {};
    case Opcode::I16x8MinU: bin_intrinsic(i16, I::umin); return {};
    case Opcode::I16x8MaxS: bin_intrinsic(i16, I::smax); return {};
    case Opcode::I16x8MaxU: bin_intrinsic(i16, I::umax); return {};
    case Opcode::I32x4MinS: bin_intrinsic(i32, I::smin); return {};
    case Opcode::I32x4MinU: bin_intrinsic(i32, I::umin); return {};
    case Opcode::I32x4MaxS: bin_intrinsic(i32, I::smax); return {};
    case Opcode::I32x4MaxU: bin_intrinsic(i32, I::umax); return {};
    case Opcode::I8x16AvgrU: binary(i8, avgr); return {};
    case Opcode::I16x8AvgrU: binary(i16, avgr); return {};
    case Opcode::I16x8Q15mulrSatS:
      binary(i16, [&](llvm::Value* x, llvm::Value* y) { return s.q15mulr_sat(x, y); });
      return {};
    case Opcode::I32x4DotI16x8S:
      binary(i16, [&](llvm::Value* x, llvm::Value* y) { return s.dot_i16x8(x, y); });
      return {};
    case Opcode::I8x16Shl: shift(i8, llvm::Instruction::Shl); return {};
    case Opcode::I8x16ShrS: shift(i8, llvm::Instruction::AShr); return {};
    case Opcode::I8x16ShrU: shift(i8, llvm::Instruction::LShr); return {};
    case Opcode::I16x8Shl: shift(i16, llvm::Instruction::Shl); return {};
    case Opcode::I16x8ShrS: shift(i16, llvm::Instruction::AShr); return {};
    case Opcode::I16x8ShrU: shift(i16, llvm::Instruction::LShr); return {};
    case Opcode::I32x4Shl: shift(i32, llvm::Instruction::Shl); return {};
    case Opcode::I32x4ShrS: shift(i32, llvm::Instruction::AShr); return {};
    case Opcode::I32x4ShrU: shift(i32, llvm::Instruction::LShr); return {};
    case Opcode::I64x2Shl: shift(i64, llvm::Instruction::Shl); return {};
    case Opcode::I64x2ShrS: shift(i64, llvm::Instruction::AShr); return {};
    case Opcode::I64x2ShrU: shift(i64, llvm::Instruction::LShr); return {};

    // ---- widening and narrowing ----
    case Opcode::I8x16NarrowI16x8S: narrow(i16, true); return {};
    case Opcode::I8x16NarrowI16x8U: narrow(i16, false); return {};
    case Opcode::I16x8NarrowI32x4S: narrow(i32, true); return {};
    case Opcode::I16x8NarrowI32x4U: narrow(i32, false); return {};
    case Opcode::I16x8ExtendLowI8x16S: extend(i8, false, true); return {};
    case Opcode::I16x8ExtendHighI8x16S: extend(i8, true, true); return {};
    case Opcode::I16x8ExtendLowI8x16U: extend(i8, false, false); return {};
    case Opcode::I16x8ExtendHighI8x16U: extend(i8, true, false); return {};
    case Opcode::I32x4ExtendLowI16x8S: extend(i16, false, true); return {};
    case Opcode::I32x4ExtendHighI16x8S: extend(i16, true, true); return {};
    case Opcode::I32x4ExtendLowI16x8U: extend(i16, false, false); return {};
    case Opcode::I32x4ExtendHighI16x8U: extend(i16, true, false); return {};
    case Opcode::I64x2ExtendLowI32x4S: extend(i32, false, true); return {};
    case Opcode::I64x2ExtendHighI32x4S: extend(i32, true, true); return {};
    case Opcode::I64x2ExtendLowI32x4U: extend(i32, false, false); return {};
    case Opcode::I64x2ExtendHighI32x4U: extend(i32, true, false); return {};
    case Opcode::I16x8ExtmulLowI8x16S: extmul(i8, false, true); return {};
    case Opcode::I16x8ExtmulHighI8x16S: extmul(i8, true, true); return {};
    case Opcode::I16x8ExtmulLowI8x16U: extmul(i8, false, false); return {};
    case Opcode::I16x8ExtmulHighI8x16U: extmul(i8, true, false); return {};
    case Opcode::I32x4ExtmulLowI16x8S: extmul(i16, false, true); return {};
    case Opcode::I32x4ExtmulHighI16x8S: extmul(i16, true, true); return {};
    case Opcode::I32x4ExtmulLowI16x8U: extmul(i16, false, false); return {};
    case Opcode::I32x4ExtmulHighI16x8U: extmul(i16, true, false); return {};
    case Opcode::I64x2ExtmulLowI32x4S: extmul(i32, false, true); return {};
    case Opcode::I64x2ExtmulHighI32x4S: extmul(i32, true, true); return {};
    case Opcode::I64x2ExtmulLowI32x4U: extmul(i32, false, false); return {};
    case Opcode::I64x2ExtmulHighI32x4U: extmul(i32, true, false); return {};
    case Opcode::I16x8ExtaddPairwiseI8x16S: result(s.extadd_pairwise(pop(), i8, true)); return {};
    case Opcode::I16x8ExtaddPairwiseI8x16U: result(s.extadd_pairwise(pop(), i8, false)); return {};
    case Opcode::I32x4ExtaddPairwiseI16x8S: result(s.extadd_pairwise(pop(), i16, true)); return {};
    case Opcode::I32x4ExtaddPairwiseI16x8U: result(s.extadd_pairwise(pop(), i16, false)); return {};

    // ---- float arithmetic (fneg/fabs are bitwise: NaN payloads kept) ----
    case Opcode::F32x4Abs: un_intrinsic(f32, I::fabs); return {};
    case Opcode::F64x2Abs: un_intrinsic(f64, I::fabs); return {};
    case Opcode::F32x4Neg: unary(f32, [&](llvm::Value* x) { return b_.CreateFNeg(x); }); return {};
    case Opcode::F64x2Neg: unary(f64, [&](llvm::Value* x) { return b_.CreateFNeg(x); }); return {};
    case Opcode::F32x4Sqrt: un_intrinsic(f32, I::sqrt); return {};
    case Opcode::F64x2Sqrt: un_intrinsic(f64, I::sqrt); return {};
    case Opcode::F32x4Ceil: rounding(f32, I::ceil); return {};
    case Opcode::F64x2Ceil: rounding(f64, I::ceil); return {};
    case Opcode::F32x4Floor: rounding(f32, I::floor); return {};
    case Opcode::F64x2Floor: rounding(f64, I::floor); return {};
    case Opcode::F32x4Trunc: rounding(f32, I::trunc); return {};
    case Opcode::F64x2Trunc: rounding(f64, I::trunc); return {};
    case Opcode::F32x4Nearest: rounding(f32, I::roundeven); return {};
    case Opcode::F64x2Nearest: rounding(f64, I::roundeven); return {};
    case Opcode::F32x4Add: farith(f32, llvm::Instruction::FAdd); return {};
    case Opcode::F64x2Add: farith(f64, llvm::Instruction::FAdd); return {};
    case Opcode::F32x4Sub: farith(f32, llvm::Instruction::FSub); return {};
    case Opcode::F64x2Sub: farith(f64, llvm::Instruction::FSub); return {};
    case Opcode::F32x4Mul: farith(f32, llvm::Instruction::FMul); return {};
    case Opcode::F64x2Mul: farith(f64, llvm::Instruction::FMul); return {};
    case Opcode::F32x4Div: farith(f32, llvm::Instruction::FDiv); return {};
    case Opcode::F64x2Div: farith(f64, llvm::Instruction::FDiv); return {};
    case Opcode::F32x4Min: binary(f32, min_max(true)); return {};
    case Opcode::F64x2Min: binary(f64, min_max(true)); return {};
    case Opcode::F32x4Max: binary(f32, min_max(false)); return {};
    case Opcode::F64x2Max: binary(f64, min_max(false)); return {};
    case Opcode::F32x4Pmin: binary(f32, pmin_pmax(true)); return {};
    case Opcode::F64x2Pmin: binary(f64, pmin_pmax(true)); return {};
    case Opcode::F32x4Pmax: binary(f32, pmin_pmax(false)); return {};
    case Opcode::F64x2Pmax: binary(f64, pmin_pmax(false)); return {};

    // ---- conversions ----
    case Opcode::I32x4TruncSatF32x4S: result(s.trunc_sat(s.as(pop(), f32), i32, true)); return {};
    case Opcode::I32x4TruncSatF32x4U: result(s.trunc_sat(s.as(pop(), f32), i32, false)); return {};
    case Opcode::I32x4TruncSatF64x2SZero:
    case Opcode::I32x4TruncSatF64x2UZero: {
      // Two lanes converted; the high two are zero.
      auto* two = llvm::FixedVectorType::get(b_.getInt32Ty(), 2);
      llvm::Value* low =
          s.trunc_sat(s.as(pop(), f64), two, in.op == Opcode::I32x4TruncSatF64x2SZero);
      result(b_.CreateShuffleVector(low, llvm::Constant::getNullValue(two), {0, 1, 2, 3}));
      return {};
    }
    case Opcode::F32x4ConvertI32x4S:
      unary(i32, [&](llvm::Value* x) { return b_.CreateSIToFP(x, f32); });
      return {};
    case Opcode::F32x4ConvertI32x4U:
      unary(i32, [&](llvm::Value* x) { return b_.CreateUIToFP(x, f32); });
      return {};
    case Opcode::F64x2ConvertLowI32x4S:
      unary(i32, [&](llvm::Value* x) { return b_.CreateSIToFP(s.half(x, false), f64); });
      return {};
    case Opcode::F64x2ConvertLowI32x4U:
      unary(i32, [&](llvm::Value* x) { return b_.CreateUIToFP(s.half(x, false), f64); });
      return {};
    case Opcode::F32x4DemoteF64x2Zero: {
      auto* two = llvm::FixedVectorType::get(b_.getFloatTy(), 2);
      llvm::Value* low = b_.CreateFPTrunc(s.as(pop(), f64), two);
      result(b_.CreateShuffleVector(low, llvm::Constant::getNullValue(two), {0, 1, 2, 3}));
      return {};
    }
    case Opcode::F64x2PromoteLowF32x4:
      unary(f32, [&](llvm::Value* x) { return b_.CreateFPExt(s.half(x, false), f64); });
      return {};

      // The rows without the 0xFD prefix: emit_instr routes only vector rows
      // here (opcode_cases.h).
#define FLINT_OP FLINT_CASE_SCALAR
#include "module/opcodes.def"
#undef FLINT_OP
      break;
  }
  return make_error(ErrorCode::Usage,
                    fmt::format("{} is not a vector instruction", info(in.op).text));
}

}  // namespace flint::aot
