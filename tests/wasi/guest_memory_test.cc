// The pieces under the WASI host functions: checked guest memory access,
// the fd table's numbering, errno translation and UTF-8 checks.
#include <cerrno>
#include <vector>

#include <gtest/gtest.h>

#include "wasi/fd_table.h"
#include "wasi/guest_memory.h"
#include "wasi/host_errno.h"

namespace flint::wasi {
namespace {

TEST(GuestMemoryTest, SlicesInsideAndAtTheEdge) {
  std::vector<uint8_t> bytes(64);
  GuestMemory m(bytes);
  EXPECT_TRUE(m.slice(0, 64).ok());
  EXPECT_TRUE(m.slice(64, 0).ok());  // empty at the end is fine
  EXPECT_TRUE(m.slice(60, 4).ok());
  EXPECT_FALSE(m.slice(61, 4).ok());
  EXPECT_FALSE(m.slice(65, 0).ok());
  EXPECT_FALSE(m.slice(0xFFFFFFFF, 2).ok());          // would wrap in 32 bits
  EXPECT_FALSE(m.slice(1, 0xFFFFFFFFFFFFull).ok());
  auto err = m.slice(61, 4);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().phase(), Phase::Trap);  // a bad pointer traps, as the witx docs say
}

TEST(GuestMemoryTest, TypedAccessIsLittleEndianAndAligned) {
  std::vector<uint8_t> bytes(16);
  GuestMemory m(bytes);
  ASSERT_TRUE(m.store<uint32_t>(4, 0x11223344).ok());
  EXPECT_EQ(bytes[4], 0x44);
  EXPECT_EQ(bytes[7], 0x11);
  EXPECT_EQ(*m.load<uint32_t>(4), 0x11223344u);
  EXPECT_FALSE(m.store<uint32_t>(2, 1).ok());   // misaligned
  EXPECT_FALSE(m.load<uint64_t>(4).ok());       // misaligned for u64
  EXPECT_FALSE(m.store<uint64_t>(16, 1).ok());  // out of bounds
  EXPECT_TRUE(m.store<uint64_t>(8, 1).ok());
}

TEST(GuestMemoryTest, EmptyMemoryRefusesEverything) {
  GuestMemory m({});
  EXPECT_FALSE(m.load<uint32_t>(0).ok());
  EXPECT_TRUE(m.slice(0, 0).ok());
}

TEST(GuestMemoryTest, IovecsAreCheckedBeforeUse) {
  std::vector<uint8_t> bytes(64);
  GuestMemory m(bytes);
  // Two iovecs at 0: {32, 8} and {40, 24}.
  ASSERT_TRUE(m.store<uint32_t>(0, 32).ok());
  ASSERT_TRUE(m.store<uint32_t>(4, 8).ok());
  ASSERT_TRUE(m.store<uint32_t>(8, 40).ok());
  ASSERT_TRUE(m.store<uint32_t>(12, 24).ok());
  auto iovs = load_iovecs(m, 0, 2);
  ASSERT_TRUE(iovs.ok());
  EXPECT_EQ((*iovs)[1].size(), 24u);
  ASSERT_TRUE(m.store<uint32_t>(12, 25).ok());  // one byte past the end
  EXPECT_FALSE(load_iovecs(m, 0, 2).ok());
  // A huge count is refused by the bounds check, not by allocating for it.
  EXPECT_FALSE(load_iovecs(m, 0, 0x7FFFFFFF).ok());
  EXPECT_FALSE(load_iovecs(m, 2, 1).ok());  // misaligned array
}

TEST(GuestMemoryTest, Utf8) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain/ascii.txt"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));            // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));        // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));    // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("a\x80"));
}

TEST(FdTableTest, LowestFreeNumberAndRenumber) {
  FdTable t;
  for (int i = 0; i < 3; ++i) t.insert_at(uint32_t(i), std::make_unique<FdEntry>());
  EXPECT_EQ(*t.insert(std::make_unique<FdEntry>()), 3u);
  EXPECT_EQ(*t.insert(std::make_unique<FdEntry>()), 4u);
  EXPECT_EQ(t.close(3), Errno::Success);
  EXPECT_EQ(t.close(3), Errno::Badf);
  EXPECT_EQ(*t.insert(std::make_unique<FdEntry>()), 3u);  // the gap is reused
  EXPECT_EQ(t.renumber(4, 9), Errno::Badf);               // the target must be open
  EXPECT_EQ(t.renumber(4, 1), Errno::Success);
  EXPECT_EQ(t.get(4), nullptr);
  EXPECT_NE(t.get(1), nullptr);
  EXPECT_EQ(t.renumber(1, 1), Errno::Success);
  EXPECT_EQ(t.get(77), nullptr);
}

TEST(HostErrnoTest, TranslatesByMeaningNotNumber) {
  EXPECT_EQ(errno_from_host(0), Errno::Success);
  EXPECT_EQ(errno_from_host(ENOENT), Errno::NoEnt);
  EXPECT_EQ(errno_from_host(EPERM), Errno::Perm);
  EXPECT_EQ(errno_from_host(EXDEV), Errno::Xdev);
  EXPECT_EQ(errno_from_host(ELOOP), Errno::Loop);
  EXPECT_EQ(uint16_t(errno_from_host(ENOTEMPTY)), 55);
  EXPECT_EQ(errno_from_host(EHWPOISON), Errno::Io);  // no WASI name: EIO
}

}  // namespace
}  // namespace flint::wasi
