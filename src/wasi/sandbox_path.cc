#include "wasi/sandbox_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sys/stat.h>
#include <limits.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

#include "wasi/guest_memory.h"

namespace flint::wasi {

namespace {

// A rename elsewhere during the lookup makes openat2 fail with EAGAIN rather
// than risk an escape; retrying is what the man page advises.
constexpr int kRaceRetries = 16;
// The kernel's own limit on symlinks in one lookup (MAXSYMLINKS).
constexpr int kMaxSymlinks = 40;

std::atomic<Resolver> g_resolver{Resolver::Auto};

// Returns ENOSYS when the kernel has no openat2, for the caller to fall back.
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

void split_components(std::string_view path, std::deque<std::string>& out, bool at_front) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > i) parts.emplace_back(path.substr(i, slash - i));
    i = slash + 1;
  }
  // "name/" must be a directory: resolving "." inside it checks that.
  if (!path.empty() && path.back() == '/') parts.emplace_back(".");
  if (at_front) out.insert(out.begin(), parts.begin(), parts.end());
  else out.insert(out.end(), parts.begin(), parts.end());
}

// The walk: one component at a time, never letting the kernel follow a
// symlink (O_NOFOLLOW everywhere), keeping the directories descended on a
// stack so ".." can only climb back what was descended, and splicing
// relative symlink targets into the remaining path by hand. An absolute
// target or a ".." above the base is an escape: EPERM, as with openat2.
Errno walk_beneath(int dir, std::string_view path, int flags, mode_t mode, bool follow_final, UniqueFd& out) {
  if (path.front() == '/') return Errno::Perm;
  std::deque<std::string> pending;
  split_components(path, pending, false);
  std::vector<UniqueFd> stack;
  auto current = [&] { return stack.empty() ? dir : stack.back().get(); };
  int symlinks = 0;
  auto splice_link = [&](const std::string& name) -> Errno {
    if (++symlinks > kMaxSymlinks) return Errno::Loop;
    std::string target(PATH_MAX, '\0');
    ssize_t n = readlinkat(current(), name.c_str(), target.data(), target.size());
    if (n < 0) return last_host_errno();
    target.resize(size_t(n));
    if (target.empty()) return Errno::NoEnt;
    if (target.front() == '/') return Errno::Perm;
    split_components(target, pending, true);
    return Errno::Success;
  };
  auto open_final = [&](const std::string& name, bool nofollow) -> Errno {
    int fd = openat(current(), name.c_str(), flags | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0), mode);
    if (fd < 0) return last_host_errno();
    out.reset(fd);
    return Errno::Success;
  };
  if (pending.empty()) return open_final(".", false);
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    bool last = pending.empty();
    if (name == "." || name == "..") {
      if (name == "..") {
        if (stack.empty()) return Errno::Perm;
        stack.pop_back();
      }
      if (last) return open_final(".", false);
      continue;
    }
    if (last) {
      struct stat st;
      bool is_link = fstatat(current(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
      if (!is_link || !follow_final) return open_final(name, /*nofollow=*/true);
      if (Errno e = splice_link(name); e != Errno::Success) return e;
      continue;
    }
    int fd = openat(current(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return last_host_errno();
    UniqueFd next(fd);
    struct stat st;
    if (fstat(next.get(), &st) != 0) return last_host_errno();
    if (S_ISLNK(st.st_mode)) {
      if (Errno e = splice_link(name); e != Errno::Success) return e;
      continue;
    }
    if (!S_ISDIR(st.st_mode)) return Errno::NotDir;
    stack.push_back(std::move(next));
  }
  return Errno::Success;  // not reached: the last component returns above
}

Errno resolve(int dir, const std::string& path, int flags, mode_t mode, bool follow_final, UniqueFd& out) {
  Resolver r = g_resolver.load(std::memory_order_relaxed);
  if (r != Resolver::ComponentWalk) {
    Errno e = openat2_beneath(dir, path, flags, mode, follow_final, out);
    if (e != Errno::NoSys || r == Resolver::Openat2) return e;
    g_resolver.store(Resolver::ComponentWalk, std::memory_order_relaxed);  // remember: no openat2 here
  }
  return walk_beneath(dir, path, flags, mode, follow_final, out);
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
  return resolve(dir, std::string(path), flags, mode, follow_final, out);
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
    return resolve(dir, std::string(trimmed), O_PATH | O_DIRECTORY, 0, true, out.parent);
  }
  out.name = std::string(name);
  return resolve(dir, std::string(dir_part), O_PATH | O_DIRECTORY, 0, true, out.parent);
}

void force_resolver(Resolver resolver) { g_resolver.store(resolver, std::memory_order_relaxed); }

}  // namespace flint::wasi
