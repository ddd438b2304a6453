// Linear memory instances (spec 4.2.8 "Memory Instances", 4.5.3.9 "Growing
// memories"). A 32-bit memory reserves its whole reachable address range up
// front: 4 GiB of pages plus the largest static offset (another 4 GiB) plus a
// guard page, all PROT_NONE. Growing makes pages accessible with mprotect, so
// the base address never moves: engines may cache it, and any access beyond
// the current size hits inaccessible pages rather than another object.
// A memory may start from its module's prepared image (memory_image.h)
// instead of zeros.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "flint/result.h"
#include "flint/types.h"

namespace flint {

class MemoryImage;

struct MemoryInst {
  /// Creates a memory of `type.limits.min` pages. `page_cap` (from
  /// Config::max_memory_pages) bounds the memory further than its own maximum.
  /// The memory starts as `image` (null: all zero), which must lie within
  /// the minimum size. Fails with "out of memory" when the minimum exceeds
  /// the caps or the address space cannot be reserved or mapped.
  static Result<std::unique_ptr<MemoryInst>> create(
      MemoryType type, std::optional<uint64_t> page_cap,
      std::shared_ptr<const MemoryImage> image = nullptr);
  ~MemoryInst();
  MemoryInst(const MemoryInst&) = delete;
  MemoryInst& operator=(const MemoryInst&) = delete;

  /// memory.grow: the old size in pages, or -1 when the new size would exceed
  /// the maximum, the cap, or the memory the system will give.
  int64_t grow(uint64_t delta_pages);
  uint64_t pages() const { return size / kPageSize; }
  /// The type as an import sees it: the current size is the minimum (spec 4.5.2).
  MemoryType type() const { return MemoryType{Limits{pages(), max_pages}}; }

  uint8_t* base = nullptr;            ///< never moves for the memory's lifetime
  uint64_t size = 0;                  ///< current size in bytes; accessible bytes are [0, size)
  std::optional<uint64_t> max_pages;  ///< the type's maximum
  /// Whether the whole 8 GiB range (any u32 address plus u32 offset) is
  /// reserved, so compiled code may skip bounds checks (src/aot).
  bool guarded() const { return reserved_ >= (uint64_t(8) << 30); }

 private:
  MemoryInst() = default;
  uint64_t cap_pages_ = kMaxPages32;  ///< min(max, config cap, 65536)
  uint64_t reserved_ = 0;             ///< bytes of address space mapped at base
  /// The image the reservation holds, handed back to the pool with it.
  std::shared_ptr<const MemoryImage> image_;
  /// False when a failed mapping left the contents unknown: never pooled.
  bool reusable_ = true;
};

}  // namespace flint
