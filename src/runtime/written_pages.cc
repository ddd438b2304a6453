#include "runtime/written_pages.h"

#include <fcntl.h>
#include <linux/ioctl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace flint {

namespace {

// The ioctl's ABI (include/uapi/linux/fs.h of Linux 6.7), spelled out here
// because the build machine's kernel headers may predate it; a kernel
// without it answers ENOTTY and the scan is not used again.
constexpr uint64_t kPageIsFile = 1 << 2;
constexpr uint64_t kPageIsPresent = 1 << 3;
constexpr uint64_t kPageIsSwapped = 1 << 4;
constexpr uint64_t kPageIsPfnZero = 1 << 5;

struct KernelPageRegion {
  uint64_t start;
  uint64_t end;
  uint64_t categories;
};

struct KernelScanArg {
  uint64_t size;
  uint64_t flags;
  uint64_t start;
  uint64_t end;
  uint64_t walk_end;
  uint64_t vec;
  uint64_t vec_len;
  uint64_t max_pages;
  uint64_t category_inverted;
  uint64_t category_mask;
  uint64_t category_anyof_mask;
  uint64_t return_mask;
};

constexpr unsigned long kPagemapScan = _IOWR('f', 16, KernelScanArg);

// Cleared for good when the kernel refuses the ioctl, and in a forked
// child, whose descriptor still describes the parent's pages.
std::atomic<bool> usable{true};

void stop_in_child() { usable.store(false, std::memory_order_relaxed); }

int pagemap_fd() {
  static const int fd = [] {
    int opened = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (opened >= 0) pthread_atfork(nullptr, nullptr, stop_in_child);
    return opened;
  }();
  return fd;
}

}  // namespace

std::optional<WrittenPages> scan_written_pages(const uint8_t* base, uint64_t length,
                                               uint64_t budget) {
  if (!usable.load(std::memory_order_relaxed)) return std::nullopt;
  int fd = pagemap_fd();
  if (fd < 0) return std::nullopt;
  static const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  KernelPageRegion regions[WrittenPages::kMaxRanges];
  KernelScanArg arg{};
  arg.size = sizeof(arg);
  arg.start = reinterpret_cast<uintptr_t>(base);
  arg.end = arg.start + length;
  arg.vec = reinterpret_cast<uintptr_t>(regions);
  arg.vec_len = WrittenPages::kMaxRanges;
  arg.max_pages = budget / page;
  // Written means: neither the zero page nor a file's page (both only ever
  // read through this mapping), and either resident or swapped out.
  arg.category_inverted = kPageIsPfnZero | kPageIsFile;
  arg.category_mask = kPageIsPfnZero | kPageIsFile;
  arg.category_anyof_mask = kPageIsPresent | kPageIsSwapped;
  arg.return_mask = 0;  // all runs alike, so adjacent pages merge into one
  if (arg.max_pages == 0) return WrittenPages{};
  long found = ioctl(fd, kPagemapScan, &arg);
  if (found < 0) {
    if (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP) usable = false;
    return std::nullopt;
  }
  WrittenPages pages;
  pages.count = size_t(found);
  for (size_t i = 0; i < pages.count; ++i)
    pages.ranges[i] = PageRange{regions[i].start - arg.start, regions[i].end - arg.start};
  pages.scanned = arg.walk_end - arg.start;
  return pages;
}

}  // namespace flint
