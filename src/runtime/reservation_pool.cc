#include "runtime/reservation_pool.h"

#include <sys/mman.h>

#include <array>
#include <mutex>

namespace flint {

namespace {

constexpr uint64_t kPooledBytes = kFullReservationBytes;
// Enough for a server's concurrent instances on a few threads; each idle
// entry holds address space only (128 GiB of a 128 TiB user space at most).
constexpr size_t kPoolCapacity = 16;

struct Pooled {
  void* base;
  uint64_t accessible;
};

struct Pool {
  std::mutex mutex;
  std::array<Pooled, kPoolCapacity> free{};
  size_t count = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: memories may outlive static destructors
  return *p;
}

}  // namespace

void* acquire_reservation(uint64_t bytes, uint64_t* accessible) {
  *accessible = 0;
  if (bytes == kPooledBytes) {
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    if (p.count > 0) {
      Pooled entry = p.free[--p.count];
      *accessible = entry.accessible;
      return entry.base;
    }
  }
  void* base = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return base == MAP_FAILED ? nullptr : base;
}

void release_reservation(void* base, uint64_t bytes, uint64_t used) {
  if (bytes == kPooledBytes && used <= bytes) {
    // Discard the contents first: a pooled reservation must read as zero
    // and hold no memory. Only then is it reused.
    if (used == 0 || madvise(base, used, MADV_DONTNEED) == 0) {
      Pool& p = pool();
      std::lock_guard lock(p.mutex);
      if (p.count < kPoolCapacity) {
        p.free[p.count++] = Pooled{base, used};
        return;
      }
    }
  }
  munmap(base, bytes);
}

}  // namespace flint
