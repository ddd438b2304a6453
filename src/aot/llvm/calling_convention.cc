#include "aot/llvm/calling_convention.h"

namespace flint::aot {

llvm::CallingConv::ID wasm_calling_convention(const llvm::Triple& target) {
  return (target.isX86() && target.isArch64Bit()) || target.isAArch64() ? llvm::CallingConv::Swift
                                                                        : llvm::CallingConv::C;
}

void use_wasm_calling_convention(llvm::Function& function, llvm::CallingConv::ID cc) {
  function.setCallingConv(cc);
  if (cc == llvm::CallingConv::Swift) function.addParamAttr(0, llvm::Attribute::SwiftSelf);
}

void use_wasm_calling_convention(llvm::CallInst& call, llvm::CallingConv::ID cc) {
  call.setCallingConv(cc);
  if (cc == llvm::CallingConv::Swift) call.addParamAttr(0, llvm::Attribute::SwiftSelf);
}

}  // namespace flint::aot
