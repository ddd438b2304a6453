#include "aot/llvm/memory_order.h"

#include <llvm/Support/CommandLine.h>

#include <mutex>

#include "aot/llvm/function_codegen.h"

namespace flint::aot {

namespace {
// LLVM exposes these switches only as command-line options of the process.
void set_flag(const char* name, bool value) {
  auto& options = llvm::cl::getRegisteredOptions();
  auto it = options.find(name);
  if (it == options.end()) return;
  if (auto* flag = static_cast<llvm::cl::opt<bool>*>(it->second)) flag->setValue(value);
}
}  // namespace

void keep_memory_access_order() {
  static std::once_flag once;
  std::call_once(once, [] {
    set_flag("instcombine-code-sinking", false);
    set_flag("disable-machine-sink", true);
  });
}

// A dropped value computed from loads: those loads become volatile, so they
// still execute, in order, and fault when out of bounds. Values not computed
// from memory need nothing. The search is bounded: a deep expression keeps
// its outermost loads volatile, which is what matters for typical code.
void FunctionCodegen::emit_drop_use(llvm::Value* v) {
  std::vector<llvm::Value*> work{v};
  for (int budget = 16; !work.empty() && budget > 0; --budget) {
    llvm::Value* x = work.back();
    work.pop_back();
    if (auto* load = llvm::dyn_cast<llvm::LoadInst>(x)) {
      // Locals are allocas, not linear memory.
      if (!llvm::isa<llvm::AllocaInst>(load->getPointerOperand())) load->setVolatile(true);
    } else if (auto* i = llvm::dyn_cast<llvm::Instruction>(x)) {
      if (!llvm::isa<llvm::PHINode>(i) && !llvm::isa<llvm::CallBase>(i))
        for (llvm::Value* op : i->operands()) work.push_back(op);
    }
  }
}

}  // namespace flint::aot
