// Tries every way out of a preopened directory we could think of, with the
// raw wasi_snapshot_preview1 calls (wasi-libc would refuse some paths itself
// before asking the host). Prints one line per attempt with the errno the
// host returned, so the differential test pins them to Wasmtime's.
//
// Expects fd 3 = a writable preopen laid out by tests/wasi (see
// sandbox_fixture in tests/wasi/guest_cases.cc):
//   inside.txt, sub/x.txt, up -> .., abs -> /etc, in -> sub,
//   deep_up -> sub/../.., loop -> loop, secret.txt one level above the preopen
// and optionally fd 4 = a read-only preopen holding ro.txt.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

// Every right witx defines (29 bits); Wasmtime rejects unknown bits.
static const __wasi_rights_t kAllRights = (1ull << 29) - 1;

static void report(const char* what, __wasi_errno_t e) {
  if (e == 0) printf("%-40s ok\n", what);
  else printf("%-40s errno %u\n", what, (unsigned)e);
}

static void try_open(const char* label, __wasi_fd_t dir, __wasi_lookupflags_t lookup, const char* path,
                     __wasi_oflags_t oflags, __wasi_rights_t rights, __wasi_fdflags_t fdflags) {
  __wasi_fd_t fd = 0;
  __wasi_errno_t e = __wasi_path_open(dir, lookup, path, oflags, rights, kAllRights, fdflags, &fd);
  char what[128];
  snprintf(what, sizeof what, "open %s %s", label, path);
  report(what, e);
  if (e == 0) (void)__wasi_fd_close(fd);
}

static void try_stat(__wasi_lookupflags_t lookup, const char* path) {
  __wasi_filestat_t st;
  char what[128];
  snprintf(what, sizeof what, "stat %s %s", lookup ? "follow" : "nofollow", path);
  __wasi_errno_t e = __wasi_path_filestat_get(3, lookup, path, &st);
  report(what, e);
  if (e == 0) printf("%-40s filetype %u\n", "", (unsigned)st.filetype);
}

int main(void) {
  const __wasi_lookupflags_t follow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  const char* reads[] = {"inside.txt", "sub/x.txt", "in/x.txt", "sub/../inside.txt", "./inside.txt",
                         "../secret.txt", "/etc/passwd", "/", "..", "sub/../../secret.txt",
                         "up/secret.txt", "up", "abs/passwd", "abs", "deep_up/secret.txt",
                         "deep_up", "loop", "in/../up/secret.txt", "sub/../../sandbox/inside.txt",
                         "", "inside.txt/", "missing.txt", "sub//x.txt", ".", "sub/.."};
  for (size_t i = 0; i < sizeof reads / sizeof *reads; ++i)
    try_open("follow", 3, follow, reads[i], 0, kAllRights, 0);
  const char* nofollow[] = {"up", "abs", "loop", "in", "in/x.txt", "up/secret.txt"};
  for (size_t i = 0; i < sizeof nofollow / sizeof *nofollow; ++i)
    try_open("nofollow", 3, 0, nofollow[i], 0, kAllRights, 0);
  try_open("create", 3, follow, "../created.txt", __WASI_OFLAGS_CREAT, kAllRights, 0);
  try_open("create", 3, follow, "up/created.txt", __WASI_OFLAGS_CREAT, kAllRights, 0);
  try_open("create", 3, follow, "/tmp/created.txt", __WASI_OFLAGS_CREAT, kAllRights, 0);
  try_open("directory", 3, follow, "inside.txt", __WASI_OFLAGS_DIRECTORY, kAllRights, 0);
  try_open("excl", 3, follow, "inside.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, kAllRights, 0);

  const char* stats[] = {"inside.txt", "up", "abs", "loop", "in", "..", "../secret.txt", "/etc",
                         "deep_up", "sub/.."};
  for (size_t i = 0; i < sizeof stats / sizeof *stats; ++i) {
    try_stat(follow, stats[i]);
    try_stat(0, stats[i]);
  }

  report("mkdir ../newdir", __wasi_path_create_directory(3, "../newdir"));
  report("mkdir up/newdir", __wasi_path_create_directory(3, "up/newdir"));
  report("mkdir /newdir", __wasi_path_create_directory(3, "/newdir"));
  report("unlink ../secret.txt", __wasi_path_unlink_file(3, "../secret.txt"));
  report("unlink up/secret.txt", __wasi_path_unlink_file(3, "up/secret.txt"));
  report("rmdir ..", __wasi_path_remove_directory(3, ".."));
  report("rmdir up", __wasi_path_remove_directory(3, "up"));
  report("rename inside.txt ../stolen", __wasi_path_rename(3, "inside.txt", 3, "../stolen"));
  report("rename ../secret.txt mine", __wasi_path_rename(3, "../secret.txt", 3, "mine"));
  report("rename up/secret.txt mine", __wasi_path_rename(3, "up/secret.txt", 3, "mine"));
  report("link ../secret.txt hard", __wasi_path_link(3, 0, "../secret.txt", 3, "hard"));
  report("link up/secret.txt hard", __wasi_path_link(3, follow, "up/secret.txt", 3, "hard"));
  report("link inside.txt ../hard", __wasi_path_link(3, 0, "inside.txt", 3, "../hard"));
  report("symlink /etc/passwd abslink", __wasi_path_symlink("/etc/passwd", 3, "abslink"));
  try_open("follow", 3, follow, "abslink", 0, kAllRights, 0);
  report("symlink ../secret.txt rel_escape", __wasi_path_symlink("../secret.txt", 3, "rel_escape"));
  try_open("follow", 3, follow, "rel_escape", 0, kAllRights, 0);
  report("symlink x ../outside_link", __wasi_path_symlink("x", 3, "../outside_link"));

  char buf[64];
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_path_readlink(3, "up", (uint8_t*)buf, sizeof buf, &n);
  report("readlink up", e);
  if (e == 0) printf("%-40s -> %.*s\n", "", (int)n, buf);
  report("readlink ../x", __wasi_path_readlink(3, "../x", (uint8_t*)buf, sizeof buf, &n));
  report("readlink inside.txt", __wasi_path_readlink(3, "inside.txt", (uint8_t*)buf, sizeof buf, &n));

  // An opened subdirectory is a new root for relative lookups, but it may
  // not be a way back out of the preopen either.
  __wasi_fd_t sub = 0;
  const __wasi_rights_t dir_rights = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR |
                                     __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_FILESTAT_GET;
  e = __wasi_path_open(3, follow, "sub", __WASI_OFLAGS_DIRECTORY, dir_rights, kAllRights, 0, &sub);
  report("open sub as directory", e);
  if (e == 0) {
    try_open("from sub", sub, follow, "x.txt", 0, kAllRights, 0);
    try_open("from sub", sub, follow, "../inside.txt", 0, kAllRights, 0);
    try_open("from sub", sub, follow, "../../secret.txt", 0, kAllRights, 0);
    (void)__wasi_fd_close(sub);
  }

  // The read-only preopen, when granted: reads work, every write is refused.
  __wasi_prestat_t pre;
  if (__wasi_fd_prestat_get(4, &pre) == 0) {
    try_open("ro read", 4, follow, "ro.txt", 0, __WASI_RIGHTS_FD_READ, 0);
    try_open("ro write", 4, follow, "ro.txt", 0, __WASI_RIGHTS_FD_WRITE, 0);
    try_open("ro append", 4, follow, "ro.txt", 0, __WASI_RIGHTS_FD_WRITE, __WASI_FDFLAGS_APPEND);
    try_open("ro trunc", 4, follow, "ro.txt", __WASI_OFLAGS_TRUNC, kAllRights, 0);
    try_open("ro create", 4, follow, "new.txt", __WASI_OFLAGS_CREAT, kAllRights, 0);
    report("ro mkdir", __wasi_path_create_directory(4, "d"));
    report("ro unlink", __wasi_path_unlink_file(4, "ro.txt"));
    report("ro rename", __wasi_path_rename(4, "ro.txt", 4, "r2.txt"));
    report("ro symlink", __wasi_path_symlink("ro.txt", 4, "l"));
    report("ro rename into rw", __wasi_path_rename(4, "ro.txt", 3, "moved.txt"));
    __wasi_fd_t fd = 0;
    e = __wasi_path_open(4, follow, "ro.txt", 0, __WASI_RIGHTS_FD_READ, kAllRights, 0, &fd);
    report("ro open for reading", e);
    if (e == 0) {
      __wasi_ciovec_t iov = {(const uint8_t*)"x", 1};
      __wasi_size_t written = 0;
      report("ro fd_write", __wasi_fd_write(fd, &iov, 1, &written));
      report("ro set_size", __wasi_fd_filestat_set_size(fd, 0));
      (void)__wasi_fd_close(fd);
    }
    // A directory opened beneath a read-only preopen is read-only too.
    e = __wasi_path_open(4, follow, ".", __WASI_OFLAGS_DIRECTORY, dir_rights, kAllRights, 0, &fd);
    report("ro open . as directory", e);
    if (e == 0) {
      report("ro mkdir through child", __wasi_path_create_directory(fd, "d"));
      try_open("ro child write", fd, follow, "ro.txt", 0, __WASI_RIGHTS_FD_WRITE, 0);
      (void)__wasi_fd_close(fd);
    }
  }
  return 0;
}
