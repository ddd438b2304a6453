#include "runtime/memory_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>

#include "module/module.h"

namespace flint {

namespace {

uint64_t host_page_size() {
  static const uint64_t size = uint64_t(sysconf(_SC_PAGESIZE));
  return size;
}

// The offset of an active segment when it is a plain `i32.const`, the form
// every toolchain emits for a module that is not position independent.
std::optional<uint64_t> constant_offset(const ConstExpr& offset) {
  const std::vector<Instr>& code = offset.instrs;
  bool single = code.size() == 1 || (code.size() == 2 && code[1].op == Opcode::End);
  if (code.empty() || !single || code[0].op != Opcode::I32Const) return std::nullopt;
  return uint64_t(uint32_t(code[0].u64));
}

// The active segments of defined memory `index` (imports counted first),
// in module order: later ones overwrite earlier ones where they overlap.
template <typename Apply>
void for_each_segment(const Module& m, uint32_t memory, Apply apply) {
  for (const DataSegment& seg : m.data)
    if (seg.mode == SegmentMode::Active && seg.memory == memory && !seg.bytes.empty())
      apply(*constant_offset(seg.offset), seg.bytes);
}

// Images holding a memfd now (kMaxMappedImages).
std::atomic<int> mapped_images{0};

// A sealed memfd of `size` bytes holding the segments written at their
// offsets minus `base`; -1 when the system refuses (the image is copied).
int make_image_file(const Module& m, uint32_t memory, uint64_t base, uint64_t size) {
  int fd = memfd_create("flint-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  bool ok = ftruncate(fd, off_t(size)) == 0;
  for_each_segment(m, memory, [&](uint64_t offset, const std::vector<uint8_t>& bytes) {
    for (size_t done = 0; ok && done < bytes.size();) {
      ssize_t n = pwrite(fd, bytes.data() + done, bytes.size() - done, off_t(offset - base + done));
      ok = n > 0;
      if (ok) done += size_t(n);
    }
  });
  // Sealed, nothing can change an image that instances map.
  ok = ok && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0;
  if (!ok) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::vector<std::shared_ptr<const MemoryImage>> MemoryImage::build(const Module& m) {
  uint32_t imported = 0;
  for (const Import& imp : m.imports) imported += imp.kind == ExternKind::Memory;
  struct Extent {
    uint64_t begin = UINT64_MAX, end = 0;
  };
  std::vector<Extent> extents(m.memories.size());
  for (const DataSegment& seg : m.data) {
    if (seg.mode != SegmentMode::Active) continue;
    std::optional<uint64_t> offset = constant_offset(seg.offset);
    if (!offset || seg.memory < imported || seg.memory - imported >= m.memories.size()) return {};
    const MemoryType& type = m.memories[seg.memory - imported];
    if (type.shared || *offset + seg.bytes.size() > type.limits.min * kPageSize) return {};
    if (seg.bytes.empty()) continue;
    Extent& extent = extents[seg.memory - imported];
    extent.begin = std::min(extent.begin, *offset);
    extent.end = std::max(extent.end, *offset + seg.bytes.size());
  }

  const uint64_t page = host_page_size();
  std::vector<std::shared_ptr<const MemoryImage>> images(m.memories.size());
  for (uint32_t i = 0; i < m.memories.size(); ++i) {
    const Extent& extent = extents[i];
    if (extent.end == 0) continue;
    uint64_t begin = extent.begin / page * page;
    uint64_t end = (extent.end + page - 1) / page * page;
    // Host pages larger than wasm's would reach past the memory.
    if (end > m.memories[i].limits.min * kPageSize) return {};
    std::shared_ptr<MemoryImage> image(new MemoryImage());
    image->offset_ = begin;
    image->size_ = end - begin;
    uint32_t memory = imported + i;
    if (image->size_ >= kMappedMinBytes && mapped_images.fetch_add(1) < kMaxMappedImages) {
      image->fd_ = make_image_file(m, memory, begin, end - begin);
      // The contents restore() copies from: the file's own pages, shared.
      void* view = image->fd_ < 0
                       ? MAP_FAILED
                       : mmap(nullptr, image->size_, PROT_READ, MAP_PRIVATE, image->fd_, 0);
      if (view != MAP_FAILED) {
        image->view_ = static_cast<const uint8_t*>(view);
      } else if (image->fd_ >= 0) {
        close(image->fd_);
        image->fd_ = -1;
      }
    }
    if (image->fd_ < 0) {
      if (image->size_ >= kMappedMinBytes) mapped_images.fetch_sub(1);
      image->copied_.assign(image->size_, 0);
      for_each_segment(m, memory, [&](uint64_t offset, const std::vector<uint8_t>& bytes) {
        std::memcpy(image->copied_.data() + (offset - begin), bytes.data(), bytes.size());
      });
      image->view_ = image->copied_.data();
    }
    images[i] = std::move(image);
  }
  return images;
}

MemoryImage::~MemoryImage() {
  if (fd_ >= 0) {
    munmap(const_cast<uint8_t*>(view_), size_);
    close(fd_);
    mapped_images.fetch_sub(1);
  }
}

bool MemoryImage::install(uint8_t* base) const {
  if (fd_ < 0) {
    std::memcpy(base + offset_, view_, size_);
    return true;
  }
  void* at = base + offset_;
  return mmap(at, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd_, 0) == at;
}

bool MemoryImage::remove(uint8_t* base) const {
  void* at = base + offset_;
  if (fd_ < 0) return madvise(at, size_, MADV_DONTNEED) == 0;
  return mmap(at, size_, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) == at;
}

void MemoryImage::restore(const MemoryImage* image, uint8_t* base, uint64_t begin, uint64_t end) {
  uint64_t from = image ? std::clamp(image->offset_, begin, end) : end;
  uint64_t to = image ? std::clamp(image->offset_ + image->size_, begin, end) : end;
  std::memset(base + begin, 0, from - begin);
  if (to > from) std::memcpy(base + from, image->view_ + (from - image->offset_), to - from);
  std::memset(base + to, 0, end - to);
}

}  // namespace flint
