// Long basic blocks cut into shorter ones before instruction selection.
#pragma once

#include <llvm/IR/Module.h>

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

}  // namespace flint::aot
