// Loop entries (abi.h): the translation of a function with loops that a
// tiered run compiles, whose start jumps into the loop the interpreter is
// running, with the locals the interpreter's frame holds. This is tiering's
// on-stack replacement (src/tiered/README.md): a program whose time goes to
// one long loop in one call -- a kernel's `run`, a main loop -- reaches
// compiled code at that loop's next iteration, not at the function's next
// call.
//
// The entry is the function's body with three differences: every local
// starts from the slots (the interpreter's frame: parameters, then
// declared locals, slot_count each, as runtime/objects.h lays them out),
// the entry block ends in a switch on the loop's offset, and the function's
// end writes its results to the slots and returns 1. Locals are allocas
// until mem2reg, so jumping into a loop header needs no PHI of ours: SSA
// construction merges the values that come from the switch. Only
// outermost loops are targets (module/outermost_loops.h says why), and not
// one whose header carries values (an operand below the loop, loop
// parameters) or one inside a try_table, whose catch clauses are the
// interpreter frame's own: the switch's default returns 0 at once, having
// done nothing, and the interpreter keeps the loop.
//
// The switch's one other case, kFunctionStart, is an ordinary call: the
// declared locals start at zero and the body runs from its first
// instruction. The function itself is then only a wrapper that passes its
// arguments through slots (emit_call_through_loop_entry), so the body is
// compiled once: a second, separate translation for calls doubled the
// compile a tiered run waits for (sha256's 33 ms became 53).
#include <algorithm>

#include "aot/abi.h"
#include "aot/llvm/function_codegen.h"
#include "aot/llvm/nan_preserving.h"
#include "aot/llvm/slot_values.h"
#include "module/outermost_loops.h"
#include "runtime/objects.h"

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
  return zero_local(type);
}

llvm::Value* FunctionCodegen::zero_local(llvm::Type* type) {
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

void FunctionCodegen::emit_loop_dispatch(llvm::BasicBlock* dispatch, llvm::BasicBlock* body) {
  llvm::BasicBlock* refuse = new_block("loop.refuse");
  b_.SetInsertPoint(refuse);
  b_.CreateRet(b_.getInt32(0));
  // A call: the declared locals' slots hold nothing (the wrapper passed the
  // arguments only), so they start at zero here, as constants the optimiser
  // sees on this path.
  llvm::BasicBlock* start = new_block("function.start");
  b_.SetInsertPoint(start);
  for (size_t i = type_.params.size(); i < local_types_.size(); ++i)
    b_.CreateStore(zero_local(locals_[i]->getAllocatedType()), locals_[i]);
  b_.CreateBr(body);
  b_.SetInsertPoint(dispatch);
  auto* sw = b_.CreateSwitch(fn_->getArg(2), refuse, uint32_t(loop_headers_.size() + 1));
  sw->addCase(b_.getInt32(kFunctionStart), start);
  for (auto [offset, header] : loop_headers_) sw->addCase(b_.getInt32(offset), header);
}

void FunctionCodegen::return_through_slots(const std::vector<llvm::Value*>& results) {
  std::vector<uint32_t> offsets = slot_offsets(type_.results);
  for (size_t i = 0; i < results.size(); ++i)
    store_slot_value(b_, results[i], fn_->getArg(1), offsets[i]);
  b_.CreateRet(b_.getInt32(1));
}

void FunctionCodegen::emit_call_through_loop_entry(ModuleDecls& decls, uint32_t defined_index,
                                                   llvm::Function* loop_entry) {
  llvm::Function* f = decls.functions[defined_index];
  const Function& function = decls.wasm.functions[defined_index];
  const FuncType& type = decls.wasm.types[function.type_index];
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(decls.context, "entry", f));
  std::vector<ValType> locals = type.params;
  locals.insert(locals.end(), function.locals.begin(), function.locals.end());
  // The loop entry reads every local's slot (it ignores the declared ones'
  // at the start) and writes the results over the first ones.
  uint32_t slots = std::max(slot_count(locals), slot_count(type.results));
  llvm::Value* frame = b.CreateAlloca(b.getInt64Ty(), b.getInt32(std::max(slots, 1u)), "slots");
  std::vector<uint32_t> param_slots = slot_offsets(type.params);
  for (size_t i = 0; i < type.params.size(); ++i)
    store_slot_value(b, f->getArg(uint32_t(i) + 1), frame, param_slots[i]);
  llvm::CallInst* call =
      b.CreateCall(loop_entry, {f->getArg(0), frame, b.getInt32(kFunctionStart)});
  // Kept a call, so that the body is compiled once (and the wrapper, which
  // backtraces skip, never holds the function's frames).
  call->setIsNoInline();
  std::vector<uint32_t> result_slots = slot_offsets(type.results);
  std::vector<llvm::Value*> results;
  for (size_t i = 0; i < type.results.size(); ++i)
    results.push_back(
        load_slot_value(b, llvm_type(decls.context, type.results[i]), frame, result_slots[i]));
  return_wasm_results(b, results);
}

}  // namespace flint::aot
