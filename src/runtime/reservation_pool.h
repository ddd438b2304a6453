// Address-space reservations of linear memories, kept for reuse (DESIGN
// principle 4: "pool the reservations, reset with madvise instead of
// munmap"). Mapping and unmapping 8 GiB per instance costs more than the
// rest of instantiating a small module: the kernel builds and tears down the
// mapping and its page tables each time. A released reservation instead has
// its used pages discarded (MADV_DONTNEED: they read as zero when next
// touched, the memory is given back) and made inaccessible again, and waits
// in a small process-wide pool for the next memory, as Wasmtime's pooling
// allocator does. Its accessible prefix stays accessible (zero-filled), so
// the next memory of the same size changes no protection at all.
#pragma once

#include <cstdint>

namespace flint {

/// A u32 address + u32 static offset + an 8-byte access stays below this:
/// the reservation compiled code needs (memory.h), and the size pooled.
inline constexpr uint64_t kFullReservationBytes = (uint64_t(8) << 30) + 65536;

/// A reservation of `bytes` of address space: a pooled one when `bytes` is
/// the size the pool keeps, or a new mapping. `*accessible` is set to how
/// many leading bytes are readable and writable (all zero); the rest is
/// inaccessible. nullptr when the system refuses.
void* acquire_reservation(uint64_t bytes, uint64_t* accessible);

/// Gives back a reservation whose first `used` bytes are accessible (and
/// the rest not). Pooled, its contents discarded, when it has the pooled
/// size and the pool has room; unmapped otherwise.
void release_reservation(void* base, uint64_t bytes, uint64_t used);

}  // namespace flint
