// Prepared initial contents of linear memories (DESIGN principle 4: "CoW
// memory images"). A module whose active data segments all sit at constant
// offsets inside their memory's minimum size always starts its memories
// with the same bytes; those are computed once per module, and an instance
// gets them by mapping rather than by copying segment after segment. Large
// images live in a sealed memfd mapped copy-on-write, as Wasmtime's
// `memory_init_cow` does: an instance's memory shares the page cache's
// pages until it writes one. Small images are copied into the memory, as
// one block rather than per segment. Either way a pooled reservation keeps
// its image (reservation_pool.h), so the next instance of the same module
// finds it in place and copies nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace flint {

struct Module;

/// The bytes one defined memory holds right after instantiation: every
/// active data segment applied in order to zeroed memory, cut to whole host
/// pages ([offset, offset + size) of the memory; all else is zero).
class MemoryImage {
 public:
  /// Images of `m`'s defined memories by defined-memory index, null for a
  /// memory no segment writes. Empty when some active segment cannot be
  /// applied ahead of time (an offset read from a global, a segment in an
  /// imported memory or beyond its memory's minimum size): such a module's
  /// instances apply their segments one by one, failing where the spec
  /// says they fail.
  static std::vector<std::shared_ptr<const MemoryImage>> build(const Module& m);

  /// Images of at least this many bytes are mapped from a memfd; smaller
  /// ones are copied (a file descriptor each is not worth a page or two).
  static constexpr uint64_t kMappedMinBytes = 256 * 1024;
  /// At most this many images have a memfd at once in a process; later
  /// ones are copied. A server's connections need the descriptors more
  /// (the soft limit is often 1024), and a thousand apps of big modules
  /// loaded in one `flint up` would otherwise take them all.
  static constexpr int kMaxMappedImages = 128;

  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  uint64_t offset() const { return offset_; }  ///< host-page aligned
  uint64_t size() const { return size_; }      ///< a whole number of host pages
  /// Whether install() maps a file: then discarding the range's pages
  /// (MADV_DONTNEED) brings the image back instead of zeroing it.
  bool mapped() const { return fd_ >= 0; }

  /// Puts the image into the memory at `base`, whose range must be
  /// readable, writable and zero. False when the mapping fails; the range's
  /// contents are then unknown.
  bool install(uint8_t* base) const;
  /// Makes the range zero again and no longer backed by the image's file.
  bool remove(uint8_t* base) const;
  /// Writes back what [begin, end) of the memory (byte offsets) held right
  /// after install(): the image's bytes where they overlap it, zeros
  /// elsewhere. A null image restores zeros.
  static void restore(const MemoryImage* image, uint8_t* base, uint64_t begin, uint64_t end);

 private:
  MemoryImage() = default;
  uint64_t offset_ = 0;
  uint64_t size_ = 0;
  int fd_ = -1;                    ///< the sealed memfd of a mapped image, or -1
  const uint8_t* view_ = nullptr;  ///< the contents: copied_, or the memfd mapped read-only
  std::vector<uint8_t> copied_;
};

}  // namespace flint
