// What the runtime needs to name compiled frames in a trap's backtrace
// (src/aot/backtrace.h): unwind tables the C++ unwinder can walk through
// compiled code, from any instruction a fault may hit.
#pragma once

#include <llvm/IR/Module.h>

namespace flint::aot {

/// Gives every function of the module an asynchronous unwind table.
void keep_frame_info(llvm::Module& module);

}  // namespace flint::aot
