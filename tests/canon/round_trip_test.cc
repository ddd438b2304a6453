// Every type through the flat form (lower_flat then lift_flat) and the
// memory form (store then load), in each string encoding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "canon/flat.h"
#include "canon/load_store.h"
#include "test_memory.h"

namespace flint::canon {
namespace {

using namespace testing;
using component::equal;
using component::has_type;

using CV = ComponentValue;

CV u32v(uint64_t v) { return CV::unsigned_int(TypeKind::U32, v); }
CV some(CV v) { return CV::case_of(TypeKind::Option, 1, std::move(v)); }
CV none() { return CV::case_of(TypeKind::Option, 0, std::nullopt); }

struct RoundTrip {
  const char* name;
  ValueTypePtr type;
  CV value;
};

std::vector<RoundTrip> cases() {
  auto str = P(TypeKind::String);
  auto var = ValueType::variant({{"a", P(TypeKind::U32)},
                                 {"b", P(TypeKind::F32)},
                                 {"c", nullptr},
                                 {"d", P(TypeKind::S64)},
                                 {"e", P(TypeKind::F64)},
                                 {"f", str}});
  auto rec = ValueType::record({{"x", P(TypeKind::U8)},
                                {"name", str},
                                {"ratio", P(TypeKind::F64)},
                                {"tags", ValueType::list(str)}});
  auto flags = ValueType::flags({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) many.push_back("f" + std::to_string(i));
  auto wide_flags = ValueType::flags(many);
  std::vector<bool> wide(40);
  wide[0] = wide[31] = wide[32] = wide[39] = true;
  return {
      {"list<u8> in byte form", ValueType::list(P(TypeKind::U8)), CV::byte_list({1, 2, 255})},
      {"list<u8> as values", ValueType::list(P(TypeKind::U8)),
       CV::sequence(TypeKind::List,
                    {CV::unsigned_int(TypeKind::U8, 1), CV::unsigned_int(TypeKind::U8, 200)})},
      {"list<u8, 3> in byte form", ValueType::fixed_list(P(TypeKind::U8), 3),
       CV::byte_list({7, 8, 9})},
      {"bool true", P(TypeKind::Bool), CV::boolean(true)},
      {"bool false", P(TypeKind::Bool), CV::boolean(false)},
      {"s8 min", P(TypeKind::S8), CV::signed_int(TypeKind::S8, -128)},
      {"u8 max", P(TypeKind::U8), CV::unsigned_int(TypeKind::U8, 255)},
      {"s16 -1", P(TypeKind::S16), CV::signed_int(TypeKind::S16, -1)},
      {"u16 max", P(TypeKind::U16), CV::unsigned_int(TypeKind::U16, 65535)},
      {"s32 min", P(TypeKind::S32), CV::signed_int(TypeKind::S32, INT32_MIN)},
      {"u32 max", P(TypeKind::U32), u32v(UINT32_MAX)},
      {"s64 min", P(TypeKind::S64), CV::signed_int(TypeKind::S64, INT64_MIN)},
      {"u64 max", P(TypeKind::U64), CV::unsigned_int(TypeKind::U64, UINT64_MAX)},
      {"f32", P(TypeKind::F32), CV::f32(-1.5f)},
      {"f32 -0", P(TypeKind::F32), CV::f32(-0.0f)},
      {"f32 inf", P(TypeKind::F32), CV::f32(INFINITY)},
      {"f64", P(TypeKind::F64), CV::f64(6.02214076e23)},
      {"f64 nan", P(TypeKind::F64), CV::f64(NAN)},
      {"char", P(TypeKind::Char), CV::character(U'😀')},
      {"char max", P(TypeKind::Char), CV::character(0x10FFFF)},
      {"empty string", str, CV::string("")},
      {"ascii string", str, CV::string("hello")},
      {"latin1 string", str, CV::string("caf\xC3\xA9")},
      {"bmp string", str, CV::string("\xE2\x98\x83 snow")},
      {"non-BMP string", str, CV::string("a\xF0\x9F\x98\x80z")},
      {"list u8", ValueType::list(P(TypeKind::U8)),
       CV::sequence(TypeKind::List,
                    {CV::unsigned_int(TypeKind::U8, 1), CV::unsigned_int(TypeKind::U8, 2)})},
      {"empty list", ValueType::list(P(TypeKind::U64)), CV::sequence(TypeKind::List, {})},
      {"list of strings", ValueType::list(str),
       CV::sequence(TypeKind::List, {CV::string("a"), CV::string("\xC3\xA9\xE2\x98\x83")})},
      {"fixed list", ValueType::fixed_list(P(TypeKind::U16), 3),
       CV::sequence(TypeKind::List,
                    {CV::unsigned_int(TypeKind::U16, 1), CV::unsigned_int(TypeKind::U16, 2),
                     CV::unsigned_int(TypeKind::U16, 3)})},
      {"record", rec,
       CV::sequence(TypeKind::Record,
                    {CV::unsigned_int(TypeKind::U8, 7), CV::string("n"), CV::f64(0.25),
                     CV::sequence(TypeKind::List, {CV::string("t1"), CV::string("t2")})})},
      {"tuple", ValueType::tuple({P(TypeKind::U8), P(TypeKind::F64), P(TypeKind::Char)}),
       CV::sequence(TypeKind::Tuple,
                    {CV::unsigned_int(TypeKind::U8, 1), CV::f64(2), CV::character('c')})},
      {"variant u32", var, CV::case_of(TypeKind::Variant, 0, u32v(0xFFFFFFFF))},
      {"variant f32 in joined i32", var, CV::case_of(TypeKind::Variant, 1, CV::f32(3.5f))},
      {"variant no payload", var, CV::case_of(TypeKind::Variant, 2, std::nullopt)},
      {"variant s64", var, CV::case_of(TypeKind::Variant, 3, CV::signed_int(TypeKind::S64, -2))},
      {"variant f64 in joined i64", var, CV::case_of(TypeKind::Variant, 4, CV::f64(-0.125))},
      {"variant string", var, CV::case_of(TypeKind::Variant, 5, CV::string("v"))},
      {"enum", ValueType::enumeration({"a", "b", "c"}),
       CV::case_of(TypeKind::Enum, 2, std::nullopt)},
      {"option some", ValueType::option(P(TypeKind::U64)),
       some(CV::unsigned_int(TypeKind::U64, 9))},
      {"option none", ValueType::option(P(TypeKind::U64)), none()},
      {"option option", ValueType::option(ValueType::option(P(TypeKind::U32))), some(none())},
      {"result ok", ValueType::result(P(TypeKind::U32), str),
       CV::case_of(TypeKind::Result, 0, u32v(5))},
      {"result err", ValueType::result(P(TypeKind::U32), str),
       CV::case_of(TypeKind::Result, 1, CV::string("bad"))},
      {"result no payloads", ValueType::result(nullptr, nullptr),
       CV::case_of(TypeKind::Result, 1, std::nullopt)},
      {"flags", flags,
       CV::flags({true, false, true, false, false, false, false, false, false, true})},
      {"40 flags", wide_flags, CV::flags(wide)},
      {"map", ValueType::map(str, P(TypeKind::U8)),
       CV::sequence(
           TypeKind::Map,
           {CV::sequence(TypeKind::Tuple, {CV::string("k"), CV::unsigned_int(TypeKind::U8, 1)})})},
  };
}

class RoundTripTest : public ::testing::TestWithParam<StringEncoding> {};

TEST_P(RoundTripTest, Flat) {
  for (const RoundTrip& c : cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(has_type(c.value, *c.type));
    Side side(GetParam());
    std::vector<Value> flat;
    auto lowered = lower_flat(side.cx, c.value, *c.type, flat);
    ASSERT_TRUE(lowered.ok()) << lowered.error().message();
    EXPECT_EQ(flat.size(), flatten_type(*c.type).size());
    for (size_t i = 0; i < flat.size(); ++i) EXPECT_EQ(flat[i].type, flatten_type(*c.type)[i]);
    FlatReader in(flat);
    auto lifted = lift_flat(side.cx, *c.type, in);
    ASSERT_TRUE(lifted.ok()) << lifted.error().message();
    EXPECT_EQ(in.consumed(), flat.size());
    EXPECT_TRUE(equal(*lifted, c.value));
  }
}

TEST_P(RoundTripTest, Memory) {
  for (const RoundTrip& c : cases()) {
    SCOPED_TRACE(c.name);
    Side side(GetParam());
    uint32_t at = 64;  // aligned for everything
    auto stored = store(side.cx, c.value, *c.type, at);
    ASSERT_TRUE(stored.ok()) << stored.error().message();
    auto loaded = load(side.cx, *c.type, at);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message();
    EXPECT_TRUE(equal(*loaded, c.value));
  }
}

// A list<u8> lifts in byte form (one allocation, not a value per byte),
// equal to the same bytes as values; bytes of another element type do not
// lower.
TEST(Memory, ByteListsLiftInByteFormAndEqualTheirValues) {
  Side side;
  side.put_bytes(200, {'a', 'b', 0, 0xff});
  auto lifted = load_list_from_range(side.cx, *P(TypeKind::U8), 200, 4);
  ASSERT_TRUE(lifted.ok()) << lifted.error().message();
  ASSERT_NE(lifted->byte_items(), nullptr);
  EXPECT_EQ(*lifted->byte_items(), std::vector<uint8_t>({'a', 'b', 0, 0xff}));
  std::vector<CV> values;
  for (uint8_t b : std::vector<uint8_t>{'a', 'b', 0, 0xff})
    values.push_back(CV::unsigned_int(TypeKind::U8, b));
  EXPECT_TRUE(equal(*lifted, CV::sequence(TypeKind::List, values)));
  EXPECT_FALSE(equal(*lifted, CV::byte_list({'a', 'b', 0})));
  EXPECT_FALSE(has_type(*lifted, *ValueType::list(P(TypeKind::S8))));
  auto wrong = store_list_into_range(side.cx, *lifted, *P(TypeKind::U16));
  EXPECT_FALSE(wrong.ok());
}

INSTANTIATE_TEST_SUITE_P(Encodings, RoundTripTest,
                         ::testing::Values(StringEncoding::Utf8, StringEncoding::Utf16,
                                           StringEncoding::Latin1Utf16));

TEST(Flat, IntegersWrapFromI32) {
  struct Case {
    TypeKind kind;
    uint32_t core;
    CV want;
  };
  std::vector<Case> cases = {
      {TypeKind::U8, 0x1FF, CV::unsigned_int(TypeKind::U8, 0xFF)},
      {TypeKind::S8, 0x80, CV::signed_int(TypeKind::S8, -128)},
      {TypeKind::S8, 0xFFFFFF7F, CV::signed_int(TypeKind::S8, 127)},
      {TypeKind::U16, 0x12345678, CV::unsigned_int(TypeKind::U16, 0x5678)},
      {TypeKind::S16, 0x8000, CV::signed_int(TypeKind::S16, -32768)},
      {TypeKind::S32, 0xFFFFFFFF, CV::signed_int(TypeKind::S32, -1)},
      {TypeKind::U32, 0xFFFFFFFF, CV::unsigned_int(TypeKind::U32, 0xFFFFFFFF)},
      {TypeKind::Bool, 2, CV::boolean(true)},
      {TypeKind::Bool, 0x80000000, CV::boolean(true)},
      {TypeKind::Bool, 0, CV::boolean(false)},
  };
  Side side;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(component::kind_name(c.kind)) + " " + std::to_string(c.core));
    Value v = Value::i32_(c.core);
    FlatReader in({&v, 1});
    auto got = lift_flat(side.cx, *P(c.kind), in);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(equal(*got, c.want));
  }
}

TEST(Flat, SignedLowersSignExtended) {
  Side side;
  std::vector<Value> out;
  ASSERT_TRUE(lower_flat(side.cx, CV::signed_int(TypeKind::S8, -1), *P(TypeKind::S8), out).ok());
  EXPECT_EQ(out[0].i32, 0xFFFFFFFFu);
}

TEST(Flat, BoolInMemoryAnyNonzeroIsTrue) {
  Side side;
  side.put_bytes(8, {0x7F});
  auto got = load(side.cx, *P(TypeKind::Bool), 8);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->as_bool());
}

TEST(Flat, NaNsAreCanonicalisedWhenLifting) {
  Side side;
  Value f = Value::f32_bits_(0xFFC01234u);  // a negative NaN with payload
  FlatReader in({&f, 1});
  auto got = lift_flat(side.cx, *P(TypeKind::F32), in);
  ASSERT_TRUE(got.ok());
  uint32_t bits;
  float x = got->as_f32();
  std::memcpy(&bits, &x, 4);
  EXPECT_EQ(bits, 0x7FC00000u);

  side.put_u32(16, 0x00000001);
  side.put_u32(20, 0xFFF00000);  // f64 NaN 0xFFF0000000000001
  auto d = load(side.cx, *P(TypeKind::F64), 16);
  ASSERT_TRUE(d.ok());
  uint64_t dbits;
  double y = d->as_f64();
  std::memcpy(&dbits, &y, 8);
  EXPECT_EQ(dbits, 0x7FF8000000000000ull);

  // Infinities are not NaNs.
  Value inf = Value::f32_bits_(0x7F800000u);
  FlatReader in2({&inf, 1});
  auto i = lift_flat(side.cx, *P(TypeKind::F32), in2);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->as_f32(), INFINITY);
}

TEST(Flat, FlagsIgnoreBitsBeyondLabels) {
  Side side;
  auto t = ValueType::flags({"a", "b", "c"});
  Value v = Value::i32_(0xFFFFFFFA);  // a=0, b=1, c=0, junk above
  FlatReader in({&v, 1});
  auto got = lift_flat(side.cx, *t, in);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->as_flags(), (std::vector<bool>{false, true, false}));
  side.put_bytes(8, {0xF9});
  auto m = load(side.cx, *t, 8);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->as_flags(), (std::vector<bool>{true, false, false}));
}

TEST(Flat, VariantCoercesJoinedSlots) {
  // variant { a(u32), b(f32), c(s64) } flattens to [i32, i64]; case b's f32
  // travels as the low bits of the i64.
  Side side;
  auto t = ValueType::variant(
      {{"a", P(TypeKind::U32)}, {"b", P(TypeKind::F32)}, {"c", P(TypeKind::S64)}});
  std::vector<Value> out;
  ASSERT_TRUE(lower_flat(side.cx, CV::case_of(TypeKind::Variant, 1, CV::f32(1.0f)), *t, out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].type, ValType::I64);
  EXPECT_EQ(out[1].i64, 0x3F800000u);
  // Lifting case a from an i64 slot wraps it to 32 bits.
  std::vector<Value> in_values = {Value::i32_(0), Value::i64_(0x1234567800000009ull)};
  FlatReader in(in_values);
  auto got = lift_flat(side.cx, *t, in);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(equal(*got, CV::case_of(TypeKind::Variant, 0, u32v(9))));
  // Unused slots are lowered as zero.
  out.clear();
  ASSERT_TRUE(lower_flat(side.cx, CV::case_of(TypeKind::Option, 0, std::nullopt),
                         *ValueType::option(P(TypeKind::F64)), out)
                  .ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].type, ValType::F64);
  EXPECT_EQ(out[1].f64_bits, 0u);
}

TEST(Memory, DiscriminantWidths) {
  Side side;
  std::vector<std::string> labels;
  for (int i = 0; i < 300; ++i) labels.push_back("e" + std::to_string(i));
  auto t = ValueType::enumeration(labels);
  ASSERT_TRUE(store(side.cx, CV::case_of(TypeKind::Enum, 299, std::nullopt), *t, 8).ok());
  EXPECT_EQ(side.memory.bytes()[8], 299 & 0xFF);
  EXPECT_EQ(side.memory.bytes()[9], 299 >> 8);
}

}  // namespace
}  // namespace flint::canon
