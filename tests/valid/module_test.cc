// Module-level rules (spec 3.4): limits, constant expressions, segments,
// start function, exports and index spaces.
#include "expect.h"

namespace flint::test {
namespace {

using enum Opcode;
constexpr ValType I32 = ValType::I32, I64 = ValType::I64, FuncRef = ValType::FuncRef,
                  ExternRef = ValType::ExternRef;

TEST(Module, EmptyModuleIsValid) {
  ModuleBuilder b;
  EXPECT_TRUE(is_valid(b));
}

TEST(Module, FunctionTypeIndices) {
  ModuleBuilder b;
  b.function(3, {});
  EXPECT_TRUE(is_invalid(b, ErrorCode::UnknownType));
  EXPECT_EQ(error_of(b).function, 0u);
  ModuleBuilder import;
  import.import_function(0);
  EXPECT_TRUE(is_invalid(import, ErrorCode::UnknownType));
}

TEST(Module, FunctionTypeArityIsBounded) {
  ModuleBuilder ok;
  ok.type(std::vector<ValType>(1000, I32), std::vector<ValType>(1000, I64));
  EXPECT_TRUE(is_valid(ok));
  ModuleBuilder params;
  params.type(std::vector<ValType>(1001, I32), {});
  EXPECT_TRUE(is_invalid(params, ErrorCode::ImplementationLimit));
  ModuleBuilder results;
  results.type({}, std::vector<ValType>(1001, I32));
  EXPECT_TRUE(is_invalid(results, ErrorCode::ImplementationLimit));
}

TEST(Module, MemoryLimits) {
  ModuleBuilder ok;
  ok.memory(0, 65536);
  EXPECT_TRUE(is_valid(ok));
  ModuleBuilder min_max;
  min_max.memory(2, 1);
  EXPECT_TRUE(is_invalid(min_max, ErrorCode::SizeMinimumGreaterThanMaximum));
  ModuleBuilder big_min;
  big_min.memory(65537);
  EXPECT_TRUE(is_invalid(big_min, ErrorCode::MemorySizeTooLarge));
  ModuleBuilder big_max;
  big_max.memory(0, 0x1'0000'0000ull);
  EXPECT_TRUE(is_invalid(big_max, ErrorCode::MemorySizeTooLarge));
  ModuleBuilder imported;
  imported.import_memory(70000);
  EXPECT_TRUE(is_invalid(imported, ErrorCode::MemorySizeTooLarge));
}

TEST(Module, TableLimits) {
  ModuleBuilder ok;
  ok.table(FuncRef, 0, 0xFFFF'FFFFu);
  EXPECT_TRUE(is_valid(ok));
  ModuleBuilder min_max;
  min_max.table(FuncRef, 10, 9);
  EXPECT_TRUE(is_invalid(min_max, ErrorCode::SizeMinimumGreaterThanMaximum));
}

TEST(Module, AtMostOneMemoryIn2_0ButManyTables) {
  ModuleBuilder memories;
  memories.import_memory(0);
  memories.memory(0);
  EXPECT_TRUE(is_invalid(memories, ErrorCode::MultipleMemories, Features::wasm2()));
  ModuleBuilder tables;
  tables.table(FuncRef);
  tables.table(ExternRef);
  tables.table(FuncRef);
  EXPECT_TRUE(is_valid(tables));
}

// Multi-memory (3.0): several memories, each instruction and data segment
// naming one that exists ("unknown memory").
TEST(Module, MultiMemoryIndices) {
  ModuleBuilder memories;
  memories.import_memory(0);
  memories.memory(0);
  memories.memory(1);
  EXPECT_TRUE(is_valid(memories));

  auto with_body = [](std::vector<Instr> body) {
    ModuleBuilder b;
    b.memory(1);
    b.memory(1);
    b.func({}, std::move(body));
    return b;
  };
  ModuleBuilder ok = with_body({i32_const(), op(I32Load, 2, 1), op(Drop)});
  EXPECT_TRUE(is_valid(ok));
  ModuleBuilder bad_load = with_body({i32_const(), op(I32Load, 2, 2), op(Drop)});
  EXPECT_TRUE(is_invalid(bad_load, ErrorCode::UnknownMemory));
  ModuleBuilder bad_size = with_body({op(MemorySize, 2), op(Drop)});
  EXPECT_TRUE(is_invalid(bad_size, ErrorCode::UnknownMemory));
  ModuleBuilder bad_copy = with_body({i32_const(), i32_const(), i32_const(), op(MemoryCopy, 1, 2)});
  EXPECT_TRUE(is_invalid(bad_copy, ErrorCode::UnknownMemory));
  ModuleBuilder copy = with_body({i32_const(), i32_const(), i32_const(), op(MemoryCopy, 1, 0)});
  EXPECT_TRUE(is_valid(copy));

  ModuleBuilder data;
  data.memory(1);
  DataSegment active;
  active.mode = SegmentMode::Active;
  active.memory = 1;
  active.offset.instrs = {i32_const(), end()};
  data.module().data.push_back(active);
  EXPECT_TRUE(is_invalid(data, ErrorCode::UnknownMemory));
}

// The threads proposal's rule: a shared memory has a maximum.
TEST(Module, SharedMemoryMustHaveMaximum) {
  ModuleBuilder ok;
  ok.memory(1, 2);
  ok.module().memories.back().shared = true;
  EXPECT_TRUE(is_valid(ok));
  ModuleBuilder no_max;
  no_max.memory(1);
  no_max.module().memories.back().shared = true;
  EXPECT_TRUE(is_invalid(no_max, ErrorCode::SharedMemoryWithoutMaximum));
  ModuleBuilder imported;
  imported.import_memory(1);
  imported.module().imports.back().memory.shared = true;
  EXPECT_TRUE(is_invalid(imported, ErrorCode::SharedMemoryWithoutMaximum));
}

TEST(Module, GlobalInitialisers) {
  ModuleBuilder b;
  b.import_global(I32, false);
  b.func({}, {});
  b.global(I32, false, {i32_const(), end()});
  b.global(I32, true, {op(GlobalGet, 0), end()});
  b.global(FuncRef, false, {op(RefFunc, 0), end()});
  b.global(ExternRef, false, {ref_null(ExternRef), end()});
  b.global(I64, false, {i64_const()});  // the closing end is optional
  EXPECT_TRUE(is_valid(b));
}

// Extended constant expressions (wasm 3.0; componentize-py's output uses
// them): integer add, sub and mul, typed like the instructions.
TEST(Module, ExtendedConstantExpressionsAddSubtractAndMultiply) {
  ModuleBuilder ok32;
  ok32.global(I32, false, {i32_const(), i32_const(), op(I32Add), i32_const(), op(I32Mul), end()});
  EXPECT_TRUE(is_valid(ok32));
  ModuleBuilder ok64;
  ok64.global(I64, false, {i64_const(5), i64_const(3), op(I64Sub), end()});
  EXPECT_TRUE(is_valid(ok64));
  ModuleBuilder mixed;
  mixed.global(I64, false, {i32_const(), i32_const(), op(I64Add), end()});
  EXPECT_TRUE(is_invalid(mixed, ErrorCode::TypeMismatch));
  ModuleBuilder short_of_operands;
  short_of_operands.global(I32, false, {i32_const(), op(I32Add), end()});
  EXPECT_TRUE(is_invalid(short_of_operands, ErrorCode::TypeMismatch));
}

TEST(Module, GlobalGetInInitialiserSeesOnlyImports) {
  ModuleBuilder defined;
  defined.global(I32, false, {i32_const(), end()});
  defined.global(I32, false, {op(GlobalGet, 0), end()});
  EXPECT_TRUE(is_invalid(defined, ErrorCode::UnknownGlobal));

  ModuleBuilder mut;
  mut.import_global(I32, true);
  mut.global(I32, false, {op(GlobalGet, 0), end()});
  EXPECT_TRUE(is_invalid(mut, ErrorCode::ConstantExpressionRequired));
}

TEST(Module, ConstantExpressionsAreConstant) {
  ModuleBuilder div;
  div.global(I32, false, {i32_const(), i32_const(), op(I32DivU), end()});
  EXPECT_TRUE(is_invalid(div, ErrorCode::ConstantExpressionRequired));
  ModuleBuilder nop;
  nop.global(I32, false, {op(Nop), i32_const(), end()});
  EXPECT_TRUE(is_invalid(nop, ErrorCode::ConstantExpressionRequired));
}

TEST(Module, ConstantExpressionTypes) {
  ModuleBuilder wrong;
  wrong.global(I32, false, {i64_const(), end()});
  EXPECT_TRUE(is_invalid(wrong, ErrorCode::TypeMismatch));
  ModuleBuilder two;
  two.global(I32, false, {i32_const(), i32_const(), end()});
  EXPECT_TRUE(is_invalid(two, ErrorCode::TypeMismatch));
  ModuleBuilder none;
  none.global(I32, false, {end()});
  EXPECT_TRUE(is_invalid(none, ErrorCode::TypeMismatch));
  ModuleBuilder ref;
  ref.import_global(ExternRef, false);
  ref.global(FuncRef, false, {op(GlobalGet, 0), end()});
  EXPECT_TRUE(is_invalid(ref, ErrorCode::TypeMismatch));
  ModuleBuilder func;
  func.global(FuncRef, false, {op(RefFunc, 4), end()});
  EXPECT_TRUE(is_invalid(func, ErrorCode::UnknownFunction));
}

TEST(Module, ElementSegments) {
  ModuleBuilder b;
  b.table(FuncRef);
  b.func({}, {});
  b.elem_funcs({0, 0}, 0);
  b.elem_funcs({0});
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder table_type;
  table_type.table(ExternRef);
  table_type.elem_funcs({}, 0);
  EXPECT_TRUE(is_invalid(table_type, ErrorCode::TypeMismatch));

  ModuleBuilder no_table;
  no_table.elem_funcs({}, 0);
  EXPECT_TRUE(is_invalid(no_table, ErrorCode::UnknownTable));

  ModuleBuilder item_type;
  item_type.func({}, {});
  item_type.elem_funcs({0}, std::nullopt, ExternRef);
  EXPECT_TRUE(is_invalid(item_type, ErrorCode::TypeMismatch));

  ModuleBuilder offset;
  offset.table(FuncRef);
  offset.elem_funcs({}, 0);
  offset.module().elements[0].offset.instrs = {i64_const(), end()};
  EXPECT_TRUE(is_invalid(offset, ErrorCode::TypeMismatch));
}

TEST(Module, DataSegments) {
  ModuleBuilder b;
  b.memory(1);
  DataSegment active;
  active.mode = SegmentMode::Active;
  active.offset.instrs = {i32_const(), end()};
  b.module().data.push_back(active);
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder no_memory;
  no_memory.module().data.push_back(active);
  EXPECT_TRUE(is_invalid(no_memory, ErrorCode::UnknownMemory));

  ModuleBuilder offset;
  offset.memory(1);
  active.offset.instrs = {op(GlobalGet, 0), end()};
  offset.module().data.push_back(active);
  EXPECT_TRUE(is_invalid(offset, ErrorCode::UnknownGlobal));
}

TEST(Module, StartFunction) {
  ModuleBuilder ok;
  ok.func({}, {});
  ok.module().start = 0;
  EXPECT_TRUE(is_valid(ok));
  ModuleBuilder results;
  results.func({I32}, {i32_const()});
  results.module().start = 0;
  EXPECT_TRUE(is_invalid(results, ErrorCode::StartFunctionType));
  ModuleBuilder params;
  params.function(params.type({I32}, {}), {});
  params.module().start = 0;
  EXPECT_TRUE(is_invalid(params, ErrorCode::StartFunctionType));
  ModuleBuilder unknown;
  unknown.module().start = 0;
  EXPECT_TRUE(is_invalid(unknown, ErrorCode::UnknownFunction));
}

TEST(Module, Exports) {
  ModuleBuilder b;
  b.func({}, {});
  b.memory(1);
  b.export_("a", ExternKind::Func, 0);
  b.export_("b", ExternKind::Memory, 0);
  EXPECT_TRUE(is_valid(b));

  ModuleBuilder duplicate;
  duplicate.func({}, {});
  duplicate.export_("a", ExternKind::Func, 0);
  duplicate.export_("a", ExternKind::Func, 0);
  EXPECT_TRUE(is_invalid(duplicate, ErrorCode::DuplicateExportName));

  struct Case {
    ExternKind kind;
    ErrorCode code;
  };
  for (Case c : {Case{ExternKind::Func, ErrorCode::UnknownFunction},
                 Case{ExternKind::Table, ErrorCode::UnknownTable},
                 Case{ExternKind::Memory, ErrorCode::UnknownMemory},
                 Case{ExternKind::Global, ErrorCode::UnknownGlobal}}) {
    ModuleBuilder unknown;
    unknown.export_("x", c.kind, 0);
    EXPECT_TRUE(is_invalid(unknown, c.code)) << to_string(c.kind);
  }
}

}  // namespace
}  // namespace flint::test

namespace flint::test {
namespace {

TEST(Module, ConstantExpressionErrorsPointAtTheInstruction) {
  ModuleBuilder b;
  Instr first = i32_const(), div = op(Opcode::I32DivU);
  first.offset = 40;
  div.offset = 42;
  b.global(ValType::I32, false, {first, first, div, end()});
  Error e = error_of(b);
  EXPECT_EQ(e.code, ErrorCode::ConstantExpressionRequired);
  EXPECT_EQ(e.offset, 42u);
  EXPECT_FALSE(e.function.has_value());
}

TEST(Module, UnknownIndexErrorsCarryTheIndex) {
  // The reference interpreter writes "unknown global 3": the detail is the index.
  ModuleBuilder b;
  b.func({ValType::I32}, {op(Opcode::GlobalGet, 3)});
  Error e = error_of(b);
  EXPECT_EQ(e.code, ErrorCode::UnknownGlobal);
  EXPECT_EQ(e.detail, "3");
}

}  // namespace
}  // namespace flint::test
