#include "aot/llvm/frame_info.h"

#include <llvm/IR/Function.h>

namespace flint::aot {

// Cost: the frame pointer takes one register and a push/pop per call (a few
// percent on call-heavy code, none in loops); unwind tables take space only.
void keep_frame_info(llvm::Module& module) {
  for (llvm::Function& f : module) {
    if (f.isDeclaration()) continue;
    f.addFnAttr("frame-pointer", "all");
    f.setUWTableKind(llvm::UWTableKind::Async);
  }
}

}  // namespace flint::aot
