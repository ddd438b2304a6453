// Vector instructions (spec 4.4.3 "Vector Instructions", 0xFD prefix) in
// LLVM IR. A v128 is a <2 x i64> on the operand stack, in locals, globals,
// parameters and results; each instruction bitcasts it to the lane shape it
// works on (free: all shapes share one register) and back. Memory forms are
// in simd_memory_codegen.cc, the operations needing more than one LLVM
// instruction in simd_lowering.cc.
//
// emit_simd is the dispatch table: every case names the lowering of its
// instruction, one simd_* function per kind of operation below it.
#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>

#include "aot/llvm/function_codegen.h"
#include "aot/llvm/nan_preserving.h"
#include "aot/llvm/simd_lowering.h"
#include "module/opcode_cases.h"

namespace flint::aot {

Status FunctionCodegen::emit_simd(const Instr& in) {
  llvm::FixedVectorType* const i8 = simd_.i8x16();
  llvm::FixedVectorType* const i16 = simd_.i16x8();
  llvm::FixedVectorType* const i32 = simd_.i32x4();
  llvm::FixedVectorType* const i64 = simd_.i64x2();
  llvm::FixedVectorType* const f32 = simd_.f32x4();
  llvm::FixedVectorType* const f64 = simd_.f64x2();
  namespace I = llvm::Intrinsic;
  using P = llvm::CmpInst::Predicate;
  using Op = llvm::Instruction::BinaryOps;
  using C = llvm::Instruction::CastOps;

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
    case Opcode::V128Const: simd_const(in); return {};
    case Opcode::I8x16Shuffle: simd_shuffle(in); return {};
    case Opcode::I8x16Swizzle: simd_swizzle(); return {};
    case Opcode::I8x16Splat: simd_splat(i8); return {};
    case Opcode::I16x8Splat: simd_splat(i16); return {};
    case Opcode::I32x4Splat: simd_splat(i32); return {};
    case Opcode::I64x2Splat: simd_splat(i64); return {};
    case Opcode::F32x4Splat: simd_splat(f32); return {};
    case Opcode::F64x2Splat: simd_splat(f64); return {};
    case Opcode::I8x16ExtractLaneS: simd_extract_small_lane(i8, in.a, true); return {};
    case Opcode::I8x16ExtractLaneU: simd_extract_small_lane(i8, in.a, false); return {};
    case Opcode::I16x8ExtractLaneS: simd_extract_small_lane(i16, in.a, true); return {};
    case Opcode::I16x8ExtractLaneU: simd_extract_small_lane(i16, in.a, false); return {};
    case Opcode::I32x4ExtractLane: simd_extract_lane(i32, in.a); return {};
    case Opcode::I64x2ExtractLane: simd_extract_lane(i64, in.a); return {};
    case Opcode::F32x4ExtractLane: simd_extract_lane(f32, in.a); return {};
    case Opcode::F64x2ExtractLane: simd_extract_lane(f64, in.a); return {};
    case Opcode::I8x16ReplaceLane: simd_replace_lane(i8, in.a); return {};
    case Opcode::I16x8ReplaceLane: simd_replace_lane(i16, in.a); return {};
    case Opcode::I32x4ReplaceLane: simd_replace_lane(i32, in.a); return {};
    case Opcode::I64x2ReplaceLane: simd_replace_lane(i64, in.a); return {};
    case Opcode::F32x4ReplaceLane: simd_replace_lane(f32, in.a); return {};
    case Opcode::F64x2ReplaceLane: simd_replace_lane(f64, in.a); return {};

    // ---- comparisons ----
    case Opcode::I8x16Eq: simd_compare(i8, P::ICMP_EQ); return {};
    case Opcode::I8x16Ne: simd_compare(i8, P::ICMP_NE); return {};
    case Opcode::I8x16LtS: simd_compare(i8, P::ICMP_SLT); return {};
    case Opcode::I8x16LtU: simd_compare(i8, P::ICMP_ULT); return {};
    case Opcode::I8x16GtS: simd_compare(i8, P::ICMP_SGT); return {};
    case Opcode::I8x16GtU: simd_compare(i8, P::ICMP_UGT); return {};
    case Opcode::I8x16LeS: simd_compare(i8, P::ICMP_SLE); return {};
    case Opcode::I8x16LeU: simd_compare(i8, P::ICMP_ULE); return {};
    case Opcode::I8x16GeS: simd_compare(i8, P::ICMP_SGE); return {};
    case Opcode::I8x16GeU: simd_compare(i8, P::ICMP_UGE); return {};
    case Opcode::I16x8Eq: simd_compare(i16, P::ICMP_EQ); return {};
    case Opcode::I16x8Ne: simd_compare(i16, P::ICMP_NE); return {};
    case Opcode::I16x8LtS: simd_compare(i16, P::ICMP_SLT); return {};
    case Opcode::I16x8LtU: simd_compare(i16, P::ICMP_ULT); return {};
    case Opcode::I16x8GtS: simd_compare(i16, P::ICMP_SGT); return {};
    case Opcode::I16x8GtU: simd_compare(i16, P::ICMP_UGT); return {};
    case Opcode::I16x8LeS: simd_compare(i16, P::ICMP_SLE); return {};
    case Opcode::I16x8LeU: simd_compare(i16, P::ICMP_ULE); return {};
    case Opcode::I16x8GeS: simd_compare(i16, P::ICMP_SGE); return {};
    case Opcode::I16x8GeU: simd_compare(i16, P::ICMP_UGE); return {};
    case Opcode::I32x4Eq: simd_compare(i32, P::ICMP_EQ); return {};
    case Opcode::I32x4Ne: simd_compare(i32, P::ICMP_NE); return {};
    case Opcode::I32x4LtS: simd_compare(i32, P::ICMP_SLT); return {};
    case Opcode::I32x4LtU: simd_compare(i32, P::ICMP_ULT); return {};
    case Opcode::I32x4GtS: simd_compare(i32, P::ICMP_SGT); return {};
    case Opcode::I32x4GtU: simd_compare(i32, P::ICMP_UGT); return {};
    case Opcode::I32x4LeS: simd_compare(i32, P::ICMP_SLE); return {};
    case Opcode::I32x4LeU: simd_compare(i32, P::ICMP_ULE); return {};
    case Opcode::I32x4GeS: simd_compare(i32, P::ICMP_SGE); return {};
    case Opcode::I32x4GeU: simd_compare(i32, P::ICMP_UGE); return {};
    case Opcode::I64x2Eq: simd_compare(i64, P::ICMP_EQ); return {};
    case Opcode::I64x2Ne: simd_compare(i64, P::ICMP_NE); return {};
    case Opcode::I64x2LtS: simd_compare(i64, P::ICMP_SLT); return {};
    case Opcode::I64x2GtS: simd_compare(i64, P::ICMP_SGT); return {};
    case Opcode::I64x2LeS: simd_compare(i64, P::ICMP_SLE); return {};
    case Opcode::I64x2GeS: simd_compare(i64, P::ICMP_SGE); return {};
    // Ordered comparisons are false with a NaN lane; ne is unordered.
    case Opcode::F32x4Eq: simd_compare(f32, P::FCMP_OEQ); return {};
    case Opcode::F32x4Ne: simd_compare(f32, P::FCMP_UNE); return {};
    case Opcode::F32x4Lt: simd_compare(f32, P::FCMP_OLT); return {};
    case Opcode::F32x4Gt: simd_compare(f32, P::FCMP_OGT); return {};
    case Opcode::F32x4Le: simd_compare(f32, P::FCMP_OLE); return {};
    case Opcode::F32x4Ge: simd_compare(f32, P::FCMP_OGE); return {};
    case Opcode::F64x2Eq: simd_compare(f64, P::FCMP_OEQ); return {};
    case Opcode::F64x2Ne: simd_compare(f64, P::FCMP_UNE); return {};
    case Opcode::F64x2Lt: simd_compare(f64, P::FCMP_OLT); return {};
    case Opcode::F64x2Gt: simd_compare(f64, P::FCMP_OGT); return {};
    case Opcode::F64x2Le: simd_compare(f64, P::FCMP_OLE); return {};
    case Opcode::F64x2Ge: simd_compare(f64, P::FCMP_OGE); return {};

    // ---- bitwise ----
    case Opcode::V128Not: simd_not(); return {};
    case Opcode::V128And: simd_int_arith(i64, Op::And); return {};
    case Opcode::V128Andnot: simd_andnot(); return {};
    case Opcode::V128Or: simd_int_arith(i64, Op::Or); return {};
    case Opcode::V128Xor: simd_int_arith(i64, Op::Xor); return {};
    case Opcode::V128Bitselect: simd_bitselect(); return {};
    case Opcode::V128AnyTrue: push(simd_.any_true(pop())); return {};
    case Opcode::I8x16AllTrue: push(simd_.all_true(pop(), i8)); return {};
    case Opcode::I16x8AllTrue: push(simd_.all_true(pop(), i16)); return {};
    case Opcode::I32x4AllTrue: push(simd_.all_true(pop(), i32)); return {};
    case Opcode::I64x2AllTrue: push(simd_.all_true(pop(), i64)); return {};
    case Opcode::I8x16Bitmask: push(simd_.bitmask(pop(), i8)); return {};
    case Opcode::I16x8Bitmask: push(simd_.bitmask(pop(), i16)); return {};
    case Opcode::I32x4Bitmask: push(simd_.bitmask(pop(), i32)); return {};
    case Opcode::I64x2Bitmask: push(simd_.bitmask(pop(), i64)); return {};

    // ---- integer arithmetic ----
    case Opcode::I8x16Abs: simd_abs(i8); return {};
    case Opcode::I16x8Abs: simd_abs(i16); return {};
    case Opcode::I32x4Abs: simd_abs(i32); return {};
    case Opcode::I64x2Abs: simd_abs(i64); return {};
    case Opcode::I8x16Neg: simd_neg(i8); return {};
    case Opcode::I16x8Neg: simd_neg(i16); return {};
    case Opcode::I32x4Neg: simd_neg(i32); return {};
    case Opcode::I64x2Neg: simd_neg(i64); return {};
    case Opcode::I8x16Popcnt: simd_unary_intrinsic(i8, I::ctpop); return {};
    case Opcode::I8x16Add: simd_int_arith(i8, Op::Add); return {};
    case Opcode::I16x8Add: simd_int_arith(i16, Op::Add); return {};
    case Opcode::I32x4Add: simd_int_arith(i32, Op::Add); return {};
    case Opcode::I64x2Add: simd_int_arith(i64, Op::Add); return {};
    case Opcode::I8x16Sub: simd_int_arith(i8, Op::Sub); return {};
    case Opcode::I16x8Sub: simd_int_arith(i16, Op::Sub); return {};
    case Opcode::I32x4Sub: simd_int_arith(i32, Op::Sub); return {};
    case Opcode::I64x2Sub: simd_int_arith(i64, Op::Sub); return {};
    case Opcode::I16x8Mul: simd_int_arith(i16, Op::Mul); return {};
    case Opcode::I32x4Mul: simd_int_arith(i32, Op::Mul); return {};
    case Opcode::I64x2Mul: simd_int_arith(i64, Op::Mul); return {};
    case Opcode::I8x16AddSatS: simd_binary_intrinsic(i8, I::sadd_sat); return {};
    case Opcode::I8x16AddSatU: simd_binary_intrinsic(i8, I::uadd_sat); return {};
    case Opcode::I8x16SubSatS: simd_binary_intrinsic(i8, I::ssub_sat); return {};
    case Opcode::I8x16SubSatU: simd_binary_intrinsic(i8, I::usub_sat); return {};
    case Opcode::I16x8AddSatS: simd_binary_intrinsic(i16, I::sadd_sat); return {};
    case Opcode::I16x8AddSatU: simd_binary_intrinsic(i16, I::uadd_sat); return {};
    case Opcode::I16x8SubSatS: simd_binary_intrinsic(i16, I::ssub_sat); return {};
    case Opcode::I16x8SubSatU: simd_binary_intrinsic(i16, I::usub_sat); return {};
    case Opcode::I8x16MinS: simd_binary_intrinsic(i8, I::smin); return {};
    case Opcode::I8x16MinU: simd_binary_intrinsic(i8, I::umin); return {};
    case Opcode::I8x16MaxS: simd_binary_intrinsic(i8, I::smax); return {};
    case Opcode::I8x16MaxU: simd_binary_intrinsic(i8, I::umax); return {};
    case Opcode::I16x8MinS: simd_binary_intrinsic(i16, I::smin); return {};
    case Opcode::I16x8MinU: simd_binary_intrinsic(i16, I::umin); return {};
    case Opcode::I16x8MaxS: simd_binary_intrinsic(i16, I::smax); return {};
    case Opcode::I16x8MaxU: simd_binary_intrinsic(i16, I::umax); return {};
    case Opcode::I32x4MinS: simd_binary_intrinsic(i32, I::smin); return {};
    case Opcode::I32x4MinU: simd_binary_intrinsic(i32, I::umin); return {};
    case Opcode::I32x4MaxS: simd_binary_intrinsic(i32, I::smax); return {};
    case Opcode::I32x4MaxU: simd_binary_intrinsic(i32, I::umax); return {};
    case Opcode::I8x16AvgrU: simd_avgr(i8); return {};
    case Opcode::I16x8AvgrU: simd_avgr(i16); return {};
    case Opcode::I16x8Q15mulrSatS: simd_lowered(i16, &SimdLowering::q15mulr_sat); return {};
    case Opcode::I32x4DotI16x8S: simd_lowered(i16, &SimdLowering::dot_i16x8); return {};
    case Opcode::I8x16Shl: simd_shift(i8, Op::Shl); return {};
    case Opcode::I8x16ShrS: simd_shift(i8, Op::AShr); return {};
    case Opcode::I8x16ShrU: simd_shift(i8, Op::LShr); return {};
    case Opcode::I16x8Shl: simd_shift(i16, Op::Shl); return {};
    case Opcode::I16x8ShrS: simd_shift(i16, Op::AShr); return {};
    case Opcode::I16x8ShrU: simd_shift(i16, Op::LShr); return {};
    case Opcode::I32x4Shl: simd_shift(i32, Op::Shl); return {};
    case Opcode::I32x4ShrS: simd_shift(i32, Op::AShr); return {};
    case Opcode::I32x4ShrU: simd_shift(i32, Op::LShr); return {};
    case Opcode::I64x2Shl: simd_shift(i64, Op::Shl); return {};
    case Opcode::I64x2ShrS: simd_shift(i64, Op::AShr); return {};
    case Opcode::I64x2ShrU: simd_shift(i64, Op::LShr); return {};

    // ---- widening and narrowing ----
    case Opcode::I8x16NarrowI16x8S: simd_narrow(i16, true); return {};
    case Opcode::I8x16NarrowI16x8U: simd_narrow(i16, false); return {};
    case Opcode::I16x8NarrowI32x4S: simd_narrow(i32, true); return {};
    case Opcode::I16x8NarrowI32x4U: simd_narrow(i32, false); return {};
    case Opcode::I16x8ExtendLowI8x16S: simd_extend(i8, false, true); return {};
    case Opcode::I16x8ExtendHighI8x16S: simd_extend(i8, true, true); return {};
    case Opcode::I16x8ExtendLowI8x16U: simd_extend(i8, false, false); return {};
    case Opcode::I16x8ExtendHighI8x16U: simd_extend(i8, true, false); return {};
    case Opcode::I32x4ExtendLowI16x8S: simd_extend(i16, false, true); return {};
    case Opcode::I32x4ExtendHighI16x8S: simd_extend(i16, true, true); return {};
    case Opcode::I32x4ExtendLowI16x8U: simd_extend(i16, false, false); return {};
    case Opcode::I32x4ExtendHighI16x8U: simd_extend(i16, true, false); return {};
    case Opcode::I64x2ExtendLowI32x4S: simd_extend(i32, false, true); return {};
    case Opcode::I64x2ExtendHighI32x4S: simd_extend(i32, true, true); return {};
    case Opcode::I64x2ExtendLowI32x4U: simd_extend(i32, false, false); return {};
    case Opcode::I64x2ExtendHighI32x4U: simd_extend(i32, true, false); return {};
    case Opcode::I16x8ExtmulLowI8x16S: simd_extmul(i8, false, true); return {};
    case Opcode::I16x8ExtmulHighI8x16S: simd_extmul(i8, true, true); return {};
    case Opcode::I16x8ExtmulLowI8x16U: simd_extmul(i8, false, false); return {};
    case Opcode::I16x8ExtmulHighI8x16U: simd_extmul(i8, true, false); return {};
    case Opcode::I32x4ExtmulLowI16x8S: simd_extmul(i16, false, true); return {};
    case Opcode::I32x4ExtmulHighI16x8S: simd_extmul(i16, true, true); return {};
    case Opcode::I32x4ExtmulLowI16x8U: simd_extmul(i16, false, false); return {};
    case Opcode::I32x4ExtmulHighI16x8U: simd_extmul(i16, true, false); return {};
    case Opcode::I64x2ExtmulLowI32x4S: simd_extmul(i32, false, true); return {};
    case Opcode::I64x2ExtmulHighI32x4S: simd_extmul(i32, true, true); return {};
    case Opcode::I64x2ExtmulLowI32x4U: simd_extmul(i32, false, false); return {};
    case Opcode::I64x2ExtmulHighI32x4U: simd_extmul(i32, true, false); return {};
    case Opcode::I16x8ExtaddPairwiseI8x16S: simd_extadd_pairwise(i8, true); return {};
    case Opcode::I16x8ExtaddPairwiseI8x16U: simd_extadd_pairwise(i8, false); return {};
    case Opcode::I32x4ExtaddPairwiseI16x8S: simd_extadd_pairwise(i16, true); return {};
    case Opcode::I32x4ExtaddPairwiseI16x8U: simd_extadd_pairwise(i16, false); return {};

    // ---- float arithmetic (fneg/fabs are bitwise: NaN payloads kept) ----
    case Opcode::F32x4Abs: simd_unary_intrinsic(f32, I::fabs); return {};
    case Opcode::F64x2Abs: simd_unary_intrinsic(f64, I::fabs); return {};
    case Opcode::F32x4Neg: simd_fneg(f32); return {};
    case Opcode::F64x2Neg: simd_fneg(f64); return {};
    case Opcode::F32x4Sqrt: simd_unary_intrinsic(f32, I::sqrt); return {};
    case Opcode::F64x2Sqrt: simd_unary_intrinsic(f64, I::sqrt); return {};
    case Opcode::F32x4Ceil: simd_round(f32, I::ceil); return {};
    case Opcode::F64x2Ceil: simd_round(f64, I::ceil); return {};
    case Opcode::F32x4Floor: simd_round(f32, I::floor); return {};
    case Opcode::F64x2Floor: simd_round(f64, I::floor); return {};
    case Opcode::F32x4Trunc: simd_round(f32, I::trunc); return {};
    case Opcode::F64x2Trunc: simd_round(f64, I::trunc); return {};
    case Opcode::F32x4Nearest: simd_round(f32, I::roundeven); return {};
    case Opcode::F64x2Nearest: simd_round(f64, I::roundeven); return {};
    case Opcode::F32x4Add: simd_float_arith(f32, Op::FAdd); return {};
    case Opcode::F64x2Add: simd_float_arith(f64, Op::FAdd); return {};
    case Opcode::F32x4Sub: simd_float_arith(f32, Op::FSub); return {};
    case Opcode::F64x2Sub: simd_float_arith(f64, Op::FSub); return {};
    case Opcode::F32x4Mul: simd_float_arith(f32, Op::FMul); return {};
    case Opcode::F64x2Mul: simd_float_arith(f64, Op::FMul); return {};
    case Opcode::F32x4Div: simd_float_arith(f32, Op::FDiv); return {};
    case Opcode::F64x2Div: simd_float_arith(f64, Op::FDiv); return {};
    case Opcode::F32x4Min: simd_min_max(f32, true); return {};
    case Opcode::F64x2Min: simd_min_max(f64, true); return {};
    case Opcode::F32x4Max: simd_min_max(f32, false); return {};
    case Opcode::F64x2Max: simd_min_max(f64, false); return {};
    case Opcode::F32x4Pmin: simd_pmin_pmax(f32, true); return {};
    case Opcode::F64x2Pmin: simd_pmin_pmax(f64, true); return {};
    case Opcode::F32x4Pmax: simd_pmin_pmax(f32, false); return {};
    case Opcode::F64x2Pmax: simd_pmin_pmax(f64, false); return {};

    // ---- conversions ----
    case Opcode::I32x4TruncSatF32x4S: simd_trunc_sat(true); return {};
    case Opcode::I32x4TruncSatF32x4U: simd_trunc_sat(false); return {};
    case Opcode::I32x4TruncSatF64x2SZero: simd_trunc_sat_zero(true); return {};
    case Opcode::I32x4TruncSatF64x2UZero: simd_trunc_sat_zero(false); return {};
    case Opcode::F32x4ConvertI32x4S: simd_convert(i32, C::SIToFP, f32); return {};
    case Opcode::F32x4ConvertI32x4U: simd_convert(i32, C::UIToFP, f32); return {};
    case Opcode::F64x2ConvertLowI32x4S: simd_convert_low(i32, C::SIToFP, f64); return {};
    case Opcode::F64x2ConvertLowI32x4U: simd_convert_low(i32, C::UIToFP, f64); return {};
    case Opcode::F32x4DemoteF64x2Zero: simd_demote_zero(); return {};
    case Opcode::F64x2PromoteLowF32x4:
      simd_convert_low(f32, C::FPExt, f64);
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

// ---- operands and results ----

// The two operands of a binary lane-wise operation, viewed with `shape`.
std::pair<llvm::Value*, llvm::Value*> FunctionCodegen::simd_operands(llvm::Type* shape) {
  llvm::Value* y = simd_.as(pop(), shape);
  llvm::Value* x = simd_.as(pop(), shape);
  return {x, y};
}

// A result of any shape, back in the canonical <2 x i64> form.
void FunctionCodegen::simd_result(llvm::Value* v) { push(simd_.canonical(v)); }

// ---- constants, shuffles, lanes ----

// Spec 4.4.3 v128.const: the 16 bytes of the immediate.
void FunctionCodegen::simd_const(const Instr& in) {
  push(llvm::ConstantDataVector::get(c_, llvm::ArrayRef<uint64_t>{in.u64, in.hi}));
}

// Spec 4.4.3 i8x16.shuffle: the 16 lane indices of the immediate, a constant
// shufflevector mask over both operands.
void FunctionCodegen::simd_shuffle(const Instr& in) {
  auto [x, y] = simd_operands(simd_.i8x16());
  llvm::SmallVector<int, 16> mask;
  for (unsigned i = 0; i < 16; ++i)
    mask.push_back(int(((i < 8 ? in.u64 : in.hi) >> (8 * (i % 8))) & 0xff));
  simd_result(b_.CreateShuffleVector(x, y, mask));
}

// Spec 4.4.3 i8x16.swizzle: lanes selected by a vector of indices
// (simd_lowering.h).
void FunctionCodegen::simd_swizzle() {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  simd_result(simd_.swizzle(x, y));
}

// Spec 4.4.3 splat: the scalar in every lane (integers wrapped to the lane).
void FunctionCodegen::simd_splat(llvm::FixedVectorType* shape) {
  llvm::Value* x = pop();
  if (shape->getElementType()->isIntegerTy()) x = b_.CreateZExtOrTrunc(x, shape->getElementType());
  simd_result(b_.CreateVectorSplat(shape->getNumElements(), x));
}

// Spec 4.4.3 extract_lane of i32, i64, f32 and f64 lanes: the lane as it is. A
// float lane of a vector LLVM may know must not fold (nan_preserving.h).
void FunctionCodegen::simd_extract_lane(llvm::FixedVectorType* shape, uint32_t lane) {
  llvm::Value* v = b_.CreateExtractElement(simd_.as(pop(), shape), uint64_t(lane));
  if (shape->getElementType()->isFloatingPointTy()) v = nan_opaque(b_, v);
  push(v);
}

// Spec 4.4.3 extract_lane_sx of i8 and i16 lanes: extended to i32.
void FunctionCodegen::simd_extract_small_lane(llvm::FixedVectorType* shape, uint32_t lane,
                                              bool is_signed) {
  llvm::Value* v = b_.CreateExtractElement(simd_.as(pop(), shape), uint64_t(lane));
  push(is_signed ? b_.CreateSExt(v, b_.getInt32Ty()) : b_.CreateZExt(v, b_.getInt32Ty()));
}

// Spec 4.4.3 replace_lane: one lane replaced (integers wrapped to the lane).
void FunctionCodegen::simd_replace_lane(llvm::FixedVectorType* shape, uint32_t lane) {
  llvm::Value* x = pop();
  llvm::Value* v = simd_.as(pop(), shape);
  if (shape->getElementType()->isIntegerTy()) x = b_.CreateZExtOrTrunc(x, shape->getElementType());
  simd_result(b_.CreateInsertElement(v, x, uint64_t(lane)));
}

// ---- comparisons and bitwise operations ----

// Spec 4.3.4 vrelop: all ones or all zeros per lane.
void FunctionCodegen::simd_compare(llvm::FixedVectorType* shape, llvm::CmpInst::Predicate p) {
  auto [x, y] = simd_operands(shape);
  simd_result(b_.CreateSExt(b_.CreateCmp(p, x, y), llvm::VectorType::getInteger(shape)));
}

// Spec 4.3.4 v128.not.
void FunctionCodegen::simd_not() { simd_result(b_.CreateNot(simd_.as(pop(), simd_.i64x2()))); }

// Spec 4.3.4 v128.andnot: x & ~y.
void FunctionCodegen::simd_andnot() {
  auto [x, y] = simd_operands(simd_.i64x2());
  simd_result(b_.CreateAnd(x, b_.CreateNot(y)));
}

// Spec 4.3.4 v128.bitselect: (v1 & c) | (v2 & ~c).
void FunctionCodegen::simd_bitselect() {
  llvm::Value* c = pop();
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  push(b_.CreateOr(b_.CreateAnd(x, c), b_.CreateAnd(y, b_.CreateNot(c))));
}

// ---- integer arithmetic ----

// Spec 4.3.2 iadd, isub, imul, iand, ior, ixor lane-wise: LLVM's wrapping
// operations.
void FunctionCodegen::simd_int_arith(llvm::FixedVectorType* shape,
                                     llvm::Instruction::BinaryOps op) {
  auto [x, y] = simd_operands(shape);
  simd_result(b_.CreateBinOp(op, x, y));
}

// Spec 4.3.2 iabs: the most negative value is its own absolute value.
void FunctionCodegen::simd_abs(llvm::FixedVectorType* shape) {
  llvm::Value* x = simd_.as(pop(), shape);
  simd_result(b_.CreateBinaryIntrinsic(llvm::Intrinsic::abs, x, b_.getFalse()));
}

// Spec 4.3.2 ineg: 0 - x, wrapping.
void FunctionCodegen::simd_neg(llvm::FixedVectorType* shape) {
  simd_result(b_.CreateNeg(simd_.as(pop(), shape)));
}

// An LLVM intrinsic with wasm's lane-wise semantics: popcnt, fabs, sqrt.
void FunctionCodegen::simd_unary_intrinsic(llvm::FixedVectorType* shape, llvm::Intrinsic::ID id) {
  simd_result(b_.CreateUnaryIntrinsic(id, simd_.as(pop(), shape)));
}

// An LLVM intrinsic with wasm's lane-wise semantics: saturating add/sub
// (spec 4.3.2 iadd_sat, isub_sat), integer min/max.
void FunctionCodegen::simd_binary_intrinsic(llvm::FixedVectorType* shape, llvm::Intrinsic::ID id) {
  auto [x, y] = simd_operands(shape);
  simd_result(b_.CreateBinaryIntrinsic(id, x, y));
}

// Spec 4.3.2 iavgr_u: (a + b + 1) / 2 without overflow; LLVM recognises the
// widened form as pavgb/pavgw (urhadd on AArch64).
void FunctionCodegen::simd_avgr(llvm::FixedVectorType* shape) {
  auto [x, y] = simd_operands(shape);
  auto* wide = llvm::FixedVectorType::get(b_.getIntNTy(shape->getScalarSizeInBits() * 2),
                                          shape->getNumElements());
  llvm::Value* sum = b_.CreateAdd(b_.CreateAdd(b_.CreateZExt(x, wide), b_.CreateZExt(y, wide)),
                                  llvm::ConstantInt::get(wide, 1));
  simd_result(b_.CreateTrunc(b_.CreateLShr(sum, llvm::ConstantInt::get(wide, 1)), shape));
}

// A binary operation written out in simd_lowering.cc: q15mulr_sat, dot.
void FunctionCodegen::simd_lowered(llvm::FixedVectorType* shape,
                                   llvm::Value* (SimdLowering::*op)(llvm::Value*, llvm::Value*)) {
  auto [x, y] = simd_operands(shape);
  simd_result((simd_.*op)(x, y));
}

// Spec 4.3.4 ishl/ishr: the count is taken modulo the lane width.
void FunctionCodegen::simd_shift(llvm::FixedVectorType* shape, llvm::Instruction::BinaryOps op) {
  llvm::Value* count = pop();
  llvm::Value* v = simd_.as(pop(), shape);
  unsigned bits = shape->getScalarSizeInBits();
  count = b_.CreateAnd(count, b_.getInt32(bits - 1));
  count = b_.CreateZExtOrTrunc(count, shape->getElementType());
  simd_result(b_.CreateBinOp(op, v, b_.CreateVectorSplat(shape->getNumElements(), count)));
}

// ---- widening and narrowing (simd_lowering.h) ----

// Spec 4.4.3 narrow: both operands saturated into half-width lanes.
void FunctionCodegen::simd_narrow(llvm::FixedVectorType* from, bool is_signed) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  simd_result(simd_.narrow(x, y, from, is_signed));
}

// Spec 4.4.3 extend_low/high: half of the lanes extended to double width.
void FunctionCodegen::simd_extend(llvm::FixedVectorType* from, bool high, bool is_signed) {
  simd_result(simd_.extend(pop(), from, high, is_signed));
}

// Spec 4.4.3 extmul_low/high: extended halves multiplied at double width.
void FunctionCodegen::simd_extmul(llvm::FixedVectorType* from, bool high, bool is_signed) {
  llvm::Value* y = pop();
  llvm::Value* x = pop();
  simd_result(simd_.extmul(x, y, from, high, is_signed));
}

// Spec 4.4.3 extadd_pairwise: adjacent lanes extended and added.
void FunctionCodegen::simd_extadd_pairwise(llvm::FixedVectorType* from, bool is_signed) {
  simd_result(simd_.extadd_pairwise(pop(), from, is_signed));
}

// ---- float arithmetic ----

// Spec 4.3.3 fneg lane-wise: the sign bit flipped, NaN payloads kept.
void FunctionCodegen::simd_fneg(llvm::FixedVectorType* shape) {
  simd_result(b_.CreateFNeg(simd_.as(pop(), shape)));
}

// Spec 4.3.3 fceil, ffloor, ftrunc, fnearest lane-wise (simd_lowering.h).
void FunctionCodegen::simd_round(llvm::FixedVectorType* shape, llvm::Intrinsic::ID id) {
  simd_result(simd_.round(id, simd_.as(pop(), shape)));
}

// Spec 4.3.3 fadd, fsub, fmul, fdiv lane-wise. Float arithmetic keeps NaN
// quieting that a +-0/+-1 lane would let LLVM fold away; every operand is
// fenced, constant or not, since integer vector arithmetic, a zeroed local or
// a splat can make a vector LLVM knows only after optimising
// (nan_preserving.h).
void FunctionCodegen::simd_float_arith(llvm::FixedVectorType* shape,
                                       llvm::Instruction::BinaryOps op) {
  auto [x, y] = simd_operands(shape);
  simd_result(b_.CreateBinOp(op, nan_opaque(b_, x), nan_opaque(b_, y)));
}

// Spec 4.3.3 fmin/fmax lane-wise: NaN wins, -0 < +0.
void FunctionCodegen::simd_min_max(llvm::FixedVectorType* shape, bool is_min) {
  auto [x, y] = simd_operands(shape);
  simd_result(simd_.float_min_max(x, y, is_min));
}

// Spec 4.3.3 fpmin/fpmax lane-wise: b < a ? b : a and a < b ? b : a.
void FunctionCodegen::simd_pmin_pmax(llvm::FixedVectorType* shape, bool is_min) {
  auto [x, y] = simd_operands(shape);
  simd_result(simd_.float_pmin_pmax(x, y, is_min));
}

// ---- conversions ----

// Spec 4.4.3 i32x4.trunc_sat_f32x4: saturating, NaN to 0.
void FunctionCodegen::simd_trunc_sat(bool is_signed) {
  simd_result(simd_.trunc_sat(simd_.as(pop(), simd_.f32x4()), simd_.i32x4(), is_signed));
}

// Spec 4.4.3 i32x4.trunc_sat_f64x2_zero: two lanes converted; the high two
// are zero.
void FunctionCodegen::simd_trunc_sat_zero(bool is_signed) {
  auto* two = llvm::FixedVectorType::get(b_.getInt32Ty(), 2);
  llvm::Value* low = simd_.trunc_sat(simd_.as(pop(), simd_.f64x2()), two, is_signed);
  simd_result(b_.CreateShuffleVector(low, llvm::Constant::getNullValue(two), {0, 1, 2, 3}));
}

// Spec 4.4.3 f32x4.convert_i32x4: every lane converted.
void FunctionCodegen::simd_convert(llvm::FixedVectorType* from, llvm::Instruction::CastOps op,
                                   llvm::FixedVectorType* to) {
  simd_result(b_.CreateCast(op, simd_.as(pop(), from), to));
}

// Spec 4.4.3 f64x2.convert_low_i32x4 and f64x2.promote_low_f32x4: the low
// two lanes converted.
void FunctionCodegen::simd_convert_low(llvm::FixedVectorType* from, llvm::Instruction::CastOps op,
                                       llvm::FixedVectorType* to) {
  simd_result(b_.CreateCast(op, simd_.half(simd_.as(pop(), from), false), to));
}

// Spec 4.4.3 f32x4.demote_f64x2_zero: two lanes rounded; the high two are
// zero.
void FunctionCodegen::simd_demote_zero() {
  auto* two = llvm::FixedVectorType::get(b_.getFloatTy(), 2);
  llvm::Value* low = b_.CreateFPTrunc(simd_.as(pop(), simd_.f64x2()), two);
  simd_result(b_.CreateShuffleVector(low, llvm::Constant::getNullValue(two), {0, 1, 2, 3}));
}

}  // namespace flint::aot
