// Fuel metering and interruption checks in compiled code (Config::fuel,
// Config::interruptible; ArtifactOptions).
//
// Compiled code charges exactly what the interpreter charges, so a budget
// gives the same "all fuel consumed" point in both engines: one unit when a
// function is entered (the interpreter charges it at the call, or when the
// host invokes the function) and one unit each time control reaches a loop's
// head, which is once on entry and once per back-edge (the interpreter's
// `fuel` instruction at the loop label). Host functions are free.
//
// The counter is the store's (ExecutionState::fuel), reached
// through VmCtx::fuel, so interpreted callees and compiled callers spend one
// budget; it is decremented, and a negative result traps. Only modules
// compiled with the option contain this code: without it there is no cost.
#include "aot/llvm/function_codegen.h"

namespace flint::aot {

void FunctionCodegen::charge_fuel() {
  if (!fuel_counter_) {
    // The counter's address never changes during a call: load it once.
    llvm::IRBuilder<> eb(entry_);
    fuel_counter_ = eb.CreateLoad(
        eb.getPtrTy(), eb.CreateConstInBoundsGEP1_64(eb.getInt8Ty(), ctx_, kCtxFuel), "fuel");
  }
  llvm::Value* left = b_.CreateSub(b_.CreateLoad(b_.getInt64Ty(), fuel_counter_), b_.getInt64(1));
  b_.CreateStore(left, fuel_counter_);
  trap_if(b_.CreateICmpSLT(left, b_.getInt64(0)), TrapCode::OutOfFuel);
}

// Interruption is checked at the same places as fuel, by time instead of by
// count: another thread (Store::interrupt, the deadline timer) sets the
// store's flag, and the next function entry or loop head sees it. The load
// is volatile so LLVM keeps it inside the loop it guards; a relaxed read is
// enough, as the flag only ever asks to stop.
void FunctionCodegen::check_interrupt() {
  if (!interrupt_flag_) {
    llvm::IRBuilder<> eb(entry_);
    interrupt_flag_ = eb.CreateLoad(
        eb.getPtrTy(), eb.CreateConstInBoundsGEP1_64(eb.getInt8Ty(), ctx_, kCtxInterrupted),
        "interrupted");
  }
  llvm::LoadInst* flag = b_.CreateLoad(b_.getInt32Ty(), interrupt_flag_);
  flag->setVolatile(true);
  trap_if(b_.CreateICmpNE(flag, b_.getInt32(0)), TrapCode::Interrupt);
}

}  // namespace flint::aot
