// Layout and flattening (CanonicalABI.md "Alignment", "Element Size",
// "Flattening"), table-driven.
#include "canon/layout.h"

#include <gtest/gtest.h>

#include "test_memory.h"

namespace flint::canon {
namespace {

using namespace testing;
using component::Field;
using component::FunctionType;
using component::Param;

std::vector<std::string> labels(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back("l" + std::to_string(i));
  return out;
}

struct LayoutCase {
  const char* name;
  ValueTypePtr type;
  uint32_t size, align;
  std::vector<ValType> flat;
};

constexpr ValType I32 = ValType::I32, I64 = ValType::I64, F32 = ValType::F32, F64 = ValType::F64;

std::vector<LayoutCase> layout_cases() {
  auto r = std::make_shared<component::ResourceType>();
  return {
      {"bool", P(TypeKind::Bool), 1, 1, {I32}},
      {"s8", P(TypeKind::S8), 1, 1, {I32}},
      {"u16", P(TypeKind::U16), 2, 2, {I32}},
      {"u32", P(TypeKind::U32), 4, 4, {I32}},
      {"s64", P(TypeKind::S64), 8, 8, {I64}},
      {"f32", P(TypeKind::F32), 4, 4, {F32}},
      {"f64", P(TypeKind::F64), 8, 8, {F64}},
      {"char", P(TypeKind::Char), 4, 4, {I32}},
      {"string", P(TypeKind::String), 8, 4, {I32, I32}},
      {"list", ValueType::list(P(TypeKind::U64)), 8, 4, {I32, I32}},
      {"fixed list", ValueType::fixed_list(P(TypeKind::U16), 3), 6, 2, {I32, I32, I32}},
      {"fixed list of f64", ValueType::fixed_list(P(TypeKind::F64), 2), 16, 8, {F64, F64}},
      {"record",
       ValueType::record({{"a", P(TypeKind::U8)}, {"b", P(TypeKind::U32)}, {"c", P(TypeKind::U8)}}),
       12,
       4,
       {I32, I32, I32}},
      {"tuple", ValueType::tuple({P(TypeKind::U8), P(TypeKind::F64)}), 16, 8, {I32, F64}},
      {"enum 2", ValueType::enumeration(labels(2)), 1, 1, {I32}},
      {"enum 256", ValueType::enumeration(labels(256)), 1, 1, {I32}},
      {"enum 257", ValueType::enumeration(labels(257)), 2, 2, {I32}},
      {"enum 65537", ValueType::enumeration(labels(65537)), 4, 4, {I32}},
      {"option u8", ValueType::option(P(TypeKind::U8)), 2, 1, {I32, I32}},
      {"option u64", ValueType::option(P(TypeKind::U64)), 16, 8, {I32, I64}},
      {"result", ValueType::result(nullptr, nullptr), 1, 1, {I32}},
      {"result u32 string",
       ValueType::result(P(TypeKind::U32), P(TypeKind::String)),
       12,
       4,
       {I32, I32, I32}},
      {"variant i32/f32 joins to i32",
       ValueType::variant({{"a", P(TypeKind::U32)}, {"b", P(TypeKind::F32)}}),
       8,
       4,
       {I32, I32}},
      {"variant i32/i64 joins to i64",
       ValueType::variant({{"a", P(TypeKind::U32)}, {"b", P(TypeKind::S64)}}),
       16,
       8,
       {I32, I64}},
      {"variant f32/f64 joins to i64",
       ValueType::variant({{"a", P(TypeKind::F32)}, {"b", P(TypeKind::F64)}}),
       16,
       8,
       {I32, I64}},
      {"variant f32/f32 stays f32",
       ValueType::variant({{"a", P(TypeKind::F32)}, {"b", P(TypeKind::F32)}, {"c", nullptr}}),
       8,
       4,
       {I32, F32}},
      {"variant widths",
       ValueType::variant({{"a", ValueType::tuple({P(TypeKind::F32), P(TypeKind::U8)})},
                           {"b", ValueType::tuple({P(TypeKind::U64)})}}),
       16,
       8,
       {I32, I64, I32}},
      {"flags 0", ValueType::flags({}), 0, 1, {}},
      {"flags 8", ValueType::flags(labels(8)), 1, 1, {I32}},
      {"flags 9", ValueType::flags(labels(9)), 2, 2, {I32}},
      {"flags 17", ValueType::flags(labels(17)), 4, 4, {I32}},
      {"flags 32", ValueType::flags(labels(32)), 4, 4, {I32}},
      {"flags 33", ValueType::flags(labels(33)), 8, 4, {I32, I32}},
      {"own", ValueType::own(r), 4, 4, {I32}},
      {"borrow", ValueType::borrow(r), 4, 4, {I32}},
      {"map", ValueType::map(P(TypeKind::String), P(TypeKind::U8)), 8, 4, {I32, I32}},
  };
}

TEST(Layout, SizeAlignmentAndFlattening) {
  for (const LayoutCase& c : layout_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(size_of(*c.type), c.size);
    EXPECT_EQ(alignment_of(*c.type), c.align);
    EXPECT_EQ(flatten_type(*c.type), c.flat);
  }
}

TEST(Layout, DiscriminantSizes) {
  EXPECT_EQ(discriminant_size(1), 1u);
  EXPECT_EQ(discriminant_size(256), 1u);
  EXPECT_EQ(discriminant_size(257), 2u);
  EXPECT_EQ(discriminant_size(65536), 2u);
  EXPECT_EQ(discriminant_size(65537), 4u);
}

TEST(Layout, HugeFixedListSaturatesAndSpills) {
  auto t = ValueType::fixed_list(P(TypeKind::U64), 0xFFFFFFFFu);
  EXPECT_EQ(size_of(*t), UINT32_MAX);
  EXPECT_GT(flatten_type(*t).size(), kMaxFlatParams);
}

FunctionType fn(size_t params, ValueTypePtr param_type, ValueTypePtr result) {
  FunctionType f;
  for (size_t i = 0; i < params; ++i) f.params.push_back({"p" + std::to_string(i), param_type});
  f.result = std::move(result);
  return f;
}

TEST(Layout, FlattenFunction) {
  struct Case {
    const char* name;
    FunctionType type;
    FlattenContext context;
    std::vector<ValType> params, results;
  };
  auto u32 = P(TypeKind::U32);
  auto str = P(TypeKind::String);
  std::vector<Case> cases = {
      {"16 params stay flat",
       fn(16, u32, nullptr),
       FlattenContext::Lift,
       std::vector<ValType>(16, I32),
       {}},
      {"17 params spill", fn(17, u32, nullptr), FlattenContext::Lift, {I32}, {}},
      {"8 strings are 16 flat",
       fn(8, str, nullptr),
       FlattenContext::Lower,
       std::vector<ValType>(16, I32),
       {}},
      {"9 strings spill", fn(9, str, nullptr), FlattenContext::Lower, {I32}, {}},
      {"one result stays flat", fn(1, u32, u32), FlattenContext::Lift, {I32}, {I32}},
      {"string result, lift: returns a pointer",
       fn(1, u32, str),
       FlattenContext::Lift,
       {I32},
       {I32}},
      {"string result, lower: takes a pointer",
       fn(1, u32, str),
       FlattenContext::Lower,
       {I32, I32},
       {}},
      {"spilled params and results, lower",
       fn(17, u32, str),
       FlattenContext::Lower,
       {I32, I32},
       {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CoreSignature sig = flatten_function(c.type, c.context);
    EXPECT_EQ(sig.params, c.params);
    EXPECT_EQ(sig.results, c.results);
  }
}

}  // namespace
}  // namespace flint::canon
