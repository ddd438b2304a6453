// Translation of one validated wasm function body into LLVM IR (spec 4.4
// "Instructions", executed here by the machine instead of an interpreter).
//
// The operand stack exists only at compile time: it holds LLVM values. Each
// structured instruction becomes basic blocks; values carried by branches
// become PHI nodes of the block a label targets (the end of a block or if,
// the header of a loop). Locals are allocas that mem2reg turns into SSA.
// Code after an unconditional branch is unreachable and is skipped until the
// `else` or `end` that closes its frame.
#pragma once

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <array>
#include <vector>

#include "aot/abi.h"
#include "aot/llvm/simd_lowering.h"
#include "flint/result.h"
#include "module/module.h"

namespace flint::aot {

/// The LLVM declarations every function of one wasm module shares.
struct ModuleDecls {
  llvm::LLVMContext& context;
  llvm::Module& llvm_module;
  const Module& wasm;
  std::vector<llvm::FunctionType*> types;  ///< per wasm type index
  std::vector<llvm::Function*> functions;  ///< per defined function
  /// The convention of every wasm-to-wasm call (calling_convention.h).
  llvm::CallingConv::ID wasm_cc = llvm::CallingConv::C;
  bool fuel = false;           ///< emit fuel metering (fuel_codegen.cc)
  bool interruptible = false;  ///< emit interruption checks (fuel_codegen.cc)
  /// The target's "+feature,..." string (simd_lowering.h picks instructions by it).
  std::string target_features;
  /// Debug locations for the code locations (code_locations.h): each
  /// function gets a subprogram of this file named by its index, and each
  /// instruction the offset of the wasm instruction it came from as its
  /// line. Null: none.
  llvm::DIBuilder* debug = nullptr;
  llvm::DIFile* debug_file = nullptr;
  /// With debug locations, only the instructions a backtrace can name carry
  /// their wasm instruction's offset: calls (to functions and helpers,
  /// traps included) and memory accesses (a fault's innermost frame);
  /// everything else has the previous site's (line 0, "no offset", before
  /// the first). A large module's compile then uniques a location per
  /// such site instead of per instruction.
  bool call_site_locations_only = false;
};

/// The LLVM type of a wasm value (references are pointers, v128 is <2 x i64>).
llvm::Type* llvm_type(llvm::LLVMContext& c, ValType t);
/// R fn(ptr ctx, params...) for a wasm function type; null if unsupported.
llvm::FunctionType* llvm_function_type(llvm::LLVMContext& c, const FuncType& type);
/// Returns a wasm function's results from the function `b` emits into, as
/// its llvm_function_type says: nothing, the value, or a struct of them.
void return_wasm_results(llvm::IRBuilder<>& b, const std::vector<llvm::Value*>& results);

/// fmin/fmax with the spec's NaN and signed-zero rules, for a scalar or a
/// float vector (numeric_codegen.cc; simd_lowering.cc uses it lane-wise).
llvm::Value* emit_float_min_max(llvm::IRBuilder<>& b, llvm::Value* x, llvm::Value* y, bool is_min);

class FunctionCodegen {
 public:
  /// Translates defined function `defined_index` into its declaration in
  /// decls.functions, or with `loop_entry` into that function instead: the
  /// function's loop entry (abi.h), emitted from the same body.
  FunctionCodegen(ModuleDecls& decls, uint32_t defined_index, llvm::Function* loop_entry = nullptr);
  /// Emits the body; fails only for instructions this compiler lacks (SIMD).
  Status emit();
  /// The LLVM type of loop entries: uint32_t (ptr ctx, ptr slots, i32 loop).
  static llvm::FunctionType* loop_entry_type(llvm::LLVMContext& c);
  /// Emits defined function `defined_index` (its declaration in
  /// decls.functions) as a call of `loop_entry`, its loop entry, from the
  /// function's start (abi.h, kFunctionStart).
  static void emit_call_through_loop_entry(ModuleDecls& decls, uint32_t defined_index,
                                           llvm::Function* loop_entry);

 private:
  enum class FrameKind { Block, Loop, If, Function };
  struct Frame {
    FrameKind kind = FrameKind::Block;
    llvm::BasicBlock* label = nullptr;       ///< where a branch to this frame goes
    llvm::BasicBlock* end = nullptr;         ///< the continuation after `end`
    llvm::BasicBlock* else_block = nullptr;  ///< If: until `else` is seen
    std::vector<llvm::PHINode*> label_phis;  ///< values a branch carries
    std::vector<llvm::PHINode*> end_phis;    ///< the frame's results
    std::vector<llvm::Value*> params;        ///< If: restored for the else arm
    size_t height = 0;                       ///< operand stack height below the frame's parameters
    bool unreachable = false;
    /// A try_table: the block matching an exception against its catch
    /// clauses (exception_codegen.cc); null for other frames.
    llvm::BasicBlock* dispatch = nullptr;
  };

  // ---- structure ----
  Status emit_instr(const Instr& in);
  void begin_frame(FrameKind kind, const Instr& in);
  void end_frame();
  void else_arm();
  void branch_to(uint32_t depth);
  void add_incoming(Frame& target, llvm::BasicBlock* from);
  /// After a branch or trap: the rest of the block is dead.
  void mark_unreachable();
  std::pair<std::vector<ValType>, std::vector<ValType>> block_type(const Instr& in) const;
  std::vector<llvm::PHINode*> make_phis(llvm::BasicBlock* bb, const std::vector<ValType>& types);
  llvm::BasicBlock* new_block(const char* name);

  // ---- operand stack ----
  void push(llvm::Value* v) { stack_.push_back(v); }
  llvm::Value* pop() {
    llvm::Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::vector<llvm::Value*> pop_n(size_t n);

  // ---- runtime access ----
  llvm::Value* ctx_field(size_t offset, llvm::Type* type, const char* name);
  llvm::Value* helper(size_t offset, llvm::FunctionType* type, std::vector<llvm::Value*> args);
  void trap_if(llvm::Value* condition, TrapCode code);
  /// The offset of the body's first instruction.
  uint32_t function_start() const;
  /// With debug locations, what b_ creates from now on came from the wasm
  /// instruction at `offset` (ModuleDecls::call_site_locations_only: its
  /// calls and memory accesses, through locate_site).
  void locate_at(uint32_t offset);
  /// Gives `site`, a call or a memory access, the offset of the instruction
  /// it came from, which ModuleDecls::call_site_locations_only leaves to
  /// such sites. What b_ creates next keeps that location until the next
  /// site: no backtrace looks it up (faults stop at accesses, frames return
  /// to calls), and the line table then changes at sites only, once each
  /// rather than twice (to the site, back to line 0): a Go binary's compile
  /// takes less memory, its artifact is smaller.
  template <typename Site>
  Site* locate_site(Site* site) {
    if (subprogram_ && decls_.call_site_locations_only) {
      llvm::DILocation* here = llvm::DILocation::get(c_, located_offset_, 0, subprogram_);
      site->setDebugLoc(here);
      b_.SetCurrentDebugLocation(here);
    }
    return site;
  }
  llvm::Value* global_slot(uint32_t index);
  /// The address of an access to `memory` (multi-memory; 0 is mem_base_).
  llvm::Value* effective_address(llvm::Value* addr, uint64_t offset, uint32_t memory);
  /// The base of a memory other than 0, loaded once per function.
  llvm::Value* memory_base(uint32_t memory);
  /// One unit of fuel, at function entry and loop heads (fuel_codegen.cc).
  void charge_fuel();
  /// A trap "interrupt" when the store's flag is set, at function entry and
  /// loop heads (fuel_codegen.cc).
  void check_interrupt();
  /// What runs at function entry and at each loop head: fuel, interruption.
  void entry_and_loop_checks() {
    if (decls_.fuel) charge_fuel();
    if (decls_.interruptible) check_interrupt();
  }
  /// The stack-limit check, before the function's first call (stack_check.cc).
  void place_stack_check(llvm::BasicBlock* body);
  // ---- loop entry (loop_entry.cc) ----
  /// The locals' first values: the parameters, or in a loop entry every
  /// local from the interpreter's slots.
  llvm::Value* initial_local(size_t index, llvm::Type* type);
  /// A declared local's first value, zero.
  llvm::Value* zero_local(llvm::Type* type);
  /// A loop header this loop entry can jump to: an outermost loop
  /// (module/outermost_loops.h), no operand below it, no loop parameters,
  /// no try_table around it.
  void note_loop_header(const Instr& loop, llvm::BasicBlock* header);
  /// The loop entry's dispatch on its loop argument, from `dispatch`: to a
  /// loop's header, or for kFunctionStart to `body`, the function's start.
  void emit_loop_dispatch(llvm::BasicBlock* dispatch, llvm::BasicBlock* body);
  /// The function's end in a loop entry: results to the slots, return 1.
  void return_through_slots(const std::vector<llvm::Value*>& results);

  // ---- instruction groups ----
  void emit_load(const Instr& in);
  void emit_store(const Instr& in);
  void emit_call(uint32_t func_index);
  void emit_call_indirect(const Instr& in);
  void emit_native_call(llvm::Value* native, const FuncType& type);
  void emit_call_results(llvm::Value* ret, const FuncType& type);
  // ---- exception handling (exception_codegen.cc) ----
  void emit_try_table(const Instr& in);
  void emit_throw(const Instr& in);
  void emit_throw_ref();
  /// A call inside a try_table: through Helpers::call_catching, then to the
  /// catch clauses when the callee ended with an exception.
  void emit_catching_call(llvm::Value* func_inst, const FuncType& type);
  /// The dispatch block of the innermost try_table around the code being
  /// emitted, or null.
  llvm::BasicBlock* innermost_dispatch() const;
  /// Continues with the exception in flight: to the innermost try_table's
  /// clauses, or out of the function.
  void unwind_here();
  /// An i64 array of `n` slots in the entry block.
  llvm::Value* slot_buffer(uint32_t n);
  /// Every access to linear memory, volatile so its fault stays in place
  /// (memory_order.h).
  llvm::Value* memory_load(llvm::Type* type, llvm::Value* address);
  void memory_store(llvm::Value* value, llvm::Value* address);
  void emit_const(const Instr& in);
  void emit_numeric(const Instr& in);
  // The lowerings emit_numeric dispatches to (numeric_codegen.cc): each pops
  // its operands and pushes its result.
  void emit_eqz();
  void emit_compare(llvm::CmpInst::Predicate p);
  void emit_bit_count(llvm::Intrinsic::ID id);
  void emit_unary_intrinsic(llvm::Intrinsic::ID id);
  void emit_arith(llvm::Instruction::BinaryOps op);
  void emit_division(Opcode op);
  void emit_shift(llvm::Instruction::BinaryOps op);
  void emit_rotate(llvm::Intrinsic::ID id);
  void emit_fneg();
  void emit_min_max(bool is_min);
  void emit_copysign();
  void emit_sign_extend(llvm::Type* from);
  /// Vector instructions (simd_codegen.cc, simd_memory_codegen.cc).
  Status emit_simd(const Instr& in);
  void emit_simd_memory(const Instr& in);
  // The lowerings emit_simd dispatches to (simd_codegen.cc): each pops its
  // operands, views them with a lane shape and pushes its result.
  std::pair<llvm::Value*, llvm::Value*> simd_operands(llvm::Type* shape);
  void simd_result(llvm::Value* v);
  void simd_const(const Instr& in);
  void simd_shuffle(const Instr& in);
  void simd_swizzle();
  void simd_splat(llvm::FixedVectorType* shape);
  void simd_extract_lane(llvm::FixedVectorType* shape, uint32_t lane);
  void simd_extract_small_lane(llvm::FixedVectorType* shape, uint32_t lane, bool is_signed);
  void simd_replace_lane(llvm::FixedVectorType* shape, uint32_t lane);
  void simd_compare(llvm::FixedVectorType* shape, llvm::CmpInst::Predicate p);
  void simd_not();
  void simd_andnot();
  void simd_bitselect();
  void simd_int_arith(llvm::FixedVectorType* shape, llvm::Instruction::BinaryOps op);
  void simd_abs(llvm::FixedVectorType* shape);
  void simd_neg(llvm::FixedVectorType* shape);
  void simd_unary_intrinsic(llvm::FixedVectorType* shape, llvm::Intrinsic::ID id);
  void simd_binary_intrinsic(llvm::FixedVectorType* shape, llvm::Intrinsic::ID id);
  void simd_avgr(llvm::FixedVectorType* shape);
  void simd_lowered(llvm::FixedVectorType* shape,
                    llvm::Value* (SimdLowering::*op)(llvm::Value*, llvm::Value*));
  void simd_shift(llvm::FixedVectorType* shape, llvm::Instruction::BinaryOps op);
  void simd_narrow(llvm::FixedVectorType* from, bool is_signed);
  void simd_extend(llvm::FixedVectorType* from, bool high, bool is_signed);
  void simd_extmul(llvm::FixedVectorType* from, bool high, bool is_signed);
  void simd_extadd_pairwise(llvm::FixedVectorType* from, bool is_signed);
  void simd_fneg(llvm::FixedVectorType* shape);
  void simd_round(llvm::FixedVectorType* shape, llvm::Intrinsic::ID id);
  void simd_float_arith(llvm::FixedVectorType* shape, llvm::Instruction::BinaryOps op);
  void simd_min_max(llvm::FixedVectorType* shape, bool is_min);
  void simd_pmin_pmax(llvm::FixedVectorType* shape, bool is_min);
  void simd_trunc_sat(bool is_signed);
  void simd_trunc_sat_zero(bool is_signed);
  void simd_convert(llvm::FixedVectorType* from, llvm::Instruction::CastOps op,
                    llvm::FixedVectorType* to);
  void simd_convert_low(llvm::FixedVectorType* from, llvm::Instruction::CastOps op,
                        llvm::FixedVectorType* to);
  void simd_demote_zero();
  void emit_conversion(const Instr& in);
  void emit_table_or_bulk(const Instr& in);
  llvm::Value* trapping_truncate(llvm::Value* x, llvm::Type* to, bool is_signed);
  llvm::Value* float_min_max(llvm::Value* a, llvm::Value* b, bool is_min);
  llvm::Value* int_division(Opcode op, llvm::Value* a, llvm::Value* b);
  llvm::Value* intrinsic(llvm::Intrinsic::ID id, std::vector<llvm::Type*> types,
                         std::vector<llvm::Value*> args);

  ModuleDecls& decls_;
  llvm::LLVMContext& c_;
  const Module& wasm_;
  const Function& function_;
  const FuncType& type_;
  llvm::Function* fn_;
  llvm::IRBuilder<> b_;
  SimdLowering simd_;  ///< vector operations for the module's target (simd_lowering.h)
  llvm::Value* ctx_ = nullptr;
  llvm::Value* mem_base_ = nullptr;
  std::vector<llvm::Value*> mem_bases_;  ///< memory_base(), per memory index
  llvm::BasicBlock* entry_ = nullptr;
  std::vector<llvm::AllocaInst*> locals_;
  std::vector<ValType> local_types_;
  std::vector<llvm::Value*> global_slots_;  ///< lazily loaded, hoisted to the entry block
  llvm::Value* fuel_counter_ = nullptr;     ///< VmCtx::fuel, loaded in the entry block
  llvm::Value* interrupt_flag_ = nullptr;   ///< VmCtx::interrupted, loaded in the entry block
  /// Shared by a function's traps of one code, without debug locations;
  /// with them each trap has its own (trap_if).
  std::array<llvm::BasicBlock*, 16> trap_blocks_{};
  llvm::DISubprogram* subprogram_ = nullptr;  ///< with debug locations
  uint32_t located_offset_ = 0;               ///< locate_at's, for locate_site
  llvm::DILocation* no_offset_ = nullptr;     ///< line 0 (call_site_locations_only)
  std::vector<Frame> frames_;
  std::vector<llvm::Value*> stack_;
  uint32_t dead_depth_ = 0;  ///< nesting of structured instructions inside unreachable code
  bool loop_entry_ = false;  ///< emitting the loop entry rather than the function
  /// Loop entry: the loops it can enter, by their `loop` instruction's offset.
  std::vector<std::pair<uint32_t, llvm::BasicBlock*>> loop_headers_;
  std::vector<uint32_t> local_slots_;      ///< loop entry: each local's first slot
  std::vector<uint32_t> outermost_loops_;  ///< loop entry: its possible targets
};

}  // namespace flint::aot
