// Lowering of the SIMD operations with no direct LLVM equivalent (see the
// header). Spec references are to 4.3.4 "Vector Operations" and the scalar
// operators of 4.3.2/4.3.3 they apply lane-wise.
#include "aot/llvm/simd_lowering.h"

#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/IntrinsicsAArch64.h>
#include <llvm/IR/IntrinsicsX86.h>
#include <llvm/TargetParser/Triple.h>

#include "aot/llvm/function_codegen.h"

namespace flint::aot {

SimdTarget SimdTarget::from(const std::string& triple, const std::string& features) {
  SimdTarget t;
  llvm::Triple tr(triple);
  t.x86_64 = tr.getArch() == llvm::Triple::x86_64;
  t.aarch64 = tr.getArch() == llvm::Triple::aarch64;
  auto has = [&](const char* f) {
    std::string plus = std::string("+") + f;
    size_t at = features.find(plus);
    while (at != std::string::npos) {
      size_t end = at + plus.size();
      if (end == features.size() || features[end] == ',') return true;
      at = features.find(plus, end);
    }
    return false;
  };
  // A feature implies the ones below it (LLVM's x86 feature hierarchy).
  t.sse41 = t.x86_64 && (has("sse4.1") || has("sse4.2") || has("avx") || has("avx2"));
  t.ssse3 = t.x86_64 && (t.sse41 || has("ssse3"));
  return t;
}

SimdLowering::SimdLowering(llvm::IRBuilder<>& b, SimdTarget target) : b_(b), target_(target) {
  llvm::LLVMContext& c = b.getContext();
  i8x16_ = llvm::FixedVectorType::get(llvm::Type::getInt8Ty(c), 16);
  i16x8_ = llvm::FixedVectorType::get(llvm::Type::getInt16Ty(c), 8);
  i32x4_ = llvm::FixedVectorType::get(llvm::Type::getInt32Ty(c), 4);
  i64x2_ = llvm::FixedVectorType::get(llvm::Type::getInt64Ty(c), 2);
  f32x4_ = llvm::FixedVectorType::get(llvm::Type::getFloatTy(c), 4);
  f64x2_ = llvm::FixedVectorType::get(llvm::Type::getDoubleTy(c), 2);
}

llvm::Value* SimdLowering::call(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types,
                                llvm::ArrayRef<llvm::Value*> args) {
  return b_.CreateIntrinsic(id, types, args);
}

llvm::Value* SimdLowering::splat_int(llvm::FixedVectorType* shape, uint64_t value) {
  return llvm::ConstantInt::get(shape, value);
}

llvm::Value* SimdLowering::half(llvm::Value* v, bool high) {
  unsigned n = llvm::cast<llvm::FixedVectorType>(v->getType())->getNumElements() / 2;
  llvm::SmallVector<int, 16> mask;
  for (unsigned i = 0; i < n; ++i) mask.push_back(int(i + (high ? n : 0)));
  return b_.CreateShuffleVector(v, mask);
}

llvm::Value* SimdLowering::every_other(llvm::Value* v, bool odd) {
  unsigned n = llvm::cast<llvm::FixedVectorType>(v->getType())->getNumElements() / 2;
  llvm::SmallVector<int, 16> mask;
  for (unsigned i = 0; i < n; ++i) mask.push_back(int(2 * i + (odd ? 1 : 0)));
  return b_.CreateShuffleVector(v, mask);
}

// Lanes whose index is 16 or more select 0. pshufb zeroes a lane when bit 7
// of its index is set: adding 0x70 with unsigned saturation sets it exactly
// for indices >= 16 and keeps the low four bits of the others. AArch64's tbl
// already gives 0 out of range.
llvm::Value* SimdLowering::swizzle(llvm::Value* a, llvm::Value* indices) {
  a = as(a, i8x16_);
  indices = as(indices, i8x16_);
  if (target_.ssse3) {
    llvm::Value* mask =
        call(llvm::Intrinsic::uadd_sat, {i8x16_}, {indices, splat_int(i8x16_, 0x70)});
    return call(llvm::Intrinsic::x86_ssse3_pshuf_b_128, {}, {a, mask});
  }
  if (target_.aarch64) return call(llvm::Intrinsic::aarch64_neon_tbl1, {i8x16_}, {a, indices});
  llvm::Value* out = llvm::Constant::getNullValue(i8x16_);
  for (unsigned i = 0; i < 16; ++i) {
    llvm::Value* index = b_.CreateExtractElement(indices, i);
    llvm::Value* lane = b_.CreateExtractElement(a, b_.CreateAnd(index, b_.getInt8(15)));
    llvm::Value* in_range = b_.CreateICmpULT(index, b_.getInt8(16));
    out = b_.CreateInsertElement(out, b_.CreateSelect(in_range, lane, b_.getInt8(0)), i);
  }
  return out;
}

// Spec: narrow saturates each signed input lane to the signed or unsigned
// range of the narrow lane. x86's pack instructions do exactly that.
llvm::Value* SimdLowering::narrow(llvm::Value* a, llvm::Value* b, llvm::FixedVectorType* from,
                                  bool is_signed) {
  a = as(a, from);
  b = as(b, from);
  bool from16 = from == i16x8_;
  if (target_.x86_64 && (from16 || is_signed || target_.sse41)) {
    llvm::Intrinsic::ID id = from16 ? (is_signed ? llvm::Intrinsic::x86_sse2_packsswb_128
                                                 : llvm::Intrinsic::x86_sse2_packuswb_128)
                                    : (is_signed ? llvm::Intrinsic::x86_sse2_packssdw_128
                                                 : llvm::Intrinsic::x86_sse41_packusdw);
    return call(id, {}, {a, b});
  }
  unsigned n = from->getNumElements();
  unsigned bits = from->getScalarSizeInBits() / 2;
  llvm::SmallVector<int, 16> concat;
  for (unsigned i = 0; i < 2 * n; ++i) concat.push_back(int(i));
  llvm::Value* both = b_.CreateShuffleVector(a, b, concat);
  auto* wide = llvm::cast<llvm::FixedVectorType>(both->getType());
  int64_t lo = is_signed ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t hi = is_signed ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
  llvm::Value* clamped =
      call(llvm::Intrinsic::smin, {wide}, {both, llvm::ConstantInt::getSigned(wide, hi)});
  clamped = call(llvm::Intrinsic::smax, {wide}, {clamped, llvm::ConstantInt::getSigned(wide, lo)});
  return b_.CreateTrunc(clamped, llvm::FixedVectorType::get(b_.getIntNTy(bits), 2 * n));
}

// pmaddwd is the instruction: the one overflowing sum (all four inputs
// -32768) wraps to INT32_MIN there as in the spec's modular i32.add.
llvm::Value* SimdLowering::dot_i16x8(llvm::Value* a, llvm::Value* b) {
  a = as(a, i16x8_);
  b = as(b, i16x8_);
  if (target_.x86_64) return call(llvm::Intrinsic::x86_sse2_pmadd_wd, {}, {a, b});
  auto* wide = llvm::FixedVectorType::get(b_.getInt32Ty(), 8);
  llvm::Value* products = b_.CreateMul(b_.CreateSExt(a, wide), b_.CreateSExt(b, wide));
  return b_.CreateAdd(every_other(products, false), every_other(products, true));
}

// Spec: q15mulr_sat_s(a, b) = sat_s((a*b + 2^14) >> 15). Only -32768 *
// -32768 overflows (to 32768). pmulhrsw computes the same rounding product
// but wraps that case to -32768, which the xor below turns into 32767;
// AArch64's sqrdmulh saturates it itself.
llvm::Value* SimdLowering::q15mulr_sat(llvm::Value* a, llvm::Value* b) {
  a = as(a, i16x8_);
  b = as(b, i16x8_);
  if (target_.ssse3) {
    llvm::Value* r = call(llvm::Intrinsic::x86_ssse3_pmul_hr_sw_128, {}, {a, b});
    llvm::Value* overflowed = b_.CreateSExt(b_.CreateICmpEQ(r, splat_int(i16x8_, 0x8000)), i16x8_);
    return b_.CreateXor(r, overflowed);
  }
  if (target_.aarch64) return call(llvm::Intrinsic::aarch64_neon_sqrdmulh, {i16x8_}, {a, b});
  auto* wide = llvm::FixedVectorType::get(b_.getInt32Ty(), 8);
  llvm::Value* p = b_.CreateMul(b_.CreateSExt(a, wide), b_.CreateSExt(b, wide));
  p = b_.CreateAShr(b_.CreateAdd(p, splat_int(wide, 0x4000)), splat_int(wide, 15));
  p = call(llvm::Intrinsic::smin, {wide}, {p, splat_int(wide, 0x7fff)});
  return b_.CreateTrunc(p, i16x8_);
}

llvm::Value* SimdLowering::extend(llvm::Value* a, llvm::FixedVectorType* from, bool high,
                                  bool is_signed) {
  unsigned n = from->getNumElements() / 2;
  auto* to = llvm::FixedVectorType::get(b_.getIntNTy(from->getScalarSizeInBits() * 2), n);
  llvm::Value* part = half(as(a, from), high);
  return is_signed ? b_.CreateSExt(part, to) : b_.CreateZExt(part, to);
}

llvm::Value* SimdLowering::extmul(llvm::Value* a, llvm::Value* b, llvm::FixedVectorType* from,
                                  bool high, bool is_signed) {
  return b_.CreateMul(extend(a, from, high, is_signed), extend(b, from, high, is_signed));
}

// pmaddubsw multiplies unsigned bytes of its first operand by signed bytes of
// its second and adds pairs: with ones on the other side it is the pairwise
// sum (at most 2 * 255, so its saturation never applies). pmaddwd with ones
// is the signed 16-bit one.
llvm::Value* SimdLowering::extadd_pairwise(llvm::Value* a, llvm::FixedVectorType* from,
                                           bool is_signed) {
  a = as(a, from);
  if (target_.ssse3 && from == i8x16_) {
    llvm::Value* ones = splat_int(i8x16_, 1);
    return is_signed ? call(llvm::Intrinsic::x86_ssse3_pmadd_ub_sw_128, {}, {ones, a})
                     : call(llvm::Intrinsic::x86_ssse3_pmadd_ub_sw_128, {}, {a, ones});
  }
  if (target_.x86_64 && from == i16x8_ && is_signed)
    return call(llvm::Intrinsic::x86_sse2_pmadd_wd, {}, {a, splat_int(i16x8_, 1)});
  unsigned n = from->getNumElements() / 2;
  auto* to = llvm::FixedVectorType::get(b_.getIntNTy(from->getScalarSizeInBits() * 2), n);
  auto ext = [&](llvm::Value* v) {
    return is_signed ? b_.CreateSExt(v, to) : b_.CreateZExt(v, to);
  };
  return b_.CreateAdd(ext(every_other(a, false)), ext(every_other(a, true)));
}

// The scalar fmin/fmax rules, lane-wise (one implementation, numeric_codegen.cc).
llvm::Value* SimdLowering::float_min_max(llvm::Value* a, llvm::Value* b, bool is_min) {
  return emit_float_min_max(b_, a, b, is_min);
}

// Exactly the spec's selects, which x86 implements as minps/maxps with the
// operands in this order (they return the second operand when unordered).
llvm::Value* SimdLowering::float_pmin_pmax(llvm::Value* a, llvm::Value* b, bool is_min) {
  return is_min ? b_.CreateSelect(b_.CreateFCmpOLT(b, a), b, a)
                : b_.CreateSelect(b_.CreateFCmpOLT(a, b), b, a);
}

// Without roundps LLVM would call ceilf & co. per lane, and compiled code
// links no library. A float of magnitude 2^p (p the mantissa width) or more
// is already an integer; below it, adding and subtracting 2^p rounds to
// nearest-even in the default rounding mode, and truncation goes through an
// integer conversion; floor and ceil correct the truncation by one. The sign
// is copied back so that results in (-1, 0] are -0 as the spec's rounding
// gives. A NaN is quieted (x + x).
llvm::Value* SimdLowering::round(llvm::Intrinsic::ID id, llvm::Value* x) {
  if (!target_.x86_64 || target_.sse41) return b_.CreateUnaryIntrinsic(id, x);
  auto* shape = llvm::cast<llvm::FixedVectorType>(x->getType());
  bool f64 = shape->getElementType()->isDoubleTy();
  llvm::Value* big = llvm::ConstantFP::get(shape, f64 ? 0x1p52 : 0x1p23);
  llvm::Value* one = llvm::ConstantFP::get(shape, 1.0);
  llvm::Value* magnitude = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x);
  llvm::Value* rounded;
  if (id == llvm::Intrinsic::roundeven) {
    rounded = b_.CreateFSub(b_.CreateFAdd(magnitude, big), big);
  } else {
    auto* ints = llvm::FixedVectorType::get(b_.getIntNTy(f64 ? 64 : 32), shape->getNumElements());
    // |x| < 2^p fits the integer type; other lanes are not selected below.
    llvm::Value* safe =
        b_.CreateSelect(b_.CreateFCmpOLT(magnitude, big), x, llvm::Constant::getNullValue(shape));
    llvm::Value* t = b_.CreateSIToFP(b_.CreateFPToSI(safe, ints), shape);
    if (id == llvm::Intrinsic::floor)
      t = b_.CreateFSub(
          t, b_.CreateSelect(b_.CreateFCmpOGT(t, safe), one, llvm::Constant::getNullValue(shape)));
    if (id == llvm::Intrinsic::ceil)
      t = b_.CreateFAdd(
          t, b_.CreateSelect(b_.CreateFCmpOLT(t, safe), one, llvm::Constant::getNullValue(shape)));
    rounded = t;
  }
  rounded = b_.CreateBinaryIntrinsic(llvm::Intrinsic::copysign, rounded, x);
  llvm::Value* result = b_.CreateSelect(b_.CreateFCmpOLT(magnitude, big), rounded, x);
  return b_.CreateSelect(b_.CreateFCmpUNO(x, x), b_.CreateFAdd(x, x), result);
}

// LLVM's saturating conversions have the spec's trunc_sat semantics exactly
// (out of range to the nearest bound, NaN to 0).
llvm::Value* SimdLowering::trunc_sat(llvm::Value* x, llvm::FixedVectorType* to, bool is_signed) {
  return call(is_signed ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat,
              {to, x->getType()}, {x});
}

llvm::Value* SimdLowering::bitmask(llvm::Value* a, llvm::FixedVectorType* shape) {
  unsigned n = shape->getNumElements();
  llvm::Value* negative = b_.CreateICmpSLT(as(a, shape), llvm::Constant::getNullValue(shape));
  return b_.CreateZExt(b_.CreateBitCast(negative, b_.getIntNTy(n)), b_.getInt32Ty());
}

llvm::Value* SimdLowering::all_true(llvm::Value* a, llvm::FixedVectorType* shape) {
  unsigned n = shape->getNumElements();
  llvm::Value* nonzero = b_.CreateICmpNE(as(a, shape), llvm::Constant::getNullValue(shape));
  llvm::Value* bits = b_.CreateBitCast(nonzero, b_.getIntNTy(n));
  return b_.CreateZExt(b_.CreateICmpEQ(bits, llvm::ConstantInt::getAllOnesValue(bits->getType())),
                       b_.getInt32Ty());
}

llvm::Value* SimdLowering::any_true(llvm::Value* a) {
  llvm::Value* whole = b_.CreateBitCast(a, b_.getIntNTy(128));
  return b_.CreateZExt(b_.CreateICmpNE(whole, llvm::ConstantInt::get(whole->getType(), 0)),
                       b_.getInt32Ty());
}

}  // namespace flint::aot
