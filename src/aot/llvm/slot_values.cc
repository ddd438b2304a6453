#include "aot/llvm/slot_values.h"

#include "runtime/objects.h"

namespace flint::aot {

std::vector<uint32_t> slot_offsets(const std::vector<ValType>& types) {
  std::vector<uint32_t> out;
  uint32_t at = 0;
  for (ValType t : types) {
    out.push_back(at);
    at += slot_count(t);
  }
  return out;
}

void store_slot_value(llvm::IRBuilder<>& b, llvm::Value* v, llvm::Value* slots, uint32_t index) {
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Value* p = b.CreateConstInBoundsGEP1_64(i64, slots, index);
  llvm::Type* t = v->getType();
  if (t->isVectorTy()) {  // v128: 16 bytes over two slots, 8-byte aligned
    b.CreateAlignedStore(v, p, llvm::Align(8));
    return;
  }
  if (t->isPointerTy())
    v = b.CreatePtrToInt(v, i64);
  else if (t->isFloatingPointTy())
    v = b.CreateBitCast(v, b.getIntNTy(t->getPrimitiveSizeInBits()));
  b.CreateStore(b.CreateZExt(v, i64), p);
}

llvm::Value* load_slot_value(llvm::IRBuilder<>& b, llvm::Type* t, llvm::Value* slots,
                             uint32_t index) {
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Value* p = b.CreateConstInBoundsGEP1_64(i64, slots, index);
  if (t->isVectorTy()) return b.CreateAlignedLoad(t, p, llvm::Align(8));
  llvm::Value* bits = b.CreateLoad(i64, p);
  if (t->isPointerTy()) return b.CreateIntToPtr(bits, t);
  if (t->isFloatingPointTy())
    return b.CreateBitCast(b.CreateTrunc(bits, b.getIntNTy(t->getPrimitiveSizeInBits())), t);
  return b.CreateTrunc(bits, t);
}

}  // namespace flint::aot
