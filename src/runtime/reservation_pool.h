// Address-space reservations of linear memories, kept for reuse (DESIGN
// principle 4: "pool the reservations, reset with madvise instead of
// munmap"). Mapping and unmapping 8 GiB per instance costs more than the
// rest of instantiating a small module: the kernel builds and tears down the
// mapping and its page tables each time. A released reservation instead is
// reset and waits in a small process-wide pool for the next memory, as
// Wasmtime's pooling allocator does. Its accessible prefix stays accessible,
// so the next memory of the same size changes no protection at all.
//
// Resetting restores the state right after the memory's image was
// installed (memory_image.h): the image's bytes, zeros elsewhere. Pages the
// last instance wrote are rewritten in place while they are few
// (written_pages.h), staying resident for the next instance; the rest are
// discarded with MADV_DONTNEED, which zeroes anonymous pages and brings a
// mapped image's pages back from its file. So the next memory made from
// the same module finds its image already in place.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "runtime/memory_image.h"

namespace flint {

/// A u32 address + u32 static offset + an 8-byte access stays below this:
/// the reservation compiled code needs (memory.h), and the size pooled.
inline constexpr uint64_t kFullReservationBytes = (uint64_t(8) << 30) + 65536;

/// Written pages up to this many bytes per memory are reset in place and
/// stay resident in the pool; beyond it they are discarded.
inline constexpr uint64_t kKeepResidentBytes = uint64_t(1) << 20;

/// A reservation of address space and what it holds.
struct Reservation {
  uint8_t* base = nullptr;
  /// Leading bytes that are readable and writable; the rest is inaccessible.
  uint64_t accessible = 0;
  /// The image installed at base + image->offset(); everything else reads
  /// zero. Null: the whole reservation reads zero.
  std::shared_ptr<const MemoryImage> image;
};

/// A reservation of `bytes` of address space: a pooled one when `bytes` is
/// the size the pool keeps (preferably one that holds `wanted`), or a new
/// mapping. nullopt when the system refuses.
std::optional<Reservation> acquire_reservation(uint64_t bytes, const MemoryImage* wanted);

/// Gives back a reservation of `bytes` whose first `accessible` bytes are
/// accessible and hold whatever the memory wrote. Reset and pooled when it
/// has the pooled size, the pool has room and `reusable` (false after a
/// failed mapping left its contents unknown); unmapped otherwise.
void release_reservation(Reservation reservation, uint64_t bytes, bool reusable = true);

}  // namespace flint
