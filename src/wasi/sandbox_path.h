// The one place where a guest path becomes a host file: every WASI call
// that names a path resolves it here, beneath the directory fd it is
// relative to (DESIGN.md principle 7, "Deny by default").
//
// Resolution uses Linux's openat2(2) with RESOLVE_BENEATH, so the kernel
// itself refuses any step out of the directory -- `..` past the top,
// absolute paths, and symlinks (followed or in the middle) that point
// outside -- and does so atomically, with no window for a rename race.
// Where openat2 is missing (Linux before 5.6, or a container's seccomp
// filter answering ENOSYS) a component-by-component walk with O_NOFOLLOW
// gives the same answers. Refusals come back as EPERM, the errno Wasmtime
// gives for an escape (pinned by guests/c/sandbox_escape.c in the
// differential test).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/abi.h"
#include "wasi/host_errno.h"

namespace flint::wasi {

/// Checks a guest path before it reaches the host: EINVAL for an embedded
/// NUL (C APIs would silently cut the path there), EILSEQ for invalid UTF-8.
Errno check_guest_path(std::string_view path);

/// Opens `path` beneath `dir` with open(2) `flags` and `mode`. When
/// `follow_final` is false a symlink as the last component is not followed
/// (ELOOP, as O_NOFOLLOW; with O_PATH the link itself is opened).
Errno open_beneath(int dir, std::string_view path, int flags, mode_t mode, bool follow_final, UniqueFd& out);

/// A path split for the *at(2) calls that act on a name without following
/// it (mkdirat, unlinkat, renameat, symlinkat, linkat, readlinkat, fstatat
/// with AT_SYMLINK_NOFOLLOW): its parent directory opened beneath the base
/// directory, and a final component that is a plain name (no slash; "."
/// when the path names the directory itself, e.g. "sub/..").
struct ParentAndName {
  UniqueFd parent;
  std::string name;
  bool trailing_slash = false;  ///< "name/": the target must be a directory
};
Errno resolve_parent(int dir, std::string_view path, ParentAndName& out);

/// Which resolver open_beneath uses. Auto picks openat2 and falls back to
/// the walk on ENOSYS; tests force each to check both give the same answers.
enum class Resolver { Auto, Openat2, ComponentWalk };
void force_resolver(Resolver resolver);

}  // namespace flint::wasi
