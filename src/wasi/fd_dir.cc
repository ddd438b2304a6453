// fd_prestat_get, fd_prestat_dir_name, fd_readdir
// (wasi_snapshot_preview1.witx): what a guest learns about directories it
// holds. Listed with fd_fdstat and friends in the fd_meta table.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>

#include "wasi/file_kind.h"
#include "wasi/host_call.h"

namespace flint::wasi {

namespace {

Result<Errno> fd_prestat_get(HostCall& c) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e || !e->preopen_name) return Errno::Badf;
  FLINT_ASSIGN(auto r, c.mem.slice_aligned(c.u32(1), layout::kPrestatSize, 4));
  std::fill(r.begin(), r.end(), 0);
  GuestMemory::put<uint8_t>(r, layout::kPrestatTag, kPreopenDir);
  GuestMemory::put<uint32_t>(r, layout::kPrestatNameLen, uint32_t(e->preopen_name->size()));
  return Errno::Success;
}

Result<Errno> fd_prestat_dir_name(HostCall& c) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e || !e->preopen_name) return Errno::Badf;
  const std::string& name = *e->preopen_name;
  if (c.u32(2) < name.size()) return Errno::NameTooLong;
  FLINT_ASSIGN(auto dest, c.mem.slice(c.u32(1), name.size()));  // no NUL: the length says it all
  std::copy(name.begin(), name.end(), dest.begin());
  return Errno::Success;
}

Filetype filetype_of_dirent(int dir, const struct dirent& d) {
  switch (d.d_type) {
    case DT_REG: return Filetype::RegularFile;
    case DT_DIR: return Filetype::Directory;
    case DT_LNK: return Filetype::SymbolicLink;
    case DT_CHR: return Filetype::CharacterDevice;
    case DT_BLK: return Filetype::BlockDevice;
    case DT_SOCK: return Filetype::SocketStream;
    case DT_UNKNOWN: {  // some file systems leave the type to a stat
      struct stat st;
      if (fstatat(dir, d.d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) return filetype_of_mode(st.st_mode);
      return Filetype::Unknown;
    }
    default: return Filetype::Unknown;
  }
}

// The directory's entries as fd_readdir numbers them: "." and ".." first
// (as Wasmtime lists them), then the host's entries in its order.
Errno take_listing(FdEntry& e) {
  int fd = openat(e.host.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_host_errno();
  DIR* dir = fdopendir(fd);
  if (!dir) {
    Errno err = last_host_errno();
    close(fd);
    return err;
  }
  struct stat self;
  uint64_t self_ino = fstat(fd, &self) == 0 ? self.st_ino : 0;
  std::vector<DirListingEntry> listing = {{".", self_ino, Filetype::Directory},
                                          {"..", 0, Filetype::Directory}};
  errno = 0;
  while (struct dirent* d = readdir(dir)) {
    if (std::strcmp(d->d_name, ".") == 0 || std::strcmp(d->d_name, "..") == 0) continue;
    listing.push_back({d->d_name, d->d_ino, filetype_of_dirent(fd, *d)});
  }
  Errno err = errno ? last_host_errno() : Errno::Success;
  closedir(dir);
  if (err != Errno::Success) return err;
  e.listing = std::move(listing);
  e.listing_valid = true;
  return Errno::Success;
}

// Fills the buffer with dirent headers and names from `cookie` on. The last
// entry may be cut short: a full buffer tells the guest to call again with
// the cookie of the last entry it read whole (witx: fd_readdir).
Result<Errno> fd_readdir(HostCall& c) {
  FdEntry* e = c.ctx.fds().get(c.u32(0));
  if (!e || !e->host.valid()) return Errno::Badf;
  if (e->kind != FdEntry::Kind::Directory) return Errno::Badf;
  FLINT_ASSIGN(auto buffer, c.mem.slice(c.u32(1), c.u32(2)));
  uint64_t cookie = c.u64(3);
  if (cookie == 0 || !e->listing_valid)
    if (Errno err = take_listing(*e); err != Errno::Success) return err;
  size_t used = 0;
  for (uint64_t i = cookie; i < e->listing.size() && used < buffer.size(); ++i) {
    const DirListingEntry& entry = e->listing[i];
    uint8_t header[layout::kDirentSize] = {};
    GuestMemory::put<uint64_t>(header, layout::kDirentNext, i + 1);
    GuestMemory::put<uint64_t>(header, layout::kDirentIno, entry.ino);
    GuestMemory::put<uint32_t>(header, layout::kDirentNamlen, uint32_t(entry.name.size()));
    GuestMemory::put<uint8_t>(header, layout::kDirentType, uint8_t(entry.type));
    size_t n = std::min<size_t>(sizeof header, buffer.size() - used);
    std::memcpy(buffer.data() + used, header, n);
    used += n;
    n = std::min(entry.name.size(), buffer.size() - used);
    std::memcpy(buffer.data() + used, entry.name.data(), n);
    used += n;
  }
  FLINT_TRY(c.mem.store<uint32_t>(c.u32(4), uint32_t(used)));
  return Errno::Success;
}

constexpr HostFunctionSpec kFunctions[] = {
    {"fd_prestat_get", "ii", fd_prestat_get},
    {"fd_prestat_dir_name", "iii", fd_prestat_dir_name},
    {"fd_readdir", "iiiIi", fd_readdir},
};

}  // namespace

std::span<const HostFunctionSpec> fd_dir_functions() { return kFunctions; }

}  // namespace flint::wasi
