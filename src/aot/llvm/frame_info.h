// What the runtime needs to name compiled frames in a trap's backtrace
// (src/aot/backtrace.h): frame pointers, for the walk the SIGSEGV handler
// does, and unwind tables, for the unwinder explicit traps use.
#pragma once

#include <llvm/IR/Module.h>

namespace flint::aot {

/// Gives every function of the module a frame pointer and an asynchronous
/// unwind table (valid at every instruction, as a fault may hit any).
void keep_frame_info(llvm::Module& module);

}  // namespace flint::aot
