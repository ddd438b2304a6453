// The four call-level operations: flat and spilled parameters (17 params),
// spilled results through return pointers, pointer traps, and a whole
// component-to-component call with transcoding and a borrowed handle.
#include "canon/call.h"

#include <gtest/gtest.h>

#include "test_memory.h"

namespace flint::canon {
namespace {

using namespace testing;
using component::FunctionType;
using CV = ComponentValue;

FunctionType fn(std::vector<ValueTypePtr> params, ValueTypePtr result) {
  FunctionType f;
  for (size_t i = 0; i < params.size(); ++i)
    f.params.push_back({"p" + std::to_string(i), params[i]});
  f.result = std::move(result);
  return f;
}

std::vector<CV> u32s(size_t n) {
  std::vector<CV> out;
  for (size_t i = 0; i < n; ++i) out.push_back(CV::unsigned_int(TypeKind::U32, 1000 + i));
  return out;
}

bool all_equal(const std::vector<CV>& a, const std::vector<CV>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!component::equal(a[i], b[i])) return false;
  return true;
}

TEST(Call, FlatArgumentsRoundTrip) {
  Side side;
  auto type = fn({P(TypeKind::U32), P(TypeKind::String), P(TypeKind::F64)}, nullptr);
  std::vector<CV> args = {CV::unsigned_int(TypeKind::U32, 3), CV::string("hi"), CV::f64(2.5)};
  auto core = lower_arguments(side.cx, type, args);
  ASSERT_TRUE(core.ok());
  ASSERT_EQ(core->size(), 4u);
  auto back = lift_arguments(side.cx, type, *core);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(all_equal(*back, args));
}

TEST(Call, SixteenFlatParamsStayFlat) {
  Side side;
  auto type = fn(std::vector<ValueTypePtr>(16, P(TypeKind::U32)), nullptr);
  auto core = lower_arguments(side.cx, type, u32s(16));
  ASSERT_TRUE(core.ok());
  EXPECT_EQ(core->size(), 16u);
  EXPECT_TRUE(side.memory.calls.empty());
}

TEST(Call, SeventeenParamsSpillThroughRealloc) {
  Side side;
  auto type = fn(std::vector<ValueTypePtr>(17, P(TypeKind::U32)), nullptr);
  auto args = u32s(17);
  auto core = lower_arguments(side.cx, type, args);
  ASSERT_TRUE(core.ok());
  ASSERT_EQ(core->size(), 1u);
  EXPECT_EQ(side.memory.calls, (std::vector<ReallocCall>{{0, 0, 4, 68}}));
  uint32_t ptr = (*core)[0].i32;
  EXPECT_EQ(side.get_u32(ptr), 1000u);
  EXPECT_EQ(side.get_u32(ptr + 64), 1016u);
  auto back = lift_arguments(side.cx, type, *core);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(all_equal(*back, args));
}

TEST(Call, SpilledArgumentPointerTraps) {
  auto type = fn(std::vector<ValueTypePtr>(17, P(TypeKind::U64)), nullptr);
  Side side;
  auto unaligned = lift_arguments(side.cx, type, std::vector<Value>{Value::i32_(4)});
  ASSERT_FALSE(unaligned.ok());
  EXPECT_EQ(unaligned.error().message(), "unaligned pointer");
  auto oob = lift_arguments(side.cx, type, std::vector<Value>{Value::i32_(65536 - 8)});
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.error().code, ErrorCode::PointerOutOfBounds);
  // The callee's realloc answering a misaligned block for the spill.
  side.cx.fused = true;
  side.memory.forced = 4;
  auto spill =
      lower_arguments(side.cx, type, std::vector<CV>(17, CV::unsigned_int(TypeKind::U64, 1)));
  ASSERT_FALSE(spill.ok());
  EXPECT_EQ(spill.error().message(), "unaligned pointer");
}

TEST(Call, SingleFlatResult) {
  Side side;
  auto type = fn({}, P(TypeKind::S32));
  auto core = lower_result(side.cx, type, CV::signed_int(TypeKind::S32, -5), {});
  ASSERT_TRUE(core.ok());
  ASSERT_EQ(core->size(), 1u);
  auto back = lift_result(side.cx, type, *core);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->as_signed(), -5);
}

TEST(Call, NoResult) {
  Side side;
  auto type = fn({}, nullptr);
  auto back = lift_result(side.cx, type, {});
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->has_value());
  auto core = lower_result(side.cx, type, std::nullopt, {});
  ASSERT_TRUE(core.ok());
  EXPECT_TRUE(core->empty());
}

TEST(Call, MultiValueResultsGoThroughMemory) {
  Side side;
  auto result = ValueType::tuple({P(TypeKind::U8), P(TypeKind::String), P(TypeKind::U64)});
  auto type = fn({P(TypeKind::U32)}, result);
  CV value = CV::sequence(TypeKind::Tuple, {CV::unsigned_int(TypeKind::U8, 1), CV::string("two"),
                                            CV::unsigned_int(TypeKind::U64, 3)});
  // canon lower: the caller passes a return pointer as its last argument.
  std::vector<Value> core_args = {Value::i32_(7), Value::i32_(64)};
  auto core = lower_result(side.cx, type, value, core_args);
  ASSERT_TRUE(core.ok());
  EXPECT_TRUE(core->empty());
  // canon lift: the core function returns that pointer.
  auto back = lift_result(side.cx, type, std::vector<Value>{Value::i32_(64)});
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(component::equal(**back, value));
  // The last argument, not the first, is the return pointer.
  auto args = lift_arguments(side.cx, type, core_args);
  ASSERT_TRUE(args.ok());
  EXPECT_EQ((*args)[0].as_unsigned(), 7u);
}

TEST(Call, ReturnPointerTraps) {
  Side side;
  auto type = fn({}, P(TypeKind::String));
  auto callee = lift_result(side.cx, type, std::vector<Value>{Value::i32_(2)});
  ASSERT_FALSE(callee.ok());
  EXPECT_EQ(callee.error().message(), "unaligned pointer");
  auto caller = lower_result(side.cx, type, CV::string("x"), std::vector<Value>{Value::i32_(6)});
  ASSERT_FALSE(caller.ok());
  EXPECT_EQ(caller.error().message(), "unaligned pointer");
  auto oob = lift_result(side.cx, type, std::vector<Value>{Value::i32_(65532)});
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.error().code, ErrorCode::PointerOutOfBounds);
}

TEST(Call, MismatchedArgumentsAreErrorsNotCrashes) {
  Side side;
  auto type = fn({P(TypeKind::U32)}, nullptr);
  EXPECT_FALSE(lower_arguments(side.cx, type, {}).ok());
  std::vector<CV> wrong = {CV::string("x")};
  EXPECT_FALSE(lower_arguments(side.cx, type, wrong).ok());
  EXPECT_FALSE(lift_arguments(side.cx, type, {}).ok());
  EXPECT_FALSE(lift_result(side.cx, fn({}, P(TypeKind::U32)), {}).ok());
  EXPECT_FALSE(lower_result(side.cx, fn({}, P(TypeKind::U32)), std::nullopt, {}).ok());
}

// A utf16 caller calls a latin1+utf16 callee with a string and a borrowed
// handle; the callee returns a list of strings through a return pointer.
TEST(Call, ComponentToComponent) {
  Side caller(StringEncoding::Utf16), callee(StringEncoding::Latin1Utf16);
  caller.cx.fused = callee.cx.fused = true;
  CallScope scope;
  caller.cx.scope = callee.cx.scope = &scope;
  auto r = std::make_shared<component::ResourceType>();
  r->implementer = &caller;
  uint32_t h = *resource_new(caller.handles, r, 77);

  auto result_type = ValueType::list(P(TypeKind::String));
  auto type = fn({P(TypeKind::String), ValueType::borrow(r)}, result_type);

  // The caller's core code: "h☃" in UTF-16 at 32, the handle, a retptr at 128.
  caller.put_bytes(32, {'h', 0, 0x03, 0x26});
  std::vector<Value> caller_args = {Value::i32_(32), Value::i32_(2), Value::i32_(h),
                                    Value::i32_(128)};
  auto args = lift_arguments(caller.cx, type, caller_args);
  ASSERT_TRUE(args.ok()) << args.error().message();
  EXPECT_EQ((*args)[0].as_string(), "h\xE2\x98\x83");
  auto callee_args = lower_arguments(callee.cx, type, *args);
  ASSERT_TRUE(callee_args.ok());
  // The string arrived as tagged UTF-16; the handle as a borrow handle.
  EXPECT_EQ((*callee_args)[1].i32, 2u | kUtf16Tag);
  uint32_t borrowed = (*callee_args)[2].i32;
  EXPECT_EQ(*resource_rep(callee.handles, r, borrowed), 77u);
  ASSERT_TRUE(resource_drop(callee.handles, r, borrowed).ok());

  // The callee's core function returns a pointer to (ptr, len) of strings.
  std::vector<CV> strings = {CV::string("ok"), CV::string("\xF0\x9F\x98\x80")};
  auto list = CV::sequence(TypeKind::List, strings);
  auto stored =
      lower_result(callee.cx, fn({}, result_type), list, std::vector<Value>{Value::i32_(256)});
  ASSERT_TRUE(stored.ok());
  auto result = lift_result(callee.cx, type, std::vector<Value>{Value::i32_(256)});
  ASSERT_TRUE(result.ok()) << result.error().message();
  auto lowered = lower_result(caller.cx, type, *result, caller_args);
  ASSERT_TRUE(lowered.ok()) << lowered.error().message();
  ASSERT_TRUE(scope.finish().ok());

  // The caller reads its results back in UTF-16.
  auto back = lift_result(caller.cx, fn({}, result_type), std::vector<Value>{Value::i32_(128)});
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(component::equal(**back, list));
  EXPECT_TRUE(resource_drop(caller.handles, r, h).ok());
}

}  // namespace
}  // namespace flint::canon
