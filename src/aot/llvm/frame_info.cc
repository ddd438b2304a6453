#include "aot/llvm/frame_info.h"

#include <llvm/IR/Function.h>

namespace flint::aot {

// Unwind tables cost space only (.eh_frame), no instruction. Frame pointers
// would make the walk simpler but cost a register and a push/pop per call:
// about 20% on recursive fib, so backtrace.h unwinds with the tables instead.
void keep_frame_info(llvm::Module& module) {
  for (llvm::Function& f : module)
    if (!f.isDeclaration()) f.setUWTableKind(llvm::UWTableKind::Async);
}

}  // namespace flint::aot
