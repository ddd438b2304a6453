// Small components encoded by the component text parser, compared with
// `wasm-tools parse` (1.262) output captured when the tests were written,
// after `wasm-tools strip -a`: Flint writes no component-name section, and
// the core modules' name sections are dropped on both sides (see
// component_bytes.h). Also: identifier errors with their line:column, and
// malformed input that must fail cleanly.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "component_bytes.h"
#include "flint/wat.h"

namespace flint::text {
namespace {

std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

// The component's bytes without custom sections; empty on a parse error.
std::vector<uint8_t> component(std::string_view source) {
  Result<std::vector<uint8_t>> r = parse_wat(source);
  EXPECT_TRUE(r.ok()) << source << "\n" << (r.ok() ? "" : r.error().describe());
  return r.ok() ? testing::strip_custom_sections(*r) : std::vector<uint8_t>();
}

// The error of a source that must not parse.
Error error_of(std::string_view source) {
  Result<std::vector<uint8_t>> r = parse_wat(source);
  EXPECT_FALSE(r.ok()) << "accepted: " << source;
  return r.ok() ? make_error(ErrorCode::UnexpectedToken) : r.error();
}

TEST(ComponentEncode, LiftsACoreFunctionThroughAnExportAlias) {
  EXPECT_EQ(
      component(R"((component
  (core module $m (func (export "f") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func (export "f") (result u32) (canon lift (core func $i "f")))
))"),
      from_hex(
          "0061736d0d00010001220061736d010000000105016000017f03020100070501016600000a0601040041070b"
          "0204010000000705014000007906070100000100016608060100000000000b0701000166010000"));
}

TEST(ComponentEncode, EveryDefinedValueType) {
  EXPECT_EQ(
      component(R"((component
  (type $r (record (field "a" u32) (field "b" (list u8))))
  (type (variant (case "x" u32) (case "y")))
  (type (tuple u8 (option string) (result u32 (error u8))))
  (type (flags "a" "b"))
  (type (enum "red" "green"))
  (type (list u32 4))
  (type (map string u32))
  (type (stream u8))
  (type (future))
  (type $res (resource (rep i32)))
  (type (own $res))
  (type (borrow $res))
  (type (func async (param "p" $r) (result error-context)))
))"),
      from_hex(
          "0061736d0d000100074d10707d720201617901620071020178017900017900006b736a0179017d6f037d0304"
          "6e02016101626d020372656405677265656e67790463737966017d65003f7f00690c680c4301017001006"
          "4"));
}

TEST(ComponentEncode, InstanceTypesOuterAliasesAndModuleTypes) {
  EXPECT_EQ(
      component(R"((component $C
  (type $t u32)
  (import "i" (instance $i
    (export "t" (type (eq $t)))
    (export "r" (type (sub resource)))
    (export "f" (func (param "x" u32)))))
  (component $inner
    (import "x" (type (eq $t)))
    (alias outer $C $t (type $t2)))
  (instance (instantiate $inner (with "x" (type $i "t"))))
  (core type (module (import "a" "b" (func (param i32))) (export "m" (memory 1))))
))"),
      from_hex(
          "0061736d0d000100072402794205020302010004000174030000040001720301014001017879010004000166"
          "01030a06010001690501041f0061736d0d000100060501030201000a07010001780300000605010302010006"
          "060103000001740508010000010178030203150150030160017f000001610162000003016d020001"));
}

TEST(ComponentEncode, LowerOptionsAndBuiltins) {
  EXPECT_EQ(
      component(R"((component
  (core module $m
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
  (core instance $i (instantiate $m))
  (type $R (resource (rep i32)))
  (import "f" (func $f (param "s" string)))
  (core func (canon lower (func $f) (memory (core memory $i "mem")) (realloc (core func $i "realloc")) string-encoding=utf16))
  (core func (canon resource.new $R))
  (core func (canon task.return (result u32)))
  (core func (canon context.get i32 0))
  (core func (canon waitable-set.wait (memory (core memory $i "mem"))))
  (core func (canon thread.yield))
  (type $s (stream u8))
  (core func (canon stream.read $s async (memory (core memory $i "mem"))))
  (core func (canon stream.cancel-read $s async))
))"),
      from_hex(
          "0061736d0d00010001360061736d0100000001090160047f7f7f7f017f030201000503010001071102036d65"
          "6d0200077265616c6c6f6300000a05010300000b020401000000070b023f7f00400101737301000a06010001"
          "66010106150200020100036d656d00000100077265616c6c6f63081304010000030300040001020009007900"
          "0a7f0006090100020100036d656d0806022000010c0007040166017d06090100020100036d656d080a020f02"
          "02060302110201"));
}

TEST(ComponentEncode, StartValuesAscribedExportsAndNestedTypes) {
  EXPECT_EQ(
      component(R"((component $C
  (import "v" (value $v u32))
  (import "f" (func $f (param "x" u32) (result u32)))
  (import "m" (core module $m (import "a" "b" (func)) (export "g" (global (mut i32))) (export "t" (table 1 2 funcref))))
  (type $t (func (param "x" u32) (result u32)))
  (export $e "g" (func $f) (func (type $t)))
  (start $f (value $v) (result (value $r)))
  (export "r" (value $r))
  (component $D
    (import "t" (type $tt (sub resource)))
    (type (component
      (import "a" (func (param "a" (own $tt))))
      (export "b" (component (import "c" (instance))))))
    (alias outer $C $m (core module))
  )
  (instance $i (instantiate $D (with "t" (type $t))))
  (alias export $i "b" (component $b))
  (export "i" (instance $i))
))"),
      from_hex(
          "0061736d0d0001000a06010001760279070801400101787900790a06010001660100031c0150040160000000"
          "016101620000030167037f0103017401700101020a070100016d001100070801400101787900790b09010001"
          "6701000101010904000100010b070100017202010004450061736d0d0001000a06010001740301072b014106"
          "0203020100016900014001016101010003000161010201410201420003000163050004000162040306060100"
          "110201000508010000010174030106060104000001620b0701000169050000"));
}

TEST(ComponentEncode, ImportSugarAliasesAndInstanceForms) {
  EXPECT_EQ(
      component(R"((component
  (import "i" (instance $i (export "j" (instance (export "f" (func))))))
  (export "f" (func $i "j" "f"))
  (type $ct (component))
  (component $c (import "c") (type $ct))
  (instance $x (import "x") (export "g" (func)))
  (func $g (import "g"))
  (core module $m (func (export "h")) (memory (export "mem") 1))
  (core instance $ci (instantiate $m))
  (core func $h (alias core export $ci "h"))
  (alias core export $ci "mem" (core memory $mem))
  (core instance (export "h" (func $h)) (export "m" (memory $mem)))
  (instance (export "a" (func $g)) (export "b" (instance $x)))
  (instance (export "ii") (instantiate $c))
  (func (export "lifted") (param "s" string) (canon lift (core func $ci "h") (memory $mem) string-encoding=latin1+utf16 (post-return $h)))
  (core func (canon lower (func $x "g") async))
  (core func (canon lower (func $g)))
))"),
      from_hex(
          "0061736d0d000100071701420201420201400001000400016601000400016a05000a06010001690500060b02"
          "050000016a01000101660b070100016601000007030141000a06010001630401070e01420201400001000400"
          "016701000a06010001780502070501400001000a06010001670103012a0061736d0100000001040160000003"
          "0201000503010001070b0201680000036d656d02000a040102000b020401000000060f020000010001680002"
          "0100036d656d020b01010201680000016d020005100201020001610102000162050200000007080140010173"
          "730100060701000001000168080b01000001030300020500040606010100020167080a020100040106010002"
          "000b13020002696905040000066c6966746564010300"));
}

// wasm-tools expands inline types before it resolves names: a type's outer
// aliases come after all of its inline types, whatever their text order.
TEST(ComponentEncode, OuterAliasesAfterInlineTypes) {
  EXPECT_EQ(
      component(R"((component $C
  (type $t u32)
  (component
    (type (record (field "a" $t) (field "b" (list u8)) (field "c" (tuple $t (option $t)))))
    (import "f" (func (param "a" $t) (param "b" (list $t)) (result (result $t (error (list u8))))))
  )
  (import "i" (instance $i (export "t" (type (sub resource)))))
  (type (func (param "x" u8) (param "y" (list u8))))
))"),
      from_hex(
          "0061736d0d0001000702017904750061736d0d000100070301707d060501030201000703016b010605010302"
          "01000705016f02030206050103020100070c017203016105016200016304060501030201000705027007707d"
          "060501030201000706016a010a010906050103020100070b01400201610c016208000b0a0601000166010d07"
          "090142010400017403010a06010001690501070d02707d400201787d0179020100"));
}

// Inline instance arguments are defined before the aliases of the
// instantiation's other references.
TEST(ComponentEncode, InlineInstanceArgumentsBeforeAliases) {
  EXPECT_EQ(
      component(R"((component
  (import "i" (instance $i (export "f" (func)) (export "g" (func))))
  (component $c (import "a" (func)) (import "b" (instance (export "g" (func)))))
  (instance (instantiate $c (with "a" (func $i "f")) (with "b" (instance (export "g" (func $i "g"))))))
  (core module $m (import "x" "f" (func)) (import "y" "f" (func)))
  (core module $n (func (export "f")))
  (core instance $ni (instantiate $n))
  (core func $lf (canon lower (func $i "f")))
  (core instance (instantiate $m (with "x" (instance $ni)) (with "y" (instance (export "f" (func $ni "f"))))))
))"),
      from_hex(
          "0061736d0d0001000719014204014000010004000166010001400001000400016701010a0601000169050004"
          "2f0061736d0d000100070501400001000a06010001610100070e01420201400001000400016701000a060100"
          "016205010606010100000167050801010100016701000606010100000166050c010000020161010101620501"
          "011d0061736d01000000010401600000020d02017801660000017901660000011f0061736d01000000010401"
          "60000003020100070501016600000a040102000b020401000100060601010000016608050101000200060701"
          "0000010001660212020101016600010000020178120001791201"));
}

TEST(ComponentEncode, EmptyComponent) {
  EXPECT_EQ(component("(component)"), from_hex("0061736d0d000100"));
  EXPECT_EQ(component("(component $c)"), from_hex("0061736d0d000100"));
}

TEST(ComponentErrors, UnknownIdentifierNamesItsPlace) {
  Error e = error_of("(component\n  (export \"f\" (func $nope)))");
  EXPECT_EQ(e.code, ErrorCode::UnknownIdentifier);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 21u);
  EXPECT_NE(e.describe().find("func $nope"), std::string::npos) << e.describe();
}

TEST(ComponentErrors, IdentifiersArePerIndexSpace) {
  // $x is a type, not a function.
  Error e = error_of("(component (type $x u32)\n (export \"f\" (func $x)))");
  EXPECT_EQ(e.code, ErrorCode::UnknownIdentifier);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 20u);
  // A function of an enclosing component cannot be aliased (only types,
  // modules and components can).
  Error outer = error_of(
      "(component (import \"g\" (func $g))\n"
      "  (component (export \"g\" (func $g))))");
  EXPECT_EQ(outer.code, ErrorCode::UnknownIdentifier);
  EXPECT_EQ(outer.line, 2u);
  EXPECT_EQ(outer.column, 32u);
}

TEST(ComponentErrors, DuplicateIdentifier) {
  Error e = error_of("(component (type $t u32)\n  (type $t u8))");
  EXPECT_EQ(e.code, ErrorCode::DuplicateIdentifier);
  EXPECT_EQ(e.line, 2u);
}

TEST(ComponentErrors, UnknownOuterComponent) {
  Error e = error_of("(component (type $t u32)\n  (component (alias outer $X $t (type))))");
  EXPECT_EQ(e.code, ErrorCode::UnknownIdentifier);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 27u);
}

TEST(ComponentErrors, MalformedInputFailsCleanly) {
  for (std::string_view source : {
           "(component (type (record (field \"a\"",
           "(component (type (list)))",
           "(component (type (variant (case))))",
           "(component (canon lift))",
           "(component (canon no-such-builtin (core func)))",
           "(component (core instance (instantiate)))",
           "(component (import \"a\" (implements \"x\") (implements \"y\") (instance)))",
           "(component (alias outer 0 0))",
           "(component (func (export \"f\")))",
           "(component (type (func (param \"a\" (list u8 4294967296)))))",
       }) {
    Result<std::vector<uint8_t>> r = parse_wat(source);
    EXPECT_FALSE(r.ok()) << "accepted: " << source;
  }
}

TEST(ComponentErrors, DeepNestingIsAnErrorNotACrash) {
  std::string source;
  for (int i = 0; i < 10000; ++i) source += "(component ";
  for (int i = 0; i < 10000; ++i) source += ")";
  EXPECT_FALSE(parse_wat(source).ok());
  std::string types = "(component (type ";
  for (int i = 0; i < 10000; ++i) types += "(list ";
  types += "u8";
  for (int i = 0; i < 10000; ++i) types += ")";
  types += "))";
  EXPECT_FALSE(parse_wat(types).ok());
}

}  // namespace
}  // namespace flint::text
