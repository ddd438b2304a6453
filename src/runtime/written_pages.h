// Which pages of a memory its instance wrote, from the kernel's page tables
// (the PAGEMAP_SCAN ioctl of /proc/self/pagemap, Linux 6.7 and later).
// Resetting a pooled memory by rewriting just those pages keeps them
// resident: the next instance touches them without a page fault, and the
// reset needs no MADV_DONTNEED (whose TLB flush and page freeing cost more
// than rewriting a few pages). Wasmtime's pooling allocator does the same
// for its `linear_memory_keep_resident`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace flint {

/// Byte offsets [begin, end) from the scanned base, whole host pages.
struct PageRange {
  uint64_t begin = 0;
  uint64_t end = 0;
};

/// What one scan found.
struct WrittenPages {
  /// Up to this many separate runs are reported per scan.
  static constexpr size_t kMaxRanges = 32;
  std::array<PageRange, kMaxRanges> ranges;
  size_t count = 0;
  /// Bytes from the base the scan covered: pages at and beyond it were not
  /// examined (the byte budget or the run count ran out) and may hold
  /// anything.
  uint64_t scanned = 0;
};

/// The pages of [base, base + length) that may hold data other than what
/// their mapping started with: private pages, resident or swapped out. Not
/// reported: pages never touched, pages only read (the shared zero page, a
/// mapped file's page). At most `budget` bytes of written pages are
/// reported. nullopt when the kernel cannot tell (no PAGEMAP_SCAN, no
/// /proc, or after fork() in the child).
std::optional<WrittenPages> scan_written_pages(const uint8_t* base, uint64_t length,
                                               uint64_t budget);

}  // namespace flint
