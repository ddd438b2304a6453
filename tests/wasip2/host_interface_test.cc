// HostInterface and HostResourceTable: the building blocks of host APIs.
#include "component_runtime/host_interface.h"

#include <gtest/gtest.h>

namespace flint::component {
namespace {

TEST(HostInterface, NamesMembersAsTheComponentModelDoes) {
  HostResourceTable<int> table("test:pkg/iface.thing");
  HostInterface iface("test:pkg/iface", "0.2.6");
  auto body = [](Store&, std::span<const ComponentValue>) -> HostReturn { return std::nullopt; };
  iface.resource("thing", table.type())
      .function("free", wit::func({}), body)
      .method("thing", "poke", wit::func({{"self", wit::borrow(table.type())}}), body)
      .static_function("thing", "make", wit::func({}, wit::own(table.type())), body)
      .constructor("thing", wit::func({}, wit::own(table.type())), body)
      .type("alias", wit::u64());
  EXPECT_EQ(iface.qualified_name(), "test:pkg/iface@0.2.6");
  InstancePtr instance = iface.instance();
  for (const char* name :
       {"thing", "free", "[method]thing.poke", "[static]thing.make", "[constructor]thing", "alias"})
    EXPECT_TRUE(instance->exports.count(name)) << name;
  EXPECT_STREQ(item_kind(instance->exports.at("free")), "func");
  EXPECT_STREQ(item_kind(instance->exports.at("thing")), "type");
}

TEST(HostInterface, ImportsOfOlderPatchVersionsResolve) {
  ComponentLinker linker;
  define(linker, HostInterface("wasi:cli/environment", "0.2.6"));
  EXPECT_TRUE(linker.resolve("wasi:cli/environment@0.2.0").ok());
  EXPECT_TRUE(linker.resolve("wasi:cli/environment@0.2.12").ok());
  auto missing = linker.resolve("wasi:cli/environment@0.3.0");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().describe().find("wasi:cli/environment"), std::string::npos);
}

TEST(HostInterface, TypeBuilders) {
  ValueTypePtr env = wit::list(wit::tuple({wit::string(), wit::string()}));
  EXPECT_EQ(
      to_string(*env),
      to_string(*ValueType::list(ValueType::tuple(
          {ValueType::primitive(TypeKind::String), ValueType::primitive(TypeKind::String)}))));
  ComponentValue v = val::list({val::tuple({val::string("A"), val::string("b")})});
  EXPECT_TRUE(has_type(v, *env));
  EXPECT_TRUE(has_type(val::ok(), *wit::result(nullptr, wit::u32())));
  EXPECT_TRUE(has_type(val::err(val::u32(3)), *wit::result(nullptr, wit::u32())));
  uint8_t bytes[] = {1, 2, 255};
  EXPECT_EQ(val::to_bytes(val::bytes(bytes, 3)), std::vector<uint8_t>({1, 2, 255}));
}

TEST(HostResourceTable, InsertLookUpAndDropThroughTheDestructor) {
  HostResourceTable<std::string> table("test:pkg/iface.thing");
  auto a = table.insert("first");
  auto b = table.insert("second");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_NE(*a, 0u);
  ComponentValue handle = ComponentValue::handle(TypeKind::Borrow, table.type(), *b);
  auto got = table.get(handle);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(**got, "second");
  // The guest dropping its last own handle runs the type's destructor.
  ASSERT_TRUE(table.type()->destructor(*a).ok());
  EXPECT_FALSE(table.get(*a).ok());
  EXPECT_EQ(table.size(), 1u);
  auto taken = table.take(*b);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(*taken, "second");
  EXPECT_EQ(table.size(), 0u);
}

TEST(HostResourceTable, RefusesHandlesOfAnotherType) {
  HostResourceTable<int> one("a"), other("b");
  auto rep = one.insert(1);
  ASSERT_TRUE(rep.ok());
  ComponentValue wrong = ComponentValue::handle(TypeKind::Borrow, other.type(), *rep);
  EXPECT_FALSE(one.get(wrong).ok());
  EXPECT_FALSE(one.get(val::u32(1)).ok());  // not a handle at all
}

TEST(HostResourceTable, DestructorAfterTheTableIsGoneIsHarmless) {
  ResourceTypePtr type;
  {
    HostResourceTable<int> table("t");
    ASSERT_TRUE(table.insert(1).ok());
    type = table.type();
  }
  EXPECT_TRUE(type->destructor(1).ok());
}

// A host renewed for another store (a server's next request over one
// linker): the table keeps its resource type, which the linker's
// definitions name, holds nothing of the last request's (the objects are
// destroyed), and the type's destructor reaches the new state.
TEST(HostResourceTable, ARenewedTableKeepsItsTypeAndNothingElse) {
  HostResourceTable<std::shared_ptr<std::string>> table("test:pkg/iface.thing");
  auto last = std::make_shared<std::string>("the last request's");
  ASSERT_TRUE(table.insert(last).ok());
  ResourceTypePtr type = table.type();
  table.renew();
  EXPECT_EQ(table.type(), type);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(last.use_count(), 1);
  EXPECT_FALSE(table.get(1).ok());
  auto rep = table.insert(std::make_shared<std::string>("this request's"));
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(table.get(ComponentValue::handle(TypeKind::Borrow, type, *rep)).ok());
  ASSERT_TRUE(type->destructor(*rep).ok());
  EXPECT_EQ(table.size(), 0u);
}

// clearer(): what a linker runs between two stores for tables an interface
// keeps of its own. Every copy of the table (the functions' captures) sees
// it empty; the type stays; the objects are destroyed.
TEST(HostResourceTable, AClearerEmptiesEveryCopyKeepingTheType) {
  HostResourceTable<std::shared_ptr<int>> table("t");
  HostResourceTable<std::shared_ptr<int>> captured = table;  // as a lambda captures it
  auto object = std::make_shared<int>(7);
  ASSERT_TRUE(table.insert(object).ok());
  ASSERT_TRUE(table.insert(object).ok());
  EXPECT_EQ(object.use_count(), 3);
  ResourceTypePtr type = table.type();
  table.clearer()();
  EXPECT_EQ(captured.size(), 0u);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(object.use_count(), 1);
  EXPECT_EQ(table.type(), type);
  auto rep = captured.insert(object);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(*rep, 1u);  // numbered as in a new table
}

// ComponentLinker::renew_with_each_store: every registered renewal runs.
TEST(HostResourceTable, ALinkerRunsTheRenewalsRegisteredWithIt) {
  ComponentLinker linker;
  HostResourceTable<int> one("a"), two("b");
  linker.renew_with_each_store(one.clearer());
  linker.renew_with_each_store(two.clearer());
  ASSERT_TRUE(one.insert(1).ok() && two.insert(2).ok());
  linker.renew_store_state();
  EXPECT_EQ(one.size() + two.size(), 0u);
}

}  // namespace
}  // namespace flint::component
