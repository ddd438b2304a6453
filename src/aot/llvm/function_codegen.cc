// Structure, variables, memory and calls of FunctionCodegen (see the header
// for the shape of the translation). Numeric instructions are in
// numeric_codegen.cc.
#include "aot/llvm/function_codegen.h"

#include <fmt/format.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>

#include "aot/llvm/calling_convention.h"
#include "aot/llvm/nan_preserving.h"
#include "aot/llvm/slot_values.h"
#include "module/opcode_cases.h"
#include "runtime/objects.h"

namespace flint::aot {

llvm::Type* llvm_type(llvm::LLVMContext& c, ValType t) {
  switch (t) {
    case ValType::I32: return llvm::Type::getInt32Ty(c);
    case ValType::I64: return llvm::Type::getInt64Ty(c);
    case ValType::F32: return llvm::Type::getFloatTy(c);
    case ValType::F64: return llvm::Type::getDoubleTy(c);
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef: return llvm::PointerType::get(c, 0);
    case ValType::V128: return llvm::FixedVectorType::get(llvm::Type::getInt64Ty(c), 2);
  }
  return nullptr;
}

llvm::FunctionType* llvm_function_type(llvm::LLVMContext& c, const FuncType& type) {
  std::vector<llvm::Type*> params{llvm::PointerType::get(c, 0)};
  for (ValType t : type.params) {
    llvm::Type* lt = llvm_type(c, t);
    if (!lt) return nullptr;
    params.push_back(lt);
  }
  std::vector<llvm::Type*> results;
  for (ValType t : type.results) {
    llvm::Type* lt = llvm_type(c, t);
    if (!lt) return nullptr;
    results.push_back(lt);
  }
  llvm::Type* ret = results.empty()       ? llvm::Type::getVoidTy(c)
                    : results.size() == 1 ? results[0]
                                          : llvm::StructType::get(c, results);
  return llvm::FunctionType::get(ret, params, false);
}

void return_wasm_results(llvm::IRBuilder<>& b, const std::vector<llvm::Value*>& results) {
  if (results.empty()) {
    b.CreateRetVoid();
  } else if (results.size() == 1) {
    b.CreateRet(results[0]);
  } else {
    llvm::Value* agg = llvm::UndefValue::get(b.GetInsertBlock()->getParent()->getReturnType());
    for (size_t i = 0; i < results.size(); ++i) agg = b.CreateInsertValue(agg, results[i], i);
    b.CreateRet(agg);
  }
}

FunctionCodegen::FunctionCodegen(ModuleDecls& decls, uint32_t defined_index,
                                 llvm::Function* loop_entry)
    : decls_(decls),
      c_(decls.context),
      wasm_(decls.wasm),
      function_(decls.wasm.functions[defined_index]),
      type_(decls.wasm.types[function_.type_index]),
      fn_(loop_entry ? loop_entry : decls.functions[defined_index]),
      b_(decls.context),
      simd_(b_, SimdTarget::from(decls.llvm_module.getTargetTriple(), decls.target_features)),
      loop_entry_(loop_entry != nullptr) {}

llvm::BasicBlock* FunctionCodegen::new_block(const char* name) {
  return llvm::BasicBlock::Create(c_, name, fn_);
}

std::vector<llvm::Value*> FunctionCodegen::pop_n(size_t n) {
  std::vector<llvm::Value*> values(stack_.end() - n, stack_.end());
  stack_.resize(stack_.size() - n);
  return values;
}

std::vector<llvm::PHINode*> FunctionCodegen::make_phis(llvm::BasicBlock* bb,
                                                       const std::vector<ValType>& types) {
  llvm::IRBuilder<> pb(bb);
  std::vector<llvm::PHINode*> phis;
  for (ValType t : types) phis.push_back(pb.CreatePHI(llvm_type(c_, t), 2));
  return phis;
}

std::pair<std::vector<ValType>, std::vector<ValType>> FunctionCodegen::block_type(
    const Instr& in) const {
  switch (BlockKind(in.a)) {
    case BlockKind::Empty: return {{}, {}};
    case BlockKind::Value: return {{}, {ValType(in.b)}};
    case BlockKind::TypeIndex: {
      const FuncType& t = wasm_.types[in.b];
      return {t.params, t.results};
    }
  }
  return {};
}

// ---- runtime access ------------------------------------------------------

llvm::Value* FunctionCodegen::ctx_field(size_t offset, llvm::Type* type, const char* name) {
  llvm::Value* p = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), ctx_, offset);
  return b_.CreateLoad(type, p, name);
}

llvm::Value* FunctionCodegen::helper(size_t offset, llvm::FunctionType* type,
                                     std::vector<llvm::Value*> args) {
  llvm::Value* table = ctx_field(kCtxHelpers, b_.getPtrTy(), "helpers");
  llvm::Value* slot = b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), table, offset);
  llvm::Value* callee = b_.CreateLoad(b_.getPtrTy(), slot);
  args.insert(args.begin(), ctx_);
  return locate_site(b_.CreateCall(type, callee, args));
}

uint32_t FunctionCodegen::function_start() const {
  return function_.body.empty() ? 0 : function_.body.front().offset;
}

void FunctionCodegen::locate_at(uint32_t offset) {
  if (!subprogram_) return;
  located_offset_ = offset;
  if (!decls_.call_site_locations_only) {
    b_.SetCurrentDebugLocation(llvm::DILocation::get(c_, offset, 0, subprogram_));
    return;
  }
  // Until the function's first site; then each site's (locate_site).
  if (!no_offset_) {
    no_offset_ = llvm::DILocation::get(c_, 0, 0, subprogram_);
    b_.SetCurrentDebugLocation(no_offset_);
  }
}

// A trap is a cold block, so a checked division costs a compare and a
// branch predicted not taken.
void FunctionCodegen::trap_if(llvm::Value* condition, TrapCode code) {
  // With debug locations each trap gets its own call, which LLVM may not
  // merge with another (nomerge): the call's location is this trap's
  // offset. Without, one block per trap code serves the whole function.
  llvm::BasicBlock* site_block = nullptr;
  llvm::BasicBlock*& trap = subprogram_ ? site_block : trap_blocks_[uint32_t(code)];
  if (!trap) {
    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    trap = new_block("trap");
    b_.SetInsertPoint(trap);
    auto* type = llvm::FunctionType::get(b_.getVoidTy(), {b_.getPtrTy(), b_.getInt32Ty()}, false);
    auto* call = llvm::cast<llvm::CallInst>(
        helper(offsetof(Helpers, trap), type, {b_.getInt32(uint32_t(code))}));
    call->setDoesNotReturn();
    if (subprogram_) call->addFnAttr(llvm::Attribute::NoMerge);
    b_.CreateUnreachable();
  }
  llvm::BasicBlock* cont = new_block("ok");
  llvm::MDBuilder md(c_);
  b_.CreateCondBr(condition, trap, cont, md.createBranchWeights(1, 1u << 20));
  b_.SetInsertPoint(cont);
}

llvm::Value* FunctionCodegen::global_slot(uint32_t index) {
  if (global_slots_[index]) return global_slots_[index];
  // GlobalInst pointers never change for an instance: load them once, in the
  // entry block, so loops do not reload them after every memory store.
  llvm::IRBuilder<> eb(entry_);
  llvm::Value* globals = eb.CreateLoad(
      eb.getPtrTy(), eb.CreateConstInBoundsGEP1_64(eb.getInt8Ty(), ctx_, kCtxGlobals));
  llvm::Value* inst =
      eb.CreateLoad(eb.getPtrTy(), eb.CreateConstInBoundsGEP1_64(eb.getPtrTy(), globals, index));
  global_slots_[index] =
      eb.CreateConstInBoundsGEP1_64(eb.getInt8Ty(), inst, offsetof(GlobalInst, value));
  return global_slots_[index];
}

// Linear memory (spec 4.4.7): the effective address is a 33-bit sum of the
// operand and the static offset. The reservation covers 8 GiB plus a guard
// page beyond the base, so no check is needed: an access past the memory's
// size faults, and the signal handler turns the fault into a trap.
// Every memory is such a reservation (aot_module.cc checks), so memory N
// differs from memory 0 only in where its base comes from.
llvm::Value* FunctionCodegen::effective_address(llvm::Value* addr, uint64_t offset,
                                                uint32_t memory) {
  llvm::Value* ea = b_.CreateZExt(addr, b_.getInt64Ty());
  if (offset) ea = b_.CreateAdd(ea, b_.getInt64(offset), "", true, true);
  return b_.CreateInBoundsGEP(b_.getInt8Ty(), memory == 0 ? mem_base_ : memory_base(memory), ea);
}

llvm::Value* FunctionCodegen::memory_base(uint32_t memory) {
  if (mem_bases_[memory]) return mem_bases_[memory];
  // A memory's base never moves (runtime/memory.h): load it once, in the
  // entry block, as memory 0's is.
  llvm::IRBuilder<> eb(entry_);
  llvm::Value* bases = eb.CreateLoad(
      eb.getPtrTy(), eb.CreateConstInBoundsGEP1_64(eb.getInt8Ty(), ctx_, kCtxMemBases));
  mem_bases_[memory] =
      eb.CreateLoad(eb.getPtrTy(), eb.CreateConstInBoundsGEP1_64(eb.getPtrTy(), bases, memory));
  return mem_bases_[memory];
}

// ---- the body -------------------------------------------------------------

Status FunctionCodegen::emit() {
  entry_ = new_block("entry");
  llvm::BasicBlock* body = new_block("body");
  b_.SetInsertPoint(entry_);
  ctx_ = fn_->getArg(0);
  global_slots_.assign(wasm_.global_count(), nullptr);
  mem_bases_.assign(wasm_.memory_count(), nullptr);

  if (decls_.debug) {
    // Named by its index, which the code locations read back; the loop
    // entry has a subprogram of its own with the same name.
    uint32_t index = uint32_t(&function_ - wasm_.functions.data()) + wasm_.imported_functions;
    uint32_t start = function_start();
    subprogram_ = decls_.debug->createFunction(
        decls_.debug_file, std::to_string(index), llvm::StringRef(), decls_.debug_file, start,
        decls_.debug->createSubroutineType(decls_.debug->getOrCreateTypeArray({})), start,
        llvm::DINode::FlagZero, llvm::DISubprogram::SPFlagDefinition);
    fn_->setSubprogram(subprogram_);
  }
  locate_at(function_start());
  local_types_ = type_.params;
  local_types_.insert(local_types_.end(), function_.locals.begin(), function_.locals.end());
  bool calls = false;
  for (const Instr& in : function_.body) {
    if (in.op == Opcode::Call || in.op == Opcode::CallIndirect) calls = true;
  }
  for (size_t i = 0; i < local_types_.size(); ++i) {
    llvm::Type* t = llvm_type(c_, local_types_[i]);
    locals_.push_back(b_.CreateAlloca(t));
    b_.CreateStore(initial_local(i, t), locals_.back());
  }
  if (wasm_.memory_count() > 0) mem_base_ = ctx_field(kCtxMemBase, b_.getPtrTy(), "mem");

  b_.SetInsertPoint(body);
  // Only a function that calls can make the stack grow without bound; it
  // compares the stack pointer with the limit the runtime set before its
  // first call (place_stack_check, below).
  entry_and_loop_checks();

  llvm::BasicBlock* ret = new_block("return");
  Frame f;
  f.kind = FrameKind::Function;
  f.label = f.end = ret;
  f.label_phis = make_phis(ret, type_.results);
  f.end_phis = f.label_phis;
  f.height = 0;
  frames_.push_back(std::move(f));

  for (const Instr& in : function_.body) {
    if (frames_.empty()) break;
    locate_at(in.offset);
    FLINT_TRY(emit_instr(in));
  }
  // What follows (the loop entry's dispatch, the stack check) is the
  // function's own, not its last instruction's.
  locate_at(function_start());

  b_.SetInsertPoint(entry_);
  if (loop_entry_) {
    // The dispatch jumps into loops or to the body's start. It has a block
    // of its own so that a stack check placed above the loops' calls lands
    // in it, not among the entry's allocas.
    llvm::BasicBlock* dispatch = new_block("loop.dispatch");
    b_.CreateBr(dispatch);
    emit_loop_dispatch(dispatch, body);
  } else {
    b_.CreateBr(body);
  }
  // Blocks opened after a branch (mark_unreachable) stay empty; terminate them.
  for (llvm::BasicBlock& bb : *fn_) {
    if (bb.getTerminator()) continue;
    b_.SetInsertPoint(&bb);
    b_.CreateUnreachable();
  }
  if (calls) place_stack_check(body);
  return {};
}

void FunctionCodegen::mark_unreachable() {
  Frame& f = frames_.back();
  // Values a branch or trap leaves behind are discarded; loads among them
  // were emitted volatile (memory_order.h), so they still run and fault.
  f.unreachable = true;
  stack_.resize(f.height);
  // Code after the branch has no predecessor; give it a block nobody jumps
  // to so emission can continue, and let the optimizer delete it.
  b_.SetInsertPoint(new_block("dead"));
}

void FunctionCodegen::add_incoming(Frame& target, llvm::BasicBlock* from) {
  size_t n = target.label_phis.size();
  for (size_t i = 0; i < n; ++i)
    target.label_phis[i]->addIncoming(stack_[stack_.size() - n + i], from);
}

void FunctionCodegen::branch_to(uint32_t depth) {
  Frame& target = frames_[frames_.size() - 1 - depth];
  add_incoming(target, b_.GetInsertBlock());
  b_.CreateBr(target.label);
}

void FunctionCodegen::begin_frame(FrameKind kind, const Instr& in) {
  auto [params, results] = block_type(in);
  llvm::Value* condition = kind == FrameKind::If ? b_.CreateICmpNE(pop(), b_.getInt32(0)) : nullptr;
  Frame f;
  f.kind = kind;
  f.end = new_block("end");
  f.height = stack_.size() - params.size();
  f.end_phis = make_phis(f.end, results);
  if (kind == FrameKind::Loop) {
    f.label = new_block("loop");
    f.label_phis = make_phis(f.label, params);
    add_incoming(f, b_.GetInsertBlock());
    b_.CreateBr(f.label);
    b_.SetInsertPoint(f.label);
    stack_.resize(f.height);
    for (llvm::PHINode* phi : f.label_phis) push(phi);
    if (loop_entry_) note_loop_header(in, f.label);
    entry_and_loop_checks();
  } else {
    f.label = f.end;
    f.label_phis = f.end_phis;
    if (kind == FrameKind::If) {
      llvm::BasicBlock* then_block = new_block("then");
      f.else_block = new_block("else");
      f.params.assign(stack_.end() - params.size(), stack_.end());
      b_.CreateCondBr(condition, then_block, f.else_block);
      b_.SetInsertPoint(then_block);
    }
  }
  frames_.push_back(std::move(f));
}

void FunctionCodegen::else_arm() {
  Frame& f = frames_.back();
  if (!f.unreachable) {
    size_t n = f.end_phis.size();
    for (size_t i = 0; i < n; ++i)
      f.end_phis[i]->addIncoming(stack_[stack_.size() - n + i], b_.GetInsertBlock());
    b_.CreateBr(f.end);
  }
  b_.SetInsertPoint(f.else_block);
  f.else_block = nullptr;
  f.unreachable = false;
  stack_.resize(f.height);
  for (llvm::Value* v : f.params) push(v);
}

void FunctionCodegen::end_frame() {
  // An `if` without `else` passes its parameters through as results.
  if (frames_.back().else_block) else_arm();
  Frame f = std::move(frames_.back());
  frames_.pop_back();
  if (!f.unreachable) {
    size_t n = f.end_phis.size();
    for (size_t i = 0; i < n; ++i)
      f.end_phis[i]->addIncoming(stack_[stack_.size() - n + i], b_.GetInsertBlock());
    b_.CreateBr(f.end);
  }
  stack_.resize(f.height);
  b_.SetInsertPoint(f.end);
  if (f.kind == FrameKind::Function) {
    std::vector<llvm::Value*> results(f.end_phis.begin(), f.end_phis.end());
    if (llvm::pred_empty(f.end)) {
      b_.CreateUnreachable();
    } else if (loop_entry_) {
      return_through_slots(results);
    } else {
      return_wasm_results(b_, results);
    }
    return;
  }
  for (llvm::PHINode* phi : f.end_phis) push(phi);
  if (llvm::pred_empty(f.end)) {
    // Nothing reaches the end: the enclosing frame continues unreachable.
    stack_.resize(f.height);
    frames_.back().unreachable = true;
  }
}

Status FunctionCodegen::emit_instr(const Instr& in) {
  if (frames_.back().unreachable) {
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If:
      case Opcode::TryTable: ++dead_depth_; return {};
      case Opcode::Else:
        if (dead_depth_ == 0) else_arm();
        return {};
      case Opcode::End:
        if (dead_depth_ > 0)
          --dead_depth_;
        else
          end_frame();
        return {};
      default: return {};
    }
  }
  // Every row named (-Werror=switch): the families after the constants
  // are chosen by the opcode table's columns (opcode_cases.h),
  // and each emitter's own switch names every row it leaves to another.
  switch (in.op) {
    case Opcode::Nop: return {};
    case Opcode::Unreachable:
      trap_if(b_.getTrue(), TrapCode::Unreachable);
      mark_unreachable();
      return {};
    case Opcode::Block: begin_frame(FrameKind::Block, in); return {};
    case Opcode::Loop: begin_frame(FrameKind::Loop, in); return {};
    case Opcode::If: begin_frame(FrameKind::If, in); return {};
    case Opcode::Else: else_arm(); return {};
    case Opcode::End: end_frame(); return {};
    case Opcode::Br:
      branch_to(in.a);
      mark_unreachable();
      return {};
    case Opcode::BrIf: {
      llvm::Value* c = b_.CreateICmpNE(pop(), b_.getInt32(0));
      Frame& target = frames_[frames_.size() - 1 - in.a];
      add_incoming(target, b_.GetInsertBlock());
      llvm::BasicBlock* cont = new_block("br_if.cont");
      b_.CreateCondBr(c, target.label, cont);
      b_.SetInsertPoint(cont);
      return {};
    }
    case Opcode::BrTable: {
      llvm::Value* index = pop();
      const uint32_t* depths = function_.br_table_targets.data() + in.a;
      uint32_t count = in.b;
      auto label_of = [&](uint32_t depth) -> Frame& { return frames_[frames_.size() - 1 - depth]; };
      Frame& fallback = label_of(depths[count - 1]);
      auto* sw = b_.CreateSwitch(index, fallback.label, count - 1);
      // A PHI takes one entry per edge, so a label named twice gets two.
      for (uint32_t i = 0; i < count; ++i) {
        Frame& target = label_of(depths[i]);
        add_incoming(target, b_.GetInsertBlock());
        if (i + 1 < count) sw->addCase(b_.getInt32(i), target.label);
      }
      mark_unreachable();
      return {};
    }
    case Opcode::Return:
      branch_to(uint32_t(frames_.size() - 1));
      mark_unreachable();
      return {};
    case Opcode::TryTable: emit_try_table(in); return {};
    case Opcode::Throw: emit_throw(in); return {};
    case Opcode::ThrowRef: emit_throw_ref(); return {};
    case Opcode::Call: emit_call(in.a); return {};
    case Opcode::CallIndirect: emit_call_indirect(in); return {};
    case Opcode::Drop: pop(); return {};
    case Opcode::Select:
    case Opcode::SelectTyped: {
      llvm::Value* c = b_.CreateICmpNE(pop(), b_.getInt32(0));
      llvm::Value* y = pop();
      llvm::Value* x = pop();
      push(b_.CreateSelect(c, x, y));
      return {};
    }
    case Opcode::LocalGet:
      push(b_.CreateLoad(locals_[in.a]->getAllocatedType(), locals_[in.a]));
      return {};
    case Opcode::LocalSet:
    case Opcode::LocalTee: {
      llvm::Value* v = in.op == Opcode::LocalSet ? pop() : stack_.back();
      b_.CreateStore(v, locals_[in.a]);
      return {};
    }
    case Opcode::GlobalGet: {
      const GlobalType& type = wasm_.global_type(in.a);
      llvm::LoadInst* value = b_.CreateLoad(llvm_type(c_, type.type), global_slot(in.a));
      // An immutable global holds its value from instantiation on, so its
      // loads may be merged and hoisted across the stores to linear memory
      // that LLVM cannot tell apart from it (PIC code reads __memory_base
      // at every address it forms).
      if (!type.is_mutable)
        value->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(c_, {}));
      push(value);
      return {};
    }
    case Opcode::GlobalSet: b_.CreateStore(pop(), global_slot(in.a)); return {};
    case Opcode::RefNull: push(llvm::ConstantPointerNull::get(b_.getPtrTy())); return {};
    case Opcode::RefIsNull: push(b_.CreateZExt(b_.CreateIsNull(pop()), b_.getInt32Ty())); return {};
    case Opcode::RefFunc: {
      llvm::Value* funcs = ctx_field(kCtxFuncs, b_.getPtrTy(), "funcs");
      push(b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), funcs, in.a)));
      return {};
    }
    case Opcode::I32Const:
    case Opcode::I64Const:
    case Opcode::F32Const:
    case Opcode::F64Const: emit_const(in); return {};
#define FLINT_OP FLINT_CASE_MEMORY_BULK
#include "module/opcodes.def"
#undef FLINT_OP
#define FLINT_OP FLINT_CASE_TABLE
#include "module/opcodes.def"
#undef FLINT_OP
      emit_table_or_bulk(in);
      return {};
#define FLINT_OP FLINT_CASE_MEMORY_ACCESS
#include "module/opcodes.def"
#undef FLINT_OP
      if (signature_types(info(in.op).sig).results.empty())
        emit_store(in);
      else
        emit_load(in);
      return {};
#define FLINT_OP FLINT_CASE_OPERATOR
#include "module/opcodes.def"
#undef FLINT_OP
      emit_numeric(in);
      return {};
#define FLINT_OP FLINT_CASE_VECTOR
#include "module/opcodes.def"
#undef FLINT_OP
      return emit_simd(in);
  }
  return make_error(ErrorCode::Usage, fmt::format("opcode {} has no emitter", uint32_t(in.op)));
}

void FunctionCodegen::emit_load(const Instr& in) {
  llvm::Value* p = effective_address(pop(), in.u64, in.b);
  auto load = [&](llvm::Type* t) { return memory_load(t, p); };
  auto i8 = b_.getInt8Ty(), i16 = b_.getInt16Ty(), i32 = b_.getInt32Ty(), i64 = b_.getInt64Ty();
  switch (in.op) {
    case Opcode::I32Load: push(load(i32)); break;
    case Opcode::I64Load: push(load(i64)); break;
    case Opcode::F32Load: push(load(b_.getFloatTy())); break;
    case Opcode::F64Load: push(load(b_.getDoubleTy())); break;
    case Opcode::I32Load8S: push(b_.CreateSExt(load(i8), i32)); break;
    case Opcode::I32Load8U: push(b_.CreateZExt(load(i8), i32)); break;
    case Opcode::I32Load16S: push(b_.CreateSExt(load(i16), i32)); break;
    case Opcode::I32Load16U: push(b_.CreateZExt(load(i16), i32)); break;
    case Opcode::I64Load8S: push(b_.CreateSExt(load(i8), i64)); break;
    case Opcode::I64Load8U: push(b_.CreateZExt(load(i8), i64)); break;
    case Opcode::I64Load16S: push(b_.CreateSExt(load(i16), i64)); break;
    case Opcode::I64Load16U: push(b_.CreateZExt(load(i16), i64)); break;
    case Opcode::I64Load32S: push(b_.CreateSExt(load(i32), i64)); break;
    case Opcode::I64Load32U: push(b_.CreateZExt(load(i32), i64)); break;
    default: break;
  }
}

void FunctionCodegen::emit_store(const Instr& in) {
  llvm::Value* v = pop();
  llvm::Value* p = effective_address(pop(), in.u64, in.b);
  switch (in.op) {
    case Opcode::I32Store8:
    case Opcode::I64Store8: v = b_.CreateTrunc(v, b_.getInt8Ty()); break;
    case Opcode::I32Store16:
    case Opcode::I64Store16: v = b_.CreateTrunc(v, b_.getInt16Ty()); break;
    case Opcode::I64Store32: v = b_.CreateTrunc(v, b_.getInt32Ty()); break;
    default: break;
  }
  memory_store(v, p);
}

void FunctionCodegen::emit_call_results(llvm::Value* ret, const FuncType& type) {
  if (type.results.size() == 1) {
    push(ret);
  } else {
    for (size_t i = 0; i < type.results.size(); ++i) push(b_.CreateExtractValue(ret, i));
  }
}

void FunctionCodegen::emit_call(uint32_t func_index) {
  const FuncType& type = wasm_.function_type(func_index);
  if (innermost_dispatch()) {
    llvm::Value* funcs = ctx_field(kCtxFuncs, b_.getPtrTy(), "funcs");
    emit_catching_call(b_.CreateLoad(b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(
                                                        b_.getPtrTy(), funcs, func_index)),
                       type);
    return;
  }
  if (func_index >= wasm_.imported_functions) {
    // A function of this module: a direct call the optimizer may inline.
    std::vector<llvm::Value*> args = pop_n(type.params.size());
    args.insert(args.begin(), ctx_);
    llvm::Function* callee = decls_.functions[func_index - wasm_.imported_functions];
    llvm::CallInst* call = locate_site(b_.CreateCall(callee, args));
    use_wasm_calling_convention(*call, decls_.wasm_cc);
    emit_call_results(call, type);
    return;
  }
  llvm::Value* natives = ctx_field(kCtxNatives, b_.getPtrTy(), "natives");
  llvm::Value* native = b_.CreateLoad(
      b_.getPtrTy(), b_.CreateConstInBoundsGEP1_64(b_.getPtrTy(), natives, func_index));
  emit_native_call(native, type);
}

void FunctionCodegen::emit_call_indirect(const Instr& in) {
  llvm::Value* index = pop();
  llvm::Value* type_ids = ctx_field(kCtxTypeIds, b_.getPtrTy(), "type_ids");
  llvm::Value* type_id = b_.CreateLoad(
      b_.getInt32Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt32Ty(), type_ids, in.a));
  auto* ftype = llvm::FunctionType::get(
      b_.getPtrTy(), {b_.getPtrTy(), b_.getInt32Ty(), b_.getInt32Ty(), b_.getInt32Ty()}, false);
  llvm::Value* native =
      helper(offsetof(Helpers, indirect_callee), ftype, {b_.getInt32(in.b), index, type_id});
  if (innermost_dispatch()) {
    llvm::Value* func = b_.CreateLoad(
        b_.getPtrTy(),
        b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), native, offsetof(NativeFunc, func)));
    emit_catching_call(func, wasm_.types[in.a]);
    return;
  }
  emit_native_call(native, wasm_.types[in.a]);
}

// Calls a function through its NativeFunc: straight into its machine code
// when it has some (handing it this call's stack limit), otherwise through
// the runtime with arguments and results in slots.
void FunctionCodegen::emit_native_call(llvm::Value* native, const FuncType& type) {
  std::vector<llvm::Value*> args = pop_n(type.params.size());
  llvm::Type* ptr = b_.getPtrTy();
  llvm::Value* code = b_.CreateLoad(
      ptr, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), native, offsetof(NativeFunc, code)));
  llvm::BasicBlock* fast = new_block("call.native");
  llvm::BasicBlock* slow = new_block("call.slow");
  llvm::BasicBlock* join = new_block("call.join");
  b_.CreateCondBr(b_.CreateIsNotNull(code), fast, slow);

  b_.SetInsertPoint(fast);
  llvm::Value* callee_ctx = b_.CreateLoad(
      ptr, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), native, offsetof(NativeFunc, ctx)));
  b_.CreateStore(ctx_field(kCtxStackLimit, b_.getInt64Ty(), "limit"),
                 b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), callee_ctx, kCtxStackLimit));
  std::vector<llvm::Value*> fast_args = args;
  fast_args.insert(fast_args.begin(), callee_ctx);
  llvm::FunctionType* ftype = llvm_function_type(c_, type);
  llvm::CallInst* fast_ret = locate_site(b_.CreateCall(ftype, code, fast_args));
  use_wasm_calling_convention(*fast_ret, decls_.wasm_cc);
  llvm::BasicBlock* fast_end = b_.GetInsertBlock();
  b_.CreateBr(join);

  b_.SetInsertPoint(slow);
  uint32_t slots_n = std::max({slot_count(type.params), slot_count(type.results), 1u});
  llvm::Value* slots;
  {
    llvm::IRBuilder<> eb(entry_);
    slots = eb.CreateAlloca(b_.getInt64Ty(), b_.getInt32(slots_n));
    llvm::cast<llvm::AllocaInst>(slots)->setAlignment(llvm::Align(16));
  }
  std::vector<uint32_t> arg_slots = slot_offsets(type.params);
  for (size_t i = 0; i < args.size(); ++i) store_slot_value(b_, args[i], slots, arg_slots[i]);
  llvm::Value* func = b_.CreateLoad(
      ptr, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), native, offsetof(NativeFunc, func)));
  helper(offsetof(Helpers, call_slow),
         llvm::FunctionType::get(b_.getVoidTy(), {ptr, ptr, ptr}, false), {func, slots});
  std::vector<llvm::Value*> slow_results;
  std::vector<uint32_t> result_slots = slot_offsets(type.results);
  for (size_t i = 0; i < type.results.size(); ++i)
    slow_results.push_back(
        load_slot_value(b_, llvm_type(c_, type.results[i]), slots, result_slots[i]));
  llvm::BasicBlock* slow_end = b_.GetInsertBlock();
  b_.CreateBr(join);

  b_.SetInsertPoint(join);
  for (size_t i = 0; i < type.results.size(); ++i) {
    llvm::Value* fv = type.results.size() == 1 ? fast_ret : nullptr;
    if (!fv) {
      llvm::IRBuilder<> fb(fast_end->getTerminator());
      fv = fb.CreateExtractValue(fast_ret, i);
    }
    llvm::PHINode* phi = b_.CreatePHI(slow_results[i]->getType(), 2);
    phi->addIncoming(fv, fast_end);
    phi->addIncoming(slow_results[i], slow_end);
    push(phi);
  }
}

void FunctionCodegen::emit_table_or_bulk(const Instr& in) {
  llvm::Type* i32 = b_.getInt32Ty();
  llvm::Type* ptr = b_.getPtrTy();
  llvm::Type* void_ = b_.getVoidTy();
  auto fn = [&](llvm::Type* ret, std::vector<llvm::Type*> params) {
    params.insert(params.begin(), ptr);
    return llvm::FunctionType::get(ret, params, false);
  };
  // Memory 0 calls the helpers without a memory index, as before
  // multi-memory; another memory the *_at ones, its index(es) first.
  auto on_memory = [&](std::initializer_list<uint32_t> memories, size_t memory0_helper,
                       size_t indexed_helper, llvm::Type* ret, std::vector<llvm::Type*> params,
                       std::vector<llvm::Value*> args) {
    bool memory0 = true;
    for (uint32_t m : memories) memory0 = memory0 && m == 0;
    if (memory0) return helper(memory0_helper, fn(ret, params), args);
    size_t at = 0;
    for (uint32_t m : memories) {
      params.insert(params.begin() + at, i32);
      args.insert(args.begin() + at++, b_.getInt32(m));
    }
    return helper(indexed_helper, fn(ret, params), args);
  };
  switch (in.op) {
    case Opcode::MemorySize:
      push(on_memory({in.a}, offsetof(Helpers, memory_size), offsetof(Helpers, memory_size_at), i32,
                     {}, {}));
      break;
    case Opcode::MemoryGrow: {
      llvm::Value* d = pop();
      push(on_memory({in.a}, offsetof(Helpers, memory_grow), offsetof(Helpers, memory_grow_at), i32,
                     {i32}, {d}));
      break;
    }
    case Opcode::MemoryFill: {
      auto a = pop_n(3);
      on_memory({in.a}, offsetof(Helpers, memory_fill), offsetof(Helpers, memory_fill_at), void_,
                {i32, i32, i32}, a);
      break;
    }
    case Opcode::MemoryCopy: {
      auto a = pop_n(3);
      on_memory({in.a, in.b}, offsetof(Helpers, memory_copy), offsetof(Helpers, memory_copy_at),
                void_, {i32, i32, i32}, a);
      break;
    }
    case Opcode::MemoryInit: {
      auto a = pop_n(3);
      a.insert(a.begin(), b_.getInt32(in.a));
      on_memory({in.b}, offsetof(Helpers, memory_init), offsetof(Helpers, memory_init_at), void_,
                {i32, i32, i32, i32}, a);
      break;
    }
    case Opcode::DataDrop:
      helper(offsetof(Helpers, data_drop), fn(void_, {i32}), {b_.getInt32(in.a)});
      break;
    case Opcode::TableGet: {
      llvm::Value* i = pop();
      push(helper(offsetof(Helpers, table_get), fn(ptr, {i32, i32}), {b_.getInt32(in.a), i}));
      break;
    }
    case Opcode::TableSet: {
      auto a = pop_n(2);
      a.insert(a.begin(), b_.getInt32(in.a));
      helper(offsetof(Helpers, table_set), fn(void_, {i32, i32, ptr}), a);
      break;
    }
    case Opcode::TableSize:
      push(helper(offsetof(Helpers, table_size), fn(i32, {i32}), {b_.getInt32(in.a)}));
      break;
    case Opcode::TableGrow: {
      auto a = pop_n(2);
      a.insert(a.begin(), b_.getInt32(in.a));
      push(helper(offsetof(Helpers, table_grow), fn(i32, {i32, ptr, i32}), a));
      break;
    }
    case Opcode::TableFill: {
      auto a = pop_n(3);
      a.insert(a.begin(), b_.getInt32(in.a));
      helper(offsetof(Helpers, table_fill), fn(void_, {i32, i32, ptr, i32}), a);
      break;
    }
    case Opcode::TableCopy: {
      auto a = pop_n(3);
      a.insert(a.begin(), {b_.getInt32(in.a), b_.getInt32(in.b)});
      helper(offsetof(Helpers, table_copy), fn(void_, {i32, i32, i32, i32, i32}), a);
      break;
    }
    case Opcode::TableInit: {
      auto a = pop_n(3);
      a.insert(a.begin(), {b_.getInt32(in.b), b_.getInt32(in.a)});
      helper(offsetof(Helpers, table_init), fn(void_, {i32, i32, i32, i32, i32}), a);
      break;
    }
    case Opcode::ElemDrop:
      helper(offsetof(Helpers, elem_drop), fn(void_, {i32}), {b_.getInt32(in.a)});
      break;
    default: break;
  }
}

llvm::Value* FunctionCodegen::intrinsic(llvm::Intrinsic::ID id, std::vector<llvm::Type*> types,
                                        std::vector<llvm::Value*> args) {
  return b_.CreateIntrinsic(id, types, args);
}

}  // namespace flint::aot
