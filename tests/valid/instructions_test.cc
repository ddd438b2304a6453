// Typing of plain, variable, parametric, reference, table and memory
// instructions (spec 3.3) on hand-built modules.
#include "expect.h"

namespace flint::test {
namespace {

using enum Opcode;
constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64,
                  V128 = ValType::V128, FuncRef = ValType::FuncRef, ExternRef = ValType::ExternRef;

TEST(Instructions, FixedSignatureAccepted) {
  ModuleBuilder b;
  b.func({I32}, {i32_const(1), i32_const(2), op(I32Add)});
  b.func({I32}, {i64_const(1), i64_const(2), op(I64LtS)});
  b.func({F64}, {f32_const(), op(F64PromoteF32)});
  EXPECT_TRUE(is_valid(b));
}

TEST(Instructions, FixedSignatureOperandMismatch) {
  ModuleBuilder b;
  b.func({I32}, {i32_const(1), i64_const(2), op(I32Add)});
  EXPECT_TRUE(is_invalid(b, ErrorCode::TypeMismatch));
  Error e = error_of(b);
  EXPECT_EQ(e.offset, 2u);  // the i32.add
  EXPECT_EQ(e.function, 0u);
  EXPECT_EQ(e.phase(), Phase::Validate);
}

TEST(Instructions, MissingOperand) {
  ModuleBuilder b;
  b.func({I32}, {i32_const(1), op(I32Add)});
  EXPECT_TRUE(is_invalid(b, ErrorCode::TypeMismatch));
}

TEST(Instructions, FunctionIndexCountsImports) {
  ModuleBuilder b;
  uint32_t t = b.type({}, {});
  b.import_function(t);
  b.import_function(t);
  b.func({}, {});
  b.func({}, {op(I32Eqz)});
  Error e = error_of(b);
  EXPECT_EQ(e.code, ErrorCode::TypeMismatch);
  EXPECT_EQ(e.function, 3u);
  EXPECT_EQ(e.offset, 0u);
}

TEST(Instructions, ResultsMustMatchExactly) {
  ModuleBuilder b;
  b.func({I32}, {i64_const()});
  EXPECT_TRUE(is_invalid(b, ErrorCode::TypeMismatch));
  ModuleBuilder extra;
  extra.func({I32}, {i32_const(), i32_const()});
  EXPECT_TRUE(is_invalid(extra, ErrorCode::TypeMismatch));
  ModuleBuilder none;
  none.func({I32}, {});
  EXPECT_TRUE(is_invalid(none, ErrorCode::TypeMismatch));
}

TEST(Instructions, Locals) {
  ModuleBuilder b;
  uint32_t t = b.type({I32, I64}, {I64});
  b.function(t,
             {op(LocalGet, 1), op(LocalSet, 3), f32_const(), op(LocalSet, 2), op(LocalGet, 0),
              op(Drop), op(LocalGet, 1), op(LocalTee, 3)},
             {F32, I64});
  EXPECT_TRUE(is_valid(b)) << "params then declared locals";

  ModuleBuilder unknown;
  unknown.function(unknown.type({I32}, {}), {op(LocalGet, 1), op(Drop)});
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownLocal));

  ModuleBuilder wrong;
  wrong.function(wrong.type({I32}, {}), {i64_const(), op(LocalSet, 0)});
  EXPECT_TRUE(is_invalid(wrong, ErrorCode::TypeMismatch));
}

TEST(Instructions, Globals) {
  ModuleBuilder b;
  b.import_global(I64, false);
  b.global(I32, true, {i32_const()});
  b.func({}, {op(GlobalGet, 0), op(Drop), i32_const(), op(GlobalSet, 1)});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder immutable;
  immutable.global(I32, false, {i32_const()});
  immutable.func({}, {i32_const(), op(GlobalSet, 0)});
  EXPECT_TRUE(is_invalid(immutable, ErrorCode::GlobalIsImmutable));

  ModuleBuilder unknown;
  unknown.global(I32, true, {i32_const()});
  unknown.func({I32}, {op(GlobalGet, 1)});
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownGlobal));
}

TEST(Instructions, UntypedSelectOnNumbersAndVectors) {
  ModuleBuilder b;
  b.func({F64}, {f64_const(), f64_const(), i32_const(), op(Select)});
  b.func({V128}, {op(LocalGet, 0), op(LocalGet, 0), i32_const(), op(Select)}, {V128});
  EXPECT_TRUE(is_valid(b));
}

TEST(Instructions, UntypedSelectRejectsReferencesAndMixedTypes) {
  ModuleBuilder refs;
  refs.func({FuncRef}, {ref_null(FuncRef), ref_null(FuncRef), i32_const(), op(Select)});
  EXPECT_TRUE(is_invalid(refs, ErrorCode::TypeMismatch));

  ModuleBuilder mixed;
  mixed.func({I32}, {i32_const(), i64_const(), i32_const(), op(Select)});
  EXPECT_TRUE(is_invalid(mixed, ErrorCode::TypeMismatch));

  ModuleBuilder num_vec;
  num_vec.func({I32}, {i32_const(), op(LocalGet, 0), i32_const(), op(Select)}, {V128});
  EXPECT_TRUE(is_invalid(num_vec, ErrorCode::TypeMismatch));
}

TEST(Instructions, UntypedSelectOnPolymorphicStack) {
  // After unreachable the operands are Unknown: select yields the known one.
  ModuleBuilder b;
  b.func({I64}, {op(Unreachable), i64_const(), i32_const(), op(Select)});
  b.func({I32}, {op(Unreachable), i32_const(), op(Select)});
  EXPECT_TRUE(is_valid(b));
  ModuleBuilder bad;
  bad.func({I32}, {op(Unreachable), i64_const(), i32_const(), op(Select)});
  EXPECT_TRUE(is_invalid(bad, ErrorCode::TypeMismatch)) << "select gives i64, not i32";
  ModuleBuilder ref;
  ref.func({}, {op(Unreachable), ref_null(ExternRef), i32_const(), op(Select), op(Drop)});
  EXPECT_TRUE(is_invalid(ref, ErrorCode::TypeMismatch));
}

TEST(Instructions, TypedSelect) {
  ModuleBuilder b;
  b.func({ExternRef}, {ref_null(ExternRef), ref_null(ExternRef), i32_const(),
                       op(SelectTyped, 1, uint32_t(ExternRef))});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder arity0;
  arity0.func({}, {i32_const(), i32_const(), i32_const(), op(SelectTyped, 0, 0), op(Drop)});
  EXPECT_TRUE(is_invalid(arity0, ErrorCode::InvalidResultArity));
  ModuleBuilder arity2;
  arity2.func({},
              {i32_const(), i32_const(), i32_const(), op(SelectTyped, 2, uint32_t(I32)), op(Drop)});
  EXPECT_TRUE(is_invalid(arity2, ErrorCode::InvalidResultArity));

  ModuleBuilder wrong;
  wrong.func({I32}, {i32_const(), i64_const(), i32_const(), op(SelectTyped, 1, uint32_t(I32))});
  EXPECT_TRUE(is_invalid(wrong, ErrorCode::TypeMismatch));
}

TEST(Instructions, RefIsNullNeedsAReference) {
  ModuleBuilder b;
  b.func({I32}, {ref_null(ExternRef), op(RefIsNull)});
  b.func({I32}, {op(Unreachable), op(RefIsNull)});
  EXPECT_TRUE(is_valid(b));
  ModuleBuilder bad;
  bad.func({I32}, {i32_const(), op(RefIsNull)});
  EXPECT_TRUE(is_invalid(bad, ErrorCode::TypeMismatch));
}

TEST(Instructions, RefFuncMustBeDeclared) {
  ModuleBuilder undeclared;
  undeclared.func({FuncRef}, {op(RefFunc, 0)});
  EXPECT_TRUE(is_invalid(undeclared, ErrorCode::UndeclaredFunctionReference));

  ModuleBuilder by_export;
  by_export.func({FuncRef}, {op(RefFunc, 0)});
  by_export.export_("f", ExternKind::Func, 0);
  EXPECT_TRUE(is_valid(by_export));

  ModuleBuilder by_elem;
  by_elem.func({FuncRef}, {op(RefFunc, 0)});
  by_elem.elem_funcs({0});
  EXPECT_TRUE(is_valid(by_elem));

  ModuleBuilder by_global;
  by_global.func({FuncRef}, {op(RefFunc, 0)});
  by_global.global(FuncRef, false, {op(RefFunc, 0)});
  EXPECT_TRUE(is_valid(by_global));

  // The start section and function bodies do not declare a reference.
  ModuleBuilder by_start;
  by_start.func({}, {op(RefFunc, 0), op(Drop)});
  by_start.module().start = 0;
  EXPECT_TRUE(is_invalid(by_start, ErrorCode::UndeclaredFunctionReference));

  ModuleBuilder unknown;
  unknown.func({FuncRef}, {op(RefFunc, 7)});
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownFunction));
}

TEST(Instructions, Calls) {
  ModuleBuilder b;
  uint32_t t = b.type({I32, I64}, {F32});
  b.import_function(t);
  b.func({F32}, {i32_const(), i64_const(), op(Call, 0)});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder args;
  args.import_function(args.type({I32, I64}, {}));
  args.func({}, {i64_const(), i32_const(), op(Call, 0)});
  EXPECT_TRUE(is_invalid(args, ErrorCode::TypeMismatch));

  ModuleBuilder unknown;
  unknown.func({}, {op(Call, 1)});
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownFunction));
}

TEST(Instructions, CallIndirect) {
  ModuleBuilder b;
  b.table(FuncRef);
  uint32_t t = b.type({I32}, {I32});
  b.func({I32}, {i32_const(), i32_const(), op(CallIndirect, t, 0)});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder externs;
  externs.table(ExternRef);
  uint32_t t2 = externs.type({}, {});
  externs.func({}, {i32_const(), op(CallIndirect, t2, 0)});
  EXPECT_TRUE(is_invalid(externs, ErrorCode::TypeMismatch));

  ModuleBuilder no_table;
  no_table.func({}, {i32_const(), op(CallIndirect, 0, 0)});
  EXPECT_TRUE(is_invalid(no_table, ErrorCode::UnknownTable));

  ModuleBuilder no_type;
  no_type.table(FuncRef);
  no_type.func({}, {i32_const(), op(CallIndirect, 5, 0)});
  EXPECT_TRUE(is_invalid(no_type, ErrorCode::UnknownType));
}

TEST(Instructions, Memory) {
  ModuleBuilder b;
  b.memory(1);
  b.func({I64}, {i32_const(), mem(I64Load, 3)});
  b.func({}, {i32_const(), i64_const(), mem(I64Store32, 2)});
  b.func({I32}, {op(MemorySize), op(MemoryGrow)});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder no_memory;
  no_memory.func({I32}, {i32_const(), mem(I32Load, 2)});
  EXPECT_TRUE(is_invalid(no_memory, ErrorCode::UnknownMemory));
  ModuleBuilder no_memory_size;
  no_memory_size.func({I32}, {op(MemorySize)});
  EXPECT_TRUE(is_invalid(no_memory_size, ErrorCode::UnknownMemory));

  ModuleBuilder imported;
  imported.import_memory(1);
  imported.func({I32}, {i32_const(), mem(I32Load8U, 0)});
  EXPECT_TRUE(is_valid(imported));
}

TEST(Instructions, AlignmentAtMostNatural) {
  ModuleBuilder natural;
  natural.memory(1);
  natural.func({I32}, {i32_const(), mem(I32Load16S, 1)});
  EXPECT_TRUE(is_valid(natural));
  ModuleBuilder too_large;
  too_large.memory(1);
  too_large.func({I32}, {i32_const(), mem(I32Load16S, 2)});
  EXPECT_TRUE(is_invalid(too_large, ErrorCode::AlignmentTooLarge));
  ModuleBuilder store;
  store.memory(1);
  store.func({}, {i32_const(), i64_const(), mem(I64Store8, 1)});
  EXPECT_TRUE(is_invalid(store, ErrorCode::AlignmentTooLarge));
}

TEST(Instructions, BulkMemory) {
  ModuleBuilder b;
  b.memory(1);
  b.passive_data(2);
  b.func({}, {i32_const(), i32_const(), i32_const(), op(MemoryInit, 1, 0), op(DataDrop, 1),
              i32_const(), i32_const(), i32_const(), op(MemoryCopy), i32_const(), i32_const(),
              i32_const(), op(MemoryFill)});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder no_segment;
  no_segment.memory(1);
  no_segment.passive_data(1);
  no_segment.func({}, {op(DataDrop, 1)});
  EXPECT_TRUE(is_invalid(no_segment, ErrorCode::UnknownDataSegment));

  ModuleBuilder init_no_segment;
  init_no_segment.memory(1);
  init_no_segment.func({}, {i32_const(), i32_const(), i32_const(), op(MemoryInit, 0, 0)});
  EXPECT_TRUE(is_invalid(init_no_segment, ErrorCode::UnknownDataSegment));

  ModuleBuilder init_no_memory;
  init_no_memory.passive_data(1);
  init_no_memory.func({}, {i32_const(), i32_const(), i32_const(), op(MemoryInit, 0, 0)});
  EXPECT_TRUE(is_invalid(init_no_memory, ErrorCode::UnknownMemory));

  ModuleBuilder fill_types;
  fill_types.memory(1);
  fill_types.func({}, {i32_const(), i64_const(), i32_const(), op(MemoryFill)});
  EXPECT_TRUE(is_invalid(fill_types, ErrorCode::TypeMismatch));
}

TEST(Instructions, DataCountDecidesSegmentIndices) {
  // With a data count section, instructions are checked against it.
  ModuleBuilder b;
  b.passive_data(1);
  b.module().data_count = 3;
  b.func({}, {op(DataDrop, 2)});
  EXPECT_TRUE(is_valid(b));
}

TEST(Instructions, Tables) {
  ModuleBuilder b;
  b.table(FuncRef);
  b.table(ExternRef);
  b.elem_funcs({0});
  b.func(
      {},
      {i32_const(),      op(TableGet, 0),   op(Drop),    i32_const(),         ref_null(ExternRef),
       op(TableSet, 1),  ref_null(FuncRef), i32_const(), op(TableGrow, 0),    op(Drop),
       op(TableSize, 1), op(Drop),          i32_const(), ref_null(ExternRef), i32_const(),
       op(TableFill, 1), i32_const(),       i32_const(), i32_const(),         op(TableCopy, 0, 0),
       i32_const(),      i32_const(),       i32_const(), op(TableInit, 0, 0), op(ElemDrop, 0)});
  EXPECT_TRUE(is_valid(b)) << "two tables are allowed in 2.0";
}

TEST(Instructions, TableElementTypes) {
  ModuleBuilder set;
  set.table(FuncRef);
  set.func({}, {i32_const(), ref_null(ExternRef), op(TableSet, 0)});
  EXPECT_TRUE(is_invalid(set, ErrorCode::TypeMismatch));

  ModuleBuilder copy;
  copy.table(FuncRef);
  copy.table(ExternRef);
  copy.func({}, {i32_const(), i32_const(), i32_const(), op(TableCopy, 0, 1)});
  EXPECT_TRUE(is_invalid(copy, ErrorCode::TypeMismatch));

  ModuleBuilder init;
  init.table(ExternRef);
  init.elem_funcs({});
  init.func({}, {i32_const(), i32_const(), i32_const(), op(TableInit, 0, 0)});
  EXPECT_TRUE(is_invalid(init, ErrorCode::TypeMismatch));

  ModuleBuilder unknown_elem;
  unknown_elem.table(FuncRef);
  unknown_elem.func({}, {op(ElemDrop, 0)});
  EXPECT_TRUE(is_invalid(unknown_elem, ErrorCode::UnknownElemSegment));

  ModuleBuilder unknown_table;
  unknown_table.func({I32}, {op(TableSize, 0)});
  EXPECT_TRUE(is_invalid(unknown_table, ErrorCode::UnknownTable));
}

}  // namespace
}  // namespace flint::test
