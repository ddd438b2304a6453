// Exception handling in compiled code (wasm 3.0, spec 4.4.8 try_table,
// throw, throw_ref; the design shared by both engines is in
// runtime/execution.h).
//
// An exception leaves compiled code like a trap: the helper that raises it
// jumps to the innermost entry (native_call.cc), so functions without a
// try_table, and modules without exception handling, are compiled exactly
// as before. Inside a try_table, calls go through Helpers::call_catching,
// which enters the callee through its FuncEntry (an entry of its own, so
// the exception stops there) and reports it; the call site then branches
// to the try_table's dispatch block. A throw inside a try_table branches
// there directly. The dispatch block tests the clauses in order (tag
// identity through Helpers::exception_is), catches into the label's PHIs,
// and otherwise goes on to the enclosing try_table's dispatch block or
// unwinds out of the function (Helpers::rethrow).
#include "aot/llvm/function_codegen.h"
#include "aot/llvm/slot_values.h"
#include "runtime/objects.h"

namespace flint::aot {

llvm::BasicBlock* FunctionCodegen::innermost_dispatch() const {
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
    if (it->dispatch) return it->dispatch;
  return nullptr;
}

llvm::Value* FunctionCodegen::slot_buffer(uint32_t n) {
  llvm::IRBuilder<> eb(entry_);
  auto* slots = eb.CreateAlloca(b_.getInt64Ty(), b_.getInt32(std::max(n, 1u)));
  slots->setAlignment(llvm::Align(16));
  return slots;
}

void FunctionCodegen::unwind_here() {
  if (llvm::BasicBlock* dispatch = innermost_dispatch()) {
    b_.CreateBr(dispatch);
  } else {
    helper(offsetof(Helpers, rethrow),
           llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy()}, false), {});
    b_.CreateUnreachable();
  }
}

// The dispatch block is emitted when the try_table opens: its clauses'
// labels are the frames enclosing the try_table, as validation resolves them.
void FunctionCodegen::emit_try_table(const Instr& in) {
  llvm::Type* ptr = b_.getPtrTy();
  llvm::Type* i32 = b_.getInt32Ty();
  llvm::BasicBlock* dispatch = new_block("catch.dispatch");
  llvm::BasicBlock* here = b_.GetInsertBlock();
  const std::vector<llvm::Value*> stack = stack_;
  b_.SetInsertPoint(dispatch);
  for (const CatchClause& c : function_.catches(in)) {
    Frame& target = frames_[frames_.size() - 1 - c.label];
    const bool all = c.kind == CatchKind::CatchAll || c.kind == CatchKind::CatchAllRef;
    llvm::BasicBlock* take = new_block("catch");
    llvm::BasicBlock* next = new_block("catch.next");
    if (all) {
      b_.CreateBr(take);
    } else {
      llvm::Value* is =
          helper(offsetof(Helpers, exception_is), llvm::FunctionType::get(i32, {ptr, i32}, false),
                 {b_.getInt32(c.tag)});
      b_.CreateCondBr(b_.CreateICmpNE(is, b_.getInt32(0)), take, next);
    }
    b_.SetInsertPoint(take);
    std::vector<ValType> payload;
    if (!all) payload = wasm_.types[wasm_.tag_type_index(c.tag)].params;
    llvm::Value* slots = slot_buffer(slot_count(payload));
    llvm::Value* exn = helper(offsetof(Helpers, catch_exception),
                              llvm::FunctionType::get(ptr, {ptr, ptr}, false), {slots});
    stack_ = stack;
    std::vector<uint32_t> offsets = slot_offsets(payload);
    for (size_t i = 0; i < payload.size(); ++i)
      push(load_slot_value(b_, llvm_type(c_, payload[i]), slots, offsets[i]));
    if (c.kind == CatchKind::CatchRef || c.kind == CatchKind::CatchAllRef) push(exn);
    add_incoming(target, b_.GetInsertBlock());
    b_.CreateBr(target.label);
    b_.SetInsertPoint(next);
  }
  stack_ = stack;
  unwind_here();  // no clause matched: the enclosing try_table's, or out
  b_.SetInsertPoint(here);
  begin_frame(FrameKind::Block, in);
  frames_.back().dispatch = dispatch;
}

void FunctionCodegen::emit_throw(const Instr& in) {
  const FuncType& tag = wasm_.types[wasm_.tag_type_index(in.a)];
  std::vector<llvm::Value*> args = pop_n(tag.params.size());
  llvm::Value* slots = slot_buffer(slot_count(tag.params));
  std::vector<uint32_t> offsets = slot_offsets(tag.params);
  for (size_t i = 0; i < args.size(); ++i) store_slot_value(b_, args[i], slots, offsets[i]);
  llvm::Type* ptr = b_.getPtrTy();
  helper(offsetof(Helpers, new_exception),
         llvm::FunctionType::get(b_.getVoidTy(), {ptr, b_.getInt32Ty(), ptr}, false),
         {b_.getInt32(in.a), slots});
  unwind_here();
  mark_unreachable();
}

void FunctionCodegen::emit_throw_ref() {
  llvm::Type* ptr = b_.getPtrTy();
  helper(offsetof(Helpers, set_exception),
         llvm::FunctionType::get(b_.getVoidTy(), {ptr, ptr}, false), {pop()});
  unwind_here();
  mark_unreachable();
}

void FunctionCodegen::emit_catching_call(llvm::Value* func_inst, const FuncType& type) {
  std::vector<llvm::Value*> args = pop_n(type.params.size());
  llvm::Value* slots = slot_buffer(std::max(slot_count(type.params), slot_count(type.results)));
  std::vector<uint32_t> arg_slots = slot_offsets(type.params);
  for (size_t i = 0; i < args.size(); ++i) store_slot_value(b_, args[i], slots, arg_slots[i]);
  llvm::Type* ptr = b_.getPtrTy();
  llvm::Value* failed =
      helper(offsetof(Helpers, call_catching),
             llvm::FunctionType::get(b_.getInt32Ty(), {ptr, ptr, ptr}, false), {func_inst, slots});
  llvm::BasicBlock* ok = new_block("call.ok");
  b_.CreateCondBr(b_.CreateICmpNE(failed, b_.getInt32(0)), innermost_dispatch(), ok);
  b_.SetInsertPoint(ok);
  std::vector<uint32_t> result_slots = slot_offsets(type.results);
  for (size_t i = 0; i < type.results.size(); ++i)
    push(load_slot_value(b_, llvm_type(c_, type.results[i]), slots, result_slots[i]));
}

}  // namespace flint::aot
