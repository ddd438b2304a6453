// The type resolver: what resolve_component gives for each index space of
// a validated component, and resource substitution on instantiation.
#include "component/type_resolver.h"

#include <gtest/gtest.h>

#include "../binary/module_bytes.h"
#include "component/decoder.h"

namespace flint::component {
namespace {

using namespace flint::testing;

Bytes component(std::initializer_list<Bytes> sections) {
  Bytes out = {0x00, 0x61, 0x73, 0x6D, 0x0d, 0x00, 0x01, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

Result<ResolvedComponent> resolve(const Bytes& bytes) {
  Result<Component> c = decode_component(bytes);
  EXPECT_TRUE(c.ok()) << c.error().describe();
  if (!c) return std::move(c).error();
  return resolve_component(*c);
}

TEST(TypeResolver, FunctionAndTypeIndicesResolve) {
  // (type (func (param "x" u32) (result string))) (import "f" (func (type 0)))
  Result<ResolvedComponent> r =
      resolve(component({section(7, vec(1, cat({{0x40, 0x01}, name("x"), {0x79, 0x00, 0x73}}))),
                         section(10, vec(1, cat({{0x00}, name("f"), {0x01, 0x00}})))}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->types.size(), 1u);
  EXPECT_EQ(r->types[0].kind, TypeEntity::Kind::Func);
  ASSERT_EQ(r->funcs.size(), 1u);
  const FunctionType& f = *r->funcs[0];
  ASSERT_EQ(f.params.size(), 1u);
  EXPECT_EQ(f.params[0].name, "x");
  EXPECT_EQ(f.params[0].type->kind, TypeKind::U32);
  EXPECT_EQ(f.result->kind, TypeKind::String);
  ASSERT_EQ(r->self->imports.size(), 1u);
  EXPECT_EQ(r->self->imports[0].name, "f");
  EXPECT_EQ(r->self->imports[0].type.kind, ExternDesc::Kind::Func);
}

TEST(TypeResolver, EachResourceImportIsItsOwnType) {
  // (import "a" (type (sub resource))) (import "b" (type (sub resource)))
  // (type (own 0))
  Result<ResolvedComponent> r = resolve(component(
      {section(10, vec(2, cat({{0x00}, name("a"), {0x03, 0x01}, {0x00}, name("b"), {0x03, 0x01}}))),
       section(7, vec(1, {0x69, 0x00}))}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->types.size(), 3u);
  EXPECT_EQ(r->types[0].kind, TypeEntity::Kind::Resource);
  EXPECT_NE(r->types[0].resource, r->types[1].resource);
  EXPECT_EQ(r->types[2].value->kind, TypeKind::Own);
  EXPECT_EQ(r->types[2].value->resource, r->types[0].resource);
  EXPECT_EQ(r->self->imported.size(), 2u);
}

TEST(TypeResolver, WrongKindOfTypeIndexIsRejected) {
  // (type (func)) (type (own 0)): own of a function type.
  Result<ResolvedComponent> r =
      resolve(component({section(7, vec(2, {0x40, 0x00, 0x01, 0x00, 0x69, 0x00}))}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("type index 0 is not a resource type"), std::string::npos);
}

TEST(TypeResolver, NestedComponentsKeepTheirResolution) {
  // (type string) (component (alias outer 1 0 (type)) (type (list 0)))
  const Bytes inner =
      component({section(6, vec(1, {0x03, 0x02, 0x01, 0x00})), section(7, vec(1, {0x70, 0x00}))});
  Result<ResolvedComponent> r = resolve(component({section(7, vec(1, {0x73})), section(4, inner)}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->nested.size(), 1u);
  ASSERT_EQ(r->nested[0]->types.size(), 2u);
  EXPECT_EQ(r->nested[0]->types[0].value, r->types[0].value);  // the outer alias
  EXPECT_EQ(r->nested[0]->types[1].value->kind, TypeKind::List);
  EXPECT_EQ(r->components.size(), 1u);
}

// A component type importing a resource and exporting a function on it.
ComponentSig resource_component(ResourceTypePtr imported, ResourceTypePtr defined) {
  ComponentSig c;
  EntityType r;
  r.kind = ExternDesc::Kind::Type;
  r.type.kind = TypeEntity::Kind::Resource;
  r.type.resource = imported;
  c.imports.push_back({"r", r});
  c.imported.push_back(imported);
  auto f = std::make_shared<FunctionType>();
  f->params.push_back({"x", ValueType::own(imported)});
  f->result = ValueType::own(defined);
  EntityType fe;
  fe.kind = ExternDesc::Kind::Func;
  fe.func = f;
  c.exports.push_back({"f", fe});
  c.defined.push_back(defined);
  return c;
}

TEST(TypeResolver, InstantiationSubstitutesImportsAndFreshensDefinitions) {
  ResourceTypePtr abstract = fresh_resource("r"), local = fresh_resource("d");
  ResourceTypePtr supplied = fresh_resource("host");
  const ComponentSig c = resource_component(abstract, local);
  ResourceMap args{{abstract.get(), supplied}};
  InstanceSigPtr a = instantiate(c, args), b = instantiate(c, args);
  const FunctionType& fa = *a->find("f")->func;
  const FunctionType& fb = *b->find("f")->func;
  EXPECT_EQ(fa.params[0].type->resource, supplied);
  EXPECT_NE(fa.result->resource, local);                // fresh per instance
  EXPECT_NE(fa.result->resource, fb.result->resource);  // generative
  EXPECT_EQ(a->find("g"), nullptr);
}

TEST(TypeResolver, SubstitutionSharesWhatItDoesNotChange) {
  ValueTypePtr rec = ValueType::record({{"a", ValueType::primitive(TypeKind::U8)}});
  ResourceTypePtr r = fresh_resource("r");
  EXPECT_EQ(substitute(rec, ResourceMap{{r.get(), fresh_resource("s")}}), rec);
  ValueTypePtr handle = ValueType::list(ValueType::borrow(r));
  ResourceTypePtr s = fresh_resource("s");
  ValueTypePtr out = substitute(handle, ResourceMap{{r.get(), s}});
  EXPECT_NE(out, handle);
  EXPECT_EQ(out->element->resource, s);
}

TEST(TypeResolver, ImportedInstanceTypesGetTheirOwnResources) {
  auto sig = std::make_shared<InstanceSig>();
  ResourceTypePtr declared = fresh_resource("t");
  EntityType t;
  t.kind = ExternDesc::Kind::Type;
  t.type.kind = TypeEntity::Kind::Resource;
  t.type.resource = declared;
  sig->exports.push_back({"t", t});
  sig->declared.push_back(declared);
  InstanceSigPtr one = freshen(sig), two = freshen(sig);
  EXPECT_NE(one->find("t")->type.resource, declared);
  EXPECT_NE(one->find("t")->type.resource, two->find("t")->type.resource);
}

}  // namespace
}  // namespace flint::component
