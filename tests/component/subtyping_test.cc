// Subtyping of resolved component types, table-driven: each mismatch with
// wasmparser's words, and resource binding across declarations.
#include "component/subtyping.h"

#include <gtest/gtest.h>

namespace flint::component {
namespace {

ValueTypePtr prim(TypeKind k) { return ValueType::primitive(k); }

struct ValueCase {
  const char* what;
  ValueTypePtr actual, expected;
  const char* words;  ///< nullptr: a subtype
};

TEST(Subtyping, ValueTypes) {
  const ValueTypePtr u32 = prim(TypeKind::U32), str = prim(TypeKind::String);
  const ValueCase cases[] = {
      {"same primitive", u32, prim(TypeKind::U32), nullptr},
      {"other primitive", str, u32, "expected primitive `u32` found primitive `string`"},
      {"record for primitive", ValueType::record({{"f", u32}}), u32,
       "expected primitive, found record"},
      {"primitive for record", u32, ValueType::record({{"f", u32}}), "expected record, found u32"},
      {"equal records", ValueType::record({{"a", u32}}), ValueType::record({{"a", u32}}), nullptr},
      {"field count", ValueType::record({{"a", u32}, {"b", u32}}), ValueType::record({{"a", u32}}),
       "expected 1 fields, found 2"},
      {"field name", ValueType::record({{"b", u32}}), ValueType::record({{"a", u32}}),
       "expected field name `a`, found `b`"},
      {"field type", ValueType::record({{"x", str}}), ValueType::record({{"x", u32}}),
       "type mismatch in record field `x`"},
      {"tuple field", ValueType::tuple({ValueType::tuple({u32})}), ValueType::tuple({u32}),
       "expected u32, found tuple"},
      {"flags", ValueType::flags({"x"}), ValueType::flags({"a"}), "mismatch in flags elements"},
      {"ok present", ValueType::result(nullptr, nullptr), ValueType::result(u32, nullptr),
       "expected ok type, but found none"},
      {"case payload", ValueType::variant({{"x", nullptr}}), ValueType::variant({{"x", u32}}),
       "expected case `x` to have a type, found none"},
  };
  for (const ValueCase& c : cases) {
    SCOPED_TRACE(c.what);
    SubtypeContext cx;
    Status s = value_subtype(*c.actual, *c.expected, cx, 0);
    if (!c.words) {
      EXPECT_TRUE(s.ok()) << s.error().message();
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_NE(s.error().message().find(c.words), std::string::npos) << s.error().message();
    }
  }
}

FunctionType func(std::vector<Param> params, ValueTypePtr result = nullptr) {
  FunctionType f;
  f.params = std::move(params);
  f.result = std::move(result);
  return f;
}

TEST(Subtyping, FunctionTypes) {
  const ValueTypePtr u32 = prim(TypeKind::U32), s32 = prim(TypeKind::S32);
  struct Case {
    const char* what;
    FunctionType actual, expected;
    const char* words;
  } cases[] = {
      {"same", func({{"x", u32}}, u32), func({{"x", u32}}, u32), nullptr},
      {"param count", func({{"x", u32}}), func({}), "expected 0 parameters, found 1"},
      {"param name", func({{"x", u32}}), func({{"y", u32}}),
       "expected parameter named `y`, found `x`"},
      {"param type", func({{"x", u32}}), func({{"x", s32}}),
       "type mismatch in function parameter `x`"},
      {"extra result", func({}, u32), func({}), "expected a result, found none"},
      {"result type", func({}, u32), func({}, s32), "type mismatch with result type"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    SubtypeContext cx;
    Status s = func_subtype(c.actual, c.expected, cx, 0);
    if (!c.words) {
      EXPECT_TRUE(s.ok()) << s.error().message();
    } else {
      ASSERT_FALSE(s.ok());
      EXPECT_NE(s.error().message().find(c.words), std::string::npos) << s.error().message();
    }
  }
}

TEST(Subtyping, ResourcesBindOnceThenCompareByIdentity) {
  ResourceTypePtr abstract = fresh_resource("t"), a = fresh_resource("a"), b = fresh_resource("b");
  SubtypeContext cx;
  cx.bindable.insert(abstract.get());
  // The first use binds the abstract resource to `a` ...
  EXPECT_TRUE(value_subtype(*ValueType::own(a), *ValueType::own(abstract), cx, 0).ok());
  // ... after which it stands for `a` only.
  EXPECT_TRUE(value_subtype(*ValueType::borrow(a), *ValueType::borrow(abstract), cx, 0).ok());
  Status s = value_subtype(*ValueType::own(b), *ValueType::own(abstract), cx, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("resource types are not the same"), std::string::npos);
  // Handles of different kinds never match.
  s = value_subtype(*ValueType::borrow(a), *ValueType::own(a), cx, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("expected own, found borrow"), std::string::npos);
}

TEST(Subtyping, InstancesMayHaveMoreExports) {
  EntityType f;
  f.kind = ExternDesc::Kind::Func;
  f.func = std::make_shared<FunctionType>();
  EntityType c;
  c.kind = ExternDesc::Kind::Component;
  c.component = std::make_shared<ComponentSig>();
  auto more = std::make_shared<InstanceSig>(), fewer = std::make_shared<InstanceSig>();
  more->exports = {{"a", f}, {"b", f}};
  fewer->exports = {{"a", f}};
  EntityType actual, expected;
  actual.kind = expected.kind = ExternDesc::Kind::Instance;
  actual.instance = more;
  expected.instance = fewer;
  SubtypeContext cx;
  EXPECT_TRUE(entity_subtype(actual, expected, cx, 0).ok());
  Status s = entity_subtype(expected, actual, cx, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("missing expected export `b`"), std::string::npos);
  auto other = std::make_shared<InstanceSig>();
  other->exports = {{"a", c}};
  expected.instance = other;
  s = entity_subtype(actual, expected, cx, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("type mismatch in instance export `a`"), std::string::npos);
  EXPECT_NE(s.error().message().find("expected component, found func"), std::string::npos);
}

TEST(Subtyping, CoreModules) {
  CoreModuleSig needs, plain;
  needs.imports.push_back({"", "extra", CoreExternType::of_func({})});
  Status s = module_subtype(needs, plain, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("missing expected import `::extra`"), std::string::npos);
  plain.exports.push_back({"x", CoreExternType::of_func({})});
  s = module_subtype(CoreModuleSig{}, plain, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("missing expected export `x`"), std::string::npos);
  EXPECT_TRUE(module_subtype(plain, CoreModuleSig{}, 0).ok());
}

}  // namespace
}  // namespace flint::component
