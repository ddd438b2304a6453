// Component values: case_of, equal (NaN equals NaN, handles by identity)
// and has_type (ranges, case indices, flag counts, resources).
#include "component/value.h"

#include <gtest/gtest.h>

#include <cmath>

#include "component/wave.h"
#include "test_memory.h"

namespace flint::component {
namespace {

using canon::testing::P;
using CV = ComponentValue;

TEST(Value, CaseOf) {
  CV none = CV::case_of(TypeKind::Option, 0, std::nullopt);
  EXPECT_EQ(none.as_case().index, 0u);
  EXPECT_EQ(none.as_case().payload, nullptr);
  CV some = CV::case_of(TypeKind::Option, 1, CV::boolean(true));
  ASSERT_NE(some.as_case().payload, nullptr);
  EXPECT_TRUE(some.as_case().payload->as_bool());
}

TEST(Value, Equal) {
  EXPECT_TRUE(equal(CV::f32(NAN), CV::f32(-NAN)));
  EXPECT_FALSE(equal(CV::f64(0.0), CV::f64(-0.0)));
  EXPECT_FALSE(equal(CV::f32(1), CV::f64(1)));
  EXPECT_FALSE(equal(CV::signed_int(TypeKind::S8, 1), CV::signed_int(TypeKind::S16, 1)));
  EXPECT_TRUE(equal(CV::sequence(TypeKind::List, {CV::string("a")}),
                    CV::sequence(TypeKind::List, {CV::string("a")})));
  EXPECT_FALSE(equal(CV::sequence(TypeKind::List, {CV::string("a")}),
                     CV::sequence(TypeKind::List, {CV::string("a"), CV::string("b")})));
  EXPECT_FALSE(equal(CV::case_of(TypeKind::Option, 1, CV::boolean(true)),
                     CV::case_of(TypeKind::Option, 1, CV::boolean(false))));
  EXPECT_FALSE(equal(CV::case_of(TypeKind::Option, 0, std::nullopt),
                     CV::case_of(TypeKind::Option, 1, CV::boolean(false))));
  auto r1 = std::make_shared<ResourceType>(), r2 = std::make_shared<ResourceType>();
  EXPECT_TRUE(equal(CV::handle(TypeKind::Own, r1, 1), CV::handle(TypeKind::Own, r1, 1)));
  EXPECT_FALSE(equal(CV::handle(TypeKind::Own, r1, 1), CV::handle(TypeKind::Own, r2, 1)));
  EXPECT_FALSE(equal(CV::handle(TypeKind::Own, r1, 1), CV::handle(TypeKind::Own, r1, 2)));
  EXPECT_TRUE(equal(CV::flags({true, false}), CV::flags({true, false})));
}

TEST(Value, HasType) {
  auto r1 = std::make_shared<ResourceType>(), r2 = std::make_shared<ResourceType>();
  struct Case {
    const char* name;
    CV value;
    ValueTypePtr type;
    bool want;
  };
  std::vector<Case> cases = {
      {"u8 in range", CV::unsigned_int(TypeKind::U8, 255), P(TypeKind::U8), true},
      {"u8 out of range", CV::unsigned_int(TypeKind::U8, 256), P(TypeKind::U8), false},
      {"s16 out of range", CV::signed_int(TypeKind::S16, -32769), P(TypeKind::S16), false},
      {"s32 as s64", CV::signed_int(TypeKind::S32, 1), P(TypeKind::S64), false},
      {"wrong payload", CV{TypeKind::U32, int64_t(1)}, P(TypeKind::U32), false},
      {"surrogate char", CV::character(0xD800), P(TypeKind::Char), false},
      {"list element", CV::sequence(TypeKind::List, {CV::boolean(true)}),
       ValueType::list(P(TypeKind::U8)), false},
      {"fixed list length", CV::sequence(TypeKind::List, {CV::boolean(true)}),
       ValueType::fixed_list(P(TypeKind::Bool), 2), false},
      {"record arity", CV::sequence(TypeKind::Record, {}),
       ValueType::record({{"a", P(TypeKind::Bool)}}), false},
      {"variant index", CV::case_of(TypeKind::Variant, 1, std::nullopt),
       ValueType::variant({{"a", nullptr}}), false},
      {"variant missing payload", CV::case_of(TypeKind::Variant, 0, std::nullopt),
       ValueType::variant({{"a", P(TypeKind::U8)}}), false},
      {"variant extra payload", CV::case_of(TypeKind::Variant, 0, CV::boolean(true)),
       ValueType::variant({{"a", nullptr}}), false},
      {"enum", CV::case_of(TypeKind::Enum, 1, std::nullopt), ValueType::enumeration({"a", "b"}),
       true},
      {"option some", CV::case_of(TypeKind::Option, 1, CV::boolean(true)),
       ValueType::option(P(TypeKind::Bool)), true},
      {"option index 2", CV::case_of(TypeKind::Option, 2, std::nullopt),
       ValueType::option(P(TypeKind::Bool)), false},
      {"result err without type", CV::case_of(TypeKind::Result, 1, std::nullopt),
       ValueType::result(P(TypeKind::U8), nullptr), true},
      {"flags count", CV::flags({true}), ValueType::flags({"a", "b"}), false},
      {"own resource", CV::handle(TypeKind::Own, r1, 0), ValueType::own(r1), true},
      {"own other resource", CV::handle(TypeKind::Own, r1, 0), ValueType::own(r2), false},
      {"own as borrow", CV::handle(TypeKind::Own, r1, 0), ValueType::borrow(r1), false},
      {"map entry",
       CV::sequence(TypeKind::Map,
                    {CV::sequence(TypeKind::Tuple, {CV::string("k"), CV::boolean(true)})}),
       ValueType::map(P(TypeKind::String), P(TypeKind::Bool)), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(has_type(c.value, *c.type), c.want);
  }
}

// Random text against a few types: parse_wave may fail, never crashes, and
// whatever it accepts writes back to text that parses to the same value.
TEST(Wave, ArbitraryTextNeverCrashesAndAcceptedTextRoundTrips) {
  auto str = P(TypeKind::String);
  std::vector<ValueTypePtr> types = {
      ValueType::list(ValueType::option(P(TypeKind::U8))),
      ValueType::record({{"a", str}, {"b", ValueType::option(P(TypeKind::F64))}}),
      ValueType::variant(
          {{"x", ValueType::tuple({P(TypeKind::Char), P(TypeKind::S8)})}, {"y", nullptr}}),
      ValueType::result(ValueType::flags({"r", "w"}), str),
  };
  const char alphabet[] = "[](){},:'\"\\%-.0123456789abexyrwnsomeoktfu{} \n/";
  uint64_t seed = 12345;
  auto rnd = [&seed] {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return seed >> 33;
  };
  size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    size_t n = rnd() % 12;
    for (size_t i = 0; i < n; ++i) text += alphabet[rnd() % (sizeof alphabet - 1)];
    for (const auto& t : types) {
      auto v = parse_wave(text, *t);
      if (!v.ok()) continue;
      ++accepted;
      ASSERT_TRUE(has_type(*v, *t)) << text;
      std::string again = to_wave(*v, *t);
      auto back = parse_wave(again, *t);
      ASSERT_TRUE(back.ok()) << text << " -> " << again;
      EXPECT_TRUE(equal(*back, *v)) << text << " -> " << again;
    }
  }
  EXPECT_GT(accepted, 0u);
}

}  // namespace
}  // namespace flint::component
