// A module using every section and the kinds of immediates, decoded and
// checked field by field against what the bytes say.
#include "binary/decoder.h"

#include <gtest/gtest.h>

#include <bit>

#include "module_bytes.h"

namespace flint {
namespace {

using namespace flint::testing;

Bytes f32_bytes(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  return {uint8_t(bits), uint8_t(bits >> 8), uint8_t(bits >> 16), uint8_t(bits >> 24)};
}
Bytes f64_bytes(double d) {
  const uint64_t bits = std::bit_cast<uint64_t>(d);
  Bytes out;
  for (int i = 0; i < 8; ++i) out.push_back(uint8_t(bits >> (8 * i)));
  return out;
}

const Bytes kI32Const0 = {0x41, 0x00};

// The body of function 2 (type [] -> []).
Bytes function_two_code() {
  return cat({
      {0x02, 0x40},                          // block (empty)
      {0x41, 0x00},                          //   i32.const 0
      {0x0E, 0x01, 0x00, 0x00},              //   br_table [0] 0
      {0x0B},                                // end
      {0x03, 0x01},                          // loop (type 1)
      {0x0B},                                // end
      {0x02, 0x7F, 0x41, 0x07, 0x0B, 0x1A},  // block (result i32) i32.const 7 end drop
      {0x41, 0x7F},                          // i32.const -1
      {0x28, 0x02, 0x10},                    // i32.load align=2^2 offset=16
      {0x1A},                                // drop
      {0x42},
      sleb(INT64_MIN),
      {0x1A},  // i64.const min; drop
      kI32Const0,
      kI32Const0,
      kI32Const0,
      {0xFC, 0x08, 0x01, 0x00},  // memory.init 1
      {0xFC, 0x09, 0x00},        // data.drop 0
      {0xD2, 0x01, 0x1A},        // ref.func 1; drop
      {0x41, 0x01, 0x41, 0x02, 0x41, 0x00},
      {0x1C, 0x01, 0x7F, 0x1A},  // select (result i32); drop
      kI32Const0,
      {0x11, 0x01, 0x00},  // call_indirect (type 1) table 0
      {0x10, 0x00},        // call 0
      {0x44},
      f64_bytes(-0.25),
      {0x1A},                    // f64.const -0.25; drop
      {0xFC, 0x0E, 0x01, 0x00},  // table.copy 1 0  (invalid types; decoding only)
      {0xFC, 0x00},              // i32.trunc_sat_f32_s
      {0x0B},                    // end
  });
}

Bytes name_section() {
  Bytes module_name = cat({{0x00}, uleb(name("demo").size()), name("demo")});
  Bytes functions_payload = vec(2, cat({{0x01}, name("first"), {0x02}, name("second")}));
  Bytes functions = cat({{0x01}, uleb(functions_payload.size()), functions_payload});
  Bytes locals_payload = vec(1, cat({{0x01}, vec(2, cat({{0x00}, name("x"), {0x02}, name("z")}))}));
  Bytes locals = cat({{0x02}, uleb(locals_payload.size()), locals_payload});
  return section(0, cat({name("name"), module_name, functions, locals}));
}

Bytes everything_module() {
  return module({
      section(0, cat({name("before"), {0xCA, 0xFE}})),
      section(1, vec(2, {0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D,  // [i32 i64] -> [f32]
                         0x60, 0x00, 0x00})),                 // [] -> []
      section(2, vec(4, cat({name("env"),
                             name("f"),
                             {0x00, 0x01},
                             name("env"),
                             name("t"),
                             {0x01, 0x70, 0x01, 0x01, 0x0A},
                             name("env"),
                             name("m"),
                             {0x02, 0x00, 0x01},
                             name("env"),
                             name("g"),
                             {0x03, 0x7F, 0x01}}))),
      section(0, cat({name("between"), {}})),
      section(3, vec(2, {0x00, 0x01})),
      section(4, vec(1, {0x6F, 0x00, 0x02})),
      section(6, vec(1, cat({{0x7C, 0x00, 0x44}, f64_bytes(1.5), {0x0B}}))),
      section(7, vec(2, cat({name("run"), {0x00, 0x02}, name("mem"), {0x02, 0x00}}))),
      section(8, {0x01}),
      section(9, vec(4, cat({{0x00, 0x41, 0x00, 0x0B},
                             vec(2, {0x01, 0x02}),  // active, funcs
                             {0x05, 0x6F},
                             vec(1, {0xD0, 0x6F, 0x0B}),  // passive, exprs
                             {0x03, 0x00},
                             vec(1, {0x02}),  // declarative, funcs
                             {0x06, 0x01, 0x41, 0x01, 0x0B, 0x6F},
                             vec(1, {0xD0, 0x6F, 0x0B})}))),
      section(12, {0x02}),
      section(10, vec(2, cat({body(cat({vec(2, {0x02, 0x7F, 0x01, 0x7C}),
                                        {0x20, 0x00, 0x1A, 0x43},
                                        f32_bytes(2.5),
                                        {0x0B}})),
                              body(cat({{0x00}, function_two_code()}))}))),
      section(11,
              vec(2, cat({{0x00, 0x41, 0x08, 0x0B}, name("hi"), {0x01, 0x03, 0x01, 0x02, 0x03}}))),
      name_section(),
  });
}

TEST(Decoder, EmptyModule) {
  Result<Module> m = decode_module(module({}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_TRUE(m->types.empty());
  EXPECT_EQ(m->function_count(), 0u);
}

TEST(Decoder, EveryFieldOfAFullModule) {
  const Bytes bytes = everything_module();
  Result<Module> r = decode_module(bytes);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const Module& m = *r;

  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0], (FuncType{{ValType::I32, ValType::I64}, {ValType::F32}}));
  EXPECT_EQ(m.types[1], (FuncType{}));

  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[0].module, "env");
  EXPECT_EQ(m.imports[0].name, "f");
  EXPECT_EQ(m.imports[0].kind, ExternKind::Func);
  EXPECT_EQ(m.imports[0].func_type, 1u);
  EXPECT_EQ(m.imports[1].kind, ExternKind::Table);
  EXPECT_EQ(m.imports[1].table, (TableType{ValType::FuncRef, Limits{1, 10}}));
  EXPECT_EQ(m.imports[2].kind, ExternKind::Memory);
  EXPECT_EQ(m.imports[2].memory, (MemoryType{Limits{1, std::nullopt}}));
  EXPECT_EQ(m.imports[3].kind, ExternKind::Global);
  EXPECT_EQ(m.imports[3].global, (GlobalType{ValType::I32, true}));
  EXPECT_EQ(m.imported_functions, 1u);
  EXPECT_EQ(m.imported_tables, 1u);
  EXPECT_EQ(m.imported_memories, 1u);
  EXPECT_EQ(m.imported_globals, 1u);

  ASSERT_EQ(m.functions.size(), 2u);
  EXPECT_EQ(m.function_count(), 3u);
  EXPECT_EQ(m.functions[0].type_index, 0u);
  EXPECT_EQ(m.functions[1].type_index, 1u);
  EXPECT_EQ(m.function_type(2), FuncType{});

  ASSERT_EQ(m.tables.size(), 1u);
  EXPECT_EQ(m.tables[0], (TableType{ValType::ExternRef, Limits{2, std::nullopt}}));
  EXPECT_TRUE(m.memories.empty());

  ASSERT_EQ(m.globals.size(), 1u);
  EXPECT_EQ(m.globals[0].type, (GlobalType{ValType::F64, false}));
  ASSERT_EQ(m.globals[0].init.instrs.size(), 2u);
  EXPECT_EQ(m.globals[0].init.instrs[0].op, Opcode::F64Const);
  EXPECT_EQ(m.globals[0].init.instrs[0].u64, std::bit_cast<uint64_t>(1.5));
  EXPECT_EQ(m.globals[0].init.instrs[1].op, Opcode::End);

  ASSERT_EQ(m.exports.size(), 2u);
  EXPECT_EQ(m.exports[0].name, "run");
  EXPECT_EQ(m.exports[0].kind, ExternKind::Func);
  EXPECT_EQ(m.exports[0].index, 2u);
  EXPECT_EQ(m.exports[1].kind, ExternKind::Memory);
  EXPECT_EQ(m.start, 1u);

  ASSERT_EQ(m.elements.size(), 4u);
  const ElemSegment& e0 = m.elements[0];
  EXPECT_EQ(e0.mode, SegmentMode::Active);
  EXPECT_EQ(e0.type, ValType::FuncRef);
  EXPECT_EQ(e0.table, 0u);
  EXPECT_EQ(e0.offset.instrs[0].op, Opcode::I32Const);
  ASSERT_EQ(e0.items.size(), 2u);
  ASSERT_EQ(e0.items[1].instrs.size(), 2u);
  EXPECT_EQ(e0.items[1].instrs[0].op, Opcode::RefFunc);  // function indices become ref.func
  EXPECT_EQ(e0.items[1].instrs[0].a, 2u);
  EXPECT_EQ(e0.items[1].instrs[1].op, Opcode::End);
  EXPECT_EQ(m.elements[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.elements[1].type, ValType::ExternRef);
  EXPECT_EQ(m.elements[1].items[0].instrs[0].op, Opcode::RefNull);
  EXPECT_EQ(m.elements[1].items[0].instrs[0].a, uint32_t(ValType::ExternRef));
  EXPECT_EQ(m.elements[2].mode, SegmentMode::Declarative);
  EXPECT_EQ(m.elements[2].type, ValType::FuncRef);
  EXPECT_EQ(m.elements[3].mode, SegmentMode::Active);
  EXPECT_EQ(m.elements[3].table, 1u);
  EXPECT_EQ(m.elements[3].type, ValType::ExternRef);

  EXPECT_EQ(m.data_count, 2u);
  ASSERT_EQ(m.data.size(), 2u);
  EXPECT_EQ(m.data[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.data[0].memory, 0u);
  EXPECT_EQ(m.data[0].offset.instrs[0].u64, 8u);
  EXPECT_EQ(m.data[0].bytes, (Bytes{'h', 'i'}));
  EXPECT_EQ(m.data[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.data[1].bytes, (Bytes{1, 2, 3}));

  // Function 1: locals expanded, body pre-decoded.
  const Function& f1 = m.functions[0];
  EXPECT_EQ(f1.locals, (std::vector<ValType>{ValType::I32, ValType::I32, ValType::F64}));
  ASSERT_EQ(f1.body.size(), 4u);
  EXPECT_EQ(f1.body[0].op, Opcode::LocalGet);
  EXPECT_EQ(f1.body[2].op, Opcode::F32Const);
  EXPECT_EQ(f1.body[2].u64, std::bit_cast<uint32_t>(2.5f));
  EXPECT_EQ(f1.body[3].op, Opcode::End);
  EXPECT_EQ(bytes[f1.code_offset], f1.body[3].offset - f1.code_offset);  // the size field

  // Function 2: one instruction of each immediate kind.
  const Function& f2 = m.functions[1];
  std::vector<Opcode> ops;
  for (const Instr& in : f2.body) ops.push_back(in.op);
  const std::vector<Opcode> expected_ops = {Opcode::Block,        Opcode::I32Const,
                                            Opcode::BrTable,      Opcode::End,
                                            Opcode::Loop,         Opcode::End,
                                            Opcode::Block,        Opcode::I32Const,
                                            Opcode::End,          Opcode::Drop,
                                            Opcode::I32Const,     Opcode::I32Load,
                                            Opcode::Drop,         Opcode::I64Const,
                                            Opcode::Drop,         Opcode::I32Const,
                                            Opcode::I32Const,     Opcode::I32Const,
                                            Opcode::MemoryInit,   Opcode::DataDrop,
                                            Opcode::RefFunc,      Opcode::Drop,
                                            Opcode::I32Const,     Opcode::I32Const,
                                            Opcode::I32Const,     Opcode::SelectTyped,
                                            Opcode::Drop,         Opcode::I32Const,
                                            Opcode::CallIndirect, Opcode::Call,
                                            Opcode::F64Const,     Opcode::Drop,
                                            Opcode::TableCopy,    Opcode::I32TruncSatF32S,
                                            Opcode::End};
  ASSERT_EQ(ops, expected_ops);
  const auto& b = f2.body;
  EXPECT_EQ(b[0].a, uint32_t(BlockKind::Empty));
  EXPECT_EQ(b[2].a, 0u);  // first br_table entry
  EXPECT_EQ(b[2].b, 2u);  // one label and the default
  EXPECT_EQ(f2.br_table_targets, (std::vector<uint32_t>{0, 0}));
  EXPECT_EQ(b[4].a, uint32_t(BlockKind::TypeIndex));
  EXPECT_EQ(b[4].b, 1u);
  EXPECT_EQ(b[6].a, uint32_t(BlockKind::Value));
  EXPECT_EQ(b[6].b, uint32_t(ValType::I32));
  EXPECT_EQ(b[10].u64, 0xFFFFFFFFu);  // i32.const -1, zero-extended bits
  EXPECT_EQ(b[11].a, 2u);             // alignment exponent
  EXPECT_EQ(b[11].b, 0u);             // memory 0
  EXPECT_EQ(b[11].u64, 16u);          // offset
  EXPECT_EQ(b[13].u64, uint64_t{0x8000000000000000});
  EXPECT_EQ(b[18].a, 1u);  // memory.init data index
  EXPECT_EQ(b[18].b, 0u);  // memory 0
  EXPECT_EQ(b[19].a, 0u);  // data.drop
  EXPECT_EQ(b[20].a, 1u);  // ref.func
  EXPECT_EQ(b[25].a, 1u);  // select: one type
  EXPECT_EQ(b[25].b, uint32_t(ValType::I32));
  EXPECT_EQ(b[28].a, 1u);  // call_indirect type
  EXPECT_EQ(b[28].b, 0u);  // table
  EXPECT_EQ(b[29].a, 0u);  // call
  EXPECT_EQ(b[30].u64, std::bit_cast<uint64_t>(-0.25));
  EXPECT_EQ(b[32].a, 1u);  // table.copy destination
  EXPECT_EQ(b[32].b, 0u);  // source
  // Offsets point at each opcode in the module.
  for (const Instr& in : b) ASSERT_LT(in.offset, bytes.size());
  EXPECT_EQ(bytes[b[2].offset], 0x0E);
  EXPECT_EQ(bytes[b[18].offset], 0xFC);

  // Custom sections keep their names and bytes, wherever they were.
  ASSERT_EQ(m.customs.size(), 3u);
  EXPECT_EQ(m.customs[0].name, "before");
  EXPECT_EQ(m.customs[0].bytes, (Bytes{0xCA, 0xFE}));
  EXPECT_EQ(bytes[m.customs[0].offset], 0xCA);
  EXPECT_EQ(m.customs[1].name, "between");
  EXPECT_TRUE(m.customs[1].bytes.empty());
  EXPECT_EQ(m.customs[2].name, "name");

  EXPECT_EQ(m.names.module, "demo");
  EXPECT_EQ(m.names.functions.at(1), "first");
  EXPECT_EQ(m.names.functions.at(2), "second");
  EXPECT_EQ(m.names.locals.at(1).at(0), "x");
  EXPECT_EQ(m.names.locals.at(1).at(2), "z");
  EXPECT_EQ(m.function_name(2), "second");
}

TEST(Decoder, DataCountSectionGoesBetweenElementAndCode) {
  Result<Module> m = decode_module(module({section(9, vec(0, {})), section(12, {0x00}),
                                           section(10, vec(0, {})), section(11, vec(0, {}))}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->data_count, 0u);
}

TEST(Decoder, ElementSegmentFlagsZeroToSeven) {
  const Bytes funcs = vec(1, {0x00});
  const Bytes exprs = vec(1, {0xD2, 0x00, 0x0B});
  const Bytes offset = {0x41, 0x00, 0x0B};
  const std::vector<std::pair<Bytes, SegmentMode>> segments = {
      {cat({{0x00}, offset, funcs}), SegmentMode::Active},
      {cat({{0x01, 0x00}, funcs}), SegmentMode::Passive},
      {cat({{0x02, 0x00}, offset, {0x00}, funcs}), SegmentMode::Active},
      {cat({{0x03, 0x00}, funcs}), SegmentMode::Declarative},
      {cat({{0x04}, offset, exprs}), SegmentMode::Active},
      {cat({{0x05, 0x70}, exprs}), SegmentMode::Passive},
      {cat({{0x06, 0x00}, offset, {0x70}, exprs}), SegmentMode::Active},
      {cat({{0x07, 0x70}, exprs}), SegmentMode::Declarative},
  };
  for (size_t flags = 0; flags < segments.size(); ++flags) {
    Result<Module> m = decode_module(module({section(9, vec(1, segments[flags].first))}));
    ASSERT_TRUE(m.ok()) << "flags " << flags << ": " << m.error().describe();
    ASSERT_EQ(m->elements.size(), 1u);
    const ElemSegment& seg = m->elements[0];
    EXPECT_EQ(seg.mode, segments[flags].second) << "flags " << flags;
    EXPECT_EQ(seg.type, ValType::FuncRef) << "flags " << flags;
    ASSERT_EQ(seg.items.size(), 1u);
    EXPECT_EQ(seg.items[0].instrs[0].op, Opcode::RefFunc) << "flags " << flags;
    if (seg.mode == SegmentMode::Active) EXPECT_EQ(seg.offset.instrs.size(), 2u);
  }
}

TEST(Decoder, DataSegmentWithExplicitMemory) {
  Result<Module> m = decode_module(
      module({section(11, vec(1, cat({{0x02, 0x00, 0x41, 0x04, 0x0B}, name("ab")})))}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->data[0].mode, SegmentMode::Active);
  EXPECT_EQ(m->data[0].memory, 0u);
  EXPECT_EQ(m->data[0].offset.instrs[0].u64, 4u);
  EXPECT_EQ(m->data[0].bytes, (Bytes{'a', 'b'}));
}

// Multi-memory (3.0): bit 6 of a memarg's alignment announces a memory
// index; the bulk instructions name their memories where 2.0 has zero bytes.
TEST(Decoder, MemoryIndicesOfMultiMemory) {
  const Bytes code = {0x41, 0x00, 0x28, 0x42, 0x03, 0x10, 0x1A,  // i32.load 3 offset=16 align=4
                      0x3F, 0x02, 0x1A,                          // memory.size 2
                      0x41, 0,    0x41, 0,    0x41, 0,    0xFC,
                      0x0A, 0x01, 0x02,  // memory.copy 1 2
                      0x0B};
  Result<Module> m = decode_module(one_function_module(code));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  const std::vector<Instr>& body = m->functions[0].body;
  EXPECT_EQ(body[1].op, Opcode::I32Load);
  EXPECT_EQ(body[1].a, 2u);  // the alignment exponent without bit 6
  EXPECT_EQ(body[1].b, 3u);
  EXPECT_EQ(body[1].u64, 16u);
  EXPECT_EQ(body[3].op, Opcode::MemorySize);
  EXPECT_EQ(body[3].a, 2u);
  EXPECT_EQ(body[8].op, Opcode::MemoryCopy);
  EXPECT_EQ(body[8].a, 1u);
  EXPECT_EQ(body[8].b, 2u);
  // 2.0 reads the same bytes as malformed.
  EXPECT_FALSE(decode_module(one_function_module(code), Features::wasm2()).ok());
}

// The threads proposal's limits flags on memories: bit 1 is `shared`.
TEST(Decoder, SharedMemoryFlag) {
  Result<Module> m = decode_module(module({section(5, vec(2, {0x03, 0x01, 0x02, 0x02, 0x01}))}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  ASSERT_EQ(m->memories.size(), 2u);
  EXPECT_TRUE(m->memories[0].shared);
  EXPECT_EQ(m->memories[0].limits.max, 2u);
  EXPECT_TRUE(m->memories[1].shared);  // no maximum: the validator's to reject
  EXPECT_FALSE(m->memories[1].limits.max);
}

TEST(Decoder, DeepNestingNeedsNoRecursion) {
  // 100000 nested blocks: decoded iteratively, bounded by the input.
  Bytes code;
  for (int i = 0; i < 100000; ++i) code.insert(code.end(), {0x02, 0x40});
  code.insert(code.end(), 100001, 0x0B);
  Result<Module> m = decode_module(one_function_module(code));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->functions[0].body.size(), 200001u);
}

TEST(Decoder, ErrorsInABodyNameTheFunction) {
  // One imported function, then two bodies; the second is malformed, so the
  // error names function 2 of the function index space.
  Result<Module> m = decode_module(module({
      section(1, vec(1, {0x60, 0x00, 0x00})),
      section(2, vec(1, cat({name("m"), name("f"), {0x00, 0x00}}))),
      section(3, vec(2, {0x00, 0x00})),
      section(10, vec(2, cat({body({0x00, 0x0B}), body({0x00, 0x06, 0x0B})}))),
  }));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::IllegalOpcode);
  EXPECT_EQ(m.error().function, 2u);
  EXPECT_NE(m.error().describe().find("in function 2"), std::string::npos) << m.error().describe();
}

TEST(Decoder, HostileCountsDoNotAllocate) {
  // Counts of 2^32-1 with nothing behind them fail at the end of the input.
  for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
    Result<Module> m = decode_module(module({section(id, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}));
    ASSERT_FALSE(m.ok()) << "section " << int(id);
    EXPECT_EQ(m.error().code, ErrorCode::UnexpectedEndOfSection) << "section " << int(id);
  }
  // A local run of 2^32-1 is refused before anything is expanded.
  Result<Module> m = decode_module(
      module({section(1, vec(1, {0x60, 0, 0})), section(3, vec(1, {0})),
              section(10, vec(1, body({0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B})))}));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::TooManyLocals);
}

}  // namespace
}  // namespace flint
