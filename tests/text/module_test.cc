// parse_wat: abbreviations of the text format (spec 6.6), identifier
// resolution, encoding details and errors with their line and column.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "binary/decoder.h"
#include "text/parse.h"
#include "wabt_oracle.h"

namespace flint::text {
namespace {

std::vector<uint8_t> wat(std::string_view source) {
  auto r = parse_wat(source);
  EXPECT_TRUE(r.ok()) << source << "\n" << (r.ok() ? "" : r.error().describe());
  return r.ok() ? testing::without_name_section(*r) : std::vector<uint8_t>{};
}

Error wat_error(std::string_view source) {
  auto r = parse_wat(source);
  EXPECT_FALSE(r.ok()) << "accepted: " << source;
  return r.ok() ? Error{} : r.error();
}

std::vector<uint8_t> bytes(std::initializer_list<int> b) {
  std::vector<uint8_t> v = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (int x : b) v.push_back(static_cast<uint8_t>(x));
  return v;
}

TEST(Module, EmptyModuleForms) {
  EXPECT_EQ(wat("(module)"), bytes({}));
  EXPECT_EQ(wat("(module $m)"), bytes({}));
  EXPECT_EQ(wat(""), bytes({}));
  EXPECT_EQ(wat(";; nothing\n"), bytes({}));
}

TEST(Module, BareFieldsEqualWrappedModule) {
  EXPECT_EQ(wat("(func (result i32) (i32.const 7)) (memory 1)"),
            wat("(module (func (result i32) (i32.const 7)) (memory 1))"));
}

TEST(Module, FoldedAndPlainInstructionsEncodeAlike) {
  EXPECT_EQ(wat("(func (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))"),
            wat("(func (param i32) (result i32) local.get 0 i32.const 1 i32.add)"));
  EXPECT_EQ(
      wat("(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) "
          "(else (i32.const 3))))"),
      wat("(func (result i32) i32.const 1 if (result i32) i32.const 2 else i32.const 3 end)"));
}

TEST(Module, ImplicitTypesFollowExplicitOnes) {
  // [] -> [i32] is not declared: it is appended after the explicit type.
  EXPECT_EQ(
      wat("(type $a (func (param i32))) (func (result i32) (i32.const 0)) (func (param i32))"),
      bytes({0x01, 0x09, 0x02, 0x60, 0x01, 0x7F, 0x00, 0x60, 0x00, 0x01, 0x7F,  // types
             0x03, 0x03, 0x02, 0x01, 0x00,                                      // funcs
             0x0A, 0x09, 0x02, 0x04, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x0B}));
}

TEST(Module, TypeUseMustMatchInlineSignature) {
  EXPECT_EQ(wat("(type $t (func (param i32))) (func (type $t) (param $x i32) (local.get $x) drop)")
                    .size() > 8,
            true);
  Error e = wat_error("(type $t (func (param i32)))\n(func (type $t) (param i64))");
  EXPECT_EQ(e.code, ErrorCode::InlineFunctionType);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(wat_error("(func (type 3) (param i32))").code, ErrorCode::UnknownTextType);
}

TEST(Module, NumericIndicesOutOfRangeStillEncode) {
  // Rejecting these is the validator's job (assert_invalid relies on it).
  EXPECT_EQ(wat("(func call 5)"), bytes({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                         0x0A, 0x06, 0x01, 0x04, 0x00, 0x10, 0x05, 0x0B}));
  EXPECT_FALSE(wat("(func (local.get 9) drop (global.get 3) drop (br 7))").empty());
}

TEST(Module, UnknownNamesAreMalformed) {
  Error e = wat_error("(func\n  (call $nope))");
  EXPECT_EQ(e.code, ErrorCode::UnknownIdentifier);
  EXPECT_EQ(e.phase(), Phase::Parse);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 9u);
  EXPECT_EQ(wat_error("(func (local.get $x) drop)").code, ErrorCode::UnknownIdentifier);
  EXPECT_EQ(wat_error("(func (br $l))").code, ErrorCode::UnknownTextLabel);
  EXPECT_EQ(wat_error("(func (call_indirect (type $t)))").code, ErrorCode::UnknownTextType);
}

TEST(Module, NamesResolveForwardAndPerSpace) {
  // $f is a function and a global at once; the call precedes the definition.
  auto m =
      wat("(func (call $f)) (func $f) (global $f i32 (i32.const 0)) "
          "(func (global.get $f) drop)");
  EXPECT_FALSE(m.empty());
}

TEST(Module, StringIdentifiers) {
  // $"..." names the same identifier as the plain form when the text agrees.
  EXPECT_EQ(wat("(func $\"a b\" (param $\"x\" i32)) (func (param $x i32) (call $\"a b\" (local.get "
                "$x)))"),
            wat("(func $f (param $x i32)) (func (param $y i32) (call $f (local.get 0)))"));
  EXPECT_EQ(wat("(func $\"f\") (func call $f)"), wat("(func) (func call 0)"));
  EXPECT_EQ(wat_error("(func $\"f\") (func $f)").code, ErrorCode::DuplicateFunc);
}

TEST(Module, LabelsByNameAndDepth) {
  EXPECT_EQ(wat("(func (block $a (block $b (br $a) (br $b))))"),
            wat("(func (block (block (br 1) (br 0))))"));
  // A repeated name shadows the outer label.
  EXPECT_EQ(wat("(func (block $l (block $l (br $l))))"), wat("(func (block (block (br 0))))"));
  // The label of a folded `if` is not in scope in its condition.
  EXPECT_EQ(wat("(func (block $l (if $l (br_if $l (i32.const 0) (i32.const 1)) (then (br $l)))))"),
            wat("(func (block (if (br_if 0 (i32.const 0) (i32.const 1)) (then (br 0)))))"));
}

TEST(Module, EndLabelsMustMatch) {
  EXPECT_FALSE(wat("(func block $a end $a loop $b end $b)").empty());
  EXPECT_FALSE(wat("(func (i32.const 1) if $c else $c end $c)").empty());
  EXPECT_EQ(wat_error("(func block $a end $b)").code, ErrorCode::MismatchingLabel);
  EXPECT_EQ(wat_error("(func block end $a)").code, ErrorCode::MismatchingLabel);
  EXPECT_EQ(wat_error("(func (i32.const 1) if $a else $b end)").code, ErrorCode::MismatchingLabel);
}

TEST(Module, DuplicateIdentifiers) {
  EXPECT_EQ(wat_error("(func $f) (func $f)").code, ErrorCode::DuplicateFunc);
  EXPECT_EQ(wat_error("(import \"m\" \"g\" (global $g i32)) (global $g i32 (i32.const 0))").code,
            ErrorCode::DuplicateGlobal);
  EXPECT_EQ(wat_error("(func (param $x i32) (local $x i32))").code, ErrorCode::DuplicateLocal);
  EXPECT_EQ(wat_error("(type $t (func)) (type $t (func))").code, ErrorCode::DuplicateType);
  EXPECT_EQ(wat_error("(memory $m 1) (memory $m 1)").code, ErrorCode::DuplicateMemory);
  EXPECT_EQ(wat_error("(table $t 1 funcref) (table $t 1 funcref)").code, ErrorCode::DuplicateTable);
  EXPECT_EQ(wat_error("(elem $e func) (elem $e func)").code, ErrorCode::DuplicateElem);
  EXPECT_EQ(wat_error("(data $d) (data $d)").code, ErrorCode::DuplicateData);
}

TEST(Module, ImportsMustPrecedeDefinitions) {
  EXPECT_EQ(wat_error("(func) (import \"\" \"\" (func))").code, ErrorCode::ImportAfterDefinition);
  EXPECT_EQ(wat_error("(global i32 (i32.const 0)) (import \"\" \"\" (func))").code,
            ErrorCode::ImportAfterGlobal);
  EXPECT_EQ(wat_error("(table 0 funcref) (func (import \"\" \"\"))").code,
            ErrorCode::ImportAfterTable);
  EXPECT_EQ(wat_error("(memory 0) (global (import \"\" \"\") i32)").code,
            ErrorCode::ImportAfterMemory);
  // Types, exports and segments may come first.
  EXPECT_FALSE(wat("(type (func)) (export \"f\" (func 0)) (import \"\" \"\" (func))").empty());
}

TEST(Module, InlineImportAndExportAbbreviations) {
  EXPECT_EQ(wat("(func $f (export \"a\") (export \"b\") (import \"m\" \"n\") (param i32))"),
            wat("(import \"m\" \"n\" (func $f (param i32))) (export \"a\" (func $f)) "
                "(export \"b\" (func $f))"));
  EXPECT_EQ(wat("(global (export \"g\") (mut i32) (i32.const 1))"),
            wat("(global (mut i32) (i32.const 1)) (export \"g\" (global 0))"));
  EXPECT_EQ(wat("(memory (import \"m\" \"mem\") 1 2)"), wat("(import \"m\" \"mem\" (memory 1 2))"));
  EXPECT_EQ(wat("(table (export \"t\") (import \"m\" \"t\") 1 funcref)"),
            wat("(import \"m\" \"t\" (table 1 funcref)) (export \"t\" (table 0))"));
}

TEST(Module, InlineElemAndDataSegments) {
  EXPECT_EQ(wat("(func $f) (table funcref (elem $f $f))"),
            wat("(func $f) (table 2 2 funcref) (elem (i32.const 0) $f $f)"));
  EXPECT_EQ(wat("(memory (data \"ab\" \"c\"))"), wat("(memory 1 1) (data (i32.const 0) \"abc\")"));
  EXPECT_EQ(wat("(memory (data))"), wat("(memory 0 0) (data (i32.const 0) \"\")"));
}

TEST(Module, ElemSegmentForms) {
  // flags 0..7 of spec 5.5.12, as wat2wasm writes them.
  EXPECT_EQ(wat("(table 1 funcref) (func) (elem (i32.const 0) func 0)"),
            wat("(table 1 funcref) (func) (elem (table 0) (offset (i32.const 0)) func 0)"));
  auto passive = wat("(func) (elem func 0)");
  auto declare = wat("(func) (elem declare func 0)");
  auto exprs = wat("(elem externref (ref.null extern))");
  EXPECT_NE(passive, declare);
  ASSERT_GE(exprs.size(), 8u);
  // element section: 1 segment, flags 5, externref, 1 item: ref.null extern end
  std::vector<uint8_t> tail(exprs.end() - 7, exprs.end());
  EXPECT_EQ(tail, (std::vector<uint8_t>{0x01, 0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B}));
}

TEST(Module, MemargAlignment) {
  EXPECT_FALSE(wat("(memory 1) (func (drop (i32.load offset=4 align=2 (i32.const 0))))").empty());
  EXPECT_EQ(wat_error("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))").code,
            ErrorCode::AlignmentMustBePowerOfTwo);
  EXPECT_EQ(wat_error("(memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0))))").code,
            ErrorCode::I32ConstantOutOfRange);
}

// Multi-memory (3.0): a memory index or identifier before the memarg and
// in the bulk instructions; memory 0 encodes as in 2.0.
TEST(Module, MemoryIndicesOfMultiMemory) {
  auto r = parse_wat(
      "(memory $a 1) (memory $b 1) (data $d \"x\")"
      "(func (param i32)"
      " (i32.store8 $b offset=4 align=1 (local.get 0) (i32.const 7))"
      " (drop (i32.load8_u 1 (local.get 0)))"
      " (drop (i32.load $a (local.get 0)))"
      " (drop (v128.load8_lane $b 3 (local.get 0) (v128.const i64x2 0 0)))"
      " (drop (v128.load8_lane 3 (local.get 0) (v128.const i64x2 0 0)))"
      " (drop (memory.size $b)) (drop (memory.grow 1 (i32.const 1)))"
      " (memory.fill $b (i32.const 0) (i32.const 0) (i32.const 0))"
      " (memory.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))"
      " (memory.init $b $d (i32.const 0) (i32.const 0) (i32.const 0))"
      " (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)))");
  ASSERT_TRUE(r.ok()) << r.error().describe();
  auto m = decode_module(*r);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  std::vector<std::pair<Opcode, std::pair<uint32_t, uint32_t>>> memops;
  for (const Instr& in : m->functions[0].body) {
    ImmKind k = info(in.op).imm;
    if (k == ImmKind::MemArg || k == ImmKind::MemArgLane)
      memops.push_back({in.op, {in.b, 0}});
    else if (k == ImmKind::Memory || k == ImmKind::MemoryInit || k == ImmKind::MemoryCopy)
      memops.push_back({in.op, {in.a, in.b}});
  }
  using enum Opcode;
  const std::vector<std::pair<Opcode, std::pair<uint32_t, uint32_t>>> want = {
      {I32Store8, {1, 0}},     {I32Load8U, {1, 0}},  {I32Load, {0, 0}},    {V128Load8Lane, {1, 0}},
      {V128Load8Lane, {0, 0}}, {MemorySize, {1, 0}}, {MemoryGrow, {1, 0}}, {MemoryFill, {1, 0}},
      {MemoryCopy, {0, 1}},    {MemoryInit, {0, 1}}, {MemoryInit, {0, 0}}};
  EXPECT_EQ(memops, want);
  EXPECT_EQ(wat_error("(memory 1) (func (drop (i32.load $nope (i32.const 0))))").code,
            ErrorCode::UnknownIdentifier);
}

// The threads proposal's `shared` flag: limits flag 0x03 (0x02 without a maximum).
TEST(Module, SharedMemories) {
  EXPECT_EQ(wat("(memory 1 2 shared)"), bytes({0x05, 0x04, 0x01, 0x03, 0x01, 0x02}));
  EXPECT_EQ(wat("(memory 1 shared)"), bytes({0x05, 0x03, 0x01, 0x02, 0x01}));
  EXPECT_EQ(wat("(import \"m\" \"n\" (memory 1 2 shared))"),
            bytes({0x02, 0x09, 0x01, 0x01, 'm', 0x01, 'n', 0x02, 0x03, 0x01, 0x02}));
}

TEST(Module, ConstantsOutOfRange) {
  EXPECT_EQ(wat_error("(func (i32.const 4294967296) drop)").code, ErrorCode::ConstantOutOfRange);
  EXPECT_EQ(wat_error("(func (f32.const 1e39) drop)").code, ErrorCode::ConstantOutOfRange);
  EXPECT_EQ(wat_error("(memory 0x1_0000_0000)").code, ErrorCode::I32ConstantOutOfRange);
}

TEST(Module, UnknownOperatorVersusUnexpectedToken) {
  EXPECT_EQ(wat_error("(func (i32.const0))").code, ErrorCode::UnknownOperator);
  EXPECT_EQ(wat_error("(func br 0drop)").code, ErrorCode::UnknownOperator);
  EXPECT_EQ(wat_error("(func get_local 0)").code, ErrorCode::UnknownOperator);
  EXPECT_EQ(wat_error("(func (nop) (local i32))").code, ErrorCode::UnexpectedToken);
  EXPECT_EQ(wat_error("(func (result i32) (param i32))").code, ErrorCode::UnexpectedToken);
  EXPECT_EQ(wat_error("(func (i32.const))").code, ErrorCode::UnexpectedToken);
  EXPECT_EQ(wat_error("(func (block (param $x i32)))").code, ErrorCode::UnexpectedToken);
  EXPECT_EQ(wat_error("(module").code, ErrorCode::UnexpectedEndOfText);
  EXPECT_EQ(wat_error("(module) (module)").code, ErrorCode::UnexpectedToken);
}

TEST(Module, ExportNamesMustBeUtf8) {
  EXPECT_EQ(wat_error("(func (export \"\\80\"))").code, ErrorCode::MalformedTextUtf8);
  EXPECT_EQ(wat_error("(import \"\\c0\\80\" \"\" (func))").code, ErrorCode::MalformedTextUtf8);
}

TEST(Module, MultipleStartFunctions) {
  EXPECT_EQ(wat_error("(func) (start 0) (start 0)").code, ErrorCode::MultipleStartSections);
}

TEST(Module, DataCountSectionWhenBulkMemoryNeedsIt) {
  auto with = wat("(memory 1) (data \"x\") (func (data.drop 0))");
  auto without = wat("(memory 1) (data \"x\") (func)");
  auto has_section_12 = [](const std::vector<uint8_t>& m) {
    for (size_t i = 8; i + 1 < m.size();) {
      if (m[i] == 12) return true;
      i += 2 + m[i + 1];  // all sections here are shorter than 128 bytes
    }
    return false;
  };
  EXPECT_TRUE(has_section_12(with));
  EXPECT_FALSE(has_section_12(without));
}

TEST(Module, NameSectionCarriesFunctionAndLocalNames) {
  auto r = parse_wat("(func $main (param $x i32) (local $y i64))");
  ASSERT_TRUE(r.ok());
  std::string s(r->begin(), r->end());
  EXPECT_NE(s.find("\x04name"), std::string::npos);
  EXPECT_NE(s.find("\x04main"), std::string::npos);
  EXPECT_NE(s.find("\x01x"), std::string::npos);
  EXPECT_NE(s.find("\x01y"), std::string::npos);
}

TEST(Module, NameSectionDecodes) {
  auto r = parse_wat(
      "(module $mod (import \"m\" \"f\" (func $imp)) (func) (func $main (param $x i32) (local i64) "
      "(local $y f32)))");
  ASSERT_TRUE(r.ok());
  auto m = decode_module(*r);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->names.module, "mod");
  EXPECT_EQ(m->names.functions, (std::map<uint32_t, std::string>{{0, "imp"}, {2, "main"}}));
  EXPECT_EQ(m->names.locals.at(2), (std::map<uint32_t, std::string>{{0, "x"}, {2, "y"}}));
}

TEST(Module, DeepNestingNeverCrashes) {
  std::string folded = "(func ";
  for (int i = 0; i < 100000; ++i) folded += "(block ";
  folded += std::string(100001, ')');
  EXPECT_EQ(wat_error(folded).code, ErrorCode::NestingTooDeep);
  // Plain blocks take no native stack: generated code nests them deeply.
  std::string plain = "(func ";
  for (int i = 0; i < 100000; ++i) plain += "block $l ";
  plain += "br $l br 99999 ";
  for (int i = 0; i < 100000; ++i) plain += "end ";
  EXPECT_GT(wat(plain + ")").size(), 300000u);  // 3 bytes a block
  EXPECT_EQ(wat_error("(func block block end)").code, ErrorCode::UnexpectedToken);
  std::string operands = "(func ";
  for (int i = 0; i < 100000; ++i) operands += "(i32.eqz ";
  EXPECT_EQ(wat_error(operands + std::string(100001, ')')).code, ErrorCode::NestingTooDeep);
  // Nesting just below the limit is fine.
  std::string ok = "(func ";
  for (int i = 0; i < 500; ++i) ok += "(block ";
  EXPECT_FALSE(wat(ok + std::string(501, ')')).empty());
}

TEST(Module, ErrorsCarryLineAndColumn) {
  Error e = wat_error("(module\n  (func\n    (i32.add (i32.const 1) (i32.const 0x1_0000_0000))))");
  EXPECT_EQ(e.code, ErrorCode::ConstantOutOfRange);
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 39u);
  EXPECT_NE(e.describe().find("3:39"), std::string::npos) << e.describe();
}

// Hand-written modules covering each field and instruction family must encode
// to exactly wat2wasm's bytes.
TEST(Module, MatchesWat2wasmByteForByte) {
  if (!testing::have_tool("wat2wasm")) GTEST_SKIP() << "wabt (wat2wasm) not installed";
  const char* modules[] = {
      R"((module
        (type $bin (func (param i32 i32) (result i32)))
        (import "env" "f" (func $imp (param i32)))
        (import "env" "g" (global $g (mut i64)))
        (import "env" "t" (table 2 10 externref))
        (memory $m 1 4)
        (global $c f64 (f64.const -0x1.8p-3))
        (table $fns 4 funcref)
        (func $add (type $bin) (i32.add (local.get 0) (local.get 1)))
        (func $loop (export "loop") (param $n i32) (result i32) (local $acc i32)
          (block $done
            (loop $again
              (br_if $done (i32.eqz (local.get $n)))
              (local.set $acc (i32.add (local.get $acc) (local.get $n)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $again)))
          (local.get $acc))
        (func (param i32)
          (block $a (block (br_table 0 $a 1 0 (local.get 0)))))
        (func (result i32) (call_indirect $fns (type $bin) (i32.const 1) (i32.const 2) (i32.const 0)))
        (func (result f32) (select (result f32) (f32.const nan:0x200000) (f32.const -inf) (i32.const 1)))
        (func (i64.store32 offset=8 align=2 (i32.const 0) (i64.const -1))
              (memory.fill (i32.const 0) (i32.const 0) (memory.size))
              (drop (memory.grow (i32.const 1))))
        (elem (table $fns) (i32.const 0) func $add $loop)
        (elem $passive funcref (ref.func $add) (ref.null func))
        (elem declare func $loop)
        (data (memory $m) (offset (i32.const 16)) "hello\00\ff")
        (data $p "passive")
        (func (memory.init $p (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $p)
              (table.init $fns $passive (i32.const 0) (i32.const 0) (i32.const 1))
              (elem.drop $passive)
              (table.copy $fns $fns (i32.const 0) (i32.const 1) (i32.const 1))
              (drop (table.grow 0 (ref.null extern) (i32.const 1)))
              (drop (table.size 0)) (table.fill 0 (i32.const 0) (ref.null extern) (i32.const 1))
              (drop (ref.is_null (ref.func $add)))
              (drop (i32.trunc_sat_f64_u (f64.const 1e300)))
              (drop (i64.extend32_s (i64.const 0x7fff_ffff_ffff))))
        (start $startfn)
        (func $startfn)
        (export "mem" (memory $m))
        (export "g" (global $g)))
      )",
      R"((module
        (func (export "multi") (param i64) (result i64 i32)
          local.get 0 (block (param i64) (result i64 i32) (i32.const 0))
        )
        (func (result i32)
          (if (result i32) (i32.const 1) (then (i32.const 2)) (else (unreachable))))
        (func (local i32 i32 i64 f32 f32 f32))
        (func (f64.const 0x1.fffffffffffffp+1023) (f32.const 1.17549435e-38) (drop) (drop)))
      )",
  };
  for (const char* source : modules) {
    testing::TempDir dir;
    std::string wat_path = (dir.path() / "m.wat").string();
    std::string wasm_path = (dir.path() / "m.wasm").string();
    {
      std::ofstream out(wat_path);
      out << source;
    }
    std::string output;
    ASSERT_EQ(testing::run("wat2wasm " + wat_path + " -o " + wasm_path, &output), 0)
        << output << source;
    EXPECT_EQ(wat(source), testing::read_bytes(wasm_path)) << source;
  }
}

}  // namespace
}  // namespace flint::text
