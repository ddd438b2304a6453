// Linear memories (spec 4.5.3.9 growing memories): reservations, limits, caps.
#include "runtime/memory.h"

#include <gtest/gtest.h>

#include "wat.h"

namespace flint {
namespace {

using testing::export_of;
using testing::instantiate_wat;

TEST(Memory, GrowCommitsPagesAndKeepsTheBase) {
  auto m = MemoryInst::create(MemoryType{Limits{1, 4}}, std::nullopt);
  ASSERT_TRUE(m.ok());
  MemoryInst& mem = **m;
  uint8_t* base = mem.base;
  mem.base[65535] = 7;
  EXPECT_EQ(mem.grow(2), 1);
  EXPECT_EQ(mem.base, base);
  EXPECT_EQ(mem.size, 3u * kPageSize);
  mem.base[3 * kPageSize - 1] = 9;  // the new pages are writable
  EXPECT_EQ(mem.base[65535], 7);
  EXPECT_EQ(mem.grow(2), -1);  // beyond the maximum of 4
  EXPECT_EQ(mem.grow(1), 3);
  EXPECT_EQ(mem.grow(0), 4);
}

TEST(Memory, ConfigCapBoundsGrowthAndCreation) {
  EXPECT_FALSE(MemoryInst::create(MemoryType{Limits{3, std::nullopt}}, 2).ok());
  auto m = MemoryInst::create(MemoryType{Limits{1, std::nullopt}}, 2);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->grow(1), 1);
  EXPECT_EQ((*m)->grow(1), -1);
}

TEST(Memory, GrowFromWasmReturnsMinusOneOnFailure) {
  Config config;
  config.max_memory_pages = 3;
  Store store(config);
  Instance* inst = instantiate_wat(store, R"((module (memory 1)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "size") (result i32) (memory.size))
      (func (export "poke") (param i32) (i32.store8 (local.get 0) (i32.const 1)))))",
                                   config);
  ASSERT_NE(inst, nullptr);
  auto grow = [&](uint32_t n) {
    return (*store.call(export_of(inst, "grow"), std::vector{Value::i32_(n)}))[0].i32;
  };
  EXPECT_EQ(grow(1), 1u);
  EXPECT_EQ(grow(5), uint32_t(-1));
  EXPECT_EQ(grow(0x10000), uint32_t(-1));
  EXPECT_EQ((*store.call(export_of(inst, "size"), {}))[0].i32, 2u);
  EXPECT_TRUE(
      store.call(export_of(inst, "poke"), std::vector{Value::i32_(2 * kPageSize - 1)}).ok());
  auto oob = store.call(export_of(inst, "poke"), std::vector{Value::i32_(2 * kPageSize)});
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.error().message(), "out of bounds memory access");
}

TEST(Memory, EffectiveAddressDoesNotWrap) {
  Store store;
  Instance* inst = instantiate_wat(store, R"((module (memory 1)
      (func (export "load") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))))");
  ASSERT_NE(inst, nullptr);
  // 0xFFFFFFFF + 1 would wrap to 0 in 32 bits; in 64 bits it is far out of bounds.
  auto r = store.call(export_of(inst, "load"), std::vector{Value::i32_(1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::OutOfBoundsMemoryAccess);
}

}  // namespace
}  // namespace flint
