// Flattening for validation (CanonicalABI.md, "Flattening"): the core
// signatures canon lift and lower imply, table-driven.
#include "component/flatten.h"

#include <gtest/gtest.h>

namespace flint::component {
namespace {

using V = flint::ValType;

ValueTypePtr prim(TypeKind k) { return ValueType::primitive(k); }

TEST(Flatten, ValueTypes) {
  struct Case {
    const char* what;
    ValueTypePtr type;
    std::vector<V> flat;
  } cases[] = {
      {"u8", prim(TypeKind::U8), {V::I32}},
      {"u64", prim(TypeKind::U64), {V::I64}},
      {"string", prim(TypeKind::String), {V::I32, V::I32}},
      {"record",
       ValueType::record({{"a", prim(TypeKind::F32)}, {"b", prim(TypeKind::F64)}}),
       {V::F32, V::F64}},
      {"option f32", ValueType::option(prim(TypeKind::F32)), {V::I32, V::F32}},
      // Cases share positions: f32 and i32 join as i32, others as i64.
      {"variant",
       ValueType::variant({{"a", prim(TypeKind::F32)}, {"b", prim(TypeKind::U32)}}),
       {V::I32, V::I32}},
      {"result", ValueType::result(prim(TypeKind::F64), prim(TypeKind::U32)), {V::I32, V::I64}},
      {"fixed list", ValueType::fixed_list(prim(TypeKind::U8), 3), {V::I32, V::I32, V::I32}},
      {"own", ValueType::own(std::make_shared<ResourceType>()), {V::I32}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(flatten_type(*c.type), c.flat);
    EXPECT_EQ(flat_count(*c.type), c.flat.size());  // the count without the list
  }
  // Counting agrees where cases nest and fixed lists outgrow the limit.
  ValueTypePtr nested = ValueType::variant(
      {{"a", ValueType::record({{"x", prim(TypeKind::String)}, {"y", prim(TypeKind::U64)}})},
       {"b", ValueType::option(ValueType::tuple({prim(TypeKind::F32), prim(TypeKind::String)}))},
       {"c", nullptr}});
  EXPECT_EQ(flat_count(*nested), flatten_type(*nested).size());
  ValueTypePtr huge = ValueType::fixed_list(prim(TypeKind::U64), 100000);
  EXPECT_EQ(flat_count(*huge), flatten_type(*huge).size());
}

TEST(Flatten, FunctionsSpillPastTheLimits) {
  FunctionType f;
  for (int i = 0; i < 17; ++i) f.params.push_back({"p", prim(TypeKind::U32)});
  f.result = prim(TypeKind::String);
  // Lift: params through one pointer, results returned through memory.
  EXPECT_EQ(flatten_function(f, FlattenContext::Lift).params, (std::vector<V>{V::I32}));
  EXPECT_EQ(flatten_function(f, FlattenContext::Lift).results, (std::vector<V>{V::I32}));
  // Lower: the caller passes an out-pointer for the results.
  EXPECT_EQ(flatten_function(f, FlattenContext::Lower).params, (std::vector<V>{V::I32, V::I32}));
  EXPECT_TRUE(flatten_function(f, FlattenContext::Lower).results.empty());
  FunctionType small;
  small.params.push_back({"x", prim(TypeKind::F64)});
  small.result = prim(TypeKind::S64);
  EXPECT_EQ(flatten_function(small, FlattenContext::Lift).params, (std::vector<V>{V::F64}));
  EXPECT_EQ(flatten_function(small, FlattenContext::Lift).results, (std::vector<V>{V::I64}));
}

TEST(Flatten, HugeFixedListsStopCounting) {
  // list<u8, 4000000000> must not build four billion entries.
  std::vector<V> flat = flatten_type(*ValueType::fixed_list(prim(TypeKind::U8), 4000000000u));
  EXPECT_GT(flat.size(), kMaxFlatParams);
  EXPECT_LT(flat.size(), 64u);
}

TEST(Flatten, WhatLivesInMemory) {
  EXPECT_TRUE(uses_memory(*prim(TypeKind::String)));
  EXPECT_TRUE(uses_memory(*ValueType::option(ValueType::list(prim(TypeKind::U8)))));
  EXPECT_FALSE(uses_memory(*ValueType::record({{"a", prim(TypeKind::U32)}})));
  EXPECT_FALSE(uses_memory(*ValueType::fixed_list(prim(TypeKind::U8), 4)));
}

}  // namespace
}  // namespace flint::component
