#include "aot/llvm/memory_order.h"

#include "aot/llvm/function_codegen.h"

namespace flint::aot {

// wasm's alignment immediate is only a hint (spec 4.4.7), so every access is
// emitted with alignment 1. An access is where a fault happens: it carries
// its offset in a large module too (locate_site).
llvm::Value* FunctionCodegen::memory_load(llvm::Type* type, llvm::Value* address) {
  llvm::LoadInst* load = locate_site(b_.CreateAlignedLoad(type, address, llvm::Align(1)));
  load->setVolatile(true);
  return load;
}

void FunctionCodegen::memory_store(llvm::Value* value, llvm::Value* address) {
  locate_site(b_.CreateAlignedStore(value, address, llvm::Align(1), /*isVolatile=*/true));
}

}  // namespace flint::aot
