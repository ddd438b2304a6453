#include "runtime/memory.h"

#include <sys/mman.h>

#include <algorithm>

#include "runtime/memory_image.h"
#include "runtime/reservation_pool.h"

namespace flint {

Result<std::unique_ptr<MemoryInst>> MemoryInst::create(MemoryType type,
                                                       std::optional<uint64_t> page_cap,
                                                       std::shared_ptr<const MemoryImage> image) {
  // Wasmtime without its `threads` feature rejects every shared memory
  // ("threads must be enabled for shared memories"). Flint implements no
  // atomics (no atomic accesses, no wait/notify), so it does the same where
  // it matters: shared memory types decode, validate and take part in import
  // matching (the component validator needs them), but none is ever created,
  // rather than running one as if it were unshared.
  if (type.shared)
    return make_error(ErrorCode::SharedMemoryUnsupported,
                      "the threads proposal (atomics) is not implemented");
  std::unique_ptr<MemoryInst> m(new MemoryInst());
  m->max_pages = type.limits.max;
  m->cap_pages_ = std::min<uint64_t>(type.limits.max.value_or(kMaxPages32), kMaxPages32);
  if (page_cap) m->cap_pages_ = std::min(m->cap_pages_, *page_cap);
  if (type.limits.min > m->cap_pages_)
    return make_error(ErrorCode::OutOfMemory,
                      "memory of " + std::to_string(type.limits.min) + " pages exceeds the limit");
  // Prefer the full reservation (guard regions make every access land in
  // this mapping); where address space is scarce (ulimit -v), reserve only
  // what the memory can ever grow to: bounds are still checked explicitly.
  m->reserved_ = kFullReservationBytes;
  std::optional<Reservation> r = acquire_reservation(m->reserved_, image.get());
  if (!r) {
    m->reserved_ = std::max<uint64_t>(m->cap_pages_ * kPageSize, kPageSize);
    r = acquire_reservation(m->reserved_, image.get());
    if (!r) return make_error(ErrorCode::OutOfMemory, "cannot reserve address space for a memory");
  }
  // From here on the destructor gives the reservation back.
  m->base = r->base;
  m->size = r->accessible;
  m->image_ = std::move(r->image);
  if (m->image_ && m->image_ != image) {
    // A pooled reservation holding another module's image: zeros first.
    bool removed = m->image_->remove(m->base);
    m->image_.reset();
    if (!removed) {
      m->reusable_ = false;
      return make_error(ErrorCode::OutOfMemory, "cannot reset a pooled memory's image");
    }
  }
  // A pooled reservation may come with more pages accessible than this
  // memory starts with: those beyond its minimum are made inaccessible.
  uint64_t initial = type.limits.min * kPageSize;
  if (m->size > initial) {
    if (mprotect(m->base + initial, m->size - initial, PROT_NONE) != 0)
      return make_error(ErrorCode::OutOfMemory, "cannot protect a memory's reservation");
    m->size = initial;
  }
  if (m->grow(type.limits.min - m->pages()) < 0)
    return make_error(ErrorCode::OutOfMemory, "cannot commit the memory's initial pages");
  if (image && !m->image_) {
    if (!image->install(m->base)) {
      m->reusable_ = false;
      return make_error(ErrorCode::OutOfMemory, "cannot map a memory's initial image");
    }
    m->image_ = std::move(image);
  }
  return m;
}

MemoryInst::~MemoryInst() {
  if (base) release_reservation(Reservation{base, size, std::move(image_)}, reserved_, reusable_);
}

int64_t MemoryInst::grow(uint64_t delta_pages) {
  uint64_t old_pages = pages();
  if (delta_pages > cap_pages_ - old_pages) return -1;
  if (delta_pages == 0) return int64_t(old_pages);
  uint64_t new_size = (old_pages + delta_pages) * kPageSize;
  if (new_size > reserved_) return -1;
  if (mprotect(base + size, new_size - size, PROT_READ | PROT_WRITE) != 0) return -1;
  size = new_size;
  return int64_t(old_pages);
}

}  // namespace flint
