// Translation of one validated function into internal code (code.h).
//
// The translator replays the validator's operand stack (spec appendix
// "Validation Algorithm"), giving every stack entry a home slot from its
// height. Entries may be *deferred*: a `local.get` or a constant stays a
// reference to the local's slot or an immediate until something needs it in
// its home, so most instructions read locals and constants directly. The
// places that need values in their homes are exactly the places where
// control flow merges or frames change: block entries, branch sources,
// calls, and a `local.set` of a local still referenced by a deferred entry.
//
// Peepholes between adjacent instructions: a result immediately stored by
// `local.set`/`local.tee` is written straight into the local; a comparison
// immediately consumed by `br_if`/`if` becomes one compare-and-branch.
#pragma once

#include <optional>
#include <vector>

#include "flint/result.h"
#include "interp/code.h"
#include "interp/interp_module.h"

namespace flint::interp {

/// Translates defined function `defined_index` of `module` into `out`.
Status translate_function(const InterpModule& module, uint32_t defined_index,
                          const TranslateOptions& options, CompiledFunction& out);

class FunctionTranslator {
 public:
  FunctionTranslator(const InterpModule& module, uint32_t defined_index,
                     const TranslateOptions& options, CompiledFunction& out);
  Status run();

 private:
  enum class Where : uint8_t { Home, Local, Const };
  struct Entry {
    ValType type;
    Where where = Where::Home;
    uint32_t home = 0;        ///< slot the entry occupies when materialized
    uint32_t local = 0;       ///< Where::Local: the local's slot
    uint64_t lo = 0, hi = 0;  ///< Where::Const: the value's bits
  };
  /// A branch offset to fill in once its label's position is known.
  struct Fixup {
    uint32_t instr;  ///< first word of the branching instruction
    uint32_t word;   ///< word holding the int32 offset
    uint8_t half;
  };
  struct Control {
    Opcode op;      ///< Block, Loop, If, TryTable, or End for the function body
    size_t height;  ///< stack entries below the construct's parameters
    uint32_t base;  ///< home slot of its first parameter / result
    std::vector<ValType> params, results;
    uint32_t loop_start = 0;
    std::vector<Fixup> end_fixups;
    std::optional<Fixup> else_fixup;
    bool unreachable = false;  ///< the rest of the construct's current arm is dead
  };
  /// The previous instruction's result, if it was computed into the top entry.
  struct Producer {
    uint32_t instr;
    uint32_t end;
  };
  /// The previous instruction, if it was a comparison producing the top entry.
  struct Compare {
    Opcode op;  ///< a fusable compare, or I32Eqz / I64Eqz
    uint32_t a = 0;
    uint32_t b = 0;
    bool b_imm = false;
    uint64_t imm = 0;
  };

  // ---- per instruction ----
  Status translate(const Instr& in);
  Status check_operands(const Instr& in) const;
  Status numeric(const Instr& in);
  Status variable(const Instr& in);
  Status memory(const Instr& in);
  /// Runs `emit` for an instruction on a memory, bracketed by select_memory
  /// when that memory is not memory 0 (handlers_memory.cc).
  Status on_memory(const Instr& in, Status (FunctionTranslator::*emit)(const Instr&));
  Status table(const Instr& in);
  Status call(const Instr& in);
  Status simd(const Instr& in);

  // ---- the abstract stack ----
  uint32_t next_home() const;
  Entry& push(ValType t);
  void push_local(ValType t, uint32_t slot);
  void push_const(ValType t, uint64_t lo, uint64_t hi = 0);
  Entry pop();
  /// Moves a deferred entry into its home (emitting the move).
  void materialize(Entry& e);
  void materialize_from(size_t first);
  /// Materializes deferred reads of local slot `slot` before it is written.
  void materialize_local(uint32_t slot);
  /// Where an operand is read: its home, the local's slot, or (constants)
  /// its home after materializing it there.
  uint32_t operand(Entry& e);
  void store_to(uint32_t dst, const Entry& e);  ///< copies an entry's value to a slot

  // ---- code ----
  uint32_t begin(Handler h);
  void pair(uint32_t a, uint32_t b);
  void imm(uint64_t v);
  void set_result(uint32_t instr);  ///< the instruction just emitted produced the top entry
  void bind(const Fixup& f, uint32_t target);
  void bind_here(const Fixup& f);
  void label_here();

  // ---- control instructions, each one rule of spec 4.4.8 (translator.cc) ----
  void unreachable();
  void block(const Instr& in);
  void loop(const Instr& in);
  void if_then(const Instr& in);
  void else_arm();
  void close_control();  ///< `end`
  void br(uint32_t depth);
  void br_if(uint32_t depth);
  void br_table(const Instr& in);
  void ret();  ///< `return`
  // ---- exception handling (translator_exception.cc) ----
  void try_table(const Instr& in);
  void throw_(const Instr& in);
  void throw_ref();
  /// The offset from instruction `at` to the innermost open try_table's
  /// catch table, or 0 outside every try_table of the function.
  int32_t catch_table_rel(uint32_t at) const {
    return open_tables_.empty() ? 0 : int32_t(open_tables_.back()) - int32_t(at);
  }
  void select();
  /// The jump of an `if` to its else arm (or end) on a zero condition.
  Fixup else_jump();
  /// Pushes the Control of a block, loop or if over its parameters.
  Control& open_control(const Instr& in, std::optional<Fixup> else_fixup);

  // ---- control helpers ----
  Control& label(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }
  const std::vector<ValType>& label_types(const Control& c) const {
    return c.op == Opcode::Loop ? c.params : c.results;
  }
  bool needs_transfer(const Control& target);
  void transfer(const Control& target);
  /// An unconditional jump to `target` (its values already transferred).
  void jump_to(Control& target);
  void target(Control& c, const Fixup& f);
  /// A conditional jump on the top entry (already popped into `cond`).
  Fixup branch_on(Entry& cond, bool when_true);
  void emit_return();
  void set_unreachable();
  /// Replaces each `br` to a return instruction with a copy of that return.
  void thread_jumps();
  std::pair<std::vector<ValType>, std::vector<ValType>> block_type(const Instr& in) const;

  const InterpModule& module_;
  const Module& mod_;
  const Function& func_;
  const FuncType& type_;
  TranslateOptions options_;
  CompiledFunction& out_;
  std::vector<Word>& code_;

  std::vector<ValType> local_types_;
  std::vector<uint32_t> local_slots_;
  std::vector<Entry> stack_;
  std::vector<Control> controls_;
  uint32_t max_slots_ = 0;
  uint32_t offset_ = 0;  ///< wasm byte offset of the instruction being translated
  /// Nesting depth of constructs opened in dead code (skipped entirely).
  uint32_t dead_depth_ = 0;
  std::optional<Producer> producer_, last_producer_;
  std::optional<Compare> compare_, last_compare_;
  /// Every unconditional `br` emitted, with the instruction emitted just
  /// before it, for jump threading once targets are final.
  struct Jump {
    uint32_t at;
    uint32_t previous;
  };
  std::vector<Jump> jumps_;
  uint32_t last_instr_ = 0;  ///< first word of the last instruction emitted
  /// The catch tables (handlers_exception.cc) of the open try_tables,
  /// innermost last.
  std::vector<uint32_t> open_tables_;
  /// With tiering: the offsets of the loops a frame may move to compiled
  /// code at (module/outermost_loops.h).
  std::vector<uint32_t> outermost_loops_;
  bool done_ = false;
};

}  // namespace flint::interp
