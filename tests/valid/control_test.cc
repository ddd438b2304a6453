// Blocks, branches and the polymorphic stack (spec 3.3.8, appendix A.3).
#include "expect.h"

namespace flint::test {
namespace {

using enum Opcode;
constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32;

TEST(Control, BlockResults) {
  ModuleBuilder b;
  b.func({I32}, {block(Block, I32), i32_const(), end()});
  EXPECT_TRUE(is_valid(b));
  ModuleBuilder wrong;
  wrong.func({I32}, {block(Block, I32), i64_const(), end()});
  EXPECT_TRUE(is_invalid(wrong, ErrorCode::TypeMismatch));
  EXPECT_EQ(error_of(wrong).offset, 2u) << "reported at the block's end";
}

TEST(Control, BlockCannotSeeOuterOperands) {
  ModuleBuilder b;
  b.func({I32}, {i32_const(), block(Block, I32), op(I32Eqz), end()});
  EXPECT_TRUE(is_invalid(b, ErrorCode::TypeMismatch));
}

TEST(Control, MultiValueBlockTypes) {
  ModuleBuilder b;
  uint32_t t = b.type({I32, I64}, {I64, I32});
  b.func({I64, I32}, {i32_const(), i64_const(), block_type(Block, t), op(Drop), op(Drop),
                      i64_const(), i32_const(), end()});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder missing_params;
  uint32_t t2 = missing_params.type({I32, I64}, {});
  missing_params.func({}, {i64_const(), block_type(Block, t2), op(Drop), op(Drop), end()});
  EXPECT_TRUE(is_invalid(missing_params, ErrorCode::TypeMismatch));

  ModuleBuilder unknown;
  unknown.func({}, {block_type(Block, 9), end()});
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownType));
}

TEST(Control, LoopLabelTakesParameters) {
  // br 0 inside a loop [i32] -> [i64] jumps back to the start: it needs an i32.
  ModuleBuilder b;
  uint32_t t = b.type({I32}, {I64});
  b.func({I64}, {i32_const(), block_type(Loop, t), op(BrIf, 0), i64_const(), end()});
  EXPECT_TRUE(is_invalid(b, ErrorCode::TypeMismatch)) << "br_if consumed the param";

  ModuleBuilder ok;
  uint32_t t2 = ok.type({I32}, {I64});
  ok.func({I64}, {i32_const(), block_type(Loop, t2), i32_const(), op(BrIf, 0), op(Drop),
                  i64_const(), end()});
  EXPECT_TRUE(is_valid(ok));

  ModuleBuilder wrong;
  uint32_t t3 = wrong.type({I32}, {I64});
  wrong.func({I64}, {i32_const(), block_type(Loop, t3), i64_const(), op(Br, 0), end()});
  EXPECT_TRUE(is_invalid(wrong, ErrorCode::TypeMismatch));
}

TEST(Control, IfElse) {
  ModuleBuilder b;
  b.func({I32}, {i32_const(), block(If, I32), i32_const(), op(Else), i32_const(1), end()});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder no_condition;
  no_condition.func({}, {block_empty(If), end()});
  EXPECT_TRUE(is_invalid(no_condition, ErrorCode::TypeMismatch));

  ModuleBuilder else_wrong;
  else_wrong.func({I32}, {i32_const(), block(If, I32), i32_const(), op(Else), end()});
  EXPECT_TRUE(is_invalid(else_wrong, ErrorCode::TypeMismatch));
}

TEST(Control, IfWithoutElseMustPassParametersThrough) {
  ModuleBuilder result;
  result.func({I32}, {i32_const(), block(If, I32), i32_const(), end()});
  EXPECT_TRUE(is_invalid(result, ErrorCode::TypeMismatch)) << "the missing else gives nothing";

  ModuleBuilder same;
  uint32_t t = same.type({I32}, {I32});
  same.func({I32}, {i32_const(), i32_const(), block_type(If, t), op(I32Eqz), end()});
  EXPECT_TRUE(is_valid(same)) << "[i32] -> [i32] needs no else";
}

TEST(Control, MisplacedElse) {
  ModuleBuilder b;
  b.func({}, {op(Else)});
  EXPECT_TRUE(is_invalid(b, ErrorCode::EndOpcodeExpected));
  ModuleBuilder twice;
  twice.func({}, {i32_const(), block_empty(If), op(Else), op(Else), end()});
  EXPECT_TRUE(is_invalid(twice, ErrorCode::EndOpcodeExpected));
}

TEST(Control, BodyStructure) {
  ModuleBuilder unclosed;
  unclosed.func({}, {block_empty(Block)});  // the function's end closes the block only
  EXPECT_TRUE(is_invalid(unclosed, ErrorCode::EndOpcodeExpected));

  ModuleBuilder trailing;
  trailing.func({}, {end(), op(Nop)});
  EXPECT_TRUE(is_invalid(trailing, ErrorCode::EndOpcodeExpected));

  ModuleBuilder empty;
  empty.func({}, {});
  empty.module().functions[0].body.clear();
  EXPECT_TRUE(is_invalid(empty, ErrorCode::EndOpcodeExpected));
}

TEST(Control, Branches) {
  ModuleBuilder b;
  b.func({I32}, {block(Block, I32), i32_const(), op(Br, 0), end()});
  b.func({I32}, {i32_const(), op(Br, 0)});  // depth 0 is the function body
  b.func({I32}, {block(Block, I32), i32_const(), i32_const(), op(BrIf, 0), end()});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder unknown;
  unknown.func({}, {block_empty(Block), op(Br, 2), end()});
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownLabel));

  ModuleBuilder br_if_value;
  br_if_value.func({I32}, {block(Block, I32), i64_const(), i32_const(), op(BrIf, 0), end()});
  EXPECT_TRUE(is_invalid(br_if_value, ErrorCode::TypeMismatch));
}

TEST(Control, CodeAfterBranchIsPolymorphic) {
  ModuleBuilder b;
  b.func({I32}, {i32_const(), op(Br, 0), op(I32Add)});
  b.func({F32}, {f32_const(), op(Return), op(Drop), op(Drop), f32_const()});
  b.func({I64}, {op(Unreachable)});
  EXPECT_TRUE(is_valid(b));

  // Known operands are still checked after the branch.
  ModuleBuilder bad;
  bad.func({I32}, {op(Unreachable), i64_const(), op(I32Add)});
  EXPECT_TRUE(is_invalid(bad, ErrorCode::TypeMismatch));
  ModuleBuilder extra;
  extra.func({}, {op(Unreachable), i32_const()});
  EXPECT_TRUE(is_invalid(extra, ErrorCode::TypeMismatch)) << "values left at the end";
}

TEST(Control, UnreachableOnlyAffectsItsFrame) {
  ModuleBuilder b;
  b.func({}, {op(Unreachable), block_empty(Block), op(Drop), end()});
  EXPECT_TRUE(is_invalid(b, ErrorCode::TypeMismatch)) << "a new block starts reachable";
}

TEST(Control, Return) {
  ModuleBuilder b;
  b.func({I32}, {block_empty(Block), i32_const(), op(Return), end(), i32_const()});
  EXPECT_TRUE(is_valid(b));
  ModuleBuilder wrong;
  wrong.func({I32}, {i64_const(), op(Return)});
  EXPECT_TRUE(is_invalid(wrong, ErrorCode::TypeMismatch));
}

TEST(Control, BrTable) {
  ModuleBuilder b;
  b.func({I32},
         {block(Block, I32), block(Block, I32), i32_const(), i32_const(), op(BrTable, 0, 3), end(),
          end()},
         {});
  b.module().functions[0].br_table_targets = {0, 1, 0};
  EXPECT_TRUE(is_valid(b));
}

TEST(Control, BrTableArityMustAgree) {
  ModuleBuilder b;
  b.func({}, {block_empty(Block), block(Block, I32), i32_const(), i32_const(), op(BrTable, 0, 2),
              end(), op(Drop), end()});
  b.module().functions[0].br_table_targets = {0, 1};
  EXPECT_TRUE(is_invalid(b, ErrorCode::TypeMismatch));
}

TEST(Control, BrTableInUnreachableCode) {
  // Targets of equal arity but different types agree when the operand is Unknown.
  ModuleBuilder b;
  b.func({}, {block(Block, F32), block(Block, I64), op(Unreachable), op(BrTable, 0, 2), end(),
              op(Drop), i32_const(), op(Drop), f32_const(), end(), op(Drop)});
  b.module().functions[0].br_table_targets = {0, 1};
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder known;
  known.func({}, {block(Block, F32), block(Block, I64), op(Unreachable), i64_const(), i32_const(),
                  op(BrTable, 0, 2), end(), op(Drop), f32_const(), end(), op(Drop)});
  known.module().functions[0].br_table_targets = {0, 1};
  EXPECT_TRUE(is_invalid(known, ErrorCode::TypeMismatch)) << "i64 does not suit the f32 label";
}

TEST(Control, BrTableLabels) {
  ModuleBuilder unknown;
  unknown.func({}, {i32_const(), op(BrTable, 0, 2)});
  unknown.module().functions[0].br_table_targets = {0, 3};
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownLabel));

  ModuleBuilder out_of_range;  // an IR whose entries do not exist must not crash
  out_of_range.func({}, {i32_const(), op(BrTable, 5, 2)});
  EXPECT_TRUE(is_invalid(out_of_range, ErrorCode::UnknownLabel));
}

}  // namespace
}  // namespace flint::test
