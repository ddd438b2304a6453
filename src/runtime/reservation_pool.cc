#include "runtime/reservation_pool.h"

#include <sys/mman.h>

#include <array>
#include <mutex>

#include "runtime/written_pages.h"

namespace flint {

namespace {

constexpr uint64_t kPooledBytes = kFullReservationBytes;
// Enough for a server's concurrent instances on a few threads; each idle
// entry holds address space and at most kKeepResidentBytes of written
// pages (128 GiB of a 128 TiB user space, 16 MiB of memory at most).
constexpr size_t kPoolCapacity = 16;

struct Pool {
  std::mutex mutex;
  std::array<Reservation, kPoolCapacity> free{};
  size_t count = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: memories may outlive static destructors
  return *p;
}

bool pool_has_room() {
  Pool& p = pool();
  std::lock_guard lock(p.mutex);
  return p.count < kPoolCapacity;
}

// Brings a released reservation back to "its image, zeros elsewhere" (the
// header says how). False when the kernel refused: it is unmapped then.
bool reset(Reservation& r) {
  uint64_t restored = 0;  // [0, restored): every written page rewritten by hand
  if (std::optional<WrittenPages> written =
          scan_written_pages(r.base, r.accessible, kKeepResidentBytes)) {
    for (size_t i = 0; i < written->count; ++i)
      MemoryImage::restore(r.image.get(), r.base, written->ranges[i].begin, written->ranges[i].end);
    restored = written->scanned;
  }
  if (restored >= r.accessible) return true;
  if (madvise(r.base + restored, r.accessible - restored, MADV_DONTNEED) != 0) return false;
  // Discarded pages of a copied image read zero now, so the reservation no
  // longer holds that image: all of it goes, leaving zeros throughout.
  if (r.image && !r.image->mapped() && restored < r.image->offset() + r.image->size()) {
    if (!r.image->remove(r.base)) return false;
    r.image.reset();
  }
  return true;
}

}  // namespace

std::optional<Reservation> acquire_reservation(uint64_t bytes, const MemoryImage* wanted) {
  if (bytes == kPooledBytes) {
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    if (p.count > 0) {
      // The most recently released one holding the wanted image (its pages
      // are the likeliest still cached), else the most recently released.
      size_t pick = p.count - 1;
      for (size_t i = p.count; i-- > 0;)
        if (p.free[i].image.get() == wanted) {
          pick = i;
          break;
        }
      Reservation r = std::move(p.free[pick]);
      for (size_t i = pick; i + 1 < p.count; ++i) p.free[i] = std::move(p.free[i + 1]);
      p.free[--p.count] = Reservation{};
      return r;
    }
  }
  void* base = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) return std::nullopt;
  return Reservation{static_cast<uint8_t*>(base), 0, nullptr};
}

void release_reservation(Reservation r, uint64_t bytes, bool reusable) {
  if (bytes == kPooledBytes && reusable && r.accessible <= bytes && pool_has_room() && reset(r)) {
    Pool& p = pool();
    std::lock_guard lock(p.mutex);
    if (p.count < kPoolCapacity) {
      p.free[p.count++] = std::move(r);
      return;
    }
  }
  munmap(r.base, bytes);
}

}  // namespace flint
