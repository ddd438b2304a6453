// LLVM's memset/memcpy/memmove intrinsics turned into plain loads and
// stores before the quick code generator sees them.
#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <cstdint>

namespace flint::aot {

/// The longest constant-length memset/memcpy/memmove that
/// expand_memory_intrinsics writes out as straight-line stores; longer or
/// variable ones become loops.
inline constexpr uint64_t kMaxInlineMemoryIntrinsicBytes = 128;

/// Replaces every call to llvm.memset, llvm.memcpy and llvm.memmove in the
/// module's function bodies by loads and stores: straight-line ones for a
/// constant length up to kMaxInlineMemoryIntrinsicBytes, LLVM's loops
/// otherwise.
///
/// Why: -O2's IR pipeline merges neighbouring stores to a stack buffer into
/// llvm.memset (MemCpyOpt), and LLVM's fast instruction selector (the quick
/// code generator, Effort) lowers every such intrinsic to a call of the C
/// library's memset, which a compiled module cannot import (code_image.cc
/// refuses undefined symbols) -- where -O2's selector would have expanded a
/// small one inline. Returns how many calls it replaced.
size_t expand_memory_intrinsics(llvm::Module& module, llvm::TargetMachine& machine);

}  // namespace flint::aot
