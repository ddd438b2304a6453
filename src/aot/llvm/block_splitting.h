// Long basic blocks cut into shorter ones before instruction selection.
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>

#include <cstddef>

namespace flint::aot {

/// The longest block split_long_blocks leaves: long enough that no block a
/// person writes is touched, short enough that the per-block quadratic
/// steps of LLVM's code generator stay small (block_splitting.cc).
inline constexpr size_t kMaxBlockInstructions = 2000;

/// Splits every block of the module's function bodies longer than
/// `max_instructions` into consecutive blocks of at most that many, joined
/// by unconditional branches to the next block (which instruction selection
/// turns into fall-through: no instruction is added).
void split_long_blocks(llvm::Module& module, size_t max_instructions = kMaxBlockInstructions);

/// split_long_blocks for one function, whose blocks it changes: returns
/// whether it cut any.
bool split_long_blocks(llvm::Function& function, size_t max_instructions = kMaxBlockInstructions);

/// split_long_blocks as the last pass of a function pipeline (the quick
/// one, Effort): each function is cut right after its own optimisation,
/// while its instructions are still in the cache, rather than in a walk of
/// the whole module afterwards (1.4% of Go's os test binary's compile in a
/// profile).
struct SplitLongBlocksPass : llvm::PassInfoMixin<SplitLongBlocksPass> {
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager&) {
    return split_long_blocks(function) ? llvm::PreservedAnalyses::none()
                                       : llvm::PreservedAnalyses::all();
  }
};

}  // namespace flint::aot
