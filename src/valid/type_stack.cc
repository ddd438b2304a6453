// The operand and control stack operations of spec appendix A.3, one function
// per pseudo-code procedure (push_val, pop_val, pop_vals, push_ctrl, pop_ctrl,
// unreachable).
#include "valid/type_stack.h"

#include <fmt/format.h>

#include <algorithm>

namespace flint::valid {

namespace {

Error mismatch(ValType expected, ValType found) {
  return make_error(ErrorCode::TypeMismatch,
                    fmt::format("expected {}, found {}", to_string(expected), to_string(found)));
}

Error missing_operand(ValType expected) {
  return make_error(ErrorCode::TypeMismatch,
                    fmt::format("expected {} but nothing is on the stack", to_string(expected)));
}

bool matches(ValType actual, ValType expected) {
  return actual == expected || actual == kUnknown || expected == kUnknown;
}

}  // namespace

void TypeStack::push(std::span<const ValType> types) {
  operands_.insert(operands_.end(), types.begin(), types.end());
}

Result<ValType> TypeStack::pop() {
  // The frame's own operands are the only ones it may pop; below them, an
  // unreachable frame yields Unknown and a reachable one has nothing.
  const ControlFrame& frame = frames_.back();
  if (operands_.size() == frame.height) {
    if (frame.unreachable) return kUnknown;
    return make_error(ErrorCode::TypeMismatch,
                      "an operand is expected but nothing is on the stack");
  }
  ValType t = operands_.back();
  operands_.pop_back();
  return t;
}

Result<ValType> TypeStack::pop(ValType expected) {
  const ControlFrame& frame = frames_.back();
  if (operands_.size() == frame.height && !frame.unreachable) return missing_operand(expected);
  FLINT_ASSIGN(ValType actual, pop());
  if (!matches(actual, expected)) return mismatch(expected, actual);
  return actual;
}

Status TypeStack::pop(std::span<const ValType> expected) {
  // Fast path for the common case of exactly matching operands, so that
  // blocks and calls with many values cost a compare of bytes.
  size_t available = operands_.size() - frames_.back().height;
  if (available >= expected.size() &&
      std::equal(expected.begin(), expected.end(), operands_.end() - expected.size())) {
    operands_.resize(operands_.size() - expected.size());
    return {};
  }
  for (size_t i = expected.size(); i-- > 0;) FLINT_TRY(pop(expected[i]));
  return {};
}

Status TypeStack::check_top(std::span<const ValType> expected) const {
  const ControlFrame& frame = frames_.back();
  size_t available = operands_.size() - frame.height;
  if (available >= expected.size() &&
      std::equal(expected.begin(), expected.end(), operands_.end() - expected.size()))
    return {};
  for (size_t i = 0; i < expected.size(); ++i) {
    ValType want = expected[expected.size() - 1 - i];
    if (i >= available) {
      if (frame.unreachable) return {};  // the rest is Unknown
      return missing_operand(want);
    }
    ValType have = operands_[operands_.size() - 1 - i];
    if (!matches(have, want)) return mismatch(want, have);
  }
  return {};
}

void TypeStack::push_frame(Opcode opcode, const BlockSignature& signature) {
  ControlFrame frame;
  frame.opcode = opcode;
  frame.signature = signature;
  frame.height = uint32_t(operands_.size());
  frames_.push_back(frame);
  push(frames_.back().signature.params());
}

Result<ControlFrame> TypeStack::pop_frame() {
  FLINT_TRY(pop(frames_.back().signature.results()));
  if (operands_.size() != frames_.back().height) {
    return make_error(ErrorCode::TypeMismatch,
                      fmt::format("{} extra value(s) left at the end of the block",
                                  operands_.size() - frames_.back().height));
  }
  ControlFrame frame = frames_.back();
  frames_.pop_back();
  return frame;
}

void TypeStack::set_unreachable() {
  operands_.resize(frames_.back().height);
  frames_.back().unreachable = true;
}

const ControlFrame* TypeStack::frame_at_depth(uint32_t depth) const {
  if (depth >= frames_.size()) return nullptr;
  return &frames_[frames_.size() - 1 - depth];
}

}  // namespace flint::valid
