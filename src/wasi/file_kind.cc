#include "wasi/file_kind.h"

#include "wasi/guest_memory.h"

namespace flint::wasi {

Filetype filetype_of_mode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return Filetype::RegularFile;
    case S_IFDIR: return Filetype::Directory;
    case S_IFLNK: return Filetype::SymbolicLink;
    case S_IFCHR: return Filetype::CharacterDevice;
    case S_IFBLK: return Filetype::BlockDevice;
    case S_IFSOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;  // FIFOs have no WASI file type
  }
}

uint64_t timespec_to_ns(const struct timespec& ts) {
  if (ts.tv_sec < 0) return 0;
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

namespace {
Errno one_time(uint64_t value, bool set, bool now, struct timespec& out) {
  if (set && now) return Errno::Inval;
  if (now) out = {0, UTIME_NOW};
  else if (set) out = {time_t(value / 1000000000ull), long(value % 1000000000ull)};
  else out = {0, UTIME_OMIT};
  return Errno::Success;
}
}  // namespace

Errno utimens_times(uint64_t atim, uint64_t mtim, uint32_t flags, struct timespec times[2]) {
  if (flags & ~uint32_t(fstflags::kAll)) return Errno::Inval;
  if (Errno e = one_time(atim, flags & fstflags::kAtim, flags & fstflags::kAtimNow, times[0]); e != Errno::Success)
    return e;
  return one_time(mtim, flags & fstflags::kMtim, flags & fstflags::kMtimNow, times[1]);
}

void write_filestat(std::span<uint8_t> r, const struct stat& st) {
  using G = GuestMemory;
  std::fill(r.begin(), r.end(), 0);  // padding bytes too: nothing of the host leaks
  G::put<uint64_t>(r, layout::kFilestatDev, st.st_dev);
  G::put<uint64_t>(r, layout::kFilestatIno, st.st_ino);
  G::put<uint8_t>(r, layout::kFilestatFiletype, uint8_t(filetype_of_mode(st.st_mode)));
  G::put<uint64_t>(r, layout::kFilestatNlink, st.st_nlink);
  G::put<uint64_t>(r, layout::kFilestatSize_, st.st_size);
  G::put<uint64_t>(r, layout::kFilestatAtim, timespec_to_ns(st.st_atim));
  G::put<uint64_t>(r, layout::kFilestatMtim, timespec_to_ns(st.st_mtim));
  G::put<uint64_t>(r, layout::kFilestatCtim, timespec_to_ns(st.st_ctim));
}

}  // namespace flint::wasi
