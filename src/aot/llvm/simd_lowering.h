// The fixed-width SIMD operations (spec 4.3.4 "Vector Operations") whose
// wasm semantics no single LLVM instruction has: swizzle, saturating narrow,
// dot product, q15 multiplication, pairwise addition, float min/max/pmin/pmax,
// saturating truncation, bitmask and all/any_true.
//
// Each is written once in target-independent IR that is exact everywhere,
// and, where the portable form would lower to a long instruction sequence,
// as the one x86-64 or AArch64 instruction with exactly the wasm semantics
// (pshufb, packsswb, pmaddwd, pmulhrsw, tbl, sqrdmulh, ...) when compiling
// for that target. The choice is made from the target triple and feature
// string the module is compiled for, never from the compiling host.
#pragma once

#include <llvm/IR/IRBuilder.h>

#include <string>

namespace flint::aot {

/// What the object is compiled for, as far as SIMD lowering cares.
struct SimdTarget {
  bool x86_64 = false;
  bool ssse3 = false;    ///< pshufb, pmulhrsw, pmaddubsw
  bool sse41 = false;    ///< packusdw, roundps
  bool aarch64 = false;  ///< NEON is part of the base architecture
  static SimdTarget from(const std::string& triple, const std::string& features);
};

class SimdLowering {
 public:
  SimdLowering(llvm::IRBuilder<>& b, SimdTarget target);

  // The lane shapes (spec 2.4.1 "shape"). v128 values travel as <2 x i64>.
  llvm::FixedVectorType* i8x16() const { return i8x16_; }
  llvm::FixedVectorType* i16x8() const { return i16x8_; }
  llvm::FixedVectorType* i32x4() const { return i32x4_; }
  llvm::FixedVectorType* i64x2() const { return i64x2_; }
  llvm::FixedVectorType* f32x4() const { return f32x4_; }
  llvm::FixedVectorType* f64x2() const { return f64x2_; }
  /// `v` viewed with the given shape (a bitcast, free).
  llvm::Value* as(llvm::Value* v, llvm::Type* shape) { return b_.CreateBitCast(v, shape); }
  /// Back to the canonical <2 x i64> form.
  llvm::Value* canonical(llvm::Value* v) { return b_.CreateBitCast(v, i64x2_); }

  /// i8x16.swizzle: out-of-range indices select 0.
  llvm::Value* swizzle(llvm::Value* a, llvm::Value* indices);
  /// i8x16.narrow_i16x8_* / i16x8.narrow_i32x4_*: both operands saturated
  /// into half-width lanes, `a` in the low half (signed input either way).
  llvm::Value* narrow(llvm::Value* a, llvm::Value* b, llvm::FixedVectorType* from, bool is_signed);
  /// i32x4.dot_i16x8_s: sums of products of adjacent signed lanes (wraps).
  llvm::Value* dot_i16x8(llvm::Value* a, llvm::Value* b);
  /// i16x8.q15mulr_sat_s: (a*b + 2^14) >> 15, saturated.
  llvm::Value* q15mulr_sat(llvm::Value* a, llvm::Value* b);
  /// extadd_pairwise: adjacent lanes extended and added.
  llvm::Value* extadd_pairwise(llvm::Value* a, llvm::FixedVectorType* from, bool is_signed);
  /// extend_low/high: half of the lanes extended to double width.
  llvm::Value* extend(llvm::Value* a, llvm::FixedVectorType* from, bool high, bool is_signed);
  /// extmul_low/high: extended halves multiplied at double width.
  llvm::Value* extmul(llvm::Value* a, llvm::Value* b, llvm::FixedVectorType* from, bool high,
                      bool is_signed);

  /// fmin/fmax per lane (spec 4.3.3): NaN wins, -0 < +0.
  llvm::Value* float_min_max(llvm::Value* a, llvm::Value* b, bool is_min);
  /// pmin: b < a ? b : a; pmax: a < b ? b : a (spec 4.3.3 fpmin/fpmax).
  llvm::Value* float_pmin_pmax(llvm::Value* a, llvm::Value* b, bool is_min);
  /// ceil, floor, trunc or nearest per lane (llvm.ceil, llvm.floor,
  /// llvm.trunc, llvm.roundeven), without a libm call where the target has no
  /// rounding instruction (x86-64 before SSE4.1).
  llvm::Value* round(llvm::Intrinsic::ID id, llvm::Value* x);
  /// trunc_sat lanes: saturating, NaN to 0; `to` has as many lanes as `x`.
  llvm::Value* trunc_sat(llvm::Value* x, llvm::FixedVectorType* to, bool is_signed);

  /// The lanes' sign bits as an i32 (bitmask).
  llvm::Value* bitmask(llvm::Value* a, llvm::FixedVectorType* shape);
  /// 1 if every lane is non-zero (all_true), as i32.
  llvm::Value* all_true(llvm::Value* a, llvm::FixedVectorType* shape);
  /// 1 if any bit is set (any_true), as i32.
  llvm::Value* any_true(llvm::Value* a);

  /// The low or high half of the lanes of `v` (shufflevector).
  llvm::Value* half(llvm::Value* v, bool high);
  /// Lanes 0, 2, 4, ... (or 1, 3, 5, ...) of `v`.
  llvm::Value* every_other(llvm::Value* v, bool odd);

 private:
  llvm::Value* splat_int(llvm::FixedVectorType* shape, uint64_t value);
  llvm::Value* call(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types,
                    llvm::ArrayRef<llvm::Value*> args);

  llvm::IRBuilder<>& b_;
  SimdTarget target_;
  llvm::FixedVectorType *i8x16_, *i16x8_, *i32x4_, *i64x2_, *f32x4_, *f64x2_;
};

}  // namespace flint::aot
