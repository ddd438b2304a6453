// WAST scripts with components: the component commands (definition,
// instance, assertions on components) and the component values of actions
// and expected results (wast/component_literal.h).
#include <gtest/gtest.h>

#include <string>

#include "text/parse.h"

namespace flint::text {
namespace {

using wast::ComponentLiteral;
using Kind = wast::ComponentLiteral::Kind;

wast::Script script(std::string_view source) {
  Result<wast::Script> r = parse_wast(source);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? std::move(*r) : wast::Script{};
}

template <class T>
const T& command(const wast::Script& s, size_t i) {
  static const T empty{};
  if (i >= s.commands.size() || !std::holds_alternative<T>(s.commands[i])) {
    ADD_FAILURE() << "command " << i << " has another kind";
    return empty;
  }
  return std::get<T>(s.commands[i]);
}

TEST(ComponentScript, ComponentCommands) {
  wast::Script s = script(R"wast(
    (component $a)
    (component definition $D (import "f" (func)))
    (component instance $i $D)
    (component binary "\00asm\0d\00\01\00")
    (component quote "(type u8)")
    (assert_invalid (component (type (own 0))) "not a resource")
    (assert_malformed (component quote "(type (list))") "unexpected token")
    (assert_trap (component (core module $m (func $s unreachable) (start $s))
                            (core instance (instantiate $m))) "unreachable")
    (assert_unlinkable (component (import "x" (func))) "missing")
    (module)
  )wast");
  ASSERT_EQ(s.commands.size(), 10u);
  const auto& a = command<wast::ModuleCommand>(s, 0).module;
  EXPECT_TRUE(a.component);
  EXPECT_EQ(a.id, "a");
  EXPECT_EQ(a.binary, std::vector<uint8_t>({0, 'a', 's', 'm', 0x0d, 0, 1, 0}));
  const auto& d = command<wast::DefinitionCommand>(s, 1).module;
  EXPECT_TRUE(d.component);
  EXPECT_EQ(d.id, "D");
  const auto& i = command<wast::InstanceCommand>(s, 2);
  EXPECT_TRUE(i.component);
  EXPECT_EQ(i.instance, "i");
  EXPECT_EQ(i.definition, "D");
  EXPECT_EQ(command<wast::ModuleCommand>(s, 3).module.form, wast::ScriptModule::Form::Binary);
  const auto& q = command<wast::ModuleCommand>(s, 4).module;
  EXPECT_EQ(q.form, wast::ScriptModule::Form::Quote);
  EXPECT_TRUE(q.component);
  EXPECT_EQ(q.quote, "(type u8)");
  EXPECT_TRUE(command<wast::AssertInvalid>(s, 5).module.component);
  EXPECT_TRUE(command<wast::AssertMalformed>(s, 6).module.component);
  EXPECT_TRUE(command<wast::AssertUninstantiable>(s, 7).module.component);
  EXPECT_TRUE(command<wast::AssertUnlinkable>(s, 8).module.component);
  EXPECT_FALSE(command<wast::ModuleCommand>(s, 9).module.component);
  for (size_t c = 0; c < 9; ++c) EXPECT_TRUE(wast::is_component_command(s.commands[c])) << c;
  EXPECT_FALSE(wast::is_component_command(s.commands[9]));
}

TEST(ComponentScript, ActionsOnComponentsTakeComponentValues) {
  wast::Script s = script(R"wast(
    (component $c)
    (module $m)
    (assert_return (invoke $c "f" (u8.const 255) (s8.const -1) (s64.const -2)
                               (u64.const 0xffffffffffffffff) (bool.const true)
                               (char.const "⛳") (str.const "hi") (f32.const 1.5)
                               (f64.const nan:canonical))
                   (u32.const 7))
    (assert_return (invoke $m "g" (i32.const 1)) (i32.const 2))
    (component instance $ci $c)
    (invoke "h")
  )wast");
  ASSERT_EQ(s.commands.size(), 6u);
  const auto& r = command<wast::AssertReturn>(s, 2);
  EXPECT_TRUE(r.action.component);
  EXPECT_TRUE(wast::is_component_command(s.commands[2]));
  ASSERT_EQ(r.action.component_args.size(), 9u);
  const auto& args = r.action.component_args;
  EXPECT_EQ(args[0].kind, Kind::U8);
  EXPECT_EQ(args[0].scalar, 255u);
  EXPECT_EQ(args[1].kind, Kind::S8);
  EXPECT_EQ(args[1].scalar, 0xffu);  // two's complement in the width
  EXPECT_EQ(args[2].scalar, uint64_t(-2));
  EXPECT_EQ(args[3].scalar, ~uint64_t{0});
  EXPECT_EQ(args[4].kind, Kind::Bool);
  EXPECT_EQ(args[4].scalar, 1u);
  EXPECT_EQ(args[5].kind, Kind::Char);
  EXPECT_EQ(args[5].scalar, 0x26f3u);
  EXPECT_EQ(args[6].label, "hi");
  EXPECT_EQ(args[7].scalar, 0x3fc00000u);
  EXPECT_EQ(args[8].nan, ComponentLiteral::Nan::Canonical);
  ASSERT_EQ(r.component_expected.size(), 1u);
  EXPECT_EQ(r.component_expected[0].kind, Kind::U32);
  EXPECT_TRUE(r.expected.empty());
  // A core module's action keeps core values.
  const auto& core = command<wast::AssertReturn>(s, 3);
  EXPECT_FALSE(core.action.component);
  EXPECT_EQ(core.expected.size(), 1u);
  // An unnamed action goes to the latest instance, here a component.
  EXPECT_TRUE(command<wast::ActionCommand>(s, 5).action.component);
}

TEST(ComponentScript, CompoundValues) {
  wast::Script s = script(R"wast(
    (component)
    (invoke "f"
      (record.const (field "name" str.const "p:")
                    (field "scores" list.const (u32.const 10) (u32.const 20)))
      (tuple.const (str.const "n=") (u32.const 7))
      (variant.const "n" (u32.const 99)) (variant.const "none")
      (enum.const "red") (flags.const "a" "c") (flags.const)
      (option.none) (option.some (u32.const 5))
      (result.ok) (result.err (u32.const 404)))
  )wast");
  const auto& args = command<wast::ActionCommand>(s, 1).action.component_args;
  ASSERT_EQ(args.size(), 11u);
  ASSERT_EQ(args[0].kind, Kind::Record);
  ASSERT_EQ(args[0].children.size(), 2u);
  EXPECT_EQ(args[0].children[0].kind, Kind::Field);
  EXPECT_EQ(args[0].children[0].label, "name");
  EXPECT_EQ(args[0].children[0].children[0].label, "p:");
  const ComponentLiteral& scores = args[0].children[1].children[0];
  EXPECT_EQ(scores.kind, Kind::List);
  EXPECT_EQ(scores.children.size(), 2u);
  EXPECT_EQ(args[1].kind, Kind::Tuple);
  EXPECT_EQ(args[1].children.size(), 2u);
  EXPECT_EQ(args[2].kind, Kind::Variant);
  EXPECT_EQ(args[2].label, "n");
  EXPECT_EQ(args[2].children.size(), 1u);
  EXPECT_TRUE(args[3].children.empty());
  EXPECT_EQ(args[4].kind, Kind::Enum);
  EXPECT_EQ(args[4].label, "red");
  EXPECT_EQ(args[5].flags, std::vector<std::string>({"a", "c"}));
  EXPECT_TRUE(args[6].flags.empty());
  EXPECT_EQ(args[7].kind, Kind::OptionNone);
  EXPECT_EQ(args[8].kind, Kind::OptionSome);
  EXPECT_EQ(args[9].kind, Kind::ResultOk);
  EXPECT_TRUE(args[9].children.empty());
  EXPECT_EQ(args[10].kind, Kind::ResultErr);
  EXPECT_EQ(args[10].children[0].scalar, 404u);
}

TEST(ComponentScript, BadValuesNameTheirPlace) {
  Result<wast::Script> r = parse_wast("(component)\n(invoke \"f\" (u8.const 256))");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 2u);
  EXPECT_FALSE(parse_wast("(component)\n(invoke \"f\" (char.const \"ab\"))").ok());
  EXPECT_FALSE(parse_wast("(component)\n(invoke \"f\" (option.some))").ok());
  EXPECT_FALSE(parse_wast("(component)\n(invoke \"f\" (nope.const 1))").ok());
  Result<wast::Script> bad = parse_wast("(component\n  (export \"x\" (func $missing)))");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().line, 2u);
  EXPECT_EQ(bad.error().column, 21u);
}

}  // namespace
}  // namespace flint::text
