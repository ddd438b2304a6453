// Where a compiled function checks the stack limit (see src/aot/README.md,
// "Stack exhaustion"). Only calls make the stack grow without bound, so the
// check guards calls, not the function: it is placed at the nearest common
// dominator of the function's calls instead of its entry. A path that calls
// nothing -- the leaves of a recursion, the fast path of a function with a
// slow path that calls -- then runs no check at all; a check on entry costs
// recursive fib about 20% against native code, one on the calling path
// almost nothing (docs/bench-results.md, "Why fib is above 1.10x").
//
// When that dominator is inside a loop (a recursion turned into a loop of
// calls, as clang makes of fib), the check moves up the dominator tree to
// the first block outside every loop: the stack pointer is the same in
// every iteration, so one check per activation covers all its calls, where
// a check in the loop would run once per call (instructions of fib(30)
// beyond fib(27), native 20.8M: 22.9M with the check in the loop, 22.1M).
//
// The guarantee is unchanged. The stack pointer is constant during a call
// (no dynamic allocas), and every call happens after the check, so each
// activation that calls has been checked against the limit before it
// called; an activation that never calls adds one frame below a checked
// one, as the entry check also allowed (it ran before the frame was
// allocated).
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IntrinsicInst.h>

#include "aot/llvm/function_codegen.h"

namespace flint::aot {

void FunctionCodegen::place_stack_check(llvm::BasicBlock* body) {
  llvm::DominatorTree tree(*fn_);
  llvm::BasicBlock* common = nullptr;
  for (llvm::BasicBlock& bb : *fn_) {
    if (!tree.isReachableFromEntry(&bb)) continue;
    for (llvm::Instruction& i : bb) {
      auto* call = llvm::dyn_cast<llvm::CallBase>(&i);
      // Traps never return, and intrinsics (stacksave, ...) are not calls.
      if (!call || llvm::isa<llvm::IntrinsicInst>(call) || call->doesNotReturn()) continue;
      common = common ? tree.findNearestCommonDominator(common, &bb) : &bb;
      break;
    }
  }
  if (!common) return;  // every call is unreachable
  llvm::LoopInfo loops(tree);
  while (loops.getLoopFor(common) && common != entry_)
    common = tree.getNode(common)->getIDom()->getBlock();
  // The entry block holds the locals' allocas, which must stay there to
  // become registers; the body block dominates everything after it.
  if (common == entry_) common = body;

  // common: [phis] ... becomes common: [phis] check -> ok: br rest; rest: ...
  llvm::BasicBlock* rest = common->splitBasicBlock(common->getFirstInsertionPt(), "stack.ok");
  common->getTerminator()->eraseFromParent();
  b_.SetInsertPoint(common);
  llvm::Value* sp = b_.CreatePtrToInt(intrinsic(llvm::Intrinsic::stacksave, {b_.getPtrTy()}, {}),
                                      b_.getInt64Ty());
  llvm::Value* limit = ctx_field(kCtxStackLimit, b_.getInt64Ty(), "limit");
  trap_if(b_.CreateICmpULT(sp, limit), TrapCode::CallStackExhausted);
  b_.CreateBr(rest);
}

}  // namespace flint::aot
