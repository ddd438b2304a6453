// Why: some steps of LLVM's code generator are quadratic in the length of
// a basic block. The two-address pass rescans its map of copies for every
// instruction that defines a physical register (each `add` defines EFLAGS),
// so a block of n instructions costs n^2. Producers emit such blocks:
// wasm-ld's `__wasm_apply_data_relocs` in a componentize-py module is one
// block of 290,000 instructions, whose code generation took 16 seconds, 12
// of them in the two-address pass. Cut into blocks of 2,000 it takes 4 s;
// the code is the same, since a branch to the next block in layout is a
// fall-through.
#include "aot/llvm/block_splitting.h"

#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Instructions.h>

#include <algorithm>
#include <vector>

namespace flint::aot {

namespace {

// Where a block may be cut before `at`: not among its leading PHIs or
// landing pad, not before its terminator (nothing would be gained), not
// between a musttail call and its return.
bool can_cut_before(llvm::Instruction& at) {
  if (at.isTerminator() || llvm::isa<llvm::PHINode>(at) || at.isEHPad()) return false;
  llvm::Instruction* before = at.getPrevNode();
  if (!before) return false;
  auto* call = llvm::dyn_cast<llvm::CallInst>(before);
  return !(call && call->isMustTailCall());
}

}  // namespace

bool split_long_blocks(llvm::Function& f, size_t max_instructions) {
  max_instructions = std::max<size_t>(max_instructions, 2);  // an instruction and the branch
  bool changed = false;
  std::vector<llvm::BasicBlock*> blocks;
  for (llvm::BasicBlock& b : f) blocks.push_back(&b);
  std::vector<llvm::Instruction*> cuts;
  for (llvm::BasicBlock* block : blocks) {
    // One walk over the block (BasicBlock::size() is a walk too) finds the
    // cuts: each piece keeps max_instructions - 1 and gains the branch.
    cuts.clear();
    size_t in_piece = 0;
    for (llvm::Instruction& at : *block) {
      if (++in_piece < max_instructions || !can_cut_before(at)) continue;
      cuts.push_back(&at);
      in_piece = 1;
    }
    // Last cut first: splitBasicBlock moves everything from the cut to the
    // block's end into a new block, so cutting from the front would move
    // the rest of the block again at every cut (n^2 / max_instructions
    // moves: 1.3 s for CPython's 290,000-instruction block). From the back
    // each instruction moves once; the pieces still follow in layout order.
    for (auto cut = cuts.rbegin(); cut != cuts.rend(); ++cut)
      block->splitBasicBlock(*cut, block->getName() + ".cont");
    changed |= !cuts.empty();
  }
  return changed;
}

void split_long_blocks(llvm::Module& module, size_t max_instructions) {
  for (llvm::Function& f : module)
    if (!f.isDeclaration()) split_long_blocks(f, max_instructions);
}

}  // namespace flint::aot
