#include "aot/llvm/nan_preserving.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

namespace flint::aot {

namespace {
llvm::Value* fence(llvm::IRBuilder<>& b, llvm::Value* v) {
  return b.CreateIntrinsic(llvm::Intrinsic::arithmetic_fence, {v->getType()}, {v});
}
}  // namespace

llvm::Value* nan_preserving_constant(llvm::IRBuilder<>& b, llvm::Constant* c) {
  auto* fp = llvm::dyn_cast<llvm::ConstantFP>(c);
  if (!fp) return c;
  const llvm::APFloat& v = fp->getValueAPF();
  bool folds = v.isZero() || (v.isFinite() && llvm::abs(v).isExactlyValue(1.0));
  return folds ? fence(b, c) : c;
}

llvm::Value* nan_preserving_promote(llvm::IRBuilder<>& b, llvm::Value* x) {
  return fence(b, b.CreateFPExt(x, b.getDoubleTy()));
}

}  // namespace flint::aot
