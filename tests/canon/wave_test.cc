// WAVE text both ways: every kind written and read back, the shorthand
// forms wasmtime accepts, escapes, and malformed input.
#include "component/wave.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_memory.h"

namespace flint::component {
namespace {

using canon::testing::P;
using CV = ComponentValue;

struct WaveCase {
  const char* text;  ///< what to_wave writes (and parse_wave reads back)
  ValueTypePtr type;
  CV value;
};

std::vector<WaveCase> cases() {
  auto str = P(TypeKind::String);
  auto rec = ValueType::record({{"field-a", P(TypeKind::U8)}, {"field-b", str}});
  auto var =
      ValueType::variant({{"days", P(TypeKind::U32)}, {"forever", nullptr}, {"none", nullptr}});
  auto res = ValueType::result(P(TypeKind::U8), str);
  return {
      {"true", P(TypeKind::Bool), CV::boolean(true)},
      {"false", P(TypeKind::Bool), CV::boolean(false)},
      {"-128", P(TypeKind::S8), CV::signed_int(TypeKind::S8, -128)},
      {"255", P(TypeKind::U8), CV::unsigned_int(TypeKind::U8, 255)},
      {"-9223372036854775808", P(TypeKind::S64), CV::signed_int(TypeKind::S64, INT64_MIN)},
      {"18446744073709551615", P(TypeKind::U64), CV::unsigned_int(TypeKind::U64, UINT64_MAX)},
      {"3.14", P(TypeKind::F32), CV::f32(3.14f)},
      {"-0.5", P(TypeKind::F64), CV::f64(-0.5)},
      {"6.022e+23", P(TypeKind::F64), CV::f64(6.022e23)},
      {"nan", P(TypeKind::F32), CV::f32(NAN)},
      {"inf", P(TypeKind::F64), CV::f64(INFINITY)},
      {"-inf", P(TypeKind::F32), CV::f32(-INFINITY)},
      {"'x'", P(TypeKind::Char), CV::character('x')},
      {"'\\''", P(TypeKind::Char), CV::character('\'')},
      {"'\"'", P(TypeKind::Char), CV::character('"')},
      {"'\\u{0}'", P(TypeKind::Char), CV::character(0)},
      {"'\xE2\x98\x83'", P(TypeKind::Char), CV::character(0x2603)},
      {"'\\n'", P(TypeKind::Char), CV::character('\n')},
      {"\"abc\\t123\"", str, CV::string("abc\t123")},
      {"\"q\\\"uote\\\\'\"", str, CV::string("q\"uote\\'")},
      {"\"\xF0\x9F\x91\x8B hi\"", str, CV::string("\xF0\x9F\x91\x8B hi")},
      {"\"\\u{7f}\"", str, CV::string("\x7F")},
      {"[1, 2, 3]", ValueType::list(P(TypeKind::U8)),
       CV::sequence(TypeKind::List,
                    {CV::unsigned_int(TypeKind::U8, 1), CV::unsigned_int(TypeKind::U8, 2),
                     CV::unsigned_int(TypeKind::U8, 3)})},
      {"[]", ValueType::list(str), CV::sequence(TypeKind::List, {})},
      {"(\"abc\", 123)", ValueType::tuple({str, P(TypeKind::U32)}),
       CV::sequence(TypeKind::Tuple, {CV::string("abc"), CV::unsigned_int(TypeKind::U32, 123)})},
      {"{field-a: 1, field-b: \"two\"}", rec,
       CV::sequence(TypeKind::Record, {CV::unsigned_int(TypeKind::U8, 1), CV::string("two")})},
      {"{:}", ValueType::record({}), CV::sequence(TypeKind::Record, {})},
      {"days(30)", var, CV::case_of(TypeKind::Variant, 0, CV::unsigned_int(TypeKind::U32, 30))},
      {"forever", var, CV::case_of(TypeKind::Variant, 1, std::nullopt)},
      {"%none", var, CV::case_of(TypeKind::Variant, 2, std::nullopt)},
      {"west", ValueType::enumeration({"south", "west"}),
       CV::case_of(TypeKind::Enum, 1, std::nullopt)},
      {"some(\"x\")", ValueType::option(str), CV::case_of(TypeKind::Option, 1, CV::string("x"))},
      {"none", ValueType::option(str), CV::case_of(TypeKind::Option, 0, std::nullopt)},
      {"some(none)", ValueType::option(ValueType::option(P(TypeKind::U8))),
       CV::case_of(TypeKind::Option, 1, CV::case_of(TypeKind::Option, 0, std::nullopt))},
      {"ok(1)", res, CV::case_of(TypeKind::Result, 0, CV::unsigned_int(TypeKind::U8, 1))},
      {"err(\"oops\")", res, CV::case_of(TypeKind::Result, 1, CV::string("oops"))},
      {"ok", ValueType::result(nullptr, nullptr), CV::case_of(TypeKind::Result, 0, std::nullopt)},
      {"err", ValueType::result(P(TypeKind::U8), nullptr),
       CV::case_of(TypeKind::Result, 1, std::nullopt)},
      {"{read, write}", ValueType::flags({"read", "write", "exec"}),
       CV::flags({true, true, false})},
      {"{}", ValueType::flags({"read"}), CV::flags({false})},
      {"[1, 2]", ValueType::fixed_list(P(TypeKind::S16), 2),
       CV::sequence(TypeKind::List,
                    {CV::signed_int(TypeKind::S16, 1), CV::signed_int(TypeKind::S16, 2)})},
  };
}

TEST(Wave, WritesAndReadsBack) {
  for (const WaveCase& c : cases()) {
    SCOPED_TRACE(c.text);
    ASSERT_TRUE(has_type(c.value, *c.type));
    EXPECT_EQ(to_wave(c.value, *c.type), c.text);
    auto parsed = parse_wave(c.text, *c.type);
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_TRUE(equal(*parsed, c.value));
  }
}

TEST(Wave, ReadsOtherSpellings) {
  struct Case {
    const char* text;
    ValueTypePtr type;
    CV value;
  };
  auto str = P(TypeKind::String);
  auto basic = ValueType::record(
      {{"required", P(TypeKind::U8)}, {"optional", ValueType::option(P(TypeKind::U8))}});
  auto none = CV::case_of(TypeKind::Option, 0, std::nullopt);
  auto one = CV::unsigned_int(TypeKind::U8, 1);
  std::vector<Case> cases = {
      {"  [ 1 ,2, ] // trailing comma and a comment", ValueType::list(P(TypeKind::U8)),
       CV::sequence(TypeKind::List, {one, CV::unsigned_int(TypeKind::U8, 2)})},
      {"\"flat some\"", ValueType::option(str),
       CV::case_of(TypeKind::Option, 1, CV::string("flat some"))},
      {"\"flat ok\"", ValueType::result(str, str),
       CV::case_of(TypeKind::Result, 0, CV::string("flat ok"))},
      {"{ required: 1 }", basic, CV::sequence(TypeKind::Record, {one, none})},
      {"{optional: some(2), required: 1,}", basic,
       CV::sequence(TypeKind::Record,
                    {one, CV::case_of(TypeKind::Option, 1, CV::unsigned_int(TypeKind::U8, 2))})},
      {"{ : }", ValueType::record({{"a", ValueType::option(P(TypeKind::U8))}}),
       CV::sequence(TypeKind::Record, {none})},
      {"%west", ValueType::enumeration({"south", "west"}),
       CV::case_of(TypeKind::Enum, 1, std::nullopt)},
      {"1e3", P(TypeKind::F32), CV::f32(1000)},
      {"-0", P(TypeKind::F64), CV::f64(-0.0)},
      {"+7", P(TypeKind::U8), CV::unsigned_int(TypeKind::U8, 7)},
      {"'\\u{1F600}'", P(TypeKind::Char), CV::character(0x1F600)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto parsed = parse_wave(c.text, *c.type);
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_TRUE(equal(*parsed, c.value)) << to_wave(*parsed, *c.type);
  }
}

TEST(Wave, RejectsMalformedText) {
  struct Case {
    const char* text;
    ValueTypePtr type;
  };
  auto str = P(TypeKind::String);
  auto basic = ValueType::record(
      {{"required", P(TypeKind::U8)}, {"optional", ValueType::option(P(TypeKind::U8))}});
  std::vector<Case> cases = {
      {"", P(TypeKind::Bool)},
      {"yes", P(TypeKind::Bool)},
      {"256", P(TypeKind::U8)},
      {"-1", P(TypeKind::U32)},
      {"128", P(TypeKind::S8)},
      {"99999999999999999999", P(TypeKind::U64)},
      {"1.5", P(TypeKind::U32)},
      {"1e39", P(TypeKind::F32)},
      {"-nan", P(TypeKind::F64)},
      {"1.", P(TypeKind::F64)},
      {"''", P(TypeKind::Char)},
      {"'ab'", P(TypeKind::Char)},
      {"'\\u{D800}'", P(TypeKind::Char)},
      {"'\\u{110000}'", P(TypeKind::Char)},
      {"\"unterminated", str},
      {"\"bad \\q escape\"", str},
      {"[1, 2", ValueType::list(P(TypeKind::U8))},
      {"[1 2]", ValueType::list(P(TypeKind::U8))},
      {"[1]", ValueType::fixed_list(P(TypeKind::U8), 2)},
      {"(1)", ValueType::tuple({P(TypeKind::U8), P(TypeKind::U8)})},
      {"(1, 2, 3)", ValueType::tuple({P(TypeKind::U8), P(TypeKind::U8)})},
      {"{optional: none}", basic},
      {"{required: 1, required: 2}", basic},
      {"{required: 1, extra: 2}", basic},
      {"north", ValueType::enumeration({"south"})},
      {"true", ValueType::enumeration({"true"})},  // a keyword case needs %
      {"days", ValueType::variant({{"days", P(TypeKind::U32)}})},
      {"{read, read}", ValueType::flags({"read"})},
      {"{exec}", ValueType::flags({"read"})},
      {"some 1", ValueType::option(P(TypeKind::U8))},
      {"ok", ValueType::result(P(TypeKind::U8), nullptr)},
      {"1 2", P(TypeKind::U8)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto parsed = parse_wave(c.text, *c.type);
    ASSERT_FALSE(parsed.ok()) << to_wave(*parsed, *c.type);
    EXPECT_TRUE(parsed.error().phase() == Phase::Parse) << parsed.error().message();
    EXPECT_TRUE(parsed.error().offset.has_value());
  }
}

TEST(Wave, DeepNestingIsAnErrorNotACrash) {
  ValueTypePtr t = P(TypeKind::U8);
  for (int i = 0; i < 300; ++i) t = ValueType::list(t);
  std::string text(300, '[');
  text += std::string(300, ']');
  auto parsed = parse_wave(text, *t);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::NestingTooDeep);
}

}  // namespace
}  // namespace flint::component
