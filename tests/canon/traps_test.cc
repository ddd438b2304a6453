// Every canonical ABI trap with the words the component model's scripts
// expect (values/*.wast and resources/*.wast), through the public entry
// points: lift_flat, load, lower_flat and store.
#include <gtest/gtest.h>

#include <functional>

#include "canon/flat.h"
#include "canon/load_store.h"
#include "test_memory.h"

namespace flint::canon {
namespace {

using namespace testing;
using CV = ComponentValue;

Result<CV> lift(Side& side, const ValueType& t, std::vector<Value> values) {
  FlatReader in(values);
  return lift_flat(side.cx, t, in);
}

Status lower(Side& side, const CV& v, const ValueType& t) {
  std::vector<Value> out;
  return lower_flat(side.cx, v, t, out);
}

struct TrapCase {
  const char* name;
  std::function<Status(Side&)> run;
  const char* want;
  StringEncoding encoding = StringEncoding::Utf8;
  bool fused = false;
};

template <class T>
Status status_of(Result<T> r) {
  if (r.ok()) return {};
  return std::move(r).error();
}

Value i32(uint32_t v) { return Value::i32_(v); }

std::vector<TrapCase> trap_cases() {
  auto str = P(TypeKind::String);
  auto list_u32 = ValueType::list(P(TypeKind::U32));
  auto list_u8 = ValueType::list(P(TypeKind::U8));
  auto var = ValueType::variant({{"a", P(TypeKind::U8)}, {"b", nullptr}});
  auto u32_list = CV::sequence(TypeKind::List, {CV::unsigned_int(TypeKind::U32, 1)});
  auto empty_list = CV::sequence(TypeKind::List, {});
  return {
      {"char surrogate low",
       [](Side& s) { return status_of(lift(s, *P(TypeKind::Char), {i32(0xD800)})); },
       "invalid `char` bit pattern"},
      {"char surrogate high",
       [](Side& s) { return status_of(lift(s, *P(TypeKind::Char), {i32(0xDFFF)})); },
       "invalid `char` bit pattern"},
      {"char too big",
       [](Side& s) { return status_of(lift(s, *P(TypeKind::Char), {i32(0x110000)})); },
       "invalid `char` bit pattern"},
      {"char in memory",
       [](Side& s) {
         s.put_u32(8, 0xFFFFFFFF);
         return status_of(load(s.cx, *P(TypeKind::Char), 8));
       },
       "invalid `char` bit pattern"},
      {"string out of bounds (host)",
       [str](Side& s) { return status_of(lift(s, *str, {i32(65535), i32(2)})); },
       "string pointer/length out of bounds of memory"},
      {"string pointer out of bounds (fused)",
       [str](Side& s) { return status_of(lift(s, *str, {i32(0x80000000), i32(1)})); },
       "string content out-of-bounds", StringEncoding::Utf8, true},
      {"string length wraps",
       [str](Side& s) { return status_of(lift(s, *str, {i32(1), i32(0xFFFFFFFF)})); },
       "string pointer/length out of bounds of memory"},
      {"utf16 huge length",
       [str](Side& s) { return status_of(lift(s, *str, {i32(2), i32(0x7FFFFFFF)})); },
       "string pointer/length out of bounds of memory", StringEncoding::Utf16},
      {"invalid utf-8",
       [str](Side& s) {
         s.put_bytes(8, {0xFF});
         return status_of(lift(s, *str, {i32(8), i32(1)}));
       },
       "invalid utf-8"},
      {"incomplete utf-8",
       [str](Side& s) {
         s.put_bytes(8, {0xC3});
         return status_of(lift(s, *str, {i32(8), i32(1)}));
       },
       "incomplete utf-8 byte sequence"},
      {"invalid utf-16",
       [str](Side& s) {
         s.put_bytes(8, {0x00, 0xDC});
         return status_of(lift(s, *str, {i32(8), i32(1)}));
       },
       "invalid utf-16", StringEncoding::Utf16},
      {"utf16 string unaligned even when empty",
       [str](Side& s) { return status_of(lift(s, *str, {i32(1), i32(0)})); }, "unaligned pointer",
       StringEncoding::Utf16},
      {"latin1 string unaligned",
       [str](Side& s) { return status_of(lift(s, *str, {i32(3), i32(1)})); }, "unaligned pointer",
       StringEncoding::Latin1Utf16},
      {"latin1+utf16 tagged string unaligned",
       [str](Side& s) { return status_of(lift(s, *str, {i32(3), i32(1 | kUtf16Tag)})); },
       "unaligned pointer", StringEncoding::Latin1Utf16},
      {"list unaligned",
       [list_u32](Side& s) { return status_of(lift(s, *list_u32, {i32(2), i32(1)})); },
       "unaligned pointer"},
      {"list out of bounds (host)",
       [list_u32](Side& s) { return status_of(lift(s, *list_u32, {i32(65532), i32(2)})); },
       "list pointer/length out of bounds of memory"},
      {"list out of bounds (fused)",
       [list_u32](Side& s) { return status_of(lift(s, *list_u32, {i32(0), i32(0x40000000)})); },
       "list content out-of-bounds", StringEncoding::Utf8, true},
      {"list length times size beyond 32 bits",
       [list_u32](Side& s) { return status_of(lift(s, *list_u32, {i32(4), i32(0xFFFFFFFF)})); },
       "list pointer/length out of bounds of memory"},
      {"list in memory out of bounds",
       [list_u8](Side& s) {
         s.put_u32(8, 0xFFFFFFF0);
         s.put_u32(12, 0x20);
         return status_of(load(s.cx, *list_u8, 8));
       },
       "list pointer/length out of bounds of memory"},
      {"variant discriminant flat",
       [var](Side& s) { return status_of(lift(s, *var, {i32(2), i32(0)})); },
       "invalid variant discriminant"},
      {"variant discriminant in memory",
       [var](Side& s) {
         s.put_bytes(8, {7});
         return status_of(load(s.cx, *var, 8));
       },
       "invalid variant discriminant"},
      {"option discriminant",
       [](Side& s) {
         return status_of(lift(s, *ValueType::option(P(TypeKind::U8)), {i32(2), i32(0)}));
       },
       "invalid variant discriminant"},
      {"result discriminant",
       [](Side& s) {
         return status_of(lift(s, *ValueType::result(nullptr, nullptr), {i32(0xFFFFFFFF)}));
       },
       "invalid variant discriminant"},
      {"enum discriminant",
       [](Side& s) { return status_of(lift(s, *ValueType::enumeration({"a"}), {i32(1)})); },
       "invalid variant discriminant"},
      {"realloc not aligned (host)",
       [list_u32, u32_list](Side& s) {
         s.memory.forced = 0xFFFFFFFF;
         return lower(s, u32_list, *list_u32);
       },
       "realloc return: result not aligned"},
      {"realloc not aligned (fused)",
       [list_u32, u32_list](Side& s) {
         s.memory.forced = 2;
         return lower(s, u32_list, *list_u32);
       },
       "unaligned pointer", StringEncoding::Utf8, true},
      {"realloc beyond memory (host)",
       [list_u32, u32_list](Side& s) {
         s.memory.forced = 0xFFFFFFFC;
         return lower(s, u32_list, *list_u32);
       },
       "realloc return: beyond end of memory"},
      {"realloc beyond memory for an empty list",
       [list_u32, empty_list](Side& s) {
         s.memory.forced = 0xFFFFFFFC;
         return lower(s, empty_list, *list_u32);
       },
       "realloc return: beyond end of memory"},
      {"realloc beyond memory (fused list)",
       [list_u8, empty_list](Side& s) {
         s.memory.forced = 0xFFFFFFFF;
         return lower(s, empty_list, *list_u8);
       },
       "list content out-of-bounds", StringEncoding::Utf8, true},
      {"realloc beyond memory (fused string)",
       [str](Side& s) {
         s.memory.forced = 65535;
         return lower(s, CV::string("ab"), *str);
       },
       "string content out-of-bounds", StringEncoding::Utf8, true},
      {"realloc for a utf16 string not aligned",
       [str](Side& s) {
         s.memory.forced = 1;
         return lower(s, CV::string("ab"), *str);
       },
       "realloc return: result not aligned", StringEncoding::Utf16},
      {"lowering a list without realloc",
       [list_u8, empty_list](Side& s) {
         s.memory.realloc_enabled = false;
         return lower(s, empty_list, *list_u8);
       },
       "realloc return: beyond end of memory"},
      {"unknown handle",
       [](Side& s) {
         auto r = std::make_shared<component::ResourceType>();
         return status_of(lift(s, *ValueType::own(r), {i32(1)}));
       },
       "unknown handle index 1"},
      {"unknown handle 0",
       [](Side& s) {
         auto r = std::make_shared<component::ResourceType>();
         return status_of(lift(s, *ValueType::borrow(r), {i32(0)}));
       },
       "unknown handle index 0"},
      {"unknown handle -1",
       [](Side& s) {
         auto r = std::make_shared<component::ResourceType>();
         return status_of(lift(s, *ValueType::borrow(r), {i32(0xFFFFFFFF)}));
       },
       "unknown handle index 4294967295"},
      {"value of the wrong type",
       [](Side& s) { return lower(s, CV::boolean(true), *P(TypeKind::U32)); },
       "value does not match the function type"},
      {"core value of the wrong type",
       [](Side& s) { return status_of(lift(s, *P(TypeKind::U64), {i32(1)})); },
       "value does not match the function type"},
      {"too few core values", [str](Side& s) { return status_of(lift(s, *str, {i32(1)})); },
       "value does not match the function type"},
      {"zero-size list too long",
       [](Side& s) {
         return status_of(
             lift(s, *ValueType::list(ValueType::flags({})), {i32(0), i32(0xFFFFFFFF)}));
       },
       "list byte length exceeds the limit"},
  };
}

TEST(Traps, EveryTrapWithItsWords) {
  for (const TrapCase& c : trap_cases()) {
    SCOPED_TRACE(c.name);
    Side side(c.encoding);
    side.cx.fused = c.fused;
    Status s = c.run(side);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().phase(), Phase::Trap);
    EXPECT_EQ(s.error().message().rfind(c.want, 0), 0u)
        << "got \"" << s.error().message() << "\", want \"" << c.want << "\"";
  }
}

TEST(Traps, NoMemoryIsATrapNotACrash) {
  Side side;
  side.cx.memory = nullptr;
  auto r = lift(side, *P(TypeKind::String), {i32(0), i32(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().phase(), Phase::Trap);
}

// Random core values for many types: lifting may trap but never crashes.
TEST(Traps, ArbitraryInputNeverCrashes) {
  auto str = P(TypeKind::String);
  std::vector<ValueTypePtr> types = {
      str,
      ValueType::list(str),
      ValueType::list(ValueType::variant({{"a", str}, {"b", P(TypeKind::F64)}})),
      ValueType::option(ValueType::list(P(TypeKind::U64))),
      ValueType::result(str, ValueType::list(P(TypeKind::Char))),
  };
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  auto rnd = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  for (StringEncoding e :
       {StringEncoding::Utf8, StringEncoding::Utf16, StringEncoding::Latin1Utf16}) {
    Side side(e, 4096);
    for (auto& b : side.memory.bytes()) b = uint8_t(rnd());
    for (int round = 0; round < 2000; ++round) {
      for (const auto& t : types) {
        std::vector<Value> values;
        for (ValType vt : flatten_type(*t)) {
          uint64_t r = rnd();
          // Mostly small pointers and lengths, so that some lifts succeed.
          if (r & 1) r &= 0xFFF;
          values.push_back(vt == ValType::I32   ? Value::i32_(uint32_t(r))
                           : vt == ValType::I64 ? Value::i64_(r)
                           : vt == ValType::F32 ? Value::f32_bits_(uint32_t(r))
                                                : Value::f64_bits_(r));
        }
        (void)lift(side, *t, values);
        (void)load(side.cx, *t, uint32_t(rnd() & 0x1FFF));
      }
    }
  }
}

}  // namespace
}  // namespace flint::canon
