// path_open, path_create_directory, path_filestat_get,
// path_filestat_set_times, path_link, path_readlink, path_remove_directory,
// path_rename, path_symlink, path_unlink_file (wasi_snapshot_preview1.witx).
//
// Every path goes through sandbox_path.h, which keeps it beneath the
// directory fd it is relative to. Beneath a read-only preopen every change
// is refused with EPERM before the host is asked, as Wasmtime does.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <fmt/format.h>

#include "wasi/fd_rights.h"
#include "wasi/file_kind.h"
#include "wasi/host_call.h"
#include "wasi/sandbox_path.h"

namespace flint::wasi {

namespace {

// The directory a path is relative to: EBADF when `fd` is not open or not
// a directory -- except that path_open on a file says ENOTDIR. (Wasmtime's
// answers, pinned by the differential test.)
Errno base_dir(HostCall& c, uint32_t fd, FdEntry*& out, bool for_open = false) {
  out = c.ctx.fds().get(fd);
  if (!out || !out->host.valid()) return Errno::Badf;
  if (out->kind != FdEntry::Kind::Directory)
    return for_open && out->kind == FdEntry::Kind::File ? Errno::NotDir : Errno::Badf;
  return Errno::Success;
}

Errno writable_base_dir(HostCall& c, uint32_t fd, FdEntry*& out) {
  if (Errno e = base_dir(c, fd, out); e != Errno::Success) return e;
  return out->writable ? Errno::Success : Errno::Perm;
}

// "name/" must name a directory (POSIX path resolution, trailing slashes).
Errno check_trailing_slash(const ParentAndName& p) {
  if (!p.trailing_slash) return Errno::Success;
  struct stat st;
  if (fstatat(p.parent.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
  return S_ISDIR(st.st_mode) ? Errno::Success : Errno::NotDir;
}

#define WASI_TRY_ERRNO(expr)                                      \
  do {                                                            \
    if (::flint::wasi::Errno e_ = (expr); e_ != Errno::Success) return e_; \
  } while (0)

Result<Errno> path_open(HostCall& c) {
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(base_dir(c, c.u32(0), dir, /*for_open=*/true));
  bool follow = c.u32(1) & kLookupSymlinkFollow;
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(2), c.u32(3)));
  uint32_t of = c.u32(4), fdf = c.u32(7);
  uint64_t base = c.u64(5);
  if ((of & ~uint32_t(oflags::kAll)) || (fdf & ~uint32_t(fdflags::kAll)) || (base & ~rights::kAll) ||
      (c.u64(6) & ~rights::kAll))
    return Errno::Inval;
  if ((of & oflags::kDirectory) && (of & (oflags::kCreat | oflags::kExcl | oflags::kTrunc))) return Errno::Inval;
  bool guest_reads = base & rights::kFdRead, guest_writes = base & rights::kFdWrite;
  // Creating or truncating needs a writable host descriptor even when the
  // guest asked only to read; what the guest may do is still its rights.
  bool host_writes = guest_writes || (of & (oflags::kCreat | oflags::kTrunc));
  if (host_writes && !dir->writable) return Errno::Perm;

  int flags = host_writes ? (guest_reads || !guest_writes ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (of & oflags::kCreat) flags |= O_CREAT;
  if (of & oflags::kExcl) flags |= O_EXCL;
  if (of & oflags::kTrunc) flags |= O_TRUNC;
  if (of & oflags::kDirectory) flags |= O_DIRECTORY;
  if (fdf & fdflags::kAppend) flags |= O_APPEND;
  if (fdf & fdflags::kNonblock) flags |= O_NONBLOCK;
  if (fdf & fdflags::kDsync) flags |= O_DSYNC;
  if (fdf & (fdflags::kSync | fdflags::kRsync)) flags |= O_SYNC;
  UniqueFd opened;
  WASI_TRY_ERRNO(open_beneath(dir->host.get(), path, flags, 0666, follow, opened));
  struct stat st;
  if (fstat(opened.get(), &st) != 0) return last_host_errno();

  auto entry = std::make_unique<FdEntry>();
  entry->host = std::move(opened);
  entry->filetype = filetype_of_mode(st.st_mode);
  entry->writable = dir->writable;
  entry->fdflags = uint16_t(fdf);
  if (S_ISDIR(st.st_mode)) {
    entry->kind = FdEntry::Kind::Directory;
    entry->rights_base = entry->rights_inheriting = fd_rights::kDirectory;
  } else {
    entry->kind = FdEntry::Kind::File;
    entry->rights_base = entry->rights_inheriting = fd_rights::file(guest_reads, guest_writes);
  }
  std::optional<uint32_t> fd = c.ctx.fds().insert(std::move(entry));
  if (!fd) return Errno::Mfile;
  FLINT_TRY(c.mem.store<uint32_t>(c.u32(8), *fd));
  return Errno::Success;
}

Result<Errno> path_create_directory(HostCall& c) {
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(0), dir));
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(1), c.u32(2)));
  ParentAndName p;
  WASI_TRY_ERRNO(resolve_parent(dir->host.get(), path, p));
  if (mkdirat(p.parent.get(), p.name.c_str(), 0777) != 0) return last_host_errno();
  return Errno::Success;
}

Result<Errno> path_filestat_get(HostCall& c) {
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(base_dir(c, c.u32(0), dir));
  bool follow = c.u32(1) & kLookupSymlinkFollow;
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(2), c.u32(3)));
  FLINT_ASSIGN(auto record, c.mem.slice_aligned(c.u32(4), layout::kFilestatSize, 8));
  // O_PATH|O_NOFOLLOW opens a final symlink itself, so fstat describes the link.
  UniqueFd target;
  WASI_TRY_ERRNO(open_beneath(dir->host.get(), path, O_PATH, 0, follow, target));
  struct stat st;
  if (fstat(target.get(), &st) != 0) return last_host_errno();
  write_filestat(record, st);
  return Errno::Success;
}

Result<Errno> path_filestat_set_times(HostCall& c) {
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(0), dir));
  bool follow = c.u32(1) & kLookupSymlinkFollow;
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(2), c.u32(3)));
  struct timespec times[2];
  WASI_TRY_ERRNO(utimens_times(c.u64(4), c.u64(5), c.u32(6), times));
  UniqueFd target;
  WASI_TRY_ERRNO(open_beneath(dir->host.get(), path, O_PATH, 0, follow, target));
  struct stat st;
  if (fstat(target.get(), &st) != 0) return last_host_errno();
  if (S_ISLNK(st.st_mode)) {
    // Not following: change the link itself, named in its (checked) parent.
    ParentAndName p;
    WASI_TRY_ERRNO(resolve_parent(dir->host.get(), path, p));
    if (utimensat(p.parent.get(), p.name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
    return Errno::Success;
  }
  // An O_PATH descriptor cannot be passed to futimens; its /proc/self/fd
  // entry names exactly the file already resolved beneath the sandbox.
  std::string self = fmt::format("/proc/self/fd/{}", target.get());
  if (utimensat(AT_FDCWD, self.c_str(), times, 0) != 0) return last_host_errno();
  return Errno::Success;
}

Result<Errno> path_link(HostCall& c) {
  FdEntry *old_dir = nullptr, *new_dir = nullptr;
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(0), old_dir));
  FLINT_ASSIGN(std::string_view old_path, c.mem.string(c.u32(2), c.u32(3)));
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(4), new_dir));
  FLINT_ASSIGN(std::string_view new_path, c.mem.string(c.u32(5), c.u32(6)));
  // Following a symlink source would let linkat resolve it outside the
  // sandbox; Wasmtime refuses the flag with EINVAL, and so does Flint.
  if (c.u32(1) & kLookupSymlinkFollow) return Errno::Inval;
  ParentAndName from, to;
  WASI_TRY_ERRNO(resolve_parent(old_dir->host.get(), old_path, from));
  WASI_TRY_ERRNO(resolve_parent(new_dir->host.get(), new_path, to));
  WASI_TRY_ERRNO(check_trailing_slash(from));
  if (to.trailing_slash) return Errno::NoEnt;  // a new link is never a directory (linkat(2))
  if (linkat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str(), 0) != 0)
    return last_host_errno();
  return Errno::Success;
}

Result<Errno> path_readlink(HostCall& c) {
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(base_dir(c, c.u32(0), dir));
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(1), c.u32(2)));
  FLINT_ASSIGN(auto buffer, c.mem.slice(c.u32(3), c.u32(4)));
  ParentAndName p;
  WASI_TRY_ERRNO(resolve_parent(dir->host.get(), path, p));
  std::string target(PATH_MAX, '\0');
  ssize_t n = readlinkat(p.parent.get(), p.name.c_str(), target.data(), target.size());
  if (n < 0) return last_host_errno();
  // Like readlink(2), a target longer than the buffer is cut to fit.
  size_t used = std::min(size_t(n), buffer.size());
  std::copy(target.begin(), target.begin() + used, buffer.begin());
  FLINT_TRY(c.mem.store<uint32_t>(c.u32(5), uint32_t(used)));
  return Errno::Success;
}

Result<Errno> path_remove_directory(HostCall& c) {
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(0), dir));
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(1), c.u32(2)));
  ParentAndName p;
  WASI_TRY_ERRNO(resolve_parent(dir->host.get(), path, p));
  if (unlinkat(p.parent.get(), p.name.c_str(), AT_REMOVEDIR) != 0) return last_host_errno();
  return Errno::Success;
}

Result<Errno> path_rename(HostCall& c) {
  FdEntry *old_dir = nullptr, *new_dir = nullptr;
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(0), old_dir));
  FLINT_ASSIGN(std::string_view old_path, c.mem.string(c.u32(1), c.u32(2)));
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(3), new_dir));
  FLINT_ASSIGN(std::string_view new_path, c.mem.string(c.u32(4), c.u32(5)));
  ParentAndName from, to;
  WASI_TRY_ERRNO(resolve_parent(old_dir->host.get(), old_path, from));
  WASI_TRY_ERRNO(resolve_parent(new_dir->host.get(), new_path, to));
  WASI_TRY_ERRNO(check_trailing_slash(from));
  // "rename(file, name/)": the slash says the target is a directory, so
  // only a directory may move there (POSIX rename, ENOTDIR).
  if (to.trailing_slash && !from.trailing_slash) {
    ParentAndName source_as_dir{UniqueFd(dup(from.parent.get())), from.name, true};
    WASI_TRY_ERRNO(check_trailing_slash(source_as_dir));
  }
  if (renameat(from.parent.get(), from.name.c_str(), to.parent.get(), to.name.c_str()) != 0)
    return last_host_errno();
  return Errno::Success;
}

Result<Errno> path_symlink(HostCall& c) {
  FLINT_ASSIGN(std::string_view target, c.mem.string(c.u32(0), c.u32(1)));
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(2), dir));
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(3), c.u32(4)));
  WASI_TRY_ERRNO(check_guest_path(target));
  // A link to an absolute path can never resolve inside the sandbox; a
  // relative one is checked when it is followed.
  if (!target.empty() && target.front() == '/') return Errno::Perm;
  ParentAndName p;
  WASI_TRY_ERRNO(resolve_parent(dir->host.get(), path, p));
  if (p.trailing_slash) return Errno::NoEnt;
  if (symlinkat(std::string(target).c_str(), p.parent.get(), p.name.c_str()) != 0) return last_host_errno();
  return Errno::Success;
}

Result<Errno> path_unlink_file(HostCall& c) {
  FdEntry* dir = nullptr;
  WASI_TRY_ERRNO(writable_base_dir(c, c.u32(0), dir));
  FLINT_ASSIGN(std::string_view path, c.mem.string(c.u32(1), c.u32(2)));
  ParentAndName p;
  WASI_TRY_ERRNO(resolve_parent(dir->host.get(), path, p));
  WASI_TRY_ERRNO(check_trailing_slash(p));
  if (unlinkat(p.parent.get(), p.name.c_str(), 0) != 0) return last_host_errno();
  return Errno::Success;
}

constexpr HostFunctionSpec kFunctions[] = {
    {"path_open", "iiiiiIIii", path_open},
    {"path_create_directory", "iii", path_create_directory},
    {"path_filestat_get", "iiiii", path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", path_filestat_set_times},
    {"path_link", "iiiiiii", path_link},
    {"path_readlink", "iiiiii", path_readlink},
    {"path_remove_directory", "iii", path_remove_directory},
    {"path_rename", "iiiiii", path_rename},
    {"path_symlink", "iiiii", path_symlink},
    {"path_unlink_file", "iii", path_unlink_file},
};

}  // namespace

std::span<const HostFunctionSpec> path_functions() { return kFunctions; }

}  // namespace flint::wasi
