// The operand and control stacks of the spec's validation algorithm (spec
// appendix A.3 "Validation Algorithm"). Knows nothing about instructions: the
// rules in rules_*.cc drive it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flint/result.h"
#include "flint/types.h"
#include "module/opcode.h"

namespace flint::valid {

/// The algorithm's `Unknown` operand type: what a pop yields from the
/// polymorphic stack after an unconditional branch. It matches every type.
/// ValType numbers its members by their binary encoding, which never uses 0.
inline constexpr ValType kUnknown = static_cast<ValType>(0);

/// Whether `t` names one of the value types (IR built by hand may hold any byte).
constexpr bool is_value_type(ValType t) {
  switch (t) {
    case ValType::I32:
    case ValType::I64:
    case ValType::F32:
    case ValType::F64:
    case ValType::V128:
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef: return true;
  }
  return false;
}

/// The type [params] -> [results] of a block, loop, if or function body
/// (spec 3.2.2 "Block Types"): empty, one result, or a function type.
class BlockSignature {
 public:
  BlockSignature() = default;
  static BlockSignature single(ValType result) {
    BlockSignature s;
    s.result_ = result;
    s.has_result_ = true;
    return s;
  }
  static BlockSignature of(const FuncType& type) {
    BlockSignature s;
    s.func_ = &type;
    return s;
  }
  /// A function body's frame: [] -> results (the parameters are locals).
  static BlockSignature function_body(const FuncType& type) {
    BlockSignature s = of(type);
    s.without_params_ = true;
    return s;
  }

  // The spans may point into this object: do not keep them past its life.
  std::span<const ValType> params() const {
    if (!func_ || without_params_) return {};
    return func_->params;
  }
  std::span<const ValType> results() const {
    if (func_) return func_->results;
    if (has_result_) return {&result_, 1};
    return {};
  }

 private:
  const FuncType* func_ = nullptr;
  ValType result_ = ValType::I32;
  bool has_result_ = false;
  bool without_params_ = false;
};

/// One entry of the control stack (the appendix's `ctrl_frame`).
struct ControlFrame {
  Opcode opcode = Opcode::Block;  ///< Block, Loop, If or Else; a function body is a Block
  BlockSignature signature;
  uint32_t height = 0;       ///< operand stack height when the frame was entered
  bool unreachable = false;  ///< set after an unconditional branch: the stack is polymorphic

  /// A branch to a loop jumps to its start and so carries its parameters;
  /// any other label carries the results (spec 3.3.8.x, "label types").
  std::span<const ValType> label_types() const {
    return opcode == Opcode::Loop ? signature.params() : signature.results();
  }
};

/// Operand and control stacks. Every failure here is "type mismatch"; the
/// caller adds the instruction's place.
class TypeStack {
 public:
  void push(ValType type) { operands_.push_back(type); }
  void push(std::span<const ValType> types);

  /// Pops one operand of any type (kUnknown on a polymorphic stack).
  Result<ValType> pop();
  /// Pops one operand that must match `expected` (kUnknown matches all).
  Result<ValType> pop(ValType expected);
  /// Pops operands matching `expected`, the last one first.
  Status pop(std::span<const ValType> expected);
  /// Checks the top operands match `expected` without removing them; what a
  /// pop-and-push-back of the popped types would do.
  Status check_top(std::span<const ValType> expected) const;

  /// Enters a block, loop or if: its parameters become the new frame's operands.
  void push_frame(Opcode opcode, const BlockSignature& signature);
  /// Leaves the innermost frame: its results must be exactly what is left.
  Result<ControlFrame> pop_frame();
  /// Marks the rest of the innermost frame as unreachable (after br, return,
  /// unreachable, br_table): its operand stack becomes polymorphic.
  void set_unreachable();

  size_t frame_count() const { return frames_.size(); }
  /// The frame `depth` labels out (0 is the innermost); nullptr when absent.
  const ControlFrame* frame_at_depth(uint32_t depth) const;
  const ControlFrame& innermost() const { return frames_.back(); }

  size_t operand_count() const { return operands_.size(); }

 private:
  std::vector<ValType> operands_;
  std::vector<ControlFrame> frames_;
};

}  // namespace flint::valid
