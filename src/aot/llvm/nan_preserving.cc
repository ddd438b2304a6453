#include "aot/llvm/nan_preserving.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

namespace flint::aot {

llvm::Value* nan_opaque(llvm::IRBuilder<>& b, llvm::Value* x) {
  return b.CreateIntrinsic(llvm::Intrinsic::arithmetic_fence, {x->getType()}, {x});
}

namespace {
bool enables_fold(const llvm::Constant* c) {
  auto* fp = llvm::dyn_cast_or_null<llvm::ConstantFP>(c);
  if (!fp) return false;
  const llvm::APFloat& v = fp->getValueAPF();
  return v.isZero() || (v.isFinite() && llvm::abs(v).isExactlyValue(1.0));
}
}  // namespace

llvm::Value* nan_preserving_constant(llvm::IRBuilder<>& b, llvm::Constant* c) {
  bool folds = enables_fold(c);
  // A vector of floats: one such lane is enough for a lane-wise fold.
  auto* vt = llvm::dyn_cast<llvm::FixedVectorType>(c->getType());
  if (vt && vt->getElementType()->isFloatingPointTy())
    for (unsigned i = 0; i < vt->getNumElements() && !folds; ++i)
      folds = enables_fold(c->getAggregateElement(i));
  return folds ? nan_opaque(b, c) : c;
}

llvm::Value* nan_preserving_promote(llvm::IRBuilder<>& b, llvm::Value* x) {
  return nan_opaque(b, b.CreateFPExt(x, b.getDoubleTy()));
}

}  // namespace flint::aot
