// Loop entries (abi.h): a second translation of a function with loops, whose
// start jumps into the loop the interpreter is running, with the locals the
// interpreter's frame holds. This is tiering's on-stack replacement
// (src/tiered/README.md): a program whose time goes to one long loop in one
// call -- a kernel's `run`, a main loop -- reaches compiled code at that
// loop's next iteration, not at the function's next call.
//
// The entry is the same body emitted again, with three differences: every
// local starts from the slots (the interpreter's frame: parameters, then
// declared locals, slot_count each, as runtime/objects.h lays them out),
// the entry block ends in a switch on the loop's offset, and the function's
// end writes its results to the slots and returns 1. Locals are allocas
// until mem2reg, so jumping into a loop header needs no PHI of ours: SSA
// construction merges the values that come from the switch. Only
// outermost loops are targets (module/outermost_loops.h says why), and not
// one whose header carries values (an operand below the loop, loop
// parameters) or one inside a try_table, whose catch clauses are the
// interpreter frame's own: the switch's default returns 0 at once, having
// done nothing, and the interpreter keeps the loop. The function's code
// before its loops is unreachable from the switch and deleted by the
// optimiser, so the entry costs about one more compile of its loops.
#include <algorithm>

#include "aot/llvm/function_codegen.h"
#include "aot/llvm/nan_preserving.h"
#include "aot/llvm/slot_values.h"
#include "module/outermost_loops.h"

namespace flint::aot {

llvm::FunctionType* FunctionCodegen::loop_entry_type(llvm::LLVMContext& c) {
  llvm::Type* ptr = llvm::PointerType::get(c, 0);
  return llvm::FunctionType::get(llvm::Type::getInt32Ty(c), {ptr, ptr, llvm::Type::getInt32Ty(c)},
                                 false);
}

llvm::Value* FunctionCodegen::initial_local(size_t index, llvm::Type* type) {
  if (loop_entry_) {
    if (local_slots_.empty()) local_slots_ = slot_offsets(local_types_);
    return load_slot_value(b_, type, fn_->getArg(1), local_slots_[index]);
  }
  if (index < type_.params.size()) return fn_->getArg(uint32_t(index) + 1);
  // A float local's zero must not let LLVM fold `x - 0.0` to x (nan_preserving.h).
  llvm::Constant* zero = llvm::Constant::getNullValue(type);
  return type->isFloatingPointTy() ? nan_opaque(b_, zero) : zero;
}

void FunctionCodegen::note_loop_header(const Instr& loop, llvm::BasicBlock* header) {
  if (!stack_.empty() || innermost_dispatch()) return;
  if (outermost_loops_.empty()) outermost_loops_ = outermost_loops(function_);
  if (!std::binary_search(outermost_loops_.begin(), outermost_loops_.end(), loop.offset)) return;
  loop_headers_.emplace_back(loop.offset, header);
}

void FunctionCodegen::emit_loop_dispatch(llvm::BasicBlock* dispatch) {
  llvm::BasicBlock* refuse = new_block("loop.refuse");
  b_.SetInsertPoint(refuse);
  b_.CreateRet(b_.getInt32(0));
  b_.SetInsertPoint(dispatch);
  auto* sw = b_.CreateSwitch(fn_->getArg(2), refuse, uint32_t(loop_headers_.size()));
  for (auto [offset, header] : loop_headers_) sw->addCase(b_.getInt32(offset), header);
}

void FunctionCodegen::return_through_slots(const std::vector<llvm::Value*>& results) {
  std::vector<uint32_t> offsets = slot_offsets(type_.results);
  for (size_t i = 0; i < results.size(); ++i)
    store_slot_value(b_, results[i], fn_->getArg(1), offsets[i]);
  b_.CreateRet(b_.getInt32(1));
}

}  // namespace flint::aot
