// fd_close, fd_renumber, fd_fdstat_get/set_flags/set_rights,
// fd_filestat_get/set_size/set_times, fd_advise, fd_allocate, fd_datasync,
// fd_sync (wasi_snapshot_preview1.witx): operations on an open descriptor
// that move no data.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/fd_rights.h"
#include "wasi/file_kind.h"
#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

Result<Errno> fd_close(HostCall& c) { return c.ctx.fds().close(c.u32(0)); }

Result<Errno> fd_renumber(HostCall& c) { return c.ctx.fds().renumber(c.u32(0), c.u32(1)); }

uint16_t fdflags_of_host(int fl) {
  uint16_t f = 0;
  if (fl & O_APPEND) f |= fdflags::kAppend;
  if (fl & O_NONBLOCK) f |= fdflags::kNonblock;
  if ((fl & O_SYNC) == O_SYNC) f |= fdflags::kSync | fdflags::kRsync;  // Linux: O_RSYNC == O_SYNC
  else if (fl & O_DSYNC) f |= fdflags::kDsync;
  return f;
}

Result<Errno> fd_fdstat_get(HostCall& c) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e) return Errno::Badf;
  FLINT_ASSIGN(auto r, c.mem.slice_aligned(c.u32(1), layout::kFdstatSize, 8));
  std::fill(r.begin(), r.end(), 0);
  uint16_t flags = e->kind == FdEntry::Kind::Stdio ? e->fdflags : 0;
  if (e->host.valid() && e->kind != FdEntry::Kind::Stdio) {
    int fl = fcntl(e->host.get(), F_GETFL);
    if (fl >= 0) flags = fdflags_of_host(fl);
  }
  GuestMemory::put<uint8_t>(r, layout::kFdstatFiletype, uint8_t(e->filetype));
  GuestMemory::put<uint16_t>(r, layout::kFdstatFlags, flags);
  GuestMemory::put<uint64_t>(r, layout::kFdstatRightsBase, e->rights_base);
  GuestMemory::put<uint64_t>(r, layout::kFdstatRightsInheriting, e->rights_inheriting);
  return Errno::Success;
}

// Append and nonblock can change on an open file; the sync flags are fixed
// at open time on Linux, so asking to change them is EINVAL (Wasmtime's
// answer too).
Result<Errno> fd_fdstat_set_flags(HostCall& c) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e || !e->host.valid()) return Errno::Badf;
  uint32_t wanted = c.u32(1);
  if (wanted & ~uint32_t(fdflags::kAll)) return Errno::Inval;
  if (wanted & (fdflags::kDsync | fdflags::kRsync | fdflags::kSync)) return Errno::Inval;
  if (e->kind == FdEntry::Kind::Directory) return Errno::Badf;
  if (e->kind == FdEntry::Kind::Stdio) {  // emulated: see fd_io.cc
    e->fdflags = uint16_t(wanted);
    return Errno::Success;
  }
  int fl = fcntl(e->host.get(), F_GETFL);
  if (fl < 0) return last_host_errno();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (wanted & fdflags::kAppend) fl |= O_APPEND;
  if (wanted & fdflags::kNonblock) fl |= O_NONBLOCK;
  if (fcntl(e->host.get(), F_SETFL, fl) != 0) return last_host_errno();
  return Errno::Success;
}

// Rights are fixed for the life of a descriptor, as in Wasmtime, which
// answers ENOTSUP here too.
Result<Errno> fd_fdstat_set_rights(HostCall& c) {
  if (!c.ctx.fds().get(c.u32(0))) return Errno::Badf;
  return Errno::NotSup;
}

Result<Errno> fd_filestat_get(HostCall& c) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e) return Errno::Badf;
  FLINT_ASSIGN(auto r, c.mem.slice_aligned(c.u32(1), layout::kFilestatSize, 8));
  if (e->kind == FdEntry::Kind::Stdio) {
    // Nothing of the host's terminal or pipe is shown but its kind.
    std::fill(r.begin(), r.end(), 0);
    GuestMemory::put<uint8_t>(r, layout::kFilestatFiletype, uint8_t(e->filetype));
    return Errno::Success;
  }
  struct stat st;
  if (fstat(e->host.get(), &st) != 0) return last_host_errno();
  write_filestat(r, st);
  return Errno::Success;
}

// A descriptor whose file may be changed: a file (or directory, for times)
// not beneath a read-only preopen.
Errno mutable_fd(HostCall& c, uint32_t fd, bool directories_too, int& host) {
  FdEntry* e = c.ctx.fds().get(fd);
  if (!e || !e->host.valid()) return Errno::Badf;
  if (e->kind == FdEntry::Kind::Directory && !directories_too) return Errno::Badf;
  if (e->kind != FdEntry::Kind::File && e->kind != FdEntry::Kind::Directory) return Errno::Badf;
  if (!e->writable) return Errno::Perm;
  host = e->host.get();
  return Errno::Success;
}

Result<Errno> fd_filestat_set_size(HostCall& c) {
  int host = -1;
  if (Errno e = mutable_fd(c, c.u32(0), false, host); e != Errno::Success) return e;
  if (c.u64(1) > uint64_t(INT64_MAX)) return Errno::Inval;
  if (ftruncate(host, off_t(c.u64(1))) != 0) return last_host_errno();
  return Errno::Success;
}

Result<Errno> fd_filestat_set_times(HostCall& c) {
  int host = -1;
  if (Errno e = mutable_fd(c, c.u32(0), true, host); e != Errno::Success) return e;
  struct timespec times[2];
  if (Errno e = utimens_times(c.u64(1), c.u64(2), c.u32(3), times); e != Errno::Success) return e;
  if (futimens(host, times) != 0) return last_host_errno();
  return Errno::Success;
}

Result<Errno> fd_advise(HostCall& c) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e || !e->host.valid()) return Errno::Badf;
  int advice;
  switch (Advice(c.u32(3))) {
    case Advice::Normal: advice = POSIX_FADV_NORMAL; break;
    case Advice::Sequential: advice = POSIX_FADV_SEQUENTIAL; break;
    case Advice::Random: advice = POSIX_FADV_RANDOM; break;
    case Advice::WillNeed: advice = POSIX_FADV_WILLNEED; break;
    case Advice::DontNeed: advice = POSIX_FADV_DONTNEED; break;
    case Advice::NoReuse: advice = POSIX_FADV_NOREUSE; break;
    default: return invalid_enum("advice", c.u32(3));
  }
  if (e->kind != FdEntry::Kind::File) return Errno::Badf;
  if (c.u64(1) > uint64_t(INT64_MAX) || c.u64(2) > uint64_t(INT64_MAX)) return Errno::Inval;
  int rc = posix_fadvise(e->host.get(), off_t(c.u64(1)), off_t(c.u64(2)), advice);
  return errno_from_host(rc);  // posix_fadvise returns the error instead of setting errno
}

Result<Errno> fd_allocate(HostCall& c) {
  int host = -1;
  if (Errno e = mutable_fd(c, c.u32(0), false, host); e != Errno::Success) return e;
  if (c.u64(1) > uint64_t(INT64_MAX) || c.u64(2) > uint64_t(INT64_MAX) - c.u64(1)) return Errno::Inval;
  int rc = posix_fallocate(host, off_t(c.u64(1)), off_t(c.u64(2)));
  return errno_from_host(rc);
}

Result<Errno> sync_fd(HostCall& c, bool data_only) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e || !e->host.valid()) return Errno::Badf;
  if (e->kind != FdEntry::Kind::File && e->kind != FdEntry::Kind::Directory) return Errno::Inval;
  int rc = data_only ? fdatasync(e->host.get()) : fsync(e->host.get());
  return rc == 0 ? Errno::Success : last_host_errno();
}
Result<Errno> fd_datasync(HostCall& c) { return sync_fd(c, true); }
Result<Errno> fd_sync(HostCall& c) { return sync_fd(c, false); }

constexpr HostFunctionSpec kFunctions[] = {
    {"fd_close", "i", fd_close},
    {"fd_renumber", "ii", fd_renumber},
    {"fd_fdstat_get", "ii", fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", fd_filestat_get},
    {"fd_filestat_set_size", "iI", fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", fd_filestat_set_times},
    {"fd_advise", "iIIi", fd_advise},
    {"fd_allocate", "iII", fd_allocate},
    {"fd_datasync", "i", fd_datasync},
    {"fd_sync", "i", fd_sync},
};

}  // namespace

std::span<const HostFunctionSpec> fd_meta_functions() { return kFunctions; }

}  // namespace flint::wasi
