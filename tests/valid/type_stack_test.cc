// The operand and control stacks of spec appendix A.3, driven directly.
#include "valid/type_stack.h"

#include <gtest/gtest.h>

namespace flint::valid {
namespace {

constexpr ValType I32 = ValType::I32, I64 = ValType::I64;

TypeStack with_body_frame(const FuncType& type) {
  TypeStack s;
  s.push_frame(Opcode::Block, BlockSignature::function_body(type));
  return s;
}

TEST(TypeStack, PopChecksTypes) {
  FuncType type;
  TypeStack s = with_body_frame(type);
  s.push(I32);
  EXPECT_FALSE(s.pop(I64).ok());
  s.push(I32);
  Result<ValType> t = s.pop(I32);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, I32);
  EXPECT_EQ(s.operand_count(), 0u);
  EXPECT_EQ(s.pop().error().code, ErrorCode::TypeMismatch) << "nothing left";
}

TEST(TypeStack, UnreachableYieldsUnknown) {
  FuncType type;
  TypeStack s = with_body_frame(type);
  s.push(I64);
  s.set_unreachable();
  EXPECT_EQ(s.operand_count(), 0u) << "the frame's operands are dropped";
  EXPECT_EQ(*s.pop(), kUnknown);
  EXPECT_EQ(*s.pop(I32), kUnknown);
  s.push(I64);
  EXPECT_FALSE(s.pop(I32).ok()) << "known operands are still checked";
}

TEST(TypeStack, FramesHideOuterOperands) {
  FuncType type;
  TypeStack s = with_body_frame(type);
  s.push(I32);
  s.push_frame(Opcode::Block, BlockSignature::single(I32));
  EXPECT_FALSE(s.pop().ok());
  s.push(I32);
  Result<ControlFrame> frame = s.pop_frame();
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->signature.results().size(), 1u);
  EXPECT_EQ(s.operand_count(), 1u) << "pop_frame leaves the results to the caller";
}

TEST(TypeStack, PopFrameRejectsLeftovers) {
  FuncType type;
  TypeStack s = with_body_frame(type);
  s.push_frame(Opcode::Block, BlockSignature());
  s.push(I32);
  EXPECT_EQ(s.pop_frame().error().code, ErrorCode::TypeMismatch);
}

TEST(TypeStack, ParametersEnterTheFrame) {
  FuncType type{{I32, I64}, {I32}};
  TypeStack s = with_body_frame(type);
  EXPECT_EQ(s.operand_count(), 0u) << "a function's parameters are locals, not operands";
  s.push_frame(Opcode::Loop, BlockSignature::of(type));
  EXPECT_EQ(s.operand_count(), 2u);
  const ControlFrame* loop = s.frame_at_depth(0);
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->label_types().size(), 2u) << "a loop's label takes its parameters";
  EXPECT_EQ(s.frame_at_depth(1)->label_types().size(), 1u) << "the body's label: its results";
  EXPECT_EQ(s.frame_at_depth(2), nullptr);
}

TEST(TypeStack, CheckTopLeavesOperands) {
  FuncType type;
  TypeStack s = with_body_frame(type);
  s.push(I32);
  s.push(I64);
  const ValType want[] = {I32, I64};
  EXPECT_TRUE(s.check_top(want).ok());
  EXPECT_EQ(s.operand_count(), 2u);
  const ValType wrong[] = {I64, I64};
  EXPECT_FALSE(s.check_top(wrong).ok());
  const ValType more[] = {I32, I32, I64};
  EXPECT_FALSE(s.check_top(more).ok());
  s.set_unreachable();
  EXPECT_TRUE(s.check_top(more).ok()) << "missing operands are Unknown";
}

}  // namespace
}  // namespace flint::valid
