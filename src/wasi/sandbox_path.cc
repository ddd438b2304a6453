#include "wasi/sandbox_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/guest_memory.h"

namespace flint::wasi {

namespace {

// A rename elsewhere during the lookup makes openat2 fail with EAGAIN rather
// than risk an escape; retrying is what the man page advises.
constexpr int kRaceRetries = 16;

Errno openat2_beneath(int dir, const std::string& path, int flags, mode_t mode, bool follow_final, UniqueFd& out) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = uint64_t(flags) | O_CLOEXEC | (follow_final ? 0 : O_NOFOLLOW);
  // openat2 rejects a mode without O_CREAT/O_TMPFILE.
  // (O_TMPFILE contains the O_DIRECTORY bit, so test it whole.)
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < kRaceRetries; ++attempt) {
    long fd = syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how);
    if (fd >= 0) {
      out.reset(int(fd));
      return Errno::Success;
    }
    if (errno == EAGAIN || errno == EINTR) continue;
    // EXDEV is how RESOLVE_BENEATH says "this would leave the directory".
    if (errno == EXDEV) return Errno::Perm;
    return last_host_errno();
  }
  return Errno::Again;
}

}  // namespace

Errno check_guest_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (!is_valid_utf8(path)) return Errno::Ilseq;
  return Errno::Success;
}

Errno open_beneath(int dir, std::string_view path, int flags, mode_t mode, bool follow_final, UniqueFd& out) {
  if (Errno e = check_guest_path(path); e != Errno::Success) return e;
  if (path.empty()) return Errno::NoEnt;
  return openat2_beneath(dir, std::string(path), flags, mode, follow_final, out);
}

Errno resolve_parent(int dir, std::string_view path, ParentAndName& out) {
  if (Errno e = check_guest_path(path); e != Errno::Success) return e;
  if (path.empty()) return Errno::NoEnt;
  if (path.front() == '/') return Errno::Perm;  // absolute: never beneath anything
  // "a/b///" names b and requires it to be a directory. The slashes must not
  // reach the kernel with the name: "link/" would make it follow the link.
  size_t end = path.find_last_not_of('/');
  out.trailing_slash = end + 1 < path.size();
  std::string_view trimmed = path.substr(0, end + 1);
  size_t slash = trimmed.rfind('/');
  std::string_view dir_part = slash == std::string_view::npos ? "." : trimmed.substr(0, slash + 1);
  std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);
  if (name == "." || name == "..") {
    // The path names a directory itself: resolve all of it and act on ".".
    out.name = ".";
    return openat2_beneath(dir, std::string(trimmed), O_PATH | O_DIRECTORY, 0, true, out.parent);
  }
  out.name = std::string(name);
  return openat2_beneath(dir, std::string(dir_part), O_PATH | O_DIRECTORY, 0, true, out.parent);
}

}  // namespace flint::wasi
