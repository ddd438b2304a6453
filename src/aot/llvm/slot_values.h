// Wasm values in the runtime's slot encoding (runtime/objects.h store_value,
// the interpreter's frames): one 64-bit slot per value, the low bits holding
// an i32/f32 (zero-extended), i64/f64 bits or a reference pointer, and a
// v128 across two consecutive slots. Compiled code uses it where arguments
// and results cross the runtime: entry wrappers and calls to functions
// without machine code (host and interpreted callees).
#pragma once

#include <llvm/IR/IRBuilder.h>

#include <vector>

#include "flint/types.h"

namespace flint::aot {

/// The first slot of each value of `types` (store_value's encoding,
/// runtime/objects.h; slot_count there gives the total).
std::vector<uint32_t> slot_offsets(const std::vector<ValType>& types);

/// Stores `v` at slot `index` of `slots` (an i64 array).
void store_slot_value(llvm::IRBuilder<>& b, llvm::Value* v, llvm::Value* slots, uint32_t index);
/// Loads a value of LLVM type `t` from slot `index` of `slots`.
llvm::Value* load_slot_value(llvm::IRBuilder<>& b, llvm::Type* t, llvm::Value* slots,
                             uint32_t index);

}  // namespace flint::aot
