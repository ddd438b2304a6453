// guests/c/fd_calls.c under `flint run`: the fd_* and path_* corners the
// differential test cannot compare with Wasmtime (fd_allocate, which
// Wasmtime does not implement; the CPU-time clocks, which it does not
// provide; fd_sync on a directory, which it refuses), checked against the
// output the witx semantics call for.
#include <gtest/gtest.h>

#include "subprocess.h"

namespace flint::wasi_test {
namespace {

constexpr const char* kExpected = R"(create: 0
fd_write two iovecs: 0
written: 11
fd_tell: 0
position: 11
fd_seek end -5: 0
position: 6
fd_seek before start: 28
fd_pread at 6: 0
pread read: wor
fd_pwrite at 0: 0
fd_advise sequential: 0
fd_allocate 4096: 0
fd_filestat_get: 0
size 4096 type 4 nlink 1
fd_filestat_set_size 4: 0
fd_filestat_set_times: 0
fd_filestat_set_times both: 28
size 4 atim 5000000000 mtim 7000000000
fd_datasync: 0
fd_sync: 0
fd_sync directory: 0
fd_fdstat_set_flags append: 0
flags 1 type 4
fd_fdstat_set_flags sync: 28
fd_fdstat_set_rights: 58
path_symlink: 0
path_filestat_set_times nofollow: 0
path_filestat_set_times follow: 0
link type 7 mtim 3000000000
target type 4 mtim 9000000000
open again: 0
fd_renumber: 0
old number closed: 8
read through renumbered: 0
read: worl
write to read-only: 8
fd_close: 0
fd_seek stdout: 70
fd_pwrite stdout: 70
poll stdin or 10s: 0
events 1 first userdata 11 type 1 error 0 nbytes 11
poll 1ms clock: 0
events 1 userdata 22 type 0
process cputime: 0
process cputime advances: 1
thread cputime: 0
thread cputime resolution: 0
sched_yield: 0
random_get 0 bytes: 0
)";

TEST(FdCallsTest, EveryCallAnswersAsTheWitxSays) {
  fs::path module = guest("c/fd_calls.wasm");
  if (module.empty()) GTEST_SKIP() << "C guests were not built (clang with wasi-libc missing)";
  ScratchDir dir("fdcalls");
  // stdin is a file holding 11 bytes: poll_oneoff reports them readable.
  Outcome r = run_command({FLINT_BINARY, "run", "--dir", ".", module.string()}, dir.path(), "stdin data\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kExpected);
  EXPECT_EQ(r.err, "");
  // What the guest left: the file cut to 4 bytes, and the link to it.
  EXPECT_EQ(slurp(dir.path() / "f.txt"), "worl");
  EXPECT_EQ(fs::read_symlink(dir.path() / "link"), "f.txt");
}

}  // namespace
}  // namespace flint::wasi_test
