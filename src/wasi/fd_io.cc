// fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell
// (wasi_snapshot_preview1.witx): data moves straight between the host
// descriptor and the guest's buffers, which load_iovecs has bounds-checked.
#include <limits.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <vector>

#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

enum class Direction { Read, Write };

// The descriptor for a data transfer, or the errno refusing it. Wasmtime
// answers EBADF for reading a directory or stdout, or writing stdin.
Errno data_fd(HostCall& c, uint32_t fd, Direction dir, int& host) {
  FdEntry* e = c.ctx.fds().get(fd);
  if (!e || !e->host.valid()) return Errno::Badf;
  switch (e->kind) {
    case FdEntry::Kind::Directory:
    case FdEntry::Kind::Listener:
      return Errno::Badf;
    case FdEntry::Kind::Stdio:
      if ((fd == 0) != (dir == Direction::Read)) return Errno::Badf;
      // The host's stdio stays blocking (its flags are shared with the
      // shell); a guest's nonblocking mode is emulated with a zero poll.
      if (e->fdflags & fdflags::kNonblock) {
        struct pollfd p = {e->host.get(), short(dir == Direction::Read ? POLLIN : POLLOUT), 0};
        if (poll(&p, 1, 0) == 0) return Errno::Again;
      }
      break;
    case FdEntry::Kind::File:
      // What the guest may do is what its rights say, whatever mode the
      // host descriptor needed (see path_open).
      if (!(e->rights_base & (dir == Direction::Read ? rights::kFdRead : rights::kFdWrite))) return Errno::Badf;
      break;
    default:
      break;
  }
  host = e->host.get();
  return Errno::Success;
}

std::vector<struct iovec> host_iovecs(const std::vector<IoSlice>& slices) {
  std::vector<struct iovec> out;
  // One call moves at most IOV_MAX buffers; a short count is a valid answer.
  size_t n = std::min<size_t>(slices.size(), IOV_MAX);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back({slices[i].data(), slices[i].size()});
  return out;
}

Result<Errno> transfer(HostCall& c, Direction dir, std::optional<uint64_t> offset, uint32_t result_ptr) {
  int host = -1;
  if (Errno e = data_fd(c, c.u32(0), dir, host); e != Errno::Success) return e;
  // Stdio is a stream to the guest even when the host redirected it to a
  // file: positional I/O there would let the guest rewrite the file.
  if (offset && c.ctx.fds().get(c.u32(0))->kind != FdEntry::Kind::File) return Errno::Spipe;
  FLINT_ASSIGN(auto slices, load_iovecs(c.mem, c.u32(1), c.u32(2)));
  if (offset && *offset > uint64_t(INT64_MAX)) return Errno::Inval;
  std::vector<struct iovec> iov = host_iovecs(slices);
  ssize_t n;
  do {
    if (dir == Direction::Read)
      n = offset ? preadv(host, iov.data(), int(iov.size()), off_t(*offset)) : readv(host, iov.data(), int(iov.size()));
    else
      n = offset ? pwritev(host, iov.data(), int(iov.size()), off_t(*offset)) : writev(host, iov.data(), int(iov.size()));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_host_errno();
  FLINT_TRY(c.mem.store<uint32_t>(result_ptr, uint32_t(n)));
  return Errno::Success;
}

Result<Errno> fd_read(HostCall& c) { return transfer(c, Direction::Read, std::nullopt, c.u32(3)); }
Result<Errno> fd_write(HostCall& c) { return transfer(c, Direction::Write, std::nullopt, c.u32(3)); }
Result<Errno> fd_pread(HostCall& c) { return transfer(c, Direction::Read, c.u64(3), c.u32(4)); }
Result<Errno> fd_pwrite(HostCall& c) { return transfer(c, Direction::Write, c.u64(3), c.u32(4)); }

Errno seekable_fd(HostCall& c, uint32_t fd, int& host) {
  FdEntry* e = c.ctx.fds().get(fd);
  if (!e || !e->host.valid()) return Errno::Badf;
  if (e->kind == FdEntry::Kind::Directory) return Errno::Badf;
  if (e->kind != FdEntry::Kind::File) return Errno::Spipe;
  host = e->host.get();
  return Errno::Success;
}

Result<Errno> fd_seek(HostCall& c) {
  int host = -1;
  if (Errno e = seekable_fd(c, c.u32(0), host); e != Errno::Success) return e;
  int whence;
  switch (c.u32(2)) {
    case uint32_t(Whence::Set): whence = SEEK_SET; break;
    case uint32_t(Whence::Cur): whence = SEEK_CUR; break;
    case uint32_t(Whence::End): whence = SEEK_END; break;
    default: return invalid_enum("whence", c.u32(2));
  }
  off_t pos = lseek(host, off_t(int64_t(c.u64(1))), whence);
  if (pos < 0) return last_host_errno();
  FLINT_TRY(c.mem.store<uint64_t>(c.u32(3), uint64_t(pos)));
  return Errno::Success;
}

Result<Errno> fd_tell(HostCall& c) {
  int host = -1;
  if (Errno e = seekable_fd(c, c.u32(0), host); e != Errno::Success) return e;
  off_t pos = lseek(host, 0, SEEK_CUR);
  if (pos < 0) return last_host_errno();
  FLINT_TRY(c.mem.store<uint64_t>(c.u32(1), uint64_t(pos)));
  return Errno::Success;
}

constexpr HostFunctionSpec kFunctions[] = {
    {"fd_read", "iiii", fd_read},
    {"fd_write", "iiii", fd_write},
    {"fd_pread", "iiiIi", fd_pread},
    {"fd_pwrite", "iiiIi", fd_pwrite},
    {"fd_seek", "iIii", fd_seek},
    {"fd_tell", "ii", fd_tell},
};

}  // namespace

std::span<const HostFunctionSpec> fd_io_functions() { return kFunctions; }

}  // namespace flint::wasi
