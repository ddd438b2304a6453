// Handle tables, call scopes and the resource built-ins: index reuse, own
// handles moving between tables, lending, borrow counting, destructors and
// the wrong-type and unknown-index traps.
#include "canon/handles.h"

#include <gtest/gtest.h>

#include "canon/flat.h"
#include "test_memory.h"

namespace flint::canon {
namespace {

using namespace testing;
using component::ResourceType;
using CV = ComponentValue;

std::string message_of(const Status& s) { return s.ok() ? "ok" : s.error().message(); }
template <class T>
std::string message_of(const Result<T>& r) {
  return r.ok() ? "ok" : r.error().message();
}

std::shared_ptr<ResourceType> guest_resource(const void* implementer,
                                             std::vector<uint32_t>* dropped = nullptr) {
  auto r = std::make_shared<ResourceType>();
  r->name = "r";
  r->implementer = implementer;
  if (dropped)
    r->destructor = [dropped](uint32_t rep) -> Status {
      dropped->push_back(rep);
      return {};
    };
  return r;
}

TEST(HandleTable, IndicesStartAtOneAndAreReused) {
  HandleTable t;
  auto r = guest_resource(&t);
  EXPECT_EQ(*resource_new(t, r, 10), 1u);
  EXPECT_EQ(*resource_new(t, r, 20), 2u);
  EXPECT_EQ(*resource_new(t, r, 30), 3u);
  ASSERT_TRUE(resource_drop(t, r, 2).ok());
  ASSERT_TRUE(resource_drop(t, r, 1).ok());
  EXPECT_EQ(*resource_new(t, r, 40), 1u);  // most recently freed first
  EXPECT_EQ(*resource_new(t, r, 50), 2u);
  EXPECT_EQ(*resource_new(t, r, 60), 4u);
  EXPECT_EQ(*resource_rep(t, r, 1), 40u);
  EXPECT_EQ(*resource_rep(t, r, 3), 30u);
}

TEST(HandleTable, UnknownIndices) {
  HandleTable t;
  auto r = guest_resource(&t);
  EXPECT_EQ(message_of(t.get(0)), "unknown handle index 0");
  EXPECT_EQ(message_of(resource_rep(t, r, 5)), "unknown handle index 5");
  ASSERT_TRUE(resource_new(t, r, 1).ok());
  ASSERT_TRUE(resource_drop(t, r, 1).ok());
  EXPECT_EQ(message_of(resource_drop(t, r, 1)), "unknown handle index 1");
}

TEST(HandleTable, WrongTypeTraps) {
  HandleTable t;
  int instance;
  auto r1 = guest_resource(&instance), r2 = guest_resource(&instance);
  ASSERT_EQ(*resource_new(t, r1, 100), 1u);
  const std::string want =
      "handle index 1 used with the wrong type, expected guest-defined resource but found a "
      "different guest-defined resource";
  EXPECT_EQ(message_of(resource_drop(t, r2, 1)), want);
  EXPECT_EQ(message_of(resource_rep(t, r2, 1)), want);
  Side side;
  side.cx.handles = &t;
  Value v = Value::i32_(1);
  FlatReader in({&v, 1});
  EXPECT_EQ(message_of(lift_flat(side.cx, *ValueType::own(r2), in)), want);
  // The handle is still there and still r1's.
  EXPECT_EQ(*resource_rep(t, r1, 1), 100u);
  auto host = guest_resource(nullptr);
  EXPECT_EQ(message_of(resource_rep(t, host, 1)),
            "handle index 1 used with the wrong type, expected host-defined resource but found a "
            "different guest-defined resource");
}

TEST(HandleTable, DropCallsTheDestructorOfOwnHandlesOnly) {
  std::vector<uint32_t> dropped;
  Side side;
  auto r = guest_resource(&side, &dropped);
  uint32_t own = *resource_new(side.handles, r, 7);
  ASSERT_TRUE(resource_drop(side.handles, r, own).ok());
  EXPECT_EQ(dropped, std::vector<uint32_t>{7});
  // A borrow handle's drop only ends the borrow.
  Side other;
  uint32_t b = *lower_borrow(other.cx, r, 8);
  ASSERT_TRUE(resource_drop(other.handles, r, b).ok());
  EXPECT_EQ(dropped, std::vector<uint32_t>{7});
  EXPECT_TRUE(other.scope.finish().ok());
}

TEST(HandleTable, DestructorTrapPropagates) {
  HandleTable t;
  auto r = std::make_shared<ResourceType>();
  r->destructor = [](uint32_t) -> Status { return make_error(ErrorCode::Unreachable); };
  uint32_t i = *resource_new(t, r, 1);
  EXPECT_EQ(message_of(resource_drop(t, r, i)), "unreachable");
}

// A caller lends its own handle to a callee for one call.
TEST(Borrows, LendBorrowDropAndFinish) {
  std::vector<uint32_t> dropped;
  Side caller, callee;
  int implementer;  // neither side implements it
  auto r = guest_resource(&implementer, &dropped);
  uint32_t h = *resource_new(caller.handles, r, 42);

  CallScope scope;
  caller.cx.scope = callee.cx.scope = &scope;
  // canon lower in the caller lifts the borrow: the own handle is now lent.
  auto rep = lift_borrow(caller.cx, r, h);
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(*rep, 42u);
  EXPECT_EQ(message_of(resource_drop(caller.handles, r, h)),
            "cannot remove owned resource while borrowed");
  EXPECT_EQ(message_of(lift_own(caller.cx, r, h)), "cannot remove owned resource while borrowed");

  // canon lift in the callee lowers it as a borrow handle of its own.
  auto b = lower_borrow(callee.cx, r, *rep);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*resource_rep(callee.handles, r, *b), 42u);
  EXPECT_EQ(message_of(lift_own(callee.cx, r, *b)),
            "handle index " + std::to_string(*b) + " is a borrow, not an owned resource");
  // Returning without dropping it traps.
  EXPECT_EQ(message_of(scope.finish()), "borrow handles still remain at the end of the call");
  ASSERT_TRUE(resource_drop(callee.handles, r, *b).ok());
  ASSERT_TRUE(scope.finish().ok());

  // The lend is over: the caller may drop its handle, which destroys it.
  ASSERT_TRUE(resource_drop(caller.handles, r, h).ok());
  EXPECT_EQ(dropped, std::vector<uint32_t>{42});
}

TEST(Borrows, ImplementerGetsTheRep) {
  Side implementer;
  auto r = guest_resource(&implementer);
  auto got = lower_borrow(implementer.cx, r, 99);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, 99u);
  EXPECT_TRUE(implementer.scope.finish().ok());  // no borrow handle was made
}

TEST(Borrows, LentHandleSurvivesTableGrowth) {
  Side caller;
  auto r = guest_resource(nullptr);
  uint32_t h = *resource_new(caller.handles, r, 1);
  ASSERT_TRUE(lift_borrow(caller.cx, r, h).ok());
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(resource_new(caller.handles, r, i).ok());
  ASSERT_TRUE(caller.scope.finish().ok());
  EXPECT_TRUE(resource_drop(caller.handles, r, h).ok());
}

TEST(Own, MovesBetweenTables) {
  Side a, b;
  auto r = guest_resource(nullptr);
  uint32_t h = *resource_new(a.handles, r, 5);
  // Lifting an own handle takes it out of the source table...
  Value v = Value::i32_(h);
  FlatReader in({&v, 1});
  auto lifted = lift_flat(a.cx, *ValueType::own(r), in);
  ASSERT_TRUE(lifted.ok());
  EXPECT_EQ(lifted->as_handle().rep, 5u);
  EXPECT_EQ(message_of(a.handles.get(h)), "unknown handle index 1");
  // ...and lowering it adds it to the destination's.
  std::vector<Value> out;
  ASSERT_TRUE(lower_flat(b.cx, *lifted, *ValueType::own(r), out).ok());
  EXPECT_EQ(*resource_rep(b.handles, r, out[0].i32), 5u);
  EXPECT_TRUE((*b.handles.get(out[0].i32))->own);
}

}  // namespace
}  // namespace flint::canon
