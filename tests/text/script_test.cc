// parse_wast: the script commands, values and result patterns (the spec
// interpreter's script format) as wast::Script.
#include <gtest/gtest.h>

#include "text/parse.h"

namespace flint::text {
namespace {

using namespace wast;

Script script(std::string_view source) {
  auto r = parse_wast(source);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? std::move(r).value() : Script{};
}

template <class T>
const T& command(const Script& s, size_t i) {
  EXPECT_LT(i, s.commands.size());
  const T* c = std::get_if<T>(&s.commands.at(i));
  EXPECT_NE(c, nullptr) << "command " << i << " has another kind";
  static const T empty{};
  return c ? *c : empty;
}

TEST(Script, ModuleForms) {
  Script s = script(R"wast(
    (module $a (func))
    (module binary "\00asm" "\01\00\00\00")
    (module $q quote "(func" " (nop))")
  )wast");
  ASSERT_EQ(s.commands.size(), 3u);
  const ScriptModule& text = command<ModuleCommand>(s, 0).module;
  EXPECT_EQ(text.form, ScriptModule::Form::Text);
  EXPECT_EQ(text.id, "a");
  EXPECT_EQ(text.line, 2u);
  EXPECT_GT(text.binary.size(), 8u);
  const ScriptModule& bin = command<ModuleCommand>(s, 1).module;
  EXPECT_EQ(bin.form, ScriptModule::Form::Binary);
  EXPECT_EQ(bin.binary, (std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
  const ScriptModule& quote = command<ModuleCommand>(s, 2).module;
  EXPECT_EQ(quote.form, ScriptModule::Form::Quote);
  EXPECT_EQ(quote.id, "q");
  EXPECT_EQ(quote.quote, "(func (nop))");
  EXPECT_EQ(s.lines, (std::vector<uint32_t>{2, 3, 4}));
}

TEST(Script, MalformedTextModuleFailsTheScript) {
  auto r = parse_wast("(module (func (i32.const 1_)))");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().phase(), Phase::Parse);
}

TEST(Script, BareModuleScript) {
  Script s = script("(func) (memory 0) (func (export \"f\"))");
  ASSERT_EQ(s.commands.size(), 1u);
  EXPECT_GT(command<ModuleCommand>(s, 0).module.binary.size(), 8u);
}

TEST(Script, ActionsAndRegister) {
  Script s = script(R"wast(
    (register "M" $m)
    (invoke $m "f" (i32.const -1) (i64.const 0x10) (f32.const -0.0) (f64.const nan:0x1)
                   (ref.null func) (ref.null extern) (ref.extern 41))
    (get "g")
  )wast");
  const RegisterCommand& r = command<RegisterCommand>(s, 0);
  EXPECT_EQ(r.name, "M");
  EXPECT_EQ(r.module, "m");
  const Action& a = command<ActionCommand>(s, 1).action;
  EXPECT_EQ(a.kind, Action::Kind::Invoke);
  EXPECT_EQ(a.module, "m");
  EXPECT_EQ(a.field, "f");
  ASSERT_EQ(a.args.size(), 7u);
  EXPECT_EQ(a.args[0].i32, 0xFFFFFFFFu);
  EXPECT_EQ(a.args[1].i64, 16u);
  EXPECT_EQ(a.args[2].f32_bits, 0x80000000u);
  EXPECT_EQ(a.args[3].f64_bits, 0x7FF0000000000001u);
  EXPECT_EQ(a.args[4].type, ValType::FuncRef);
  EXPECT_EQ(a.args[4].ref, nullptr);
  EXPECT_EQ(a.args[5].type, ValType::ExternRef);
  EXPECT_EQ(a.args[5].ref, nullptr);
  EXPECT_EQ(a.args[6].type, ValType::ExternRef);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.args[6].ref), 42u);  // N + 1
  const Action& g = command<ActionCommand>(s, 2).action;
  EXPECT_EQ(g.kind, Action::Kind::Get);
  EXPECT_FALSE(g.module.has_value());
}

TEST(Script, AssertReturnPatterns) {
  Script s = script(R"wast(
    (assert_return (invoke "f")
      (f32.const nan:canonical) (f64.const nan:arithmetic) (i32.const 7)
      (ref.extern) (ref.func) (ref.extern 3)
      (either (i32.const 1) (i32.const 2)))
  )wast");
  const AssertReturn& a = command<AssertReturn>(s, 0);
  ASSERT_EQ(a.expected.size(), 7u);
  EXPECT_EQ(a.expected[0].kind, Expected::Kind::CanonicalNan);
  EXPECT_EQ(a.expected[0].value.type, ValType::F32);
  EXPECT_EQ(a.expected[1].kind, Expected::Kind::ArithmeticNan);
  EXPECT_EQ(a.expected[1].value.type, ValType::F64);
  EXPECT_EQ(a.expected[2].kind, Expected::Kind::Exact);
  EXPECT_EQ(a.expected[2].value.i32, 7u);
  EXPECT_EQ(a.expected[3].kind, Expected::Kind::AnyRef);
  EXPECT_EQ(a.expected[3].value.type, ValType::ExternRef);
  EXPECT_EQ(a.expected[4].kind, Expected::Kind::AnyRef);
  EXPECT_EQ(a.expected[4].value.type, ValType::FuncRef);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.expected[5].value.ref), 4u);
  EXPECT_EQ(a.expected[6].kind, Expected::Kind::Either);
  ASSERT_EQ(a.expected[6].alternatives.size(), 2u);
  EXPECT_EQ(a.expected[6].alternatives[1].value.i32, 2u);
}

TEST(Script, V128Values) {
  Script s = script(R"wast(
    (invoke "f" (v128.const i16x8 1 2 3 4 5 6 7 -1))
    (assert_return (invoke "g") (v128.const f32x4 1.0 nan:canonical -0 nan:arithmetic))
    (assert_return (invoke "h") (v128.const i64x2 1 0xffffffffffffffff))
  )wast");
  const Value& arg = command<ActionCommand>(s, 0).action.args.at(0);
  EXPECT_EQ(arg.type, ValType::V128);
  EXPECT_EQ(arg.v128.bytes[0], 1);
  EXPECT_EQ(arg.v128.bytes[2], 2);
  EXPECT_EQ(arg.v128.bytes[14], 0xFF);
  EXPECT_EQ(arg.v128.bytes[15], 0xFF);
  const Expected& lanes = command<AssertReturn>(s, 1).expected.at(0);
  EXPECT_EQ(lanes.kind, Expected::Kind::LanePatterns);
  EXPECT_EQ(lanes.lane_type, ValType::F32);
  EXPECT_EQ(lanes.lanes,
            (std::vector<Expected::Kind>{Expected::Kind::Exact, Expected::Kind::CanonicalNan,
                                         Expected::Kind::Exact, Expected::Kind::ArithmeticNan}));
  EXPECT_EQ(lanes.value.v128.bytes[3], 0x3F);   // 1.0f = 0x3f800000, little-endian
  EXPECT_EQ(lanes.value.v128.bytes[11], 0x80);  // -0.0f
  const Expected& exact = command<AssertReturn>(s, 2).expected.at(0);
  EXPECT_EQ(exact.kind, Expected::Kind::Exact);
  EXPECT_EQ(exact.value.v128.bytes[8], 0xFF);
}

TEST(Script, Assertions) {
  Script s = script(R"wast(
    (assert_trap (invoke "f") "unreachable")
    (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
    (assert_exhaustion (invoke "r") "call stack exhausted")
    (assert_malformed (module quote "(func") "unexpected end")
    (assert_invalid (module (func (result i32))) "type mismatch")
    (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
  )wast");
  ASSERT_EQ(s.commands.size(), 6u);
  EXPECT_EQ(command<AssertTrap>(s, 0).message, "unreachable");
  EXPECT_EQ(command<AssertUninstantiable>(s, 1).module.form, ScriptModule::Form::Text);
  EXPECT_EQ(command<AssertExhaustion>(s, 2).action.field, "r");
  EXPECT_EQ(command<AssertMalformed>(s, 3).module.quote, "(func");
  EXPECT_EQ(command<AssertInvalid>(s, 4).message, "type mismatch");
  EXPECT_EQ(command<AssertUnlinkable>(s, 5).message, "unknown import");
}

TEST(Script, NanPatternsOnlyInResults) {
  EXPECT_FALSE(parse_wast("(invoke \"f\" (f32.const nan:canonical))").ok());
  EXPECT_FALSE(parse_wast("(module (func (f32.const nan:canonical) drop))").ok());
}

TEST(Script, ErrorsCarryLines) {
  auto r = parse_wast("(module)\n\n(assert_return (invoke \"f\") (i32.const 1.5))");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 3u);
  EXPECT_EQ(r.error().column, 40u);
  EXPECT_FALSE(parse_wast("(frobnicate)").ok());
  EXPECT_FALSE(parse_wast("(module) )").ok());
}

}  // namespace
}  // namespace flint::text
