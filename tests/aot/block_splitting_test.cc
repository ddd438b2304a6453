// Long basic blocks are cut before instruction selection (block_splitting.h):
// into blocks of at most the limit, in order, the function still valid, and
// nothing cut among PHIs or before a terminator.
#include "aot/llvm/block_splitting.h"

#include <gtest/gtest.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>

namespace flint {
namespace {

// i32 f(i32 x, i1 c): a branch, then a block that begins with a PHI and adds
// 1 to its running value `adds` times before it returns.
llvm::Function* long_function(llvm::Module& m, int adds) {
  llvm::LLVMContext& c = m.getContext();
  llvm::Type* i32 = llvm::Type::getInt32Ty(c);
  auto* type = llvm::FunctionType::get(i32, {i32, llvm::Type::getInt1Ty(c)}, false);
  auto* f = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, "f", m);
  auto* entry = llvm::BasicBlock::Create(c, "entry", f);
  auto* other = llvm::BasicBlock::Create(c, "other", f);
  auto* body = llvm::BasicBlock::Create(c, "body", f);
  llvm::IRBuilder<> b(entry);
  b.CreateCondBr(f->getArg(1), other, body);
  b.SetInsertPoint(other);
  b.CreateBr(body);
  b.SetInsertPoint(body);
  llvm::PHINode* phi = b.CreatePHI(i32, 2);
  phi->addIncoming(f->getArg(0), entry);
  phi->addIncoming(b.getInt32(7), other);
  llvm::Value* v = phi;
  for (int i = 0; i < adds; ++i) v = b.CreateAdd(v, b.getInt32(1), "", /*HasNUW=*/false);
  b.CreateRet(v);
  return f;
}

size_t longest_block(const llvm::Function& f) {
  size_t longest = 0;
  for (const llvm::BasicBlock& block : f) longest = std::max(longest, block.size());
  return longest;
}

TEST(BlockSplitting, LongBlocksAreCutIntoValidShortOnes) {
  llvm::LLVMContext context;
  llvm::Module m("test", context);
  llvm::Function* f = long_function(m, 10'000);
  ASSERT_EQ(f->size(), 3u);
  aot::split_long_blocks(m, 1000);
  EXPECT_LE(longest_block(*f), 1000u);
  // 10,002 instructions (PHI, adds, ret) in blocks of 1,000 with a branch added to each.
  EXPECT_EQ(f->size(), 2u + 11u);
  std::string errors;
  llvm::raw_string_ostream out(errors);
  EXPECT_FALSE(llvm::verifyFunction(*f, &out)) << errors;
  // The PHI stays first in the first piece, and the pieces follow in order,
  // each ending in a branch to the next.
  auto it = f->begin();
  std::advance(it, 2);
  EXPECT_TRUE(llvm::isa<llvm::PHINode>(it->front()));
  for (; std::next(it) != f->end(); ++it) {
    auto* br = llvm::dyn_cast<llvm::BranchInst>(it->getTerminator());
    ASSERT_TRUE(br && br->isUnconditional());
    EXPECT_EQ(br->getSuccessor(0), &*std::next(it));
  }
  EXPECT_TRUE(llvm::isa<llvm::ReturnInst>(it->getTerminator()));
}

TEST(BlockSplitting, BlocksWithinTheLimitAreLeftAlone) {
  llvm::LLVMContext context;
  llvm::Module m("test", context);
  llvm::Function* f = long_function(m, 998);  // PHI + 998 adds + ret = 1000
  aot::split_long_blocks(m, 1000);
  EXPECT_EQ(f->size(), 3u);
  EXPECT_EQ(longest_block(*f), 1000u);
}

}  // namespace
}  // namespace flint
