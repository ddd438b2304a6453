// `flint run COMPONENT`: exit codes, a trap's report, an unsatisfied
// import's message, and the guests/c programs run as components against
// their core-module runs.
#include <gtest/gtest.h>

#include "../wasi/subprocess.h"
#include "component_guest.h"

namespace flint::wasip2_test {
namespace {

using wasi_test::Outcome;
using wasi_test::run_command;

std::string build(const std::string& name, const std::string& source) {
  std::string error;
  fs::path c = component(name, source, error);
  EXPECT_FALSE(c.empty()) << error;
  return c.string();
}

TEST(WasiP2Run, ExitCodeAndOutput) {
  WASIP2_REQUIRE_TOOLCHAIN();
  std::string c = build("cli_exit", R"c(
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) { printf("%s\n", argv[1]); return atoi(argv[1]); })c");
  Outcome r = run_command({FLINT_BINARY, "run", c, "5"}, scratch());
  EXPECT_EQ(r.exit_code, 1);  // the adapter's proc_exit: any non-zero code is `err`
  EXPECT_EQ(r.out, "5\n");
  EXPECT_EQ(r.err, "");
  Outcome zero = run_command({FLINT_BINARY, "run", c, "0"}, scratch());
  EXPECT_EQ(zero.exit_code, 0);
}

/// The binary of a component written in the text format.
fs::path parse_wat(const std::string& name, const std::string& text) {
  fs::path wat = scratch() / (name + ".wat"), wasm = scratch() / (name + ".wasm");
  std::ofstream(wat) << text;
  if (std::system(("wasm-tools parse " + wat.string() + " -o " + wasm.string()).c_str()) != 0)
    return {};
  return wasm;
}

TEST(WasiP2Run, ExitWithCodeAndRunResult) {
  if (std::system("wasm-tools --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no wasm-tools";
  // wasi:cli/exit.exit-with-code (imported at 0.2.0: Flint's 0.2.6 answers).
  fs::path exit3 = parse_wat("exit_with_code", R"c((component
  (import "wasi:cli/exit@0.2.0" (instance $exit
    (export "exit-with-code" (func (param "status-code" u8)))))
  (core func $ewc (canon lower (func $exit "exit-with-code")))
  (core module $m
    (import "host" "exit-with-code" (func $e (param i32)))
    (func (export "run") (result i32) (call $e (i32.const 3)) (i32.const 0)))
  (core instance $i (instantiate $m (with "host" (instance (export "exit-with-code" (func $ewc))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $runi (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $runi))
))c");
  ASSERT_FALSE(exit3.empty());
  EXPECT_EQ(run_command({FLINT_BINARY, "run", exit3.string()}, scratch()).exit_code, 3);
  // 126 and above belong to the shell: a trap, as for preview 1's proc_exit.
  std::string text = read_file(scratch() / "exit_with_code.wat");
  text.replace(text.find("i32.const 3"), 11, "i32.const 200");
  fs::path exit200 = parse_wat("exit_with_code_200", text);
  ASSERT_FALSE(exit200.empty());
  Outcome high = run_command({FLINT_BINARY, "run", exit200.string()}, scratch());
  EXPECT_EQ(high.exit_code, 134);
  EXPECT_NE(high.err.find("exit with invalid exit status 200"), std::string::npos) << high.err;
  // `run` returning err: 1; ok: 0.
  for (int result : {0, 1}) {
    fs::path c = parse_wat("run_result" + std::to_string(result), R"c((component
  (core module $m (func (export "run") (result i32) (i32.const )c" + std::to_string(result) +
                                                                      R"c()))
  (core instance $i (instantiate $m))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $runi (export "run" (func $run)))
  (export "wasi:cli/run@0.2.3" (instance $runi))
))c");
    ASSERT_FALSE(c.empty());
    EXPECT_EQ(run_command({FLINT_BINARY, "run", c.string()}, scratch()).exit_code, result);
  }
}

TEST(WasiP2Run, FlagsGrantAsForModules) {
  WASIP2_REQUIRE_TOOLCHAIN();
  std::string c = build("cli_cat", R"c(
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  const char* v = getenv("WHO");
  printf("WHO=%s\n", v ? v : "(unset)");
  FILE* f = fopen(argv[1], "r");
  if (!f) { printf("cannot open %s\n", argv[1]); return 1; }
  int ch;
  while ((ch = fgetc(f)) != EOF) putchar(ch);
  return 0;
})c");
  fs::create_directories(scratch() / "grant");
  std::ofstream(scratch() / "grant/f.txt") << "contents\n";
  Outcome denied = run_command({FLINT_BINARY, "run", c, "/g/f.txt"}, scratch());
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_EQ(denied.out, "WHO=(unset)\ncannot open /g/f.txt\n");
  Outcome granted =
      run_command({FLINT_BINARY, "run", "--dir", (scratch() / "grant").string() + "::/g", "--env",
                   "WHO=guest", c, "/g/f.txt"},
                  scratch());
  EXPECT_EQ(granted.exit_code, 0);
  EXPECT_EQ(granted.out, "WHO=guest\ncontents\n");
}

TEST(WasiP2Run, StdinIsRead) {
  WASIP2_REQUIRE_TOOLCHAIN();
  std::string c = build("cli_upper", R"c(
#include <ctype.h>
#include <stdio.h>
int main(void) { int ch; while ((ch = getchar()) != EOF) putchar(toupper(ch)); return 0; })c");
  Outcome r = run_command({FLINT_BINARY, "run", c}, scratch(), "shout this\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "SHOUT THIS\n");
}

TEST(WasiP2Run, PollingAnIdleStdinTimesOut) {
  WASIP2_REQUIRE_TOOLCHAIN();
  std::string c = build("cli_poll_stdin", R"c(
#include <poll.h>
#include <stdio.h>
#include <time.h>
int main(void) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct pollfd p = {0, POLLIN, 0};
  int n = poll(&p, 1, 100);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ms = (b.tv_sec - a.tv_sec) * 1000LL + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("ready %d, waited 100ms: %d\n", n, ms >= 100);
  return 0;
})c");
  // A pipe nobody writes to for a while: stdin's pollable must not be ready.
  fs::path out = scratch() / "poll_stdin.out";
  std::string cmd = "sleep 2 | " + std::string(FLINT_BINARY) + " run " + c + " > " + out.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(read_file(out), "ready 0, waited 100ms: 1\n");
}

TEST(WasiP2Run, TrapPrintsOneLineAndABacktrace) {
  WASIP2_REQUIRE_TOOLCHAIN();
  std::string c = build("cli_trap", R"c(
#include <stdio.h>
__attribute__((noinline)) void explode(void) { __builtin_trap(); }
int main(void) { printf("about to trap\n"); fflush(stdout); explode(); return 0; })c");
  Outcome r = run_command({FLINT_BINARY, "run", c}, scratch());
  EXPECT_EQ(r.exit_code, 134);
  EXPECT_EQ(r.out, "about to trap\n");
  EXPECT_EQ(r.err.rfind("flint: trap in " + c + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("unreachable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wasm backtrace:"), std::string::npos) << r.err;
}

TEST(WasiP2Run, UnsatisfiedImportNamesInterfaceVersionAndItem) {
  if (std::system("wasm-tools --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no wasm-tools";
  fs::path wasm = parse_wat("unknown_import", R"c((component
  (import "wasi:nowhere/thing@0.2.0" (instance (export "f" (func))))
))c");
  ASSERT_FALSE(wasm.empty());
  Outcome r = run_command({FLINT_BINARY, "run", wasm.string()}, scratch());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("wasi:nowhere/thing"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0.2.0"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// The layout guests/c expects: data.txt for files.c; for sandbox_escape.c
// a preopen "sandbox" with symlinks pointing everywhere, a secret above it
// and a read-only tree "ro" (as tests/wasi/differential_test.cc makes it).
void guest_fixture(const fs::path& root) {
  fs::create_directories(root / "sandbox" / "sub");
  fs::create_directories(root / "ro");
  std::ofstream(root / "data.txt") << "line one\nline two\n";
  std::ofstream(root / "secret.txt") << "secret\n";
  std::ofstream(root / "sandbox" / "inside.txt") << "hello\n";
  std::ofstream(root / "sandbox" / "sub" / "x.txt") << "x\n";
  std::ofstream(root / "ro" / "ro.txt") << "ro\n";
  fs::create_symlink("..", root / "sandbox" / "up");
  fs::create_symlink("/etc", root / "sandbox" / "abs");
  fs::create_directory_symlink("sub", root / "sandbox" / "in");
  fs::create_symlink("sub/../..", root / "sandbox" / "deep_up");
  fs::create_symlink("loop", root / "sandbox" / "loop");
}

// The guests/c programs the preview-1 tests run, as components: the same
// stdout, exit code and files left behind as their core modules under
// `flint run`. (fd_calls.c is left out: the adapter itself answers some of
// its raw calls differently, e.g. it writes only the first iovec.)
TEST(WasiP2Run, GuestProgramsMatchTheirCoreModuleRuns) {
  WASIP2_REQUIRE_TOOLCHAIN();
  struct Case {
    const char* name;
    std::vector<std::string> flags, args;
  };
  const Case cases[] = {
      {"hello", {}, {}},
      {"args_env", {"--env", "K=v", "--argv0", "guest"}, {"a1", "b 2"}},
      {"exit_code", {}, {"0"}},
      {"clocks_random", {}, {}},
      {"stdio", {}, {}},
      {"no_fs", {}, {}},
      {"files", {"--dir", ".::/work"}, {}},
      {"readdir_many", {"--dir", ".::/work"}, {}},
      {"path_edges", {"--dir", "."}, {}},
      {"sandbox_escape", {"--dir", "sandbox::/sandbox", "--dir-ro", "ro::/ro"}, {}},
  };
  fs::path guests = fs::path(FLINT_SOURCE_DIR) / "guests/c";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string name = std::string("guest_") + c.name, error;
    fs::path core = core_module(name, read_file(guests / (std::string(c.name) + ".c")), error);
    ASSERT_FALSE(core.empty()) << error;
    fs::path comp = component(name, "", error);
    ASSERT_FALSE(comp.empty()) << error;
    auto run_in = [&](const fs::path& module, const std::string& where) {
      fs::path dir = scratch() / (name + "_" + where);
      fs::remove_all(dir);
      fs::create_directories(dir);
      guest_fixture(dir);
      std::vector<std::string> argv = {FLINT_BINARY, "run"};
      argv.insert(argv.end(), c.flags.begin(), c.flags.end());
      argv.push_back(module.string());
      argv.insert(argv.end(), c.args.begin(), c.args.end());
      Outcome o = run_command(argv, dir, "some input\n");
      return std::make_pair(o, wasi_test::tree_snapshot(dir));
    };
    auto [want, want_tree] = run_in(core, "core");
    auto [got, got_tree] = run_in(comp, "component");
    EXPECT_EQ(got.exit_code, want.exit_code) << got.err;
    EXPECT_EQ(got.out, want.out);
    EXPECT_EQ(got_tree, want_tree);
  }
}

// guests/rust/files.rs (Rust's std on preview 1) as a component.
TEST(WasiP2Run, RustGuestMatchesItsCoreModuleRun) {
  WASIP2_REQUIRE_TOOLCHAIN();
  fs::path core = scratch() / "rust_files.wasm", comp = scratch() / "rust_files.component.wasm";
  std::string rustc = "/usr/bin/rustc --target wasm32-wasi -O --edition 2021 -o " + core.string() +
                      " " + (fs::path(FLINT_SOURCE_DIR) / "guests/rust/files.rs").string() +
                      " > /dev/null 2>&1";
  if (std::system(rustc.c_str()) != 0) GTEST_SKIP() << "no rustc with a wasm32-wasi std";
  ASSERT_EQ(
      std::system(("wasm-tools component new " + core.string() +
                   " --adapt wasi_snapshot_preview1=" + adapter().string() + " -o " + comp.string())
                      .c_str()),
      0);
  auto run_in = [&](const fs::path& module, const std::string& where) {
    fs::path dir = scratch() / ("rust_" + where);
    fs::remove_all(dir);
    fs::create_directories(dir);
    guest_fixture(dir);
    Outcome o = run_command({FLINT_BINARY, "run", "--dir", ".::/work", "--env", "GREETING=hi",
                             "--argv0", "files", module.string(), "3"},
                            dir, "one\ntwo\n");
    return std::make_pair(o, wasi_test::tree_snapshot(dir));
  };
  auto [want, want_tree] = run_in(core, "core");
  auto [got, got_tree] = run_in(comp, "component");
  EXPECT_EQ(got.exit_code, want.exit_code == 0 ? 0 : 1);  // the adapter: non-zero is `err`
  EXPECT_EQ(got.out, want.out);
  EXPECT_EQ(got_tree, want_tree);
}

// A native WASI 0.2 program (Rust's wasm32-wasip2 target: a component that
// imports the 0.2.x interfaces directly, no adapter) against the same
// program's preview-1 core module. Rust's std and wasi-libc translate some
// answers differently on the two targets; the lines they agree on must match.
TEST(WasiP2Run, NativeWasip2RustProgram) {
  fs::path p1 = scratch() / "rust_p1.wasm", p2 = scratch() / "rust_p2.wasm";
  std::string source = (fs::path(FLINT_SOURCE_DIR) / "guests/rust/files.rs").string();
  auto rustc = [&](const char* target, const fs::path& out) {
    return std::system(("rustc --target " + std::string(target) + " -O --edition 2021 -o " +
                        out.string() + " " + source + " > /dev/null 2>&1")
                           .c_str()) == 0;
  };
  if (!rustc("wasm32-wasip2", p2) || !rustc("wasm32-wasip1", p1))
    GTEST_SKIP() << "no rustc with the wasm32-wasip1 and wasm32-wasip2 targets (rustup target add)";
  auto run_in = [&](const fs::path& module, const std::string& where) {
    fs::path dir = scratch() / ("native_" + where);
    fs::remove_all(dir);
    fs::create_directories(dir);
    guest_fixture(dir);
    Outcome o = run_command({FLINT_BINARY, "run", "--dir", ".::/work", "--env", "GREETING=hi",
                             "--argv0", "files", module.string(), "3"},
                            dir, "one\ntwo\n");
    return std::make_pair(o, wasi_test::tree_snapshot(dir));
  };
  auto [want, want_tree] = run_in(p1, "p1");
  auto [got, got_tree] = run_in(p2, "p2");
  EXPECT_EQ(want.exit_code, 3);
  EXPECT_EQ(got.exit_code, 1);  // Rust's exit on wasip2 calls wasi:cli/exit with `err`
  EXPECT_EQ(got_tree, want_tree);
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      // Differences of the guest's libraries, not of the host: the p2 libc
      // reports a file without permission bits as read-only, and an absolute
      // path under no preopen as not found.
      if (line.find("readonly") == std::string::npos &&
          line.find("outside the preopen") == std::string::npos)
        out.push_back(line);
    return out;
  };
  EXPECT_EQ(lines(got.out), lines(want.out)) << got.err;
}

}  // namespace
}  // namespace flint::wasip2_test

namespace flint::wasip2_test {
namespace {

// `flint run --invoke 'name(args)'` on a component: WAVE arguments read
// against the export's parameter types, the result printed in WAVE, as
// `wasmtime run --invoke` does. The component is given as text: flint
// parses `(component ...)` itself.
TEST(WasiP2Run, InvokeTakesAndPrintsWave) {
  fs::path wat = scratch() / "invoke.wat";
  std::ofstream(wat) << R"wat((component
  (core module $M
    (memory (export "mem") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32) (local.set $p (global.get $bump))
      (global.set $bump (i32.add (global.get $bump) (local.get 3))) (local.get $p))
    (func (export "len") (param i32 i32) (result i32) (local.get 1))
    (func (export "boom") (result i32) unreachable))
  (core instance $m (instantiate $M))
  (func (export "len") (param "s" string) (result u32)
    (canon lift (core func $m "len") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "boom") (result u32) (canon lift (core func $m "boom")))
))wat";
  Outcome len =
      run_command({FLINT_BINARY, "run", "--invoke", "len(\"héllo\")", wat.string()}, scratch());
  EXPECT_EQ(len.exit_code, 0) << len.err;
  EXPECT_EQ(len.out, "6\n");  // UTF-8 bytes
  Outcome wrong = run_command({FLINT_BINARY, "run", "--invoke", "len(1)", wat.string()}, scratch());
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("arguments of len"), std::string::npos) << wrong.err;
  Outcome missing =
      run_command({FLINT_BINARY, "run", "--invoke", "nope()", wat.string()}, scratch());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no exported function `nope`"), std::string::npos) << missing.err;
  Outcome trap = run_command({FLINT_BINARY, "run", "--invoke", "boom()", wat.string()}, scratch());
  EXPECT_EQ(trap.exit_code, 134);
  EXPECT_NE(trap.err.find("unreachable"), std::string::npos) << trap.err;
}

}  // namespace
}  // namespace flint::wasip2_test
