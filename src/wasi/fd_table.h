// The guest's file descriptor table: WASI fds are indices into it, never
// host descriptors, so a guest can only name what it was granted or opened.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/abi.h"
#include "wasi/host_errno.h"

namespace flint::wasi {

/// One entry of a directory listing, as fd_readdir hands them out.
struct DirListingEntry {
  std::string name;
  uint64_t ino = 0;
  Filetype type = Filetype::Unknown;
};

struct FdEntry {
  enum class Kind : uint8_t { Stdio, File, Directory, Listener, Socket };
  Kind kind = Kind::File;
  UniqueFd host;          ///< owned host descriptor (stdio: a dup of 0/1/2)
  Filetype filetype = Filetype::Unknown;
  uint64_t rights_base = rights::kAll;
  uint64_t rights_inheriting = rights::kAll;
  uint16_t fdflags = 0;   ///< the WASI fdflags the guest set (append, nonblock, ...)
  /// False beneath a read-only preopen: no creating, writing, removing,
  /// renaming or changing metadata through this fd or anything opened from it.
  bool writable = true;
  /// Set for preopened directories: the name fd_prestat_dir_name reports.
  std::optional<std::string> preopen_name;
  /// fd_readdir's snapshot of the directory, taken when a listing starts at
  /// cookie 0 so later cookies index a stable list.
  std::vector<DirListingEntry> listing;
  bool listing_valid = false;
};

class FdTable {
 public:
  /// The entry for `fd`, or nullptr (the caller answers EBADF).
  FdEntry* get(uint32_t fd);
  /// Adds an entry at the lowest free number, as POSIX (and Wasmtime) do.
  /// Nothing when the table is full (EMFILE).
  std::optional<uint32_t> insert(std::unique_ptr<FdEntry> entry);
  /// Puts an entry at a given number (for stdio and preopens at startup).
  void insert_at(uint32_t fd, std::unique_ptr<FdEntry> entry);
  Errno close(uint32_t fd);
  /// fd_renumber: moves `from` onto `to`, closing what `to` held.
  Errno renumber(uint32_t from, uint32_t to);
  size_t size() const { return entries_.size(); }

  /// A guest cannot hold more descriptors than this (a resource limit; the
  /// host's own RLIMIT_NOFILE applies as well).
  static constexpr size_t kMaxEntries = 16384;

 private:
  std::map<uint32_t, std::unique_ptr<FdEntry>> entries_;
};

}  // namespace flint::wasi
