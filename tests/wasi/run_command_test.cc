// `flint run` with WASI as users drive it: capability and limit flags,
// exit codes, reactors, sockets, traps, and bad input answered with one
// clear line and a non-zero exit.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "component_form.h"

namespace flint::wasi_test {
namespace {

class RunCommandTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = dir_.path() / name;
    std::ofstream(p) << text;
    return p;
  }
  Outcome flint(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), {FLINT_BINARY, "run"});
    return run_command(args, dir_.path(), input);
  }
  static size_t line_count(const std::string& s) {
    return size_t(std::count(s.begin(), s.end(), '\n'));
  }

  ScratchDir dir_{"run"};
};

constexpr const char* kWasiModule = R"((module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $counter (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $counter (i32.const 41)))
  (func (export "next") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))
  (func (export "quit") (param i32) (call $exit (local.get 0)))
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "clock_errno") (param i32) (result i32)
    (call $clock (local.get 0) (i64.const 0) (i32.const 8)))
  (func (export "clock_value") (param i32) (result i64)
    (drop (call $clock (local.get 0) (i64.const 0) (i32.const 8)))
    (i64.load (i32.const 8)))
  (func (export "bad_iovec") (result i32)
    (call $write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 0)))
))";

// A WASI call made from the module's start function reaches the guest's
// memory through its caller (issue 11; it used to trap with "out of bounds
// memory access", as memory was bound only after instantiation).
TEST_F(RunCommandTest, WasiCallsWorkFromTheStartFunction) {
  constexpr const char* kStartWrites = R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "\10\00\00\00\0b\00\00\00")  ;; one iovec: 11 bytes at 16
    (data (i32.const 16) "from start\n")
    (func $start (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
    (start $start)
    (func (export "_start"))))";
  bool have_compiler = fs::exists(fs::path(FLINT_BINARY).parent_path() / "flint-compile");
  for (const char* engine : {"interp", "aot"}) {
    if (std::string_view(engine) == "aot" && !have_compiler) continue;  // no LLVM at configure time
    Outcome r = flint({"--engine", engine, write("start.wat", kStartWrites).string()});
    EXPECT_EQ(r.exit_code, 0) << engine << ": " << r.err;
    EXPECT_EQ(r.out, "from start\n") << engine;
  }
}

TEST_F(RunCommandTest, ReactorInitializesBeforeInvoke) {
  Outcome r = flint({"--invoke", "next", write("m.wat", kWasiModule).string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
}

TEST_F(RunCommandTest, ProcExitCodeBecomesTheExitCode) {
  fs::path m = write("m.wat", kWasiModule);
  EXPECT_EQ(flint({"--invoke", "quit", m.string(), "0"}).exit_code, 0);
  EXPECT_EQ(flint({"--invoke", "quit", m.string(), "7"}).exit_code, 7);
  EXPECT_EQ(flint({"--invoke", "quit", m.string(), "125"}).exit_code, 125);
  // 126 and above are refused as Wasmtime refuses them: a trap.
  Outcome r = flint({"--invoke", "quit", m.string(), "126"});
  EXPECT_EQ(r.exit_code, 134);
  EXPECT_NE(r.err.find("invalid exit status"), std::string::npos) << r.err;
}

TEST_F(RunCommandTest, TimeoutStopsAGuestThatNeverEnds) {
  auto start = std::chrono::steady_clock::now();
  Outcome r =
      flint({"--timeout", "200ms", "--invoke", "spin", write("m.wat", kWasiModule).string()});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 134) << r.err;
  // Stopped by the store's deadline inside wasm: a trap with its backtrace.
  EXPECT_NE(r.err.find("m.wat: interrupt: the guest ran longer than --timeout 200ms"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("wasm backtrace:"), std::string::npos) << r.err;
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

// Runs `flint run FLAGS MODULE` in the background, sends it `signal` once
// it printed "ready" (the guest runs: compiling is over), and returns its
// exit code and stderr.
Outcome signal_when_ready(const fs::path& dir, const std::vector<std::string>& flags,
                          const fs::path& module, const char* signal) {
  std::string run = shell_quote(FLINT_BINARY) + " run";
  for (const std::string& f : flags) run += " " + shell_quote(f);
  std::string script =
      run + " " + shell_quote(module.string()) +
      " > ready.out 2> flint.err & pid=$!; "
      "for i in $(seq 600); do grep -q ready ready.out && break; sleep 0.05; done; "
      "kill -" +
      std::string(signal) + " $pid; wait $pid; echo $? > status; cat flint.err >&2";
  Outcome r = run_command({"sh", "-c", script}, dir);
  std::ifstream status(dir / "status");
  status >> r.exit_code;
  return r;
}

// --stop-on-signal (what the containerd shim runs guests with): SIGTERM
// stops a computing guest through the engine's interruption, with the trap
// and its backtrace, and the exit code of a process SIGTERM killed.
TEST_F(RunCommandTest, StopOnSignalInterruptsAComputingGuest) {
  constexpr const char* kSpinner = R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "\10\00\00\00\06\00\00\00")  ;; one iovec: 6 bytes at 16
    (data (i32.const 16) "ready\n")
    (func $spin (loop $forever (br $forever)))
    (func (export "_start")
      (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
      (call $spin))))";
  fs::path m = write("m.wat", kSpinner);
  bool have_compiler = fs::exists(fs::path(FLINT_BINARY).parent_path() / "flint-compile");
  for (const char* engine : {"interp", "aot"}) {
    if (std::string_view(engine) == "aot" && !have_compiler) continue;  // no LLVM at configure time
    Outcome r = signal_when_ready(dir_.path(), {"--engine", engine, "--stop-on-signal"}, m, "TERM");
    EXPECT_EQ(r.exit_code, 128 + SIGTERM) << engine << ": " << r.err;
    EXPECT_NE(r.err.find("m.wat: interrupt: stopped by SIGTERM"), std::string::npos)
        << engine << ": " << r.err;
    EXPECT_NE(r.err.find("wasm backtrace:"), std::string::npos) << engine << ": " << r.err;
  }
  // SIGINT (Ctrl-C) too, with its own code.
  Outcome r = signal_when_ready(dir_.path(), {"--stop-on-signal"}, m, "INT");
  EXPECT_EQ(r.exit_code, 128 + SIGINT) << r.err;
  EXPECT_NE(r.err.find("stopped by SIGINT"), std::string::npos) << r.err;
}

// A guest sleeping inside a host call reaches no interruption check: it is
// ended after the grace period, with a message saying why.
TEST_F(RunCommandTest, StopOnSignalEndsAGuestBlockedInAHostCall) {
  constexpr const char* kSleeper = R"((module
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    ;; one subscription: tag 0 (clock) at 8, clock 0 at 16, relative timeout 1 hour at 24
    (data (i32.const 24) "\00\a0\b8\30\46\03\00\00")
    (data (i32.const 200) "\d8\00\00\00\06\00\00\00")  ;; one iovec: 6 bytes at 216
    (data (i32.const 216) "ready\n")
    (func (export "_start")
      (drop (call $write (i32.const 1) (i32.const 200) (i32.const 1) (i32.const 208)))
      (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))))))";
  auto start = std::chrono::steady_clock::now();
  Outcome r =
      signal_when_ready(dir_.path(), {"--stop-on-signal"}, write("sleep.wat", kSleeper), "TERM");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
  EXPECT_NE(r.err.find("did not stop within 1000 ms of SIGTERM"), std::string::npos) << r.err;
  EXPECT_LT(elapsed, std::chrono::seconds(60));  // not the hour it asked to sleep
}

TEST_F(RunCommandTest, FuelStopsAGuestDeterministically) {
  Outcome r = flint({"--fuel", "100000", "--invoke", "spin", write("m.wat", kWasiModule).string()});
  EXPECT_EQ(r.exit_code, 134);
  EXPECT_NE(r.err.find("all fuel consumed"), std::string::npos) << r.err;
}

TEST_F(RunCommandTest, MaxMemoryBoundsGrowth) {
  fs::path m = write("m.wat", kWasiModule);
  EXPECT_EQ(flint({"--max-memory", "128K", "--invoke", "grow", m.string(), "1"}).out, "1\n");
  EXPECT_EQ(flint({"--max-memory", "128K", "--invoke", "grow", m.string(), "2"}).out, "-1\n");
  EXPECT_EQ(flint({"--invoke", "grow", m.string(), "2"}).out, "1\n");
}

TEST_F(RunCommandTest, AllFourClocks) {
  fs::path m = write("m.wat", kWasiModule);
  for (const char* id : {"0", "1", "2", "3"}) {
    EXPECT_EQ(flint({"--invoke", "clock_errno", m.string(), id}).out, "0\n") << "clock " << id;
    Outcome r = flint({"--invoke", "clock_value", m.string(), id});
    EXPECT_GT(std::stoll(r.out), 0) << "clock " << id;
  }
  // An id outside $clockid is not an errno but a trap, as in Wasmtime.
  EXPECT_EQ(flint({"--invoke", "clock_errno", m.string(), "4"}).exit_code, 134);
}

TEST_F(RunCommandTest, OutOfBoundsPointerTraps) {
  Outcome r = flint({"--invoke", "bad_iovec", write("m.wat", kWasiModule).string()});
  EXPECT_EQ(r.exit_code, 134);
  EXPECT_NE(r.err.find("out of bounds"), std::string::npos) << r.err;
}

TEST_F(RunCommandTest, TrapShowsBacktraceWithNames) {
  fs::path m = write("trap.wat", R"((module
    (func $inner unreachable)
    (func $outer call $inner)
    (func (export "_start") call $outer)))");
  Outcome r = flint({m.string()});
  EXPECT_EQ(r.exit_code, 134);
  EXPECT_NE(r.err.find("unreachable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wasm backtrace"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("inner"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("outer"), std::string::npos) << r.err;
}

TEST_F(RunCommandTest, ModuleWithoutWasiRuns) {
  EXPECT_EQ(flint({write("plain.wat", "(module (func (export \"_start\")))").string()}).exit_code,
            0);
}

TEST_F(RunCommandTest, HelpDocumentsEveryFlag) {
  Outcome r = run_command({FLINT_BINARY, "run", "--help"}, dir_.path());
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag :
       {"--dir", "--dir-ro", "--env", "--tcplisten", "--argv0", "--max-memory", "--timeout",
        "--stop-on-signal", "--fuel", "--invoke", "-S", "inherit-network", "allow-ip-name-lookup"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

// ---- bad input: one line, non-zero exit, no crash ---------------------------

void expect_one_line_error(const Outcome& r, const std::vector<std::string>& words) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  for (const std::string& w : words)
    EXPECT_NE(r.err.find(w), std::string::npos) << w << " in: " << r.err;
}

TEST_F(RunCommandTest, UnsatisfiedImportNamesModuleFieldAndType) {
  fs::path m =
      write("env.wat", R"((module (import "env" "host_log" (func (param i32 f64) (result i64)))))");
  expect_one_line_error(flint({m.string()}),
                        {"unknown import", "\"env\"", "\"host_log\"", "[i32 f64] -> [i64]"});
  m = write("mem.wat", R"((module (import "env" "memory" (memory 2))))");
  expect_one_line_error(flint({m.string()}), {"\"env\"", "\"memory\"", "memory"});
}

TEST_F(RunCommandTest, OldWasiNameIsExplained) {
  fs::path m = write(
      "old.wat",
      R"((module (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))))");
  expect_one_line_error(flint({m.string()}),
                        {"wasi_unstable", "fd_write", "wasi_snapshot_preview1"});
}

TEST_F(RunCommandTest, WrongWasiSignatureIsNamed) {
  fs::path m = write(
      "sig.wat",
      R"((module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))))");
  expect_one_line_error(flint({m.string()}), {"incompatible import type", "fd_write",
                                              "[i32] -> [i32]", "[i32 i32 i32 i32] -> [i32]"});
  m = write("none.wat", R"((module (import "wasi_snapshot_preview1" "fd_frobnicate" (func))))");
  expect_one_line_error(flint({m.string()}), {"unknown import", "fd_frobnicate"});
}

TEST_F(RunCommandTest, MissingModuleFile) {
  expect_one_line_error(flint({"absent.wasm"}), {"absent.wasm"});
}

TEST_F(RunCommandTest, BadFlagValues) {
  fs::path m = write("plain.wat", "(module (func (export \"_start\")))");
  expect_one_line_error(flint({"--timeout", "soon", m.string()}), {"--timeout"});
  expect_one_line_error(flint({"--timeout", "5 fortnights", m.string()}), {"--timeout"});
  expect_one_line_error(flint({"--max-memory", "12Q", m.string()}), {"--max-memory"});
  expect_one_line_error(flint({"--tcplisten", "no-port", m.string()}), {"--tcplisten"});
  expect_one_line_error(flint({"--tcplisten", "127.0.0.1:99999", m.string()}), {"--tcplisten"});
  // -S as wasmtime's: an unknown option or a value other than y/n is refused.
  expect_one_line_error(flint({"-S", "frobnicate", m.string()}), {"-S frobnicate"});
  expect_one_line_error(flint({"-S", "tcp=maybe", m.string()}), {"-S tcp=maybe"});
  expect_one_line_error(flint({"-S", "tcplisten=no-port", m.string()}), {"tcplisten"});
  EXPECT_EQ(flint({"-S", "inherit-network", "-S", "udp=n", m.string()}).exit_code, 0);
  fs::path wasi = write("m.wat", kWasiModule);
  expect_one_line_error(flint({"--env", "=value", "--invoke", "next", wasi.string()}), {"--env"});
  expect_one_line_error(
      flint({"--dir", (dir_.path() / "nowhere").string(), "--invoke", "next", wasi.string()}),
      {"nowhere"});
  Outcome r = flint({"--no-such-flag", m.string()});
  EXPECT_EQ(r.exit_code, 1);
  r = flint({"--dir"});
  EXPECT_EQ(r.exit_code, 1);
}

// ---- sockets: --tcplisten and sock_accept -----------------------------------

uint16_t free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

// Connects (retrying while the guest starts), sends `message`, closes the
// sending side and returns everything the guest answered.
std::string talk(uint16_t port, const std::string& message) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      send(s, message.data(), message.size(), 0);
      shutdown(s, SHUT_WR);
      std::string reply;
      char buf[512];
      ssize_t n;
      while ((n = recv(s, buf, sizeof buf, 0)) > 0) reply.append(buf, size_t(n));
      close(s);
      return reply;
    }
    close(s);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "(could not connect)";
}

void echo_server_test(const fs::path& module, const std::string& expected_stdout) {
  uint16_t port = free_port();
  std::string command = std::string(FLINT_BINARY) +
                        " run --timeout 60s --tcplisten 127.0.0.1:" + std::to_string(port) + " " +
                        module.string() + " 2";
  FILE* server = popen(command.c_str(), "r");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(talk(port, "hello\nsocket world\n"), "HELLO\nSOCKET WORLD\n");
  EXPECT_EQ(talk(port, "again\n"), "AGAIN\n");
  std::string out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, server)) > 0) out.append(buf, n);
  int status = pclose(server);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  EXPECT_EQ(out, expected_stdout);
}

// The socket guests in both forms. A component cannot be handed a listening
// socket (preview-1 sock_accept on an inherited descriptor has no WASI 0.2
// equivalent; component_forms.txt): `flint run` refuses --tcplisten for it,
// and `wasmtime run -S tcplisten=` refuses the same way.
struct SocketCase {
  std::string name, guest, expected;
};

void PrintTo(const SocketCase& c, std::ostream* os) { *os << c.guest; }

class SocketTest : public ::testing::TestWithParam<std::tuple<SocketCase, Form>> {};

TEST_P(SocketTest, EchoesOverPreopenedListener) {
  const auto& [c, form] = GetParam();
  ScratchDir renamed("socket-form");
  fs::path module = guest_in_form(c.guest, form, renamed);
  if (module.empty()) GTEST_SKIP() << c.guest << " in this form was not built";
  if (form == Form::Core) {
    echo_server_test(module, c.expected);
    return;
  }
  const std::string exception = component_exception(c.name);
  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  Outcome flint = run_command({FLINT_BINARY, "run", "--tcplisten", listen, module.string(), "2"},
                              renamed.path());
  EXPECT_EQ(flint.exit_code, 1) << flint.out;
  EXPECT_NE(flint.err.find("--tcplisten is for core modules"), std::string::npos) << flint.err;
  const std::string cli = wasmtime_cli();
  if (cli.empty()) GTEST_SKIP() << exception << " (and the wasmtime command line is absent)";
  Outcome wasmtime =
      run_command({cli, "run", "-S", "tcplisten=" + listen, module.string(), "2"}, renamed.path());
  EXPECT_EQ(wasmtime.exit_code, 1) << wasmtime.out;
  EXPECT_NE(wasmtime.err.find("components do not support --tcplisten"), std::string::npos)
      << wasmtime.err;
  if (!HasFailure()) GTEST_SKIP() << exception << " (wasmtime run refuses it too)";
}

INSTANTIATE_TEST_SUITE_P(
    Guests, SocketTest,
    ::testing::Combine(
        ::testing::Values(SocketCase{"CEchoServer", "c/echo_server.wasm",
                                     "client 0: echoed 19 bytes\nclient 1: echoed 6 bytes\n"},
                          SocketCase{"GoNetFileListener", "go/echo.wasm",
                                     "client 0: 2 lines\nclient 1: 1 lines\n"}),
        ::testing::Values(Form::Core, Form::Component)),
    [](const auto& info) {
      return std::get<0>(info.param).name + form_suffix(std::get<1>(info.param));
    });

}  // namespace
}  // namespace flint::wasi_test
