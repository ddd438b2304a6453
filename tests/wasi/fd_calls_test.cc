// guests/c/fd_calls.c under `flint run`: the fd_* and path_* corners the
// differential test cannot compare with Wasmtime (fd_allocate, which
// Wasmtime does not implement; the CPU-time clocks, which it does not
// provide; fd_sync on a directory, which it refuses), checked against the
// output the witx semantics call for. Its component form (through the
// preview-1 adapter) answers as the adapter does, not as the witx says
// (component_forms.txt): there it must match `wasmtime run` instead.
#include <gtest/gtest.h>

#include "component_form.h"

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

class FdCallsTest : public ::testing::TestWithParam<Form> {};

TEST_P(FdCallsTest, EveryCallAnswersAsTheWitxSays) {
  ScratchDir renamed("fdcalls-form");
  fs::path module = guest_in_form("c/fd_calls.wasm", GetParam(), renamed);
  if (module.empty()) GTEST_SKIP() << "c/fd_calls.wasm in this form was not built";
  ScratchDir dir("fdcalls");
  // stdin is a file holding 11 bytes: poll_oneoff reports them readable.
  auto run = [&](const std::string& runtime, const fs::path& cwd) {
    return run_command({runtime, "run", "--dir", ".", module.string()}, cwd, "stdin data\n");
  };
  Outcome r = run(FLINT_BINARY, dir.path());
  if (GetParam() == Form::Component) {
    const std::string exception = component_exception("FdCalls");
    const std::string cli = wasmtime_cli();
    if (cli.empty()) GTEST_SKIP() << exception << " (and the wasmtime command line is absent)";
    ScratchDir other("fdcalls-wasmtime");
    Outcome w = run(cli, other.path());
    EXPECT_EQ(r.exit_code, w.exit_code) << r.err << w.err;
    EXPECT_EQ(r.out, w.out);
    EXPECT_EQ(r.err, w.err);
    EXPECT_EQ(tree_snapshot(dir.path()), tree_snapshot(other.path()));
    if (!HasFailure()) GTEST_SKIP() << exception << " (wasmtime run answers the same)";
    return;
  }
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kExpected);
  EXPECT_EQ(r.err, "");
  // What the guest left: the file cut to 4 bytes, and the link to it.
  EXPECT_EQ(slurp(dir.path() / "f.txt"), "worl");
  EXPECT_EQ(fs::read_symlink(dir.path() / "link"), "f.txt");
}

INSTANTIATE_TEST_SUITE_P(Forms, FdCallsTest, ::testing::Values(Form::Core, Form::Component),
                         [](const auto& info) { return "Form" + form_suffix(info.param); });

}  // namespace
}  // namespace flint::wasi_test
