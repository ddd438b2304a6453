// Fuel metering in compiled code (Config::fuel, ArtifactOptions::fuel).
//
// Compiled code charges exactly what the interpreter charges, so a budget
// gives the same "all fuel consumed" point in both engines: one unit when a
// function is entered (the interpreter charges it at the call, or when the
// host invokes the function) and one unit each time control reaches a loop's
// head, which is once on entry and once per back-edge (the interpreter's
// `fuel` instruction at the loop label). Host functions are free.
//
// The counter is the store's (interp::Executor::fuel_counter), reached
// through VmCtx::fuel, so interpreted callees and compiled callers spend one
// budget; it is decremented, and a negative result traps. Only modules
// compiled with the option contain this code: without it there is no cost.
#include "aot/llvm/function_codegen.h"

namespace flint::aot {

void FunctionCodegen::charge_fuel() {
  if (!fuel_counter_) {
    // The counter's address never changes during a call: load it once.
    llvm::IRBuilder<> eb(entry_);
    fuel_counter_ = eb.CreateLoad(eb.getPtrTy(),
                                  eb.CreateConstInBoundsGEP1_64(eb.getInt8Ty(), ctx_, kCtxFuel), "fuel");
  }
  llvm::Value* left = b_.CreateSub(b_.CreateLoad(b_.getInt64Ty(), fuel_counter_), b_.getInt64(1));
  b_.CreateStore(left, fuel_counter_);
  trap_if(b_.CreateICmpSLT(left, b_.getInt64(0)), TrapCode::OutOfFuel);
}

}  // namespace flint::aot
