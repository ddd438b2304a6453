// Adapting values between two versions of a WASI type by name
// (wasip3/adapt.h): what lets WASI 0.3's filesystem run 0.2's bodies.
#include "wasip3/adapt.h"

#include <gtest/gtest.h>

namespace flint::wasip3 {
namespace {

using namespace component;

ValueTypePtr old_code() { return wit::enumeration({"access", "would-block", "already"}); }
ValueTypePtr new_code() {
  return wit::variant(
      {{"access", nullptr}, {"already", nullptr}, {"other", wit::option(wit::string())}});
}

TEST(Adapt, EnumCasesMatchByNameAndTheRestBecomeOther) {
  auto a = adapt(val::enum_case(2), *old_code(), *new_code());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, TypeKind::Variant);
  EXPECT_EQ(a->as_case().index, 1u);  // "already" moved up one
  auto b = adapt(val::enum_case(1), *old_code(), *new_code());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->as_case().index, 2u);
  EXPECT_EQ(b->as_case().payload->as_case().payload->as_string(), "would-block");
  // Without an `other` case a missing case is an error, not a wrong value.
  EXPECT_FALSE(adapt(val::enum_case(1), *old_code(), *wit::enumeration({"access", "already"})));
}

TEST(Adapt, RecordsByFieldNameWithIntegerConversion) {
  ValueTypePtr datetime = wit::record({{"seconds", wit::u64()}, {"nanoseconds", wit::u32()}});
  ValueTypePtr instant = wit::record({{"nanoseconds", wit::u32()}, {"seconds", wit::s64()}});
  auto a = adapt(val::record({val::u64(1'700'000'000), val::u32(5)}), *datetime, *instant);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->items()[0].as_unsigned(), 5u);
  EXPECT_EQ(a->items()[1].as_signed(), 1'700'000'000);
  // Back: a negative instant has no datetime.
  EXPECT_FALSE(adapt(val::record({val::u32(0), val::s64(-1)}), *instant, *datetime));
  EXPECT_TRUE(adapt(val::record({val::u32(0), val::s64(7)}), *instant, *datetime));
}

TEST(Adapt, OptionsResultsTuplesListsAndFlags) {
  ValueTypePtr from = wit::result(wit::list(wit::tuple({old_code(), wit::string()})), old_code());
  ValueTypePtr to = wit::result(wit::list(wit::tuple({new_code(), wit::string()})), new_code());
  auto ok =
      adapt(val::ok(val::list({val::tuple({val::enum_case(2), val::string("x")})})), *from, *to);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->as_case().payload->items()[0].items()[0].as_case().index, 1u);
  auto err = adapt(val::err(val::enum_case(0)), *from, *to);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->as_case().index, 1u);
  auto some = adapt(val::some(val::u32(3)), *wit::option(wit::u32()), *wit::option(wit::u64()));
  ASSERT_TRUE(some);
  EXPECT_EQ(some->as_case().payload->as_unsigned(), 3u);
  auto flags = adapt(ComponentValue::flags({false, true}), *wit::flags({"read", "write"}),
                     *wit::flags({"write", "read", "sync"}));
  ASSERT_TRUE(flags);
  EXPECT_EQ(flags->as_flags(), (std::vector<bool>{true, false, false}));
}

TEST(Adapt, BridgeCallsTheOldFunctionWithAdaptedValues) {
  ValueTypePtr old_time = wit::record({{"seconds", wit::u64()}});
  ValueTypePtr new_time = wit::record({{"seconds", wit::s64()}});
  std::vector<uint64_t> seen;
  auto inner = std::make_shared<HostFunction>(
      wit::func({{"t", old_time}}, wit::result(nullptr, old_code())),
      [&](Store&, std::span<const ComponentValue> a) -> Result<std::optional<ComponentValue>> {
        seen.push_back(a[0].items()[0].as_unsigned());
        return std::optional<ComponentValue>(val::err(val::enum_case(1)));
      });
  FunctionTypePtr type = wit::async_func({{"t", new_time}}, wit::result(nullptr, new_code()));
  const ComponentValue invalid = val::err(val::variant_case(0));
  HostBody body = bridge(inner, type, invalid);
  Store store;
  const ComponentValue in[] = {val::record({val::s64(42)})};
  auto r = body(store, in);
  ASSERT_TRUE(r);
  EXPECT_EQ(seen, std::vector<uint64_t>{42});
  EXPECT_EQ((*r)->as_case().payload->as_case().index, 2u);  // would-block became other
  // An argument the old type cannot hold is answered, not passed on.
  const ComponentValue negative[] = {val::record({val::s64(-5)})};
  auto n = body(store, negative);
  ASSERT_TRUE(n);
  EXPECT_EQ((*n)->as_case().index, 1u);
  EXPECT_EQ(seen.size(), 1u);
}

}  // namespace
}  // namespace flint::wasip3
