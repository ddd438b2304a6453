#include "aot/llvm/memory_intrinsics.h"

#include <llvm/Analysis/TargetTransformInfo.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/Transforms/Utils/LowerMemIntrinsics.h>

#include <vector>

namespace flint::aot {

namespace {

/// The widths a constant length is cut into, widest first: 8-byte pieces,
/// then at most one of 4, 2 and 1 for the rest.
std::vector<std::pair<uint64_t, unsigned>> pieces_of(uint64_t length) {
  std::vector<std::pair<uint64_t, unsigned>> pieces;  // (offset, bytes)
  uint64_t at = 0;
  for (unsigned bytes : {8u, 4u, 2u, 1u})
    for (; length - at >= bytes; at += bytes) pieces.emplace_back(at, bytes);
  return pieces;
}

llvm::Value* byte_address(llvm::IRBuilder<>& b, llvm::Value* base, uint64_t offset) {
  return offset == 0 ? base : b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), base, offset);
}

/// memset(dest, value, length) as stores of value repeated in each piece.
void store_pieces(llvm::MemSetInst& set, uint64_t length) {
  llvm::IRBuilder<> b(&set);
  llvm::Value* byte = b.CreateZExt(set.getValue(), b.getInt64Ty());
  llvm::Value* splat = b.CreateMul(byte, b.getInt64(0x0101010101010101ull));
  for (auto [offset, bytes] : pieces_of(length)) {
    llvm::Value* value = b.CreateTrunc(splat, b.getIntNTy(bytes * 8));
    b.CreateAlignedStore(value, byte_address(b, set.getDest(), offset), llvm::Align(1),
                         set.isVolatile());
  }
}

/// memcpy and memmove: every piece loaded before the first store, so that
/// overlapping source and destination (memmove's) copy the source as it was.
void copy_pieces(llvm::MemTransferInst& copy, uint64_t length) {
  llvm::IRBuilder<> b(&copy);
  std::vector<std::pair<uint64_t, llvm::Value*>> loaded;
  for (auto [offset, bytes] : pieces_of(length))
    loaded.emplace_back(offset, b.CreateAlignedLoad(b.getIntNTy(bytes * 8),
                                                    byte_address(b, copy.getSource(), offset),
                                                    llvm::Align(1), copy.isVolatile()));
  for (auto [offset, value] : loaded)
    b.CreateAlignedStore(value, byte_address(b, copy.getDest(), offset), llvm::Align(1),
                         copy.isVolatile());
}

}  // namespace

size_t expand_memory_intrinsics(llvm::Module& module, llvm::TargetMachine& machine) {
  std::vector<llvm::MemIntrinsic*> calls;
  for (llvm::Function& f : module)
    for (llvm::BasicBlock& block : f)
      for (llvm::Instruction& in : block)
        if (auto* call = llvm::dyn_cast<llvm::MemIntrinsic>(&in)) calls.push_back(call);
  size_t replaced = 0;
  for (llvm::MemIntrinsic* call : calls) {
    auto* length = llvm::dyn_cast<llvm::ConstantInt>(call->getLength());
    bool inline_pieces = length && length->getZExtValue() <= kMaxInlineMemoryIntrinsicBytes;
    if (auto* set = llvm::dyn_cast<llvm::MemSetInst>(call)) {
      if (inline_pieces)
        store_pieces(*set, length->getZExtValue());
      else
        llvm::expandMemSetAsLoop(set);
    } else if (auto* copy = llvm::dyn_cast<llvm::MemCpyInst>(call)) {
      const llvm::TargetTransformInfo tti = machine.getTargetTransformInfo(*call->getFunction());
      if (inline_pieces)
        copy_pieces(*copy, length->getZExtValue());
      else
        llvm::expandMemCpyAsLoop(copy, tti);
    } else if (auto* move = llvm::dyn_cast<llvm::MemMoveInst>(call)) {
      const llvm::TargetTransformInfo tti = machine.getTargetTransformInfo(*call->getFunction());
      if (inline_pieces)
        copy_pieces(*move, length->getZExtValue());
      else if (!llvm::expandMemMoveAsLoop(move, tti))
        continue;  // LLVM cannot (pointers in different address spaces): left, the link says so
    } else {
      continue;
    }
    call->eraseFromParent();
    ++replaced;
  }
  return replaced;
}

}  // namespace flint::aot
