// Pooled memory reservations (runtime/reservation_pool.h): a memory made
// from a reused reservation reads as zero and is accessible exactly up to
// its size, whatever the previous memory in that reservation did.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "runtime/memory.h"

namespace flint {
namespace {

// The permissions /proc/self/maps gives the page at `p` ("rw-p", "---p").
std::string permissions(const void* p) {
  auto at = reinterpret_cast<uintptr_t>(p);
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    uintptr_t begin = 0, end = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %4s", &begin, &end, perms) == 3 && begin <= at && at < end)
      return perms;
  }
  return "unmapped";
}

MemoryType pages(uint64_t min) { return MemoryType{Limits{min, std::nullopt}}; }

TEST(ReservationPool, ReusedReservationIsZeroAndProtectedToItsSize) {
  uint8_t* first_base = nullptr;
  {
    auto m = MemoryInst::create(pages(3), std::nullopt);
    ASSERT_TRUE(m) << m.error().describe();
    ASSERT_TRUE((*m)->guarded());
    first_base = (*m)->base;
    std::memset((*m)->base, 0xab, 3 * kPageSize);
  }
  // The pool hands back the reservation just released (last in, first out).
  auto small = MemoryInst::create(pages(1), std::nullopt);
  ASSERT_TRUE(small) << small.error().describe();
  MemoryInst& m = **small;
  EXPECT_EQ(m.base, first_base);
  EXPECT_EQ(m.size, uint64_t(kPageSize));
  for (size_t i = 0; i < kPageSize; i += 512) ASSERT_EQ(m.base[i], 0) << "byte " << i;
  EXPECT_EQ(permissions(m.base), "rw-p");
  EXPECT_EQ(permissions(m.base + kPageSize), "---p");  // the old pages beyond the size
  EXPECT_EQ(permissions(m.base + 3 * kPageSize), "---p");

  // Growing over pages the previous memory wrote still reads zero.
  ASSERT_EQ(m.grow(2), 1);
  EXPECT_EQ(permissions(m.base + 2 * kPageSize), "rw-p");
  EXPECT_EQ(m.base[2 * kPageSize + 7], 0);
}

TEST(ReservationPool, LargerMemoryAfterSmallerGrowsTheAccessiblePart) {
  { auto m = MemoryInst::create(pages(1), std::nullopt); ASSERT_TRUE(m); (*m)->base[5] = 1; }
  auto m = MemoryInst::create(pages(4), std::nullopt);
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ((*m)->size, 4u * kPageSize);
  EXPECT_EQ((*m)->base[5], 0);
  EXPECT_EQ(permissions((*m)->base + 3 * kPageSize), "rw-p");
  EXPECT_EQ(permissions((*m)->base + 4 * kPageSize), "---p");
}

}  // namespace
}  // namespace flint
